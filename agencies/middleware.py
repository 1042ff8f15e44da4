import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import split_header_value
from django.utils.translation import gettext as _

SESSION_STARTED = "sinergi_started_at"
SESSION_LAST_SEEN = "sinergi_last_seen"
# Refreshing the idle clock at most once a minute spares a session write per request;
# the timeout can then fire up to a minute early, never late.
_LAST_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS idle or SESSION_COOKIE_AGE in total."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and self._expired(request):
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
        return self.get_response(request)

    def _expired(self, request) -> bool:
        now = int(time.time())
        session = request.session
        started = session.get(SESSION_STARTED)
        last_seen = session.get(SESSION_LAST_SEEN)
        if started is None or last_seen is None:
            return True
        if now - started > settings.SESSION_COOKIE_AGE:
            return True
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            return True
        if now - last_seen >= _LAST_SEEN_RESOLUTION:
            session[SESSION_LAST_SEEN] = now
        return False


def language_for(request) -> str:
    """Indonesian unless the signed-in user or the language cookie asks otherwise.

    The browser's Accept-Language is deliberately ignored: Sinergi is Indonesian first.
    """
    available = {code for code, _name in settings.LANGUAGES}
    user = request.user
    if user.is_authenticated and user.preferred_language in available:
        return user.preferred_language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in available:
        return cookie
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        request.LANGUAGE_CODE = language
        # override() restores the previous language afterwards, so nothing leaks
        # into the next request served by this thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in user sees may be kept by a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not _kept_by_no_cache(response):
            add_never_cache_headers(response)
        return response


def _kept_by_no_cache(response) -> bool:
    """Whether the view already forbade every cache (the API's base does, for partner
    systems too): patching the headers a second time cost ~4 % of a signed-in API
    request that reads nothing."""
    header = response.get("Cache-Control", "")
    directives = {field.split("=", 1)[0].strip().lower() for field in split_header_value(header)}
    return {"no-store", "private"} <= directives
