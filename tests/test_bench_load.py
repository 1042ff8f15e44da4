"""The benchmark's load generator (bench.load) against a real server: an error it reports
must be the server's answer to a request as the scenario means it, never its own
bookkeeping's.

The writes send each case's version in If-Match. wrk calls a script's request() once
before it sends anything (to check the request), so a script that counted its calls to
know which version comes next ran one ahead as soon as it went round the list again:
two 412s in a benchmark run on a machine fast enough to wrap the list.
"""

import json
import shutil

import pytest

from bench.load import Scenario, run_wrk
from bench.scenarios import Credentials, case_update_request
from tests.browser import server_environment, start_demo_server
from tests.processes import run_python

CASES = 3  # Dinas Sosial's open cases in the demo city

# A partner of Dinas Sosial that may write cases, and the open cases it writes, as the
# benchmark's update scenario reads them (code, id, version, risk level).
SETUP = f"""
import json
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from agencies.api_clients import api_client_register
from agencies.models import Agency, User
from cases.models import Case

dinsos = Agency.objects.get(nomenclature="Dinsos")
_client, token = api_client_register(
    agency=dinsos,
    name="Load generator",
    roles=["supervisor"],
    scopes=["read", "cases"],
    expires_at=timezone.now() + timedelta(days=1),
    registered_by=User.objects.get(username="eko"),
)
cases = Case.objects.filter(lead_agency=dinsos).exclude(status="terminasi").order_by("id")
rows = list(cases.values_list("code", "id", "version", "risk_level")[:{CASES}])
print(json.dumps({{"token": token, "cases": rows}}))
"""

VERSIONS = """
import json
import django
django.setup()
from cases.models import Case
print(json.dumps(dict(Case.objects.filter(id__in={ids}).values_list("id", "version"))))
"""


@pytest.fixture
def demo_server(tmp_path, redis_url):
    """The demo city served by its own process, with a partner rate no load reaches."""
    env = {
        **server_environment(tmp_path),
        "REDIS_URL": redis_url,
        "API_RATE_PARTNER": "1000000/minute",
    }
    base_url, process = start_demo_server(tmp_path, env)
    yield base_url, env
    process.terminate()
    process.wait(timeout=30)


def _python_json(code: str, env: dict) -> dict:
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_writes_keep_in_step_with_the_versions_pass_after_pass(demo_server, tmp_path):
    assert shutil.which("wrk"), "wrk is needed for the benchmark: apt install wrk"
    base_url, env = demo_server
    setup = _python_json(SETUP, env)
    cases = setup["cases"]
    assert len(cases) == CASES
    partner = Credentials(cookies={}, partner_token=setup["token"])
    scenario = Scenario(
        "case_update",
        "Partner API: case update with If-Match",
        [case_update_request(partner, *case) for case in cases],
        versioned_writes=True,
    )

    # One client: a case's next write waits for its last answer, so any 412 is the
    # script's. (The benchmark's list is long enough that the same holds with eight.)
    result = run_wrk(base_url, scenario, clients=1, seconds=4, work_dir=tmp_path)

    # Round the list several times, every write answered 2xx.
    assert result.requests > 3 * CASES, result.as_dict()
    assert result.errors == 0, result.error_detail
    ids = [case_id for _code, case_id, _version, _risk in cases]
    versions = _python_json(VERSIONS.format(ids=ids), env)
    before = {case_id: version for _code, case_id, version, _risk in cases}
    # Each case, the first in the list included, was really changed on every pass.
    assert all(versions[str(case_id)] - before[case_id] >= 3 for case_id in ids), versions
