"""The deadline sweep, run by a real Celery worker on the real Redis against a real,
committed database (its own, like the browser tests', so nothing is rolled back under it)."""

import json
import uuid

import pytest

from config.celery import app
from referrals.tasks import referrals_sweep_deadlines
from tests.browser import server_environment
from tests.processes import manage_output, start_worker, stop_worker

MAKE_THE_WAITING_REFERRAL_OVERDUE = """
import datetime
from django.utils import timezone
from referrals.models import Referral
Referral.objects.filter(status="dikirim").update(
    respond_by=timezone.now() - datetime.timedelta(minutes=5)
)
"""

REPORT = """
import json
from agencies.models import Notification
from referrals.models import Referral
print(json.dumps({
    "statuses": sorted(Referral.objects.values_list("status", flat=True)),
    "expired_notices": Notification.objects.filter(kind="referral_expired").count(),
}))
"""


@pytest.fixture
def committed_demo(tmp_path, redis_url):
    env = {**server_environment(tmp_path), "REDIS_URL": redis_url}
    manage_output(env, "migrate", "--noinput")
    manage_output(env, "seed_demo")
    return env


@pytest.fixture
def worker(committed_demo):
    queue = f"sinergi-deadlines-{uuid.uuid4().hex[:8]}"
    process = start_worker(committed_demo, queue, committed_demo["SINERGI_VAR_DIR"] + "/worker.log")
    yield queue
    stop_worker(process)


def _report(env) -> dict:
    return json.loads(manage_output(env, "shell", "-c", REPORT).strip().splitlines()[-1])


@pytest.mark.services
def test_the_worker_expires_overdue_referrals_once(committed_demo, worker):
    manage_output(committed_demo, "shell", "-c", MAKE_THE_WAITING_REFERRAL_OVERDUE)
    before = json.loads(
        manage_output(committed_demo, "shell", "-c", REPORT).strip().splitlines()[-1]
    )

    first = referrals_sweep_deadlines.apply_async(queue=worker).get(timeout=120)
    second = referrals_sweep_deadlines.apply_async(queue=worker).get(timeout=120)

    assert first["expired"] == 1
    assert second == {"warned": 0, "expired": 0}
    after = json.loads(
        manage_output(committed_demo, "shell", "-c", REPORT).strip().splitlines()[-1]
    )
    assert after["statuses"].count("kedaluwarsa") == before["statuses"].count("kedaluwarsa") + 1
    assert "dikirim" not in after["statuses"]
    assert after["expired_notices"] > before["expired_notices"]


def test_the_sweep_is_scheduled_every_15_minutes():
    entry = app.conf.beat_schedule["referral-deadlines"]
    assert entry["task"] == referrals_sweep_deadlines.name
    assert entry["schedule"] == 15 * 60
