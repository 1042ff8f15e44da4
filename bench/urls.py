"""Sinergi's own URLs, plus the naive baseline under ``/bench/naive/`` and the framework's
floor under ``/bench/floor/`` (benchmark only)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench.baseline.views import NaiveCaseViewSet
from bench.framework_floor import FrameworkFloorView
from config.urls import urlpatterns as sinergi_urlpatterns

router = SimpleRouter()
router.register("cases", NaiveCaseViewSet, basename="naive-case")

urlpatterns = [
    path("bench/naive/", include(router.urls)),
    path("bench/floor/", FrameworkFloorView.as_view(), name="bench-framework-floor"),
    *sinergi_urlpatterns,
]
