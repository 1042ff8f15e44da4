"""Request rates, counted in Redis (the shared cache) so every worker sees one count."""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from api.authentication import client_of


class PartnerRateThrottle(SimpleRateThrottle):
    """Per partner system, or per signed-in person using the API from the browser."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        client = client_of(request)
        ident = f"client-{client.pk}" if client else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicComplaintThrottle(AnonRateThrottle):
    """The one anonymous write: the public complaint, per address."""

    scope = "public_complaint"
