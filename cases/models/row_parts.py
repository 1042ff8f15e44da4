"""What a row of the API's case list needs besides the case's own columns: its children
(initials, birth date and sex of each child party, never a name) and its forms of
violence. Their statements are written once per process from the models' fields.

A page read by the ORM (a filter or an order was asked) fetches them after the page, one
statement each (``children_sql``, ``violence_forms_sql``). A page whose statement is kept
per shape (``cases.models.page_statements``) carries them in its own statement
(``with_row_parts``): each round trip to PostgreSQL costs more than what it reads, and the
list's three became one. ``tests/test_case_page_statements.py`` holds the two ways to the
same rows.

The forms are read for every row of the page; whether a row shows them (the reader sees
the case's incident section) is decided where the rows are written
(``cases.api.serializers.Reader``), for both ways alike.
"""

import functools

from django.db import connection

# The columns ``with_row_parts`` adds to a page's rows: one array per child column, in
# the order of the case's parties, and the case's forms (unsorted, every form).
CHILD_INITIALS = "child_initials"
CHILD_BIRTH_DATES = "child_birth_dates"
CHILD_SEXES = "child_sexes"
VIOLENCE_FORMS = "violence_forms_read"
COLUMNS = (CHILD_INITIALS, CHILD_BIRTH_DATES, CHILD_SEXES, VIOLENCE_FORMS)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def children_sql() -> str:
    """``CaseParty.objects.filter(case_id__in=…, part=…).order_by("pk").values_list(
    "case_id", "person__initials", "person__birth_date", "person__sex")``, with
    ``{in_case_ids}`` left for the caller's list of ids."""
    from cases.models import CaseParty, Person

    party, person = functools.partial(_column, CaseParty), functools.partial(_column, Person)
    return (
        f"SELECT p.{party('case')}, q.{person('initials')}, "  # noqa: S608 - model names
        f"q.{person('birth_date')}, q.{person('sex')} "
        f"FROM {_table(CaseParty)} p "
        f"JOIN {_table(Person)} q ON q.{person('id')} = p.{party('person')} "
        f"WHERE p.{party('case')} {{in_case_ids}} AND p.{party('part')} = %s "
        f"ORDER BY p.{party('id')}"
    )


@functools.cache
def violence_forms_sql() -> str:
    """``CaseViolenceForm.objects.filter(case_id__in=…).values_list("case_id", "form")``."""
    from cases.models import CaseViolenceForm

    form = functools.partial(_column, CaseViolenceForm)
    return (
        f"SELECT f.{form('case')}, f.{form('form')} "  # noqa: S608 - model names
        f"FROM {_table(CaseViolenceForm)} f WHERE f.{form('case')} {{in_case_ids}}"
    )


def with_row_parts(page_sql: str, *, order: list[tuple[str, bool]]) -> tuple[str, tuple]:
    """``page_sql`` (PostgreSQL; its rows have an ``id`` column) with ``COLUMNS`` added
    to each row, in the page's order (``(column alias, descending)`` pairs), and the
    values its own placeholders take after the page's."""
    from cases.models import CaseParty, CaseViolenceForm, Person

    party, person = functools.partial(_column, CaseParty), functools.partial(_column, Person)
    form, quote = functools.partial(_column, CaseViolenceForm), connection.ops.quote_name
    by_party = f"ORDER BY p.{party('id')}"
    ordered = ", ".join(f"page.{quote(alias)}{' DESC' if desc else ''}" for alias, desc in order)
    sql = (
        f"SELECT page.*, kids.{quote(CHILD_INITIALS)}, kids.{quote(CHILD_BIRTH_DATES)}, "  # noqa: S608
        f"kids.{quote(CHILD_SEXES)}, ARRAY(SELECT f.{form('form')} "
        f"FROM {_table(CaseViolenceForm)} f WHERE f.{form('case')} = page.{quote('id')}) "
        f"AS {quote(VIOLENCE_FORMS)} "
        f"FROM ({page_sql}) page "
        f"LEFT JOIN LATERAL (SELECT "
        f"array_agg(q.{person('initials')} {by_party}) AS {quote(CHILD_INITIALS)}, "
        f"array_agg(q.{person('birth_date')} {by_party}) AS {quote(CHILD_BIRTH_DATES)}, "
        f"array_agg(q.{person('sex')} {by_party}) AS {quote(CHILD_SEXES)} "
        f"FROM {_table(CaseParty)} p "
        f"JOIN {_table(Person)} q ON q.{person('id')} = p.{party('person')} "
        f"WHERE p.{party('case')} = page.{quote('id')} AND p.{party('part')} = %s) kids ON true "
        f"ORDER BY {ordered}"
    )
    return sql, (CaseParty.Part.CHILD,)


def children_of_row(row: dict) -> list[tuple]:
    """A row's children as ``children_sql`` gives them: (initials, birth date, sex)."""
    sexes = row[CHILD_SEXES]
    if sexes is None:  # no child party: the aggregate of no rows
        return []
    return list(zip(row[CHILD_INITIALS], row[CHILD_BIRTH_DATES], sexes, strict=True))
