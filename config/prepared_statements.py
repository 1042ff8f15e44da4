"""Statements kept per process, run as PostgreSQL prepared statements.

The statements Sinergi writes once per process (the signed-in user's load, a partner's
token lookup, a page of the API's case list and its rows) were still parsed and planned
by PostgreSQL on every request: planning took twice as long as running them (0.8 ms
against 0.5 ms for a page). Prepared once on each connection, PostgreSQL plans each
one a few times with the request's values and then keeps a generic plan.

Prepared statements live as long as the connection (a rollback does not drop them), so
the names prepared are remembered beside the connection they were prepared on and
forgotten when Django opens a new one. Behind a pooler that hands one client several
server connections (PgBouncer in transaction mode), set
``DATABASE_PREPARED_STATEMENTS=false``: the statements then run as plain ones. Other
databases (SQLite, the laptop demo) always run them plain.
"""

import re

from django.conf import settings

_PLACEHOLDER = re.compile(r"%(%|s)")
# A connection keeps this many plans at most. A page's shape includes its size and the
# cursor's offset, which a caller chooses (up to 200 and 1,000): past the usual few
# shapes, a statement runs plain instead of growing the server's memory per connection.
MOST_PREPARED_PER_CONNECTION = 64


def execute_kept(connection, cursor, sql: str, params) -> None:
    """``cursor.execute(sql, params)``, as a statement prepared once on ``connection``
    when it is PostgreSQL's and the setting allows it. ``sql`` must be one of a process's
    few fixed statements: each distinct text is prepared and kept for the connection's
    life."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    prepared = _prepared_on(connection)
    name = prepared.get(sql)
    if name is None and len(prepared) >= MOST_PREPARED_PER_CONNECTION:
        cursor.execute(sql, params)  # a rare shape: the connection keeps no more plans
        return
    if name is None:
        name = f"sinergi_kept_{len(prepared) + 1}"
        # Once per connection, not per page: kept out of Django's query log, whose counts
        # the tests pin per page. Still through Django's error wrapper, which marks the
        # connection so that a broken one is closed when the request ends.
        with connection.wrap_database_errors:
            cursor.cursor.execute(f"PREPARE {name} AS {numbered(sql)}")
        prepared[sql] = name
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


def _prepared_on(connection) -> dict[str, str]:
    """The names prepared on the connection Django holds now (a new connection has
    none)."""
    raw = connection.connection
    held = getattr(connection, "_sinergi_prepared", None)
    if held is None or held[0] is not raw:
        held = (raw, {})
        connection._sinergi_prepared = held
    return held[1]


def numbered(sql: str) -> str:
    """Django's ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``…, and ``%%`` as ``%``."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if match.group(1) == "%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(replace, sql)
