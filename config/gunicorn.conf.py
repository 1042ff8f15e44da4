"""The production web server's settings, shared by the Docker image, docker-compose and
the scale benchmark (bench/), so the benchmark measures what is deployed.

Each can be overridden by an environment variable of the same name in capitals with a
GUNICORN_ prefix (GUNICORN_WORKERS=9).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: requests are short and database-bound; two per core plus one keeps the
# cores busy while some workers wait on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Recycling a worker costs a fresh import of Django; every 10,000 requests (jittered so
# workers do not restart together) bounds a slow leak without costing throughput.
# The benchmark's soak sets 0, so that a leak shows instead of being hidden.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 10_000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 1_000))
# Access logs go to the reverse proxy; gunicorn logs errors only.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
