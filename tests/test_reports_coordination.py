"""Coordination effectiveness and unit performance, checked against numbers worked out by
hand on fixed records.

Everything happens in Bontang (64.74), where the demo city has nothing: two agencies on
Balikpapan's clock (WITA = UTC+8), the refresh pretending it is 15 June 2026, 12:00 WITA.
docs/coordination-metrics.md defines each indicator; each test says what it expects and why.
"""

import datetime
import json
import zoneinfo

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from agencies.models import (
    Agreement,
    Commitment,
    PreventionActivity,
    PreventionTarget,
    Region,
)
from cases.models import Assessment, AuditEvent, Case, CaseNote
from cases.services import case_open
from meetings.models import ActionItem, Forum, Invitation, Meeting, Minutes
from referrals.models import Referral
from reports.coordination import Figure, coordination_summary, median_of
from reports.metric_refresh import metrics_refresh
from reports.metrics import hours_bucket
from reports.models import Metric, MetricCell
from tests.factories import AgencyFactory, member_of

pytestmark = pytest.mark.django_db

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=WITA)
HOUR = datetime.timedelta(hours=1)
SERVICE = "kesehatan"
OTHER_SERVICE = "bantuan_hukum"


def at(year, month, day, hour=8, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WITA)


def month(year, number):
    return datetime.date(year, number, 1)


@pytest.fixture
def bontang(db):
    return Region.objects.get(code="64.74")


@pytest.fixture
def dinas(bontang):
    return AgencyFactory(regency=bontang, nomenclature="Dinsos Uji")


@pytest.fixture
def uptd(bontang):
    return AgencyFactory(regency=bontang, nomenclature="UPTD Uji")


@pytest.fixture
def worker(dinas):
    return member_of(dinas, "caseworker", "supervisor")


@pytest.fixture
def answerer(uptd):
    return member_of(uptd, "caseworker", "supervisor")


def cell(metric, *, agency=None, regency=None, on=None, bucket=0):
    """(numerator, denominator) of one cell, or None when there is none."""
    rows = MetricCell.objects.filter(metric=metric, bucket=bucket)
    rows = rows.filter(agency=agency) if agency else rows.filter(agency__isnull=True)
    if regency:
        rows = rows.filter(regency=regency)
    if on:
        rows = rows.filter(month=on)
    found = rows.values_list("numerator", "denominator").first()
    return (round(found[0], 3), found[1]) if found else None


def summary(agencies, first, last, **extra):
    return coordination_summary(agencies=agencies, first_month=first, last_month=last, **extra)


def fig(result, code, agency_index=None):
    row = result.network if agency_index is None else result.rows[agency_index]
    figure = row.figures[code]
    return (figure.numerator, figure.denominator)


def a_case(agency, opened_by, reported_at, **fields):
    case = case_open(
        opened_by=opened_by, agency=agency, reported_at=reported_at, risk_level="sedang"
    )
    if fields:
        Case.objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
    return case


def a_referral(case, to, sent_at, *, answered_after=None, deadline_hours=72, **fields):
    fields.setdefault("status", Referral.Status.ACCEPTED if answered_after else "dikirim")
    return Referral.objects.create(
        case=case,
        from_agency=case.lead_agency,
        sent_by=case.opened_by,
        to_agency=to,
        service_type=fields.pop("service_type", SERVICE),
        reason="Perlu layanan",
        summary_purpose="Layanan",
        sent_at=sent_at,
        respond_by=sent_at + deadline_hours * HOUR,
        responded_at=sent_at + answered_after * HOUR if answered_after is not None else None,
        **fields,
    )


# --- Informasi dan komunikasi ----------------------------------------------------------------


