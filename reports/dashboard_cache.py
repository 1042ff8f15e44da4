"""Rendered dashboards, kept for up to a minute per viewer.

A dashboard adds up thousands of cells and renders dozens of bars: ~10 ms of SQL and
~60 ms of template each time, for figures that change only when a refresh
commits. So its body is rendered once and kept in the cache, keyed by everything it
depends on:

- the viewer (their own agency, roles and the prevention activities they may read show
  in it: a body is never shared between two people, so nothing can cross agencies);
- their agency and roles now, so that a moved or demoted user never sees the body
  rendered for what they were (the views check access before asking here, too);
- the language and the filters (the query string);
- when the statistics were last refreshed, so that a refresh shows at once.

Kept for ``BODY_SECONDS`` at most: what the cells do not hold (caseloads, prevention
activities) is then never more than a minute old, as the dashboards promise. The key is
a digest: no filter value is stored in clear in the cache's key space.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from agencies.roles import membership_of, roles_of
from reports.stats import data_as_of

BODY_SECONDS = 60
_PREFIX = "sinergi:dashboard:"


def dashboard_cache_key(request, *, kind: str, stamp) -> str:
    user = request.user
    membership = membership_of(user)
    parts = (
        kind,
        str(user.pk),
        str(membership.agency_id if membership else "-"),
        ",".join(sorted(roles_of(user))),
        str(bool(membership and membership.network_statistics)),
        translation.get_language() or "-",
        stamp.isoformat() if stamp else "-",
        request.GET.urlencode(),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{_PREFIX}{digest}"


def cached_dashboard_body(
    request, *, kind: str, render: Callable[[datetime | None], str]
) -> SafeString:
    """The body from the cache, or rendered by ``render(data_as_of)`` and kept."""
    stamp = data_as_of()
    key = dashboard_cache_key(request, kind=kind, stamp=stamp)
    body = cache.get(key)
    if body is None:
        body = str(render(stamp))
        cache.set(key, body, BODY_SECONDS)
    # Rendered by our own template, with its own escaping: safe as it was.
    return mark_safe(body)  # noqa: S308
