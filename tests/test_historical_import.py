"""Historical import: agencies' spreadsheets of past cases, checked row by row, imported all
or nothing (or only the valid rows when asked), counted in the statistics as kasus and
korban, for an agency's data officers and heads only (docs/historical-import.md).

The tasks run as plain functions here; one test runs them on a real Celery worker.
"""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from agencies.models import Agency
from cases.models import AuditEvent
from cases.models.documents import private_storage
from reports import imports, tasks, trends
from reports.dashboard import figures
from reports.models import HistoricalVictim, HistoricalViolenceForm, ImportBatch, StatCell
from reports.stats import stats_refresh
from tests.factories import member_of

pytestmark = pytest.mark.django_db

HEADER = [column.header for column in imports.COLUMNS]
SISTER = {
    "Nomor kasus": "2022/001",
    "Tanggal lapor": "2022-03-10",
    "Bentuk kekerasan": "fisik, seksual",
    "Jenis kelamin": "P",
    "Umur": "12",
    "Pendidikan": "SD",
    "Tempat kejadian": "Rumah Tangga",
    "Hubungan pelaku": "orang_tua",
    "Kategori AMPK": "kejahatan_seksual",
    "Kecamatan": "64.71.05",
    "Tanggal selesai": "2022-06-30",
}
# Her brother, in the same case: 6 years old on the report date, by his birth date.
BROTHER = {
    **SISTER,
    "Bentuk kekerasan": "Fisik",
    "Jenis kelamin": "Laki-laki",
    "Umur": "",
    "Tanggal lahir": "2015-12-24",
    "Pendidikan": "tk_paud",
    "Kecamatan": "Balikpapan Selatan",
}
ANOTHER_CASE = {
    "Nomor kasus": "2023/017",
    "Tanggal lapor": "2023-08-01",
    "Bentuk kekerasan": "Psikis",
    "Jenis kelamin": "P",
    "Umur": "16",
    "Disabilitas": "intelektual",
    "Kecamatan": "64.71.01.1001",
}


