"""Background work of the reports app: keeping the statistics and metric cells fresh,
and checking and importing historical spreadsheets."""

from celery import shared_task

from reports import imports
from reports.metric_refresh import metrics_refresh
from reports.stats import stats_refresh


@shared_task(name="sinergi.reports_refresh")
def reports_refresh() -> dict[str, int | None]:
    """The frequent refresh: only what changed since the last one (everything the first
    time). Safe to run twice at once: the second finds each lock taken and does nothing
    (None for that part). Returns how many cells each refresh counted.

    The metrics go first: the statistics' refresh stamps the "data as of" time that
    pages and the dashboard cache read, so it should follow both."""
    metrics = metrics_refresh(full=False)
    return {"metrics": metrics, "stats": stats_refresh(full=False)}


@shared_task(name="sinergi.reports_rebuild")
def reports_rebuild() -> dict[str, int | None]:
    """The hourly safety net: every cell counted again, in steps the frequent refresh
    slips in between. None for a part whose rebuild is already running elsewhere."""
    metrics = metrics_refresh(full=True)
    return {"metrics": metrics, "stats": stats_refresh(full=True)}


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
