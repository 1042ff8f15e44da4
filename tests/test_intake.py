import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.intake import complaint_open_case
from cases.models import AuditEvent, Case, CaseParty, Complaint, Person

pytestmark = pytest.mark.django_db

NOW = timezone.localtime().replace(second=0, microsecond=0)


def intake_data(**overrides):
    data = {
        "channel": "telepon",
        "received_at": NOW.strftime("%Y-%m-%dT%H:%M"),
        "risk_level": "tinggi",
        "narrative": "Tetangga melihat anak dipukul.",
        "violence_forms": ["fisik", "seksual"],
        "tpks_offence": "pelecehan_fisik",
        "incident_date": (NOW.date() - datetime.timedelta(days=2)).isoformat(),
        "place_type": "rumah_tangga",
        "incident_village": "64.71.01.1001",
        "incident_address": "Jl. Contoh No. 1, RT 02",
        "jurisdiction": "kabkota",
        "consent_by": "wali",
        "reporter_is_anonymous": "on",
        "child-TOTAL_FORMS": "2",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "1000",
        "child-0-name": "Anak Uji Pertama",
        "child-0-sex": "P",
        "child-0-birth_date": "2014-02-03",
        "child-0-nik": "6471014302140001",
        "child-0-has_birth_certificate": "false",
        "perpetrator-TOTAL_FORMS": "1",
        "perpetrator-INITIAL_FORMS": "0",
        "perpetrator-MIN_NUM_FORMS": "0",
        "perpetrator-MAX_NUM_FORMS": "1000",
        "perpetrator-0-name": "Terlapor Uji",
        "perpetrator-0-relationship": "tetangga",
        "reporter-TOTAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_an_intake_officer_records_a_complaint_with_its_child(client, hadi):
    client.force_login(hadi)
    response = client.post("/kasus/pengaduan/baru/", intake_data())
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/kasus/pengaduan/{complaint.pk}/"
    assert complaint.parties.filter(part="anak").get().person.name == "Anak Uji Pertama"
    assert complaint.parties.filter(part="terlapor").get().relationship == "tetangga"
    assert complaint.reporter is None and complaint.reporter_is_anonymous
    assert AuditEvent.objects.filter(action="create", object_type="cases.complaint").exists()


def test_the_intake_form_renders_for_a_caseworker(client, ani):
    client.force_login(ani)
    html = client.get("/kasus/pengaduan/baru/").content.decode()
    assert 'name="child-0-name"' in html and "data-region-picker" in html


@pytest.mark.parametrize("username", ["dewi", "gita", "eko", "rina"])
def test_other_roles_cannot_record_complaints(client, username, django_user_model):
    client.force_login(django_user_model.objects.get(username=username))
    assert client.get("/kasus/pengaduan/baru/").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "where"),
    [
        ({"child-0-birth_date": "2999-01-01"}, ("child", "birth_date")),
        ({"child-0-nik": "12345"}, ("child", "nik")),
        ({"incident_date": "2999-01-01"}, ("form", "incident_date")),
        (
            {"violence_forms": ["fisik"], "tpks_offence": "pelecehan_fisik"},
            ("form", "tpks_offence"),
        ),
        ({"received_at": "2999-01-01T10:00"}, ("form", "received_at")),
        (
            {
                "child-0-name": "",
                "child-0-sex": "",
                "child-0-birth_date": "",
                "child-0-nik": "",
                "child-0-has_birth_certificate": "unknown",
            },
            ("children", None),
        ),
    ],
)
def test_bad_input_gets_a_field_error_and_saves_nothing(client, hadi, overrides, where):
    client.force_login(hadi)
    response = client.post("/kasus/pengaduan/baru/", intake_data(**overrides))
    assert response.status_code == 400
    form_name, field = where
    if form_name == "child":
        assert field in response.context["children"].forms[0].errors
    elif form_name == "form":
        assert field in response.context["form"].errors
    else:
        assert response.context["children"].non_form_errors()
    assert not Complaint.objects.exists() and not Person.objects.exists()


def _received(hadi) -> Complaint:
    from django.test import Client

    client = Client()
    client.force_login(hadi)
    client.post("/kasus/pengaduan/baru/", intake_data())
    return Complaint.objects.get()


def test_triage_opens_a_case_with_the_complaints_facts(client, hadi, budi, ani):
    complaint = _received(hadi)
    client.force_login(budi)
    response = client.post(f"/kasus/pengaduan/{complaint.pk}/buka/", {"lead_caseworker": ani.pk})
    case = Case.objects.get()
    assert response.headers["Location"] == f"/kasus/{case.code}/"
    assert case.lead_caseworker == ani and case.risk_level == "tinggi"
    assert set(case.violence_forms.values_list("form", flat=True)) == {"fisik", "seksual"}
    assert case.tpks_police_deadline() == case.reported_at + datetime.timedelta(hours=72)
    assert case.parties.filter(part=CaseParty.Part.REPORTER, is_anonymous=True).exists()
    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.case) == ("dibuka", case)


def test_a_complaint_is_triaged_once(client, hadi, ani):
    complaint = _received(hadi)
    complaint_open_case(complaint=complaint, triaged_by=hadi)
    client.force_login(hadi)
    client.post(f"/kasus/pengaduan/{complaint.pk}/tolak/", {"reason": "duplikat"})
    complaint.refresh_from_db()
    assert complaint.outcome == "dibuka"
    assert Case.objects.count() == 1