@pytest.fixture
def referrals(dinas, uptd, worker):
    """Sent by Dinsos to the UPTD.

    March: answered after 1 h (declined), 2 h, 5 h and 30 h, all before the 72 h deadline;
    one expired unanswered; one withdrawn before any answer (not the UPTD's to answer).
    April: answered after 50 h against a 24 h deadline (late).
    June: one still waiting, its deadline (17 June) not yet passed on 15 June.
    """
    case = a_case(dinas, worker, at(2026, 2, 20))
    ended = {"ended_at": at(2026, 3, 1, 9)}
    made = {
        "declined": a_referral(
            case, uptd, at(2026, 3, 1), answered_after=1, status="ditolak", **ended
        ),
        "two": a_referral(
            case,
            uptd,
            at(2026, 3, 3),
            answered_after=2,
            status="selesai",
            completed_at=at(2026, 3, 10),
            ended_at=at(2026, 3, 10),
            outcome="Pemeriksaan selesai",
            feedback="Anak sudah diperiksa; kontrol ulang bulan depan.",
        ),
        "five": a_referral(
            case,
            uptd,
            at(2026, 3, 5),
            answered_after=5,
            status="selesai",
            completed_at=at(2026, 3, 12),
            ended_at=at(2026, 3, 12),
            outcome="Pemeriksaan selesai",
            feedback="",
        ),
        "thirty": a_referral(case, uptd, at(2026, 3, 10), answered_after=30),
        "expired": a_referral(
            case, uptd, at(2026, 3, 20), status="kedaluwarsa", ended_at=at(2026, 3, 23, 9)
        ),
        "withdrawn": a_referral(
            case, uptd, at(2026, 3, 25), status="dibatalkan", ended_at=at(2026, 3, 26)
        ),
        "late": a_referral(case, uptd, at(2026, 4, 12), answered_after=50, deadline_hours=24),
        "waiting": a_referral(case, uptd, at(2026, 6, 14)),
    }
    # A transfer of the lead is "completed" without a service: no feedback is due.
    a_referral(
        case,
        uptd,
        at(2026, 3, 6),
        answered_after=3,
        kind=Referral.Kind.TRANSFER,
        status="selesai",
        completed_at=at(2026, 3, 6, 11),
        ended_at=at(2026, 3, 6, 11),
        outcome="Dialihkan",
        service_type=OTHER_SERVICE,
    )
    return made


def test_response_hours_are_a_histogram_by_the_receivers_month(referrals, uptd, dinas):
    metrics_refresh(now=NOW)
    march = month(2026, 3)
    hours = Metric.REFERRAL_RESPONSE_HOURS
    # 1, 2, 3 (the transfer), 5 and 30 hours in March; 50 in April.
    for bucket in (1, 2, 3, 5, 30):
        assert cell(hours, agency=uptd, on=march, bucket=bucket) == (bucket, 1)
    assert cell(hours, agency=uptd, on=month(2026, 4), bucket=50) == (50, 1)
    assert not MetricCell.objects.filter(metric=hours, agency=dinas).exists()


def test_median_hours_with_an_odd_and_an_even_count(referrals, uptd):
    # Without the transfer (3 h), March would be 1, 2, 5, 30.
    Referral.objects.filter(kind=Referral.Kind.TRANSFER).delete()
    metrics_refresh(now=NOW)
    march = summary([uptd], month(2026, 3), month(2026, 3))
    # Even: 1, 2, 5, 30 → (2 + 5) / 2.
    assert fig(march, "referral_response_hours", 0) == (3.5, 4)
    spring = summary([uptd], month(2026, 3), month(2026, 4))
    # Odd: 1, 2, 5, 30, 50 → 5.
    assert fig(spring, "referral_response_hours", 0) == (5, 5)


def test_answered_before_the_deadline(referrals, uptd):
    Referral.objects.filter(kind=Referral.Kind.TRANSFER).delete()
    metrics_refresh(now=NOW)
    # March: 1, 2, 5 and 30 h within 72 h; the expired one is due and missed; the withdrawn
    # one is not counted. April: 50 h against 24 h. June: not due yet.
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 3)) == (4, 5)
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 4)) == (0, 1)
    assert cell(Metric.REFERRAL_ON_TIME, agency=uptd, on=month(2026, 6)) is None
    result = summary([uptd], month(2026, 1), month(2026, 6))
    assert fig(result, "referral_on_time", 0) == (4, 6)
    assert result.rows[0].figures["referral_on_time"].percent == 67


def test_completed_with_feedback_counts_services_not_transfers(referrals, uptd):
    metrics_refresh(now=NOW)
    # "two" has feedback, "five" has none (stored as an empty string, never encrypted).
    assert cell(Metric.REFERRAL_FEEDBACK, agency=uptd, on=month(2026, 3)) == (1, 2)


def test_feedback_loop_counts_referrals_ended_with_an_outcome_for_the_sender(
    referrals, dinas, uptd
):
    metrics_refresh(now=NOW)
    # Ended in March: declined, two, five, expired (the withdrawn one never reached an
    # answer; the transfer is no service). Two came back with an outcome.
    assert cell(Metric.REFERRAL_OUTCOME, agency=dinas, on=month(2026, 3)) == (2, 4)
    assert cell(Metric.REFERRAL_OUTCOME, agency=uptd) is None


