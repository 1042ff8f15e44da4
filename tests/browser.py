"""A separate Sinergi server for browser tests: its own database, its own process.

The browser talks to a real server over HTTP, so the data it sees must be
committed; a database of its own keeps that apart from the rolled-back test
transactions. PostgreSQL when DATABASE_URL is set, SQLite otherwise.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import dj_database_url
import psycopg2
from psycopg2 import sql

from tests.processes import BASE_DIR

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_database_url(work_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{work_dir / 'browser.sqlite3'}"
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_browser"
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    return url.rsplit("/", 1)[0] + "/" + name


def server_environment(work_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "SINERGI_ENV": "development",
            "DATABASE_URL": _fresh_database_url(work_dir),
            "SINERGI_VAR_DIR": str(work_dir),
        }
    )
    return env


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped; see {process.args} log in its work dir")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start in time")


def start_demo_server(work_dir: Path, env: dict[str, str] | None = None):
    """Migrate and seed a fresh database, then serve it; returns (base URL, process).

    ``env`` is a ``server_environment(work_dir)``, possibly with settings added."""
    env = env or server_environment(work_dir)
    _manage("migrate", "--noinput", env=env)
    _manage("seed_demo", env=env)
    port = _free_port()
    # The server's log goes to a file: an unread pipe would fill up and stall it.
    log = (work_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process)
    return base_url, process
