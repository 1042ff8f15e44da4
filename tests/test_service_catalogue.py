import io

import pytest
from django.core.management import call_command

from agencies.models import Agency, AgencyService
from agencies.services import agency_services_seed

pytestmark = pytest.mark.django_db


def offered(agency) -> set[str]:
    return set(
        AgencyService.objects.offered().filter(agency=agency).values_list("service_type", flat=True)
    )


def test_each_demo_agency_offers_the_services_of_its_type():
    assert offered(Agency.objects.get(nomenclature="Disdukcapil")) == {"dokumen_kependudukan"}
    assert offered(Agency.objects.get(nomenclature="Unit PPA Polresta")) == {"penegakan_hukum"}
    uptd = offered(Agency.objects.get(nomenclature="UPTD PPA"))
    assert {"penjangkauan", "penguatan_psikologis", "penampungan_sementara"} <= uptd


def test_seeding_again_keeps_the_agencys_own_edits(uptd_ppa):
    AgencyService.objects.filter(agency=uptd_ppa, service_type="penjangkauan").update(
        is_active=False
    )
    assert agency_services_seed(agency=uptd_ppa) == 0
    call_command("seed_agency_services", stdout=io.StringIO())
    assert "penjangkauan" not in offered(uptd_ppa)


def test_an_inactive_agency_offers_nothing(uptd_ppa):
    uptd_ppa.is_active = False
    uptd_ppa.save(update_fields=["is_active"])
    assert offered(uptd_ppa) == set()


def test_a_new_agency_from_the_admin_starts_with_its_default_catalogue(client, eko):
    client.force_login(eko)
    response = client.post(
        "/admin/agencies/agency/add/",
        {
            "name": "Puskesmas Contoh",
            "nomenclature": "PKM Contoh",
            "type": "puskesmas",
            "regency": "64.71",
            "time_zone": "Asia/Makassar",
            "is_active": "on",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert offered(Agency.objects.get(nomenclature="PKM Contoh")) == {"kesehatan"}


def test_other_roles_cannot_edit_catalogues(client, budi):
    client.force_login(budi)
    assert client.get("/admin/agencies/agencyservice/").status_code in (403, 404)
