"""Statements kept per process run prepared on PostgreSQL (config.prepared_statements)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from config.prepared_statements import execute_kept, numbered

STATEMENT = "SELECT nomenclature FROM agencies_agency WHERE id = %s AND name NOT LIKE '%%x'"
DOUBLED = "SELECT %s::integer * 2"


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def _nomenclature(agency_id) -> str | None:
    with connection.cursor() as cursor:
        execute_kept(connection, cursor, STATEMENT, [agency_id])
        row = cursor.fetchone()
    return row and row[0]


def test_placeholders_are_numbered_and_percent_signs_unescaped():
    assert numbered(STATEMENT) == (
        "SELECT nomenclature FROM agencies_agency WHERE id = $1 AND name NOT LIKE '%x'"
    )
    assert numbered("SELECT %s, %s, %%s") == "SELECT $1, $2, %s"


@pytest.mark.django_db
def test_a_kept_statement_is_prepared_once_and_run_with_each_requests_values(
    dinsos, uptd_ppa, room_for_kept_statements
):
    assert _nomenclature(dinsos.pk) == dinsos.nomenclature
    prepared = _prepared_names()
    with CaptureQueriesContext(connection) as queries:
        assert _nomenclature(uptd_ppa.pk) == uptd_ppa.nomenclature
        assert _nomenclature(-1) is None
    assert _prepared_names() == prepared  # nothing prepared again
    assert [query["sql"].split(" (")[0] for query in queries] == [
        queries[0]["sql"].split(" (")[0]
    ] * 2
    assert queries[0]["sql"].startswith("EXECUTE sinergi_kept_")


@pytest.mark.django_db(transaction=True)
def test_a_kept_statement_outlives_a_rollback_and_is_prepared_again_on_a_new_connection(
    room_for_kept_statements,
):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert _doubled(21) == 42
        raise RuntimeError("rolled back")
    assert _doubled(4) == 8  # still prepared
    connection.close()
    assert _doubled(5) == 10  # prepared on the new connection
    assert any(name.startswith("sinergi_kept_") for name in _prepared_names())


def _doubled(number: int) -> int:
    with connection.cursor() as cursor:
        execute_kept(connection, cursor, DOUBLED, [number])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_behind_a_transaction_pooler_they_run_plain(dinsos):
    plain = override_settings(DATABASE_PREPARED_STATEMENTS=False)
    with plain, CaptureQueriesContext(connection) as queries:
        assert _nomenclature(dinsos.pk) == dinsos.nomenclature
    assert queries[0]["sql"].startswith("SELECT nomenclature")


@pytest.mark.django_db
def test_a_connection_keeps_a_bounded_number_of_plans(
    dinsos, monkeypatch, room_for_kept_statements
):
    """Page sizes and offsets are the caller's: shapes past the bound run plain."""
    from config import prepared_statements

    assert _nomenclature(dinsos.pk) == dinsos.nomenclature
    held = len(prepared_statements._prepared_on(connection))
    monkeypatch.setattr(prepared_statements, "MOST_PREPARED_PER_CONNECTION", held)
    rare = STATEMENT.replace("%%x", "%%y")
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        execute_kept(connection, cursor, rare, [dinsos.pk])
        assert cursor.fetchone() == (dinsos.nomenclature,)
        assert _nomenclature(dinsos.pk) == dinsos.nomenclature  # the kept one still runs
    assert queries[0]["sql"].startswith("SELECT nomenclature")
    assert queries[1]["sql"].startswith("EXECUTE sinergi_kept_")
