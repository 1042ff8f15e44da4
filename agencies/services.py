"""Workflows on agencies and people that touch several records."""

from collections.abc import Iterable

from django.db import transaction

from agencies.catalogue import DEFAULT_SERVICES_BY_AGENCY_TYPE
from agencies.models import Agency, AgencyService, Membership, MembershipRole
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


def agency_services_seed(*, agency: Agency) -> int:
    """Give an agency the default catalogue of its type; existing entries are kept as edited.

    Returns how many services were added."""
    defaults = DEFAULT_SERVICES_BY_AGENCY_TYPE.get(agency.type, [])
    existing = set(agency.services.values_list("service_type", flat=True))
    added = [
        AgencyService(agency=agency, service_type=service)
        for service in defaults
        if service not in existing
    ]
    AgencyService.objects.bulk_create(added)
    return len(added)
