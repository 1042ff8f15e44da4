"""Who is calling: a partner system by bearer token, or a signed-in person's browser."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from agencies.api_clients import api_client_for_token
from agencies.models import ApiClient


class ApiClientAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer sng_<prefix>_<secret>``; the request then runs as the
    client's service account, and ``request.auth`` is the ApiClient."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            token = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header.")) from error
        client = api_client_for_token(token)
        if client is None:
            # One answer for unknown, revoked and expired tokens: nothing to probe.
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        return client.user, client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BrowserSessionAuthentication(authentication.SessionAuthentication):
    """The signed-in web user, with CSRF enforced on every unsafe method (DRF's own)."""


def client_of(request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None
