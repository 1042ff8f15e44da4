"""Workflows on agencies and people that touch several records."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_noop

from agencies.models import Membership, MembershipRole
from agencies.roles import Role, forget_cached_membership


@transaction.atomic
def membership_set_roles(*, membership: Membership, roles: Iterable[str]) -> None:
    """Make the membership hold exactly ``roles``.

    The admin role alone opens the Django admin site, so ``is_staff`` follows it.
    """
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    membership.roles.exclude(role__in=wanted).delete()
    existing = set(membership.roles.values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in sorted(wanted - existing)]
    )
    _sync_admin_access(membership.user, is_admin=Role.ADMIN in wanted)
    forget_cached_membership(membership.user)


ADMIN_GROUP_NAME = gettext_noop("System administrators")
# The admin site manages people, agencies and regions; case content is never on it.
_ADMIN_MODELS = ("agency", "unit", "membership", "membershiprole", "region", "user")


def _admin_group() -> Group:
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP_NAME)
    permissions = Permission.objects.filter(
        content_type__app_label="agencies", content_type__model__in=_ADMIN_MODELS
    )
    group.permissions.add(*permissions)
    return group


def _sync_admin_access(user, *, is_admin: bool) -> None:
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])
    if is_admin:
        user.groups.add(_admin_group())
    else:
        user.groups.remove(*user.groups.filter(name=ADMIN_GROUP_NAME))
