"""The partner API over cases and their people: the web's visibility, sections, versions
and workflow, for partner systems and signed-in browsers alike.

The cast: a Dinas Sosial case led by ``ani``, supervised by ``budi``; ``citra`` and
``sari`` work at UPTD PPA, which sees nothing of it unless a referral shares sections.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.api_clients import api_client_revoke
from agencies.models import ApiClient
from api.models import IdempotencyKey
from cases.intake import complaint_receive
from cases.models import (
    Assessment,
    AuditEvent,
    Case,
    CaseNote,
    CaseParty,
    CaseViolenceForm,
    Complaint,
    Person,
)
from cases.services import case_open
from referrals import services as referrals
from referrals.services import Consent, ReferralRequest, Summary
from tests.factories import member_of

pytestmark = pytest.mark.django_db

CHILD = "Anak Rahasia Kasus"
NIK = "6471014302140001"
CHRONOLOGY = "Kronologi-rahasia di rumah"
ASSESSMENT = "Asesmen-rahasia trauma"
NOTE = "Catatan-rahasia kunjungan"


def add_child(case, name=CHILD, nik=NIK):
    child = Person.objects.create(name=name, nik=nik, sex="P", birth_date=datetime.date(2014, 2, 3))
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)


@pytest.fixture
def case(dinsos, hadi, ani):
    """A Dinas Sosial case led by ani, with something in several sections."""
    case = case_open(
        opened_by=hadi,
        agency=dinsos,
        reported_at=timezone.now(),
        risk_level="sedang",
        chronology=CHRONOLOGY,
    )
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    add_child(case)
    Assessment.objects.create(case=case, condition=ASSESSMENT, needs="x", written_by=ani)
    CaseNote.objects.create(case=case, text=NOTE, written_by=ani)
    return Case.objects.get(pk=case.pk)


def bearer(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def signed_in(api, user):
    api.force_login(user)
    return api


def url(case, tail=""):
    return f"/api/v1/cases/{case.code}/{tail}"


def etag(api, case):
    return api.get(url(case))["ETag"]


def refer(case, ani, sari, citra, uptd_ppa, sections):
    request = ReferralRequest(
        to_agency=uptd_ppa,
        service_type="penguatan_psikologis",
        reason="Butuh psikolog",
        urgency="segera",
        summary=Summary(purpose="Pemeriksaan psikologis", chronology="Ringkasan"),
        consent=Consent(given_by="wali", given_on=timezone.localdate(), scope="rujukan"),
        shared_sections=sections,
    )
    referral = referrals.referral_send(case=case, sent_by=ani, request=request)
    referrals.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])


# --- Reading -------------------------------------------------------------------------


def test_the_list_shows_pseudonyms_never_identities(api, case, ani):
    response = signed_in(api, ani).get("/api/v1/cases/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["code"] == case.code and row["pseudonym"].startswith(case.code)
    assert row["children"][0]["pseudonym"].startswith("AR") and row["violence_forms"] == []
    body = response.content.decode()
    assert CHILD not in body and NIK not in body and CHRONOLOGY not in body


def test_a_list_row_is_what_drfs_own_walk_over_its_fields_would_give(case, ani, citra, dinsos):
    """The list's rows are built from plain values for speed; CaseRowSerializer's declared
    fields (and so the schema) stay the contract, field by field and in order."""
    from cases.api.rows import case_rows
    from cases.api.serializers import CaseRowSerializer, Reader

    closed = case_open(
        opened_by=ani, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi"
    )
    Case.objects.filter(pk=closed.pk).update(status="terminasi", closed_at=timezone.now())
    add_child(closed, name="Anak Kedua", nik="6471014302140002")
    unknown = Person.objects.create(name="", sex="")  # no initials, age or sex: "?"
    CaseParty.objects.create(case=closed, person=unknown, part=CaseParty.Part.CHILD)
    CaseViolenceForm.objects.create(case=closed, form="seksual")
    CaseViolenceForm.objects.create(case=closed, form="fisik")
    cases = Case.objects.filter(pk__in=[case.pk, closed.pk]).order_by("pk")
    # The lead agency, and one that sees no incident; times written in the default zone,
    # in UTC ("Z") and in another.
    for reader, zone in itertools.product((ani, citra), (None, "UTC", "Asia/Jayapura")):
        with timezone.override(zone or timezone.get_default_timezone()):
            serializer = CaseRowSerializer(
                cases.for_rows(), many=True, context={"reader": Reader(reader)}
            )
            rows = case_rows(list(cases.row_values()), reader=Reader(reader))
            assert rows == serializer.data, zone
            assert [list(row) for row in rows] == [list(row) for row in serializer.data]
    assert rows[1]["violence_forms"] is None and len(rows[1]["children"]) == 2


def test_case_list_has_a_fixed_query_count(api, partner_token, dinsos, hadi):
    for number in range(25):
        opened = case_open(
            opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="rendah"
        )
        add_child(opened, name=f"Anak Nomor {number}", nik="")
    bearer(api, partner_token(dinsos)).get("/api/v1/cases/")  # warm the token's last use
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/cases/", {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    # The token (with its client, service account, membership and roles), the page with
    # its rows' children (with persons) and violence forms, the log row: nothing per row,
    # and no agency or caseworker fetched for rows naming them by id. The reader's shared
    # incidents are read only for a page holding another agency's case (the next test).
    assert counts == [3, 3]


def test_another_agencys_row_costs_one_query_more_for_the_whole_page(
    api, case, ani, sari, citra, uptd_ppa, room_for_kept_statements
):
    """citra's page holds a Dinas Sosial case referred to her: the shares are read once."""
    refer(case, ani, sari, citra, uptd_ppa, sections=["asesmen"])
    signed_in(api, citra).get("/api/v1/cases/")
    with CaptureQueriesContext(connection) as queries:
        rows = api.get("/api/v1/cases/").json()["results"]
    assert [row["code"] for row in rows] == [case.code]
    assert rows[0]["violence_forms"] is None  # the incident is not shared with her
    shares = [q for q in queries if "cases_caseuserobjectpermission" in q["sql"]]
    assert len(shares) == 1  # the shares, once (the page, with its grant arm, runs prepared)
    # The user, and the page with its children and forms.
    assert sum(q["sql"].startswith("EXECUTE ") for q in queries) == 2


