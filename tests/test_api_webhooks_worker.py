"""Webhooks through the outbox, delivered by a real Celery worker on the real Redis from a
real, committed database (its own, like the browser tests'), to a real HTTP receiver.

The worker and the ``manage.py shell`` processes share one queue name (CELERY_QUEUE):
what a committed step queues, and what the sweep queues from inside the worker, reach
this worker and no other.
"""

import json
import subprocess
import sys
import uuid

import pytest

from api.tasks import webhook_deliver_task, webhooks_sweep
from cases.demo import DEMO_CASES
from tests.processes import BASE_DIR, manage_output, start_worker, stop_worker
from tests.webhook_receiver import Receiver, signature_is_valid

REGISTER = """
import json
from agencies.models import Agency, User
from api.webhooks.endpoints import webhook_endpoint_register
_endpoint, secret = webhook_endpoint_register(
    agency=Agency.objects.get(nomenclature="UPTD PPA"),
    url=URL,
    events=["referral.received"],
    registered_by=User.objects.get(username="eko"),
)
print(json.dumps({"secret": secret}))
"""

# Anak Contoh Dua's case, referred again to UPTD PPA for a service not asked of it yet.
SEND = """
import json
from django.db import transaction
from django.utils import timezone
from agencies.models import Agency, User
from cases.models import CaseParty
from referrals.services import Consent, ReferralRequest, Summary, referral_send
party = next(
    p for p in CaseParty.objects.filter(part="anak").select_related("case", "person")
    if p.person.name == "Anak Contoh Dua"
)
with transaction.atomic():
    referral = referral_send(
        case=party.case,
        sent_by=User.objects.get(username="ani"),
        request=ReferralRequest(
            to_agency=Agency.objects.get(nomenclature="UPTD PPA"),
            service_type=SERVICE,
            reason="Contoh alasan (data demo).",
            urgency="biasa",
            summary=Summary(purpose="Contoh (data demo)."),
            consent=Consent(given_by="wali", given_on=timezone.localdate(), scope="rujukan"),
            shared_sections=["identitas", "asesmen"],
        ),
    )
from api.models import WebhookDelivery
print(json.dumps({"delivery": WebhookDelivery.objects.get(payload__referral__id=referral.pk).pk}))
"""

STATE = """
import json
from api.models import WebhookDelivery
print(json.dumps({
    str(d.pk): [d.status, d.attempts, d.last_status_code]
    for d in WebhookDelivery.objects.all()
}))
"""

TIME_PASSES = """
import datetime
from django.utils import timezone
from api.models import WebhookDelivery
ago = timezone.now() - datetime.timedelta(minutes=10)
WebhookDelivery.objects.filter(status__in=["pending", "failed"]).update(
    next_attempt_at=ago, queued_at=ago
)
"""

DELIVER = (
    "from api.webhooks.delivery import webhook_deliver; print(webhook_deliver(delivery_id=ID))"
)


def _last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def webhook_worker(committed_demo):
    """Like ``demo_worker``, but the worker's own default queue is its test queue too, so
    the deliveries the sweep queues from inside it come back to it."""
    queue = f"sinergi-test-{uuid.uuid4().hex[:8]}"
    env = {**committed_demo, "CELERY_QUEUE": queue}
    process = start_worker(env, queue, committed_demo["SINERGI_VAR_DIR"] + "/worker.log")
    yield env, queue
    stop_worker(process)


def _shell(env, script: str, **values) -> str:
    for name, value in values.items():
        script = script.replace(name, repr(value))
    return manage_output(env, "shell", "-c", script)


def _state(env, expected: dict[int, list], tries: int = 10) -> dict[int, list]:
    """The deliveries' state, read again while the worker may still be recording an
    attempt (at most ``tries`` times); the caller asserts on what it returns."""
    for _ in range(tries):
        state = {int(pk): value for pk, value in _last_json(_shell(env, STATE)).items()}
        if all(state.get(pk) == value for pk, value in expected.items()):
            break
    return state


def _deliver_concurrently(env, delivery_id: int) -> list[str]:
    """Two processes run the delivery of the same attempt at the same time."""
    command = [sys.executable, "manage.py", "shell", "-c", DELIVER.replace("ID", str(delivery_id))]
    runs = [
        subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    return sorted(run.communicate(timeout=120)[0].strip().splitlines()[-1] for run in runs)


@pytest.mark.services
def test_the_worker_delivers_retries_and_never_sends_an_attempt_twice(webhook_worker, receiver):
    env, queue = webhook_worker
    lost = {**env, "CELERY_QUEUE": f"{queue}-nobody"}  # queueing after commit gets lost
    secret = _last_json(_shell(env, REGISTER, URL=receiver.url))["secret"]

    # 1. The committed referral is delivered by the worker; the receiver fails it.
    receiver.status = 500
    first = _last_json(_shell(env, SEND, SERVICE="kesehatan"))["delivery"]
    receiver.wait_for(1)
    assert _state(env, {first: ["failed", 1, 500]})[first] == ["failed", 1, 500]

    # 2. Its retry is due; the sweep, run by the worker, queues it and the worker sends it.
    # 3. A delivery whose queueing was lost is found by the same sweep.
    second = _last_json(_shell(lost, SEND, SERVICE="psikososial"))["delivery"]
    receiver.status = 200
    _shell(env, TIME_PASSES)
    assert webhooks_sweep.apply_async(queue=queue).get(timeout=120) == 2
    receiver.wait_for(3)
    expected = {first: ["delivered", 2, 200], second: ["delivered", 1, 200]}
    state = _state(env, expected)
    assert {pk: state[pk] for pk in expected} == expected

    # 4. Running the task again, or the sweep, sends nothing more.
    for _ in range(2):
        assert webhook_deliver_task.apply_async([first], queue=queue).get(timeout=120) == "skipped"
    assert webhooks_sweep.apply_async(queue=queue).get(timeout=120) == 0

    # 5. Two processes racing for one attempt: one sends, the other finds it taken.
    third = _last_json(_shell(lost, SEND, SERVICE="bantuan_hukum"))["delivery"]
    receiver.delay = 3
    assert _deliver_concurrently(env, third) == ["delivered", "skipped"]

    requests = receiver.requests
    sent = sorted(int(request["headers"]["sinergi-delivery"]) for request in requests)
    assert sent == sorted([first, first, second, third])
    assert all(signature_is_valid(request, secret) for request in requests)
    bodies = b" ".join(request["body"] for request in requests).decode()
    assert all(row[6] not in bodies for row in DEMO_CASES)
    assert "data demo" not in bodies
