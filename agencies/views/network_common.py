"""What the protection-network pages share: who may open them."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from agencies.network_scope import network_membership


def network_view(view):
    """Signed in and taking part in a city network (else 403: a page, not a record)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if network_membership(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
