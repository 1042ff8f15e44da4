"""Registering, revoking and recognising partner systems' API clients."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import API_CLIENT_ROLES, Agency, ApiClient, ApiScope, Membership, User
from agencies.roles import LOADED_ROLES, adopt_membership
from agencies.services import membership_set_roles
from agencies.user_load import client_with_membership

TOKEN_PREFIX = "sng"  # noqa: S105  (the public marker of Sinergi tokens, not a secret)
# Writing last_used_at on every call would turn each read into a write.
_LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_LIFETIME = timedelta(days=2 * 365)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(6)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def _validate(*, name: str, roles, scopes, expires_at: datetime) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the partner system a name.")
    if not roles or not set(roles) <= set(API_CLIENT_ROLES):
        errors["roles"] = _("Choose at least one role a partner system may hold.")
    if not scopes or not set(scopes) <= set(ApiScope.values):
        errors["scopes"] = _("Choose at least one scope.")
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = _("A token lives two years at most.")
    return errors


@transaction.atomic
def api_client_register(
    *,
    agency: Agency,
    name: str,
    roles: list[str],
    scopes: list[str],
    expires_at: datetime,
    registered_by: User,
) -> tuple[ApiClient, str]:
    """Create the client and its service account; return the token, which is never
    stored and cannot be shown again."""
    errors = _validate(name=name, roles=roles, scopes=scopes, expires_at=expires_at)
    if errors:
        raise ValidationError(errors)
    prefix, token = _new_token()
    account = User.objects.create_user(
        username=f"api-{prefix}", full_name=name.strip(), email="", password=None
    )  # no usable password, no e-mail: the account cannot sign in to the web
    membership = Membership.objects.create(user=account, agency=agency, position=_("API client"))
    membership_set_roles(membership=membership, roles=roles)
    client = ApiClient.objects.create(
        agency=agency,
        user=account,
        name=name.strip(),
        token_prefix=prefix,
        token_digest=token_digest(token),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=registered_by,
    )
    return client, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, revoked_by: User) -> ApiClient:
    """Refuse the token from the next request on. The account is kept for the audit trail."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.revoked_by = revoked_by
        client.save(update_fields=["revoked_at", "revoked_by"])
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The usable client a presented token belongs to, or None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    # The client's agency and its service account with membership and roles come in one
    # statement written once per process (agencies.user_load): every call needs them.
    client = client_with_membership(parts[1])
    if client is None or not client.accepts_calls:
        return None
    if not hmac.compare_digest(client.token_digest, token_digest(token)):
        return None
    adopt_membership(client.user, getattr(client.user, LOADED_ROLES))
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > _LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client
