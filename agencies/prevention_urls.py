from django.urls import path

from agencies.views import prevention

urlpatterns = [
    path("", prevention.PreventionListView.as_view(), name="prevention-list"),
    path("baru/", prevention.activity_create, name="prevention-create"),
    path("capaian/", prevention.progress, name="prevention-progress"),
    path("<int:pk>/", prevention.activity_detail, name="prevention-detail"),
    path("<int:pk>/ubah/", prevention.activity_edit, name="prevention-edit"),
]
