"""Prevention activities: recording, who sees them, filters, exports and monthly progress.

The cast: DP3AKB (``dewi`` head, ``fajar`` forum coordinator, ``gita`` data officer) and
Dinas Sosial (``ani`` caseworker, ``budi`` supervisor) each record their own activities.
Staff see their own agency's; ``fajar`` as coordinator sees every agency of Kota
Balikpapan. ``rina`` (community) and ``eko`` (admin) are not on the network: every page
refuses them (403, a page they have no part in). Kota Samarinda (64.72) is another city,
out of everyone's sight here.
"""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from agencies.models import (
    ActivityType,
    Agency,
    PreventionActivity,
    PreventionTarget,
    Region,
    TargetGroup,
)
from agencies.models.prevention import DEFAULT_MONTHLY_TARGET, agency_today
from agencies.navigation import sections_for
from agencies.prevention import (
    last_months,
    monthly_progress,
    prevention_activity_record,
    prevention_activity_update,
    prevention_target_set,
    progress_agencies_for,
)
from agencies.prevention_demo import demo_prevention_seed
from agencies.roles import Role
from cases.models import AuditEvent
from tests.factories import AgencyFactory, member_of

pytestmark = pytest.mark.django_db

PRAPATAN = "64.71.06.1001"  # a kelurahan of Balikpapan Kota
BALIKPAPAN_TIMUR = "64.71.01"  # a kecamatan
MANGGAR = "64.71.01.1001"  # a kelurahan of Balikpapan Timur
SAMARINDA_AREA = "64.72.01.1001"  # Rawa Makmur, Kota Samarinda
ACTIVITY = "agencies.preventionactivity"
TARGET = "agencies.preventiontarget"


def translated(msgid: str, **values) -> str:
    """The text as the pages show it (Indonesian, once translated), HTML-escaped."""
    with translation.override("id"):
        return escape(gettext(msgid) % values if values else gettext(msgid))


def login(client, user):
    client.force_login(user)
    return client


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


@pytest.fixture
def dp3akb(db) -> Agency:
    return Agency.objects.get(nomenclature="DP3AKB")


@pytest.fixture
def samarinda(db):
    """An agency of another city, with a coordinator of its own."""
    agency = AgencyFactory(regency=Region.objects.get(code="64.72"))
    return agency, member_of(agency, Role.COORDINATOR)


def activity(agency, recorder, **changes) -> PreventionActivity:
    """An activity stored directly, for the pages and queries to read."""
    values = {
        "agency": agency,
        "recorded_by": recorder,
        "held_on": agency_today(agency) - datetime.timedelta(days=1),
        "type": ActivityType.SOCIALISATION,
        "target_group": TargetGroup.SCHOOL,
        "place": "SMP Patra Dharma",
        "region_id": PRAPATAN,
        "topic": "Stop perundungan di sekolah",
        "boys": 10,
        "girls": 12,
        "men": 1,
        "women": 2,
    }
    values.update(changes)
    return PreventionActivity.objects.create(**values)


def form_data(**changes) -> dict:
    data = {
        "held_on": (agency_today(None) - datetime.timedelta(days=2)).isoformat(),
        "type": ActivityType.SOCIALISATION,
        "target_group": TargetGroup.POSYANDU,
        "place": "Posyandu Kelurahan Manggar",
        "region": MANGGAR,
        "topic": "Deteksi dini kekerasan pada anak",
        "boys": "0",
        "girls": "0",
        "men": "1",
        "women": "24",
        "materials": "Lembar deteksi dini",
    }
    data.update(changes)
    return data


def details(**changes) -> dict:
    """The same activity as the services take it."""
    data = form_data(**changes)
    data["held_on"] = datetime.date.fromisoformat(data["held_on"])
    data["region"] = Region.objects.get(code=data["region"])
    for group in ("boys", "girls", "men", "women"):
        data[group] = int(data[group])
    return data


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


