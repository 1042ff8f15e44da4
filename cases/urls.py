from django.urls import path

from cases.views import cases

urlpatterns = [
    path("", cases.CaseListView.as_view(), name="case-list"),
    path("<str:code>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("<str:code>/identitas/", cases.case_reveal_identity, name="case-reveal-identity"),
    path("<str:code>/riwayat/", cases.CaseHistoryView.as_view(), name="case-history"),
]
