from django.urls import include, path

from reports import dashboard_views, recap_views

urlpatterns = [
    path("", dashboard_views.agency_dashboard, name="agency-dashboard"),
    path("jejaring/", dashboard_views.network_dashboard, name="network-dashboard"),
    path("tren/", dashboard_views.violence_trend, name="violence-trend"),
    path("kla/", recap_views.kla_report, name="kla-report"),
    path("simfoni/", recap_views.simfoni_recap_page, name="simfoni-recap"),
    path("impor/", include("reports.import_urls")),
    path("laporan.pdf", dashboard_views.figures_report_pdf, name="figures-report-pdf"),
]
