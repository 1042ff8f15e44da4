"""Safe houses: occupancy from placements, who may place, who sees what, the overdue
sweep, the list with its filters and exports."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Notification, Region
from cases import shelters
from cases.models import AuditEvent, Case, CaseParty, Person, Placement, SafeHouse
from cases.services import case_open
from cases.tasks import placements_sweep_overdue
from config.celery import app
from tests.factories import AgencyFactory
from tests.processes import manage_output

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SECRET_ADDRESS = "Jalan Rahasia Nomor Tujuh"


def days(n: int) -> datetime.date:
    return TODAY + n * DAY


def open_case(agency, intake, lead, child_name="Anak Rahasia Uji") -> Case:
    case = case_open(
        opened_by=intake, agency=agency, reported_at=timezone.now(), risk_level="tinggi"
    )
    Case.objects.filter(pk=case.pk).update(lead_caseworker=lead)
    case.refresh_from_db()
    child = Person.objects.create(name=child_name, sex="P", birth_date=datetime.date(2014, 3, 2))
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    return case


def make_house(operator, *placing, name="Rumah Aman Uji", capacity=6, **fields) -> SafeHouse:
    house = SafeHouse.objects.create(
        operator=operator,
        name=name,
        kind=fields.pop("kind", SafeHouse.Kind.SAFE_HOUSE),
        capacity=capacity,
        address=SECRET_ADDRESS,
        **fields,
    )
    house.placing_agencies.set(placing)
    return house


def stay(case, house, started_on, planned_end_on=None, ended_on=None) -> Placement:
    """A placement written directly, for dates a workflow would not accept today."""
    return Placement.objects.create(
        case=case,
        safe_house=house,
        operator=house.operator,
        started_on=started_on,
        planned_end_on=planned_end_on or started_on + 7 * DAY,
        ended_on=ended_on,
        recorded_by=case.lead_caseworker,
    )


@pytest.fixture
def case(dinsos, hadi, ani):
    return open_case(dinsos, hadi, ani)


@pytest.fixture
def house(uptd_ppa, dinsos):
    """The UPTD PPA's rumah aman; Dinas Sosial may place children in it."""
    return make_house(uptd_ppa, dinsos)


@pytest.fixture
def lksa(db):
    return Agency.objects.get(nomenclature="LKSA Harapan Bunda")


def login(client, user):
    client.force_login(user)
    return client


def errors_of(raised) -> dict:
    return raised.value.message_dict


# --- Occupancy ---------------------------------------------------------------------------


def test_occupancy_is_counted_from_the_placements(case, house):
    stay(case, house, started_on=TODAY)  # arrived today: counts
    stay(case, house, started_on=days(-5), ended_on=days(-1))  # left yesterday
    stay(case, house, started_on=days(-5), ended_on=TODAY)  # left today: the place is free
    stay(case, house, started_on=days(-9), planned_end_on=days(-2))  # still there, overdue
    stay(case, house, started_on=days(2))  # arrives later: not yet

    counted = SafeHouse.objects.with_occupancy(TODAY).get(pk=house.pk)

    assert (counted.occupied, counted.free, counted.overdue) == (2, 4, 1)
    assert SafeHouse.objects.with_occupancy(days(2)).get(pk=house.pk).occupied == 3
    assert SafeHouse.objects.with_occupancy(days(-3)).get(pk=house.pk).occupied == 3


def test_a_placement_takes_the_house_standard_stay_and_is_audited(case, ani, house):
    SafeHouse.objects.filter(pk=house.pk).update(standard_stay_days=10)
    house.refresh_from_db()

    placement = shelters.placement_start(
        case=case, placed_by=ani, safe_house=house, started_on=TODAY
    )

    assert placement.planned_end_on == days(10)
    assert placement.operator == house.operator
    event = AuditEvent.objects.get(object_type="cases.placement", object_id=str(placement.pk))
    assert (event.actor, event.action, event.case) == (ani, "create", case)