def test_filters_narrow_and_bad_values_are_field_errors(api, case, budi, dinsos, hadi):
    other = case_open(
        opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi"
    )
    Case.objects.filter(pk=other.pk).update(reported_at=timezone.now() - datetime.timedelta(30))
    signed_in(api, budi)

    def codes(**params):
        return {row["code"] for row in api.get("/api/v1/cases/", params).json()["results"]}

    assert codes(risk_level="tinggi") == {other.code}
    assert codes(status="baru") == {case.code, other.code}
    assert codes(lead_agency=dinsos.pk) == {case.code, other.code}
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert codes(reported_after=yesterday.isoformat()) == {case.code}
    assert codes(reported_before=yesterday.isoformat()) == {other.code}
    since = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert codes(updated_since=since) == set()
    response = api.get("/api/v1/cases/", {"risk_level": "x", "updated_since": "soon"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"risk_level", "updated_since"}


def test_sync_pages_by_update_time(api, partner_token, dinsos, hadi):
    opened = [
        case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="rendah")
        for _ in range(5)
    ]
    Case.objects.filter(pk=opened[0].pk).update(updated_at=timezone.now())  # changed last
    bearer(api, partner_token(dinsos))
    first = api.get("/api/v1/cases/", {"ordering": "updated_at", "page_size": 3}).json()
    second = api.get(first["next"]).json()
    codes = [row["code"] for row in first["results"] + second["results"]]
    assert len(codes) == len(set(codes)) == 5 and codes[-1] == opened[0].code