def test_a_referral_belongs_to_the_month_on_the_receivers_clock(dinas, uptd, worker):
    case = a_case(dinas, worker, at(2026, 1, 5))
    # 31 January 23:30 WITA is 15:30 UTC: January. 1 February 00:30 WITA is still
    # 31 January in UTC: February.
    a_referral(case, uptd, datetime.datetime(2026, 1, 31, 15, 30, tzinfo=UTC), answered_after=1)
    a_referral(case, uptd, datetime.datetime(2026, 1, 31, 16, 30, tzinfo=UTC), answered_after=7)
    metrics_refresh(now=NOW)
    hours = Metric.REFERRAL_RESPONSE_HOURS
    assert cell(hours, agency=uptd, on=month(2026, 1), bucket=1) == (1, 1)
    assert cell(hours, agency=uptd, on=month(2026, 2), bucket=7) == (7, 1)
    assert MetricCell.objects.filter(metric=hours, agency=uptd).count() == 2


# --- Kalender ----------------------------------------------------------------------------------


@pytest.fixture
def meetings(bontang, dinas, uptd, worker, answerer):
    """The forum of Bontang met on 5 and 19 March; 26 March was cancelled; 14 June was held
    (its minutes are not due before 17 June); 20 June is still ahead."""
    forum = Forum.objects.create(name="Forum PPA Bontang", regency=bontang, time_zone=WITA.key)
    forum.member_agencies.set([dinas, uptd])

    def meeting(day, status, attended=None, minutes_after=None, minutes_status="diajukan"):
        starts = at(2026, day[0], day[1], 9)
        made = Meeting.objects.create(
            forum=forum,
            kind=Meeting.Kind.SCHEDULED,
            title="Rapat koordinasi",
            starts_at=starts,
            ends_at=starts + 2 * HOUR,
            status=status,
        )
        for agency, present in (attended or {}).items():
            Invitation.objects.create(meeting=made, agency=agency, attended=present)
        if minutes_after is not None:
            Minutes.objects.create(
                meeting=made,
                written_by=worker,
                written_at=made.ends_at + minutes_after,
                status=minutes_status,
            )
        return made

    first = meeting(
        (3, 5),
        "terlaksana",
        {dinas: True, uptd: False},
        minutes_after=datetime.timedelta(days=2, hours=23),
        minutes_status="disetujui",
    )
    # Dinsos was also invited by name, through one of its people, who did not come: the
    # agency was there all the same, and the meeting counts once.
    Invitation.objects.create(meeting=first, agency=dinas, user=worker, attended=False)
    second = meeting(
        (3, 19),
        "terlaksana",
        {dinas: True, uptd: True},
        minutes_after=datetime.timedelta(days=3, minutes=1),
    )
    meeting((3, 26), "dibatalkan", {dinas: None, uptd: None})
    meeting((6, 14), "terlaksana", {dinas: True})
    meeting((6, 20), "dijadwalkan", {dinas: None, uptd: None})
    return {"first": first, "second": second}


def test_meetings_held_of_those_scheduled(meetings, dinas, uptd, bontang):
    metrics_refresh(now=NOW)
    march, june = month(2026, 3), month(2026, 6)
    assert cell(Metric.MEETINGS_HELD, agency=dinas, on=march) == (2, 3)
    assert cell(Metric.MEETINGS_HELD, agency=uptd, on=march) == (2, 3)
    assert cell(Metric.MEETINGS_HELD, agency=dinas, on=june) == (1, 1)  # 20 June is ahead
    # The network counts each meeting once, not once per invited agency.
    assert cell(Metric.MEETINGS_HELD, regency=bontang, on=march) == (2, 3)
    result = summary([dinas, uptd], month(2026, 3), month(2026, 6))
    assert fig(result, "meetings_held") == (3, 4)
    assert fig(result, "meetings_held", 1) == (2, 3)


def test_attendance_per_agency(meetings, dinas, uptd):
    metrics_refresh(now=NOW)
    march = month(2026, 3)
    assert cell(Metric.ATTENDANCE, agency=dinas, on=march) == (2, 2)
    assert cell(Metric.ATTENDANCE, agency=uptd, on=march) == (1, 2)
    result = summary([dinas, uptd], march, march)
    assert fig(result, "attendance") == (3, 4)  # agency-meetings, summed


