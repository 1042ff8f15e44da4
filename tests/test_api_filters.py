"""API lists build no FilterSet for a request that names none of its filters
(api.filters.AskedFilterBackend): the list must be exactly what django-filter's own
backend gives, with or without filters asked for, and bad filter values still fail."""

import pytest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from agencies.api import AgencyViewSet, RegionViewSet
from api.filters import AskedFilterBackend
from cases.api.cases import CaseViewSet
from cases.api.complaints import ComplaintViewSet
from meetings.api.views import ActionItemViewSet, MeetingViewSet
from referrals.api.views import ReferralViewSet

pytestmark = pytest.mark.django_db

LISTS = [
    CaseViewSet,
    ComplaintViewSet,
    ReferralViewSet,
    MeetingViewSet,
    ActionItemViewSet,
    AgencyViewSet,
    RegionViewSet,
]


def _list_view(viewset, user, params):
    request = Request(APIRequestFactory().get("/", params))
    request.user = user
    view = viewset(request=request, action="list", format_kwarg=None, kwargs={}, args=())
    return view, request


def _filtered_sql(backend, viewset, user, params) -> str:
    view, request = _list_view(viewset, user, params)
    return str(backend.filter_queryset(request, view.get_queryset(), view).query)


@pytest.mark.parametrize("viewset", LISTS, ids=lambda viewset: viewset.__name__)
@pytest.mark.parametrize(
    "params",
    [{}, {"page_size": 5, "ordering": "-updated_at", "cursor": "x"}],
    ids=["nothing", "paging only"],
)
def test_a_list_asking_no_filter_is_the_list_django_filter_gives(viewset, params, budi):
    view, request = _list_view(viewset, budi, params)
    unfiltered = str(view.get_queryset().query)
    assert _filtered_sql(AskedFilterBackend(), viewset, budi, params) == unfiltered
    assert _filtered_sql(DjangoFilterBackend(), viewset, budi, params) == unfiltered


@pytest.mark.parametrize(
    ("viewset", "params"),
    [
        (CaseViewSet, {"status": "terminasi"}),
        (CaseViewSet, {"reported_after": "2026-01-01", "page_size": 5}),
        (ComplaintViewSet, {"awaiting_triage": "true"}),
        (AgencyViewSet, {"type": "dinsos"}),
    ],
)
def test_a_list_asking_a_filter_runs_the_whole_set(viewset, params, budi):
    view, request = _list_view(viewset, budi, params)
    unfiltered = str(view.get_queryset().query)
    ours = _filtered_sql(AskedFilterBackend(), viewset, budi, params)
    assert ours == _filtered_sql(DjangoFilterBackend(), viewset, budi, params) != unfiltered


def test_a_bad_filter_value_is_still_a_field_error(api, budi):
    api.force_login(budi)
    response = api.get("/api/v1/cases/", {"reported_after": "kemarin"})
    assert response.status_code == 400
    assert "reported_after" in str(response.json())


def test_no_filter_set_is_built_for_a_list_that_asks_none(monkeypatch, api, budi):
    from cases.api.filters import CaseFilter

    built, build = [], CaseFilter.__init__

    def counting_build(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        build(self, *args, **kwargs)

    monkeypatch.setattr(CaseFilter, "__init__", counting_build)
    api.force_login(budi)
    assert api.get("/api/v1/cases/", {"page_size": 5}).status_code == 200
    assert built == []
    assert api.get("/api/v1/cases/", {"status": "terminasi"}).status_code == 200
    assert len(built) == 1