def test_the_detail_has_every_section_for_the_lead_with_an_etag_and_an_audit(api, case, ani):
    response = signed_in(api, ani).get(url(case))
    assert response.status_code == 200
    assert response["ETag"] == f'"case-{case.pk}-v1"'
    data = response.json()
    assert len(data["sections"]) == 8 and data["may_edit"] and not data["may_supervise"]
    assert data["incident"]["chronology"] == CHRONOLOGY
    assert data["assessments"][0]["condition"] == ASSESSMENT and data["notes"][0]["text"] == NOTE
    assert data["parties"][0]["pseudonym"].startswith("AR") and data["tracking"] is not None
    assert CHILD not in response.content.decode() and NIK not in response.content.decode()
    assert AuditEvent.objects.filter(actor=ani, case=case, action="view").count() == 1


def test_the_incident_place_is_read_no_finer_than_the_kecamatan(
    api, case, ani, sari, citra, uptd_ppa
):
    Case.objects.filter(pk=case.pk).update(incident_village_id="64.71.01.1001")
    refer(case, ani, sari, citra, uptd_ppa, ["kejadian"])
    for reader in (ani, citra):  # the lead's caseworker, and a partner without the identity
        response = signed_in(api, reader).get(url(case))
        assert response.json()["incident"]["incident_district"] == "64.71.01"
        assert "64.71.01.1001" not in response.content.decode()


def test_a_referred_agency_reads_only_the_shared_sections(api, case, ani, sari, citra, uptd_ppa):
    refer(case, ani, sari, citra, uptd_ppa, ["identitas", "asesmen"])
    signed_in(api, citra)
    data = api.get(url(case)).json()
    assert data["sections"] == ["asesmen", "identitas"]
    assert data["incident"] is None and data["tracking"] is None and data["notes"] is None
    assert data["assessments"][0]["condition"] == ASSESSMENT
    assert {party["part"] for party in data["parties"]} == {"anak"}
    [row] = api.get("/api/v1/cases/").json()["results"]
    assert row["violence_forms"] is None
    body = api.get(url(case)).content.decode()
    assert CHRONOLOGY not in body and NOTE not in body
    identity = api.post(url(case, "identity/"), {}, format="json")
    assert identity.status_code == 200 and identity.json()["identities"][0]["name"] == CHILD
    assert (
        api.patch(url(case), {"risk_level": "tinggi"}, HTTP_IF_MATCH=etag(api, case)).status_code
        == 403
    )


def test_identity_not_shared_is_a_403_on_a_visible_case(api, case, ani, sari, citra, uptd_ppa):
    refer(case, ani, sari, citra, uptd_ppa, ["asesmen"])
    response = signed_in(api, citra).post(url(case, "identity/"), {}, format="json")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(actor=citra, action="reveal_identity").exists()


