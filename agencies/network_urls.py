from django.urls import path

from agencies.views import agreements, network_members

urlpatterns = [
    path("", agreements.AgreementListView.as_view(), name="agreement-list"),
    path("kesepakatan/baru/", agreements.agreement_create, name="agreement-create"),
    path("kesepakatan/<int:pk>/", agreements.agreement_detail, name="agreement-detail"),
    path("kesepakatan/<int:pk>/ubah/", agreements.agreement_edit, name="agreement-edit"),
    path("kesepakatan/<int:pk>/dokumen/", agreements.agreement_document, name="agreement-document"),
    path("kesepakatan/<int:pk>/komitmen/", agreements.commitment_create, name="commitment-create"),
    path("komitmen/<int:pk>/hapus/", agreements.commitment_delete, name="commitment-delete"),
    path(
        "instansi/<int:agency_id>/komitmen/",
        agreements.agency_commitments,
        name="agency-commitments",
    ),
    path("anggota/", network_members.NetworkMemberListView.as_view(), name="network-member-list"),
    path("anggota/baru/", network_members.network_member_create, name="network-member-create"),
    path("anggota/<int:pk>/", network_members.network_member_edit, name="network-member-edit"),
    path(
        "anggota/<int:pk>/akun/", network_members.network_member_login, name="network-member-login"
    ),
    path("cakupan/", network_members.network_coverage, name="network-coverage"),
]