def test_a_full_house_is_refused(case, ani, uptd_ppa, dinsos):
    house = make_house(uptd_ppa, dinsos, capacity=1)
    shelters.placement_start(case=case, placed_by=ani, safe_house=house, started_on=TODAY)

    with pytest.raises(ValidationError) as raised:
        shelters.placement_start(case=case, placed_by=ani, safe_house=house, started_on=days(1))

    assert "safe_house" in errors_of(raised)
    assert house.placements.count() == 1


def test_a_place_freed_by_an_ended_stay_can_be_taken_again(case, ani, uptd_ppa, dinsos):
    house = make_house(uptd_ppa, dinsos, capacity=1)
    stay(case, house, started_on=days(-10), ended_on=days(-1))

    shelters.placement_start(case=case, placed_by=ani, safe_house=house, started_on=TODAY)

    assert house.placements.count() == 2


def test_a_house_whose_operator_does_not_let_dinsos_place_is_refused_for_ani(
    client, case, ani, lksa, uptd_ppa
):
    closed_to_dinsos = make_house(lksa, uptd_ppa, name="LKSA Uji", kind=SafeHouse.Kind.LKSA)

    assert closed_to_dinsos in SafeHouse.objects.visible_to(ani)
    assert closed_to_dinsos not in SafeHouse.objects.placeable_by(ani)
    with pytest.raises(ValidationError) as raised:
        shelters.placement_start(
            case=case, placed_by=ani, safe_house=closed_to_dinsos, started_on=TODAY
        )
    assert "safe_house" in errors_of(raised)

    login(client, ani)
    client.post(
        reverse("case-action", args=[case.code, "penempatan"]),
        {"safe_house": closed_to_dinsos.pk, "started_on": TODAY.isoformat()},
    )
    assert not Placement.objects.exists()


def test_who_may_place(house, ani, budi, citra, sari, hadi, dewi, fajar, uptd_ppa, dinsos):
    inactive = make_house(uptd_ppa, dinsos, name="Tutup", is_active=False)

    for user in (ani, budi, citra, sari):  # the operator, and an agency it lets place
        assert list(SafeHouse.objects.placeable_by(user)) == [house], user
    for user in (hadi, dewi, fajar):  # intake, head, coordinator do not place
        assert not SafeHouse.objects.placeable_by(user).exists(), user
    assert inactive in SafeHouse.objects.visible_to(ani)


def test_a_placement_needs_a_case_the_user_may_change(house, citra, dinsos, hadi, ani):
    dinsos_case = open_case(dinsos, hadi, ani)

    with pytest.raises(PermissionDenied):
        shelters.placement_start(
            case=dinsos_case, placed_by=citra, safe_house=house, started_on=TODAY
        )
    assert not Placement.objects.exists()


# --- Who sees what -----------------------------------------------------------------------


def test_the_operator_sees_the_house_but_only_counts_of_another_agencys_cases(
    client, case, ani, citra, house, uptd_ppa, sari
):
    shelters.placement_start(case=case, placed_by=ani, safe_house=house, started_on=TODAY)
    own_case = open_case(uptd_ppa, citra, citra, child_name="Anak Milik Uptd")
    shelters.placement_start(case=own_case, placed_by=citra, safe_house=house, started_on=TODAY)

    page = login(client, citra).get(house.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == 200
    assert case.code not in html and case.pseudonym() not in html
    assert own_case.code in html and own_case.get_absolute_url() in html
    assert page.context["other_stays"] == 1
    assert 'data-testid="other-stays"' in html


def test_the_placing_agency_sees_its_own_case_on_the_house_page(client, case, ani, house):
    shelters.placement_start(case=case, placed_by=ani, safe_house=house, started_on=TODAY)

    page = login(client, ani).get(house.get_absolute_url())

    assert case.pseudonym() in page.content.decode()
    assert page.context["other_stays"] == 0


@pytest.mark.parametrize("username", ["rina", "eko", "hadi", "gita"])
def test_users_without_a_safe_house_role_see_no_house_and_no_menu_entry(client, house, username):
    from agencies.models import User

    user = User.objects.get(username=username)
    login(client, user)

    assert reverse("safe-house-list") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("safe-house-list")).status_code == 403  # a page, not a record
    assert client.get(reverse("safe-house-list"), {"format": "csv"}).status_code == 403
    assert client.get(house.get_absolute_url()).status_code == 404


