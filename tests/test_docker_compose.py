"""docker-compose.yml and the Dockerfile agree with the code they run.

The compose CLI is not needed: the file is read as YAML and checked against the
settings, the WSGI module and the Celery app it names.
"""

import importlib
import re
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def command(name: str) -> str:
    cmd = service(name)["command"]
    return cmd if isinstance(cmd, str) else " ".join(cmd)


def environment(name: str) -> dict[str, str]:
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return env


def names_read_by_settings() -> set[str]:
    from config.env import NAMES_READ

    assert settings.INSTALLED_APPS  # loads the settings, which fills NAMES_READ
    return NAMES_READ


def test_services_exist():
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose()["services"])


def test_db_redis_and_web_have_healthchecks():
    for name in ("db", "redis", "web"):
        assert service(name).get("healthcheck", {}).get("test"), name


def test_web_serves_the_wsgi_application_after_migrating():
    cmd = command("web")
    assert "manage.py migrate --noinput" in cmd
    # The one gunicorn configuration the image and the benchmark use too.
    assert "gunicorn --config config/gunicorn.conf.py config.wsgi:application" in cmd
    assert callable(importlib.import_module("config.wsgi").application)


def test_worker_and_beat_run_the_config_celery_app():
    assert re.search(r"celery -A config worker\b", command("worker"))
    assert re.search(r"celery -A config beat\b", command("beat"))
    assert importlib.import_module("config.celery").app.main == "sinergi"


def test_uploads_volume_is_declared_and_shared_by_web_and_worker():
    assert "uploads" in compose()["volumes"]
    for name in ("web", "worker"):
        assert "uploads:/app/media" in service(name)["volumes"], name
        assert environment(name)["MEDIA_ROOT"] == "/app/media", name


def test_every_app_variable_is_read_by_the_settings():
    read = names_read_by_settings()
    for name in APP_SERVICES:
        # NAME_FILE is the Docker-secrets spelling that config.env also accepts.
        unknown = {v for v in environment(name) if v.removesuffix("_FILE") not in read}
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"


def test_app_services_reach_db_and_redis_in_production_mode():
    for name in APP_SERVICES:
        env = environment(name)
        assert env["SINERGI_ENV"] == "production", name
        assert re.fullmatch(r"postgres://sinergi:.+@db:5432/sinergi", env["DATABASE_URL"]), name
        assert re.fullmatch(r"redis://redis:6379/\d+", env["REDIS_URL"]), name


def test_app_services_wait_for_healthy_db_and_redis():
    for name in APP_SERVICES:
        depends_on = service(name)["depends_on"]
        for dependency in ("db", "redis"):
            assert depends_on[dependency]["condition"] == "service_healthy", name


def test_web_healthcheck_host_is_allowed():
    test = " ".join(service("web")["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in test
    assert "127.0.0.1" in environment("web")["ALLOWED_HOSTS"].split(",")


def test_dockerfile_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    final = [line for line in dockerfile.splitlines() if re.match(r"(CMD|ENTRYPOINT)\b", line)]
    assert final and "gunicorn" in final[-1]
