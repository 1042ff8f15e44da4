"""Workflows on agencies and people that touch several records."""

from collections.abc import Iterable

from django.db import transaction

from agencies.models import Membership, MembershipRole
from agencies.roles import Role, forget_cached_membership


@transaction.atomic
def membership_set_roles(*, membership: Membership, roles: Iterable[str]) -> None:
    """Make the membership hold exactly ``roles``."""
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    membership.roles.exclude(role__in=wanted).delete()
    existing = set(membership.roles.values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in sorted(wanted - existing)]
    )
    forget_cached_membership(membership.user)
