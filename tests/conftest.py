"""The named cast of Sinergi's tests, matching the demo logins.

The demo city is seeded once per test session, before any test runs; each test
then runs in a transaction that is rolled back, so the cast is always fresh.
"""

import gettext as gettext_module
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import trans_real

from agencies.demo import demo_city_seed
from agencies.models import Agency, User
from config.translations import compile_all

CAST = ("ani", "hadi", "budi", "citra", "sari", "dewi", "fajar", "gita", "eko", "rina")


def pytest_configure(config):
    # Hashing cost is not what these tests measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests read the translated pages, so the catalogues must match the .po files;
    # catalogues Django loaded while starting up are dropped if they were stale.
    if compile_all():
        gettext_module._translations.clear()  # the standard library caches .mo files too
        trans_real._translations = {}
        trans_real._default = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo_city_seed()


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttles and counters live in the cache; each test starts with none."""
    cache.clear()


def _cast_member(username: str):
    @pytest.fixture
    def member(db) -> User:
        return User.objects.get(username=username)

    member.__doc__ = f"The demo user {username!r}."
    return member


ani = _cast_member("ani")  # caseworker, Dinas Sosial
hadi = _cast_member("hadi")  # intake officer, Dinas Sosial
budi = _cast_member("budi")  # supervisor, Dinas Sosial
citra = _cast_member("citra")  # caseworker, UPTD PPA
sari = _cast_member("sari")  # supervisor, UPTD PPA
dewi = _cast_member("dewi")  # head, DP3AKB
fajar = _cast_member("fajar")  # coordinator, DP3AKB
gita = _cast_member("gita")  # data officer, DP3AKB
eko = _cast_member("eko")  # system administrator
rina = _cast_member("rina")  # community reporter (PATBM)


@pytest.fixture
def dinsos(db) -> Agency:
    return Agency.objects.get(nomenclature="Dinsos")


@pytest.fixture
def uptd_ppa(db) -> Agency:
    return Agency.objects.get(nomenclature="UPTD PPA")


@pytest.fixture
def demo_password() -> str:
    return settings.DEMO_PASSWORD


@pytest.fixture
def redis_url() -> str:
    """The real Redis of CI; .ci/run fails the build if this ever skips."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis")
    return url


@pytest.fixture
def committed_demo(tmp_path, redis_url) -> dict[str, str]:
    """The environment of a separate, committed database holding the demo city, for a
    real worker or server to use (nothing is rolled back under them)."""
    from tests.browser import server_environment
    from tests.processes import manage_output

    env = {**server_environment(tmp_path), "REDIS_URL": redis_url}
    manage_output(env, "migrate", "--noinput")
    manage_output(env, "seed_demo")
    return env


@pytest.fixture
def demo_worker(committed_demo):
    """One real Celery worker on the committed demo, consuming its own queue."""
    import uuid

    from tests.processes import start_worker, stop_worker

    queue = f"sinergi-test-{uuid.uuid4().hex[:8]}"
    process = start_worker(committed_demo, queue, committed_demo["SINERGI_VAR_DIR"] + "/worker.log")
    yield queue
    stop_worker(process)


@pytest.fixture
def partner_token(db, eko):
    """Register an API client the way an agency's admin does; returns its token.

    ``partner_token(agency, roles=("supervisor",), scopes=(...))``."""
    from datetime import timedelta

    from django.utils import timezone

    from agencies.api_clients import api_client_register

    def register(agency, roles=("supervisor",), scopes=("read", "cases", "referrals", "reports")):
        _client, token = api_client_register(
            agency=agency,
            name=f"Partner of {agency.nomenclature}",
            roles=list(roles),
            scopes=list(scopes),
            expires_at=timezone.now() + timedelta(days=30),
            registered_by=eko,
        )
        return token

    return register


@pytest.fixture
def api():
    """A DRF test client; ``api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")``."""
    from rest_framework.test import APIClient

    return APIClient(HTTP_HOST="127.0.0.1")


@pytest.fixture
def room_for_kept_statements(monkeypatch):
    """A connection keeps a bounded number of prepared plans (config.prepared_statements),
    and the suite's many page shapes can fill the test connection's: a test that looks
    for a prepared statement gets room for its own."""
    from django.db import connection

    from config import prepared_statements

    connection.ensure_connection()
    held = len(prepared_statements._prepared_on(connection))
    monkeypatch.setattr(prepared_statements, "MOST_PREPARED_PER_CONNECTION", held + 16)
