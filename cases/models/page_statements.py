"""A page of the API's visible case list: its statement kept per shape.

Reading a page of ``Case.objects.visible_to(user)`` meant building the visibility rule,
each of its arms and their union (``cases.models.windows``) and compiling them: ~4 ms of
CPU on every request, ten times what PostgreSQL spends running the statement. Yet the
statement's text depends only on the page's shape: the reader's roles, the order, the
cursor's direction, the offset and the size. Its values are the reader's id and agency
and the cursor's position.

So the statement of a shape is compiled once per process by the ORM itself, through
``visible_to`` and the page's rewrite, for two stand-in readers and positions. It is kept
only when the two compilations give the same text, and their values differ exactly where
a stand-in's id, agency or position stands and nowhere else. Each request then runs the
kept text with its own reader's values in those places, prepared once per connection on
PostgreSQL (config.prepared_statements): one generic plan then serves every reader of
a shape, which holds because each arm of the rule is an index range or an id list
whatever the reader (the benchmark's ``prepared_page_plans`` checks the cast's at a
million cases). Anything else (a reader without a membership, a filter, a shape whose
statement could not be kept) is read by the ORM as before.

On PostgreSQL the kept statement also brings each row's children and forms of violence
(``cases.models.row_parts``): the list's three round trips become one.

The stand-ins carry only an id, an agency and the real reader's roles. So the rule may
depend on nothing else about the reader: ``tests/test_case_page_statements.py`` holds the
rule of every member of the cast to its stand-in's, and every page of every cast member
to the ORM's page.
"""

import functools
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.db import connections

from agencies.roles import membership_of, roles_of
from cases.models import row_parts
from config.prepared_statements import execute_kept

USING = "default"
POSITIONED_BY = "created_at"  # the first field of every order a kept page may have
# Two stand-in readers and positions: values no real row or reader can have.
STAND_INS = (
    {"user": -7_100_001, "agency": -7_100_002, "position": datetime(1901, 2, 3, 4, 5, 6, 7, UTC)},
    {"user": -8_200_001, "agency": -8_200_002, "position": datetime(1902, 3, 4, 5, 6, 7, 8, UTC)},
)


class ShapeNotKept(Exception):
    """The two compilations of a shape did not differ exactly at the stand-ins."""


@dataclass(frozen=True)
class PageShape:
    roles: tuple[str, ...]
    ordering: tuple[str, ...]
    cursor: str | None  # "lt" or "gt" against the position, or None for the first page
    offset: int
    limit: int


@dataclass(frozen=True)
class _Value:
    """A place in the statement's values that each request fills with its own."""

    name: str


