"""Community network members: the register, logins for members, and area coverage.

The cast: ``fajar`` (coordinator, DP3AKB) and ``budi`` (supervisor, Dinas Sosial) keep
their agencies' registers; ``ani`` (caseworker) reads the city's register; ``rina``
(community) and ``eko`` (admin) have no part in it. Kota Balikpapan is 64.71.
"""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency, NetworkMember, User
from agencies.roles import roles_of
from cases.models import AuditEvent
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

MANGGAR = "64.71.01.1001"  # a kelurahan of Balikpapan Timur
BALIKPAPAN_TIMUR = "64.71.01"
BALIKPAPAN_BARAT = "64.71.02"
SAMARINDA_KELURAHAN_PREFIX = "64.72."


@pytest.fixture
def dp3akb(db):
    return Agency.objects.get(nomenclature="DP3AKB")


def member(agency, **fields) -> NetworkMember:
    values = {"type": "psm", "name": "Ibu Siti (PSM)", "area_id": MANGGAR, "phone": "0812"}
    values.update(fields)
    return NetworkMember.objects.create(coordinating_agency=agency, **values)


def form_data(**changes):
    data = {
        "type": "patbm",
        "name": "Pak Joko (PATBM)",
        "area": MANGGAR,
        "phone": "0812 5555 0001",
        "email": "",
        "note": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_coordinator_records_a_member_and_it_is_audited(client, fajar, dp3akb):
    client.force_login(fajar)
    response = client.post(reverse("network-member-create"), form_data())
    assert response.status_code == 302
    recorded = NetworkMember.objects.get()
    assert recorded.coordinating_agency == dp3akb and recorded.area_id == MANGGAR
    assert AuditEvent.objects.filter(
        action="create", object_type="agencies.networkmember", object_id=str(recorded.pk)
    ).exists()


def _samarinda_village() -> str:
    from agencies.models import Region

    return (
        Region.objects.filter(code__startswith=SAMARINDA_KELURAHAN_PREFIX, level=4)
        .values_list("code", flat=True)
        .first()
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"area": "64.71"}, "area"),  # the whole city is not an area
        ({"area": "samarinda"}, "area"),  # another city's kelurahan
        ({"phone": "", "email": ""}, "phone"),
        ({"type": "wizard"}, "type"),
        ({"name": ""}, "name"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(client, fajar, changes, field):
    if changes.get("area") == "samarinda":
        changes = {"area": _samarinda_village()}
    client.force_login(fajar)
    response = client.post(reverse("network-member-create"), form_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not NetworkMember.objects.exists()


def test_the_city_network_reads_the_register_and_another_city_never_does(
    client, ani, citra, dp3akb
):
    ours = member(dp3akb)
    samarinda = AgencyFactory(regency_id="64.72")
    theirs = member(samarinda, name="Anggota Samarinda", area_id=_samarinda_village())
    for user in (ani, citra):
        client.force_login(user)
        page = client.get(reverse("network-member-list")).content.decode()
        assert ours.name in page and theirs.name not in page
        export = client.get(reverse("network-member-list"), {"format": "csv"})
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert ours.name in text and theirs.name not in text


def test_people_outside_the_network_are_refused(client, rina, eko):
    for user in (rina, eko):
        client.force_login(user)
        assert client.get(reverse("network-member-list")).status_code == 403
        assert client.get(reverse("network-coverage")).status_code == 403
        assert client.get(reverse("network-member-create")).status_code == 403


def test_only_the_coordinating_agencys_keepers_change_a_member(client, ani, budi, fajar, dp3akb):
    recorded = member(dp3akb)
    edit = reverse("network-member-edit", args=[recorded.pk])
    client.force_login(ani)  # caseworker: reads, never keeps
    assert client.get(edit).status_code == 404
    assert client.get(reverse("network-member-create")).status_code == 404
    client.force_login(budi)  # supervisor of another agency
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(name="Diubah")).status_code == 404
    client.force_login(fajar)
    assert client.post(edit, form_data(name="Diubah")).status_code == 302
    recorded.refresh_from_db()
    assert recorded.name == "Diubah"


def test_a_member_gets_a_community_login_and_loses_it_when_made_inactive(
    client, fajar, dp3akb, django_capture_on_commit_callbacks
):
    recorded = member(dp3akb, email="siti@example.invalid")
    client.force_login(fajar)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("network-member-login", args=[recorded.pk]),
            {"username": "siti.psm", "email": "siti@example.invalid"},
        )
    assert response.status_code == 302
    user = User.objects.get(username="siti.psm")
    assert roles_of(user) == {"community"} and user.membership.agency == dp3akb
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert "/sandi/atur/" in message.body and "siti.psm" in message.body
    again = client.post(
        reverse("network-member-login", args=[recorded.pk]),
        {"username": "siti.lain", "email": "lain@example.invalid"},
    )
    assert again.status_code == 200 and list(again.context["messages"])
    assert not User.objects.filter(username="siti.lain").exists()
    edit = reverse("network-member-edit", args=[recorded.pk])
    client.post(edit, form_data(name=recorded.name, is_active=""))
    user.refresh_from_db()
    assert not user.is_active


