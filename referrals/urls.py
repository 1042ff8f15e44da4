from django.urls import path

from referrals import views

urlpatterns = [
    path("masuk/", views.IncomingReferralListView.as_view(), name="referral-incoming"),
    path("keluar/", views.OutgoingReferralListView.as_view(), name="referral-outgoing"),
    path("surat-masuk/", views.PaperReferralView.as_view(), name="referral-paper"),
    path("kasus/<str:code>/", views.referral_new, name="referral-new"),
    path("<int:pk>/", views.ReferralDetailView.as_view(), name="referral-detail"),
    path("<int:pk>/surat.pdf", views.referral_letter, name="referral-letter"),
    path("<int:pk>/<slug:action>/", views.referral_action, name="referral-action"),
]
