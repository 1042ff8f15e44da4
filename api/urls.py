"""``/api/``: version 1 of the partner API, its OpenAPI schema and interactive docs.

Each app keeps its routes in ``<app>/api_urls.py``; a new app's routes are added here."""

from django.conf import settings
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.errors import unknown_route

# Swagger UI sets inline styles from its script; on this page alone (no user content, the
# schema only) styles may be inline. Scripts stay 'self' only.
swagger_ui = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

v1 = [
    path("", include("agencies.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("referrals.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", swagger_ui, name="api-docs"),
    # Anything else under /api/ answers in the API's JSON shape, not with an HTML page.
    re_path(r"^.*$", unknown_route),
]