def test_identity_is_revealed_once_audited_and_never_kept_for_replay(api, case, ani):
    response = signed_in(api, ani).post(
        url(case, "identity/"),
        {},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reveal-1",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert response.json()["identities"][0]["nik"] == NIK
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(actor=ani, action="reveal_identity", case=case)
    assert event.ip_address == "10.1.2.3"
    assert not IdempotencyKey.objects.exists()


def test_a_head_must_give_a_reason(api, case, dinsos):
    head = member_of(dinsos, "head")
    signed_in(api, head)
    refused = api.post(url(case, "identity/"), {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["reason"] == ["Say why you open the identity."]
    response = api.post(url(case, "identity/"), {"reason": "Rapat kasus"}, format="json")
    assert response.status_code == 200
    assert AuditEvent.objects.get(actor=head, action="reveal_identity").reason == "Rapat kasus"


# --- Another agency ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["citra", "sari", "partner"])
def test_another_agency_finds_nothing_anywhere(
    api, case, who, citra, sari, partner_token, uptd_ppa
):
    if who == "partner":
        bearer(api, partner_token(uptd_ppa))
    else:
        signed_in(api, {"citra": citra, "sari": sari}[who])
    assert api.get("/api/v1/cases/").json()["results"] == []
    assert api.get("/api/v1/cases/", {"lead_agency": case.lead_agency_id}).json()["results"] == []
    tag = f'"case-{case.pk}-v1"'
    answers = [
        api.get(url(case)),
        api.patch(url(case), {"risk_level": "tinggi"}, format="json", HTTP_IF_MATCH=tag),
        api.post(url(case, "identity/"), {"reason": "x"}, format="json"),
        api.post(url(case, "start-monitoring/"), {}, format="json"),
        api.post(url(case, "notes/"), {"text": "x", "kind": "catatan"}, format="json"),
        api.get(url(case, "persons/")),
        api.post(url(case, "persons/"), {"part": "saksi"}, format="json"),
    ]
    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert CHILD not in "".join(answer.content.decode() for answer in answers)
    assert Case.objects.get(pk=case.pk).version == 1


# --- Writing -------------------------------------------------------------------------


def test_an_update_needs_if_match_and_the_second_writer_loses(api, case, partner_token, dinsos):
    bearer(api, partner_token(dinsos))
    assert api.patch(url(case), {"risk_level": "tinggi"}, format="json").status_code == 428
    tag = etag(api, case)
    first = api.patch(url(case), {"risk_level": "tinggi"}, format="json", HTTP_IF_MATCH=tag)
    assert first.status_code == 200 and first["ETag"] == f'"case-{case.pk}-v2"'
    assert first.json()["risk_level"] == "tinggi"
    second = api.patch(url(case), {"risk_level": "rendah"}, format="json", HTTP_IF_MATCH=tag)
    assert second.status_code == 412
    case.refresh_from_db()
    assert (case.risk_level, case.version) == ("tinggi", 2)


def test_a_partners_change_is_audited_as_its_service_account(api, case, partner_token, dinsos):
    bearer(api, partner_token(dinsos))
    api.patch(url(case), {"place_type": "sekolah"}, format="json", HTTP_IF_MATCH=etag(api, case))
    event = AuditEvent.objects.get(case=case, action="update")
    client = ApiClient.objects.get(agency=dinsos)
    assert (event.actor, event.agency, event.fields) == (client.user, dinsos, ["place_type"])


def test_only_editors_change_a_case_and_only_its_own_facts(api, case, partner_token, dinsos):
    bearer(api, partner_token(dinsos, roles=("head",)))
    tag = etag(api, case)
    assert api.patch(url(case), {"risk_level": "tinggi"}, HTTP_IF_MATCH=tag).status_code == 403
    bearer(api, partner_token(dinsos))
    response = api.patch(
        url(case),
        {"risk_level": "x", "status": "terminasi"},
        format="json",
        HTTP_IF_MATCH=tag,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"risk_level": ['"x" is not a valid choice.']}
    assert Case.objects.get(pk=case.pk).status == "baru"


def test_a_read_only_token_writes_nothing(api, case, partner_token, dinsos):
    bearer(api, partner_token(dinsos, scopes=("read",)))
    tag = etag(api, case)
    assert api.patch(url(case), {"risk_level": "tinggi"}, HTTP_IF_MATCH=tag).status_code == 403
    assert api.post(url(case, "start-assessment/")).status_code == 403
    assert api.post("/api/v1/cases/", {}, format="json").status_code == 403
    assert api.post(url(case, "persons/"), {"part": "saksi"}, format="json").status_code == 403


@pytest.fixture
def complaint(hadi):
    complaint = Complaint(channel="telepon", risk_level="sedang", narrative="Anak dipukul.")
    return complaint_receive(received_by=hadi, complaint=complaint, children=[{"sex": "L"}])


def test_opening_a_case_twice_with_one_key_opens_one(api, complaint, partner_token, dinsos, ani):
    bearer(api, partner_token(dinsos))
    body = {"complaint": complaint.pk, "lead_caseworker": ani.pk}
    first = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert first.status_code == 201 and first.json()["visible"]
    code = first.json()["code"]
    assert first["Location"] == f"/api/v1/cases/{code}/"
    again = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and Case.objects.count() == 1
    other = {**body, "lead_caseworker": None}
    reused = api.post("/api/v1/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert reused.status_code == 422 and Case.objects.count() == 1
    assert Case.objects.get().lead_caseworker == ani


@pytest.mark.parametrize("spoiled", ["revoked", "wrong secret"])
def test_a_replay_goes_only_to_a_usable_token_that_earned_it(
    api, complaint, partner_token, dinsos, ani, eko, spoiled
):
    """The key space is the token's client, but the replay is the first answer itself (a
    new case's code and facts): a revoked token, or one with the same public prefix and
    another secret, is refused as on any other call."""
    token = partner_token(dinsos)
    bearer(api, token)
    body = {"complaint": complaint.pk, "lead_caseworker": ani.pk}
    first = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert first.status_code == 201
    if spoiled == "revoked":
        api_client_revoke(client=ApiClient.objects.get(agency=dinsos), revoked_by=eko)
    else:
        bearer(api, token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    again = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert again.status_code == 401 and "Idempotent-Replayed" not in again
    assert first.json()["code"] not in again.content.decode()


def test_a_replayed_answer_and_a_reused_key_are_never_cached(
    api, complaint, partner_token, dinsos, ani
):
    bearer(api, partner_token(dinsos))
    body = {"complaint": complaint.pk, "lead_caseworker": ani.pk}
    api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    again = api.post(
        "/api/v1/cases/",
        body,
        format="json",
        HTTP_IDEMPOTENCY_KEY="open-1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    other = {**body, "lead_caseworker": None}
    reused = api.post("/api/v1/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert again["Idempotent-Replayed"] == "true" and reused.status_code == 422
    for answer, language in ((again, "en"), (reused, "id")):
        directives = {d.strip() for d in answer["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives
        assert answer["Content-Language"] == language
        assert "Authorization" in answer["Vary"]


def test_opening_offers_only_the_callers_complaints_and_caseworkers(
    api, complaint, partner_token, dinsos, uptd_ppa, citra, hadi, ani
):
    bearer(api, partner_token(dinsos))
    response = api.post("/api/v1/cases/", {"complaint": complaint.pk, "lead_caseworker": citra.pk})
    assert set(response.json()["error"]["fields"]) == {"lead_caseworker"}
    bearer(api, partner_token(uptd_ppa))
    response = api.post("/api/v1/cases/", {"complaint": complaint.pk}, format="json")
    assert set(response.json()["error"]["fields"]) == {"complaint"}
    bearer(api, partner_token(dinsos, roles=("caseworker",)))
    assert api.post("/api/v1/cases/", {"complaint": complaint.pk}).status_code == 403
    # An intake officer naming a lead no longer sees the case, as on the web.
    api.credentials()
    body = {"complaint": complaint.pk, "lead_caseworker": ani.pk}
    opened = signed_in(api, hadi).post("/api/v1/cases/", body, format="json")
    assert opened.status_code == 201 and opened.json()["case"] is None
    assert opened.json()["visible"] is False and "ETag" not in opened


# --- Workflow ------------------------------------------------------------------------


def test_the_workflow_through_the_api(api, case, ani, budi, dinsos):
    def step(user, name, body=None, **headers):
        signed_in(api, user)
        return api.post(url(case, f"{name}/"), body or {}, format="json", **headers)

    started = step(ani, "start-assessment")
    assert started.status_code == 200 and started.json()["status"] == "asesmen"
    assert started["ETag"] == f'"case-{case.pk}-v2"'
    assessment = {"condition": "Cemas", "needs": "Konseling"}
    assert step(ani, "assessments", assessment).status_code == 200
    plan = {"goals": "Anak aman", "planned_services": ["penguatan_psikologis"]}
    plans = step(ani, "plans", plan).json()["plans"]
    decided = step(budi, "plan-decision", {"plan": plans[0]["id"], "decision": "approve"})
    assert decided.json()["status"] == "intervensi"
    assert step(ani, "start-monitoring").json()["status"] == "pemantauan"
    assert step(ani, "approve-closure").status_code == 403  # a caseworker approves nothing
    requested = step(ani, "request-closure", {"reason": "tujuan_tercapai"})
    assert requested.json()["tracking"]["closure_requested"]
    assert step(budi, "approve-closure").json()["status"] == "terminasi"
    assert step(ani, "notes", {"text": "x"}).status_code == 400  # closed: reopen first
    refused = step(budi, "reopen", {"note": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.json()["error"]["fields"] == {"note": ["This field may not be blank."]}
    assert step(budi, "reopen", {"note": "Ada laporan baru"}).json()["status"] == "asesmen"
    noted = step(ani, "notes", {"kind": "kunjungan_rumah", "text": "Kunjungan"})
    assert any(note["kind"] == "kunjungan_rumah" for note in noted.json()["notes"])
    assert AuditEvent.objects.filter(case=case, action="transition").count() == 6


def test_violence_forms_and_the_tpks_police_report(api, case, ani):
    signed_in(api, ani)
    forms = {"violence_forms": ["seksual", "fisik"], "tpks_offence": "pelecehan_fisik"}
    data = api.post(url(case, "violence-forms/"), forms, format="json").json()
    assert sorted(form["form"] for form in data["incident"]["violence_forms"]) == [
        "fisik",
        "seksual",
    ]
    assert data["tracking"]["tpks_police_deadline"] is not None
    reported = timezone.now().replace(microsecond=0)
    body = {"police_reported_at": reported.isoformat()}
    data = api.post(url(case, "police-report/"), body, format="json").json()
    assert datetime.datetime.fromisoformat(data["tracking"]["police_reported_at"]) == reported
    future = {"police_reported_at": (reported + datetime.timedelta(days=1)).isoformat()}
    response = api.post(url(case, "police-report/"), future, format="json")
    assert set(response.json()["error"]["fields"]) == {"police_reported_at"}


def test_assignment_offers_only_the_lead_agencys_caseworkers(api, case, budi, ani, citra, dinsos):
    signed_in(api, budi)
    refused = api.post(url(case, "assign/"), {"lead_caseworker": citra.pk}, format="json")
    assert set(refused.json()["error"]["fields"]) == {"lead_caseworker"}
    colleague = member_of(dinsos, "caseworker")
    body = {"lead_caseworker": colleague.pk, "team": [ani.pk]}
    data = api.post(url(case, "assign/"), body, format="json").json()
    assert data["lead_caseworker"] == colleague.pk
    assert signed_in(api, ani).post(url(case, "assign/"), body, format="json").status_code == 403
    # Nor can a wrong id tell whoever may not assign which ids are the agency's caseworkers.
    wrong = {"lead_caseworker": citra.pk}
    assert api.post(url(case, "assign/"), wrong, format="json").status_code == 403


def test_a_step_with_a_stale_if_match_is_refused(api, case, ani):
    signed_in(api, ani)
    tag = etag(api, case)
    assert api.post(url(case, "start-assessment/"), HTTP_IF_MATCH=tag).status_code == 200
    stale = api.post(url(case, "notes/"), {"text": "x"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert CaseNote.objects.filter(case=case).count() == 1  # the fixture's only


def test_an_answer_kept_for_replay_holds_no_narrative_in_clear(api, case, ani):
    signed_in(api, ani)
    body = {"text": "Catatan-kedua-rahasia"}
    first = api.post(url(case, "notes/"), body, format="json", HTTP_IDEMPOTENCY_KEY="note-1")
    kept = b"".join(bytes(row.body) for row in IdempotencyKey.objects.all())
    assert kept and b"Catatan-kedua-rahasia" not in kept and CHRONOLOGY.encode() not in kept
    again = api.post(url(case, "notes/"), body, format="json", HTTP_IDEMPOTENCY_KEY="note-1")
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content  # decrypted back, byte for byte


def test_someone_moved_to_another_agency_gets_no_replay_from_the_old_one(api, case, ani, uptd_ppa):
    signed_in(api, ani)
    body = {"text": "Catatan"}
    first = api.post(url(case, "notes/"), body, format="json", HTTP_IDEMPOTENCY_KEY="note-1")
    assert first.status_code == 200
    ani.membership.agency = uptd_ppa
    ani.membership.save(update_fields=["agency"])
    again = api.post(url(case, "notes/"), body, format="json", HTTP_IDEMPOTENCY_KEY="note-1")
    assert again.status_code == 404 and "Idempotent-Replayed" not in again
    assert "Catatan" not in again.content.decode()


# --- People of a case ----------------------------------------------------------------


def test_the_lead_lists_every_party_without_identity(api, case, ani):
    reporter = Person.objects.create(name="Pelapor Rahasia", phone="0812", sex="L")
    CaseParty.objects.create(case=case, person=reporter, part=CaseParty.Part.REPORTER)
    response = signed_in(api, ani).get(url(case, "persons/"))
    rows = response.json()["results"]
    assert [(row["part"], row["pseudonym"] is None) for row in rows] == [
        ("anak", False),
        ("pelapor", True),
    ]
    assert "Pelapor" not in response.content.decode() and CHILD not in response.content.decode()


def test_a_referred_agency_lists_only_the_children(api, case, ani, sari, citra, uptd_ppa):
    CaseParty.objects.create(case=case, person=Person.objects.create(), part="terlapor")
    refer(case, ani, sari, citra, uptd_ppa, ["asesmen"])
    rows = signed_in(api, citra).get(url(case, "persons/")).json()["results"]
    assert [row["part"] for row in rows] == ["anak"]
    assert signed_in(api, citra).post(url(case, "persons/"), {"part": "saksi"}).status_code == 403


def test_persons_list_has_a_fixed_query_count(api, case, partner_token, dinsos):
    for number in range(25):
        person = Person.objects.create(name=f"Saksi {number}", sex="L")
        CaseParty.objects.create(case=case, person=person, part=CaseParty.Part.WITNESS)
    bearer(api, partner_token(dinsos)).get(url(case, "persons/"))
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url(case, "persons/"), {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_adding_a_sibling_is_audited_and_versions_the_case(api, case, partner_token, dinsos):
    bearer(api, partner_token(dinsos))
    tag = etag(api, case)
    sibling = {"part": "anak", "name": "Adik Rahasia", "sex": "L", "birth_date": "2018-05-01"}
    response = api.post(url(case, "persons/"), sibling, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 201 and response.json()["pseudonym"].startswith("AR")
    assert "Adik" not in response.content.decode()
    assert Case.objects.get(pk=case.pk).version == 2
    event = AuditEvent.objects.get(case=case, action="create", object_type="cases.caseparty")
    assert event.fields == ["name"] and event.actor.api_client.agency == dinsos
    stale = api.post(url(case, "persons/"), sibling, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    known = {"part": "anak", "nik": NIK, "name": "Nama Lain"}
    again = api.post(url(case, "persons/"), known, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.json()["error"]["fields"] == {
        "non_field_errors": ["This person already has this part in the case."]
    }
    bad = api.post(url(case, "persons/"), {"part": "anak", "nik": "12"}, format="json")
    assert set(bad.json()["error"]["fields"]) == {"nik"}
    assert CaseParty.objects.filter(case=case).count() == 2


@pytest.mark.parametrize("step", ["request-closure", "violence-forms"])
def test_steps_on_the_cases_own_fields_give_it_a_new_version(api, case, ani, step):
    """A partner syncing by updated_since, or holding an ETag, must see the change."""
    signed_in(api, ani)
    before = Case.objects.get(pk=case.pk)
    bodies = {
        "request-closure": {"reason": "tujuan_tercapai", "note": "Selesai."},
        "violence-forms": {"violence_forms": ["fisik"]},
    }
    if step == "request-closure":
        assert api.post(url(case, "start-assessment/")).status_code == 200
        before = Case.objects.get(pk=case.pk)
    response = api.post(url(case, f"{step}/"), bodies[step], format="json")
    assert response.status_code == 200, response.json()
    after = Case.objects.get(pk=case.pk)
    assert after.version == before.version + 1
    assert after.updated_at > before.updated_at
