from django.urls import path

from cases.views import shelters

urlpatterns = [
    path("", shelters.SafeHouseListView.as_view(), name="safe-house-list"),
    path("<int:pk>/", shelters.SafeHouseDetailView.as_view(), name="safe-house-detail"),
]
