"""Measurements made from inside the harness: query counts, plans, the SQL floor's
statements, the export, and the statistics refresh."""

import json
import statistics
import subprocess
import sys
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench import cast
from bench.environment import ROOT, BenchEnvironment
from bench.scenarios import SESSION_BACKEND
from config.prepared_statements import numbered

HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def _client_for(username: str | None) -> Client:
    from agencies.models import User

    client = Client(**HTTPS)
    if username:
        client.force_login(User.objects.get(username=username), backend=SESSION_BACKEND)
    return client


def captured_queries(username: str | None, path: str, **headers) -> tuple[int, list[str]]:
    """The status and every SQL statement of one request, in order."""
    client = _client_for(username)
    client.get(path, **headers)  # warm: the first request of a process loads more
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"{path} as {username} answered {response.status_code}")
    return response.status_code, [query["sql"] for query in queries.captured_queries]


# (label, user, path with {n} for the page size, or a fixed path and its row count)
API_LISTS = [
    ("API case list", cast.CASEWORKER, "/api/v1/cases/?page_size={n}"),
    ("API case list (supervisor, whole agency)", cast.SUPERVISOR, "/api/v1/cases/?page_size={n}"),
    (
        "API incoming referrals",
        cast.RECEIVER,
        "/api/v1/referrals/?direction=incoming&page_size={n}",
    ),
    ("API meetings", cast.HEAD, "/api/v1/meetings/?page_size={n}"),
]


def _web_pages() -> list[tuple[str, str, str, int]]:
    from cases.models import Case

    one_code = Case.objects.filter(lead_caseworker__username=cast.CASEWORKER).values_list(
        "code", flat=True
    )[:1]
    return [
        ("Web case list", cast.CASEWORKER, "/kasus/", 25),
        ("Web case list, one row (search)", cast.CASEWORKER, f"/kasus/?q={one_code[0]}", 1),
        ("Web case list (supervisor)", cast.SUPERVISOR, "/kasus/", 25),
        ("Web referral inbox", cast.RECEIVER, "/rujukan/masuk/", 25),
    ]


def query_counts() -> list[dict]:
    """Queries per page at 1, 25 and 100 rows: the count must not grow with the rows."""
    rows = []
    for label, username, pattern in API_LISTS:
        counts = {n: len(captured_queries(username, pattern.format(n=n))[1]) for n in (1, 25, 100)}
        rows.append({"page": label, "counts": counts, "constant": len(set(counts.values())) == 1})
    for label, username, path, shown in _web_pages():
        rows.append({"page": label, "counts": {shown: len(captured_queries(username, path)[1])}})
    return rows


def floor_statements(username: str, path: str) -> list[str]:
    """The SQL of our case list page, to be replayed straight to PostgreSQL. Captured with
    the kept statements run plain, so that their text (not ``EXECUTE name``) is what is
    replayed; pgbench prepares them as the page does (``run_pgbench``)."""
    with override_settings(DATABASE_PREPARED_STATEMENTS=False):
        _status, statements = captured_queries(username, path)
    return statements


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def _explain(sql: str, params, runs: int) -> dict:
    timings, plan = [], None
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            result = cursor.fetchone()[0]
            document = result[0] if isinstance(result, list) else json.loads(result)[0]
            timings.append(document["Planning Time"] + document["Execution Time"])
            plan = document["Plan"]
    seq_scans = sorted(
        {
            node["Relation Name"]
            for node in _plan_nodes(plan)
            if node["Node Type"] == "Seq Scan" and "Relation Name" in node
        }
    )
    return {"ms": round(statistics.median(timings), 3), "seq_scans": seq_scans, "plan": plan}


