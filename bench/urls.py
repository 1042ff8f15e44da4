"""Sinergi's own URLs, plus the naive baseline under ``/bench/naive/`` (benchmark only)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench.baseline.views import NaiveCaseViewSet
from config.urls import urlpatterns as sinergi_urlpatterns

router = SimpleRouter()
router.register("cases", NaiveCaseViewSet, basename="naive-case")

urlpatterns = [
    path("bench/naive/", include(router.urls)),
    *sinergi_urlpatterns,
]
