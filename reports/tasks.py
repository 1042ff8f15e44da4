"""Background work of the reports app: keeping the statistics cells fresh."""

from celery import shared_task

from reports.stats import stats_refresh


@shared_task(name="sinergi.reports_refresh")
def reports_refresh() -> int | None:
    """Safe to run twice at once: the second finds the lock taken and does nothing."""
    return stats_refresh()
