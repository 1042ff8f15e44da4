from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.forms import LanguageForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        _set_language_cookie(response, form.get_user().preferred_language)
        return response


def locked_out(request, credentials, *args, **kwargs):
    """django-axes lockout page: the same for known and unknown usernames."""
    context = {
        "form": SignInForm(request),
        "lockout_message": _(
            "Too many failed sign-in attempts. Please wait 15 minutes and try again, "
            "or ask your administrator to unlock the account."
        ),
    }
    return render(request, "registration/login.html", context, status=429)


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user's choice is remembered on the account."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    _set_language_cookie(response, language)
    return response
