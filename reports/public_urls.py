from django.urls import path
from django.views.generic import TemplateView

# Placeholder until the public statistics page lands.
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="public-statistics"),
]
