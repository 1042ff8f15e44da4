import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AuditEvent, CaseParty, CaseViolenceForm, Person
from cases.models.choices import RiskLevel, Sex, ViolenceForm
from cases.services import case_open

pytestmark = pytest.mark.django_db

CHILD = "Siti Nurhaliza Canary"


def open_case(agency, opened_by, lead=None, *, children=1, sexual=False):
    case = case_open(
        opened_by=opened_by,
        agency=agency,
        reported_at=timezone.now() - datetime.timedelta(hours=80),
        risk_level=RiskLevel.HIGH,
    )
    if lead:
        case.lead_caseworker = lead
        case.save(update_fields=["lead_caseworker"])
    for number in range(children):
        child = Person.objects.create(
            name=f"{CHILD} {number}",
            nik="6471015708120002",
            sex=Sex.FEMALE,
            birth_date=datetime.date(2013, 5, 1),
            address="Jl. Rahasia No. 7, RT 03",
        )
        CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    if sexual:
        CaseViolenceForm.objects.create(case=case, form=ViolenceForm.SEXUAL)
    return case


@pytest.fixture
def case(dinsos, hadi, ani):
    return open_case(dinsos, hadi, ani, sexual=True)


def test_the_list_shows_pseudonyms_never_names(client, ani, case):
    client.force_login(ani)
    html = client.get("/kasus/").content.decode()
    assert case.code in html
    assert "SN · " in html
    assert "Siti" not in html and "Rahasia" not in html


def test_another_agency_sees_neither_the_case_nor_its_count(client, citra, case):
    client.force_login(citra)
    html = client.get("/kasus/").content.decode()
    assert case.code not in html
    search = client.get(f"/kasus/?q={case.code}").content.decode()
    assert f'href="/kasus/{case.code}/"' not in search
    assert "tbody" not in search


@pytest.mark.parametrize("path", ["/kasus/{code}/", "/kasus/{code}/riwayat/"])
def test_another_agencys_case_is_not_found(client, citra, case, path):
    client.force_login(citra)
    assert client.get(path.format(code=case.code)).status_code == 404


def test_revealing_another_agencys_identity_is_not_found(client, citra, case):
    client.force_login(citra)
    assert client.post(f"/kasus/{case.code}/identitas/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, case):
    response = client.get(f"/kasus/{case.code}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk/")


def test_every_read_of_the_case_page_is_audited(client, ani, case):
    client.force_login(ani)
    client.get(f"/kasus/{case.code}/")
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.case, event.agency.nomenclature) == (ani, case, "Dinsos")


def test_the_case_page_hides_identity_until_revealed_and_audits_the_reveal(client, ani, case):
    client.force_login(ani)
    page = client.get(f"/kasus/{case.code}/").content.decode()
    assert "Siti" not in page
    revealed = client.post(f"/kasus/{case.code}/identitas/").content.decode()
    assert f"{CHILD} 0" in revealed and "6471015708120002" in revealed
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL_IDENTITY)
    assert event.actor == ani and "nik" in event.fields


def test_a_head_must_give_a_reason_to_reveal(client, case, dinsos):
    from tests.factories import member_of

    head = member_of(dinsos, "head")
    client.force_login(head)
    refused = client.post(f"/kasus/{case.code}/identitas/", {"reason": ""})
    assert refused.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL_IDENTITY).exists()
    allowed = client.post(f"/kasus/{case.code}/identitas/", {"reason": "Rapat kasus darurat"})
    assert f"{CHILD} 0" in allowed.content.decode()
    assert AuditEvent.objects.get(action="reveal_identity").reason == "Rapat kasus darurat"


def test_a_shared_case_does_not_share_the_identity(client, citra, case):
    from guardian.shortcuts import assign_perm

    assign_perm("cases.view_case", citra, case)
    client.force_login(citra)
    assert client.get(f"/kasus/{case.code}/").status_code == 200
    assert client.post(f"/kasus/{case.code}/identitas/").status_code == 403


