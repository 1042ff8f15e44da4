"""The referral endpoints of the partner API: the web's rules, over HTTP.

The cast: ``ani`` (caseworker, Dinas Sosial) refers a case to UPTD PPA, where ``citra``
(caseworker) and ``sari`` (supervisor) work; ``dewi`` (head, DP3AKB) is the third agency,
which sees nothing. Partner systems act through tokens of their agency.
"""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency, ApiClient
from cases.models import AuditEvent, Case, CaseParty, Person
from cases.services import case_open
from referrals import services
from referrals.models import Referral, ReferralEvent
from referrals.services import Consent, ReferralRequest, Summary
from tests.factories import member_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"
CHILD_NAME = "Anak Rujukan Rahasia"
CHRONOLOGY = "Kronologi-rahasia: kejadian di rumah"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
STEPS = ("accept", "decline", "start", "complete", "cancel")
STEP_BODIES = {
    "accept": {},
    "decline": {"reason": "Penuh"},
    "start": {},
    "complete": {"outcome": "Selesai", "feedback": "Baik"},
    "cancel": {"reason": "Tidak perlu"},
}


def open_case(agency, opened_by, lead, *, child=CHILD_NAME) -> Case:
    case = case_open(
        opened_by=opened_by,
        agency=agency,
        reported_at=timezone.now(),
        risk_level="sedang",
        chronology=CHRONOLOGY,
    )
    Case.objects.filter(pk=case.pk).update(lead_caseworker=lead, status="asesmen")
    person = Person.objects.create(name=child, sex="P", birth_date=datetime.date(2014, 5, 1))
    CaseParty.objects.create(case=case, person=person, part=CaseParty.Part.CHILD)
    case.refresh_from_db()
    return case


@pytest.fixture
def case(dinsos, hadi, ani):
    return open_case(dinsos, hadi, ani)


@pytest.fixture
def rskd(db):
    return Agency.objects.get(nomenclature="RSKD")


def send(case, sender, agency, **changes) -> Referral:
    values = {
        "to_agency": agency,
        "service_type": "penguatan_psikologis",
        "reason": "Butuh psikolog",
        "urgency": "segera",
        "summary": Summary(purpose="Pemeriksaan psikologis", chronology=CHRONOLOGY),
        "consent": Consent(given_by="wali", given_on=timezone.localdate(), scope="rujukan"),
        "shared_sections": ["identitas", "asesmen"],
    }
    values.update(changes)
    return services.referral_send(case=case, sent_by=sender, request=ReferralRequest(**values))


def body_for(case, agency, **changes) -> dict:
    body = {
        "case_code": case.code,
        "to_agency": agency.pk,
        "service_type": "penguatan_psikologis",
        "urgency": "segera",
        "reason": "Butuh psikolog",
        "shared_sections": ["identitas", "asesmen"],
        "summary_purpose": "Pemeriksaan psikologis",
        "summary_chronology": CHRONOLOGY,
        "consent_by": "wali",
        "consent_on": timezone.localdate().isoformat(),
        "consent_scope": "Berbagi data untuk layanan",
    }
    body.update(changes)
    return body


def as_partner(token) -> APIClient:
    api = APIClient(HTTP_HOST="127.0.0.1")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def as_person(user) -> APIClient:
    api = APIClient(HTTP_HOST="127.0.0.1")
    api.force_login(user)
    return api


def client_of_token(token) -> ApiClient:
    return ApiClient.objects.get(token_prefix=token.split("_")[1])


def step(api, referral, name, body=None, **headers):
    data = STEP_BODIES[name] if body is None else body
    return api.post(f"{URL}{referral.pk}/{name}/", data, format="json", **headers)


# --- Sending ---------------------------------------------------------------------------


def test_a_partner_sends_a_referral_with_consent_and_chosen_sections(
    partner_token, dinsos, uptd_ppa, case
):
    token = partner_token(dinsos)
    body = body_for(case, uptd_ppa, shared_sections=["identitas", "asesmen"])
    response = as_partner(token).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.json()
    referral = Referral.objects.get()
    assert response["Location"] == f"{URL}{referral.pk}/"
    assert (
        response["ETag"]
        == f'"referral-{referral.pk}-t{int(referral.updated_at.timestamp() * 1e6)}"'
    )
    data = response.json()
    assert (data["status"], data["direction"], data["case_code"]) == (
        "dikirim",
        "outgoing",
        case.code,
    )
    # The chronology belongs to the incident section, which is not shared: it is not sent.
    assert data["summary"]["chronology"] == "" and referral.summary_chronology == ""
    assert data["summary"]["consent_by"] == "wali"
    assert referral.sent_by == client_of_token(token).user
    assert CHILD_NAME not in response.content.decode()