def test_minutes_within_three_days(meetings, dinas, bontang):
    metrics_refresh(now=NOW)
    march = month(2026, 3)
    # 2 days 23 hours after the end: on time; 3 days and a minute: late.
    assert cell(Metric.MINUTES_ON_TIME, regency=bontang, on=march) == (1, 2)
    assert cell(Metric.MINUTES_ON_TIME, agency=dinas, on=march) == (1, 2)
    # 14 June ended less than three days before the refresh: not due yet.
    assert cell(Metric.MINUTES_ON_TIME, regency=bontang, on=month(2026, 6)) is None


# --- Kesepakatan dan komitmen --------------------------------------------------------------


def test_action_items_done_on_time_on_the_agencys_clock(meetings, dinas, uptd, worker):
    def item(meeting, agency, due, status="terbuka", closed_at=None):
        ActionItem.objects.create(
            meeting=meeting,
            title="Tindak lanjut",
            agency=agency,
            due_on=due,
            status=status,
            closed_at=closed_at,
        )

    approved, submitted = meetings["first"], meetings["second"]
    due = datetime.date(2026, 3, 20)
    item(approved, dinas, due, "selesai", at(2026, 3, 19, 10))
    # 20 March 23:30 WITA: the due day, on the agency's clock. On time.
    item(approved, dinas, due, "selesai", at(2026, 3, 20, 23, 30))
    # 21 March 00:30 WITA is still 20 March in UTC, but late where the agency works.
    item(approved, dinas, due, "selesai", at(2026, 3, 21, 0, 30))
    item(approved, dinas, datetime.date(2026, 3, 25))  # open and overdue
    item(approved, dinas, datetime.date(2026, 3, 30), "dibatalkan", at(2026, 3, 28))  # dropped
    item(approved, uptd, datetime.date(2026, 6, 30))  # not due yet
    item(submitted, dinas, datetime.date(2026, 3, 22))  # minutes not approved: not agreed
    metrics_refresh(now=NOW)
    assert cell(Metric.ACTIONS_ON_TIME, agency=dinas, on=month(2026, 3)) == (2, 4)
    assert cell(Metric.ACTIONS_ON_TIME, agency=uptd) is None


def test_commitments_kept_are_recorded_for_the_current_month(
    bontang, dinas, uptd, worker, referrals
):
    agreement = Agreement.objects.create(
        regency=bontang,
        title="Kesepakatan Bersama Perlindungan Anak",
        number="001/KB/2026",
        signed_on=datetime.date(2025, 12, 20),
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2026, 12, 31),
        on_time_target=50,
        created_by=worker,
    )

    def commit(service_type):
        Commitment.objects.create(
            agreement=agreement, agency=uptd, service_type=service_type, description="Layanan"
        )

    commit(SERVICE)  # kept, see the end
    commit(OTHER_SERVICE)  # the transfer: answered after 3 h of 72, kept
    commit("penjangkauan")  # no referral: not judged
    commit("")  # not a service: not measured
    case = a_case(dinas, worker, at(2026, 5, 1))
    a_referral(
        case, uptd, at(2026, 5, 2), answered_after=30, deadline_hours=4, service_type="pemulangan"
    )
    commit("pemulangan")  # answered late: not kept
    metrics_refresh(now=NOW)
    # SERVICE: on time 1, 2, 5 and 30 h; late: 50 h, the expired one, and the June one
    # (agencies.commitments judges deadlines by the real clock) → 4 of 7, 57 % ≥ 50 %.
    assert cell(Metric.COMMITMENTS_KEPT, agency=uptd, on=month(2026, 6)) == (2, 3)
    result = summary([uptd], month(2026, 4), month(2026, 6))
    assert fig(result, "commitments_kept", 0) == (2, 3)
    # Recorded for June only: a period ending before June has no record.
    assert (
        not summary([uptd], month(2026, 3), month(2026, 5))
        .rows[0]
        .figures["commitments_kept"]
        .has_data
    )


# --- Kinerja unit -----------------------------------------------------------------------------


