"""Webhooks: what each agency hears of, what a payload may carry, signed delivery to a
real HTTP receiver, retries with backoff, disabling, and the admin pages.

The cast: ``ani`` (Dinas Sosial) refers a case to UPTD PPA (``sari``, ``citra``);
DP3AKB (``fajar``, ``eko``) has nothing to do with it and must hear nothing of it.
A real Celery worker delivering through the outbox is in test_api_webhooks_worker.py.
"""

import datetime
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone, translation

from agencies.models import Agency, Notification
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.tasks import webhook_deliver_task, webhooks_sweep
from api.webhooks import outbox
from api.webhooks.delivery import _claim, webhook_deliver, webhook_deliveries_requeue
from api.webhooks.endpoints import DISABLED_NOTIFICATION, webhook_endpoint_register
from cases.demo import DEMO_CASES, demo_cases_seed
from cases.models import Case, CaseParty, Person
from cases.services import case_open, case_update
from cases.workflow import case_start_assessment, case_start_monitoring
from config.celery import app
from meetings.notulen import action_item_add, minutes_approve, minutes_save, minutes_submit
from meetings.services import meeting_cancel, meeting_move, meeting_schedule
from referrals import services
from referrals.demo import demo_referrals_seed
from referrals.services import Consent, ReferralRequest, Summary
from tests.factories import member_of
from tests.processes import production_environment, run_python, settings_values
from tests.webhook_receiver import Receiver, signature_is_valid

pytestmark = pytest.mark.django_db

CHILD = "Anak Webhook Rahasia"
CHRONOLOGY = "Kronologi-rahasia: kejadian di rumah"
ADDRESS = "Jalan Rahasia Nomor 7"
EVERY_EVENT = list(WebhookEvent.values)


@pytest.fixture(autouse=True)
def english():
    """Errors and reasons are stored in the language active when they happen: English
    here, so the tests read the English texts (admins below also read in English)."""
    with translation.override("en"):
        yield


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def dp3akb(db) -> Agency:
    return Agency.objects.get(nomenclature="DP3AKB")


@pytest.fixture
def case(dinsos, hadi, ani):
    """A new Dinas Sosial case led by ani, with a child, a chronology and an address."""
    case = case_open(
        opened_by=hadi,
        agency=dinsos,
        reported_at=timezone.now(),
        risk_level="sedang",
        chronology=CHRONOLOGY,
        incident_address=ADDRESS,
        place_type="rumah_tangga",
    )
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    case.refresh_from_db()
    child = Person.objects.create(name=CHILD, sex="P", birth_date=datetime.date(2014, 5, 1))
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    return case


def hook(agency, url, eko, events=EVERY_EVENT):
    return webhook_endpoint_register(agency=agency, url=url, events=events, registered_by=eko)


def send(case, ani, to_agency, service="penguatan_psikologis", sections=("identitas", "asesmen")):
    return services.referral_send(
        case=case,
        sent_by=ani,
        request=ReferralRequest(
            to_agency=to_agency,
            service_type=service,
            reason="Butuh layanan",
            urgency="segera",
            summary=Summary(purpose="Layanan", chronology=CHRONOLOGY),
            consent=Consent(given_by="wali", given_on=timezone.localdate(), scope="rujukan"),
            shared_sections=list(sections),
        ),
    )


def sent_to(agency, event=None):
    deliveries = WebhookDelivery.objects.filter(endpoint__agency=agency)
    return deliveries.filter(event=event) if event else deliveries


