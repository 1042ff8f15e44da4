"""Roles and every check made on them. Nothing else in Sinergi inspects roles directly."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE = "intake", _("Intake officer")
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    HEAD = "head", _("Head of division")
    DATA_OFFICER = "data_officer", _("Data officer")
    COORDINATOR = "coordinator", _("Forum coordinator")
    ADMIN = "admin", _("System administrator")
    COMMUNITY = "community", _("Community reporter")


_CACHE_ATTRIBUTE = "_sinergi_membership"


def membership_of(user):
    """The user's membership with agency, unit and roles loaded, or None.

    Cached on the user object for the length of one request only, so a change of
    roles or agency takes effect on the very next request.
    """
    if not user.is_authenticated:
        return None
    if not hasattr(user, _CACHE_ATTRIBUTE):
        from django.contrib.postgres.expressions import ArraySubquery
        from django.db.models import OuterRef

        from agencies.models import Membership, MembershipRole

        # The roles come as an array in the same row: one query on every request, not two.
        roles = MembershipRole.objects.filter(membership=OuterRef("pk")).values("role")
        membership = (
            Membership.objects.select_related("agency", "unit")
            .annotate(role_names=ArraySubquery(roles))
            .filter(user=user, agency__is_active=True)
            .first()
        )
        setattr(user, _CACHE_ATTRIBUTE, membership)
    return getattr(user, _CACHE_ATTRIBUTE)


def roles_of(user) -> frozenset[str]:
    membership = membership_of(user)
    if membership is None:
        return frozenset()
    return frozenset(membership.role_names)


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of ``roles`` in an active agency."""
    return not roles_of(user).isdisjoint(roles)


def agency_of(user):
    membership = membership_of(user)
    return membership.agency if membership else None


def forget_cached_membership(user) -> None:
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
