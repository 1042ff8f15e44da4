"""Complaints over the API: a hotline system records them for its agency and reads its
agency's; intake officers triage; the public files one anonymously, throttled, and
gets only a tracking code."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import ApiClient
from api.models import IdempotencyKey
from cases.intake import complaint_receive
from cases.models import AuditEvent, Case, Complaint
from cases.services import case_open

pytestmark = pytest.mark.django_db

CHILD = "Anak Hotline Rahasia"
NIK = "6471014302140001"
NARRATIVE = "Tetangga melihat anak dipukul."


def hotline_call(**overrides) -> dict:
    data = {
        "channel": "telepon",
        "risk_level": "tinggi",
        "narrative": NARRATIVE,
        "violence_forms": ["fisik"],
        "incident_village": "64.71.01.1001",
        "incident_address": "Jl. Contoh No. 1",
        "reporter_is_anonymous": False,
        "children": [{"name": CHILD, "nik": NIK, "sex": "P", "birth_date": "2014-02-03"}],
        "perpetrators": [{"name": "Terlapor Rahasia", "relationship": "tetangga"}],
        "reporter": {"name": "Pelapor Rahasia", "phone": "0812"},
    }
    data.update(overrides)
    return data


def bearer(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def hotline(api, partner_token, dinsos):
    """Dinas Sosial's hotline system, registered as an intake officer."""
    return bearer(api, partner_token(dinsos, roles=("intake",)))


def received(user, narrative=NARRATIVE) -> Complaint:
    complaint = Complaint(channel="telepon", risk_level="sedang", narrative=narrative)
    return complaint_receive(received_by=user, complaint=complaint, children=[{"name": CHILD}])


# --- Staff intake --------------------------------------------------------------------


