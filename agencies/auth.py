"""Sign-in by username or e-mail, and the name django-axes counts failures under."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrEmailBackend(ModelBackend):
    """Accepts either the username or the e-mail address, both case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user_model = get_user_model()
        login = username.strip()
        matches = list(
            user_model._default_manager.filter(
                Q(username__iexact=login) | (Q(email__iexact=login) & ~Q(email=""))
            )[:2]
        )
        if len(matches) != 1:
            # Hash anyway so an unknown name takes as long as a wrong password.
            user_model().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials) -> str:
    """Failures are counted per typed login, case-insensitively, known or not."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return raw.strip().lower()