def csv_file(rows, *, header=HEADER, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def in_english():
    """Messages are matched in English; pages choose their language per request."""
    with translation.override("en"):
        yield


@pytest.fixture
def dp3akb(db) -> Agency:
    return Agency.objects.get(nomenclature="DP3AKB")


@pytest.fixture
def tasks_inline(monkeypatch):
    """What the worker would do after commit, done at once in the test's process."""
    monkeypatch.setattr(
        tasks.historical_import_validate, "delay", lambda pk: imports.import_validate(batch_id=pk)
    )
    monkeypatch.setattr(
        tasks.historical_import_run, "delay", lambda pk: imports.import_run(batch_id=pk)
    )


@pytest.fixture
def english(client):
    """A client whose signed-in users read English (their preference beats the cookie)."""
    from agencies.models import User

    User.objects.update(preferred_language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def uploaded(user, data: bytes, name: str = "kasus-lama.csv") -> ImportBatch:
    """Upload as ``user`` and run the check, as the worker would."""
    batch = imports.import_upload(
        uploaded_by=user, agency=imports.import_agency(user), upload=SimpleUploadedFile(name, data)
    )
    imports.import_validate(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def imported(batch: ImportBatch, user, *, only_valid=False) -> ImportBatch:
    imports.import_confirm(batch=batch, confirmed_by=user, only_valid=only_valid)
    imports.import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def codes(batch: ImportBatch) -> set[str]:
    return {error["code"] for error in batch.errors}


def cells(agency, dimension, month) -> dict:
    rows = StatCell.objects.filter(agency=agency, dimension=dimension, month=month)
    return {row.value: (row.cases, row.victims) for row in rows}


def agency_cells(agency) -> list:
    return sorted(
        StatCell.objects.filter(agency=agency).values_list(
            "month", "dimension", "value", "cases", "victims"
        )
    )


# --- Malformed files change nothing ------------------------------------------------------

FUTURE = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
MALFORMED = {
    "wrong header": (
        csv_file([SISTER], header=["Nama anak", *HEADER[1:]]),
        {"header_unknown", "header_missing"},
        "This column is required but missing from the first row.",
    ),
    "bad date": (
        csv_file([{**SISTER, "Tanggal lapor": "10/03/2022"}]),
        {"date_format"},
        "Not a date. Write it as YYYY-MM-DD, for example 2023-07-31.",
    ),
    "unknown code": (
        csv_file([{**SISTER, "Bentuk kekerasan": "fisik, pukulan"}]),
        {"unknown_code"},
        "Unknown value. Use one of: fisik, psikis, seksual,",
    ),
    "future date": (
        csv_file([{**SISTER, "Tanggal lapor": FUTURE, "Tanggal selesai": ""}]),
        {"date_future"},
        "The date is in the future.",
    ),
    "age out of range": (
        csv_file([{**SISTER, "Umur": "19"}]),
        {"age_range"},
        "The age must be between 0 and 17 years: Sinergi counts children.",
    ),
    "non-CSV bytes": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        {"not_csv"},
        "This is not a CSV file.",
    ),
    "not UTF-8": (
        "Nomor kasus,Tanggal lapor,Bentuk kekerasan\nA/1,2022-01-01,pénelantaran\n".encode(
            "latin-1"
        ),
        {"encoding"},
        "The CSV file is not UTF-8 text.",
    ),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_file_is_reported_and_changes_nothing(name, english, gita, dp3akb):
    data, expected, message = MALFORMED[name]
    stats_refresh()
    before = agency_cells(dp3akb)
    batch = uploaded(gita, data)
    assert batch.status == ImportBatch.Status.FAILED
    assert codes(batch) == expected and batch.valid_rows == 0
    for only_valid in (False, True):
        with pytest.raises(ValidationError):
            imports.import_confirm(batch=batch, confirmed_by=gita, only_valid=only_valid)
    assert imports.import_run(batch_id=batch.pk) == 0
    assert not HistoricalVictim.objects.exists()
    stats_refresh()
    assert agency_cells(dp3akb) == before
    english.force_login(gita)
    page = english.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert message in page
    assert reverse("import-confirm", args=[batch.pk]) not in page


def test_the_report_names_rows_and_columns_in_the_readers_language(gita):
    batch = uploaded(gita, csv_file([SISTER, {**SISTER, "Tanggal lapor": "2022-13-40"}]))
    (error,) = batch.errors
    assert (error["row"], error["column"], error["code"]) == (3, "Tanggal lapor", "date_format")
    with translation.override("en"):
        assert imports.error_message(error).startswith("Not a date.")
    # Stored as a code, rendered in the reader's language (Indonesian by default).
    with translation.override("id"):
        assert imports.error_message(error) == str(imports.MESSAGES["date_format"])


def test_the_report_never_repeats_what_a_cell_held(gita):
    """A file without its header row puts a child's name where the header should be."""
    data = csv_file([SISTER], header=["Ani Lestari", "2022-03-10", "fisik"])
    batch = uploaded(gita, data)
    assert batch.status == ImportBatch.Status.FAILED
    assert {(e["column"], e["code"]) for e in batch.errors} >= {("A", "header_unknown")}
    assert "Ani" not in json.dumps(batch.errors)


def test_the_stored_file_is_encrypted_and_removed_once_imported(
    gita, private_media, django_capture_on_commit_callbacks
):
    batch = uploaded(gita, csv_file([SISTER]))
    stored = private_storage().path(batch.file.name)
    with open(stored, "rb") as raw:
        assert b"2022/001" not in raw.read()
    assert batch.original_name == "kasus-lama.csv"
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM reports_importbatch WHERE id = %s", [batch.pk])
        assert "kasus-lama" not in cursor.fetchone()[0]
    imports.import_confirm(batch=batch, confirmed_by=gita, only_valid=False)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "done" and not batch.file
    assert not list((private_media / "private" / "imports").iterdir())


# --- Valid, mixed and odd files ----------------------------------------------------------


def test_an_all_valid_file_imports_every_row(gita, dp3akb):
    batch = uploaded(gita, csv_file([SISTER, BROTHER, ANOTHER_CASE]))
    assert (batch.status, batch.total_rows, batch.valid_rows, batch.errors) == ("ready", 3, 3, [])
    batch = imported(batch, gita)
    assert (batch.status, batch.imported_rows) == ("done", 3)
    rows = {
        row.row: row
        for row in HistoricalVictim.objects.filter(batch=batch).prefetch_related("forms")
    }
    assert set(rows) == {2, 3, 4}
    sister, brother, other = rows[2], rows[3], rows[4]
    assert {form.form for form in sister.forms.all()} == {"fisik", "seksual"}
    assert (sister.sex, sister.age, sister.education, sister.place_type) == (
        "P",
        12,
        "sd",
        "rumah_tangga",
    )
    assert (brother.sex, brother.age, brother.education, brother.district) == (
        "L",
        6,
        "tk_paud",
        "64.71.05",
    )
    assert sister.case_key == brother.case_key != other.case_key
    assert "2022/001" not in sister.case_key
    assert (other.disability, other.district, other.closed_on) == ("intelektual", "64.71.01", None)
    assert all(row.agency_id == dp3akb.pk for row in rows.values())


def test_a_mixed_file_imports_nothing_unless_only_the_valid_rows_are_chosen(gita):
    bad = {**ANOTHER_CASE, "Nomor kasus": "2023/018", "Jenis kelamin": "X"}
    batch = uploaded(gita, csv_file([SISTER, bad, BROTHER]))
    assert (batch.status, batch.total_rows, batch.valid_rows) == ("ready", 3, 2)
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (3, "Jenis kelamin", "unknown_code")
    ]
    with pytest.raises(ValidationError, match="nothing was imported"):
        imports.import_confirm(batch=batch, confirmed_by=gita, only_valid=False)
    assert imports.import_run(batch_id=batch.pk) == 0
    assert not HistoricalVictim.objects.exists()
    batch = imported(batch, gita, only_valid=True)
    assert (batch.status, batch.imported_rows, batch.only_valid) == ("done", 2, True)
    assert sorted(HistoricalVictim.objects.values_list("row", flat=True)) == [2, 4]


def test_rows_of_one_case_must_share_its_dates(gita):
    other_day = {**BROTHER, "Tanggal lapor": "2022-03-11"}
    batch = uploaded(gita, csv_file([SISTER, other_day]))
    assert [(e["row"], e["column"], e["code"], e["params"]) for e in batch.errors] == [
        (3, "Tanggal lapor", "case_conflict", {"first_row": 2})
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"Umur": "12", "Tanggal lahir": "2015-12-24"}, "age_mismatch"),
        ({"Umur": "dua belas"}, "age_number"),
        ({"Tanggal lahir": "2023-01-01", "Umur": ""}, "birth_after_report"),
        ({"Tanggal selesai": "2022-01-01"}, "closed_before_reported"),
        ({"Tanggal lapor": "1998-05-01", "Tanggal selesai": ""}, "date_too_early"),
        ({"Kecamatan": "99.99.99"}, "district_unknown"),
        ({"Kecamatan": "Kecamatan Entah"}, "district_unknown"),
        ({"Nomor kasus": "-"}, "required"),
        ({"Nomor kasus": "X" * 41}, "too_long"),
        ({"Bentuk kekerasan": ""}, "required"),
        ({"Tanggal lapor": "=TODAY()"}, "date_format"),
    ],
)
def test_each_rule_of_a_row(gita, changes, code):
    batch = uploaded(gita, csv_file([{**SISTER, **changes}]))
    assert codes(batch) == {code}


