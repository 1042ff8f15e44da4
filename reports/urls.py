from django.urls import path
from django.views.generic import TemplateView

# Placeholder until the dashboards land.
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="agency-dashboard"),
]
