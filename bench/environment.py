"""Where the benchmark runs: its own database, its own keys, the production settings.

The dataset is synthetic, so its keys are fixed constants: a rebuilt dataset and a
reused one decrypt alike, and nothing here is a secret worth having.
"""

import base64
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Browsers and partners reach Sinergi through HTTPS at a reverse proxy; the benchmark
# speaks plain HTTP to gunicorn and says what the proxy would say.
FORWARDED_HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def _fixed_secret(label: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"sinergi-bench:{label}".encode()).digest())


@dataclass(frozen=True)
class BenchEnvironment:
    database_name: str
    admin_url: str  # the server's maintenance database, to create and drop ours
    redis_url: str
    var_dir: Path

    @property
    def database_url(self) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path=f"/{self.database_name}"))

    def variables(self) -> dict[str, str]:
        """The environment of the production configuration, for the server and for us."""
        return {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SINERGI_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": _fixed_secret("secret-key").decode() * 2,
            "FIELD_ENCRYPTION_KEYS": _fixed_secret("field-key").decode(),
            "IDENTITY_HASH_KEY": _fixed_secret("identity-hash").decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "EMAIL_HOST": "smtp.bench.invalid",
            "TRUST_X_FORWARDED_PROTO": "1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SINERGI_VAR_DIR": str(self.var_dir),
            # The partner throttle stays on (its cost is measured) but does not cap the
            # load generator, which is one client at hundreds of requests a second.
            "API_RATE_PARTNER": "100000000/minute",
        }

    def export(self) -> None:
        """Make this process speak the production configuration too (query counts,
        plans and the export are measured under the same settings as the server)."""
        os.environ.update(self.variables())


def bench_environment(scale_name: str, var_dir: Path) -> BenchEnvironment:
    configured = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    admin_url = urlunsplit(urlsplit(configured)._replace(path="/postgres"))
    redis = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")
    return BenchEnvironment(
        database_name=f"sinergi_bench_{scale_name}",
        admin_url=admin_url,
        redis_url=redis or "redis://127.0.0.1:6379/5",
        var_dir=var_dir,
    )


def dataset_fingerprint(scale_name: str) -> str:
    """What the dataset was built from: the scale, the migrations and the builder's code.
    A database whose comment matches is reused; anything else is rebuilt."""
    digest = hashlib.sha256(scale_name.encode())
    sources = sorted(ROOT.glob("*/migrations/0*.py")) + sorted(ROOT.glob("bench/dataset*.py"))
    sources += sorted((ROOT / "bench").glob("sql/*.sql"))
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return f"sinergi-bench {scale_name} {digest.hexdigest()[:16]}"


def _admin(env: BenchEnvironment):
    connection = psycopg2.connect(env.admin_url)
    connection.autocommit = True
    return connection


def database_comment(env: BenchEnvironment) -> str | None:
    with _admin(env) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [env.database_name],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def database_recreate(env: BenchEnvironment) -> None:
    connection = _admin(env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [env.database_name],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{env.database_name}"')
            cursor.execute(f'CREATE DATABASE "{env.database_name}"')
    finally:
        connection.close()


def database_mark_built(env: BenchEnvironment, fingerprint: str) -> None:
    connection = _admin(env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'COMMENT ON DATABASE "{env.database_name}" IS %s', [fingerprint])
    finally:
        connection.close()


def machine_description() -> dict:
    """What the figures were measured on: they mean little without it."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    postgres = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "postgres_client": postgres,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
    }