def test_semicolons_a_byte_order_mark_labels_and_synonyms_are_understood(gita):
    row = {
        **SISTER,
        "Tanggal selesai": "-",
        "Umur": " - ",
        "Disabilitas": "Tidak ada",
        "Bentuk kekerasan": "Kekerasan Seksual; TPPO",
        "Pendidikan": "SMP",
        "Tempat kejadian": "fasilitas umum",
        "Hubungan pelaku": "Pacar/Teman",
        "Kategori AMPK": "Anak korban kejahatan seksual",
        "Kecamatan": "kec. balikpapan kota",
    }
    header = [name.upper() for name in HEADER]  # headers are matched loosely too
    data = csv_file(
        [{name.upper(): value for name, value in row.items()}],
        header=header,
        delimiter=";",
        bom=True,
    )
    batch = imported(uploaded(gita, data, "lama.csv"), gita)
    assert batch.imported_rows == 1
    victim = HistoricalVictim.objects.get(batch=batch)
    assert sorted(victim.forms.values_list("form", flat=True)) == ["seksual", "trafficking"]
    assert (victim.education, victim.place_type, victim.relationship) == (
        "sltp",
        "fasilitas_umum",
        "pacar_teman",
    )
    assert (victim.ampk_category, victim.district) == ("kejahatan_seksual", "64.71.06")
    assert (victim.closed_on, victim.age, victim.disability) == (None, None, "")