def test_the_tpks_police_deadline_is_shown_and_flagged_overdue(client, ani, case):
    client.force_login(ani)
    html = client.get("/kasus/").content.decode()
    assert "badge text-bg-danger" in html


def test_only_the_supervisor_sees_the_access_history(client, ani, budi, case):
    client.force_login(ani)
    client.get(f"/kasus/{case.code}/")
    assert client.get(f"/kasus/{case.code}/riwayat/").status_code == 403
    client.force_login(budi)
    history = client.get(f"/kasus/{case.code}/riwayat/").content.decode()
    assert "Ani Rahmawati" in history


def test_filters_narrow_the_list(client, budi, dinsos, hadi, ani, case):
    other = open_case(dinsos, hadi, None)
    other.status = "terminasi"
    other.save(update_fields=["status"])
    client.force_login(budi)
    html = client.get("/kasus/?status=terminasi").content.decode()
    assert other.code in html and case.code not in html


def test_the_list_runs_a_fixed_number_of_queries(client, budi, dinsos, hadi, ani):
    client.force_login(budi)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/kasus/").status_code == 200
        return len(queries)

    open_case(dinsos, hadi, ani, children=2)
    queries_for_list()  # the menu's counts, kept from here on (agencies.menu_counts)
    few = queries_for_list()
    for _case in range(6):
        open_case(dinsos, hadi, ani, children=2, sexual=True)
    assert queries_for_list() == few
    # user with membership and roles (the session is cached), cases (one more than the
    # page), agencies, caseworkers, children+persons, violence forms
    assert few == 6


def test_the_list_pages_forward_and_back_without_counting(client, budi, dinsos, hadi, ani):
    for _case in range(26):
        open_case(dinsos, hadi, ani)
    client.force_login(budi)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/kasus/")
    counting = 'SELECT COUNT(*) AS "__count" FROM "cases_case"'
    assert not any(query["sql"].startswith(counting) for query in queries)
    page = first.context["page_obj"]
    assert len(first.context["cases"]) == 25 and page.has_next() and not page.has_previous()
    assert "page=2" in first.content.decode()
    second = client.get("/kasus/?page=2")
    page = second.context["page_obj"]
    assert len(second.context["cases"]) == 1 and page.has_previous() and not page.has_next()
    assert page.start_index() == 26 == page.end_index()
    shown = {case.pk for case in first.context["cases"]} | {second.context["cases"][0].pk}
    assert len(shown) == 26  # every case once, none twice across the pages
    assert "page=3" not in second.content.decode()
    assert client.get("/kasus/?page=3").status_code == 404
    assert client.get("/kasus/?page=0").status_code == 404
    assert client.get("/kasus/?page=satu").status_code == 404


def test_an_empty_list_is_one_empty_page(client, citra, case):
    client.force_login(citra)
    response = client.get("/kasus/")
    assert response.status_code == 200 and len(response.context["cases"]) == 0
    assert not response.context["is_paginated"]


def test_the_list_filters_by_form_of_violence_and_overdue(client, budi, dinsos, hadi, ani, case):
    plain = open_case(dinsos, hadi, ani)
    client.force_login(budi)
    sexual = client.get("/kasus/?violence=seksual").content.decode()
    assert case.code in sexual and plain.code not in sexual
    overdue = client.get("/kasus/?overdue=on").content.decode()
    assert case.code in overdue and plain.code not in overdue


def test_a_shared_case_shows_no_work_of_the_lead_agency(client, citra, case, ani):
    from guardian.shortcuts import assign_perm

    from cases import workflow
    from cases.models import Assessment

    workflow.case_start_assessment(case=case, started_by=ani)
    workflow.assessment_record(case=case, written_by=ani, condition="Rahasia kondisi", needs="x")
    assign_perm("cases.view_case", citra, case)
    client.force_login(citra)
    page = client.get(f"/kasus/{case.code}/").content.decode()
    assert "Rahasia kondisi" not in page
    assert not Assessment.objects.visible_to(citra).exists()
