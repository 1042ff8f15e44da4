"""Background work of the reports app: keeping the statistics and metric cells fresh,
and checking and importing historical spreadsheets."""

from celery import shared_task

from reports import imports
from reports.metrics import metrics_refresh
from reports.stats import stats_refresh


@shared_task(name="sinergi.reports_refresh")
def reports_refresh() -> dict[str, int | None]:
    """Safe to run twice at once: the second finds each lock taken and does nothing
    (None for that part). Returns how many cells each refresh wrote."""
    return {"stats": stats_refresh(), "metrics": metrics_refresh()}


@shared_task(name="sinergi.historical_import_validate")
def historical_import_validate(batch_id: int) -> bool:
    """Takes an id; only a batch still being checked is checked, so a second run (or a
    re-delivery after a crash) does nothing or the same thing again."""
    return imports.import_validate(batch_id=batch_id)


@shared_task(name="sinergi.historical_import_run")
def historical_import_run(batch_id: int) -> int:
    """Takes an id; the batch leaves IMPORTING in the transaction that writes its rows,
    so a second run writes nothing."""
    return imports.import_run(batch_id=batch_id)
