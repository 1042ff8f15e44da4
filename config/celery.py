"""The Celery app. Periodic schedules are declared here, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sinergi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job of Sinergi, in one place. Each task is idempotent: a sweep that runs
# twice (beat restarted, two workers) changes nothing the second time.
app.conf.beat_schedule = {
    "referral-deadlines": {
        "task": "sinergi.referrals_sweep_deadlines",
        "schedule": 15 * 60,
    },
    # Meetings from schedules, and every meeting reminder (invitations, RSVP chasers,
    # minutes, the monthly "no meeting" alert, the weekly action-item digest).
    "meetings": {
        "task": "sinergi.meetings_sweep",
        "schedule": 5 * 60,
    },
    # Dashboards and public statistics read cells brought up to date here: what changed
    # since the last run, counted again in seconds, so data is never older than a minute
    # (refresh time + this interval; `make bench` checks it at a million cases).
    "reports-refresh": {
        "task": "sinergi.reports_refresh",
        "schedule": 20,
    },
    # Every cell counted again, the safety net for what no trigger notes (a forum moving
    # regency). Steps of a few seconds: the frequent refresh slips in between them.
    "reports-rebuild": {
        "task": "sinergi.reports_rebuild",
        "schedule": 60 * 60,
    },
    # Joint agreements ending in 60 and 30 days: the signatories' coordinators hear once.
    "agreement-expiry": {
        "task": "sinergi.agreements_warn_expiring",
        "schedule": 60 * 60,
    },
    # Safe-house stays beyond their planned end: the case supervisors hear once per end.
    "placements-overdue": {
        "task": "sinergi.placements_flag_overdue",
        "schedule": 60 * 60,
    },
    # Webhook retries whose wait is over, and deliveries whose queueing was lost.
    "webhooks": {
        "task": "sinergi.webhooks_sweep",
        "schedule": 60,
    },
    # Idempotency keys of the partner API live 24 hours.
    "idempotency-keys": {
        "task": "sinergi.idempotency_keys_forget",
        "schedule": 60 * 60,
    },
}


@app.task(name="sinergi.ping")
def ping() -> str:
    """Answers "pong": lets health checks and tests prove a worker is consuming."""
    return "pong"
