"""The production configuration plus the naive baseline the benchmark compares us with.

Only the benchmark serves these settings (``DJANGO_SETTINGS_MODULE=bench.settings``); the
environment (``SINERGI_ENV=production`` and the rest) is set by the harness, so nothing of
the configuration under test differs from a real deployment but the extra app and URLs.
"""

from config.settings import *  # noqa: F403

INSTALLED_APPS += ["bench.baseline"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
