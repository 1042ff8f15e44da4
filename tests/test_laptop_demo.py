"""``make run`` needs no PostgreSQL: with no environment the demo runs on SQLite in var/
(README). Every other test runs on PostgreSQL, so this one sets the demo up on SQLite in
a process of its own and walks its pages as the cast, to catch SQL only PostgreSQL speaks
(arrays, ordered arms of a UNION) reaching the laptop's path.
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
