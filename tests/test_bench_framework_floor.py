"""The benchmark's framework floor (bench.framework_floor): a signed-in API request that
reads no record. It must cost what every API page costs before its own work, no more
and no less, or the floor it reports would be a guess."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path

from bench.framework_floor import FrameworkFloorView
from config.urls import urlpatterns as sinergi_urlpatterns
from tests.factories import AgencyFactory, member_of

pytestmark = pytest.mark.django_db

FLOOR = "/bench/floor/"
# bench.urls without the naive baseline, whose models need the bench's app installed.
urlpatterns = [path("bench/floor/", FrameworkFloorView.as_view()), *sinergi_urlpatterns]


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_the_floor_answers_an_empty_page_after_the_signed_in_load(api, bench_urls, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False  # to read the statement's text below
    api.force_login(member_of(AgencyFactory(), "caseworker"))
    with CaptureQueriesContext(connection) as queries:
        response = api.get(FLOOR)
    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": []}
    # Only what every signed-in API request runs: the user with membership and roles.
    assert len(queries) == 1, [query["sql"] for query in queries]
    assert '"agencies_membership"' in queries[0]["sql"]
    assert response["Cache-Control"].startswith("max-age=0")  # the API's own headers
    assert response["Content-Language"] == "id"


def test_the_floor_turns_away_who_any_api_page_turns_away(api, bench_urls):
    assert api.get(FLOOR).status_code in (401, 403)
    api.force_login(member_of(AgencyFactory(is_active=False), "caseworker"))
    assert api.get(FLOOR).status_code == 403