def permission_filter_cost(runs: int = 9) -> list[dict]:
    """EXPLAIN ANALYZE of the scoped first page against the unscoped one, per cast member."""
    from agencies.models import User
    from agencies.roles import forget_cached_membership
    from cases.models import Case

    ordering = ("-created_at", "-id")
    unscoped_sql, unscoped_params = Case.objects.order_by(*ordering)[:26].query.sql_with_params()
    unscoped = _explain(unscoped_sql, unscoped_params, runs)
    results = []
    for username in (cast.CASEWORKER, cast.SUPERVISOR, cast.RECEIVER):
        user = User.objects.get(username=username)
        forget_cached_membership(user)
        page = Case.objects.visible_to(user).order_by(*ordering)[:26]
        # What a list page runs (its arms read one by one), and the rule as one OR.
        sql, params = page.query_as_run().sql_with_params()
        scoped = _explain(sql, params, runs)
        one_or = _explain(*page.query.sql_with_params(), runs)
        results.append(
            {
                "user": username,
                "scoped_ms": scoped["ms"],
                "single_or_ms": one_or["ms"],
                "unscoped_ms": unscoped["ms"],
                "overhead_ms": round(scoped["ms"] - unscoped["ms"], 3),
                "case_seq_scan": Case._meta.db_table in scoped["seq_scans"],
                "seq_scans": scoped["seq_scans"],
                "plan": scoped["plan"],
            }
        )
    return results


def prepared_page_plans(runs: int = 9) -> list[dict]:
    """EXPLAIN ANALYZE of the API list's kept page statement as it runs: prepared, with
    the one generic plan PostgreSQL keeps for every reader of a shape (made for an
    average reader, not this one), for the first page and the next, per cast member."""
    from agencies.models import User
    from agencies.roles import forget_cached_membership, membership_of, roles_of
    from cases.models import Case
    from cases.models.page_statements import PageShape, page_statement, position_value

    ordering = ("-created_at", "-id")
    results = []
    for username in (cast.CASEWORKER, cast.SUPERVISOR, cast.RECEIVER):
        user = User.objects.get(username=username)
        forget_cached_membership(user)
        visible = Case.objects.visible_to(user).order_by(*ordering)
        second_page_from = visible.values_list("created_at", flat=True)[25]
        for page, cursor, position in (("first", None, None), ("next", "lt", second_page_from)):
            shape = PageShape(tuple(sorted(roles_of(user))), ordering, cursor, 0, 26)
            statement = page_statement(shape)
            params = statement.params_for(
                user=user.pk,
                agency=membership_of(user).agency_id,
                position=position and position_value(position, connection),
            )
            generic = _explain_generic(statement.sql, params, runs)
            results.append(
                {
                    "user": username,
                    "page": page,
                    "generic_ms": generic["ms"],
                    "case_seq_scan": Case._meta.db_table in generic["seq_scans"],
                    "seq_scans": generic["seq_scans"],
                }
            )
    return results


def _explain_generic(sql: str, params, runs: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE bench_page AS {numbered(sql)}")
        try:
            placeholders = ", ".join(["%s"] * len(params))
            return _explain(f"EXECUTE bench_page ({placeholders})", params, runs)
        finally:
            cursor.execute("DEALLOCATE bench_page")
            cursor.execute("RESET plan_cache_mode")


def export_measurement(env: BenchEnvironment, username: str, path: str) -> dict:
    """The export in a process of its own, so its peak memory is the export's alone."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.export_probe", username, path],
        cwd=ROOT,
        env={**env.variables(), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"export probe failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def statistics_refresh(*, full: bool) -> dict:
    """One refresh of the dashboard cells, as the periodic tasks run it (reports.tasks:
    the metrics, then the statistics), each part timed: how stale a dashboard can be.
    ``full`` counts every cell (as the hourly rebuild, and after a deployment); otherwise
    only what was written since the last refresh, as the frequent refresh does."""
    from reports.metric_refresh import metrics_refresh
    from reports.stats import stats_refresh

    parts = {}
    cells = {}
    for name, part in (("metrics", metrics_refresh), ("stats", stats_refresh)):
        started = time.monotonic()
        cells[name] = part(full=full)
        parts[name] = round(time.monotonic() - started, 2)
    return {"seconds": round(sum(parts.values()), 2), "parts": parts, "cells": cells}