# --- Recording ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["gita", "fajar", "dewi", "ani"])
def test_staff_record_an_activity_of_their_own_agency_and_it_is_audited(client, request, username):
    user = request.getfixturevalue(username)
    login(client, user)
    assert client.get(reverse("prevention-create")).status_code == 200
    response = client.post(reverse("prevention-create"), form_data())
    recorded = PreventionActivity.objects.get(recorded_by=user)
    assert response.status_code == 302
    assert response["Location"] == recorded.get_absolute_url()
    assert recorded.agency == user.membership.agency
    assert (recorded.region_id, recorded.participants, recorded.adults) == (MANGGAR, 25, 25)
    audit = AuditEvent.objects.get(object_type=ACTIVITY, object_id=str(recorded.pk))
    assert (audit.actor, audit.action) == (user, AuditEvent.Action.CREATE)
    assert "topic" in audit.fields and "women" in audit.fields


def test_the_form_offers_only_the_kecamatan_and_kelurahan_of_the_own_city(client, ani):
    login(client, ani)
    field = client.get(reverse("prevention-create")).context["form"].fields["region"]
    codes = {code for _group, options in field.choices[1:] for code, _label in options}
    assert {BALIKPAPAN_TIMUR, MANGGAR, PRAPATAN} <= codes
    assert all(code.startswith("64.71.") for code in codes)


FUTURE = (agency_today(None) + datetime.timedelta(days=2)).isoformat()
BAD_INPUT = [
    ({"held_on": FUTURE}, "held_on", ("Record an activity once it has taken place.", {})),
    (
        {"region": SAMARINDA_AREA},
        "region",
        (
            "Select a valid choice. %(value)s is not one of the available choices.",
            {"value": SAMARINDA_AREA},
        ),
    ),
    (
        {"region": "64.71"},
        "region",
        (
            "Select a valid choice. %(value)s is not one of the available choices.",
            {"value": "64.71"},
        ),
    ),
    ({"men": "0", "women": "0"}, "__all__", ("Record at least one participant.", {})),
    (
        {"boys": "-3"},
        "boys",
        ("Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 0}),
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_field_error_and_writes_nothing(
    client, gita, changes, field, message
):
    login(client, gita)
    audits = AuditEvent.objects.count()
    response = client.post(reverse("prevention-create"), form_data(**changes))
    assert response.status_code == 400
    msgid, values = message
    with translation.override("id"):
        expected = gettext(msgid) % values if values else gettext(msgid)
    assert response.context["form"].errors[field] == [expected]
    assert translated(msgid, **values) in response.content.decode()
    assert not PreventionActivity.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_djangos_own_messages_are_already_indonesian(client, gita):
    login(client, gita)
    response = client.post(reverse("prevention-create"), form_data(boys="-1", topic=""))
    html = response.content.decode()
    assert "Pastikan nilai ini lebih besar dari atau sama dengan 0." in html
    assert "Bidang ini harus diisi." in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region": SAMARINDA_AREA}, "region"),
        ({"region": "64.71"}, "region"),
        ({"held_on": FUTURE}, "held_on"),
        ({"men": "0", "women": "0"}, "__all__"),
        ({"boys": "-1"}, "boys"),
    ],
)
def test_the_service_refuses_the_same_bad_input(fajar, changes, field):
    with pytest.raises(ValidationError) as refused:
        prevention_activity_record(recorded_by=fajar, **details(**changes))
    assert field in refused.value.message_dict
    assert not PreventionActivity.objects.exists()


def test_the_area_must_be_in_the_agencys_own_city(fajar, samarinda):
    agency, coordinator = samarinda
    with pytest.raises(ValidationError) as refused:
        prevention_activity_record(recorded_by=coordinator, **details(region=MANGGAR))
    assert list(refused.value.message_dict) == ["region"]
    recorded = prevention_activity_record(recorded_by=coordinator, **details(region="64.72.01"))
    assert recorded.agency == agency


def test_people_off_the_network_cannot_record(rina, eko):
    for user in (rina, eko):
        with pytest.raises(PermissionDenied):
            prevention_activity_record(recorded_by=user, **details())
    assert not PreventionActivity.objects.exists()


# --- Who sees what ------------------------------------------------------------------------------


@pytest.fixture
def both(dp3akb, dinsos, fajar, ani, samarinda):
    """One activity of DP3AKB, one of Dinas Sosial, one of a Samarinda agency."""
    agency, coordinator = samarinda
    return {
        "dp3akb": activity(dp3akb, fajar, topic="Sosialisasi di SMP Nasional KPS"),
        "dinsos": activity(dinsos, ani, topic="Peran TKSK dalam pencegahan", region_id=MANGGAR),
        "samarinda": activity(
            agency, coordinator, topic="Kampanye Samarinda", region_id="64.72.01"
        ),
    }


def test_ani_never_sees_dp3akbs_activities(client, ani, both):
    login(client, ani)
    listed = client.get(reverse("prevention-list"))
    assert list(listed.context["activities"]) == [both["dinsos"]]
    assert "SMP Nasional KPS" not in listed.content.decode()
    assert listed.context["totals"]["activities"] == 1
    hidden = both["dp3akb"]
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("prevention-edit", args=[hidden.pk])).status_code == 404
    exported = csv_rows(client.get(reverse("prevention-list"), {"format": "csv"}))
    assert [row[7] for row in exported[1:]] == ["Peran TKSK dalam pencegahan"]
    progress = client.get(reverse("prevention-progress"))
    assert [row.agency.nomenclature for row in progress.context["rows"]] == ["Dinsos"]


