"""Writing the metric cells a refresh computed: only the difference from those stored.

From one minute to the next almost every cell stays the same, so rewriting all of them
(tens of thousands, each with its index entries) was most of a refresh's time. On
PostgreSQL the fresh cells go by COPY into a temporary table and three statements apply
the difference: cells that vanished are deleted, changed ones updated, new ones
inserted. SQLite (development) deletes and inserts everything, as before.

The statements are put together from this module's constants only, never from input:
hence the file-wide S608 exemption.
"""

# ruff: noqa: S608

import csv
import io

from django.db import connection

from reports.models import SNAPSHOT_METRICS, MetricCell

COLUMNS = "agency_id, regency_id, month, metric, bucket, numerator, denominator"
FRESH = "reports_metriccell_fresh"

# A cell is an agency's (agency, month, metric, bucket) or, without an agency, a regency's
# (regency, month, metric, bucket): the two unique constraints of MetricCell.
SAME_CELL = """
    COALESCE(c.agency_id, 0) = COALESCE(n.agency_id, 0)
    AND (c.agency_id IS NOT NULL OR c.regency_id = n.regency_id)
    AND c.month = n.month AND c.metric = n.metric AND c.bucket = n.bucket
"""
# The cells a refresh computes again: those of the months it counted (all, without a
# window), every flow there, and a snapshot only for the month it records now (on its
# agency's clock); earlier snapshots are history and stay.
REPLACEABLE = """
    (%(window)s::date[] IS NULL OR c.month = ANY(%(window)s::date[]))
    AND (c.metric <> ALL(%(snapshots)s) OR EXISTS (
        SELECT 1 FROM agencies_agency a
        WHERE a.id = c.agency_id
          AND (a.time_zone, c.month)
              IN (SELECT * FROM unnest(%(zones)s::text[], %(months)s::date[]))
    ))
"""
APPLY = [
    f"DELETE FROM reports_metriccell c WHERE {REPLACEABLE}"
    f" AND NOT EXISTS (SELECT 1 FROM {FRESH} n WHERE {SAME_CELL})",
    f"UPDATE reports_metriccell c SET regency_id = n.regency_id, numerator = n.numerator,"
    f" denominator = n.denominator FROM {FRESH} n WHERE {SAME_CELL}"
    " AND (c.regency_id, c.numerator, c.denominator)"
    " IS DISTINCT FROM (n.regency_id, n.numerator, n.denominator)",
    f"INSERT INTO reports_metriccell ({COLUMNS}) SELECT {COLUMNS} FROM {FRESH} n"
    f" WHERE NOT EXISTS (SELECT 1 FROM reports_metriccell c WHERE {SAME_CELL})",
]


def replace_cells(
    rows: list[tuple], snapshot_months: dict, *, months: list | None = None
) -> dict[str, int]:
    """Make the stored cells those of ``rows`` ((agency_id, regency_id, month, metric,
    bucket, numerator, denominator)); ``snapshot_months`` maps a time zone to the month
    its snapshots are recorded for; ``months``, when given, are the only months counted
    (cells of other months stay). Returns how many cells were deleted, updated and
    inserted."""
    if connection.vendor != "postgresql":
        return _replace_everything(rows, snapshot_months)
    params = {
        "window": months,
        "snapshots": list(SNAPSHOT_METRICS),
        "zones": list(snapshot_months),
        "months": list(snapshot_months.values()),
    }
    with connection.cursor() as cursor:
        _load_fresh(cursor, rows)
        counts = {}
        for name, statement in zip(("deleted", "updated", "inserted"), APPLY, strict=True):
            cursor.execute(statement, params)
            counts[name] = cursor.rowcount
        # Dropped at once, not at commit: tests run refreshes in one outer transaction.
        cursor.execute(f"DROP TABLE {FRESH}")
    return counts


def _load_fresh(cursor, rows) -> None:
    cursor.execute(
        f"CREATE TEMPORARY TABLE {FRESH} ON COMMIT DROP AS"
        f" SELECT {COLUMNS} FROM reports_metriccell WITH NO DATA"
    )
    buffer = io.StringIO()
    out = csv.writer(buffer)
    for agency_id, regency_id, month, metric, bucket, numerator, denominator in rows:
        # An empty unquoted field is NULL in COPY's csv: a regency's cell has no agency.
        out.writerow(
            (agency_id, regency_id, month.isoformat(), metric, bucket, numerator, denominator)
        )
    buffer.seek(0)
    cursor.copy_expert(f"COPY {FRESH} ({COLUMNS}) FROM STDIN WITH (FORMAT csv)", buffer)
    # Planner statistics for the joins below: a fresh temporary table has none.
    cursor.execute(f"ANALYZE {FRESH}")


def _replace_everything(rows, snapshot_months) -> dict[str, int]:
    deleted, _ = MetricCell.objects.exclude(metric__in=SNAPSHOT_METRICS).delete()
    for zone_name, month in snapshot_months.items():
        more, _ = MetricCell.objects.filter(
            metric__in=SNAPSHOT_METRICS, month=month, agency__time_zone=zone_name
        ).delete()
        deleted += more
    names = ("agency_id", "regency_id", "month", "metric", "bucket", "numerator", "denominator")
    cells = [MetricCell(**dict(zip(names, row, strict=True))) for row in rows]
    MetricCell.objects.bulk_create(cells, batch_size=5000)
    return {"deleted": deleted, "updated": 0, "inserted": len(cells)}
