from django.urls import path
from django.views.decorators.http import require_POST

from cases.views import cases, complaints, work

urlpatterns = [
    path("", cases.CaseListView.as_view(), name="case-list"),
    path("pengaduan/", complaints.ComplaintInboxView.as_view(), name="complaint-inbox"),
    path("pengaduan/baru/", complaints.IntakeView.as_view(), name="complaint-new"),
    path("pengaduan/<int:pk>/", complaints.ComplaintTriageView.as_view(), name="complaint-triage"),
    path(
        "pengaduan/<int:pk>/buka/",
        require_POST(complaints.complaint_triage_open),
        name="complaint-triage-open",
    ),
    path(
        "pengaduan/<int:pk>/gabung/",
        require_POST(complaints.complaint_triage_attach),
        name="complaint-triage-attach",
    ),
    path(
        "pengaduan/<int:pk>/tolak/",
        require_POST(complaints.complaint_triage_reject),
        name="complaint-triage-reject",
    ),
    path("<str:code>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("<str:code>/identitas/", cases.case_reveal_identity, name="case-reveal-identity"),
    path("<str:code>/riwayat/", cases.CaseHistoryView.as_view(), name="case-history"),
    path("<str:code>/aksi/<slug:action>/", work.case_action, name="case-action"),
    path("<str:code>/dokumen/<int:pk>/", work.document_download, name="case-document"),
]
