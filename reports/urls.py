from django.urls import path

from reports import dashboard_views

urlpatterns = [
    path("", dashboard_views.agency_dashboard, name="agency-dashboard"),
    path("jejaring/", dashboard_views.network_dashboard, name="network-dashboard"),
    path("tren/", dashboard_views.violence_trend, name="violence-trend"),
    path("laporan.pdf", dashboard_views.figures_report_pdf, name="figures-report-pdf"),
]
