"""The frequent metrics refresh counts only the months touched or passed due since the
last one (reports.metric_window), and must end where a full count ends.

Each test starts from a full count of the Bontang records of test_reports_coordination
(June 2026), writes or lets time pass, runs the frequent refresh, and holds its cells to
what counting every month again gives. Triggers note the writes (migration 0008): these
tests run on PostgreSQL, as CI does.
"""

import datetime

import pytest

from cases.models import Assessment, Case, CaseNote
from cases.models.choices import CaseStatus, ClosureReason
from meetings.models import ActionItem, Invitation
from referrals.models import Referral
from reports import metric_refresh
from reports.metric_refresh import metrics_refresh
from reports.models import Metric, MetricCell, MetricsChange, MetricsRefresh
from tests.test_reports_coordination import (  # the fixtures of its records, too
    HOUR,
    NOW,
    a_case,
    a_referral,
    answerer,
    at,
    bontang,
    cell,
    dinas,
    everything,
    meetings,
    month,
    referrals,
    uptd,
    worker,
)

pytestmark = pytest.mark.django_db

# Fixtures, imported to be found by pytest.
__all__ = ["answerer", "bontang", "dinas", "meetings", "referrals", "uptd", "worker"]

LATER = NOW + datetime.timedelta(minutes=1)


def cells():
    return everything(MetricCell.objects.all())


def frequent_then_full(now=LATER):
    """The cells after the frequent refresh, and after a full count at the same moment."""
    metrics_refresh(now=now, full=False)
    windowed = cells()
    assert not MetricsRefresh.objects.first().full
    metrics_refresh(now=now, full=True)
    return windowed, cells()


def test_writes_to_past_months_are_counted(referrals, meetings, dinas, uptd, worker):
    old_case = a_case(dinas, worker, at(2026, 2, 20))
    metrics_refresh(now=NOW, full=True)
    before = cells()
    # March: an answer corrected, an attendance corrected; February: a case closed, its
    # first home visit and assessment recorded.
    Referral.objects.filter(pk=referrals["thirty"].pk).update(responded_at=at(2026, 3, 10, 12))
    Invitation.objects.filter(meeting=meetings["first"], agency=uptd).update(attended=True)
    Case.objects.filter(pk=old_case.pk).update(
        status=CaseStatus.CLOSED,
        closed_at=at(2026, 4, 2),
        closure_reason=ClosureReason.GOALS_MET,
    )
    CaseNote.objects.create(
        case=old_case,
        kind=CaseNote.Kind.HOME_VISIT,
        written_by=worker,
        written_at=at(2026, 2, 22),
        happened_on=datetime.date(2026, 2, 22),
        text="Kunjungan rumah",
    )
    Assessment.objects.create(
        case=old_case, condition="-", needs="-", written_by=worker, written_at=at(2026, 2, 23)
    )
    windowed, full = frequent_then_full()
    assert windowed == full
    assert windowed != before
    assert cell(Metric.ATTENDANCE, agency=uptd, on=month(2026, 3)) == (2, 2)
    assert cell(Metric.CLOSED_WITH_REASON, agency=dinas, on=month(2026, 4)) == (1, 1)
    assert cell(Metric.ASSESSMENT_HOURS, agency=dinas, on=month(2026, 2), bucket=72)


def test_a_deadline_passing_with_no_write_is_counted(referrals, dinas, uptd):
    case = a_case(dinas, referrals["late"].sent_by, at(2026, 4, 1))
    # Sent in April, answer due on 20 June: it falls due with nobody writing anything.
    a_referral(
        case, uptd, at(2026, 4, 10), deadline_hours=(at(2026, 6, 20) - at(2026, 4, 10)) / HOUR
    )
    metrics_refresh(now=NOW, full=True)
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 4)) == (0, 1)
    windowed, full = frequent_then_full(now=at(2026, 6, 21))
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 4)) == (0, 2)
    assert windowed == full


