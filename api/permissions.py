"""Deny by default: a caller needs an agency membership, and a partner system the scope
the endpoint asks for. Which records it reaches is the models' visible_to/editable_by."""

from rest_framework import permissions

from agencies.models import ApiScope
from agencies.roles import membership_of
from api.authentication import client_of


def required_scope(view, request) -> str:
    """Reads need ``read`` unless the view names another; writes need the view's
    ``write_scope``. A view that sets neither cannot be written by a partner system."""
    if request.method in permissions.SAFE_METHODS:
        return getattr(view, "read_scope", ApiScope.READ)
    return getattr(view, "write_scope", None) or "-"


class AgencyMember(permissions.BasePermission):
    """A signed-in person or partner system in an active agency, holding the scope."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if membership_of(request.user) is None:
            return False
        client = client_of(request)
        return client is None or client.has_scope(required_scope(view, request))
