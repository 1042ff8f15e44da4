"""Reminders with real Celery workers on the real Redis, against a committed database:
two sweeps (as from two beats) and two workers deliver each reminder exactly once, and
a reminder left pending (a worker died before committing) goes out with the next sweep."""

import json
import time
import uuid

import pytest

from meetings.tasks import meetings_sweep
from tests.browser import server_environment
from tests.processes import manage_output, start_worker, stop_worker

REPORT = """
import json
from agencies.models import Notification
from meetings.models import Reminder
print(json.dumps({
    "reminders": Reminder.objects.count(),
    "pending": Reminder.objects.filter(status="menunggu").count(),
    "notices": Notification.objects.filter(key__startswith="reminder:").count(),
    "kinds": sorted(set(Reminder.objects.values_list("kind", flat=True))),
}))
"""

# What a worker that died mid-delivery leaves behind: the claim was rolled back.
ROLL_BACK_ONE = """
from agencies.models import Notification
from meetings.models import Reminder
reminder = Reminder.objects.order_by("pk").first()
Notification.objects.filter(key=f"reminder:{reminder.pk}").delete()
Reminder.objects.filter(pk=reminder.pk).update(status="menunggu", sent_at=None)
"""


# The demo forum meets on the second Tuesday: this month's meeting is planned until then.
# Cancelled, the month has none, as the no-meeting reminder needs whatever today's date.
CANCEL_THIS_MONTH = """
from django.utils import timezone
from meetings.demo import FORUM_NAME
from meetings.models import Meeting
from zoneinfo import ZoneInfo
local = timezone.localtime(timezone.now(), ZoneInfo("Asia/Makassar"))
start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
end = (start + timezone.timedelta(days=32)).replace(day=1)
Meeting.objects.filter(
    forum__name=FORUM_NAME, starts_at__gte=start, starts_at__lt=end
).update(status=Meeting.Status.CANCELLED)
"""


def _expected_kinds() -> set[str]:
    """An action item is overdue in the demo; the month's no-meeting reminder is due from
    the 5th, 08:00 forum time (meetings.reminders)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime.now(ZoneInfo("Asia/Makassar"))
    no_meeting_due = local >= local.replace(day=5, hour=8, minute=0, second=0, microsecond=0)
    return {"tindak_lanjut", *(["tanpa_rapat"] if no_meeting_due else [])}


def _report(env) -> dict:
    return json.loads(manage_output(env, "shell", "-c", REPORT).strip().splitlines()[-1])


@pytest.fixture
def demo_env(tmp_path, redis_url):
    env = {
        **server_environment(tmp_path),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": f"sinergi-reminders-{uuid.uuid4().hex[:8]}",
    }
    manage_output(env, "migrate", "--noinput")
    manage_output(env, "seed_demo")
    manage_output(env, "shell", "-c", CANCEL_THIS_MONTH)
    return env


@pytest.fixture
def two_workers(demo_env):
    queue, var = demo_env["CELERY_QUEUE"], demo_env["SINERGI_VAR_DIR"]
    workers = [
        start_worker(demo_env, queue, f"{var}/worker-{n}.log", name=f"reminders-{n}@%h")
        for n in range(2)
    ]
    yield queue
    for worker in workers:
        stop_worker(worker)


def _until_delivered(env, timeout=90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = _report(env)
        if report["reminders"] and report["pending"] == 0:
            return report
        time.sleep(1)
    raise AssertionError(f"reminders still pending: {_report(env)}")


@pytest.mark.services
def test_two_beats_and_two_workers_send_each_reminder_once(demo_env, two_workers):
    first = meetings_sweep.apply_async(queue=two_workers)
    second = meetings_sweep.apply_async(queue=two_workers)
    first.get(timeout=120), second.get(timeout=120)
    report = _until_delivered(demo_env)
    assert _expected_kinds() <= set(report["kinds"])
    assert report["notices"] == report["reminders"]

    manage_output(demo_env, "shell", "-c", ROLL_BACK_ONE)
    meetings_sweep.apply_async(queue=two_workers).get(timeout=120)
    after = _until_delivered(demo_env)
    assert after["reminders"] == report["reminders"]
    assert after["notices"] == report["notices"]
