"""The statistics cells, checked against numbers worked out by hand on fixed cases.

Dinas Sosial (Balikpapan, WITA = UTC+8) leads every case here. Kasus and korban are
counted apart; ages are taken on the day of the report, on the agency's clock.
"""

import datetime
import zoneinfo

import pytest

from cases.models import Case, CaseParty, CaseViolenceForm, Person
from cases.services import case_open
from reports.models import StatCell, StatsRefresh
from reports.stats import data_as_of, stats_refresh

pytestmark = pytest.mark.django_db

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WITA)


def a_case(agency, opened_by, reported_at, *, children=(), forms=(), perpetrators=(), **fields):
    case = case_open(
        opened_by=opened_by, agency=agency, reported_at=reported_at, risk_level="sedang"
    )
    Case.objects.filter(pk=case.pk).update(**fields)
    for sex, birth_date in children:
        child = Person.objects.create(name="Anak", sex=sex, birth_date=birth_date)
        CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    for form in forms:
        CaseViolenceForm.objects.create(case=case, form=form)
    for relationship in perpetrators:
        person = Person.objects.create(name="Terlapor")
        CaseParty.objects.create(
            case=case,
            person=person,
            part=CaseParty.Part.ALLEGED_PERPETRATOR,
            relationship=relationship,
        )
    return case


def cells(dimension, month=None, agency=None):
    rows = StatCell.objects.filter(dimension=dimension)
    if month:
        rows = rows.filter(month=month)
    if agency:
        rows = rows.filter(agency=agency)
    return {row.value: (row.cases, row.victims) for row in rows}


@pytest.fixture
def siblings_case(dinsos, hadi):
    """One case, two children: a girl of 12 and a boy of 7, physical and sexual violence,
    two alleged perpetrators (a parent and a neighbour)."""
    return a_case(
        dinsos,
        hadi,
        at(2026, 3, 10),
        children=[("P", datetime.date(2013, 6, 1)), ("L", datetime.date(2018, 12, 24))],
        forms=["fisik", "seksual"],
        perpetrators=["orang_tua", "tetangga"],
        place_type="rumah_tangga",
    )


def test_cases_and_victims_are_counted_apart(siblings_case, dinsos, hadi):
    a_case(
        dinsos, hadi, at(2026, 3, 20), children=[("P", datetime.date(2010, 1, 1))], forms=["psikis"]
    )
    stats_refresh()
    march = datetime.date(2026, 3, 1)
    assert cells("total", march) == {"": (2, 3)}
    assert cells("violence_form", march) == {"fisik": (1, 2), "seksual": (1, 2), "psikis": (1, 1)}
    assert cells("sex", march) == {"P": (2, 2), "L": (1, 1)}
    assert cells("relationship", march) == {"orang_tua": (1, 2), "tetangga": (1, 2)}
    assert cells("place", march) == {"rumah_tangga": (1, 2), "na": (1, 1)}


@pytest.mark.parametrize(
    ("reported", "band"),
    [
        (at(2026, 3, 14), "6-12"),  # the day before the 13th birthday
        (at(2026, 3, 15), "13-17"),  # the birthday itself
        (at(2026, 3, 15, 0, 30), "13-17"),  # just after midnight in Balikpapan
    ],
)
def test_age_bands_turn_on_the_birthday(dinsos, hadi, reported, band):
    a_case(dinsos, hadi, reported, children=[("P", datetime.date(2013, 3, 15))])
    stats_refresh()
    assert cells("age_band") == {band: (1, 1)}


def test_a_child_without_a_birth_date_is_counted_as_unknown(dinsos, hadi):
    a_case(dinsos, hadi, at(2026, 3, 14), children=[("L", None)])
    stats_refresh()
    assert cells("age_band") == {"na": (1, 1)}


def test_the_month_is_the_agencys_month_not_utc(dinsos, hadi):
    utc = datetime.UTC
    # 31 January 23:30 in Balikpapan is 15:30 UTC: January.
    a_case(dinsos, hadi, datetime.datetime(2026, 1, 31, 15, 30, tzinfo=utc))
    # 1 February 00:30 in Balikpapan is still 31 January in UTC: February.
    a_case(dinsos, hadi, datetime.datetime(2026, 1, 31, 16, 30, tzinfo=utc))
    stats_refresh()
    assert StatCell.objects.get(dimension="total", month=datetime.date(2026, 1, 1)).cases == 1
    assert StatCell.objects.get(dimension="total", month=datetime.date(2026, 2, 1)).cases == 1


def test_closed_cases_count_in_the_month_they_closed(dinsos, hadi):
    a_case(dinsos, hadi, at(2026, 1, 5), closed_at=at(2026, 2, 28, 23, 50), status="terminasi")
    stats_refresh()
    assert cells("closed") == {"": (1, 0)}
    assert StatCell.objects.get(dimension="closed").month == datetime.date(2026, 2, 1)


def test_district_comes_from_the_incident_village(dinsos, hadi):
    a_case(dinsos, hadi, at(2026, 4, 1), incident_village_id="64.71.01.1001")
    stats_refresh()
    assert cells("district") == {"64.71.01": (1, 0)}