def test_a_hotline_records_a_complaint_and_gets_no_identity_back(hotline, dinsos):
    response = hotline.post("/api/v1/complaints/", hotline_call(), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "diterima" and data["children"][0]["pseudonym"].startswith("AH")
    body = response.content.decode()
    for secret in (CHILD, NIK, "Terlapor", "Pelapor", "Jl. Contoh", NARRATIVE, "64.71.01.1001"):
        assert secret not in body
    assert data["incident_district"] == "64.71.01"  # the village is below the kecamatan
    complaint = Complaint.objects.get()
    assert (complaint.agency, complaint.channel) == (dinsos, "telepon")
    assert complaint.reporter.name == "Pelapor Rahasia"
    assert complaint.parties.get(part="terlapor").relationship == "tetangga"
    event = AuditEvent.objects.get(action="create", object_type="cases.complaint")
    assert event.actor == ApiClient.objects.get(agency=dinsos).user and event.agency == dinsos


def test_a_retry_with_the_same_key_records_one_complaint(hotline):
    first = hotline.post(
        "/api/v1/complaints/", hotline_call(), format="json", HTTP_IDEMPOTENCY_KEY="call-7"
    )
    again = hotline.post(
        "/api/v1/complaints/", hotline_call(), format="json", HTTP_IDEMPOTENCY_KEY="call-7"
    )
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Complaint.objects.count() == 1
    kept = b"".join(bytes(row.body) for row in IdempotencyKey.objects.all())
    assert NARRATIVE.encode() not in kept and CHILD.encode() not in kept


def test_bad_intake_is_refused_field_by_field_in_english(hotline):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = hotline_call(children=[], risk_level="x", incident_village="99")
    response = hotline.post("/api/v1/complaints/", data, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["risk_level"] == ['"x" is not a valid choice.']
    assert set(fields) == {"children", "risk_level", "incident_village"}
    child = {"name": "x", "birth_date": future, "nik": "123"}
    data = hotline_call(children=[{"sex": "L"}, child])
    response = hotline.post("/api/v1/complaints/", data, format="json")
    assert response.status_code == 400 and Complaint.objects.count() == 0
    assert set(response.json()["error"]["fields"]) == {"children.1.birth_date", "children.1.nik"}
    # The model's own rules come back as field errors too, with nothing kept.
    late = hotline_call(incident_date=future)
    response = hotline.post("/api/v1/complaints/", late, format="json")
    assert set(response.json()["error"]["fields"]) == {"incident_date"}
    assert Complaint.objects.count() == 0


def test_who_may_record_and_read(api, partner_token, dinsos, rina, dewi):
    bearer(api, partner_token(dinsos, roles=("data_officer",)))
    assert api.post("/api/v1/complaints/", hotline_call(), format="json").status_code == 403
    assert api.get("/api/v1/complaints/").status_code == 403
    bearer(api, partner_token(dinsos, roles=("intake",), scopes=("read",)))
    assert api.post("/api/v1/complaints/", hotline_call(), format="json").status_code == 403
    api.credentials()
    assert api.post("/api/v1/complaints/", hotline_call(), format="json").status_code == 401
    assert api.get("/api/v1/complaints/").status_code == 401
    api.force_login(rina)  # a community reporter follows her reports on the web only
    assert api.get("/api/v1/complaints/").status_code == 403
    assert Complaint.objects.count() == 0


# --- Reading -------------------------------------------------------------------------


def test_an_agency_reads_its_own_complaints_only(
    api, partner_token, hotline, hadi, citra, uptd_ppa
):
    own = received(hadi)
    theirs = received(citra)
    rows = hotline.get("/api/v1/complaints/").json()["results"]
    assert [row["id"] for row in rows] == [own.pk]
    assert hotline.get(f"/api/v1/complaints/{theirs.pk}/").status_code == 404
    assert (
        hotline.post(f"/api/v1/complaints/{theirs.pk}/close/", {"reason": "x"}).status_code == 404
    )
    bearer(api, partner_token(uptd_ppa))
    assert [row["id"] for row in api.get("/api/v1/complaints/").json()["results"]] == [theirs.pk]
    assert api.get(f"/api/v1/complaints/{own.pk}/").status_code == 404


def test_the_detail_shows_what_happened_and_the_read_is_audited(hotline, hadi, dinsos):
    complaint = received(hadi)
    response = hotline.get(f"/api/v1/complaints/{complaint.pk}/")
    assert response.json()["narrative"] == NARRATIVE
    assert CHILD not in response.content.decode()
    event = AuditEvent.objects.get(action="view", object_id=str(complaint.pk))
    assert event.agency == dinsos and event.object_type == "cases.complaint"


def test_complaint_list_has_a_fixed_query_count(hotline, hadi):
    for number in range(25):
        received(hadi, narrative=f"Laporan {number}")
    hotline.get("/api/v1/complaints/")
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            response = hotline.get("/api/v1/complaints/", {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_list_filters_by_triage_and_dates(hotline, hadi, budi):
    waiting, closed = received(hadi), received(hadi)
    hotline.credentials()
    hotline.force_login(budi)
    closing = hotline.post(f"/api/v1/complaints/{closed.pk}/close/", {"reason": "Bukan kasus"})
    assert closing.status_code == 200

    def ids(**params):
        return [row["id"] for row in hotline.get("/api/v1/complaints/", params).json()["results"]]

    assert ids(awaiting_triage=True) == [waiting.pk]
    assert ids(awaiting_triage=False) == ids(outcome="bukan_kasus") == [closed.pk]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert hotline.get("/api/v1/complaints/", {"received_after": tomorrow}).json()["results"] == []
    assert hotline.get("/api/v1/complaints/", {"channel": "nope"}).status_code == 400


# --- Triage --------------------------------------------------------------------------


def test_triage_attaches_or_closes_as_the_web_does(api, hadi, budi, ani, dinsos, partner_token):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    first, second = received(hadi), received(hadi)
    bearer(api, partner_token(dinsos, roles=("caseworker",)))
    assert (
        api.post(f"/api/v1/complaints/{first.pk}/attach/", {"case": case.code}).status_code == 403
    )
    bearer(api, partner_token(dinsos))
    missing = api.post(
        f"/api/v1/complaints/{first.pk}/attach/",
        {"case": "BPN-1999-00001"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert missing.json()["error"]["fields"] == {
        "case": ["No case with that code that you may change."]
    }
    attached = api.post(f"/api/v1/complaints/{first.pk}/attach/", {"case": case.code})
    assert attached.status_code == 200 and attached.json()["case"] == case.code
    assert case.parties.filter(part="anak").count() == 1
    closed = api.post(f"/api/v1/complaints/{second.pk}/close/", {"reason": "Salah sambung"})
    assert closed.json()["outcome"] == "bukan_kasus" and closed.json()["status"] == "selesai"
    again = api.post(f"/api/v1/complaints/{second.pk}/close/", {"reason": "Lagi"})
    assert again.status_code == 400
    assert Case.objects.count() == 1


# --- The public ----------------------------------------------------------------------


def public_report(**overrides) -> dict:
    data = {
        "narrative": "Saya mendengar anak tetangga sering dipukul.",
        "village": "64.71.01.1001",
        "child_sex": "P",
        "child_age": 8,
        "anonymous": True,
    }
    data.update(overrides)
    return data


def test_anyone_files_a_public_complaint_and_gets_only_a_code(api, uptd_ppa):
    response = api.post(
        "/api/v1/complaints/public/",
        public_report(),
        format="json",
        HTTP_IDEMPOTENCY_KEY="public-1",
    )
    assert response.status_code == 201
    assert set(response.json()) == {"tracking_code"}
    complaint = Complaint.objects.get()
    assert (complaint.agency, complaint.channel, complaint.filed_by) == (uptd_ppa, "web", None)
    assert complaint.reporter is None and complaint.reporter_is_anonymous
    assert not IdempotencyKey.objects.exists()  # the code is never kept in clear


def test_a_public_complaint_names_its_reporter_unless_anonymous(api):
    data = public_report(anonymous=False, reporter_name="Ibu Rahasia", reporter_phone="0813")
    assert api.post("/api/v1/complaints/public/", data, format="json").status_code == 201
    assert Complaint.objects.get().reporter.name == "Ibu Rahasia"


def test_the_public_path_is_throttled_per_address(api):
    answers = [
        api.post("/api/v1/complaints/public/", public_report(), format="json").status_code
        for _ in range(11)
    ]
    assert answers == [201] * 10 + [429]
    refused = api.post("/api/v1/complaints/public/", public_report(), format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "throttled"
    other = api.post(
        "/api/v1/complaints/public/", public_report(), format="json", REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 201 and Complaint.objects.count() == 11


def test_the_public_path_ignores_credentials_and_checks_its_input(api, partner_token, dinsos):
    bearer(api, partner_token(dinsos))
    data = public_report(village="64.71.01", child_age=30, narrative="")
    response = api.post(
        "/api/v1/complaints/public/", data, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"village", "child_age", "narrative"}
    assert fields["village"] == ["Choose a region from the list, down to the last level."]
    assert api.post("/api/v1/complaints/public/", public_report(), format="json").status_code == 201
    assert Complaint.objects.get().filed_by is None


def test_only_the_public_post_is_anonymous(api):
    assert api.get("/api/v1/complaints/public/").status_code == 405
    assert api.get("/api/v1/complaints/").status_code == 401
    assert api.get("/api/v1/cases/").status_code == 401
