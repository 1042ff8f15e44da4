"""The benchmark, start to finish: dataset, server, load, probes, report."""

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.environment import (
    RESULTS,
    bench_environment,
    database_comment,
    database_mark_built,
    database_recreate,
    dataset_fingerprint,
    machine_description,
)
from bench.scale import SCALES


def _log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def _prepare_dataset(env, scale, *, rebuild: bool) -> float | None:
    """Build the dataset unless the database already holds this very build."""
    from django.core.management import call_command

    fingerprint = dataset_fingerprint(scale.name)
    if not rebuild and database_comment(env) == fingerprint:
        _log(f"reusing {env.database_name} ({fingerprint})")
        return None
    _log(f"building {env.database_name} at scale {scale.name}")
    started = time.monotonic()
    database_recreate(env)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("import_regions", verbosity=0)
    from bench.baseline.grants import grant_generic_permissions
    from bench.dataset import build

    build(scale, log=_log)
    grant_generic_permissions(log=_log)
    database_mark_built(env, fingerprint)
    return round(time.monotonic() - started, 1)


def _dataset_counts() -> dict:
    from django.db import connection

    tables = {
        "cases": "cases_case",
        "persons": "cases_person",
        "referrals": "referrals_referral",
        "agencies": "agencies_agency",
        "users": "agencies_user",
        "meetings": "meetings_meeting",
        "audit events": "cases_auditevent",
        "generic guardian grants": "guardian_userobjectpermission",
    }
    counts = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[label] = cursor.fetchone()[0]
    return counts


def _postgres_settings() -> str:
    """The server settings the figures depend on most."""
    from django.db import connection

    names = ("server_version", "shared_buffers", "effective_cache_size", "work_mem")
    with connection.cursor() as cursor:
        values = []
        for name in names:
            cursor.execute(f"SHOW {name}")
            values.append(f"{name}={cursor.fetchone()[0]}")
    return ", ".join(values)


def _measure_load(server, scenarios, scale, work_dir, creds) -> dict:
    from bench.load import run_wrk
    from bench.scenarios import update_scenario

    results = {}
    for scenario in scenarios:
        if scale.warmup_seconds:
            run_wrk(
                server.base_url,
                scenario,
                clients=scale.clients,
                seconds=scale.warmup_seconds,
                work_dir=work_dir,
            )
        if scenario.versioned_writes:
            # The warm-up moved the versions on: start again from what is stored now,
            # once the warm-up's last requests (still in the workers when wrk stops)
            # have committed, or their versions would be read stale and refused with 412.
            time.sleep(2)
            scenario = update_scenario(creds, write_cases=_write_cases(scale))
        result = run_wrk(
            server.base_url,
            scenario,
            clients=scale.clients,
            seconds=scale.seconds_per_scenario,
            work_dir=work_dir,
        )
        results[scenario.key] = result.as_dict()
        _log(
            f"{scenario.key}: {result.throughput:.0f} req/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, errors {result.errors}"
        )
    return results


