"""Registering an agency's webhook endpoints, and switching them off and on again."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from agencies.roles import Role
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks.targets import UnsafeTarget, webhook_target

SECRET_PREFIX = "whsec_"  # noqa: S105  (marks Sinergi signing secrets, not a secret itself)
# The notification kind an agency's admins get when an endpoint is disabled.
DISABLED_NOTIFICATION = "webhook_disabled"


def _new_secret() -> str:
    return f"{SECRET_PREFIX}{secrets.token_urlsafe(32)}"


def webhook_endpoint_errors(*, url: str, events) -> dict[str, str]:
    """What is wrong with an endpoint's URL and events (empty when nothing)."""
    errors = {}
    try:
        webhook_target(url)
    except UnsafeTarget as error:
        errors["url"] = str(error)
    if not events or not set(events) <= set(WebhookEvent.values):
        errors["events"] = _("Choose at least one event.")
    return errors


@transaction.atomic
def webhook_endpoint_register(
    *, agency: Agency, url: str, events: list[str], registered_by: User, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; return it with its signing secret, shown to the admin once."""
    errors = webhook_endpoint_errors(url=url, events=events)
    if not agency.is_active:
        errors["agency"] = _("This agency no longer takes part in Sinergi.")
    if errors:
        raise ValidationError(errors)
    secret = _new_secret()
    endpoint = WebhookEndpoint.objects.create(
        agency=agency,
        url=url,
        description=description.strip(),
        events=[event for event in WebhookEvent.values if event in events],
        secret=secret,
        created_by=registered_by,
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_change(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    errors = webhook_endpoint_errors(url=url, events=events)
    if errors:
        raise ValidationError(errors)
    endpoint.url = url
    endpoint.events = [event for event in WebhookEvent.values if event in events]
    endpoint.description = description.strip()
    endpoint.save(update_fields=["url", "events", "description"])
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Re-enable: the failure count starts again from zero. Deliveries abandoned while
    it was off stay abandoned (the receiver reads current state through the API)."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
    )
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, endpoint_id: int, reason: str) -> bool:
    """Switch the endpoint off and abandon what it still had waiting. False if it was
    already off, so of two workers failing at once only one disables and notifies."""
    now = timezone.now()
    disabled = WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:300]
    )
    if not disabled:
        return False
    WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id, status__in=WebhookDelivery.DUE_STATES
    ).update(
        status=WebhookDelivery.Status.ABANDONED,
        next_attempt_at=None,
        last_error=_("The endpoint was disabled."),
    )
    return True


def webhook_endpoint_record_failure(*, endpoint_id: int, threshold: int) -> bool:
    """Count one more failure in a row; disable the endpoint at ``threshold``.
    Returns True when this failure disabled it."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = (
        WebhookEndpoint.objects.filter(pk=endpoint_id)
        .values_list("consecutive_failures", flat=True)
        .first()
    )
    if failures is None or failures < threshold:
        return False
    reason = _("%(count)d deliveries in a row failed.") % {"count": failures}
    if not webhook_endpoint_disable(endpoint_id=endpoint_id, reason=reason):
        return False
    _notify_admins(WebhookEndpoint.objects.select_related("agency").get(pk=endpoint_id))
    return True


def webhook_endpoint_record_success(*, endpoint_id: int) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id).exclude(consecutive_failures=0).update(
        consecutive_failures=0
    )


def _notify_admins(endpoint: WebhookEndpoint) -> None:
    """The agency's admins hear of it in Sinergi (the endpoint itself is what failed)."""
    from agencies.notifications import notification_send

    notification_send(
        recipients=User.objects.holding_role(endpoint.agency, Role.ADMIN),
        kind=DISABLED_NOTIFICATION,
        subject_code=f"webhook-{endpoint.pk}",
        url=reverse("admin:api_webhookendpoint_change", args=[endpoint.pk]),
        key=f"{DISABLED_NOTIFICATION}:{endpoint.pk}:{endpoint.disabled_at.isoformat()}",
    )