def test_productivity_against_the_configured_target(dinas, worker, settings):
    member_of(dinas, "caseworker")
    member_of(dinas, "caseworker", is_active=False)  # left: not counted
    member_of(dinas, "supervisor")  # not a caseworker
    for day in (5, 20):
        a_case(dinas, worker, at(2026, 1, day))
    for number in (3, 4, 6):
        a_case(dinas, worker, at(2026, number, 2))
    metrics_refresh(now=NOW)
    assert cell(Metric.CASEWORKERS, agency=dinas, on=month(2026, 6)) == (2, 1)
    # Five cases in six months by two caseworkers, aiming for 12 a year each: 12.
    result = summary([dinas], month(2026, 1), month(2026, 6))
    assert fig(result, "productivity", 0) == (5, 12)
    assert result.rows[0].figures["productivity"].percent == 42
    settings.REPORTS_CASES_PER_WORKER_YEAR = 6
    assert fig(summary([dinas], month(2026, 1), month(2026, 6)), "productivity", 0) == (5, 6)


def test_hours_from_complaint_to_first_contact_and_to_assessment(dinas, worker):
    def note(case, kind, written_at):
        CaseNote.objects.create(
            case=case, kind=kind, text="Catatan", written_by=worker, written_at=written_at
        )

    def assessment(case, written_at):
        Assessment.objects.create(
            case=case,
            condition="Stabil",
            needs="Pendampingan",
            written_by=worker,
            written_at=written_at,
        )

    visited = a_case(dinas, worker, at(2026, 3, 2))
    note(visited, CaseNote.Kind.HOME_VISIT, at(2026, 3, 2, 14))  # 6 h
    assessment(visited, at(2026, 3, 4, 8))  # 48 h
    assessed = a_case(dinas, worker, at(2026, 3, 10))
    assessment(assessed, at(2026, 3, 10, 20))  # 12 h, first contact and assessment
    only_visit = a_case(dinas, worker, at(2026, 3, 20))
    note(only_visit, CaseNote.Kind.NOTE, at(2026, 3, 20, 9))  # an office note: no contact
    note(only_visit, CaseNote.Kind.HOME_VISIT, at(2026, 3, 21, 8))  # 24 h
    a_case(dinas, worker, at(2026, 3, 25))  # nobody has met the child yet
    metrics_refresh(now=NOW)
    result = summary([dinas], month(2026, 3), month(2026, 3))
    assert fig(result, "first_contact_hours", 0) == (12, 3)  # 6, 12, 24
    assert fig(result, "assessment_hours", 0) == (30, 2)  # (12 + 48) / 2


def test_closures_with_a_documented_reason_and_in_the_audit_trail(dinas, worker):
    def closed(closed_at, reason, note="", audited_at=None):
        case = a_case(
            dinas,
            worker,
            at(2026, 1, 5),
            status="terminasi",
            closed_at=closed_at,
            closure_reason=reason,
            closure_note=note,
        )
        if audited_at:
            AuditEvent.objects.create(
                actor=worker, action=AuditEvent.Action.TRANSITION, case=case, at=audited_at
            )
        return case

    closed(at(2026, 4, 5), "tujuan_tercapai", audited_at=at(2026, 4, 5) + datetime.timedelta(0, 1))
    closed(at(2026, 4, 8), "lainnya", audited_at=at(2026, 4, 8))  # "other", no note
    closed(at(2026, 4, 9), "lainnya", note="Keluarga menolak layanan lanjutan")  # not audited
    # Imported without a reason; its only transition happened before it was closed.
    closed(at(2026, 4, 30, 23, 30), "", audited_at=at(2026, 4, 1))
    # 1 May 00:30 WITA is still 30 April in UTC: May.
    closed(at(2026, 5, 1, 0, 30), "reintegrasi", audited_at=at(2026, 5, 1, 0, 30))
    metrics_refresh(now=NOW)
    april, may = month(2026, 4), month(2026, 5)
    assert cell(Metric.CLOSED_WITH_REASON, agency=dinas, on=april) == (2, 4)
    assert cell(Metric.CLOSURE_AUDITED, agency=dinas, on=april) == (2, 4)
    assert cell(Metric.CLOSED_WITH_REASON, agency=dinas, on=may) == (1, 1)
    assert cell(Metric.CLOSURE_AUDITED, agency=dinas, on=may) == (1, 1)


# --- Pencegahan ---------------------------------------------------------------------------------


