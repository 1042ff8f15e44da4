from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from agencies.roles import has_role


class RoleRequiredMixin(LoginRequiredMixin):
    """Lets a view through only for users holding one of ``required_roles``.

    A missing role is a 403: pages are functions, not records. Records another
    agency owns are hidden by their ``visible_to`` rule and answer 404 instead.
    """

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, *self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
