"""The API's case list, built from plain values.

A list page of up to 200 rows would otherwise build a model instance for every case,
child party, person and form of violence only to read a few columns of each: at a
million cases that was a third of the page's time. So the page is read as values
(``CaseQuerySet.row_values``) and its children and forms in one query each, and the rows
are written here. ``CaseRowSerializer`` stays the contract (its declared fields make
the schema, and a test holds these rows to DRF's own walk over them). The two queries
have one shape whatever the page, so their statements are written once per process from
the models' fields (building and compiling their querysets cost more than running them),
held to the ORM's querysets by a test.

Nothing read here is an identity: a child shows as initials, age and sex.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from cases.api.serializers import CaseRowSerializer, Reader
from cases.models import CaseParty, row_parts
from cases.models.cases import case_pseudonym
from cases.models.people import age_on, pseudonym_writer
from config.prepared_statements import execute_kept

# What the model's datetimes map to, unbound (DRF's DateTimeField, with its time zone).
_DATETIME = serializers.DateTimeField()
DATETIMES = ("reported_at", "created_at", "updated_at", "closed_at")


def case_rows(cases: list[dict], *, reader: Reader) -> list[dict]:
    """The rows of one page of ``row_values()``, in the serializer's field order. A page
    whose statement was kept brings its children and forms along (``row_parts``);
    otherwise they are read here, one statement each."""
    today = timezone.localdate()  # once per response: every age is taken on one day
    incident_shown = [
        case["id"]
        for case in cases
        if reader.sees_incident_of(case_id=case["id"], lead_agency_id=case["lead_agency_id"])
    ]
    if cases and row_parts.CHILD_SEXES in cases[0]:
        carried = {case["id"]: case for case in cases}
        parties = ((case_id, row_parts.children_of_row(row)) for case_id, row in carried.items())
        children = _children_of(parties, today)
        read = row_parts.VIOLENCE_FORMS
        forms = _sorted_forms({case_id: carried[case_id][read] for case_id in incident_shown})
    else:
        children = _children_by_case([case["id"] for case in cases], today)
        forms = _violence_forms_by_case(incident_shown)
    written = _datetime_writer()
    return [_row(case, children[case["id"]], forms.get(case["id"]), written) for case in cases]


def _datetime_writer():
    """DRF's ``DateTimeField.to_representation`` for the aware datetimes a page reads,
    with the response's time zone looked up once, not for each of a page's ~75 values
    (a tenth of the page's CPU)."""
    if api_settings.DATETIME_FORMAT != ISO_8601 or not settings.USE_TZ:
        return _DATETIME.to_representation
    zone = timezone.get_current_timezone()

    def written(value: datetime.datetime) -> str:
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return written


def _row(case: dict, children: list[dict], violence_forms: list[str] | None, written) -> dict:
    row = {
        "code": case["code"],
        "pseudonym": case_pseudonym(case["code"], [child["pseudonym"] for child in children]),
        "status": case["status"],
        "risk_level": case["risk_level"],
        "lead_agency": case["lead_agency_id"],
        "lead_caseworker": case["lead_caseworker_id"],
        "version": case["version"],
        "violence_forms": violence_forms,
        "children": children,
    }
    for name in DATETIMES:
        value = case[name]
        row[name] = None if value is None else written(value)
    return {name: row[name] for name in CaseRowSerializer.Meta.fields}


def _children_by_case(case_ids: list[int], today: datetime.date) -> defaultdict[int, list]:
    """Each case's children, read in one statement (``row_parts.children_sql``)."""
    if not case_ids:
        return defaultdict(list)
    by_case = defaultdict(list)
    for case_id, *child in _rows_of(row_parts.children_sql(), case_ids, CaseParty.Part.CHILD):
        by_case[case_id].append(child)
    return _children_of(by_case.items(), today)


def _children_of(parties_by_case, today: datetime.date) -> defaultdict[int, list]:
    """Each case's children as ``ChildSerializer`` describes them, in the order of their
    parties (as ``for_rows()`` prefetches them), from their (initials, birth date, sex).
    Only the clear columns are read."""
    children = defaultdict(list)
    pseudonym_of = pseudonym_writer(today)
    for case_id, parties in parties_by_case:
        children[case_id] = [
            {
                "pseudonym": pseudonym_of(initials=initials, birth_date=birth_date, sex=sex),
                "sex": sex,
                "age": age_on(birth_date, today),
            }
            for initials, birth_date, sex in parties
        ]
    return children


def _violence_forms_by_case(case_ids: list[int]) -> dict[int, list[str]]:
    """The sorted forms of violence of the cases whose incident the reader sees; a case
    with none still has its (empty) list, which tells it from one not shown."""
    forms = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return forms
    for case_id, form in _rows_of(row_parts.violence_forms_sql(), case_ids):
        forms[case_id].append(form)
    return _sorted_forms(forms)


def _sorted_forms(forms: dict[int, list[str]]) -> dict[int, list[str]]:
    # By code point, as the serializer's sorted() does.
    return {case_id: sorted(case_forms) for case_id, case_forms in forms.items()}


def _rows_of(sql: str, case_ids: list[int], *params) -> list[tuple]:
    """Run one of the statements below for ``case_ids``. On PostgreSQL the ids are one
    array, so the text is the same for every page and is prepared once per connection
    (config.prepared_statements); elsewhere (SQLite) one placeholder per id."""
    if connection.vendor == "postgresql":
        sql, ids = sql.format(in_case_ids="= ANY(%s)"), [list(case_ids)]
    else:
        sql, ids = sql.format(in_case_ids=f"IN ({', '.join(['%s'] * len(case_ids))})"), case_ids
    with connection.cursor() as cursor:
        execute_kept(connection, cursor, sql, [*ids, *params])
        return cursor.fetchall()
