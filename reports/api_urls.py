from django.urls import path

from reports import api

urlpatterns = [
    path("reports/agency/", api.AgencyReportView.as_view(), name="api-report-agency"),
    path("reports/network/", api.NetworkReportView.as_view(), name="api-report-network"),
    path("reports/trend/", api.TrendReportView.as_view(), name="api-report-trend"),
    path("reports/simfoni/", api.SimfoniReportView.as_view(), name="api-report-simfoni"),
    path("reports/kla/", api.KlaReportView.as_view(), name="api-report-kla"),
]
