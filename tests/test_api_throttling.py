"""The partner rate: per partner system or per signed-in person, counted in the real
Redis every worker shares, sliding over the last period, one round trip a request.

The clock is fixed by the test (the throttle's ``timer``, as DRF's own): windows are
whole minutes here, and a test must not depend on where the wall clock stands in one.
"""

import pytest
import redis

from api.throttling import PartnerRateThrottle

pytestmark = pytest.mark.django_db

LIST = "/api/v1/regions/"
WINDOW_START = 29_000_000 * 60.0  # a minute boundary, so windows are easy to read


@pytest.fixture
def clock(monkeypatch):
    """``clock.at(seconds)`` sets the time, from a minute boundary."""

    class Clock:
        now = WINDOW_START

        def at(self, seconds: float) -> None:
            self.now = WINDOW_START + seconds

    fixed = Clock()
    monkeypatch.setattr(PartnerRateThrottle, "timer", staticmethod(lambda: fixed.now))
    return fixed


@pytest.fixture
def rate(monkeypatch):
    """``rate("4/min")``: the partner rate for this test."""

    def set_rate(value: str) -> None:
        monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"partner": value})

    return set_rate


@pytest.fixture
def partner(api, partner_token, dinsos):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token(dinsos, scopes=('read',))}")
    return api


def _statuses(client, count: int) -> list[int]:
    return [client.get(LIST).status_code for _ in range(count)]


def test_a_partner_past_its_rate_is_told_when_to_come_back(partner, rate, clock):
    rate("4/min")
    clock.at(10)
    assert _statuses(partner, 5) == [200, 200, 200, 200, 429]
    refused = partner.get(LIST)
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) == 50  # this minute is full until it ends
    clock.at(60)
    assert _statuses(partner, 1) == [429]  # the full minute before still weighs all of it
    clock.at(75)  # a quarter into the next minute: 3 of the 4 still count
    assert _statuses(partner, 2) == [200, 429]


def test_refused_requests_do_not_count(partner, rate, clock):
    rate("4/min")
    clock.at(0)
    assert _statuses(partner, 4 + 20) == [200] * 4 + [429] * 20
    clock.at(60 + 30)  # half of the 4 let through still count, not the 20 refused
    assert _statuses(partner, 3) == [200, 200, 429]


def test_the_previous_minute_weighs_less_as_the_minute_goes_on(partner, rate, clock):
    rate("10/min")
    clock.at(55)
    assert _statuses(partner, 10) == [200] * 10
    clock.at(60 + 6)  # 90% of the last minute: 9 count, so one more passes
    assert _statuses(partner, 2) == [200, 429]
    refused = partner.get(LIST)
    assert int(refused["Retry-After"]) == 1  # 1 + 10 × (1 - 6/60) is at the rate: not yet
    clock.at(60 + 10)  # 1 + 10 × 5/6 = 9.3: room for one more
    assert _statuses(partner, 2) == [200, 429]


def test_each_partner_and_each_person_has_a_count_of_their_own(
    api, partner, partner_token, uptd_ppa, ani, rate, clock
):
    from rest_framework.test import APIClient

    rate("2/min")
    assert _statuses(partner, 3) == [200, 200, 429]
    other = APIClient(HTTP_HOST="127.0.0.1")
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token(uptd_ppa, scopes=('read',))}")
    assert _statuses(other, 3) == [200, 200, 429]
    person = APIClient(HTTP_HOST="127.0.0.1")
    person.force_login(ani)
    assert _statuses(person, 3) == [200, 200, 429]


def test_the_count_is_in_the_redis_every_worker_shares(partner, rate, clock, redis_url):
    from agencies.models import ApiClient

    rate("100/min")
    clock.at(30)
    assert _statuses(partner, 3) == [200] * 3
    client = ApiClient.objects.get()
    key = f"sinergi:throttle:partner:client-{client.pk}:{int(WINDOW_START // 60)}"
    shared = redis.Redis.from_url(redis_url)
    assert int(shared.get(key)) == 3
    assert 60 < shared.ttl(key) <= 120  # kept while it can still weigh on the next minute


def test_without_redis_the_local_cache_counts_alike(partner, rate, clock, settings):
    """A laptop's runserver has no Redis: one process, the same arithmetic."""
    from api import throttling

    settings.REDIS_URL = None
    throttling._admit_script.cache_clear()
    try:
        rate("4/min")
        clock.at(10)
        assert _statuses(partner, 5) == [200, 200, 200, 200, 429]
        clock.at(75)
        assert _statuses(partner, 2) == [200, 429]
    finally:
        throttling._admit_script.cache_clear()
