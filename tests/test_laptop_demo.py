"""``make run`` needs no PostgreSQL: with no environment the demo runs on SQLite in var/
(README). Every other test runs on PostgreSQL, so this one sets the demo up on SQLite in
a process of its own and walks its pages as the cast, to catch SQL only PostgreSQL speaks
(arrays, ordered arms of a UNION) or values only PostgreSQL's driver converts (aware
datetimes in a statement written by hand) reaching the laptop's path.
"""

import os

from tests.processes import manage_output, run_python

WALK = """
import django
django.setup()
from django.conf import settings
from django.test import Client

pages = {
    "ani": ["/beranda/", "/kasus/", "/rujukan/masuk/", "/rapat/", "/api/v1/cases/"],
    "budi": ["/kasus/", "/dasbor/", "/rujukan/masuk/", "/api/v1/referrals/"],
    "citra": ["/kasus/", "/rujukan/masuk/", "/api/v1/cases/"],
    "dewi": ["/dasbor/"],
    "fajar": ["/dasbor/jejaring/", "/rapat/"],
}
for username, urls in pages.items():
    client = Client(HTTP_HOST="127.0.0.1")
    signed_in = client.post(
        "/masuk/", {"username": username, "password": settings.DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302, (username, signed_in.status_code)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (username, url, response.status_code)
    case = client.get("/api/v1/cases/", {"page_size": 1}).json()["results"]
    if case:
        detail = client.get(f"/kasus/{case[0]['code']}/")
        assert detail.status_code == 200, (username, "detail", detail.status_code)
assert Client(HTTP_HOST="127.0.0.1").get("/statistik/").status_code == 200

# A partner system of ani's agency (the token's load is a statement of its own).
from datetime import timedelta
from django.utils import timezone
from agencies.api_clients import api_client_register
from agencies.models import User

ani = User.objects.get(username="ani")
_client, token = api_client_register(
    agency=ani.membership.agency, name="Mitra", roles=["supervisor"], scopes=["read"],
    expires_at=timezone.now() + timedelta(days=1), registered_by=ani,
)
partner = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
listed = partner.get("/api/v1/cases/")
assert listed.status_code == 200 and listed.json()["results"], listed.status_code
print("walked")
"""


def test_the_laptop_demo_runs_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SINERGI_ENV", "DJANGO_SETTINGS_MODULE"}
    }
    env["SINERGI_VAR_DIR"] = str(tmp_path)
    manage_output(env, "migrate", "--noinput")
    manage_output(env, "import_regions")
    manage_output(env, "seed_demo")
    assert (tmp_path / "sinergi.sqlite3").exists()
    walked = run_python(WALK, env)
    assert walked.returncode == 0, walked.stderr[-3000:]
    assert walked.stdout.strip().endswith("walked")
