"""Background work of the partner API: delivering webhooks (see api/webhooks/) and
forgetting old idempotency keys."""

from celery import shared_task

from api.idempotency import idempotency_keys_forget
from api.webhooks.delivery import webhook_deliver, webhook_deliveries_requeue


@shared_task(name="sinergi.webhook_deliver")
def webhook_deliver_task(delivery_id: int) -> str:
    """Takes an id; safe to run twice: the attempt is claimed before it is sent, and a
    delivery that is not due is skipped. Retries are scheduled on the row, not here."""
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(name="sinergi.webhooks_sweep")
def webhooks_sweep() -> int:
    """Queue due retries and deliveries whose queueing was lost; safe to run twice."""
    return webhook_deliveries_requeue()


@shared_task(name="sinergi.idempotency_keys_forget")
def idempotency_keys_forget_task() -> int:
    """Drop Idempotency-Keys older than a day; safe to run twice."""
    return idempotency_keys_forget()
