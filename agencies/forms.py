import hashlib

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username/e-mail and password do not match. Note that the password is "
            "case-sensitive."
        ),
        "inactive": _("This account is not active."),
    }


class ThrottledPasswordResetForm(PasswordResetForm):
    """Sends at most RESETS_PER_HOUR reset mails to one address, so nobody can flood a
    colleague's inbox. Past the limit the page answers exactly as before, silently."""

    RESETS_PER_HOUR = 3

    def get_users(self, email):
        key = "password-reset:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
        cache.add(key, 0, timeout=60 * 60)
        if cache.incr(key) > self.RESETS_PER_HOUR:
            return iter(())
        return super().get_users(email)