def test_the_menu_offers_safe_houses_to_those_who_work_with_them(client, ani, dewi, fajar):
    for user in (ani, dewi, fajar):
        assert (
            reverse("safe-house-list") in login(client, user).get(reverse("home")).content.decode()
        )


def test_a_house_in_another_city_is_missing(client, ani, dinsos):
    elsewhere = Region.objects.filter(level=2).exclude(code="64.71").first()
    far_away = make_house(AgencyFactory(regency=elsewhere), dinsos, name="Jauh")

    login(client, ani)

    assert client.get(far_away.get_absolute_url()).status_code == 404
    assert far_away not in client.get(reverse("safe-house-list")).context["houses"]
    assert client.get(reverse("safe-house-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("username", "sees_address"),
    [("citra", True), ("sari", True), ("ani", True), ("budi", True), ("dewi", False)],
)
def test_the_address_is_shown_only_to_the_operator_and_placing_agencies(
    client, house, username, sees_address
):
    from agencies.models import User

    page = login(client, User.objects.get(username=username)).get(house.get_absolute_url())

    assert page.status_code == 200
    assert (SECRET_ADDRESS in page.content.decode()) is sees_address
    read = AuditEvent.objects.get(action="view", object_type="cases.safehouse")
    assert read.fields == (["address"] if sees_address else [])


def test_the_address_is_never_in_the_list_or_the_export(client, ani, house):
    login(client, ani)

    assert SECRET_ADDRESS not in client.get(reverse("safe-house-list")).content.decode()
    export = client.get(reverse("safe-house-list"), {"format": "csv"})
    assert SECRET_ADDRESS not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_address_is_encrypted_at_rest(house):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM cases_safehouse WHERE id = %s", [house.pk])
        stored = cursor.fetchone()[0]
    assert SECRET_ADDRESS not in stored


# --- Ending and extending; bad input ---------------------------------------------------


@pytest.fixture
def placement(case, ani, house):
    return shelters.placement_start(case=case, placed_by=ani, safe_house=house, started_on=days(-3))


def _writes(placement) -> tuple:
    placement.refresh_from_db()
    changes = AuditEvent.objects.filter(action="update", object_type="cases.placement").count()
    return placement.ended_on, placement.planned_end_on, changes


def test_ending_a_stay_frees_the_place(placement, ani, house):
    shelters.placement_end(placement=placement, ended_by=ani, ended_on=TODAY)

    assert _writes(placement)[0] == TODAY
    assert SafeHouse.objects.with_occupancy().get(pk=house.pk).occupied == 0
    with pytest.raises(ValidationError):
        shelters.placement_end(placement=placement, ended_by=ani, ended_on=TODAY)


@pytest.mark.parametrize(("ended_on", "field"), [(days(-4), "ended_on"), (days(1), "ended_on")])
def test_an_end_before_the_start_or_in_the_future_is_refused(placement, ani, ended_on, field):
    before = _writes(placement)

    with pytest.raises(ValidationError) as raised:
        shelters.placement_end(placement=placement, ended_by=ani, ended_on=ended_on)

    assert field in errors_of(raised)
    assert _writes(placement) == before


def test_extending_moves_the_planned_end_with_a_reason(placement, ani):
    shelters.placement_extend(
        placement=placement, extended_by=ani, planned_end_on=days(10), reason="Menunggu sidang"
    )

    assert _writes(placement)[1] == days(10)
    event = AuditEvent.objects.get(action="update", object_type="cases.placement")
    assert event.fields == ["planned_end_on"] and event.reason == "Menunggu sidang"


@pytest.mark.parametrize(
    ("planned_end_on", "reason", "field"),
    [
        (days(2), "Menunggu sidang", "planned_end_on"),  # earlier than the current end
        (days(4), "Menunggu sidang", "planned_end_on"),  # the same day is no extension
        (days(10), "   ", "reason"),
    ],
)
def test_a_bad_extension_is_refused(placement, ani, planned_end_on, reason, field):
    assert placement.planned_end_on == days(4)
    before = _writes(placement)

    with pytest.raises(ValidationError) as raised:
        shelters.placement_extend(
            placement=placement, extended_by=ani, planned_end_on=planned_end_on, reason=reason
        )

    assert field in errors_of(raised)
    assert _writes(placement) == before


def test_a_planned_end_before_the_start_is_refused(case, ani, house):
    with pytest.raises(ValidationError) as raised:
        shelters.placement_start(
            case=case, placed_by=ani, safe_house=house, started_on=TODAY, planned_end_on=days(-1)
        )

    assert "planned_end_on" in errors_of(raised)
    assert not Placement.objects.exists()


def test_the_case_page_places_ends_and_extends(client, case, ani, house):
    login(client, ani)
    page = client.get(case.get_absolute_url())
    assert list(page.context["placement_form"].fields["safe_house"].queryset) == [house]

    client.post(
        reverse("case-action", args=[case.code, "penempatan"]),
        {"safe_house": house.pk, "started_on": days(-9).isoformat()},
    )
    placement = Placement.objects.get()
    assert placement.planned_end_on == days(-2)
    assert (
        'data-testid="beyond-planned-stay"' in client.get(case.get_absolute_url()).content.decode()
    )

    client.post(
        reverse("case-action", args=[case.code, "penempatan-perpanjang"]),
        {"placement": placement.pk, "planned_end_on": days(5).isoformat(), "reason": "Sidang"},
    )
    assert _writes(placement)[1] == days(5)
    client.post(
        reverse("case-action", args=[case.code, "penempatan-selesai"]),
        {"placement": placement.pk, "ended_on": TODAY.isoformat()},
    )
    assert _writes(placement)[0] == TODAY


def test_bad_input_on_the_case_page_writes_nothing(client, case, ani, placement):
    login(client, ani)
    before = _writes(placement)

    bad_posts = [
        ("penempatan-selesai", {"placement": placement.pk, "ended_on": days(-30).isoformat()}),
        ("penempatan-selesai", {"placement": placement.pk, "ended_on": days(3).isoformat()}),
        ("penempatan-selesai", {"placement": placement.pk, "ended_on": "kemarin"}),
        (
            "penempatan-perpanjang",
            {"placement": placement.pk, "planned_end_on": days(1).isoformat(), "reason": "x"},
        ),
        ("penempatan", {"safe_house": "abc", "started_on": TODAY.isoformat()}),
        ("penempatan", {"safe_house": placement.safe_house_id, "started_on": "besok"}),
    ]
    for action, data in bad_posts:
        response = client.post(reverse("case-action", args=[case.code, action]), data)
        assert response.status_code == 302, action

    assert _writes(placement) == before
    assert Placement.objects.count() == 1
    messages = [str(m) for m in client.get(case.get_absolute_url()).context["messages"]]
    assert len(messages) == len(bad_posts)


def test_another_agencys_placement_cannot_be_ended_through_ones_own_case(
    client, placement, citra, uptd_ppa
):
    own_case = open_case(uptd_ppa, citra, citra)
    login(client, citra)

    response = client.post(
        reverse("case-action", args=[own_case.code, "penempatan-selesai"]),
        {"placement": placement.pk, "ended_on": TODAY.isoformat()},
    )

    assert response.status_code == 404
    assert _writes(placement)[0] is None


# --- The overdue sweep -------------------------------------------------------------------


def overdue_notices(user):
    return Notification.objects.filter(recipient=user, kind="placement_overdue")


def test_the_sweep_tells_the_lead_agencys_supervisor_once(case, house, budi, sari, ani):
    placement = stay(case, house, started_on=days(-10), planned_end_on=days(-3))

    assert shelters.placements_flag_overdue() == 1
    assert shelters.placements_flag_overdue() == 0

    notice = overdue_notices(budi).get()
    assert notice.subject_code == case.code and notice.url == case.get_absolute_url()
    assert notice.key == f"placement-overdue:{placement.pk}:{days(-3)}"
    assert not overdue_notices(sari).exists()  # the operator hears nothing of the case
    assert not overdue_notices(ani).exists()
    placement.refresh_from_db()
    assert placement.overdue_flagged_for == days(-3)


def test_an_extension_arms_the_flag_again(case, house, budi, ani):
    placement = stay(case, house, started_on=days(-10), planned_end_on=days(-3))
    shelters.placements_flag_overdue()

    shelters.placement_extend(
        placement=placement, extended_by=ani, planned_end_on=days(2), reason="Sidang"
    )
    assert shelters.placements_flag_overdue() == 0  # within the new planned stay
    assert shelters.placements_flag_overdue(today=days(3)) == 1
    assert shelters.placements_flag_overdue(today=days(4)) == 0

    assert overdue_notices(budi).count() == 2


def test_the_sweep_ignores_ended_stays_and_stays_within_their_plan(case, house, budi):
    stay(case, house, started_on=days(-10), planned_end_on=days(-3), ended_on=days(-1))
    stay(case, house, started_on=days(-2), planned_end_on=days(5))
    stay(case, house, started_on=days(-7), planned_end_on=TODAY)  # ends today: not yet late

    assert shelters.placements_flag_overdue() == 0
    assert not overdue_notices(budi).exists()


def test_the_sweep_task_runs_in_process(case, house, budi):
    stay(case, house, started_on=days(-10), planned_end_on=days(-3))

    assert placements_sweep_overdue.apply().result == {"flagged": 1}
    assert placements_sweep_overdue.apply().result == {"flagged": 0}


def test_the_sweep_is_scheduled_hourly():
    entry = app.conf.beat_schedule["placements-overdue"]
    assert entry["task"] == placements_sweep_overdue.name == "sinergi.placements_flag_overdue"
    assert entry["schedule"] == 60 * 60


# --- The list: filters, exports, query count --------------------------------------------


@pytest.fixture
def city_houses(case, house, lksa, dinsos):
    """The rumah aman (one of six taken) and a full LKSA home."""
    stay(case, house, started_on=days(-1))
    full = make_house(lksa, dinsos, name="LKSA Penuh", capacity=1, kind=SafeHouse.Kind.LKSA)
    stay(case, full, started_on=days(-10), planned_end_on=days(-2))
    return house, full


def test_the_list_shows_capacity_and_occupancy(client, ani, city_houses):
    house, full = city_houses

    page = login(client, ani).get(reverse("safe-house-list"))

    rows = {
        row.name: (row.capacity, row.occupied, row.free, row.overdue)
        for row in page.context["houses"]
    }
    assert rows == {house.name: (6, 1, 5, 0), full.name: (1, 1, 0, 1)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "lksa"}, ["LKSA Penuh"]),
        ({"kind": "rumah_aman"}, ["Rumah Aman Uji"]),
        ({"free": "on"}, ["Rumah Aman Uji"]),
        ({"operator": "OPERATOR"}, ["LKSA Penuh"]),
        ({"kind": "not-a-kind"}, ["LKSA Penuh", "Rumah Aman Uji"]),  # bad input filters nothing
    ],
)
def test_the_list_filters(client, ani, city_houses, lksa, query, expected):
    query = {key: lksa.pk if value == "OPERATOR" else value for key, value in query.items()}

    page = login(client, ani).get(reverse("safe-house-list"), query)

    assert page.status_code == 200
    assert [house.name for house in page.context["houses"]] == expected


