"""The outbox: delivery rows written in the transaction of the step they report.

Writing the row with the step, and queueing the task only after the commit, gives the
two guarantees a receiver needs: nothing is sent for a step that rolled back, and
nothing is lost for a step that committed (if the broker was down at that moment, the
periodic sweep queues the row later).
"""

from collections.abc import Callable, Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from api.models import WebhookDelivery, WebhookEndpoint


def endpoints_for(event: str, agency_ids: Iterable[int]) -> list[WebhookEndpoint]:
    """Active endpoints of these active agencies subscribed to ``event`` (a deactivated
    agency's software hears nothing more, as its people and tokens are refused). The
    subscription is read in Python: JSON containment is not portable to the embedded
    SQLite default."""
    agency_ids = set(agency_ids)
    if not agency_ids:
        return []
    endpoints = WebhookEndpoint.objects.filter(
        agency_id__in=agency_ids, is_active=True, agency__is_active=True
    ).only("pk", "agency_id", "events", "is_active")
    return [endpoint for endpoint in endpoints if endpoint.wants(event)]


def webhook_emit(
    *, event: str, agency_ids: Iterable[int], payload_for: Callable[[int], dict]
) -> list[WebhookDelivery]:
    """Write one delivery per subscribed endpoint of ``agency_ids`` and queue each after
    commit. ``payload_for(agency_id)`` builds what that agency may receive; it is called
    only for agencies that have a subscribed endpoint, once each."""
    endpoints = endpoints_for(event, agency_ids)
    if not endpoints:
        return []
    payloads: dict[int, dict] = {}

    def payload(agency_id: int) -> dict:
        if agency_id not in payloads:
            payloads[agency_id] = payload_for(agency_id)
        return payloads[agency_id]

    now = timezone.now()
    deliveries = [
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            payload=payload(endpoint.agency_id),
            next_attempt_at=now,
            queued_at=now,
        )
        for endpoint in endpoints
    ]
    created = WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in created:
        transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return created


def _enqueue(delivery_id: int) -> None:
    from api.tasks import webhook_deliver_task

    webhook_deliver_task.delay(delivery_id)
