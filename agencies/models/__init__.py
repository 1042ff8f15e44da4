"""The agencies app's models: accounts and agencies, then the protection network."""

from agencies.models.accounts import (
    Agency,
    AgencyQuerySet,
    AgencyService,
    AgencyServiceQuerySet,
    Membership,
    MembershipRole,
    Notification,
    NotificationQuerySet,
    Region,
    RegionDataset,
    Unit,
    User,
    UserManager,
)
from agencies.models.agreements import Agreement, AgreementSignatory, Commitment
from agencies.models.api_clients import API_CLIENT_ROLES, ApiClient, ApiScope
from agencies.models.community import COVERAGE_TYPES, NetworkMember, NetworkMemberType
from agencies.models.prevention import (
    ActivityType,
    PreventionActivity,
    PreventionTarget,
    TargetGroup,
)

__all__ = [
    "API_CLIENT_ROLES",
    "ApiClient",
    "ApiScope",
    "ActivityType",
    "Agreement",
    "AgreementSignatory",
    "Commitment",
    "COVERAGE_TYPES",
    "NetworkMember",
    "NetworkMemberType",
    "PreventionActivity",
    "PreventionTarget",
    "TargetGroup",
    "Agency",
    "AgencyQuerySet",
    "AgencyService",
    "AgencyServiceQuerySet",
    "Membership",
    "MembershipRole",
    "Notification",
    "NotificationQuerySet",
    "Region",
    "RegionDataset",
    "Unit",
    "User",
    "UserManager",
]
