"""Request rates, counted in Redis (the shared cache) so every worker sees one count."""

import functools

import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from api.authentication import client_of

# One round trip, atomic: the weighted count of the current and the previous window,
# and a step up of the current one only when the request is let through (a caller who
# keeps knocking while refused is not held back longer for it).
_ADMIT = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if current + previous * tonumber(ARGV[1]) >= tonumber(ARGV[2]) then
    return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, current, previous}
"""


@functools.cache
def _admit_script():
    """The script, registered once per process; None without Redis (a laptop's runserver)."""
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(settings.REDIS_URL).register_script(_ADMIT)


def _admit(current_key: str, previous_key: str, *, weight: float, limit: int, expires: int):
    """(let through, current window's count, previous window's count)."""
    script = _admit_script()
    if script is not None:
        allowed, current, previous = script(
            keys=[current_key, previous_key], args=[repr(weight), limit, expires]
        )
        return bool(allowed), current, previous
    # One process, no Redis: the local cache, with the same arithmetic.
    current, previous = cache.get(current_key, 0), cache.get(previous_key, 0)
    if current + previous * weight >= limit:
        return False, current, previous
    cache.set(current_key, current + 1, expires)
    return True, current + 1, previous


class SlidingWindowRateThrottle(SimpleRateThrottle):
    """DRF's rates (``"1200/min"``), counted with one counter per caller and window.

    DRF's own ``SimpleRateThrottle`` keeps a list of every request's time and reads and
    writes it whole on each request: 1,200 timestamps (10 KB) a partner at the production
    rate, about 10,000 in the benchmark, most of a millisecond of every API request. Here
    a request costs one round trip whatever the rate. The previous window counts in
    proportion to the part of it still inside the last period, so the count slides: a
    burst at a window's edge cannot double the rate."""

    cache_format = "sinergi:throttle:%(scope)s:%(ident)s"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window, elapsed = divmod(self.now, self.duration)
        self.elapsed = elapsed
        allowed, self.current, self.previous = _admit(
            f"{self.key}:{int(window)}",
            f"{self.key}:{int(window) - 1}",
            weight=1 - elapsed / self.duration,
            limit=self.num_requests,
            expires=2 * self.duration,
        )
        return allowed

    def wait(self) -> float:
        """Seconds until the weighted count falls below the rate again (at least one:
        Retry-After counts whole seconds, and a count at the rate is still refused)."""
        period, limit = self.duration, self.num_requests
        left_in_window = period - self.elapsed
        if self.current >= limit:
            # This window alone is full: the next one opens with it at full weight.
            return max(left_in_window + period * (1 - limit / self.current), 1)
        # The previous window's share decays as this window goes on.
        decayed = period * (1 - (limit - self.current) / self.previous) - self.elapsed
        return max(min(decayed, left_in_window), 1)


class PartnerRateThrottle(SlidingWindowRateThrottle):
    """Per partner system, or per signed-in person using the API from the browser."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        client = client_of(request)
        ident = f"client-{client.pk}" if client else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicComplaintThrottle(AnonRateThrottle):
    """The one anonymous write: the public complaint, per address."""

    scope = "public_complaint"
