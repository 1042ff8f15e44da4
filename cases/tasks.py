"""Background work of the cases app, scheduled in config/celery.py."""

from celery import shared_task

from cases.shelters import placements_flag_overdue


@shared_task(name="sinergi.placements_flag_overdue")
def placements_sweep_overdue() -> dict[str, int]:
    """Tell case supervisors of safe-house stays beyond their planned end.

    Takes nothing; each placement is claimed by a conditional UPDATE, so running the
    sweep twice, or on two workers at once, flags each stay once per planned end.
    """
    return {"flagged": placements_flag_overdue()}
