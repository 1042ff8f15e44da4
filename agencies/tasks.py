"""Background work of the agencies app: e-mailing notifications, agreement reminders."""

from celery import shared_task

from agencies import agreements
from agencies.notifications import notification_email_send


@shared_task(
    name="sinergi.notification_email",
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
)
def notification_email_deliver(notification_id: int) -> bool:
    """Takes an id; safe to run twice (the send is claimed by a conditional UPDATE)."""
    return notification_email_send(notification_id=notification_id)


@shared_task(name="sinergi.agreements_warn_expiring")
def agreements_warn_expiring() -> int:
    """Safe to run twice: each reminder is keyed by agreement, window and end date."""
    return agreements.agreements_warn_expiring()
