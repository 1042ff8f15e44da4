"""The joint-agreement reminder, run by a real Celery worker on the real Redis against a
real, committed database holding the demo city (whose agreement ends within 60 days)."""

import json

import pytest

from agencies.tasks import agreements_warn_expiring
from config.celery import app
from tests.processes import manage_output

REPORT = """
import json
from agencies.models import Notification
print(json.dumps(sorted(
    Notification.objects.filter(kind__startswith="agreement_expiring")
    .values_list("recipient__username", "kind")
)))
"""


@pytest.mark.services
def test_the_worker_reminds_the_coordinators_once(committed_demo, demo_worker):
    first = agreements_warn_expiring.apply_async(queue=demo_worker).get(timeout=120)
    second = agreements_warn_expiring.apply_async(queue=demo_worker).get(timeout=120)
    assert (first, second) == (1, 0)
    report = json.loads(manage_output(committed_demo, "shell", "-c", REPORT).splitlines()[-1])
    assert report == [["fajar", "agreement_expiring_60"]]


def test_the_reminder_runs_every_hour():
    entry = app.conf.beat_schedule["agreement-expiry"]
    assert entry["task"] == agreements_warn_expiring.name
    assert entry["schedule"] == 60 * 60
