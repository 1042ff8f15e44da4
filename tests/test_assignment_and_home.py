import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import workflow
from cases.models import AuditEvent, Case
from cases.services import case_open
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def unassigned(dinsos, hadi):
    return case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")


def test_a_supervisor_assigns_a_lead_and_a_team(unassigned, budi, ani, dinsos):
    colleague = member_of(dinsos, "caseworker")
    workflow.case_assign(case=unassigned, assigned_by=budi, lead_caseworker=ani, team=[colleague])
    assert Case.objects.visible_to(ani).filter(pk=unassigned.pk).exists()
    assert Case.objects.visible_to(colleague).filter(pk=unassigned.pk).exists()
    assert AuditEvent.objects.filter(action="update", fields=["lead_caseworker", "team"]).exists()


def test_only_caseworkers_of_the_lead_agency_can_be_assigned(unassigned, budi, citra):
    with pytest.raises(ValidationError):
        workflow.case_assign(case=unassigned, assigned_by=budi, lead_caseworker=citra)


def test_a_caseworker_cannot_assign(unassigned, ani):
    with pytest.raises(PermissionDenied):
        workflow.case_assign(case=unassigned, assigned_by=ani, lead_caseworker=ani)


def test_assigning_through_the_case_page(client, unassigned, budi, ani):
    client.force_login(budi)
    client.post(
        f"/kasus/{unassigned.code}/aksi/tugaskan/", {"lead_caseworker": ani.pk, "version": 1}
    )
    unassigned.refresh_from_db()
    assert unassigned.lead_caseworker == ani


def test_a_stale_assignment_is_refused(client, unassigned, budi, ani, dinsos):
    colleague = member_of(dinsos, "caseworker")
    client.force_login(budi)
    client.post(
        f"/kasus/{unassigned.code}/aksi/tugaskan/", {"lead_caseworker": ani.pk, "version": 1}
    )
    response = client.post(
        f"/kasus/{unassigned.code}/aksi/tugaskan/",
        {"lead_caseworker": colleague.pk, "version": 1},
        follow=True,
    )
    unassigned.refresh_from_db()
    assert unassigned.lead_caseworker == ani
    assert 'class="alert alert-danger"' in response.content.decode()


def test_the_supervisor_home_lists_cases_to_assign(client, unassigned, budi):
    client.force_login(budi)
    assert unassigned.code in client.get("/beranda/").content.decode()


def test_the_caseworker_home_lists_my_cases_only(client, unassigned, budi, ani, uptd_ppa, citra):
    workflow.case_assign(case=unassigned, assigned_by=budi, lead_caseworker=ani)
    elsewhere = case_open(
        opened_by=citra, agency=uptd_ppa, reported_at=timezone.now(), risk_level="rendah"
    )
    client.force_login(ani)
    html = client.get("/beranda/").content.decode()
    assert unassigned.code in html and elsewhere.code not in html


def test_the_intake_home_counts_new_complaints(client, hadi):
    from tests.test_intake import _received

    _received(hadi)
    client.force_login(hadi)
    assert "1 pengaduan baru" in client.get("/beranda/").content.decode()
