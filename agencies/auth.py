"""Sign-in by username or e-mail, and the name django-axes counts failures under."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from agencies.roles import LOADED_ROLES, adopt_membership
from agencies.user_load import user_with_membership


class UsernameOrEmailBackend(ModelBackend):
    """Accepts either the username or the e-mail address, both case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user_model = get_user_model()
        matches = list(user_model._default_manager.by_login(username)[:2])
        if len(matches) != 1:
            # Hash anyway so an unknown name takes as long as a wrong password.
            user_model().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, with their membership and roles in the same
        query, written once per process (agencies.user_load): every page needs both."""
        user = user_with_membership(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        adopt_membership(user, getattr(user, LOADED_ROLES))
        return user


def lockout_username(request, credentials) -> str:
    """The name failures are counted under: the account's username when the typed login
    (username or e-mail) names exactly one account, else the typed text itself, so an
    unknown name locks out exactly like a known one."""
    typed = ((credentials or {}).get("username") or request.POST.get("username", "")).strip()
    usernames = list(
        get_user_model()._default_manager.by_login(typed).values_list("username", flat=True)[:2]
    )
    return (usernames[0] if len(usernames) == 1 else typed).lower()


def client_ip(request) -> str:
    """The address failures are counted under: the socket peer, or the client as seen
    by the last of TRUSTED_PROXY_COUNT reverse proxies (never a header a client could
    forge on its own)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_address(request) -> str | None:
    """``client_ip`` as an audit row stores it: None when unknown."""
    return client_ip(request) or None
