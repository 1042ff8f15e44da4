"""The report: targets checked, then markdown and JSON under bench/results/."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from bench.environment import ROOT

DOCS = ROOT / "docs" / "performance.md"
DOCS_BEGIN = "<!-- bench:latest:begin -->"
DOCS_END = "<!-- bench:latest:end -->"

# The targets, for 2 cores and 1,000,000 cases.
API_LIST_MIN_RPS = 500
API_LIST_MAX_P99_MS = 50
MIN_RATIO_OVER_NAIVE = 20
PERMISSION_FILTER_MAX_MS = 2
DASHBOARD_MAX_P95_MS = 50
DASHBOARD_MAX_STALENESS_S = 60
EXPORT_MAX_SECONDS = 60
EXPORT_MAX_MIB = 200
SOAK_MAX_GROWTH = 0.10
DASHBOARDS = ("agency_dashboard", "network_dashboard", "public_statistics")


@dataclass
class Check:
    target: str
    measured: str
    ok: bool
    # Performance targets bind at full scale; a missing page or an error binds always.
    always: bool = False


def _load(results: dict, key: str) -> dict:
    return results["load"][key]


def checks(results: dict) -> list[Check]:
    found = []
    ours = _load(results, "api_case_list")
    found.append(
        Check(
            f"Scoped case list API ≥ {API_LIST_MIN_RPS} req/s, p99 ≤ {API_LIST_MAX_P99_MS} ms",
            f"{ours['throughput']} req/s, p99 {ours['p99_ms']} ms",
            ours["throughput"] >= API_LIST_MIN_RPS and ours["p99_ms"] <= API_LIST_MAX_P99_MS,
        )
    )
    ratio = results["ratios"]["ours_over_naive"]
    found.append(
        Check(
            f"≥ {MIN_RATIO_OVER_NAIVE}× the naive guardian baseline's throughput",
            f"{ratio}×",
            ratio >= MIN_RATIO_OVER_NAIVE,
        )
    )
    for row in results["permission_filter"]:
        found.append(
            Check(
                f"Permission filter ≤ {PERMISSION_FILTER_MAX_MS} ms, no case seq scan "
                f"({row['user']})",
                f"+{row['overhead_ms']} ms, seq scans: {', '.join(row['seq_scans']) or 'none'}",
                row["overhead_ms"] <= PERMISSION_FILTER_MAX_MS and not row["case_seq_scan"],
            )
        )
    for row in results.get("prepared_page_plans", []):
        found.append(
            Check(
                f"Prepared page's generic plan ≤ {PERMISSION_FILTER_MAX_MS} ms, no case seq "
                f"scan ({row['user']}, {row['page']} page)",
                f"{row['generic_ms']} ms, seq scans: {', '.join(row['seq_scans']) or 'none'}",
                row["generic_ms"] <= PERMISSION_FILTER_MAX_MS and not row["case_seq_scan"],
            )
        )
    for key in DASHBOARDS:
        load = _load(results, key)
        found.append(
            Check(
                f"{key} p95 ≤ {DASHBOARD_MAX_P95_MS} ms",
                f"p95 {load['p95_ms']} ms",
                load["p95_ms"] <= DASHBOARD_MAX_P95_MS,
            )
        )
    refresh = results["statistics_refresh"]["seconds"]
    found.append(
        Check(
            f"Dashboard data no older than {DASHBOARD_MAX_STALENESS_S} s (refresh time)",
            f"refresh {refresh} s every {results['statistics_refresh']['every_seconds']} s",
            refresh + results["statistics_refresh"]["every_seconds"] <= DASHBOARD_MAX_STALENESS_S,
        )
    )
    for row in results["query_counts"]:
        if "constant" in row:
            found.append(
                Check(
                    f"Constant query count: {row['page']}",
                    ", ".join(f"{n} rows: {c}" for n, c in row["counts"].items()),
                    row["constant"],
                    always=True,
                )
            )
    export = results["export"]
    found.append(
        Check(
            f"Export under {EXPORT_MAX_SECONDS} s and {EXPORT_MAX_MIB} MB",
            f"{export['rows']} cases in {export['seconds']} s, peak {export['peak_mib']} MiB",
            export["seconds"] < EXPORT_MAX_SECONDS and export["peak_mib"] < EXPORT_MAX_MIB,
        )
    )
    for key, load in results["load"].items():
        found.append(Check(f"No errors: {key}", str(load["errors"]), load["errors"] == 0, True))
    soak = results["soak"]
    found.append(
        Check(
            f"Soak ({soak['clients']} users, {soak['load']['seconds']} s): 0 errors",
            str(soak["load"]["errors"]),
            soak["load"]["errors"] == 0,
            always=True,
        )
    )
    found.append(
        Check(
            f"Soak: worker memory growth ≤ {SOAK_MAX_GROWTH:.0%}",
            f"largest {soak['largest_growth']:.1%}",
            soak["largest_growth"] <= SOAK_MAX_GROWTH,
        )
    )
    return found


def _row(cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _load_table(results: dict) -> list[str]:
    lines = [
        _row(["Scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]),
        _row(["---", "---:", "---:", "---:", "---:", "---:"]),
    ]
    for key, load in results["load"].items():
        title = results["titles"].get(key, key)
        lines.append(
            _row(
                [
                    title,
                    load["throughput"],
                    load["p50_ms"],
                    load["p95_ms"],
                    load["p99_ms"],
                    load["errors"],
                ]
            )
        )
    return lines


def markdown(results: dict, found: list[Check]) -> str:
    scale = results["scale"]
    machine = results["machine"]
    ratios = results["ratios"]
    lines = [
        f"## Run of {results['started_at']} at scale `{scale['name']}`",
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB; "
        f"{machine['postgres_client']}; {machine['wrk']}. Load generator, server and "
        "PostgreSQL share the same cores. PostgreSQL: "
        f"{machine.get('postgres_settings', 'settings not recorded')}.",
        "",
        f"Dataset: {results['dataset']['counts_text']}; "
        + (
            f"built in {results['dataset']['build_seconds']} s."
            if results["dataset"]["build_seconds"] is not None
            else "reused from an earlier build."
        ),
        f"Server: gunicorn, {results['server']['workers']} sync workers, DEBUG off, "
        f"{scale['clients']} concurrent clients, {scale['seconds_per_scenario']} s per scenario.",
        "",
        "### Load",
        "",
        *_load_table(results),
        "",
        "### Side by side: the caseworker's case list",
        "",
        _row(["", "req/s", "p50 ms", "p95 ms", "p99 ms"]),
        _row(["---", "---:", "---:", "---:", "---:"]),
    ]
    for label, load in (
        ("Ours (`/api/v1/cases/`)", results["load"]["api_case_list"]),
        ("Naive guardian baseline", results["load"]["naive_case_list"]),
        ("Floor: the same SQL straight to PostgreSQL (pgbench)", results["floor"]),
        (
            "Framework floor: a signed-in API request that reads no record",
            results["load"]["framework_floor"],
        ),
    ):
        lines.append(
            _row([label, load["throughput"], load["p50_ms"], load["p95_ms"], load["p99_ms"]])
        )
    lines += [
        "",
        f"Ours is {ratios['ours_over_naive']}× the baseline's throughput and runs at "
        f"{ratios['ours_over_floor']:.0%} of the SQL floor's and "
        f"{ratios['ours_over_framework']:.0%} of the framework floor's. The framework floor is "
        "the most any signed-in API page can reach here: Django, the session, the user's "
        "load, DRF and JSON with no page to read.",
        "",
        "### Queries per page",
        "",
        _row(["Page", "Queries (rows: count)"]),
        _row(["---", "---"]),
        *(
            _row([row["page"], ", ".join(f"{n}: {c}" for n, c in row["counts"].items())])
            for row in results["query_counts"]
        ),
        "",
        "### Permission filter (EXPLAIN ANALYZE, first page, median of 9)",
        "",
        _row(["User", "Scoped ms", "Unscoped ms", "Overhead ms", "As one OR ms", "Seq scans"]),
        _row(["---", "---:", "---:", "---:", "---:", "---"]),
        *(
            _row(
                [
                    row["user"],
                    row["scoped_ms"],
                    row["unscoped_ms"],
                    row["overhead_ms"],
                    row.get("single_or_ms", "–"),
                    ", ".join(row["seq_scans"]) or "none",
                ]
            )
            for row in results["permission_filter"]
        ),
        "",
        "The API list runs its page prepared, with one generic plan per shape for every "
        "reader (EXPLAIN ANALYZE EXECUTE, median of 9):",
        "",
        _row(["User", "Page", "Generic plan ms", "Seq scans"]),
        _row(["---", "---", "---:", "---"]),
        *(
            _row(
                [row["user"], row["page"], row["generic_ms"], ", ".join(row["seq_scans"]) or "none"]
            )
            for row in results.get("prepared_page_plans", [])
        ),
        "",
        "### Export, statistics refresh, soak",
        "",
        f"- Export: {results['export']['rows']} cases as CSV in {results['export']['seconds']} s, "
        f"peak memory {results['export']['peak_mib']} MiB "
        f"(the process held {results['export']['before_mib']} MiB before).",
        f"- Statistics refresh after the load's writes: "
        f"{results['statistics_refresh']['seconds']} s (metrics "
        f"{results['statistics_refresh']['parts']['metrics']} s, statistics "
        f"{results['statistics_refresh']['parts']['stats']} s), every "
        f"{results['statistics_refresh']['every_seconds']} s (the first refresh, which "
        f"counts every cell, took {results['statistics_refresh']['first_seconds']} s).",
        f"- Soak: {results['soak']['clients']} users for {results['soak']['load']['seconds']} s, "
        f"{results['soak']['load']['requests']} requests, {results['soak']['load']['errors']} "
        f"errors, p99 {results['soak']['load']['p99_ms']} ms; worker memory "
        f"{results['soak']['memory_before']} → {results['soak']['memory_after']} MiB "
        f"(largest growth {results['soak']['largest_growth']:.1%}).",
        "",
        "### Targets",
        "",
        _row(["Target", "Measured", "Met"]),
        _row(["---", "---", "---"]),
        *(_row([c.target, c.measured, "yes" if c.ok else "**no**"]) for c in found),
        "",
    ]
    return "\n".join(lines)


def write(results: dict, found: list[Check], run_dir: Path) -> Path:
    results = {**results, "checks": [check.__dict__ for check in found]}
    (run_dir / "report.json").write_text(json.dumps(results, indent=2, default=str))
    report = run_dir / "report.md"
    report.write_text(markdown(results, found))
    return report


def update_docs(report_markdown: str) -> None:
    """Put the latest figures between the markers of docs/performance.md."""
    text = DOCS.read_text()
    pattern = re.compile(re.escape(DOCS_BEGIN) + r".*?" + re.escape(DOCS_END), re.S)
    body = report_markdown.replace("## Run of", "### Run of").replace("\n### ", "\n#### ")
    replacement = f"{DOCS_BEGIN}\n{body}\n{DOCS_END}"
    DOCS.write_text(pattern.sub(lambda _match: replacement, text))