def test_each_agency_has_its_own_cells(siblings_case, uptd_ppa, citra, dinsos):
    a_case(uptd_ppa, citra, at(2026, 3, 11), children=[("P", datetime.date(2015, 1, 1))])
    stats_refresh()
    assert cells("total", agency=dinsos) == {"": (1, 2)}
    assert cells("total", agency=uptd_ppa) == {"": (1, 1)}


def test_a_refresh_replaces_the_cells_and_records_when(siblings_case, dinsos, hadi):
    assert data_as_of() is None
    stats_refresh()
    first = data_as_of()
    a_case(dinsos, hadi, at(2026, 3, 12))
    stats_refresh()
    assert cells("total") == {"": (2, 2)}
    assert data_as_of() >= first
    assert StatsRefresh.objects.count() == 2


def test_kla_cells_cross_ampk_age_group_and_sex_and_mark_served_and_monitored(dinsos, hadi, ani):
    from cases.models import CaseNote, ServiceRecord

    served = a_case(
        dinsos,
        hadi,
        at(2026, 3, 10),
        children=[("P", datetime.date(2013, 6, 1)), ("L", datetime.date(2020, 1, 1))],
        ampk_category="kejahatan_seksual",
    )
    a_case(dinsos, hadi, at(2026, 3, 11), children=[("P", datetime.date(2012, 1, 1))])
    ServiceRecord.objects.create(
        case=served,
        service_type="kesehatan",
        provider=dinsos,
        status="diberikan",
        due_at=at(2026, 3, 12),
        recorded_by=ani,
    )
    CaseNote.objects.create(case=served, kind="pemantauan", text="x", written_by=ani)
    stats_refresh()
    assert cells("kla") == {
        "kejahatan_seksual|6-12|P": (1, 1),
        "kejahatan_seksual|6-12|L": (1, 1),
        "na|13-17|P": (1, 1),
    }
    assert cells("kla_served") == {
        "kejahatan_seksual|6-12|P": (1, 1),
        "kejahatan_seksual|6-12|L": (1, 1),
    }
    assert cells("kla_monitored") == cells("kla_served")


def test_tpks_cases_are_sorted_by_the_72_hour_police_report(dinsos, hadi):
    now = datetime.datetime.now(tz=WITA)
    on_time = a_case(dinsos, hadi, now - datetime.timedelta(days=10), forms=["seksual"])
    Case.objects.filter(pk=on_time.pk).update(
        police_reported_at=on_time.reported_at + datetime.timedelta(hours=71)
    )
    late = a_case(dinsos, hadi, now - datetime.timedelta(days=10), forms=["seksual"])
    Case.objects.filter(pk=late.pk).update(
        police_reported_at=late.reported_at + datetime.timedelta(hours=73)
    )
    a_case(dinsos, hadi, now - datetime.timedelta(days=4), forms=["seksual"])  # missed
    a_case(dinsos, hadi, now - datetime.timedelta(hours=5), forms=["seksual"])  # pending
    a_case(dinsos, hadi, now - datetime.timedelta(days=4), forms=["fisik"])  # not TPKS
    stats_refresh()
    totals = {}
    for row in StatCell.objects.filter(dimension="tpks_72h"):
        totals[row.value] = totals.get(row.value, 0) + row.cases
    assert totals == {"on_time": 1, "late": 1, "missed": 1, "pending": 1}


def test_snapshots_say_how_things_stand_now(dinsos, hadi, ani, uptd_ppa):
    from cases.models import ServiceRecord
    from referrals.models import Referral

    now = datetime.datetime.now(tz=WITA)
    old = a_case(dinsos, hadi, now - datetime.timedelta(days=200), children=[("P", None)])
    Case.objects.filter(pk=old.pk).update(lead_caseworker=ani)
    a_case(dinsos, hadi, now - datetime.timedelta(days=40))
    a_case(dinsos, hadi, now - datetime.timedelta(days=2))
    a_case(dinsos, hadi, now - datetime.timedelta(days=300), closed_at=now, status="terminasi")
    ServiceRecord.objects.create(
        case=old,
        service_type="kesehatan",
        provider=dinsos,
        due_at=now - datetime.timedelta(1),
        recorded_by=ani,
    )
    Referral.objects.create(
        case=old,
        from_agency=dinsos,
        sent_by=ani,
        to_agency=uptd_ppa,
        service_type="penguatan_psikologis",
        reason="x",
        summary_purpose="x",
        respond_by=now - datetime.timedelta(hours=1),
    )
    stats_refresh()
    this_month = now.date().replace(day=1)
    assert cells("open_age", this_month, dinsos) == {
        "181+": (1, 1),
        "31-90": (1, 0),
        "0-30": (1, 0),
    }
    assert cells("caseload", this_month, dinsos) == {str(ani.pk): (1, 1), "none": (2, 0)}
    assert cells("overdue", this_month, dinsos) == {"services": (1, 0)}
    assert cells("overdue", this_month, uptd_ppa) == {"referrals": (1, 0)}