def test_an_action_item_falling_due_is_counted(meetings, dinas):
    ActionItem.objects.create(
        meeting=meetings["first"],
        title="Tindak lanjut",
        agency=dinas,
        due_on=datetime.date(2026, 6, 30),
    )
    metrics_refresh(now=NOW, full=True)
    assert cell(Metric.ACTIONS_ON_TIME, agency=dinas, on=month(2026, 6)) is None
    # 1 July: June is last month now, and the item is overdue.
    windowed, full = frequent_then_full(now=at(2026, 7, 1, 12))
    assert cell(Metric.ACTIONS_ON_TIME, agency=dinas, on=month(2026, 6)) == (0, 1)
    assert windowed == full


def test_an_edit_no_indicator_reads_notes_nothing(referrals, dinas, worker):
    case = a_case(dinas, worker, at(2025, 11, 3))
    MetricsChange.objects.all().delete()
    case.chronology = "Kronologi diperbarui"
    case.save()  # the closing note is encrypted anew on every save: still nothing
    assert not MetricsChange.objects.exists()
    Case.objects.filter(pk=case.pk).update(closure_reason=ClosureReason.GOALS_MET)
    days = set(MetricsChange.objects.values_list("day", flat=True))
    assert days == {at(2025, 11, 3).astimezone(datetime.UTC).date()}


def test_the_window_leaves_other_months_alone(referrals, uptd):
    metrics_refresh(now=NOW, full=True)
    counted = cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 3))
    march = MetricCell.objects.filter(agency=uptd, month=month(2026, 3))
    march.filter(metric=Metric.REFERRAL_ON_TIME).update(numerator=99)
    metrics_refresh(now=LATER, full=False)
    # Nothing touched March since: the frequent refresh did not count it (the hourly
    # rebuild is the safety net for what no trigger notes).
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 3))[0] == 99
    metrics_refresh(now=LATER, full=True)
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 3)) == counted


def test_an_agency_changing_clock_counts_every_month(referrals, uptd):
    metrics_refresh(now=NOW, full=True)
    uptd.time_zone = "Asia/Jayapura"
    uptd.save()
    assert MetricsChange.objects.filter(day__isnull=True).exists()
    windowed, full = frequent_then_full()
    assert windowed == full
    # On WIT (UTC+9) March is the same month for every referral: still 5 of 6 on time.
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 3)) == (5, 6)


def test_the_full_count_in_steps_is_the_one_pass_count(referrals, meetings, bontang, monkeypatch):
    metrics_refresh(now=NOW, full=True)
    one_pass = cells()
    # A cell of a month nothing falls in any more (its data deleted by hand) goes too.
    MetricCell.objects.create(
        regency=bontang, agency=None, month=month(2019, 1), metric=Metric.MEETINGS_HELD
    )
    monkeypatch.setattr(metric_refresh, "MONTHS_PER_STEP", 1)
    metrics_refresh(now=NOW, full=True)
    assert cells() == one_pass


def test_a_clock_going_back_counts_everything(referrals):
    metrics_refresh(now=NOW, full=True)
    metrics_refresh(now=NOW - datetime.timedelta(days=1), full=False)
    assert MetricsRefresh.objects.first().full


def test_the_beat_refreshes_often_and_rebuilds_hourly(referrals):
    from config.celery import app
    from reports.tasks import reports_rebuild, reports_refresh

    schedule = app.conf.beat_schedule
    assert schedule["reports-refresh"]["schedule"] <= 20
    assert schedule["reports-rebuild"]["schedule"] == 60 * 60
    assert reports_refresh()["metrics"] > 0  # the first time: a full count
    assert MetricsRefresh.objects.first().full
    reports_refresh()
    assert not MetricsRefresh.objects.first().full
    assert set(reports_rebuild()) == {"metrics", "stats"}
    assert MetricsRefresh.objects.first().full
