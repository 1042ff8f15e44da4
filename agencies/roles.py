"""Roles and every check made on them. Nothing else in Sinergi inspects roles directly."""

import json

from django.contrib.postgres.expressions import ArraySubquery
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
LOADED_ROLES = "membership_role_names"


class RoleNames(ArraySubquery):
    """The roles as an array. SQLite (the laptop demo of ``make run``) has no arrays:
    there the same subquery is a JSON array, read back as a list."""

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "(SELECT json_group_array(role) FROM (%(subquery)s))"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def get_db_converters(self, connection):
        if connection.vendor == "sqlite":
            return [_json_list]
        return super().get_db_converters(connection)


def _json_list(value, _expression, _connection) -> list:
    return json.loads(value)


def _roles_array(user_ref):
    from agencies.models import MembershipRole

    return RoleNames(MembershipRole.objects.filter(membership__user=user_ref).values("role"))


def membership_of(user):
    """The user's membership with agency, unit and roles loaded, or None.

    Cached on the user object for the length of one request only, so a change of
    roles or agency takes effect on the very next request. A signed-in request's user
    (agencies.user_load) and a partner's service account (``with_membership``) have it
    already.
    """
    if not user.is_authenticated:
        return None
    if not hasattr(user, _CACHE_ATTRIBUTE):
        from django.db.models import OuterRef

        from agencies.models import Membership

        # The roles come as an array in the same row: one query, not two.
        membership = (
            Membership.objects.select_related("agency", "unit")
            .annotate(role_names=_roles_array(OuterRef("user_id")))
            .filter(user=user, agency__is_active=True)
            .first()
        )
        setattr(user, _CACHE_ATTRIBUTE, membership)
    return getattr(user, _CACHE_ATTRIBUTE)


def with_membership(rows, *, path: str = "", user_id: str = "pk"):
    """``rows`` (users, or rows pointing to one: ``path`` "user__" and ``user_id``
    "user_id") with the user's membership, agency, unit and roles joined into the same
    query; ``adopt_membership`` then hands them to ``membership_of``. The partner API's
    token lookup loads its service account so; a session's user comes the same way from a
    statement written once (agencies.user_load), held to this by a test."""
    from django.db.models import OuterRef

    return rows.select_related(f"{path}membership__agency", f"{path}membership__unit").annotate(
        **{LOADED_ROLES: _roles_array(OuterRef(user_id))}
    )


def adopt_membership(user, role_names) -> None:
    """Keep what ``with_membership`` loaded as the user's membership for this request,
    under the same rule as ``membership_of``: none when the agency is inactive."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        membership = user.membership
    except ObjectDoesNotExist:
        membership = None
    if membership is not None and not membership.agency.is_active:
        membership = None
    if membership is not None:
        membership.role_names = role_names
    setattr(user, _CACHE_ATTRIBUTE, membership)


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
