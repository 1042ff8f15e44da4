"""Background work of the reports app: keeping the statistics and metric cells fresh."""

from celery import shared_task

from reports.metrics import metrics_refresh
from reports.stats import stats_refresh


@shared_task(name="sinergi.reports_refresh")
def reports_refresh() -> dict[str, int | None]:
    """Safe to run twice at once: the second finds each lock taken and does nothing
    (None for that part). Returns how many cells each refresh wrote."""
    return {"stats": stats_refresh(), "metrics": metrics_refresh()}
