import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env
from tests.processes import production_environment, run_manage, run_python, settings_values

SETUP = "import django; django.setup()"


def test_env_bool_rejects_anything_but_true_or_false(monkeypatch):
    monkeypatch.setenv("SINERGI_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SINERGI_TEST_FLAG"):
        env.env_bool("SINERGI_TEST_FLAG", default=False)


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("SINERGI_TEST_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("SINERGI_TEST_NUMBER", default=1)


def test_a_required_value_must_be_present(monkeypatch):
    monkeypatch.delenv("SINERGI_TEST_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="required"):
        env.env_str("SINERGI_TEST_REQUIRED")


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.delenv("SINERGI_TEST_SECRET", raising=False)
    monkeypatch.setenv("SINERGI_TEST_SECRET_FILE", str(secret_file))
    assert env.env_str("SINERGI_TEST_SECRET") == "from-a-file"


def test_production_starts_with_a_complete_environment():
    result = run_python(SETUP, production_environment())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": None}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "too weak"),
        ({"SECRET_KEY": "short"}, "too weak"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is required"),
        ({"REDIS_URL": ""}, "REDIS_URL is required"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is required"),
        ({"EMAIL_HOST": ""}, "EMAIL_HOST is required"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "Fernet"),
        ({"TIME_ZONE": "Mars/Olympus"}, "not a known time zone"),
    ],
)
def test_production_refuses_unsafe_settings(overrides, message):
    result = run_python(SETUP, production_environment(**overrides))
    assert result.returncode != 0
    assert message in result.stderr


def test_the_deploy_check_passes_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_environment()
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_turns_on_https_only_cookies_and_hsts():
    values = settings_values(
        [
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_NAME",
            "DEBUG",
        ],
        production_environment(),
    )
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["DEBUG"] is False


def test_the_embedded_default_needs_no_services(tmp_path):
    values = settings_values(
        ["DATABASES", "CACHES", "CELERY_TASK_ALWAYS_EAGER", "MAILERS"],
        {"PATH": "/usr/bin:/bin", "SINERGI_VAR_DIR": str(tmp_path)},
    )
    assert "sqlite3" in values["DATABASES"]["default"]["ENGINE"]
    assert "locmem" in values["CACHES"]["default"]["BACKEND"]
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert "console" in values["MAILERS"]["default"]["BACKEND"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
