"""The API's case list keeps a page's statement per shape (cases.models.page_statements).

The kept statement must give every reader exactly the page the ORM gives: the same rows,
in the same order, under every cursor, in both directions, and never a row the
visibility rule would not show. It is compiled for stand-in readers that carry only an
id, an agency and roles, so the rule must depend on nothing else about the reader.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from agencies.roles import forget_cached_membership, membership_of, roles_of
from cases.models import Case, CaseParty, CaseViolenceForm, Person, row_parts
from cases.models.cases import section_permission
from cases.models.choices import CaseSection
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
    """The kept page's rows, without the children and forms it carries (compared with
    the ORM's separate reads in ``test_the_api_gives_the_same_rows_either_way``)."""
    page = Case.objects.visible_page(user).order_by(*ordering)
    if condition:
        page = page.filter(**condition)
    rows = page[bounds]
    assert all(set(row_parts.COLUMNS) <= set(row) for row in rows)
    return [{k: v for k, v in row.items() if k not in row_parts.COLUMNS} for row in rows]


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
    """With its rows' children and forms: one round trip, not three."""
    page = Case.objects.visible_page(ani).order_by(*NEWEST_FIRST)
    page[0:26]  # the shape's first page compiles its statement
    with CaptureQueriesContext(connection) as queries:
        rows = page[0:26]
    assert len(queries) == 1 and rows
    assert all(set(row_parts.COLUMNS) <= set(row) for row in rows)
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
    """Every row of the list, page by page along the next links, then back along the
    previous links."""
    forward, response = [], api.get("/api/v1/cases/", params).json()
    pages = [response]
    while True:
        forward += response["results"]
        if not response["next"]:
            break
        response = api.get(response["next"]).json()
        pages.append(response)
    backward = []
    while response["previous"]:
        response = api.get(response["previous"]).json()
        backward = response["results"] + backward
    return forward, backward


@pytest.fixture
def children_and_forms(mixed_cases, ani):  # noqa: F811
    """Rows with no child, one, two (one of them with nothing known), with forms of
    violence and without, and UPTD PPA cases granted to ani with and without the
    incident section."""
    for number, case in enumerate(mixed_cases):
        for child in range(number // 3 % 3):
            known = child == 0 or number % 2
            person = Person.objects.create(
                name=f"Anak {number} {child}" if known else "",
                sex=("P", "L")[child] if known else "",
                birth_date=datetime.date(2012 + number % 7, 1 + child, 9) if known else None,
            )
            CaseParty.objects.create(case=case, person=person, part=CaseParty.Part.CHILD)
        for form in ("seksual", "fisik", "psikis")[: number % 4]:
            CaseViolenceForm.objects.create(case=case, form=form)
    granted = [case for case in mixed_cases[::6] if case.lead_agency_id != _agency_of(ani)]
    assign_perm(f"cases.{section_permission(CaseSection.INCIDENT)}", ani, granted[0])
    return mixed_cases


@pytest.mark.parametrize("username", ["ani", "budi", "citra", "hadi"])
def test_the_api_gives_the_same_rows_either_way(children_and_forms, api, ani, username, request):
    """With no filter and no order asked the page's statement is kept and carries its
    rows' children and forms; asking for the default order explicitly takes the ORM's
    path, which reads them apart. Both walks give the same rows, field for field."""
    api.force_login(request.getfixturevalue(username))
    kept_forward, kept_backward = _walk(api, {"page_size": 2})
    orm_forward, orm_backward = _walk(api, {"page_size": 2, "ordering": "-created_at"})
    assert kept_forward == orm_forward and kept_forward
    assert kept_backward == orm_backward
    codes = [row["code"] for row in kept_forward]
    assert len(set(codes)) == len(codes)
    # The walk met what it is there to compare.
    assert any(len(row["children"]) == 2 for row in kept_forward)
    assert any(row["violence_forms"] for row in kept_forward)
    if username == "ani":  # an incident granted to her, and others that are not
        others = [row for row in kept_forward if row["lead_agency"] != _agency_of(ani)]
        shown = [row["violence_forms"] is not None for row in others]
        assert shown.count(True) == 1 and shown.count(False) >= 1


def _agency_of(user) -> int:
    return membership_of(user).agency_id


def test_a_forged_cursor_position_is_refused_as_the_orm_refuses_it(mixed_cases, api, ani):  # noqa: F811
    import base64

    api.force_login(ani)
    cursor = base64.b64encode(b"p=not-a-time").decode()
    kept = api.get("/api/v1/cases/", {"cursor": cursor})
    by_orm = api.get("/api/v1/cases/", {"cursor": cursor, "ordering": "-created_at"})
    assert kept.status_code == by_orm.status_code == 400, kept.status_code
    assert kept.json() == by_orm.json()
