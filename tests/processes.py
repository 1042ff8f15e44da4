"""Run Django in a separate process with a chosen environment.

Settings are read once per process, so checks of what the environment does to
them (production guards, deploy checks) need a fresh interpreter.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent


def production_environment(**overrides: str) -> dict[str, str]:
    """A plausible production environment with fresh random secrets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    }
    env.update(
        {
            "SINERGI_ENV": "production",
            "SECRET_KEY": Fernet.generate_key().decode() + Fernet.generate_key().decode(),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "IDENTITY_HASH_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "sinergi.balikpapan.go.id",
            "EMAIL_HOST": "smtp.balikpapan.go.id",
            "DATABASE_URL": os.environ.get(
                "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sinergi"
            ),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "SINERGI_VAR_DIR": str(BASE_DIR / "var" / "production-check"),
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def settings_values(names: list[str], env: dict[str, str]) -> dict:
    """The given settings as the process with ``env`` sees them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def manage_output(env: dict[str, str], *args: str) -> str:
    """Run a management command in a separate process; fail the test on an error."""
    result = run_manage(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_worker(env: dict[str, str], queue: str, log_path, name: str = "") -> subprocess.Popen:
    """A solo Celery worker on ``queue``, logging to ``log_path`` (an unread pipe would
    fill up and stall it). Stop it with ``stop_worker``."""
    log = open(log_path, "w")  # noqa: SIM115 (closed by stop_worker)
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue]
    if name:
        command += ["-n", name]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)
    process.log.close()