def test_prevention_against_the_monthly_targets(dinas, uptd, worker):
    PreventionTarget.objects.create(
        agency=dinas, starts_on=month(2026, 1), per_month=2, set_by=worker
    )
    for day in (3, 10, 17):
        PreventionActivity.objects.create(
            agency=dinas,
            held_on=datetime.date(2026, 3, day),
            type="sosialisasi",
            target_group="sekolah",
            place="SD Negeri 1",
            region=Region.objects.get(code="64.74.01"),
            topic="Mencegah kekerasan",
            boys=10,
            girls=12,
            recorded_by=worker,
        )
    result = summary([dinas, uptd], month(2026, 3), month(2026, 4))
    assert fig(result, "prevention", 0) == (3, 4)
    # The UPTD neither set a target nor held an activity: no figure, not "0 of 8".
    assert not result.rows[1].figures["prevention"].has_data
    assert fig(result, "prevention") == (3, 4)


# --- The refresh and the summary --------------------------------------------------------------


def everything(cells):
    return sorted(
        (c.agency_id or 0, c.regency_id, c.month, c.metric, c.bucket, c.numerator, c.denominator)
        for c in cells
    )


def test_the_refresh_is_idempotent_and_keeps_past_snapshots(referrals, meetings, dinas):
    first = metrics_refresh(now=NOW, full=True)
    before = everything(MetricCell.objects.all())
    metrics_refresh(now=NOW, full=False)
    assert everything(MetricCell.objects.all()) == before
    assert metrics_refresh(now=NOW, full=True) == first
    assert everything(MetricCell.objects.all()) == before
    # A month later the June record of the caseworkers stays; July is recorded beside it.
    metrics_refresh(now=NOW + datetime.timedelta(days=30))
    caseworkers = MetricCell.objects.filter(metric=Metric.CASEWORKERS, agency=dinas)
    assert sorted(caseworkers.values_list("month", flat=True)) == [month(2026, 6), month(2026, 7)]


def test_the_task_runs_both_refreshes_and_returns_json(referrals):
    from reports.tasks import reports_refresh

    result = reports_refresh()
    assert set(result) == {"stats", "metrics"}
    assert result["metrics"] > 0
    json.dumps(result)


def test_the_summary_reads_a_fixed_number_of_queries(
    referrals, meetings, dinas, uptd, django_assert_num_queries
):
    metrics_refresh(now=NOW)
    # Two reads of the cells, two of prevention progress, one of the prevention targets.
    with django_assert_num_queries(5):
        small = summary([dinas], month(2026, 3), month(2026, 3))
    more = [AgencyFactory(regency=dinas.regency) for _ in range(5)]
    with django_assert_num_queries(5):
        large = summary([dinas, uptd, *more], month(2025, 1), month(2026, 12))
    assert len(small.rows) == 1 and len(large.rows) == 7


def test_cells_hold_counts_only():
    names = {field.name for field in MetricCell._meta.get_fields()}
    assert names == {
        "id",
        "regency",
        "agency",
        "month",
        "metric",
        "bucket",
        "numerator",
        "denominator",
    }


def test_median_of_buckets_with_several_values():
    # 4.2 and 4.8 share the 4-hour bucket: its mean stands for both.
    assert median_of([(4, 9.0, 2), (10, 10.0, 1)]) == 4.5
    assert median_of([(4, 9.0, 2), (10, 10.0, 1), (20, 20.0, 1)]) == pytest.approx(7.25)
    assert median_of([]) is None
    assert [hours_bucket(h) for h in (0.5, 71.9, 72, 80, 170, 5000, -3)] == [
        0,
        71,
        72,
        78,
        168,
        2160,
        0,
    ]


def test_the_partial_shows_parts_of_wholes_and_a_dash_without_data(referrals, uptd, dinas):
    metrics_refresh(now=NOW)
    result = summary([uptd, dinas], month(2026, 3), month(2026, 3))
    with translation.override("en"):
        html = render_to_string("reports/_coordination.html", {"coordination": result})
    # The UPTD's answers in March: 1, 2, 3 (the transfer), 5 and 30 h in time, one expired.
    assert "5 of 6 (83%)" in html
    assert '<rect width="83"' in html
    assert "–" in html  # Dinsos received no referral
    assert "style=" not in html  # the content security policy forbids inline styles


def test_an_agency_without_records_reads_as_no_data(dinas):
    result = summary([dinas], month(2026, 1), month(2026, 3))
    for row in (result.rows[0], result.network):
        assert not any(figure.has_data for figure in row.figures.values())
    assert Figure("ratio", 0, 0).value is None
