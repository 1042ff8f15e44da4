import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from agencies.admin import AgencyForm
from agencies.models import Agency, Region, RegionDataset
from agencies.region_picker import RegionField
from agencies.regions import region_import

pytestmark = pytest.mark.django_db


def level_counts() -> dict[int, int]:
    return {level: Region.objects.filter(level=level).count() for level in (1, 2, 3, 4)}


def test_the_full_kepmendagri_2025_list_imports_with_the_official_counts():
    call_command("import_regions", stdout=io.StringIO())
    assert level_counts() == {1: 38, 2: 514, 3: 7285, 4: 83762}
    assert Region.objects.filter(kind=Region.Kind.REGENCY).count() == 416
    assert Region.objects.filter(kind=Region.Kind.CITY).count() == 98
    assert Region.objects.filter(kind=Region.Kind.URBAN_VILLAGE).count() == 8496


def test_an_unchanged_import_is_skipped_and_a_forced_one_duplicates_nothing():
    region_import()
    assert region_import().skipped_unchanged
    result = region_import(force=True)
    assert result.imported == 91599
    assert Region.objects.count() == 91599
    assert RegionDataset.objects.count() == 2


def test_codes_dropped_by_a_new_decree_are_retired_not_deleted(tmp_path):
    smaller = tmp_path / "regions.csv"
    with smaller.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name"])
        for region in Region.objects.filter(code__startswith="64").exclude(
            code__startswith="64.71.01"
        ):
            writer.writerow([region.code, region.name])
    result = region_import(path=smaller, province="64")
    assert result.retired == Region.objects.filter(code__startswith="64.71.01").count()
    assert not Region.objects.get(code="64.71.01.1001").is_active
    assert Region.objects.get(code="64.71.02").is_active


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("64", "provinsi"),
        ("64.02", "kabupaten"),
        ("64.71", "kota"),
        ("64.71.01", "kecamatan"),
        ("64.71.01.1001", "kelurahan"),
        ("64.02.01.2001", "desa"),
        ("91.03.01.3001", "desa_adat"),
    ],
)
def test_the_kind_follows_from_the_code(code, kind):
    assert Region.kind_for_code(code) == kind


def test_children_are_listed_by_name_for_the_picker(client):
    response = client.get("/wilayah/64.71/")
    names = [region["name"] for region in response.json()["regions"]]
    assert "Balikpapan Timur" in names
    assert names == sorted(names)


def test_provinces_are_the_root_of_the_picker(client):
    codes = [region["code"] for region in client.get("/wilayah/ROOT/").json()["regions"]]
    assert "64" in codes


def test_an_unknown_code_is_not_found(client):
    assert client.get("/wilayah/99.99/").status_code == 404


def test_the_picker_renders_the_chain_of_a_chosen_village():
    field = RegionField(level=Region.Level.VILLAGE)
    html = field.widget.render("village", "64.71.01.1001", attrs={"id": "id_village"})
    assert html.count("<select") == 4
    assert 'value="64.71.01.1001" selected' in html
    assert 'value="64.71" selected' in html
    assert 'name="village"' in html


def test_the_picker_accepts_only_its_level():
    field = RegionField(level=Region.Level.REGENCY)
    assert field.clean("64.71").code == "64.71"
    with pytest.raises(ValidationError) as error:
        field.clean("64.71.01")
    assert error.value.code == "invalid_choice"


def test_the_agency_form_uses_the_chained_picker(dinsos):
    form = AgencyForm(instance=dinsos)
    assert "data-region-picker" in str(form["regency"])
    data = {**form.initial, "regency": "64.71.01"}
    assert not AgencyForm(data=data, instance=dinsos).is_valid()


def test_an_agency_serves_a_regency_or_city(dinsos):
    assert dinsos.regency.level == Region.Level.REGENCY
    assert Agency.objects.filter(regency__code="64.71").count() == 12