def test_a_login_with_a_taken_username_is_refused(client, fajar, dp3akb, ani):
    recorded = member(dp3akb)
    client.force_login(fajar)
    response = client.post(
        reverse("network-member-login", args=[recorded.pk]),
        {"username": ani.username.upper(), "email": "baru@example.invalid"},
    )
    assert response.context["login_form"].errors["username"]
    recorded.refresh_from_db()
    assert recorded.user is None


def test_coverage_shows_which_areas_have_whom(client, ani, dp3akb, dinsos):
    member(dp3akb, type="psm", area_id=MANGGAR)
    member(dinsos, type="tksk", area_id=BALIKPAPAN_TIMUR, name="TKSK Timur")
    member(dp3akb, type="patbm", area_id=MANGGAR, is_active=False, name="Tidak aktif")
    client.force_login(ani)
    response = client.get(reverse("network-coverage"))
    areas = {area.region.code: area for area in response.context["areas"]}
    assert areas[MANGGAR].counts == {"psm": 1}
    assert areas[BALIKPAPAN_TIMUR].counts == {"psm": 1, "tksk": 1}
    assert areas[BALIKPAPAN_BARAT].counts == {}
    summary = {row["type"]: row for row in response.context["summary"]}
    assert summary["tksk"]["districts"] == 1 and summary["tksk"]["villages"] == 0
    assert summary["psm"]["districts"] == 1 and summary["psm"]["villages"] == 1
    assert summary["patbm"]["districts"] == 0  # inactive members cover nothing
    assert summary["psm"]["district_total"] == 6
    gaps = client.get(reverse("network-coverage"), {"gap": "psm"}).context["areas"]
    assert MANGGAR not in {area.region.code for area in gaps}
    assert BALIKPAPAN_BARAT in {area.region.code for area in gaps}


def test_exports_are_readable_and_audited(client, ani, dp3akb):
    member(dp3akb, name="=HYPERLINK(1)")
    client.force_login(ani)
    response = client.get(reverse("network-member-list"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][1] == "'=HYPERLINK(1)"  # never run as a formula
    assert rows[1][2] == "Balikpapan Timur" and rows[1][3] == "Manggar"
    coverage = client.get(reverse("network-coverage"), {"format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(coverage.streaming_content).decode("utf-8-sig"))))
    assert any(line[0] == MANGGAR and line[-3] == "1" for line in lines)
    assert AuditEvent.objects.filter(action="export", actor=ani).count() == 2


def test_the_list_costs_the_same_queries_for_one_or_many_members(
    client, ani, dp3akb, dinsos, django_assert_num_queries
):
    member(dp3akb)
    client.force_login(ani)
    client.get(reverse("network-member-list"))  # warm the session and the menu's counts
    with django_assert_num_queries(5):
        client.get(reverse("network-member-list"))
    for number in range(8):
        member(dinsos if number % 2 else dp3akb, name=f"Anggota {number}")
    with django_assert_num_queries(5):
        response = client.get(reverse("network-member-list"))
    assert len(response.context["members"]) == 9


def test_the_coverage_page_costs_the_same_queries_whatever_the_members(
    client, ani, dp3akb, django_assert_num_queries
):
    client.force_login(ani)
    client.get(reverse("network-coverage"))  # warm the session and the menu's counts
    with django_assert_num_queries(3):
        client.get(reverse("network-coverage"))
    for number in range(5):
        member(dp3akb, name=f"Anggota {number}", type="forum_anak")
    with django_assert_num_queries(3):
        client.get(reverse("network-coverage"))
