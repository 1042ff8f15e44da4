from functools import update_wrapper

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SinergiAdminSite(AdminSite):
    """The admin site opens to the ``admin`` role alone (``User.is_staff`` follows it).

    There is one sign-in page for everyone, so lockout and session limits hold here
    too: anonymous visitors go to it, signed-in users without the role get a 403.
    """

    site_header = "Sinergi"
    site_title = "Sinergi"
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if not self.has_permission(request):
                return self._refuse(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        return self._refuse(request)

    def _refuse(self, request):
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), reverse("login"))