def test_budi_sees_only_dinas_sosial(client, budi, both):
    login(client, budi)
    assert list(client.get(reverse("prevention-list")).context["activities"]) == [both["dinsos"]]
    assert client.get(both["dinsos"].get_absolute_url()).status_code == 200
    assert client.get(both["dp3akb"].get_absolute_url()).status_code == 404


def test_the_coordinator_sees_every_agency_of_the_city_and_no_other(client, fajar, both):
    login(client, fajar)
    listed = client.get(reverse("prevention-list"))
    assert set(listed.context["activities"]) == {both["dp3akb"], both["dinsos"]}
    assert client.get(both["dinsos"].get_absolute_url()).status_code == 200
    assert client.get(both["samarinda"].get_absolute_url()).status_code == 404
    agencies = {
        row.agency.nomenclature
        for row in client.get(reverse("prevention-progress")).context["rows"]
    }
    # UPTD PPA has neither a target nor an activity: not a row of zeros.
    assert agencies == {"DP3AKB", "Dinsos"}


def test_the_coordinator_filters_by_organising_agency_others_cannot(
    client, fajar, ani, dinsos, both
):
    login(client, fajar)
    only = client.get(reverse("prevention-list"), {"agency": dinsos.pk})
    assert list(only.context["activities"]) == [both["dinsos"]]
    login(client, ani)
    page = client.get(reverse("prevention-list"), {"agency": both["dp3akb"].agency_id})
    assert "agency" not in page.context["filter_form"].fields
    assert list(page.context["activities"]) == [both["dinsos"]]