def test_blank_rows_above_the_header_are_skipped_and_rows_keep_their_numbers(gita):
    data = b"\r\n;;\r\n" + csv_file([SISTER, {**BROTHER, "Umur": "x"}], delimiter=";")
    batch = uploaded(gita, data)
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [(5, "Umur", "age_number")]


def test_an_xlsx_file_with_real_dates_numbers_and_formulas(gita):
    data = xlsx_file(
        [
            ["2021/9", datetime.datetime(2021, 5, 4), "penelantaran", "L", 3],
            [2021.0, datetime.date(2021, 6, 1), "psikis", "P", 10.0],
            ["2021/10", "=TODAY()", "fisik", "P", 7],
        ]
    )
    batch = uploaded(gita, data, "lama.xlsx")
    assert batch.file_format == "xlsx"
    assert [(e["row"], e["code"]) for e in batch.errors] == [(4, "date_format")]
    batch = imported(batch, gita, only_valid=True)
    assert sorted(HistoricalVictim.objects.values_list("reported_on", "age")) == [
        (datetime.date(2021, 5, 4), 3),
        (datetime.date(2021, 6, 1), 10),
    ]


def test_a_file_with_a_wrong_extension_or_too_big_is_refused_at_upload(gita, settings):
    with pytest.raises(ValidationError):
        imports.import_upload(
            uploaded_by=gita,
            agency=imports.import_agency(gita),
            upload=SimpleUploadedFile("kasus.pdf", b"%PDF-1.4"),
        )
    big = SimpleUploadedFile("kasus.csv", b"x")
    big.size = imports.MAX_FILE_BYTES + 1
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        imports.import_upload(uploaded_by=gita, agency=imports.import_agency(gita), upload=big)
    assert not ImportBatch.objects.exists()


def test_an_xlsx_that_is_not_a_workbook_and_an_empty_file_fail(gita):
    assert codes(uploaded(gita, b"not a zip at all", "lama.xlsx")) == {"not_xlsx"}
    assert codes(uploaded(gita, b"PK\x03\x04broken", "rusak.xlsx")) == {"unreadable"}
    assert codes(uploaded(gita, csv_file([]))) == {"empty"}


