"""The frequent refresh counts again only the slices (agency, month) written since the
last one, and ends with exactly the cells a full rebuild would write."""

import datetime
import time

import pytest

from cases.models import Case, CaseParty, CaseViolenceForm, Person
from reports.models import SNAPSHOT_DIMENSIONS, StatCell, StatsChange, StatsRefresh
from reports.stats import stats_refresh
from tests.test_reports_stats import WITA, a_case, at, cells

pytestmark = pytest.mark.django_db


def all_cells() -> dict:
    rows = StatCell.objects.exclude(dimension__in=SNAPSHOT_DIMENSIONS)
    return {
        (r.agency_id, r.month, r.dimension, r.value): (r.regency_id, r.cases, r.victims)
        for r in rows
    }


def assert_same_as_a_full_rebuild() -> None:
    incremental = all_cells()
    stats_refresh(full=True)
    assert all_cells() == incremental


def latest_was_full() -> bool:
    return StatsRefresh.objects.order_by("-finished_at").first().full


@pytest.fixture
def counted(dinsos, hadi):
    """Two cases of Dinas Sosial, one this month and one years ago, counted once."""
    now = datetime.datetime.now(tz=WITA)
    cases = [
        a_case(dinsos, hadi, now, children=[("P", datetime.date(2015, 1, 1))], forms=["fisik"]),
        a_case(dinsos, hadi, at(2021, 5, 3), children=[("L", datetime.date(2012, 2, 2))]),
    ]
    stats_refresh()
    assert latest_was_full()
    return cases


def test_the_first_refresh_counts_everything_and_the_next_only_changes(counted):
    assert not StatsChange.objects.exists()
    written = stats_refresh()
    assert not latest_was_full()
    # Nothing changed: only the snapshots of this month are written again.
    assert written == StatCell.objects.filter(dimension__in=SNAPSHOT_DIMENSIONS).count()


def test_a_change_this_month_and_one_years_ago_are_both_counted(counted, dinsos):
    recent, old = counted
    Case.objects.filter(pk=recent.pk).update(place_type="sekolah")
    girl = Person.objects.create(name="Anak", sex="P", birth_date=datetime.date(2011, 1, 1))
    CaseParty.objects.create(case=old, person=girl, part=CaseParty.Part.CHILD)
    CaseViolenceForm.objects.create(case=old, form="psikis")
    stats_refresh()
    assert not latest_was_full()
    assert cells("place", agency=dinsos)["sekolah"] == (1, 1)
    assert cells("total", datetime.date(2021, 5, 1), dinsos) == {"": (1, 2)}
    assert cells("violence_form", datetime.date(2021, 5, 1), dinsos) == {"psikis": (1, 2)}
    assert not StatsChange.objects.exists()
    assert_same_as_a_full_rebuild()


def test_a_case_moving_agency_leaves_the_first_agencys_cells(counted, dinsos, uptd_ppa):
    _recent, old = counted
    Case.objects.filter(pk=old.pk).update(lead_agency=uptd_ppa)
    stats_refresh()
    may_2021 = datetime.date(2021, 5, 1)
    assert cells("total", may_2021, dinsos) == {}
    assert cells("total", may_2021, uptd_ppa) == {"": (1, 1)}
    assert_same_as_a_full_rebuild()


def test_a_case_moving_month_and_closing_updates_every_month_concerned(counted, dinsos):
    _recent, old = counted
    Case.objects.filter(pk=old.pk).update(
        reported_at=at(2021, 7, 1), closed_at=at(2022, 1, 5), status="terminasi"
    )
    stats_refresh()
    assert cells("total", datetime.date(2021, 5, 1), dinsos) == {}
    assert cells("total", datetime.date(2021, 7, 1), dinsos) == {"": (1, 1)}
    assert cells("closed", datetime.date(2022, 1, 1), dinsos) == {"": (1, 1)}
    assert_same_as_a_full_rebuild()


def test_a_childs_birth_date_corrected_moves_the_age_band(counted, dinsos):
    _recent, old = counted
    may_2021 = datetime.date(2021, 5, 1)
    assert cells("age_band", may_2021, dinsos) == {"6-12": (1, 1)}
    Person.objects.filter(parties__case=old).update(birth_date=datetime.date(2005, 1, 1))
    stats_refresh()
    assert cells("age_band", may_2021, dinsos) == {"13-17": (1, 1)}
    assert_same_as_a_full_rebuild()


def test_cells_changed_by_hand_are_counted_again(counted, dinsos):
    StatCell.objects.filter(dimension="total").update(cases=50)
    stats_refresh()
    assert cells("total", datetime.date(2021, 5, 1), dinsos) == {"": (1, 1)}


def test_a_tpks_deadline_running_out_is_counted_with_no_write(dinsos, hadi):
    # Still within the 72 hours at the first refresh, past them at the second.
    reported = datetime.datetime.now(tz=WITA) - datetime.timedelta(hours=72, seconds=-2)
    a_case(dinsos, hadi, reported, forms=["seksual"])
    stats_refresh()
    assert cells("tpks_72h") == {"pending": (1, 0)}
    time.sleep(2.5)
    stats_refresh()
    assert not latest_was_full()
    assert cells("tpks_72h") == {"missed": (1, 0)}


def test_a_full_rebuild_comes_again_after_an_hour(counted):
    stats_refresh()
    assert not latest_was_full()
    StatsRefresh.objects.update(finished_at=datetime.datetime(2020, 1, 1, tzinfo=WITA))
    stats_refresh()
    assert latest_was_full()


def test_the_records_keep_the_latest_full_rebuild(counted):
    for _ in range(12):
        stats_refresh()
    assert StatsRefresh.objects.count() == 11
    assert StatsRefresh.objects.filter(full=True).count() == 1
