"""The case list downloads whole for supervisors and heads: pseudonyms only, audited,
within the same visibility rule as the pages, in a fixed number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AuditEvent
from tests.test_case_pages import CHILD, open_case

pytestmark = pytest.mark.django_db


def _codes(response) -> set[str]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    _header, *rows = csv.reader(io.StringIO(body))
    return {row[0] for row in rows}  # the case code comes first


def test_a_supervisor_downloads_the_agencys_cases_as_pseudonyms(client, budi, dinsos, hadi, ani):
    mine = open_case(dinsos, hadi, ani, children=2, sexual=True)
    client.force_login(budi)

    response = client.get("/kasus/?format=csv", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="kasus-')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert mine.code in body
    assert CHILD not in body and "6471015708120002" not in body and "Rahasia" not in body
    audit = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, actor=budi)
    assert audit.object_type == "cases.case" and "code" in audit.fields


def test_the_download_keeps_the_filters_and_the_visibility_rule(
    client, budi, dinsos, uptd_ppa, hadi, ani, citra
):
    sexual = open_case(dinsos, hadi, ani, sexual=True)
    plain = open_case(dinsos, hadi, ani)
    elsewhere = open_case(uptd_ppa, citra, citra, sexual=True)
    client.force_login(budi)

    codes = _codes(client.get("/kasus/?violence=seksual&format=csv"))

    assert codes == {sexual.code}
    assert plain.code not in codes and elsewhere.code not in codes


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_a_caseworker_may_not_download_the_list(client, ani, dinsos, hadi, format_):
    open_case(dinsos, hadi, ani)
    client.force_login(ani)

    assert client.get(f"/kasus/?format={format_}").status_code == 403
    page = client.get("/kasus/").content.decode()
    assert "format=csv" not in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_download_runs_a_fixed_number_of_queries(client, budi, dinsos, hadi, ani):
    client.force_login(budi)

    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/kasus/?format=csv")
            b"".join(response.streaming_content)
        return len(queries)

    open_case(dinsos, hadi, ani, children=2)
    few = queries_for_export()
    for _case in range(6):
        open_case(dinsos, hadi, ani, children=2, sexual=True)
    assert queries_for_export() == few
