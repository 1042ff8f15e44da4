"""schemathesis fuzzes the live OpenAPI schema as two different partner systems: no
request may cause a server error, and every answer must match the schema."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_api import start_live_api

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# Bounded by examples per operation so CI stays fast; the seed makes a failure reproducible.
MAX_EXAMPLES = "12"

SEED = "20261122"

PARTNERS = {
    # A Dinas Sosial case-management system acting as a supervisor, every scope.
    "dinsos-supervisor": {
        "agency": "Dinsos",
        "roles": ["supervisor"],
        "scopes": ["read", "cases", "referrals", "reports"],
    },
    # A hospital system that answers referrals.
    "hospital-caseworker": {
        "agency": "RSKD",
        "roles": ["caseworker", "intake"],
        "scopes": ["read", "referrals"],
    },
}


@pytest.fixture
def live_api(tmp_path, redis_url):
    server = start_live_api(tmp_path, redis_url, API_RATE_PARTNER="1000000/min")
    yield server
    server.stop()


@pytest.mark.services
@pytest.mark.parametrize("partner", sorted(PARTNERS))
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_api, tmp_path, partner):
    token = live_api.register(partner, **PARTNERS[partner])
    report = tmp_path / f"schemathesis-{partner}.xml"
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_api.base_url}/api/schema/",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            "--workers",
            "1",
            "--no-shrink",
            "--report",
            "junit",
            "--report-junit-path",
            str(report),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