@pytest.mark.parametrize("username", ["rina", "eko"])
def test_people_off_the_network_find_nothing_and_have_no_menu_entry(
    client, request, username, both
):
    user = request.getfixturevalue(username)
    login(client, user)
    assert "prevention-list" not in [section.url_name for section in sections_for(user)]
    pk = both["dp3akb"].pk
    for url in (
        reverse("prevention-list"),
        reverse("prevention-list") + "?format=csv",
        reverse("prevention-create"),
        reverse("prevention-progress"),
        reverse("prevention-detail", args=[pk]),
        reverse("prevention-edit", args=[pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("prevention-create"), form_data()).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, both):
    response = client.get(reverse("prevention-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_editing_another_agencys_activity_is_a_404_even_for_the_coordinator(client, fajar, both):
    login(client, fajar)
    dinsos_activity = both["dinsos"]
    page = client.get(dinsos_activity.get_absolute_url())
    assert 'data-testid="edit"' not in page.content.decode()
    url = reverse("prevention-edit", args=[dinsos_activity.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(topic="Diubah")).status_code == 404
    dinsos_activity.refresh_from_db()
    assert dinsos_activity.topic == "Peran TKSK dalam pencegahan"
    with pytest.raises(PermissionDenied):
        prevention_activity_update(activity=dinsos_activity, changed_by=fajar, **details())


def test_a_colleague_corrects_an_activity_and_only_the_changes_are_audited(client, gita, both):
    login(client, gita)
    own = both["dp3akb"]
    page = client.get(own.get_absolute_url())
    assert 'data-testid="edit"' in page.content.decode()
    form = client.get(reverse("prevention-edit", args=[own.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(girls="15", materials="Modul PPA untuk SMP")
    data["region"] = own.region_id
    response = client.post(reverse("prevention-edit", args=[own.pk]), data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.girls, own.materials) == (15, "Modul PPA untuk SMP")
    audit = AuditEvent.objects.get(object_type=ACTIVITY, action=AuditEvent.Action.UPDATE)
    assert (audit.actor, audit.fields) == (gita, ["girls", "materials"])


def test_a_refused_correction_changes_nothing(client, gita, both):
    login(client, gita)
    own = both["dp3akb"]
    response = client.post(reverse("prevention-edit", args=[own.pk]), form_data(held_on=FUTURE))
    assert response.status_code == 400
    own.refresh_from_db()
    assert own.topic == "Sosialisasi di SMP Nasional KPS"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


# --- Filters and totals -------------------------------------------------------------------------


@pytest.fixture
def register(dp3akb, dinsos, fajar, ani):
    """Activities on either side of month ends, in two kecamatan, of both agencies."""
    return [
        activity(
            dp3akb, fajar, held_on=datetime.date(2025, 1, 31), boys=5, girls=6, men=0, women=1
        ),
        activity(
            dp3akb,
            fajar,
            held_on=datetime.date(2025, 2, 1),
            type=ActivityType.TRAINING,
            target_group=TargetGroup.COMMUNITY,
            region_id=BALIKPAPAN_TIMUR,
            boys=0,
            girls=0,
            men=14,
            women=22,
        ),
        activity(
            dp3akb,
            fajar,
            held_on=datetime.date(2025, 2, 28),
            target_group=TargetGroup.PESANTREN,
            region_id=MANGGAR,
            boys=40,
            girls=36,
            men=6,
            women=4,
        ),
        activity(
            dinsos, ani, held_on=datetime.date(2025, 2, 14), men=12, women=16, boys=0, girls=0
        ),
    ]


def totals(client, **filters) -> dict:
    return client.get(reverse("prevention-list"), filters).context["totals"]


def test_the_filters_and_the_totals_row(client, fajar, dinsos, register):
    login(client, fajar)
    february = totals(client, month="2025-02")
    assert february == {"activities": 3, "boys": 40, "girls": 36, "men": 32, "women": 42}
    assert totals(client, date_from="2025-01-31", date_to="2025-02-01")["activities"] == 2
    assert totals(client, type=ActivityType.TRAINING) == {
        "activities": 1,
        "boys": 0,
        "girls": 0,
        "men": 14,
        "women": 22,
    }
    assert totals(client, target_group=TargetGroup.PESANTREN)["boys"] == 40
    # The kecamatan itself and its kelurahan both count.
    assert totals(client, district=BALIKPAPAN_TIMUR)["activities"] == 2
    assert totals(client, month="2025-02", agency=dinsos.pk)["men"] == 12
    page = client.get(reverse("prevention-list"), {"month": "2025-02"}).content.decode()
    assert 'data-testid="totals-row"' in page


def test_a_reversed_period_is_shown_as_an_error(client, fajar, register):
    login(client, fajar)
    page = client.get(
        reverse("prevention-list"), {"date_from": "2025-03-01", "date_to": "2025-01-01"}
    )
    assert page.context["filter_form"].errors["date_to"]
    assert translated("The end of the period comes before its start.") in page.content.decode()


def test_the_list_is_paginated_and_keeps_its_filters(client, gita, dp3akb):
    for day in range(1, 28):
        activity(dp3akb, gita, held_on=datetime.date(2025, 3, day))
    login(client, gita)
    first = client.get(reverse("prevention-list"), {"month": "2025-03"})
    assert len(first.context["activities"]) == 25
    assert first.context["totals"]["activities"] == 27
    assert "month=2025-03&amp;page=2" in first.content.decode()
    second = client.get(reverse("prevention-list"), {"month": "2025-03", "page": 2})
    assert len(second.context["activities"]) == 2


@pytest.mark.parametrize("rows", [1, 6])
def test_the_list_query_count_is_fixed(
    client, fajar, dp3akb, dinsos, ani, django_assert_num_queries, rows
):
    for number in range(rows):
        activity(
            dp3akb if number % 2 else dinsos, fajar, region_id=MANGGAR if number % 3 else PRAPATAN
        )
    login(client, fajar)
    # user with membership and roles (session cached); kecamatan and agency choices; page (one
    # row more than shown, instead of a count), totals; unread notifications
    with django_assert_num_queries(6):
        response = client.get(reverse("prevention-list"), {"district": "64.71.06"})
    assert len(response.context["activities"]) == sum(1 for n in range(rows) if not n % 3)


# --- Export -------------------------------------------------------------------------------------


def test_the_csv_export_is_the_filtered_list_and_is_audited(client, fajar, register):
    login(client, fajar)
    response = client.get(reverse("prevention-list"), {"month": "2025-02", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="kegiatan-pencegahan-')
    header, *rows = csv_rows(response)
    assert len(header) == 14
    assert sorted(row[0] for row in rows) == ["2025-02-01", "2025-02-14", "2025-02-28"]
    pesantren = next(row for row in rows if row[0] == "2025-02-28")
    assert pesantren[5:7] == ["Balikpapan Timur", "Manggar"]
    assert pesantren[8:13] == ["40", "36", "6", "4", "86"]
    audit = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (audit.actor, audit.object_type) == (fajar, ACTIVITY)
    assert "format:csv" in audit.fields


def test_the_xlsx_export_reads_back_in_a_spreadsheet(client, ani, register):
    login(client, ani)
    response = client.get(reverse("prevention-list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1  # Dinas Sosial's only; DP3AKB's stay out
    assert rows[0][0].date() == datetime.date(2025, 2, 14)
    assert rows[0][1] == "Dinsos" and rows[0][10:13] == (12, 16, 28)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert audit.actor == ani and "format:xlsx" in audit.fields


# --- Monthly progress ---------------------------------------------------------------------------


def test_monthly_progress_counts_each_month_to_its_last_day(dp3akb, dinsos, fajar, register):
    activity(dp3akb, fajar, held_on=datetime.date(2024, 12, 31))  # before the window
    activity(dp3akb, fajar, held_on=datetime.date(2025, 4, 1))  # after it
    PreventionTarget.objects.create(
        agency=dp3akb, starts_on=month(2025, 2), per_month=3, set_by=fajar
    )
    months = [month(2025, 1), month(2025, 2), month(2025, 3)]
    rows = monthly_progress(
        agencies=[dp3akb, dinsos], months=months, activities=PreventionActivity.objects.all()
    )
    dp3akb_row, dinsos_row = rows
    january, february, march = dp3akb_row.months
    assert (january.activities, january.target, january.percent) == (1, 4, 25)
    assert (january.children, january.adults) == (11, 1)
    assert (february.activities, february.target, february.percent, february.met) == (
        2,
        3,
        67,
        False,
    )
    assert (february.boys, february.girls, february.men, february.women) == (40, 36, 20, 26)
    assert february.participants == 122
    assert (march.activities, march.target, march.percent) == (0, 3, 0)
    assert [m.activities for m in dinsos_row.months] == [0, 1, 0]
    assert [m.target for m in dinsos_row.months] == [DEFAULT_MONTHLY_TARGET] * 3
    assert (dp3akb_row.activities, dp3akb_row.participants) == (3, 134)


def test_monthly_progress_reads_only_the_activities_it_is_given(dp3akb, dinsos, ani, register):
    months = [month(2025, 1), month(2025, 2)]
    rows = monthly_progress(
        agencies=[dp3akb, dinsos],
        months=months,
        activities=PreventionActivity.objects.visible_to(ani),
    )
    assert [m.activities for m in rows[0].months] == [0, 0]
    assert [m.activities for m in rows[1].months] == [0, 1]


def test_monthly_progress_runs_a_fixed_number_of_queries(
    dp3akb, dinsos, fajar, register, django_assert_num_queries
):
    months = last_months(12, today=datetime.date(2025, 6, 15))
    assert (months[0], months[-1]) == (month(2024, 7), month(2025, 6))
    with django_assert_num_queries(3):  # agencies, monthly totals, targets
        rows = monthly_progress(
            agencies=Agency.objects.filter(pk__in=[dp3akb.pk, dinsos.pk]),
            months=months,
            activities=PreventionActivity.objects.all(),
        )
    assert sum(row.activities for row in rows) == 4


def test_last_months_cross_the_year(dp3akb):
    assert last_months(3, today=datetime.date(2026, 2, 28)) == [
        month(2025, 12),
        month(2026, 1),
        month(2026, 2),
    ]


def test_a_target_from_this_month_does_not_rewrite_earlier_months(dp3akb, dewi, fajar):
    this_month = agency_today(dp3akb).replace(day=1)
    months = last_months(4, today=this_month)
    PreventionTarget.objects.create(agency=dp3akb, starts_on=months[1], per_month=3, set_by=dewi)
    prevention_target_set(agency=dp3akb, per_month=6, starts_on=this_month, set_by=fajar)
    (row,) = monthly_progress(
        agencies=[dp3akb], months=months, activities=PreventionActivity.objects.all()
    )
    assert [m.target for m in row.months] == [DEFAULT_MONTHLY_TARGET, 3, 3, 6]
    # Setting the same month again changes that month's row, and is audited each time.
    prevention_target_set(agency=dp3akb, per_month=5, starts_on=this_month, set_by=dewi)
    assert PreventionTarget.objects.get(agency=dp3akb, starts_on=this_month).per_month == 5
    actions = AuditEvent.objects.filter(object_type=TARGET).values_list("action", flat=True)
    assert sorted(actions) == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]


def test_past_months_keep_their_target(dp3akb, dewi):
    last_month = (agency_today(dp3akb).replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    with pytest.raises(ValidationError) as refused:
        prevention_target_set(agency=dp3akb, per_month=9, starts_on=last_month, set_by=dewi)
    assert "starts_on" in refused.value.message_dict
    assert not PreventionTarget.objects.exists()


@pytest.mark.parametrize("username", ["ani", "gita", "hadi"])
def test_only_the_head_supervisor_or_coordinator_sets_the_target(request, username, dinsos, dp3akb):
    user = request.getfixturevalue(username)
    own = user.membership.agency
    with pytest.raises(PermissionDenied):
        prevention_target_set(
            agency=own, per_month=3, starts_on=agency_today(own).replace(day=1), set_by=user
        )


def test_a_coordinator_sets_only_the_own_agencys_target(fajar, dinsos):
    with pytest.raises(PermissionDenied):
        prevention_target_set(
            agency=dinsos, per_month=3, starts_on=agency_today(dinsos).replace(day=1), set_by=fajar
        )


def test_budi_sets_dinas_sosials_target_on_the_progress_page(client, budi, dinsos, ani):
    login(client, budi)
    page = client.get(reverse("prevention-progress"))
    assert 'data-testid="set-target"' in page.content.decode()
    this_month = agency_today(dinsos).strftime("%Y-%m")
    response = client.post(
        reverse("prevention-progress"), {"starts_on": this_month, "per_month": "2"}
    )
    assert response.status_code == 302
    (row,) = client.get(reverse("prevention-progress")).context["rows"]
    assert row.months[-1].target == 2 and row.months[0].target == DEFAULT_MONTHLY_TARGET
    audit = AuditEvent.objects.get(object_type=TARGET)
    assert (audit.actor, audit.action) == (budi, AuditEvent.Action.CREATE)


def test_a_bad_target_is_refused_on_the_page(client, budi, dinsos):
    login(client, budi)
    past = (agency_today(dinsos).replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    refused = client.post(reverse("prevention-progress"), {"starts_on": past, "per_month": "2"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["starts_on"]
    zero = client.post(
        reverse("prevention-progress"),
        {"starts_on": agency_today(dinsos).strftime("%Y-%m"), "per_month": "0"},
    )
    assert zero.status_code == 400 and zero.context["form"].errors["per_month"]
    assert not PreventionTarget.objects.exists()


def test_others_see_progress_but_no_target_form_and_cannot_post_one(client, ani):
    login(client, ani)
    page = client.get(reverse("prevention-progress"))
    assert page.context["form"] is None
    assert 'data-testid="set-target"' not in page.content.decode()
    this_month = agency_today(None).strftime("%Y-%m")
    response = client.post(
        reverse("prevention-progress"), {"starts_on": this_month, "per_month": "9"}
    )
    assert response.status_code == 404
    assert not PreventionTarget.objects.exists()


def test_the_progress_page_shows_count_against_target(client, gita, dp3akb):
    today = agency_today(dp3akb)
    for day in {1, today.day}:
        activity(dp3akb, gita, held_on=today.replace(day=day))
    expected = len({1, today.day})
    login(client, gita)
    page = client.get(reverse("prevention-progress"))
    (row,) = page.context["rows"]
    assert len(row.months) == 6 and row.months[-1].activities == expected
    html = page.content.decode()
    assert f"{expected} / {DEFAULT_MONTHLY_TARGET}" in html
    assert f'<progress class="w-100" max="4" value="{expected}"' in html


@pytest.mark.parametrize("agencies", [1, 4])
def test_the_progress_page_query_count_is_fixed(
    client, fajar, dp3akb, django_assert_num_queries, agencies
):
    for number in range(agencies):
        agency = AgencyFactory()
        for _activity in range(number + 1):
            activity(agency, fajar)
        PreventionTarget.objects.create(
            agency=agency, starts_on=month(2025, 1), per_month=number + 1, set_by=fajar
        )
    login(client, fajar)
    # user with membership and roles (session cached); agencies, monthly totals, targets;
    # unread notifications
    with django_assert_num_queries(5):
        response = client.get(reverse("prevention-progress"))
    assert len(response.context["rows"]) == agencies + 1  # and DP3AKB itself


def test_progress_agencies_of_a_coordinator_include_those_with_a_target(fajar, dp3akb, uptd_ppa):
    months = last_months()
    assert list(progress_agencies_for(fajar, months)) == [dp3akb]
    PreventionTarget.objects.create(
        agency=uptd_ppa, starts_on=month(2025, 1), per_month=2, set_by=fajar
    )
    assert set(progress_agencies_for(fajar, months)) == {dp3akb, uptd_ppa}


# --- Demo ---------------------------------------------------------------------------------------


def test_the_demo_seeder_adds_a_few_months_of_prevention_work_once(dp3akb, dinsos):
    added = demo_prevention_seed()
    assert added == PreventionActivity.objects.count() > 0
    assert demo_prevention_seed() == 0
    assert PreventionActivity.objects.count() == added
    targets = dict(PreventionTarget.objects.values_list("agency__nomenclature", "per_month"))
    assert targets == {"DP3AKB": 4, "Dinsos": 2}
    months = last_months(4, today=agency_today(dp3akb))
    (dp3akb_row, dinsos_row) = monthly_progress(
        agencies=[dp3akb, dinsos], months=months, activities=PreventionActivity.objects.all()
    )
    # Full months: DP3AKB 4 to 5 sessions, Dinas Sosial 2 to 3.
    assert all(m.activities in (4, 5) for m in dp3akb_row.months[:-1])
    assert all(m.activities in (2, 3) for m in dinsos_row.months[:-1])
    assert all(m.target == 4 for m in dp3akb_row.months)
    regions = set(PreventionActivity.objects.values_list("region_id", flat=True))
    assert all(code.startswith("64.71.") for code in regions) and len(regions) > 5
    latest = PreventionActivity.objects.order_by("-held_on").first().held_on
    assert latest <= agency_today(dp3akb)
    assert (
        AuditEvent.objects.filter(object_type=ACTIVITY, action=AuditEvent.Action.CREATE).count()
        == added
    )
