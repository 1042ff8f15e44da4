"""After a full intake, triage and case flow, no table holds a name, NIK or narrative in
clear text: what a database dump would show."""

import pytest
from django.db import connection

from cases.intake import complaint_open_case
from cases.models import Complaint
from tests.test_intake import _received

pytestmark = pytest.mark.django_db

SECRETS = ("Anak Uji Pertama", "6471014302140001", "Terlapor Uji", "Tetangga melihat", "Jl. Contoh")


def all_text_in_the_database() -> str:
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(("cases_", "agencies_")):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                rows.extend(cursor.fetchall())
    return repr(rows)


def test_no_identity_or_narrative_is_stored_in_clear_text(hadi, ani):
    complaint = _received(hadi)
    complaint_open_case(
        complaint=Complaint.objects.get(pk=complaint.pk), triaged_by=hadi, lead_caseworker=ani
    )
    dump = all_text_in_the_database()
    assert [secret for secret in SECRETS if secret in dump] == []
