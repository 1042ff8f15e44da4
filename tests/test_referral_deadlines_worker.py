"""The deadline sweep, run by a real Celery worker on the real Redis against a real,
committed database (its own, like the browser tests', so nothing is rolled back under it)."""

import json

import pytest

from config.celery import app
from referrals.tasks import referrals_sweep_deadlines
from tests.processes import manage_output

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


def _report(env) -> dict:
    return json.loads(manage_output(env, "shell", "-c", REPORT).strip().splitlines()[-1])


@pytest.mark.services
def test_the_worker_expires_overdue_referrals_once(committed_demo, demo_worker):
    manage_output(committed_demo, "shell", "-c", MAKE_THE_WAITING_REFERRAL_OVERDUE)
    before = json.loads(
        manage_output(committed_demo, "shell", "-c", REPORT).strip().splitlines()[-1]
    )

    first = referrals_sweep_deadlines.apply_async(queue=demo_worker).get(timeout=120)
    second = referrals_sweep_deadlines.apply_async(queue=demo_worker).get(timeout=120)

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
