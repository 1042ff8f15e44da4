from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from agencies.forms import SignInForm, ThrottledPasswordResetForm


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.get_user().preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


def locked_out(request, credentials, *args, **kwargs):
    """django-axes lockout page: the same for known and unknown usernames."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = ngettext(
        "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again, "
        "or ask your administrator to unlock the account.",
        "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again, "
        "or ask your administrator to unlock the account.",
        minutes,
    ) % {"minutes": minutes}
    context = {"form": SignInForm(request), "lockout_message": message}
    return render(request, "registration/login.html", context, status=429)


@require_POST
def set_language(request):
    """Django's language switch; a signed-in user's choice is also kept on the account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response
