from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("kasus/", include("cases.urls")),
    path("lapor/", include("cases.public_urls")),
    path("rujukan/", include("referrals.urls")),
    path("rapat/", include("meetings.urls")),
    path("jejaring/", include("agencies.network_urls")),
    path("pencegahan/", include("agencies.prevention_urls")),
    path("rumah-aman/", include("cases.shelter_urls")),
    path("statistik/", include("reports.public_urls")),
    path("dasbor/", include("reports.urls")),
    path("", include("agencies.urls")),
]
