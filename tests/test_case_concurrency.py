import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import AuditEvent, Case
from cases.services import StaleVersionError, case_open, case_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(dinsos, hadi, ani):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="rendah")
    case.lead_caseworker = ani
    case.save(update_fields=["lead_caseworker"])
    return case


def test_an_edit_on_the_current_version_is_saved_and_audited(case, ani):
    case_update(case=case, updated_by=ani, expected_version=1, changes={"risk_level": "tinggi"})
    case.refresh_from_db()
    assert (case.risk_level, case.version) == ("tinggi", 2)
    assert AuditEvent.objects.filter(action="update").get().fields == ["risk_level"]


def test_an_edit_on_a_stale_version_is_refused_and_overwrites_nothing(case, ani, budi):
    ani_copy, budi_copy = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    case_update(case=ani_copy, updated_by=ani, expected_version=1, changes={"risk_level": "tinggi"})
    with pytest.raises(StaleVersionError):
        case_update(
            case=budi_copy, updated_by=budi, expected_version=1, changes={"risk_level": "sedang"}
        )
    case.refresh_from_db()
    assert case.risk_level == "tinggi"
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_someone_who_may_only_read_cannot_edit(case, citra):
    with pytest.raises(PermissionDenied):
        case_update(
            case=case, updated_by=citra, expected_version=1, changes={"risk_level": "tinggi"}
        )


def test_bad_values_are_refused_before_anything_is_written(case, ani):
    with pytest.raises(ValidationError):
        case_update(case=case, updated_by=ani, expected_version=1, changes={"risk_level": "huge"})
    case.refresh_from_db()
    assert case.version == 1


def test_a_stale_edit_from_the_case_page_is_refused_with_a_message(client, case, ani, budi):
    details = {
        "risk_level": "tinggi",
        "jurisdiction": "kabkota",
        "ampk_category": "",
        "place_type": "",
        "incident_date": "",
        "version": 1,
    }
    client.force_login(ani)
    client.post(f"/kasus/{case.code}/aksi/ubah/", details)
    client.force_login(budi)
    response = client.post(
        f"/kasus/{case.code}/aksi/ubah/", {**details, "risk_level": "sedang"}, follow=True
    )
    case.refresh_from_db()
    assert (case.risk_level, case.version) == ("tinggi", 2)
    assert 'class="alert alert-danger"' in response.content.decode()


def test_an_edit_on_the_current_version_from_the_case_page_is_saved(client, case, ani):
    client.force_login(ani)
    client.post(
        f"/kasus/{case.code}/aksi/ubah/",
        {
            "risk_level": "sedang",
            "jurisdiction": "provinsi",
            "ampk_category": "darurat",
            "place_type": "sekolah",
            "incident_date": "",
            "version": 1,
        },
    )
    case.refresh_from_db()
    assert (case.risk_level, case.jurisdiction, case.version) == ("sedang", "provinsi", 2)


def test_steps_that_set_case_facts_refuse_a_case_changed_since_it_was_read(case, ani, budi):
    from cases import workflow

    workflow.case_set_violence_forms(case=case, changed_by=ani, violence_forms=["seksual"])
    ani_copy, budi_copy = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    workflow.case_set_violence_forms(
        case=ani_copy, changed_by=ani, violence_forms=["seksual", "fisik"]
    )
    with pytest.raises(ValidationError):
        workflow.case_set_violence_forms(case=budi_copy, changed_by=budi, violence_forms=["psikis"])
    assert sorted(case.violence_forms.values_list("form", flat=True)) == ["fisik", "seksual"]
    with pytest.raises(ValidationError):
        workflow.case_police_report_record(
            case=budi_copy, recorded_by=budi, reported_at=timezone.now()
        )
    case.refresh_from_db()
    assert case.police_reported_at is None and case.version == 3
    workflow.case_police_report_record(
        case=case, recorded_by=budi, reported_at=timezone.now(), expected_version=3
    )
    assert Case.objects.get(pk=case.pk).version == 4