def make_due(delivery) -> None:
    """What waiting for the retry would do, without waiting."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


# --- Registration -----------------------------------------------------------------------


def test_the_secret_is_generated_shown_once_and_stored_encrypted(uptd_ppa, eko, receiver):
    endpoint, secret = hook(uptd_ppa, receiver.url, eko)
    assert secret.startswith("whsec_") and len(secret) > 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM api_webhookendpoint WHERE id = %s", [endpoint.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret


@override_settings(WEBHOOK_ALLOW_LOCAL_URLS=False)
@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hook",  # plain http
        "https://127.0.0.1/hook",
        "https://localhost:8443/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://user:password@93.184.215.14/hook",
        "ftp://93.184.215.14/hook",
    ],
)
def test_production_refuses_urls_that_are_not_public_https(uptd_ppa, eko, url):
    with pytest.raises(ValidationError) as refused:
        hook(uptd_ppa, url, eko)
    assert "url" in refused.value.message_dict
    assert not WebhookEndpoint.objects.exists()


@override_settings(WEBHOOK_ALLOW_LOCAL_URLS=False)
def test_production_accepts_a_public_https_address(uptd_ppa, eko):
    endpoint, _secret = hook(uptd_ppa, "https://93.184.215.14/hooks/sinergi", eko)
    assert endpoint.is_active


def test_development_allows_plain_http_to_this_machine_only(uptd_ppa, eko):
    hook(uptd_ppa, "http://127.0.0.1:9/hook", eko)
    with pytest.raises(ValidationError) as refused:
        hook(uptd_ppa, "http://93.184.215.14/hook", eko)
    assert "url" in refused.value.message_dict


def test_local_urls_are_off_in_production_and_cannot_be_turned_on():
    values = settings_values(["WEBHOOK_ALLOW_LOCAL_URLS"], production_environment())
    assert values == {"WEBHOOK_ALLOW_LOCAL_URLS": False}
    result = run_python(
        "import django; django.setup()",
        production_environment(WEBHOOK_ALLOW_LOCAL_URLS="true"),
    )
    assert result.returncode != 0
    assert "WEBHOOK_ALLOW_LOCAL_URLS must be off" in result.stderr


# --- The outbox: same transaction --------------------------------------------------------


def test_a_rolled_back_step_leaves_no_delivery(case, ani, uptd_ppa, eko, receiver):
    hook(uptd_ppa, receiver.url, eko)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        send(case, ani, uptd_ppa)
        assert sent_to(uptd_ppa).count() == 1  # written with the referral...
        raise Undo
    assert not WebhookDelivery.objects.exists()  # ...and gone with it


def test_a_committed_step_queues_its_delivery_after_commit(
    case, ani, uptd_ppa, eko, receiver, django_capture_on_commit_callbacks
):
    hook(uptd_ppa, receiver.url, eko)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        referral = send(case, ani, uptd_ppa)
        delivery = sent_to(uptd_ppa).get()
        assert delivery.status == WebhookDelivery.Status.PENDING
    queued = [c.args for c in callbacks if getattr(c, "func", None) is outbox._enqueue]
    assert queued == [(delivery.pk,)]
    assert delivery.event == "referral.received"
    assert delivery.payload["referral"]["id"] == referral.pk
    assert receiver.requests == []  # nothing is sent inside the transaction


def test_nothing_is_written_when_nobody_listens(case, ani, uptd_ppa, eko, receiver):
    hook(uptd_ppa, receiver.url, eko, events=["meeting.changed"])
    send(case, ani, uptd_ppa)
    assert not WebhookDelivery.objects.exists()


# --- Who hears of what -------------------------------------------------------------------


def test_referral_steps_reach_the_two_agencies_and_no_third(
    case, ani, sari, dinsos, uptd_ppa, dp3akb, eko, receiver
):
    for agency in (dinsos, uptd_ppa, dp3akb):
        hook(agency, receiver.url, eko)
    referral = send(case, ani, uptd_ppa)
    services.referral_accept(referral=referral, accepted_by=sari)
    services.referral_complete(referral=referral, completed_by=sari, outcome="ok", feedback="ok")
    declined = send(case, ani, uptd_ppa, service="bantuan_hukum")
    services.referral_decline(referral=declined, declined_by=sari, reason="Penuh")

    def events(agency):
        return sorted(sent_to(agency).values_list("event", flat=True))

    both = ["referral.accepted", "referral.completed", "referral.declined"]
    assert events(uptd_ppa) == sorted([*both, "referral.received", "referral.received"])
    assert events(dinsos) == sorted(both)
    assert events(dp3akb) == []


def test_a_case_update_reaches_only_agencies_that_see_what_changed(
    case, ani, sari, dinsos, uptd_ppa, dp3akb, eko, receiver
):
    for agency in (dinsos, uptd_ppa, dp3akb):
        hook(agency, receiver.url, eko, events=["case.updated"])
    referral = send(case, ani, uptd_ppa, sections=("identitas", "asesmen"))
    services.referral_accept(referral=referral, accepted_by=sari)

    case_update(case=case, updated_by=ani, expected_version=1, changes={"risk_level": "tinggi"})
    lead = sent_to(dinsos).get()
    assert lead.payload["changed"] == ["risk_level"]
    assert lead.payload["incident"]["risk_level"] == "tinggi"
    # UPTD PPA does not read the incident section: the risk level is not its business.
    assert not sent_to(uptd_ppa).exists()

    case_start_assessment(case=Case.objects.get(pk=case.pk), started_by=ani)
    shared = sent_to(uptd_ppa).get().payload
    assert shared["case"] == {
        "id": case.pk,
        "code": case.code,
        "version": 3,
        "status": "asesmen",
        "lead_agency": dinsos.pk,
    }
    assert shared["shared_sections"] == ["identitas", "asesmen"]
    assert shared["changed"] == ["status"]
    assert "incident" not in shared
    assert not sent_to(dp3akb).exists()


def test_a_shared_incident_section_sends_its_fields_but_no_narrative(
    case, ani, sari, uptd_ppa, eko, receiver
):
    hook(uptd_ppa, receiver.url, eko, events=["case.updated"])
    referral = send(case, ani, uptd_ppa, sections=("kejadian",))
    services.referral_accept(referral=referral, accepted_by=sari)
    case_update(case=case, updated_by=ani, expected_version=1, changes={"risk_level": "tinggi"})
    payload = sent_to(uptd_ppa).get().payload
    assert payload["changed"] == ["risk_level"]
    assert payload["incident"]["risk_level"] == "tinggi"
    assert payload["incident"]["place_type"] == "rumah_tangga"
    text = json.dumps(payload)
    for secret in (CHRONOLOGY, ADDRESS, CHILD, "incident_address", "chronology"):
        assert secret not in text


def test_an_ended_referral_ends_the_case_updates(case, ani, sari, uptd_ppa, eko, receiver):
    hook(uptd_ppa, receiver.url, eko, events=["case.updated"])
    referral = send(case, ani, uptd_ppa)
    services.referral_accept(referral=referral, accepted_by=sari)
    services.referral_complete(referral=referral, completed_by=sari, outcome="ok", feedback="ok")
    case_start_assessment(case=case, started_by=ani)
    assert not sent_to(uptd_ppa).exists()


def test_a_deactivated_agency_hears_nothing_more(case, ani, sari, uptd_ppa, eko, receiver):
    hook(uptd_ppa, receiver.url, eko, events=["case.updated"])
    referral = send(case, ani, uptd_ppa, sections=("kejadian",))
    services.referral_accept(referral=referral, accepted_by=sari)
    Agency.objects.filter(pk=uptd_ppa.pk).update(is_active=False)
    case_update(case=case, updated_by=ani, expected_version=1, changes={"risk_level": "tinggi"})
    assert not sent_to(uptd_ppa).exists()


@pytest.fixture
def meeting(fajar, dinsos, uptd_ppa):
    starts = timezone.now() + timedelta(days=3)
    return meeting_schedule(
        organised_by=fajar,
        kind="insidental",
        title="Rapat koordinasi uji",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        agencies=[dinsos, uptd_ppa],
    )


def test_meeting_changes_reach_the_invited_agencies(fajar, dinsos, uptd_ppa, dp3akb, eko, receiver):
    for agency in (dinsos, uptd_ppa, dp3akb):
        hook(agency, receiver.url, eko, events=["meeting.changed"])
    starts = timezone.now() + timedelta(days=3)
    meeting = meeting_schedule(
        organised_by=fajar,
        kind="insidental",
        title="Rapat koordinasi uji",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        agencies=[dinsos, uptd_ppa],
    )
    later = starts + timedelta(days=1)
    meeting_move(
        meeting=meeting,
        moved_by=fajar,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        reason="Bentrok",
    )
    meeting_cancel(meeting=meeting, cancelled_by=fajar, reason="Batal")
    changes = [d.payload for d in sent_to(uptd_ppa).order_by("id")]
    assert [p["change"] for p in changes] == ["scheduled", "moved", "cancelled"]
    assert changes[1]["meeting"]["starts_at"] == later.isoformat()
    assert changes[2]["meeting"]["status"] == "dibatalkan"
    assert "title" not in json.dumps(changes)
    assert sent_to(dinsos).count() == 3
    assert not sent_to(dp3akb).exists()


def test_an_action_item_reaches_its_agency_when_the_minutes_are_approved(
    meeting, fajar, citra, uptd_ppa, dinsos, eko, receiver
):
    for agency in (uptd_ppa, dinsos):
        hook(agency, receiver.url, eko, events=["action_item.assigned"])
    item = action_item_add(
        meeting=meeting,
        added_by=fajar,
        title="Kunjungan rumah oleh UPTD",
        agency=uptd_ppa,
        assignee=citra,
        due_on=timezone.localdate() + timedelta(days=10),
    )
    assert not WebhookDelivery.objects.exists()  # a draft: nobody outside sees it yet
    minutes_save(meeting=meeting, written_by=fajar, summary="Ringkasan", items={})
    minutes_submit(meeting=meeting, submitted_by=fajar)
    minutes_approve(meeting=meeting, approved_by=fajar)
    payload = sent_to(uptd_ppa, "action_item.assigned").get().payload
    assert payload["action_item"] == {
        "id": item.pk,
        "meeting": meeting.pk,
        "agency": uptd_ppa.pk,
        "assignee": citra.pk,
        "due_on": item.due_on.isoformat(),
        "status": "terbuka",
    }
    assert not sent_to(dinsos).exists()


def test_no_payload_names_a_demo_child_or_carries_a_narrative(
    ani, budi, sari, citra, dinsos, uptd_ppa, dp3akb, eko, receiver
):
    """The demo city's own cases and referrals, through every event, to every agency."""
    for agency in Agency.objects.all():
        hook(agency, receiver.url, eko)
    demo_cases_seed()
    demo_referrals_seed()  # sends, accepts, declines, completes, cancels, expires
    led_by_ani = Case.objects.filter(lead_agency=dinsos, lead_caseworker=ani)
    first, second = led_by_ani.get(status="asesmen"), led_by_ani.get(status="intervensi")
    shared = send(first, budi, uptd_ppa, service="kesehatan", sections=["kejadian"])
    services.referral_accept(referral=shared, accepted_by=sari)
    case_update(
        case=first,
        updated_by=budi,
        expected_version=Case.objects.get(pk=first.pk).version,
        changes={"risk_level": "tinggi", "place_type": "sekolah"},
    )
    case_start_monitoring(case=second, started_by=ani)
    starts = timezone.now() + timedelta(days=2)
    meeting = meeting_schedule(
        organised_by=budi,
        kind="konferensi_kasus",
        case=first,
        title=f"Konferensi {first.code}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        agencies=[dinsos, uptd_ppa],
    )
    action_item_add(
        meeting=meeting,
        added_by=budi,
        title="Tindak lanjut",
        agency=uptd_ppa,
        assignee=citra,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    minutes_save(meeting=meeting, written_by=budi, summary="Ringkasan", items={})
    minutes_submit(meeting=meeting, submitted_by=budi)
    minutes_approve(meeting=meeting, approved_by=budi)

    assert set(WebhookDelivery.objects.values_list("event", flat=True)) == set(EVERY_EVENT)
    assert sent_to(uptd_ppa, "case.updated").exists()
    assert not sent_to(dp3akb).exists()
    payloads = json.dumps(list(WebhookDelivery.objects.values_list("payload", flat=True)))
    names = [row[6] for row in DEMO_CASES] + ["Anak Contoh Tujuh"]
    narratives = ["Contoh", "kronologi", "data demo", "alasan", "Butuh", "Tindak lanjut"]
    for text in [*names, *(f"Wali {name}" for name in names), *narratives]:
        assert text.lower() not in payloads.lower()


# --- Delivery to a real receiver ---------------------------------------------------------


@pytest.fixture
def delivery(case, ani, uptd_ppa, eko, receiver):
    _endpoint, secret = hook(uptd_ppa, receiver.url, eko, events=["referral.received"])
    send(case, ani, uptd_ppa)
    delivery = WebhookDelivery.objects.get()
    delivery.secret = secret
    return delivery


def test_a_delivery_is_signed_and_received(delivery, receiver, case):
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    (request,) = receiver.requests
    assert request["path"] == "/hooks/sinergi?source=test"
    assert request["headers"]["content-type"] == "application/json"
    assert request["headers"]["sinergi-event"] == "referral.received"
    assert request["headers"]["sinergi-delivery"] == str(delivery.pk)
    assert signature_is_valid(request, delivery.secret)
    assert not signature_is_valid(request, delivery.secret + "x")
    body = json.loads(request["body"])
    assert body["id"] == delivery.pk and body["event"] == "referral.received"
    assert body["data"]["referral"]["case"]["code"] == case.code
    assert CHILD not in request["body"].decode() and CHRONOLOGY not in request["body"].decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None


def test_a_tampered_body_fails_the_check(delivery, receiver):
    webhook_deliver(delivery_id=delivery.pk)
    (request,) = receiver.requests
    tampered = {**request, "body": request["body"].replace(b'"urgency":"segera"', b'"urgency":"x"')}
    assert tampered["body"] != request["body"]
    assert not signature_is_valid(tampered, delivery.secret)


def test_running_the_task_again_sends_nothing_more(delivery, receiver):
    assert webhook_deliver_task.apply(args=[delivery.pk]).get() == "delivered"
    assert webhook_deliver_task.apply(args=[delivery.pk]).get() == "skipped"
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_an_attempt_being_sent_by_one_worker_is_not_sent_by_another(delivery, receiver):
    claimed = _claim(delivery.pk, timezone.now())  # a first worker holds the attempt
    assert claimed.attempts == 1
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"  # the second finds it taken
    assert receiver.requests == []


def test_a_delivery_queued_before_its_agency_was_deactivated_is_not_sent(
    delivery, receiver, uptd_ppa
):
    Agency.objects.filter(pk=uptd_ppa.pk).update(is_active=False)
    assert webhook_deliver(delivery_id=delivery.pk) == "abandoned"
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.ABANDONED


def test_failures_are_retried_later_and_later(delivery, receiver, uptd_ppa):
    receiver.status = 500
    waits = []
    for attempt in (1, 2, 3, 4):
        before = timezone.now()
        assert webhook_deliver(delivery_id=delivery.pk) == "failed"
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (attempt, 500)
        assert delivery.last_error == "The endpoint answered HTTP 500."
        waits.append(delivery.next_attempt_at - before)
        assert webhook_deliver(delivery_id=delivery.pk) == "skipped"  # not due yet
        make_due(delivery)
    assert waits[0] >= timedelta(minutes=1) > waits[0] - timedelta(seconds=5)
    assert waits == sorted(waits) and len(set(waits)) == 4
    assert waits[3] >= timedelta(hours=2)
    assert WebhookEndpoint.objects.get(agency=uptd_ppa).consecutive_failures == 4

    receiver.status = 204
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    assert len(receiver.requests) == 5
    assert len({request["headers"]["sinergi-delivery"] for request in receiver.requests}) == 1
    assert WebhookEndpoint.objects.get(agency=uptd_ppa).consecutive_failures == 0


@override_settings(WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_is_abandoned_after_the_last_attempt(delivery, receiver):
    receiver.status = 503
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    make_due(delivery)
    assert webhook_deliver(delivery_id=delivery.pk) == "abandoned"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is None
    make_due(delivery)
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == 2


@override_settings(WEBHOOK_MAX_ATTEMPTS=3)
def test_attempts_lost_with_dead_workers_still_count(delivery, receiver):
    """Each claim counts, even when its worker died before recording a result."""
    for _ in range(3):
        assert _claim(delivery.pk, timezone.now()) is not None  # ...and the worker dies
        make_due(delivery)  # its lease runs out
    assert webhook_deliver(delivery_id=delivery.pk) == "abandoned"
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (4, "No attempts left.")


@override_settings(WEBHOOK_TIMEOUT_SECONDS=1)
def test_no_answer_in_time_is_a_failure(delivery, receiver):
    receiver.delay = 2
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert delivery.last_error == "No answer within 1 seconds."


def test_the_address_is_checked_again_at_delivery(delivery, receiver):
    with override_settings(WEBHOOK_ALLOW_LOCAL_URLS=False):
        assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    assert receiver.requests == []  # refused before connecting
    delivery.refresh_from_db()
    assert delivery.last_error == "Use an https:// address."


@override_settings(WEBHOOK_DISABLE_AFTER_FAILURES=3)
def test_an_endpoint_failing_again_and_again_is_disabled(case, ani, sari, uptd_ppa, eko, receiver):
    admin = member_of(uptd_ppa, "admin", preferred_language="en")
    endpoint, _secret = hook(uptd_ppa, receiver.url, eko)
    receiver.status = 500
    referral = send(case, ani, uptd_ppa)
    services.referral_accept(referral=referral, accepted_by=sari)
    services.referral_start(referral=referral, started_by=sari)
    services.referral_complete(referral=referral, completed_by=sari, outcome="ok", feedback="ok")
    first, second, third = WebhookDelivery.objects.order_by("id")
    for delivery in (first, second):
        assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    assert webhook_deliver(delivery_id=third.pk) == "abandoned"

    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert endpoint.disabled_reason == "3 deliveries in a row failed."
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"abandoned"}
    make_due(first)
    assert webhook_deliver(delivery_id=first.pk) == "skipped"
    services.referral_cancel(
        referral=send(case, ani, uptd_ppa, service="kesehatan"), cancelled_by=ani, reason="x"
    )
    assert WebhookDelivery.objects.count() == 3  # a disabled endpoint gets nothing new
    assert Notification.objects.filter(recipient=admin, kind=DISABLED_NOTIFICATION).exists()


# --- The sweep ---------------------------------------------------------------------------


def test_the_sweep_queues_due_retries_and_lost_deliveries_once(delivery, receiver):
    assert webhook_deliveries_requeue() == 0  # just queued after commit: on its way
    WebhookDelivery.objects.update(queued_at=timezone.now() - timedelta(minutes=10))
    assert webhook_deliveries_requeue() == 1  # lost on the way: queued again
    assert webhook_deliveries_requeue() == 0

    receiver.status = 500
    webhook_deliver(delivery_id=delivery.pk)
    assert webhook_deliveries_requeue() == 0  # the retry is not due yet
    make_due(delivery)
    assert webhook_deliveries_requeue() == 1
    assert webhook_deliveries_requeue() == 0


def test_the_sweep_runs_every_minute():
    entry = app.conf.beat_schedule["webhooks"]
    assert entry["task"] == webhooks_sweep.name
    assert entry["schedule"] == 60


# --- Admin pages -------------------------------------------------------------------------


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(client, uptd_ppa, receiver):
    admin = member_of(uptd_ppa, "admin", preferred_language="en")
    client.force_login(admin)
    response = client.post(
        "/admin/api/webhookendpoint/add/",
        {"agency": uptd_ppa.pk, "url": receiver.url, "events": ["referral.received"]},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.encode() in response.content
    assert endpoint.created_by == admin and endpoint.events == ["referral.received"]
    page = client.get(f"/admin/api/webhookendpoint/{endpoint.pk}/change/")
    assert page.status_code == 200
    assert endpoint.secret.encode() not in page.content


def test_an_admin_registers_only_for_their_own_agency(client, uptd_ppa, dinsos, receiver):
    client.force_login(member_of(uptd_ppa, "admin", preferred_language="en"))
    response = client.post(
        "/admin/api/webhookendpoint/add/",
        {"agency": dinsos.pk, "url": receiver.url, "events": ["referral.received"]},
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_another_agencys_admin_sees_neither_endpoints_nor_deliveries(client, delivery, eko, sari):
    client.force_login(eko)  # DP3AKB's admin
    assert delivery.endpoint.url not in client.get("/admin/api/webhookendpoint/").content.decode()
    page = client.get(f"/admin/api/webhookendpoint/{delivery.endpoint_id}/change/")
    assert page.status_code == 302  # the admin's "does not exist"
    log = client.get("/admin/api/webhookdelivery/").content.decode()
    assert f"/admin/api/webhookdelivery/{delivery.pk}/" not in log
    client.force_login(sari)  # a supervisor, not an admin
    assert client.get("/admin/api/webhookendpoint/").status_code == 403


def test_the_delivery_log_shows_outcomes_but_not_payloads(client, delivery, receiver, case):
    receiver.status = 500
    webhook_deliver(delivery_id=delivery.pk)
    client.force_login(member_of(delivery.endpoint.agency, "admin", preferred_language="en"))
    log = client.get("/admin/api/webhookdelivery/").content.decode()
    assert "The endpoint answered HTTP 500." in log
    detail = client.get(f"/admin/api/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert "referral.received" in detail
    assert case.code not in log and case.code not in detail


@override_settings(WEBHOOK_DISABLE_AFTER_FAILURES=1)
def test_re_enabling_from_the_admin_resets_the_count(client, delivery, receiver):
    receiver.status = 500
    assert webhook_deliver(delivery_id=delivery.pk) == "abandoned"
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.is_active
    client.force_login(member_of(endpoint.agency, "admin", preferred_language="en"))
    changelist = client.get("/admin/api/webhookendpoint/")
    assert "1 deliveries in a row failed." in changelist.content.decode()
    client.post(
        "/admin/api/webhookendpoint/",
        {"action": "enable", "_selected_action": [endpoint.pk]},
    )
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert endpoint.disabled_at is None


def test_the_registration_form_offers_only_the_admins_agency(client, uptd_ppa, dinsos):
    client.force_login(member_of(uptd_ppa, "admin", preferred_language="en"))
    page = client.get("/admin/api/webhookendpoint/add/")
    assert page.status_code == 200
    choices = list(page.context["form"].fields["agency"].queryset)
    assert choices == [uptd_ppa]


def test_a_changed_url_is_checked_like_a_new_one(client, delivery):
    endpoint = delivery.endpoint
    client.force_login(member_of(endpoint.agency, "admin", preferred_language="en"))
    response = client.post(
        f"/admin/api/webhookendpoint/{endpoint.pk}/change/",
        {"url": "http://93.184.215.14/hook", "description": "", "events": ["case.updated"]},
    )
    assert response.status_code == 200
    assert "Use an https:// address." in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.events == ["referral.received"]


def test_the_documented_verification_snippet_accepts_a_real_delivery(delivery, receiver):
    docs = (Path(settings.BASE_DIR) / "docs" / "webhooks.md").read_text()
    snippet = docs.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(snippet, namespace)  # noqa: S102  (our own documentation, run as a receiver would)
    is_valid = namespace["sinergi_signature_is_valid"]
    webhook_deliver(delivery_id=delivery.pk)
    (request,) = receiver.requests
    header, body = request["headers"]["sinergi-signature"], request["body"]
    assert is_valid(delivery.secret, header, body)
    assert not is_valid("whsec_wrong", header, body)
    assert not is_valid(delivery.secret, header, body + b" ")
    timestamp, digest = header.split(",")
    stale = f"t={int(timestamp.removeprefix('t=')) - 301},{digest}"
    assert not is_valid(delivery.secret, stale, body)
