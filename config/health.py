"""``/healthz``: is this process able to serve? Used by docker compose and load balancers."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not serving"
        return "error"
    return "ok"


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        cache.set("healthz", "ok", timeout=5)
        return "ok" if cache.get("healthz") == "ok" else "error"
    except Exception:  # noqa: BLE001
        return "error"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_state(), "redis": _redis_state()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