def test_the_operator_filter_offers_only_operators_of_visible_houses(client, ani, city_houses):
    page = login(client, ani).get(reverse("safe-house-list"))

    operators = {str(agency) for agency in page.context["filter_form"].fields["operator"].queryset}
    assert operators == {"UPTD PPA", "LKSA Harapan Bunda"}


def test_the_csv_export_is_the_filtered_list_and_is_audited(client, ani, city_houses):
    response = login(client, ani).get(reverse("safe-house-list"), {"kind": "lksa", "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "LKSA Penuh"
    assert rows[1][3:7] == ["1", "1", "0", "1"]
    export = AuditEvent.objects.get(action="export")
    assert (export.actor, export.object_type) == (ani, "cases.safehouse")
    assert "format:csv" in export.fields


def test_the_xlsx_export(client, budi, city_houses):
    response = login(client, budi).get(reverse("safe-house-list"), {"format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert [row[0] for row in rows[1:]] == ["LKSA Penuh", "Rumah Aman Uji"]
    assert rows[2][3:7] == (6, 1, 5, 0)
    assert "format:xlsx" in AuditEvent.objects.get(action="export", actor=budi).fields


@pytest.mark.parametrize("houses", [1, 5])
def test_the_list_query_count_is_fixed(
    client, ani, case, uptd_ppa, dinsos, django_assert_num_queries, houses
):
    for number in range(houses):
        house = make_house(uptd_ppa, dinsos, name=f"Rumah {number}")
        stay(case, house, started_on=days(-10), planned_end_on=days(-1))
        stay(case, house, started_on=TODAY)
    login(client, ani)
    # user with membership+roles (session cached); rows (with operator and occupancy), the
    # operators of the filter; the menu badge and unread notifications (no count)
    with django_assert_num_queries(5):
        response = client.get(reverse("safe-house-list"))
    assert len(response.context["houses"]) == houses


# --- The demo ----------------------------------------------------------------------------


def test_the_demo_has_safe_houses_and_one_stay_beyond_its_plan(db):
    from cases.demo import demo_cases_seed

    demo_cases_seed()
    demo_cases_seed()  # idempotent

    houses = {house.name: house for house in SafeHouse.objects.with_occupancy()}
    assert houses["Rumah Aman UPTD PPA"].capacity == 6
    assert houses["LKSA Harapan Bunda"].capacity == 20
    assert [str(a) for a in houses["Rumah Aman UPTD PPA"].placing_agencies.all()] == ["Dinsos"]
    assert Placement.objects.filter(safe_house__in=houses.values()).count() == 3
    assert sum(house.overdue for house in houses.values()) == 1


# --- A real worker ----------------------------------------------------------------------

REPORT = """
import json
from agencies.models import Notification
from cases.models import Placement
print(json.dumps({
    "notices": sorted(
        Notification.objects.filter(kind="placement_overdue")
        .values_list("recipient__username", flat=True)
    ),
    "flagged": Placement.objects.filter(overdue_flagged_for__isnull=False).count(),
}))
"""


@pytest.mark.services
def test_the_worker_flags_the_demo_stay_beyond_its_plan_once(committed_demo, demo_worker):
    first = placements_sweep_overdue.apply_async(queue=demo_worker).get(timeout=120)
    second = placements_sweep_overdue.apply_async(queue=demo_worker).get(timeout=120)

    assert first == {"flagged": 1}
    assert second == {"flagged": 0}
    report = json.loads(
        manage_output(committed_demo, "shell", "-c", REPORT).strip().splitlines()[-1]
    )
    assert report == {"notices": ["budi"], "flagged": 1}


# --- The admin site ---------------------------------------------------------------------


def test_the_admin_writes_the_address_but_never_reads_it(client, eko, house, uptd_ppa, dinsos):
    login(client, eko)
    url = reverse("admin:cases_safehouse_change", args=[house.pk])

    assert SECRET_ADDRESS not in client.get(url).content.decode()
    form = {
        "name": house.name,
        "kind": house.kind,
        "operator": uptd_ppa.pk,
        "capacity": 8,
        "standard_stay_days": 7,
        "placing_agencies": [dinsos.pk],
        "new_address": "",
        "is_active": "on",
    }
    assert client.post(url, form).status_code == 302
    house.refresh_from_db()
    assert (house.capacity, house.address) == (8, SECRET_ADDRESS)  # empty keeps the address

    client.post(url, {**form, "new_address": "Alamat Baru"})
    house.refresh_from_db()
    assert house.address == "Alamat Baru"


def test_the_admin_refuses_placing_agencies_of_another_city(client, eko, house, uptd_ppa):
    elsewhere = AgencyFactory(regency=Region.objects.filter(level=2).exclude(code="64.71").first())
    login(client, eko)

    response = client.post(
        reverse("admin:cases_safehouse_change", args=[house.pk]),
        {
            "name": house.name,
            "kind": house.kind,
            "operator": uptd_ppa.pk,
            "capacity": 6,
            "standard_stay_days": 7,
            "placing_agencies": [elsewhere.pk],
            "is_active": "on",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert list(house.placing_agencies.all()) != [elsewhere]
