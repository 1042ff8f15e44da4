"""Who takes part in a city's protection network, and who may see what of it.

A city's network is the set of active agencies serving the same kab/kota. Every staff
role sees the network's shared records; community reporters and system administrators
work elsewhere (their own complaints; the admin site).
"""

from agencies.roles import Role, has_role, membership_of

NETWORK_ROLES = (
    Role.INTAKE,
    Role.CASEWORKER,
    Role.SUPERVISOR,
    Role.HEAD,
    Role.DATA_OFFICER,
    Role.COORDINATOR,
)
# Who works with safe houses: those who place children, and those who follow them.
SAFE_HOUSE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD, Role.COORDINATOR)
# Who keeps the network's registers (agreements, network members) for their agency.
NETWORK_KEEPER_ROLES = (Role.COORDINATOR, Role.HEAD, Role.SUPERVISOR)


def network_membership(user):
    """The user's membership when they take part in the network, else None."""
    membership = membership_of(user)
    if membership is None or not has_role(user, *NETWORK_ROLES):
        return None
    return membership


def keeps_network_registers(user) -> bool:
    return network_membership(user) is not None and has_role(user, *NETWORK_KEEPER_ROLES)


def is_network_coordinator(user) -> bool:
    return network_membership(user) is not None and has_role(user, Role.COORDINATOR)
