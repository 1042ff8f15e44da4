"""The joint-agreement reminder, run by a real Celery worker on the real Redis against a
real, committed database holding the demo city (whose agreement ends within 60 days)."""

import json
import uuid

import pytest

from agencies.tasks import agreements_warn_expiring
from config.celery import app
from tests.browser import server_environment
from tests.processes import manage_output, start_worker, stop_worker

REPORT = """
import json
from agencies.models import Notification
print(json.dumps(sorted(
    Notification.objects.filter(kind__startswith="agreement_expiring")
    .values_list("recipient__username", "kind")
)))
"""


@pytest.fixture
def committed_demo(tmp_path, redis_url):
    env = {**server_environment(tmp_path), "REDIS_URL": redis_url}
    manage_output(env, "migrate", "--noinput")
    manage_output(env, "seed_demo")
    return env


@pytest.fixture
def worker(committed_demo):
    queue = f"sinergi-network-{uuid.uuid4().hex[:8]}"
    process = start_worker(committed_demo, queue, committed_demo["SINERGI_VAR_DIR"] + "/worker.log")
    yield queue
    stop_worker(process)


@pytest.mark.services
def test_the_worker_reminds_the_coordinators_once(committed_demo, worker):
    first = agreements_warn_expiring.apply_async(queue=worker).get(timeout=120)
    second = agreements_warn_expiring.apply_async(queue=worker).get(timeout=120)
    assert (first, second) == (1, 0)
    report = json.loads(manage_output(committed_demo, "shell", "-c", REPORT).splitlines()[-1])
    assert report == [["fajar", "agreement_expiring_60"]]


def test_the_reminder_runs_every_hour():
    entry = app.conf.beat_schedule["agreement-expiry"]
    assert entry["task"] == agreements_warn_expiring.name
    assert entry["schedule"] == 60 * 60