def test_closing_as_not_a_case_needs_a_reason(client, hadi):
    complaint = _received(hadi)
    client.force_login(hadi)
    client.post(f"/kasus/pengaduan/{complaint.pk}/tolak/", {"reason": " "})
    complaint.refresh_from_db()
    assert complaint.outcome == ""
    client.post(f"/kasus/pengaduan/{complaint.pk}/tolak/", {"reason": "Bukan kasus anak"})
    complaint.refresh_from_db()
    assert complaint.outcome == "bukan_kasus"


def test_a_caseworker_may_record_but_not_triage(client, hadi, ani):
    complaint = _received(hadi)
    client.force_login(ani)
    assert client.post(f"/kasus/pengaduan/{complaint.pk}/buka/").status_code == 403
    assert not Case.objects.exists()


def test_another_agency_cannot_see_or_triage_the_complaint(client, hadi, citra):
    complaint = _received(hadi)
    client.force_login(citra)
    assert client.get(f"/kasus/pengaduan/{complaint.pk}/").status_code == 404
    assert client.post(f"/kasus/pengaduan/{complaint.pk}/buka/").status_code == 404
    assert (
        f"/kasus/pengaduan/{complaint.pk}/" not in client.get("/kasus/pengaduan/").content.decode()
    )


def test_attach_only_to_a_case_the_triager_may_change(client, hadi, budi, uptd_ppa, citra):
    from cases.services import case_open

    other = case_open(opened_by=citra, agency=uptd_ppa, reported_at=NOW, risk_level="rendah")
    complaint = _received(hadi)
    client.force_login(budi)
    response = client.post(
        f"/kasus/pengaduan/{complaint.pk}/gabung/", {"case_code": other.code}, follow=True
    )
    complaint.refresh_from_db()
    assert complaint.outcome == ""
    assert "Tidak ada kasus dengan kode tersebut" in response.content.decode()


def test_the_duplicate_check_names_only_the_agency_and_the_case_code(
    client, hadi, budi, citra, uptd_ppa
):
    earlier = _received(hadi)
    case = complaint_open_case(complaint=earlier, triaged_by=hadi)
    Case.objects.filter(pk=case.pk).update(lead_agency=uptd_ppa)
    again = intake_data(**{"child-0-name": "Someone Else Entirely"})
    client.force_login(hadi)
    client.post("/kasus/pengaduan/baru/", again)  # same NIK, other name
    second = Complaint.objects.exclude(pk=earlier.pk).get()
    html = client.get(f"/kasus/pengaduan/{second.pk}/").content.decode()
    assert "UPTD PPA" in html and case.code in html
    assert "Anak Uji Pertama" not in html and "Tetangga melihat" in html


def test_the_inbox_runs_a_fixed_number_of_queries(client, hadi):
    client.force_login(hadi)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/kasus/pengaduan/").status_code == 200
        return len(queries)

    _received(hadi)
    count()  # the menu's counts, kept from here on (agencies.menu_counts)
    one = count()
    for _complaint in range(4):
        _received_again(hadi)
    assert count() == one


def _received_again(hadi):
    from django.test import Client

    client = Client()
    client.force_login(hadi)
    client.post("/kasus/pengaduan/baru/", intake_data())


def test_an_intake_officer_who_hands_the_case_on_returns_to_the_inbox(client, hadi, ani):
    complaint = _received(hadi)
    client.force_login(hadi)
    response = client.post(f"/kasus/pengaduan/{complaint.pk}/buka/", {"lead_caseworker": ani.pk})
    assert response.headers["Location"] == "/kasus/pengaduan/"
    assert Case.objects.visible_to(ani).count() == 1


def test_a_high_risk_case_gets_outreach_planned_before_any_assessment(hadi, ani):
    from cases.models import ServiceRecord

    complaint = _received(hadi)  # intake_data is high risk
    case = complaint_open_case(complaint=complaint, triaged_by=hadi, lead_caseworker=ani)
    outreach = ServiceRecord.objects.get(case=case)
    assert outreach.service_type == "penjangkauan" and outreach.status == "direncanakan"
    assert outreach.due_at <= timezone.now() + datetime.timedelta(hours=12)
    assert case.status == "baru"


def test_a_child_known_by_nik_keeps_one_record_across_cases(client, hadi, budi):
    first = complaint_open_case(complaint=_received(hadi), triaged_by=budi)
    second_complaint = _received_new(hadi)
    second = complaint_open_case(complaint=second_complaint, triaged_by=budi)
    child_of = lambda case: case.parties.get(part="anak").person_id  # noqa: E731
    assert child_of(first) == child_of(second)


def test_a_child_is_not_linked_to_a_record_the_triager_cannot_see(hadi, uptd_ppa, budi):
    first = complaint_open_case(complaint=_received(hadi), triaged_by=hadi)
    Case.objects.filter(pk=first.pk).update(lead_agency=uptd_ppa)
    second = complaint_open_case(complaint=_received_new(hadi), triaged_by=budi)
    assert first.parties.get(part="anak").person_id != second.parties.get(part="anak").person_id


def _received_new(hadi) -> Complaint:
    from django.test import Client

    client = Client()
    client.force_login(hadi)
    client.post("/kasus/pengaduan/baru/", intake_data(**{"child-0-name": "Nama Lain"}))
    return Complaint.objects.order_by("-pk").first()
