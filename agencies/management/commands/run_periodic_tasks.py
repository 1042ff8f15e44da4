"""The embedded default's beat: runs the periodic tasks of config/celery.py in this
process, so `make run` sends reminders and expires referrals without Redis or Celery."""

import time

from django.core.management.base import BaseCommand

from config.celery import app

TICK_SECONDS = 30


class Command(BaseCommand):
    help = "Run Sinergi's periodic tasks in-process (a stand-in for celery beat in development)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every task once and stop")

    def handle(self, *args, once: bool = False, **options):
        app.loader.import_default_modules()
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, entry in app.conf.beat_schedule.items():
                if name in last_run and now - last_run[name] < entry["schedule"]:
                    continue
                result = app.tasks[entry["task"]].apply()
                last_run[name] = now
                self.stdout.write(f"{name}: {result.result!r}")
            if once:
                return
            time.sleep(TICK_SECONDS)
