"""The API's case list keeps a page's statement per shape (cases.models.page_statements).

The kept statement must give every reader exactly the page the ORM gives: the same rows,
in the same order, under every cursor, in both directions, and never a row the
visibility rule would not show. It is compiled for stand-in readers that carry only an
id, an agency and roles, so the rule must depend on nothing else about the reader.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.roles import forget_cached_membership, membership_of, roles_of
from cases.models import Case
from cases.models.page_statements import (
    STAND_INS,
    PageShape,
    ShapeNotKept,
    _stand_in_reader,
    _value_at,
    page_statement,
)
from tests.test_case_list_windows import CAST, mixed_cases  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

NEWEST_FIRST = ("-created_at", "-id")
OLDEST_FIRST = ("created_at", "id")


def _by_orm(user, ordering, condition, bounds):
    listed = Case.objects.visible_to(user).row_values().order_by(*ordering).filter(**condition)
    return list(listed[bounds])


def _kept(user, ordering, condition, bounds):
    page = Case.objects.visible_page(user).order_by(*ordering)
    if condition:
        page = page.filter(**condition)
    return page[bounds]


def _conditions(user):
    """No cursor, and a cursor on each creation time the reader can see, both ways, as
    the paginator gives it: the time as text."""
    yield {}
    times = set(Case.objects.visible_to(user).values_list("created_at", flat=True))
    for created_at in sorted(times):
        yield {"created_at__lt": str(created_at)}
        yield {"created_at__gt": str(created_at)}


@pytest.mark.parametrize("username", CAST)
def test_every_kept_page_is_the_page_the_orm_gives(mixed_cases, username, django_user_model):  # noqa: F811
    user = django_user_model.objects.get(username=username)
    compared = 0
    for ordering in (NEWEST_FIRST, OLDEST_FIRST):
        for condition in _conditions(user):
            for offset in (0, 2):
                for size in (1, 5, 26):
                    bounds = slice(offset, offset + size + 1)
                    kept = _kept(user, ordering, condition, bounds)
                    assert kept == _by_orm(user, ordering, condition, bounds), (
                        username,
                        ordering,
                        condition,
                        bounds,
                    )
                    compared += bool(kept)
    # Rows were compared, not only empty pages, for everyone who sees a case.
    assert bool(compared) == Case.objects.visible_to(user).exists()
    shape = PageShape(tuple(sorted(roles_of(user))), NEWEST_FIRST, "lt", 0, 26)
    assert page_statement(shape) is not None  # the kept statement was what ran


@pytest.mark.parametrize("username", CAST)
def test_the_rule_depends_only_on_the_readers_id_agency_and_roles(username, request):
    """What a stand-in reader carries is all the rule reads of a reader: the same id,
    agency and roles give the same statement and values as the reader itself."""
    user = request.getfixturevalue(username)
    forget_cached_membership(user)
    membership = membership_of(user)
    stand_in = _stand_in_reader(user.pk, membership.agency_id, tuple(roles_of(user)))
    for rule in ("visible_to",):
        own = getattr(Case.objects, rule)(user).order_by(*NEWEST_FIRST)[:26]
        theirs = getattr(Case.objects, rule)(stand_in).order_by(*NEWEST_FIRST)[:26]
        assert own.query_as_run().sql_with_params() == theirs.query_as_run().sql_with_params()


def test_a_kept_page_costs_one_query(mixed_cases, ani, room_for_kept_statements):  # noqa: F811
    page = Case.objects.visible_page(ani).order_by(*NEWEST_FIRST)
    page[0:26]  # the shape's first page compiles its statement
    with CaptureQueriesContext(connection) as queries:
        rows = page[0:26]
    assert len(queries) == 1 and rows
    assert queries[0]["sql"].startswith("EXECUTE ")  # prepared once on the connection
    shape = PageShape(tuple(sorted(roles_of(ani))), NEWEST_FIRST, None, 0, 26)
    assert "UNION ALL" in page_statement(shape).sql  # still read arm by arm


def test_a_reader_without_an_agency_gets_an_empty_page(django_user_model):
    loose = django_user_model.objects.create_user(username="tanpa", password="x" * 16)
    assert Case.objects.visible_page(loose).order_by(*NEWEST_FIRST)[0:26] == []


def test_a_statement_is_kept_only_where_the_stand_ins_alone_differ():
    first, second = STAND_INS
    placed = [dict(first), dict(second)]
    assert _value_at((first["user"], second["user"]), placed).name == "user"
    assert _value_at(("view_case", "view_case"), placed) == "view_case"
    with pytest.raises(ShapeNotKept):
        _value_at((1, 2), placed)  # a value that changed but is no stand-in's
    with pytest.raises(ShapeNotKept):
        _value_at((first["agency"], first["agency"]), placed)  # a stand-in, as a constant
    # Every stand-in value differs from every other, so a place names one value only.
    values = [*first.values(), *second.values()]
    assert len(set(map(repr, values))) == len(values)


def test_only_a_position_filter_and_one_slice_are_understood(ani):
    page = Case.objects.visible_page(ani).order_by(*NEWEST_FIRST)
    with pytest.raises(TypeError):
        page.filter(status="baru")
    with pytest.raises(TypeError):
        page.filter(created_at__lt="2026-01-01").filter(created_at__lt="2025-01-01")
    with pytest.raises(TypeError):
        page[3]
    with pytest.raises(TypeError):
        Case.objects.filter(status="baru").visible_page(ani)  # would be ignored


def _walk(api, params):
    """Every code of the list, page by page along the next links, then back along the
    previous links."""
    forward, response = [], api.get("/api/v1/cases/", params).json()
    pages = [response]
    while True:
        forward += [row["code"] for row in response["results"]]
        if not response["next"]:
            break
        response = api.get(response["next"]).json()
        pages.append(response)
    backward = []
    while response["previous"]:
        response = api.get(response["previous"]).json()
        backward = [row["code"] for row in response["results"]] + backward
    return forward, backward


@pytest.mark.parametrize("username", ["ani", "budi", "citra", "hadi"])
def test_the_api_walks_the_same_list_either_way(mixed_cases, api, username, request):  # noqa: F811
    """With no filter and no order asked the page's statement is kept; asking for the
    default order explicitly takes the ORM's path. Both walks give the same cases."""
    api.force_login(request.getfixturevalue(username))
    kept_forward, kept_backward = _walk(api, {"page_size": 2})
    orm_forward, orm_backward = _walk(api, {"page_size": 2, "ordering": "-created_at"})
    assert kept_forward == orm_forward and kept_forward
    assert kept_backward == orm_backward
    assert len(set(kept_forward)) == len(kept_forward)


def test_a_forged_cursor_position_is_refused_as_the_orm_refuses_it(mixed_cases, api, ani):  # noqa: F811
    import base64

    api.force_login(ani)
    cursor = base64.b64encode(b"p=not-a-time").decode()
    kept = api.get("/api/v1/cases/", {"cursor": cursor})
    by_orm = api.get("/api/v1/cases/", {"cursor": cursor, "ordering": "-created_at"})
    assert kept.status_code == by_orm.status_code == 400, kept.status_code
    assert kept.json() == by_orm.json()
