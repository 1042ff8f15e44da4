"""Django's PostgreSQL backend, with a kept connection's health checked at most every few
seconds instead of at the start of every request.

A worker keeps its connection between requests (``CONN_MAX_AGE``), and Django's
``CONN_HEALTH_CHECKS`` sends a ``SELECT 1`` before each request's first query, so that a
connection PostgreSQL or a pooler dropped meanwhile is replaced instead of failing the
request. Under load that is one round trip more on every request for a connection that
answered a moment ago: about a tenth of a signed-in request that reads nothing
(docs/performance.md). So a connection checked within ``DATABASE_HEALTH_CHECK_SECONDS``
is not checked again; one idle for longer is, as Django does. What this gives up: a
connection that died within those seconds fails one request before it is replaced (an
error marks it, and Django closes it when the request ends), as a request already
running when the database went away fails anyway. ``0`` checks before every request.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _checked_at: float | None = None  # time.monotonic() of the last check passed

    def connect(self):
        super().connect()
        self._checked_at = time.monotonic()  # a new connection is known to work

    def close_if_health_check_failed(self):
        interval = settings.DATABASE_HEALTH_CHECK_SECONDS
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self._checked_at is not None
            and time.monotonic() - self._checked_at < interval
        ):
            self.health_check_done = True  # checked a moment ago: spare the round trip
            return
        was_done = self.health_check_done
        super().close_if_health_check_failed()
        if self.connection is not None and not was_done:
            self._checked_at = time.monotonic()
