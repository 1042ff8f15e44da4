from django.urls import path
from django.views.generic import TemplateView

# Placeholder until the feature's views land.
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="prevention-list"),
]