def test_too_many_rows_fail_as_a_whole(gita, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    batch = uploaded(gita, csv_file([SISTER, BROTHER, ANOTHER_CASE]))
    assert (batch.status, codes(batch)) == ("failed", {"too_many_rows"})


def test_the_same_file_is_refused_twice(gita):
    data = csv_file([SISTER])
    uploaded(gita, data)
    with pytest.raises(ValidationError, match="already uploaded"):
        uploaded(gita, data)


def test_the_stored_report_is_capped_but_counts_every_error(gita, monkeypatch):
    monkeypatch.setattr(imports, "MAX_STORED_ERRORS", 2)
    bad = [{**SISTER, "Nomor kasus": f"B/{n}", "Jenis kelamin": "X"} for n in range(5)]
    batch = uploaded(gita, csv_file(bad))
    assert (len(batch.errors), batch.error_count) == (2, 5)


# --- Statistics: kasus and korban, trends, dashboards ------------------------------------


def test_two_children_of_one_case_are_one_case_and_two_victims(gita, dp3akb):
    imported(uploaded(gita, csv_file([SISTER, BROTHER, ANOTHER_CASE])), gita)
    stats_refresh()
    march = datetime.date(2022, 3, 1)
    assert cells(dp3akb, "total", march) == {"": (1, 2)}
    assert cells(dp3akb, "violence_form", march) == {"fisik": (1, 2), "seksual": (1, 1)}
    assert cells(dp3akb, "sex", march) == {"P": (1, 1), "L": (1, 1)}
    assert cells(dp3akb, "age_band", march) == {"6-12": (1, 2)}
    assert cells(dp3akb, "district", march) == {"64.71.05": (1, 2)}
    assert cells(dp3akb, "place", march) == {"rumah_tangga": (1, 2)}
    assert cells(dp3akb, "relationship", march) == {"orang_tua": (1, 2)}
    assert cells(dp3akb, "education", march) == {"sd": (1, 1), "tk_paud": (1, 1)}
    assert cells(dp3akb, "disability", march) == {"": (1, 2)}
    assert cells(dp3akb, "kla", march) == {
        "kejahatan_seksual|6-12|P": (1, 1),
        "kejahatan_seksual|6-12|L": (1, 1),
    }
    assert cells(dp3akb, "closed", datetime.date(2022, 6, 1)) == {"": (1, 2)}
    august = datetime.date(2023, 8, 1)
    assert cells(dp3akb, "age_band", august) == {"13-17": (1, 1)}
    assert cells(dp3akb, "ampk", august) == {"na": (1, 1)}


def test_the_longest_kla_keys_fit_their_cells(gita, dp3akb):
    teenager = {**SISTER, "Umur": "15", "Kategori AMPK": "perilaku_menyimpang", "Jenis kelamin": ""}
    imported(uploaded(gita, csv_file([teenager])), gita)
    stats_refresh()
    assert cells(dp3akb, "kla", datetime.date(2022, 3, 1)) == {
        "perilaku_menyimpang|13-17|na": (1, 1)
    }


def test_the_same_case_number_in_two_imports_is_two_cases(gita, dp3akb):
    imported(uploaded(gita, csv_file([SISTER])), gita)
    imported(uploaded(gita, csv_file([BROTHER]), "lain.csv"), gita)
    stats_refresh()
    assert cells(dp3akb, "total", datetime.date(2022, 3, 1)) == {"": (2, 2)}


def test_imported_years_show_up_in_the_trends_and_the_dashboard(gita, dewi, dp3akb):
    stats_refresh()
    before = figures([dp3akb], datetime.date(2022, 1, 1), datetime.date(2023, 12, 1))
    imported(uploaded(gita, csv_file([SISTER, BROTHER, ANOTHER_CASE])), dewi)
    stats_refresh()
    trend = trends.yearly([dp3akb], last_year=2023, years=2)
    by_form = {row.value: row.counts for row in trend.rows}
    assert trend.columns == [2022, 2023]
    assert (by_form["fisik"], by_form["seksual"], by_form["psikis"]) == ([1, 0], [1, 0], [0, 1])
    assert trend.total.counts == [1, 1]
    victims = trends.yearly([dp3akb], measure="victims", last_year=2023, years=2)
    assert victims.total.counts == [2, 1]
    after = figures([dp3akb], datetime.date(2022, 1, 1), datetime.date(2023, 12, 1))
    assert (after.cases - before.cases, after.victims - before.victims) == (2, 3)
    assert after.closed - before.closed == 1
    district = next(cut for cut in after.cuts if cut.dimension == "district")
    assert {row.label for row in district.rows} >= {"Balikpapan Selatan", "Balikpapan Timur"}


def test_imported_rows_add_to_the_live_cells_of_the_same_month(gita, dp3akb, hadi, dinsos):
    from cases.services import case_open

    imported(uploaded(gita, csv_file([SISTER])), gita)
    case_open(
        opened_by=hadi,
        agency=dp3akb,
        reported_at=datetime.datetime(2022, 3, 20, 10, tzinfo=datetime.UTC),
        risk_level="sedang",
    )
    stats_refresh()
    assert cells(dp3akb, "total", datetime.date(2022, 3, 1)) == {"": (2, 1)}
    assert cells(dinsos, "total", datetime.date(2022, 3, 1)) == {}


def test_deleting_an_import_removes_its_rows_and_figures(gita, dp3akb):
    batch = imported(uploaded(gita, csv_file([SISTER, BROTHER])), gita)
    stats_refresh()
    assert cells(dp3akb, "total", datetime.date(2022, 3, 1)) == {"": (1, 2)}
    assert imports.import_delete(batch=batch, deleted_by=gita) == 2
    assert not ImportBatch.objects.exists()
    assert not HistoricalVictim.objects.exists() and not HistoricalViolenceForm.objects.exists()
    stats_refresh()
    assert cells(dp3akb, "total", datetime.date(2022, 3, 1)) == {}


def test_an_import_whose_task_never_ran_can_still_be_deleted(gita):
    batch = uploaded(gita, csv_file([SISTER]))
    imports.import_confirm(batch=batch, confirmed_by=gita, only_valid=False)
    assert imports.import_delete(batch=batch, deleted_by=gita) == 0
    assert imports.import_run(batch_id=batch.pk) == 0
    assert not HistoricalVictim.objects.exists()


# --- Tasks: progress and idempotency -----------------------------------------------------


def test_the_check_reports_its_progress_as_it_goes(gita, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    rows = [{**ANOTHER_CASE, "Nomor kasus": f"P/{n}"} for n in range(5)]
    batch = imports.import_upload(
        uploaded_by=gita,
        agency=imports.import_agency(gita),
        upload=SimpleUploadedFile("lima.csv", csv_file(rows)),
    )
    assert (batch.status, batch.processed_rows, batch.total_rows) == ("validating", 0, 0)
    seen = []
    real_check = imports.check_file

    def watched(data, file_format, agency, *, on_progress):
        def progress(done, total):
            on_progress(done, total)
            seen.append(
                ImportBatch.objects.values_list("processed_rows", "total_rows").get(pk=batch.pk)
            )

        return real_check(data, file_format, agency, on_progress=progress)

    monkeypatch.setattr(imports, "check_file", watched)
    assert imports.import_validate(batch_id=batch.pk) is True
    assert seen == [(0, 5), (2, 5), (4, 5)]
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.total_rows) == ("ready", 5, 5)


def test_running_the_tasks_twice_changes_nothing_the_second_time(gita):
    batch = uploaded(gita, csv_file([SISTER, BROTHER]))
    assert imports.import_validate(batch_id=batch.pk) is False
    imports.import_confirm(batch=batch, confirmed_by=gita, only_valid=False)
    assert imports.import_run(batch_id=batch.pk) == 2
    assert imports.import_run(batch_id=batch.pk) == 0
    assert tasks.historical_import_run(batch.pk) == 0
    assert tasks.historical_import_validate(batch.pk) is False
    assert HistoricalVictim.objects.count() == 2
    assert HistoricalViolenceForm.objects.count() == 3
    with pytest.raises(ValidationError):
        imports.import_confirm(batch=batch, confirmed_by=gita, only_valid=False)
    assert imports.import_run(batch_id=12345678) == 0
    assert imports.import_validate(batch_id=12345678) is False


def test_the_import_checks_again_and_stops_if_the_file_no_longer_passes(gita, monkeypatch):
    batch = uploaded(gita, csv_file([SISTER]))
    imports.import_confirm(batch=batch, confirmed_by=gita, only_valid=False)
    monkeypatch.setattr(imports, "EARLIEST_DATE", datetime.date(2023, 1, 1))
    assert imports.import_run(batch_id=batch.pk) == 0
    batch.refresh_from_db()
    assert (batch.status, batch.valid_rows, codes(batch)) == ("ready", 0, {"date_too_early"})
    assert not HistoricalVictim.objects.exists()


# --- Pages, permissions, audit -----------------------------------------------------------


def test_a_data_officer_uploads_checks_and_imports_through_the_pages(
    english, gita, tasks_inline, django_capture_on_commit_callbacks
):
    english.force_login(gita)
    page = english.get(reverse("import-upload"))
    assert page.status_code == 200
    assert reverse("import-template", args=["xlsx"]) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("import-upload"),
            {"file": SimpleUploadedFile("kasus.csv", csv_file([SISTER, BROTHER]))},
        )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import-detail", args=[batch.pk])
    detail = english.get(response["Location"]).content.decode()
    assert "Every row is valid." in detail and 'http-equiv="refresh"' not in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("import-confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.imported_rows, batch.confirmed_by) == ("done", 2, gita)
    listing = english.get(reverse("import-upload")).content.decode()
    assert f'data-testid="batch-{batch.pk}"' in listing
    response = english.post(reverse("import-delete", args=[batch.pk]))
    assert response["Location"] == reverse("import-upload")
    assert not HistoricalVictim.objects.exists()


def test_the_confirm_page_refuses_a_mixed_file_unless_the_box_is_ticked(
    english, dewi, tasks_inline
):
    batch = uploaded(dewi, csv_file([SISTER, {**BROTHER, "Umur": "30", "Tanggal lahir": ""}]))
    english.force_login(dewi)
    detail = english.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert 'name="only_valid"' in detail and "1 row has errors" in detail
    assert "The age must be between 0 and 17 years" in detail
    refused = english.post(reverse("import-confirm", args=[batch.pk]))
    assert refused.status_code == 400 and "nothing was imported" in refused.content.decode()
    assert ImportBatch.objects.get().status == "ready"
    english.post(reverse("import-confirm", args=[batch.pk]), {"only_valid": "on"})
    imports.import_run(batch_id=batch.pk)
    assert HistoricalVictim.objects.count() == 1


def test_the_page_shows_progress_and_reloads_itself_while_a_task_works(english, gita):
    batch = imports.import_upload(
        uploaded_by=gita,
        agency=imports.import_agency(gita),
        upload=SimpleUploadedFile("k.csv", csv_file([SISTER])),
    )
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=1200, processed_rows=500)
    english.force_login(gita)
    page = english.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'max="1200" value="500"' in page and "500 of 1200" in page
    assert "<script>" not in page.split("</head>")[0]


