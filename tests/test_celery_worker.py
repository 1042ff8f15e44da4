"""A real Celery worker on the real Redis runs Sinergi's tasks."""

import os
import uuid

import pytest
from django.conf import settings

from config.celery import app, ping
from tests.processes import start_worker, stop_worker


@pytest.fixture
def worker(redis_url, tmp_path):
    """A solo worker on a queue of its own, so no other worker can take the task."""
    queue = f"sinergi-test-{uuid.uuid4().hex[:8]}"
    process = start_worker({**os.environ, "REDIS_URL": redis_url}, queue, tmp_path / "worker.log")
    yield queue
    stop_worker(process)


@pytest.mark.services
def test_a_worker_consumes_from_redis(worker):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    result = ping.apply_async(queue=worker)
    assert result.get(timeout=60) == "pong"


def test_tasks_are_acknowledged_late_and_redelivered_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
