"""The Celery app. Periodic schedules are declared here, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sinergi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Later issues add their periodic work here (reminders, deadline sweeps, aggregates).
app.conf.beat_schedule = {}


@app.task(name="sinergi.ping")
def ping() -> str:
    """Answers "pong": lets health checks and tests prove a worker is consuming."""
    return "pong"
