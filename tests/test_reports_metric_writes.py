"""The metrics refresh writes only the cells whose figures changed, and ends with exactly
the cells a rebuild from nothing would write."""

import datetime

import pytest
from django.db import connection

from referrals.models import Referral
from reports.metric_refresh import metrics_refresh, snapshot_months
from reports.metric_writes import replace_cells
from reports.models import Metric, MetricCell
from tests.test_reports_coordination import (  # the fixtures of its records, too
    NOW,
    answerer,
    bontang,
    dinas,
    everything,
    meetings,
    month,
    referrals,
    uptd,
    worker,
)

pytestmark = pytest.mark.django_db
FIXTURES = (answerer, bontang, dinas, meetings, referrals, uptd, worker)


def versions() -> dict[int, str]:
    """Each cell's id → the transaction that last wrote it (PostgreSQL's xmin): a cell
    rewritten, even with the same figures, gets the refresh's own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text FROM reports_metriccell")
        return dict(cursor.fetchall())


def assert_same_as_a_rebuild_from_nothing() -> None:
    refreshed = everything(MetricCell.objects.all())
    MetricCell.objects.all().delete()
    metrics_refresh(now=NOW, full=True)
    assert everything(MetricCell.objects.all()) == refreshed


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the difference is applied on PostgreSQL; SQLite rewrites everything")


def test_a_refresh_with_nothing_new_writes_nothing(postgresql, referrals, meetings):
    metrics_refresh(now=NOW)
    before = versions()
    assert metrics_refresh(now=NOW, full=True) == len(before)
    assert versions() == before
    metrics_refresh(now=NOW, full=False)  # the frequent refresh: this month, counted again
    assert versions() == before


def test_one_answer_rewrites_only_the_cells_it_changes(postgresql, referrals, meetings, dinas):
    metrics_refresh(now=NOW)
    before = versions()
    referral = referrals["waiting"]
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.ACCEPTED, responded_at=referral.sent_at + datetime.timedelta(hours=4)
    )
    metrics_refresh(now=NOW)
    after = versions()
    rewritten = {pk for pk, version in after.items() if before.get(pk) != version}
    # June's on-time cell and one response-hours bucket: nothing else.
    changed = MetricCell.objects.filter(pk__in=rewritten)
    assert sorted(changed.values_list("metric", "month", "bucket")) == [
        (Metric.REFERRAL_ON_TIME, month(2026, 6), 0),
        (Metric.REFERRAL_RESPONSE_HOURS, month(2026, 6), 4),
    ]
    assert set(before) - set(after) == set()
    assert_same_as_a_rebuild_from_nothing()


def test_cells_whose_records_went_are_deleted_and_past_snapshots_stay(
    postgresql, referrals, meetings, dinas
):
    metrics_refresh(now=NOW - datetime.timedelta(days=60))  # April's snapshots
    metrics_refresh(now=NOW)
    Referral.objects.filter(pk=referrals["late"].pk).delete()
    metrics_refresh(now=NOW)
    april = MetricCell.objects.filter(month=month(2026, 4))
    assert not april.filter(metric=Metric.REFERRAL_ON_TIME).exists()
    assert april.filter(metric=Metric.CASEWORKERS, agency=dinas).exists()
    assert_same_as_a_rebuild_from_nothing_but_history()


def assert_same_as_a_rebuild_from_nothing_but_history() -> None:
    """As a rebuild from nothing, past snapshots apart (they cannot be rebuilt)."""
    refreshed = everything(MetricCell.objects.exclude(month=month(2026, 4), metric="caseworkers"))
    MetricCell.objects.all().delete()
    metrics_refresh(now=NOW, full=True)
    assert everything(MetricCell.objects.all()) == refreshed


def test_a_changed_figure_is_updated_in_place(postgresql, dinas):
    key = (dinas.pk, dinas.regency_id, month(2026, 3), Metric.REFERRAL_ON_TIME, 0)
    snapshots = snapshot_months(NOW)
    assert replace_cells([(*key, 1.0, 2)], snapshots) == {
        "deleted": 0,
        "updated": 0,
        "inserted": 1,
    }
    first = MetricCell.objects.get()
    assert replace_cells([(*key, 2.0, 2)], snapshots) == {
        "deleted": 0,
        "updated": 1,
        "inserted": 0,
    }
    assert MetricCell.objects.get().pk == first.pk
    assert MetricCell.objects.get().numerator == 2.0
    assert replace_cells([], snapshots)["deleted"] == 1


def test_a_regency_cell_and_an_agency_cell_of_the_same_month_are_two_cells(postgresql, dinas):
    regency = (None, dinas.regency_id, month(2026, 3), Metric.MEETINGS_HELD, 0, 1.0, 1)
    agency = (dinas.pk, dinas.regency_id, month(2026, 3), Metric.MEETINGS_HELD, 0, 1.0, 2)
    replace_cells([regency, agency], snapshot_months(NOW))
    assert replace_cells([regency, agency], snapshot_months(NOW)) == {
        "deleted": 0,
        "updated": 0,
        "inserted": 0,
    }
    assert MetricCell.objects.count() == 2
