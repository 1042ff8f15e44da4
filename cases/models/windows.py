"""Reading a page of a visible list arm by arm.

A visibility rule is an OR of arms (``CaseQuerySet.visible_to``): the lead caseworker's
cases, the agency's, the cases granted or shared in a team. Each arm alone is one
index range in list order, but PostgreSQL cannot walk an OR in order: for a
caseworker's first page it fetches all 1,500 visible cases to sort them, and more for
every grant. So a page of a list in the newest-first order is read as
``id = ANY(<each arm's own first rows, UNION ALL>)`` with the list's other filters and
cursor applied inside every arm. The page's rows are the same: any row among the
first *n* of the OR is among the first *n* of its own arm. And no row can appear that
the rule would not show: each arm is a branch of the rule itself.
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import Q
from django.db.models.sql.where import AND, OR, ExtraWhere, WhereNode

NEWEST_FIRST = ("-created_at", "-id")


class VisibilityRule(WhereNode):
    """The WHERE node of a visibility rule, so that a page can find its arms. A clone of
    a query keeps the class (``WhereNode.create``), so the mark survives chaining.

    ``ordered_reads`` maps an arm's position to a function giving the same arm written
    so that an index yields it in list order (a filter and the ordering that walks that
    index), for an arm that as written can only be fetched whole and sorted. Only a
    page calls it."""

    ordered_reads: dict[int, Callable[[], tuple[Q, tuple[str, ...]]]] = {}

    def clone(self):
        clone = super().clone()
        clone.ordered_reads = self.ordered_reads
        return clone


def mark_visibility_rule(queryset, *, ordered_reads=None):
    """Mark the rule just added by ``queryset.filter(rule)``. A one-arm rule is left
    alone: it is an index range already."""
    node = queryset.query.where.children[-1] if queryset.query.where.children else None
    if (
        type(node) is WhereNode
        and node.connector == OR
        and not node.negated
        and len(node.children) > 1
    ):
        node.__class__ = VisibilityRule
        node.ordered_reads = ordered_reads or {}
    return queryset


def newest_page_by_arms(queryset):
    """The same page read arm by arm, or None when the query is not a newest-first page
    of a rule (then it runs as it is)."""
    if not connections[queryset.db].features.supports_slicing_ordering_in_compound:
        return None  # SQLite (the laptop demo): no ordered arms in a UNION; read as written
    query = queryset.query
    position = _rule_position(query)
    if position is None:
        return None
    rule = query.where.children[position]
    windows = [_arm_window(queryset, position, rule, index) for index in range(len(rule.children))]
    candidates = windows[0].union(*windows[1:], all=True).order_by()
    # Compiled here, as the statement it is, and put in as SQL: resolving it as an ORM
    # subquery would copy the whole union once more (a tenth of a list's Python time).
    sql, params = candidates.query.get_compiler(queryset.db).as_sql()
    page = queryset._chain()
    quote = connections[queryset.db].ops.quote_name
    column = f"{quote(page.query.get_initial_alias())}.{quote(page.model._meta.pk.column)}"
    page.query.where.children[position] = ExtraWhere([f"{column} = ANY(ARRAY({sql}))"], params)
    return page


def _rule_position(query) -> int | None:
    if (
        query.high_mark is None
        or query.combinator
        or query.distinct
        or query.group_by is not None
        or query.where.connector != AND
        or query.where.negated
        or _ordering(query) != NEWEST_FIRST
    ):
        return None
    positions = [
        index
        for index, child in enumerate(query.where.children)
        if isinstance(child, VisibilityRule)
    ]
    return positions[0] if len(positions) == 1 else None


def _ordering(query) -> tuple[str, ...]:
    if query.order_by:
        return tuple(query.order_by)
    return tuple(query.get_meta().ordering) if query.default_ordering else ()


def _arm_window(queryset, position: int, rule: VisibilityRule, index: int):
    """The first rows of one arm, under the page's other filters, as ids."""
    window = queryset._chain()
    window.query.clear_limits()
    if index in rule.ordered_reads:
        condition, ordering = rule.ordered_reads[index]()
        del window.query.where.children[position]
        window = window.filter(condition).order_by(*ordering)
    else:
        arm = rule.children[index]
        window.query.where.children[position] = arm.clone() if hasattr(arm, "clone") else arm
    return window[: queryset.query.high_mark].values("pk")