@dataclass(frozen=True)
class PageStatement:
    sql: str
    values: tuple  # per placeholder: a _Value, or the constant the ORM put there
    columns: tuple[str, ...]
    converters: tuple  # (column index, converters, expression), as the compiler's

    def params_for(self, **given) -> list:
        """The statement's values for one reader (``user``, ``agency``, ``position``)."""
        return [given[v.name] if isinstance(v, _Value) else v for v in self.values]

    def run(self, **given) -> list[dict]:
        params = self.params_for(**given)
        connection = connections[USING]
        with connection.cursor() as cursor:
            # Prepared: planning the page took twice as long as running it. Every arm
            # is an index range or an id list whatever the reader, so the generic plan
            # PostgreSQL settles on is as good as one made with the reader's values
            # (the benchmark's plan probe checks it for the cast at a million cases).
            execute_kept(connection, cursor, self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [self._converted(list(row), connection) for row in rows]
        return [dict(zip(self.columns, row, strict=True)) for row in rows]

    def _converted(self, row: list, connection) -> list:
        for index, converters, expression in self.converters:
            for converter in converters:
                row[index] = converter(row[index], expression, connection)
        return row


def _stand_in_reader(user_id: int, agency_id: int, roles: tuple[str, ...]):
    from agencies.models import Agency, Membership, User
    from agencies.roles import adopt_membership

    user = User(pk=user_id)
    user.membership = Membership(user=user, agency=Agency(pk=agency_id, is_active=True))
    adopt_membership(user, list(roles))
    return user


def position_value(position, connection):
    """The cursor's position as the ORM puts it into a ``created_at__lt`` lookup."""
    from cases.models import Case

    field = Case._meta.get_field(POSITIONED_BY)
    return field.get_db_prep_value(field.get_prep_value(position), connection, prepared=True)


def _compiled(shape: PageShape, stand_in: dict):
    from cases.models import Case

    reader = _stand_in_reader(stand_in["user"], stand_in["agency"], shape.roles)
    queryset = Case.objects.visible_to(reader).row_values().order_by(*shape.ordering)
    if shape.cursor:
        queryset = queryset.filter(**{f"{POSITIONED_BY}__{shape.cursor}": stand_in["position"]})
    query = queryset[shape.offset : shape.offset + shape.limit].query_as_run()
    compiler = query.get_compiler(USING)
    sql, params = compiler.as_sql()
    return sql, params, compiler


@functools.lru_cache(maxsize=256)
def page_statement(shape: PageShape) -> PageStatement | None:
    """The statement of ``shape``, compiled once per process; None when it cannot be
    kept (the page is then read by the ORM)."""
    try:
        return _kept(shape)
    except ShapeNotKept:
        return None


def _kept(shape: PageShape) -> PageStatement:
    connection = connections[USING]
    (sql, params, compiler), (other_sql, other_params, _other) = (
        _compiled(shape, stand_in) for stand_in in STAND_INS
    )
    if sql != other_sql or len(params) != len(other_params):
        raise ShapeNotKept
    placed = [
        {**stand_in, "position": position_value(stand_in["position"], connection)}
        for stand_in in STAND_INS
    ]
    values = tuple(_value_at(pair, placed) for pair in zip(params, other_params, strict=True))
    query = compiler.query
    columns = (*query.extra_select, *query.values_select, *query.annotation_select)
    selected = [expression for expression, _sql, _alias in compiler.select]
    converters = tuple(
        (index, tuple(found), expression)
        for index, (found, expression) in compiler.get_converters(selected).items()
    )
    order = [(name.lstrip("-"), name.startswith("-")) for name in shape.ordering]
    if connection.vendor == "postgresql" and all(alias in columns for alias, _desc in order):
        # The rows' children and forms come with the page: one round trip, not three.
        sql, part_values = row_parts.with_row_parts(sql, order=order)
        values, columns = (*values, *part_values), (*columns, *row_parts.COLUMNS)
    return PageStatement(sql, values, columns, converters)


def _value_at(pair: tuple, placed: list[dict]):
    """What stands at one placeholder: a stand-in's value in both compilations (a
    request's own value), or the same constant in both, equal to no stand-in."""
    names = [name for name in placed[0] if (placed[0][name], placed[1][name]) == pair]
    if len(names) == 1:
        return _Value(names[0])
    first, second = pair
    stand_in_values = [*placed[0].values(), *placed[1].values()]
    if names or first != second or first in stand_in_values:
        raise ShapeNotKept
    return first


@dataclass(frozen=True)
class VisiblePage:
    """``Case.objects.visible_to(user).row_values()`` as the cursor paginator uses it: an
    order, at most one position filter on the order's first field, then a slice, which
    reads the page. The page's statement is kept per shape (``page_statement``); its rows
    then carry ``row_parts.COLUMNS`` too."""

    user: object
    ordering: tuple[str, ...] = ()
    cursor: str | None = None
    position: object = None

    def order_by(self, *ordering: str) -> "VisiblePage":
        return replace(self, ordering=ordering)

    def filter(self, **condition) -> "VisiblePage":
        ((lookup, position),) = condition.items()
        field, _, cursor = lookup.partition("__")
        if self.cursor or field != POSITIONED_BY or cursor not in ("lt", "gt"):
            raise TypeError(f"a kept page is filtered by its position only, not {lookup}")
        return replace(self, cursor=cursor, position=position)

    def __getitem__(self, bounds: slice) -> list[dict]:
        if not isinstance(bounds, slice) or bounds.step or bounds.start is None:
            raise TypeError("a kept page is read by one slice from an offset")
        shape = PageShape(
            roles=tuple(sorted(roles_of(self.user))),
            ordering=self.ordering,
            cursor=self.cursor,
            offset=bounds.start,
            limit=bounds.stop - bounds.start,
        )
        membership = membership_of(self.user)
        positioned = self.ordering and self.ordering[0].lstrip("-") == POSITIONED_BY
        statement = page_statement(shape) if membership and positioned else None
        if statement is None:
            return list(self._by_orm()[bounds])
        position = None
        if self.cursor:
            position = position_value(self.position, connections[USING])
        return statement.run(user=self.user.pk, agency=membership.agency_id, position=position)

    def _by_orm(self):
        from cases.models import Case

        queryset = Case.objects.visible_to(self.user).row_values().order_by(*self.ordering)
        if self.cursor:
            queryset = queryset.filter(**{f"{POSITIONED_BY}__{self.cursor}": self.position})
        return queryset
