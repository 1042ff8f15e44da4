"""One rebuild of an aggregate table at a time, whichever process runs it."""

from django.db import connection


def refresh_lock_taken(key: int) -> bool:
    """Take a transaction-scoped advisory lock; False when another refresh holds it.

    Call inside the refresh's transaction. SQLite has one writer at a time anyway.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return cursor.fetchone()[0]


def refresh_lock_wait(key: int) -> None:
    """Take the same lock, waiting for a refresh holding it to commit."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def session_lock_taken(key: int) -> bool:
    """A lock held across transactions until ``session_lock_release``; False when taken."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        return cursor.fetchone()[0]


def session_lock_release(key: int) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
