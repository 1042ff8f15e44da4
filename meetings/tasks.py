"""Meeting sweeps and reminder delivery (schedule in config/celery.py)."""

import logging

from celery import shared_task

from meetings.models import Forum
from meetings.reminders import reminder_send, reminders_sweep
from meetings.services import forum_meetings_materialize

logger = logging.getLogger(__name__)


@shared_task(name="sinergi.meetings_sweep")
def meetings_sweep() -> dict[str, int]:
    """Make coming occurrences into meetings, then find and enqueue due reminders.

    Both steps are idempotent: two beats, or a redelivered sweep, change nothing more.
    """
    created = 0
    for forum in Forum.objects.all():
        try:
            created += forum_meetings_materialize(forum=forum)
        except Exception:
            # One broken schedule must not stop every other forum's reminders.
            logger.exception("Could not make the meetings of forum %s", forum.pk)
    return {"meetings_created": created, "reminders_pending": reminders_sweep()}


@shared_task(name="sinergi.reminder_deliver")
def reminder_deliver(reminder_id: int) -> bool:
    """Takes an id; claims before sending, so a second run sends nothing."""
    return reminder_send(reminder_id=reminder_id)