def _write_cases(scale) -> int:
    # Enough distinct cases that a pass over them outlasts the requests in flight.
    return max(200, min(5_000, scale.home_agency_cases // 4))


def _preflight(server, scenarios) -> None:
    """Every scenario answers 200 before it is measured: a redirect to the login page
    is fast and would look like success to wrk."""
    import urllib.error
    import urllib.request

    from bench.environment import FORWARDED_HEADERS

    for scenario in scenarios:
        if scenario.versioned_writes:
            continue  # a write would spend a version; its answers are checked by wrk
        first = scenario.requests[0]
        request = urllib.request.Request(
            server.base_url + first.path,
            headers={**FORWARDED_HEADERS, **first.headers},
            method=first.method,
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise RuntimeError(f"{scenario.key}: {first.path} answered {status}")


def _soak(server, scenarios, scale, work_dir) -> dict:
    from bench.load import run_wrk
    from bench.scenarios import soak_scenario

    mixed = soak_scenario(scenarios)
    run_wrk(server.base_url, mixed, clients=scale.soak_clients, seconds=2, work_dir=work_dir)
    before = server.worker_memory()
    result = run_wrk(
        server.base_url,
        mixed,
        clients=scale.soak_clients,
        seconds=scale.soak_seconds,
        work_dir=work_dir,
    )
    after = server.worker_memory()
    growth = [(after[pid] - before[pid]) / before[pid] for pid in before if pid in after]
    _log(f"soak: {result.requests} requests, {result.errors} errors, p99 {result.p99_ms:.1f} ms")
    return {
        "clients": scale.soak_clients,
        "load": result.as_dict(),
        "memory_before": list(before.values()),
        "memory_after": list(after.values()),
        "largest_growth": max(growth) if growth else 0.0,
        "recycled_workers": sorted(set(before) ^ set(after)),
    }


def _frequent_refresh(probes, first_refresh: dict) -> dict:
    from config.celery import app

    refresh = probes.statistics_refresh(full=False)
    refresh["every_seconds"] = app.conf.beat_schedule["reports-refresh"]["schedule"]
    refresh["first_seconds"] = first_refresh["seconds"]
    _log(f"statistics refresh after the load: {refresh['seconds']} s")
    return refresh


def run(scale_name: str, *, rebuild: bool, update_docs: bool, dataset_only: bool = False) -> int:
    scale = SCALES[scale_name]
    started_at = datetime.now(UTC)
    run_dir = RESULTS / f"{started_at:%Y%m%d-%H%M%S}-{scale.name}"
    work_dir = run_dir / "work"
    work_dir.mkdir(parents=True)
    env = bench_environment(scale.name, run_dir / "var")
    env.var_dir.mkdir()
    env.export()
    import django

    django.setup()
    from django.apps import apps

    from bench import cast, probes, report
    from bench.dataset_sql import vacuum
    from bench.load import run_pgbench, wrk_available
    from bench.scenarios import credentials, scenarios
    from bench.server import running_server

    if not wrk_available():
        _log("wrk is not installed: apt install wrk")
        return 2
    from django.core.management import call_command

    # Production serves hashed static files from a manifest: the pages need it.
    call_command("collectstatic", interactive=False, verbosity=0)
    build_seconds = _prepare_dataset(env, scale, rebuild=rebuild)
    counts = _dataset_counts()
    _log("dataset: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    if dataset_only:
        return 0
    # The first refresh rebuilds every cell (as after a deployment); the frequent refresh,
    # timed after the load has written, is what decides how stale a dashboard can be.
    first_refresh = probes.statistics_refresh(full=True)
    _log(f"statistics refresh, first (every cell): {first_refresh['seconds']} s")
    vacuum(apps.get_app_config("reports").get_models(), _log)  # the cells it wrote
    creds = credentials()
    all_scenarios = scenarios(creds, write_cases=_write_cases(scale))
    results = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "scale": scale.__dict__,
        "machine": {**machine_description(), "postgres_settings": _postgres_settings()},
        "dataset": {
            "counts": counts,
            "counts_text": ", ".join(f"{v:,} {k}" for k, v in counts.items()),
            "build_seconds": build_seconds,
        },
        "titles": {s.key: s.title for s in all_scenarios},
    }
    _log("query counts and plans")
    results["query_counts"] = probes.query_counts()
    results["permission_filter"] = probes.permission_filter_cost()
    results["prepared_page_plans"] = probes.prepared_page_plans()
    floor_sql = probes.floor_statements(cast.CASEWORKER, "/api/v1/cases/?page_size=25")
    _log("export")
    results["export"] = probes.export_measurement(env, cast.SUPERVISOR, "/kasus/?format=csv")
    _log(f"export: {results['export']}")
    with running_server(env, log_path=run_dir / "gunicorn.log") as server:
        results["server"] = {"workers": len(server.worker_memory())}
        _preflight(server, all_scenarios)
        results["load"] = _measure_load(server, all_scenarios, scale, work_dir, creds)
        results["soak"] = _soak(server, all_scenarios, scale, work_dir)
    results["statistics_refresh"] = _frequent_refresh(probes, first_refresh)
    floor = run_pgbench(
        env.database_url,
        floor_sql,
        clients=scale.clients,
        seconds=scale.seconds_per_scenario,
        work_dir=work_dir,
    )
    results["floor"] = floor.as_dict()
    ours, naive = results["load"]["api_case_list"], results["load"]["naive_case_list"]
    framework = results["load"]["framework_floor"]
    results["ratios"] = {
        "ours_over_naive": round(ours["throughput"] / max(naive["throughput"], 0.01), 1),
        "ours_over_floor": ours["throughput"] / max(floor.throughput, 0.01),
        "ours_over_framework": ours["throughput"] / max(framework["throughput"], 0.01),
    }
    found = report.checks(results)
    path = report.write(results, found, run_dir)
    text = path.read_text()
    (RESULTS / f"latest-{scale.name}.md").write_text(text)
    if update_docs:
        report.update_docs(text)
    print(text)
    binding = [c for c in found if c.always or scale.name == "full"]
    missed = [c for c in binding if not c.ok]
    _log(f"report: {path}")
    for check in missed:
        _log(f"MISSED: {check.target}: {check.measured}")
    return 1 if missed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument(
        "--rebuild", action="store_true", help="build the dataset even if it is up to date"
    )
    parser.add_argument(
        "--update-docs", action="store_true", help="write the figures into docs/performance.md"
    )
    parser.add_argument(
        "--dataset-only",
        action="store_true",
        help="build (or check) the dataset and stop, to profile against it",
    )
    args = parser.parse_args(argv)
    os.chdir(Path(__file__).resolve().parent.parent)
    return run(
        args.scale,
        rebuild=args.rebuild,
        update_docs=args.update_docs,
        dataset_only=args.dataset_only,
    )


if __name__ == "__main__":
    sys.exit(main())