def test_the_signed_consent_form_travels_as_multipart(partner_token, dinsos, uptd_ppa, case):
    body = body_for(case, uptd_ppa, consent_form=SimpleUploadedFile("persetujuan.pdf", PDF))
    response = as_partner(partner_token(dinsos)).post(URL, body, format="multipart")
    assert response.status_code == 201, response.json()
    referral = Referral.objects.get()
    assert referral.consent_form.kind == "persetujuan" and referral.consent_form.case == case
    assert referral.shared_sections == ["identitas", "asesmen"]
    assert response.json()["summary"]["consent_form_attached"] is True


def test_send_errors_are_field_errors_in_the_callers_language(
    partner_token, dinsos, uptd_ppa, case
):
    api = as_partner(partner_token(dinsos))
    english = api.post(URL, {"case_code": case.code}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json()["error"]["fields"]["reason"] == ["This field is required."]
    # The service's own checks come back on the same fields as on the web form.
    body = body_for(case, uptd_ppa, service_type="dokumen_kependudukan", consent_by="")
    english = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert english["fields"]["service_type"] == ["This agency does not offer that service."]
    assert "consent_by" in english["fields"]
    indonesian = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="id").json()["error"]
    assert indonesian["fields"]["service_type"] != english["fields"]["service_type"]
    own = api.post(URL, body_for(case, dinsos), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "to_agency" in own.json()["error"]["fields"]
    assert not Referral.objects.exists()


def test_only_cases_and_documents_the_sender_may_use_are_accepted(
    partner_token, dinsos, uptd_ppa, case, sari, citra
):
    other_case = open_case(uptd_ppa, sari, citra, child="Anak Lain")
    api = as_partner(partner_token(dinsos))
    answers = [
        api.post(URL, body_for(c, uptd_ppa, case_code=code), format="json").json()
        for c, code in ((other_case, other_case.code), (case, "BPN-1999-99999"))
    ]
    # Another agency's case and a case that does not exist get the same answer.
    assert answers[0]["error"]["fields"] == answers[1]["error"]["fields"]
    assert set(answers[0]["error"]["fields"]) == {"case_code"}
    from cases.documents import document_upload

    foreign = document_upload(
        case=other_case,
        uploaded_by=sari,
        kind="surat",
        title="Milik UPTD",
        upload=SimpleUploadedFile("x.pdf", PDF),
    )
    body = body_for(
        case, uptd_ppa, shared_sections=["identitas", "dokumen"], shared_documents=[foreign.pk]
    )
    response = api.post(URL, body, format="json")
    assert set(response.json()["error"]["fields"]) == {"shared_documents"}
    assert not Referral.objects.exists()


def test_a_token_without_the_referrals_scope_reads_but_does_not_write(
    partner_token, dinsos, uptd_ppa, case, ani
):
    referral = send(case, ani, uptd_ppa)
    reader = as_partner(partner_token(dinsos, scopes=("read",)))
    assert reader.get(URL).status_code == 200
    assert reader.get(f"{URL}{referral.pk}/").status_code == 200
    assert reader.post(URL, body_for(case, uptd_ppa), format="json").status_code == 403
    case_writer = as_partner(partner_token(uptd_ppa, scopes=("read", "cases")))
    assert step(case_writer, referral, "accept").status_code == 403
    assert Referral.objects.get().status == Referral.Status.SENT


# --- Idempotency -------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer(partner_token, dinsos, uptd_ppa, case):
    api = as_partner(partner_token(dinsos))
    body = body_for(case, uptd_ppa)
    first = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="kirim-1")
    again = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="kirim-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again["ETag"] == first["ETag"]
    assert Referral.objects.count() == 1
    changed = api.post(
        URL, {**body, "reason": "Lain"}, format="json", HTTP_IDEMPOTENCY_KEY="kirim-1"
    )
    assert changed.status_code == 422
    assert Referral.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_posts_with_one_key_send_one_referral():
    """Real threads, each with its own connection: the second waits on the key's unique
    index, then replays the first answer."""
    from agencies.api_clients import api_client_register
    from agencies.demo import demo_city_seed
    from agencies.models import User

    demo_city_seed()  # committed: the threads' own connections must see the city
    dinsos, uptd = (Agency.objects.get(nomenclature=n) for n in ("Dinsos", "UPTD PPA"))
    users = {u.username: u for u in User.objects.filter(username__in=["hadi", "ani", "eko"])}
    case = open_case(dinsos, users["hadi"], users["ani"])
    _client, token = api_client_register(
        agency=dinsos,
        name="Race",
        roles=["supervisor"],
        scopes=["read", "referrals"],
        expires_at=timezone.now() + datetime.timedelta(days=1),
        registered_by=users["eko"],
    )
    body, barrier, answers = body_for(case, uptd), threading.Barrier(2), []

    def post():
        try:
            api = as_partner(token)
            barrier.wait(timeout=10)
            answers.append(api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="balapan"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [201, 201]
    assert Referral.objects.filter(case=case).count() == 1
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    connections.close_all()


# --- Lists -------------------------------------------------------------------------------


def test_lists_by_direction_and_filters(
    partner_token, dinsos, uptd_ppa, rskd, case, ani, budi, sari
):
    psych = send(case, ani, uptd_ppa)
    health = send(
        case, ani, rskd, service_type="kesehatan", urgency="darurat", shared_sections=["identitas"]
    )
    services.referral_decline(referral=psych, declined_by=sari, reason="Penuh")
    before = timezone.now()
    sender = as_partner(partner_token(dinsos))

    def ids(api, **filters):
        response = api.get(URL, filters)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(sender, direction="outgoing") == [health.pk, psych.pk]
    assert ids(sender, direction="incoming") == []
    assert ids(sender, status="ditolak") == [psych.pk]
    assert ids(sender, status=["ditolak", "dikirim"]) == [health.pk, psych.pk]
    assert ids(sender, urgency="darurat", service_type="kesehatan") == [health.pk]
    assert ids(sender, agency=rskd.pk) == [health.pk]
    assert ids(sender, sent_after=before.isoformat()) == []
    assert ids(sender, sent_before=before.isoformat()) == [health.pk, psych.pk]
    Referral.objects.filter(pk=health.pk).update(respond_by=timezone.now())
    assert ids(sender, overdue="true") == [health.pk]
    services.referral_cancel(referral=health, cancelled_by=budi, reason="Tidak perlu")
    assert ids(sender, updated_since=before.isoformat()) == [health.pk]
    receiver = as_partner(partner_token(uptd_ppa))
    assert ids(receiver, direction="incoming") == [psych.pk]
    assert ids(receiver, direction="outgoing") == []
    bad = sender.get(URL, {"status": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "nope" not in bad.content.decode()


def test_times_with_any_offset_filter_and_impossible_ones_are_400(partner_token, dinsos):
    api = as_partner(partner_token(dinsos))
    # PostgreSQL takes offsets up to 15:59 only; the filter speaks UTC to it.
    assert api.get(URL, {"updated_since": "2026-06-17T16:46:07-21:01"}).status_code == 200
    assert api.get(URL, {"sent_after": "0001-01-01T00:00:00+14:00"}).status_code == 400
    assert api.get(URL, {"sent_before": "9999-12-31T23:59:59-14:00"}).status_code == 400


def test_the_list_costs_the_same_queries_for_1_or_25_rows(
    partner_token, dinsos, uptd_ppa, hadi, ani
):
    cases = [open_case(dinsos, hadi, ani, child=f"Anak Uji {n}") for n in range(5)]
    Referral.objects.bulk_create(
        Referral(
            case=cases[n % 5],
            from_agency=dinsos,
            sent_by=ani,
            to_agency=uptd_ppa,
            to_user=ani if n % 2 else None,
            service_type="penguatan_psikologis",
            reason="Alasan",
            respond_by=timezone.now() + datetime.timedelta(days=1),
            summary_purpose="Tujuan",
            shared_sections=["identitas"],
        )
        for n in range(26)
    )
    api = as_partner(partner_token(dinsos))
    api.get(URL)  # the token's last-use write happens once
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, {"page_size": size, "direction": "outgoing"})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "Anak Uji" not in response.content.decode()
    assert response.json()["results"][0]["case_pseudonym"].startswith("BPN-")


# --- Reading one -------------------------------------------------------------------------


def test_the_receiver_reads_the_minimised_summary_never_the_identity(
    partner_token, uptd_ppa, case, budi
):
    referral = send(
        case,
        budi,
        uptd_ppa,
        consent=Consent(override_reason="Wali adalah terlapor"),
        shared_sections=["identitas", "asesmen"],
    )
    token = partner_token(uptd_ppa)
    response = as_partner(token).get(f"{URL}{referral.pk}/")
    assert response.status_code == 200
    referral.refresh_from_db()
    assert (
        response["ETag"]
        == f'"referral-{referral.pk}-t{int(referral.updated_at.timestamp() * 1e6)}"'
    )
    data = response.json()
    assert data["direction"] == "incoming" and data["case_visible"] is False
    assert data["actions"] == ["accept", "decline"]
    summary = data["summary"]
    assert summary["purpose"] == "Pemeriksaan psikologis" and summary["chronology"] == ""
    # The override is flagged; its reason is the sending side's only.
    assert summary["consent_overridden"] is True and summary["consent_override_reason"] is None
    text = response.content.decode()
    assert CHILD_NAME not in text and "Wali adalah terlapor" not in text
    # The read is audited like reading the case.
    viewer = client_of_token(token).user
    assert AuditEvent.objects.filter(
        actor=viewer, action="view", object_id=str(referral.pk), case=case
    ).exists()
    sender_view = as_person(budi).get(f"{URL}{referral.pk}/").json()
    assert sender_view["summary"]["consent_override_reason"] == "Wali adalah terlapor"
    assert sender_view["actions"] == ["cancel"]


def test_after_acceptance_the_identity_still_stays_out_of_the_payload(
    api, partner_token, uptd_ppa, case, ani
):
    referral = send(case, ani, uptd_ppa, shared_sections=["identitas", "kejadian"])
    receiver = as_partner(partner_token(uptd_ppa))
    accepted = step(receiver, referral, "accept")
    assert accepted.status_code == 200
    data = receiver.get(f"{URL}{referral.pk}/").json()
    assert data["case_visible"] is True and data["summary"]["chronology"] == CHRONOLOGY
    assert CHILD_NAME not in accepted.content.decode() + str(data)


def test_a_declined_referral_hides_its_summary_from_the_receiver(
    partner_token, uptd_ppa, case, ani, sari
):
    referral = send(case, ani, uptd_ppa)
    services.referral_decline(referral=referral, declined_by=sari, reason="Penuh")
    data = as_partner(partner_token(uptd_ppa)).get(f"{URL}{referral.pk}/").json()
    assert data["summary"] is None and data["actions"] == []
    assert [e["action"] for e in data["events"]] == ["dikirim", "ditolak"]


# --- Who may see, who may act --------------------------------------------------------------


def test_a_third_agency_sees_nothing_and_can_do_nothing(
    partner_token, uptd_ppa, case, ani, dewi, sari
):
    referral = send(case, ani, uptd_ppa)
    dp3akb = dewi.membership.agency
    for outsider in (as_person(dewi), as_partner(partner_token(dp3akb))):
        assert outsider.get(URL).json()["results"] == []
        assert outsider.get(f"{URL}{referral.pk}/").status_code == 404
        for name in STEPS:
            assert step(outsider, referral, name).status_code == 404, name
    # An accepted one, too: the receiving agency's access does not spread.
    services.referral_accept(referral=referral, accepted_by=sari)
    assert as_person(dewi).get(f"{URL}{referral.pk}/").status_code == 404
    assert Referral.objects.get().status == Referral.Status.ACCEPTED


def test_each_side_may_take_only_its_own_steps(partner_token, dinsos, uptd_ppa, case, ani):
    referral = send(case, ani, uptd_ppa)
    sender, receiver = as_partner(partner_token(dinsos)), as_partner(partner_token(uptd_ppa))
    for name in ("accept", "decline", "start", "complete"):
        assert step(sender, referral, name).status_code == 403, name
    assert step(as_person(ani), referral, "accept").status_code == 403
    assert step(receiver, referral, "cancel").status_code == 403
    # The receiving agency's head reads it, but answering is for supervisors and caseworkers.
    head = as_person(member_of(uptd_ppa, "head"))
    assert head.get(f"{URL}{referral.pk}/").json()["actions"] == []
    assert step(head, referral, "accept").status_code == 403
    assert Referral.objects.get().status == Referral.Status.SENT


def test_a_caseworker_not_addressed_does_not_see_it(case, ani, uptd_ppa, citra):
    referral = send(case, ani, uptd_ppa, to_user=citra)
    other = member_of(uptd_ppa, "caseworker")
    assert as_person(other).get(f"{URL}{referral.pk}/").status_code == 404
    assert step(as_person(other), referral, "accept").status_code == 404
    assert as_person(citra).get(f"{URL}{referral.pk}/").json()["actions"] == ["accept", "decline"]


def test_steps_in_the_wrong_state_are_400_with_a_reason(partner_token, uptd_ppa, case, ani):
    referral = send(case, ani, uptd_ppa)
    receiver = as_partner(partner_token(uptd_ppa))
    start = step(receiver, referral, "start", HTTP_ACCEPT_LANGUAGE="en")
    assert start.status_code == 400
    assert start.json()["error"]["fields"]["non_field_errors"] == [
        "This referral has already been answered or closed."
    ]
    assert step(receiver, referral, "accept").status_code == 200
    assert step(receiver, referral, "accept").status_code == 400
    empty = step(receiver, referral, "complete", {"outcome": " "}, HTTP_ACCEPT_LANGUAGE="en")
    assert set(empty.json()["error"]["fields"]) == {"outcome", "feedback"}
    decline = step(receiver, referral, "decline", {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert decline.json()["error"]["fields"]["reason"] == ["This field may not be blank."]


def test_accepting_assigns_only_people_of_the_receiving_agency(
    partner_token, uptd_ppa, case, ani, citra
):
    referral = send(case, ani, uptd_ppa)
    receiver = as_partner(partner_token(uptd_ppa))
    refused = step(receiver, referral, "accept", {"assignees": [ani.pk]})
    assert refused.status_code == 400 and set(refused.json()["error"]["fields"]) == {"assignees"}
    accepted = step(receiver, referral, "accept", {"assignees": [citra.pk]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "diterima"
    assert list(Referral.objects.get().access_users.all()) == [citra]


# --- Versions and audit ------------------------------------------------------------------


def test_a_stale_if_match_is_refused_and_a_fresh_one_accepted(
    partner_token, uptd_ppa, case, ani, citra
):
    referral = send(case, ani, uptd_ppa)
    receiver = as_partner(partner_token(uptd_ppa))
    etag = receiver.get(f"{URL}{referral.pk}/")["ETag"]
    services.referral_accept(referral=referral, accepted_by=citra)  # someone else answers
    stale = step(receiver, referral, "start", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Referral.objects.get().status == Referral.Status.ACCEPTED
    fresh = receiver.get(f"{URL}{referral.pk}/")["ETag"]
    started = step(receiver, referral, "start", HTTP_IF_MATCH=fresh)
    assert started.status_code == 200 and started["ETag"] != fresh
    assert started.json()["status"] == "diproses"


def test_steps_by_a_partner_are_recorded_as_its_service_account(partner_token, uptd_ppa, case, ani):
    referral = send(case, ani, uptd_ppa)
    token = partner_token(uptd_ppa)
    account = client_of_token(token).user
    receiver = as_partner(token)
    for name in ("accept", "start", "complete"):
        assert step(receiver, referral, name).status_code == 200, name
    events = ReferralEvent.objects.filter(referral=referral).exclude(action="dikirim")
    assert [(e.action, e.actor) for e in events] == [
        ("diterima", account),
        ("diproses", account),
        ("selesai", account),
    ]
    audited = AuditEvent.objects.filter(object_id=str(referral.pk), action="transition")
    assert audited.count() == 3
    assert {(a.actor, a.agency) for a in audited} == {(account, uptd_ppa)}


# --- The hospital partner ------------------------------------------------------------------


def test_a_hospital_system_answers_a_visum_referral(partner_token, dinsos, rskd, case, ani):
    """The scenario of docs/api.md: the hospital's system lists what waits for it,
    accepts, starts, and sends the visum outcome back to Dinas Sosial."""
    referral = send(
        case,
        ani,
        rskd,
        service_type="kesehatan",
        urgency="darurat",
        shared_sections=["identitas", "kejadian", "kesehatan"],
    )
    hospital = as_partner(partner_token(rskd, roles=("caseworker",), scopes=("read", "referrals")))
    waiting = hospital.get(URL, {"direction": "incoming", "status": "dikirim"}).json()["results"]
    assert [(r["id"], r["service_type"]) for r in waiting] == [(referral.pk, "kesehatan")]
    read = hospital.get(f"{URL}{referral.pk}/")
    assert read.json()["summary"]["chronology"] == CHRONOLOGY
    accepted = step(hospital, referral, "accept", HTTP_IF_MATCH=read["ETag"])
    assert accepted.status_code == 200 and accepted.json()["status"] == "diterima"
    assert step(hospital, referral, "start").json()["status"] == "diproses"
    outcome = {
        "outcome": "Visum et repertum selesai; hasil diserahkan ke penyidik.",
        "feedback": "Tidak ada luka baru; kontrol ulang dalam dua minggu.",
    }
    done = step(hospital, referral, "complete", outcome)
    assert done.status_code == 200 and done.json()["status"] == "selesai"
    assert hospital.get(URL, {"direction": "incoming", "status": "dikirim"}).json()["results"] == []
    back_home = as_partner(partner_token(dinsos)).get(f"{URL}{referral.pk}/").json()
    assert back_home["summary"]["outcome"] == outcome["outcome"]
    assert back_home["summary"]["feedback"] == outcome["feedback"]
