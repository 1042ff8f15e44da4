"""A kept database connection is checked at most every DATABASE_HEALTH_CHECK_SECONDS
(config/postgresql/base.py), not before every request: one round trip less per request
under load, and a connection the server dropped is still replaced."""

import psycopg2
import pytest
from django.conf import settings
from django.db import OperationalError, connection

from config.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks(monkeypatch):
    """How often the connection asked PostgreSQL whether it still works (the real
    check runs; it is only counted)."""
    asked = []
    real = DatabaseWrapper.is_usable

    def counted(self):
        asked.append(self.alias)
        return real(self)

    monkeypatch.setattr(DatabaseWrapper, "is_usable", counted)
    return asked


def a_request_reads():
    """What a request does to the connection: Django's close_old_connections when it
    starts, then a query; and close_old_connections again when it ends."""
    connection.close_if_unusable_or_obsolete()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]
    finally:
        connection.close_if_unusable_or_obsolete()


def server_drops(pid: int) -> None:
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other, other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_the_backend_is_djangos_postgresql_with_checks_on():
    assert connection.vendor == "postgresql"
    assert settings.DATABASES["default"]["ENGINE"] == "config.postgresql"
    assert connection.health_check_enabled and settings.DATABASE_HEALTH_CHECK_SECONDS == 5


def test_a_connection_checked_a_moment_ago_is_not_checked_again(checks):
    first = a_request_reads()
    assert [a_request_reads() for _ in range(5)] == [first] * 5
    assert checks == []  # new a moment ago, then used: no SELECT 1 before the requests


def test_a_check_starts_the_interval_again(checks):
    a_request_reads()
    connection._checked_at -= 60  # as if its last check were a minute ago
    a_request_reads()
    assert checks == ["default"]  # checked, and so not again for the next seconds
    a_request_reads()
    a_request_reads()
    assert checks == ["default"]


def test_a_connection_checked_longer_ago_is_checked_and_replaced_if_dropped(checks, settings):
    first = a_request_reads()
    settings.DATABASE_HEALTH_CHECK_SECONDS = 0  # every check is "longer ago"
    assert a_request_reads() == first
    assert checks == ["default"]
    server_drops(first)
    replaced = a_request_reads()  # the check finds it dropped: a new connection serves
    assert replaced != first
    assert checks == ["default", "default"]


def test_a_connection_dropped_right_after_its_check_fails_one_request_then_is_replaced(
    settings,
):
    """The price of sparing the round trip, as docs/performance.md states it."""
    settings.DATABASE_HEALTH_CHECK_SECONDS = 600  # however slow the machine is today
    first = a_request_reads()
    server_drops(first)
    with pytest.raises(OperationalError):
        a_request_reads()
    assert a_request_reads() != first


def test_a_statement_prepared_on_a_dropped_connection_marks_it_for_closing(settings):
    """Prepared statements are written on the raw cursor (config.prepared_statements),
    yet their failure marks the connection as Django's own queries do, so the request's
    end closes it and the next request gets a new one, not a second failure."""
    from config.prepared_statements import execute_kept

    settings.DATABASE_HEALTH_CHECK_SECONDS = 600
    first = a_request_reads()
    server_drops(first)
    connection.close_if_unusable_or_obsolete()  # a request starts
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        execute_kept(connection, cursor, "SELECT 1 + %s", [1])
    assert connection.errors_occurred
    connection.close_if_unusable_or_obsolete()  # it ends: the broken connection goes
    assert a_request_reads() != first
