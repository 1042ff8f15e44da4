from django.urls import path

from reports import public_views

urlpatterns = [
    path("", public_views.public_statistics, name="public-statistics"),
]