def test_templates_hold_the_documented_columns(client, gita, dewi):
    client.force_login(gita)
    response = client.get(reverse("import-template", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text), delimiter=";")) == HEADER
    assert "attachment" in response["Content-Disposition"]
    client.force_login(dewi)
    response = client.get(reverse("import-template", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    first_row = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(first_row) == HEADER
    assert len(workbook.worksheets) == 3  # data, instructions, codes
    assert client.get(reverse("import-template", args=["pdf"])).status_code == 404


def test_a_filled_in_xlsx_template_imports(client, gita):
    client.force_login(gita)
    template = client.get(reverse("import-template", args=["xlsx"])).content
    workbook = load_workbook(io.BytesIO(template))
    workbook["Data"].append(["T/1", "2024-02-02", "seksual", "P", 9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = imported(uploaded(gita, buffer.getvalue(), "templat.xlsx"), gita)
    assert batch.imported_rows == 1


@pytest.mark.parametrize("username", ["ani", "budi", "fajar", "eko", "rina"])
def test_others_cannot_import(client, request, username, gita):
    batch = uploaded(gita, csv_file([SISTER]))
    client.force_login(request.getfixturevalue(username))
    assert client.get(reverse("import-upload")).status_code == 403
    assert client.get(reverse("import-template", args=["csv"])).status_code == 403
    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("import-confirm", args=[batch.pk])).status_code == 404
    assert client.post(reverse("import-delete", args=[batch.pk])).status_code == 404
    assert ImportBatch.objects.get().status == "ready"


def test_another_agencys_data_officer_sees_none_of_the_batches(client, gita, dinsos):
    batch = uploaded(gita, csv_file([SISTER]))
    stranger = member_of(dinsos, "data_officer", "head")
    client.force_login(stranger)
    assert client.get(reverse("import-upload")).status_code == 200
    listing = client.get(reverse("import-upload")).content.decode()
    assert f"batch-{batch.pk}" not in listing
    for name in ("import-detail", "import-confirm", "import-delete"):
        method = client.get if name == "import-detail" else client.post
        assert method(reverse(name, args=[batch.pk])).status_code == 404
    # Their own upload goes into their own agency, whatever they try.
    own = uploaded(stranger, csv_file([SISTER]))
    assert own.agency == dinsos


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("import-upload"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_upload_import_and_delete_are_audited(client, gita):
    client.force_login(gita)
    batch = uploaded(gita, csv_file([SISTER, {**BROTHER, "Umur": "99", "Tanggal lahir": ""}]))
    client.post(reverse("import-confirm", args=[batch.pk]), {"only_valid": "on"})
    imports.import_run(batch_id=batch.pk)
    client.post(reverse("import-delete", args=[batch.pk]))
    events = AuditEvent.objects.filter(object_type="reports.importbatch", object_id=str(batch.pk))
    assert list(events.order_by("at", "pk").values_list("actor__username", "action", "fields")) == [
        ("gita", "create", ["file"]),
        ("gita", "transition", ["only_valid", "status"]),
        ("gita", "update", ["deleted", "historical_victims"]),
    ]
    assert all(event.agency.nomenclature == "DP3AKB" for event in events)


def test_the_list_of_imports_costs_the_same_queries_however_many(client, gita):
    client.force_login(gita)
    uploaded(gita, csv_file([SISTER]))
    client.get(reverse("import-upload"))  # the menu's counts, kept from here on
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("import-upload"))
    uploaded(gita, csv_file([BROTHER]), "b.csv")
    uploaded(gita, csv_file([ANOTHER_CASE]), "c.csv")
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("import-upload"))
    assert len(three) == len(one)


# --- One real worker -----------------------------------------------------------------------

WORKER_SETUP = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from agencies.models import User
from reports.imports import import_agency, import_upload
gita = User.objects.get(username="gita")
with open({path!r}, "rb") as source:
    upload = SimpleUploadedFile("kasus.csv", source.read())
batch = import_upload(uploaded_by=gita, agency=import_agency(gita), upload=upload)
print(json.dumps(batch.pk))
"""
WORKER_CONFIRM = """
from agencies.models import User
from reports.imports import import_confirm
from reports.models import ImportBatch
import_confirm(
    batch=ImportBatch.objects.get(pk={pk}),
    confirmed_by=User.objects.get(username="gita"),
    only_valid=False,
)
"""
WORKER_REPORT = """
import json
from agencies.models import Agency
from reports import trends
from reports.models import HistoricalVictim, ImportBatch
from reports.stats import stats_refresh
stats_refresh()
batch = ImportBatch.objects.get(pk={pk})
trend = trends.yearly(Agency.objects.filter(nomenclature="DP3AKB"), last_year=2023, years=2)
print(json.dumps({{
    "status": batch.status,
    "rows": [batch.total_rows, batch.processed_rows, batch.valid_rows, batch.imported_rows],
    "victims": HistoricalVictim.objects.filter(batch=batch).count(),
    "file": batch.file.name,
    "total": trend.total.counts,
}}))
"""


@pytest.mark.services
def test_a_real_worker_checks_and_imports_a_file(committed_demo, demo_worker, tmp_path):
    from tests.processes import manage_output

    # Tasks sent after commit go to this test's worker, like production's go to its queue.
    env = {**committed_demo, "CELERY_QUEUE": demo_worker}
    source = tmp_path / "kasus.csv"
    source.write_bytes(csv_file([SISTER, BROTHER, ANOTHER_CASE]))

    def run(code: str) -> str:
        return manage_output(env, "shell", "-c", code).strip().splitlines()[-1:]

    (pk,) = [json.loads(line) for line in run(WORKER_SETUP.format(path=str(source)))]
    # The solo worker takes its queue in order: once this answers, the check sent after
    # the upload's commit has run, and this second run finds nothing to do.
    second = tasks.historical_import_validate.apply_async((pk,), queue=demo_worker)
    assert second.get(timeout=120) is False
    run(WORKER_CONFIRM.format(pk=pk))
    again = tasks.historical_import_run.apply_async((pk,), queue=demo_worker)
    assert again.get(timeout=120) == 0
    (report,) = [json.loads(line) for line in run(WORKER_REPORT.format(pk=pk))]
    assert report == {
        "status": "done",
        "rows": [3, 3, 3, 3],
        "victims": 3,
        "file": "",
        "total": [1, 1],
    }
