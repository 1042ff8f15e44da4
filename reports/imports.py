"""Historical import: an agency's spreadsheet of past cases becomes de-identified rows
that the statistics count beside the live cases (docs/historical-import.md).

Upload (the file is kept encrypted in private storage) → a task checks every row and
records its progress → the data officer confirms → a task writes every valid row in one
transaction, or none → the next statistics refresh counts them (reports.stats).

Nothing here stores a value read from the file outside the rows it imports: the
validation report names a row, a column and a message code, never what the cell held,
because a misplaced column can hold a child's name.
"""

import csv
import hashlib
import io
import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from agencies.models import Region
from agencies.roles import Role, has_role, membership_of
from cases.encryption import fernet, identity_hash
from cases.models import AuditEvent
from cases.models.choices import (
    AmpkCategory,
    DisabilityType,
    Education,
    PerpetratorRelationship,
    PlaceType,
    Sex,
    ViolenceForm,
)
from cases.models.documents import private_storage
from cases.services import audit_record
from reports.models import HistoricalVictim, HistoricalViolenceForm, ImportBatch

IMPORT_ROLES = (Role.DATA_OFFICER, Role.HEAD)
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# The report keeps the first errors only: a wrong file of 50,000 rows would otherwise
# store a million of them. The count of all of them is kept beside.
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 500
EARLIEST_DATE = date(2000, 1, 1)
OLDEST_CHILD = 17
MAX_CASE_REF = 40
# Bounds on what is read at all, blank rows included: a small XLSX can unzip to millions
# of empty cells.
MAX_COLUMNS = 100
MAX_READ_ROWS = 2 * MAX_ROWS
XLSX_SIGNATURE = b"PK\x03\x04"
EXTENSIONS = {".csv": ImportBatch.Format.CSV, ".xlsx": ImportBatch.Format.XLSX}


def import_agency(user):
    """The agency whose history the user may import (data officers and heads), or None."""
    membership = membership_of(user)
    if membership is None or not has_role(user, *IMPORT_ROLES):
        return None
    return membership.agency


# --- The columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    key: str
    # The file format is Indonesian whatever the reader's language, like SIMFONI's forms.
    header: str
    required: bool
    description: Any  # a lazy translation
    example: str
    choices: tuple = ()


COLUMNS = (
    ImportColumn(
        "case_ref",
        "Nomor kasus",
        True,
        _(
            "Your own number of the case. Rows with the same number are one case "
            "(one row per child). Only used to group the rows; not a name."
        ),
        "2023/045",
    ),
    ImportColumn(
        "reported_on",
        "Tanggal lapor",
        True,
        _("The day the case was reported, as YYYY-MM-DD; the same in every row of a case."),
        "2023-07-31",
    ),
    ImportColumn(
        "violence_forms",
        "Bentuk kekerasan",
        True,
        _("One or more forms of violence, separated by commas."),
        "fisik, seksual",
        tuple(ViolenceForm.choices),
    ),
    ImportColumn("sex", "Jenis kelamin", False, _("The child's sex."), "P", tuple(Sex.choices)),
    ImportColumn(
        "age",
        "Umur",
        False,
        _("The child's age in whole years on the report date (0 to 17)."),
        "12",
    ),
    ImportColumn(
        "birth_date",
        "Tanggal lahir",
        False,
        _(
            "Instead of the age: the birth date as YYYY-MM-DD. Only the age on the report "
            "date is kept; the birth date is not stored."
        ),
        "2011-03-15",
    ),
    ImportColumn(
        "education",
        "Pendidikan",
        False,
        _("The child's education."),
        "sd",
        tuple(Education.choices),
    ),
    ImportColumn(
        "disability",
        "Disabilitas",
        False,
        _("The child's disability; leave empty for none."),
        "",
        tuple(DisabilityType.choices),
    ),
    ImportColumn(
        "place_type",
        "Tempat kejadian",
        False,
        _("Where it happened."),
        "rumah_tangga",
        tuple(PlaceType.choices),
    ),
    ImportColumn(
        "relationship",
        "Hubungan pelaku",
        False,
        _("The alleged perpetrator's relationship to the child."),
        "orang_tua",
        tuple(PerpetratorRelationship.choices),
    ),
    ImportColumn(
        "ampk_category",
        "Kategori AMPK",
        False,
        _("The category of child in need of special protection (UU 35/2014 Article 59)."),
        "kejahatan_seksual",
        tuple(AmpkCategory.choices),
    ),
    ImportColumn(
        "district",
        "Kecamatan",
        False,
        _(
            "The kecamatan of the incident: its Kemendagri code (64.71.01), a kelurahan "
            "code (64.71.01.1001), or its name in your regency/city."
        ),
        "64.71.01",
    ),
    ImportColumn(
        "closed_on",
        "Tanggal selesai",
        False,
        _("The day the case was closed, as YYYY-MM-DD; empty if it is still open."),
        "",
    ),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

# Words spreadsheets use for the same values, beside the codes and both languages' labels.
SYNONYMS = {
    "sex": {"laki laki": Sex.MALE, "lk": Sex.MALE, "pr": Sex.FEMALE},
    "violence_forms": {
        "tppo": ViolenceForm.TRAFFICKING,
        "perdagangan orang": ViolenceForm.TRAFFICKING,
        "kekerasan fisik": ViolenceForm.PHYSICAL,
        "kekerasan psikis": ViolenceForm.PSYCHOLOGICAL,
        "kekerasan seksual": ViolenceForm.SEXUAL,
    },
    "education": {
        "belum sekolah": Education.NONE,
        "tidak sekolah": Education.NONE,
        "tk": Education.KINDERGARTEN,
        "paud": Education.KINDERGARTEN,
        "smp": Education.JUNIOR,
        "mts": Education.JUNIOR,
        "sma": Education.SENIOR,
        "smk": Education.SENIOR,
        "ma": Education.SENIOR,
        "tidak diketahui": Education.UNKNOWN,
    },
    "disability": {"tidak": DisabilityType.NONE, "tidak ada": DisabilityType.NONE},
    "relationship": {
        "orangtua": PerpetratorRelationship.PARENT,
        "pacar": PerpetratorRelationship.PARTNER_FRIEND,
        "teman": PerpetratorRelationship.PARTNER_FRIEND,
        "tidak diketahui": PerpetratorRelationship.UNKNOWN,
    },
}

# --- The messages of the report ----------------------------------------------------------

MESSAGES = {
    "not_csv": _("This is not a CSV file. Upload a CSV (.csv) or Excel (.xlsx) file."),
    "not_xlsx": _("This is not an Excel (.xlsx) file. Save it as .xlsx or as CSV UTF-8."),
    "encoding": _("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
    "unreadable": _("The file could not be read. Save it again from your spreadsheet program."),
    "empty": _("The file has no rows below the header."),
    "too_many_rows": _("The file has more than %(limit)s rows. Split it into several files."),
    "header_missing": _("This column is required but missing from the first row."),
    "header_unknown": _(
        "Unknown column. Use the column names of the template, or remove this column."
    ),
    "header_duplicate": _("This column appears more than once."),
    "required": _("This value is required."),
    "too_long": _("At most %(limit)s characters."),
    "date_format": _("Not a date. Write it as YYYY-MM-DD, for example 2023-07-31."),
    "date_future": _("The date is in the future."),
    "date_too_early": _("The date is before %(year)s."),
    "closed_before_reported": _("The closing date is before the report date."),
    "birth_after_report": _("The birth date is after the report date."),
    "age_number": _("The age must be a whole number of years."),
    "age_range": _("The age must be between 0 and %(oldest)s years: Sinergi counts children."),
    "age_mismatch": _("The age does not match the birth date (%(age)s years on the report date)."),
    "unknown_code": _("Unknown value. Use one of: %(codes)s."),
    "district_unknown": _(
        "Unknown kecamatan. Give its Kemendagri code (e.g. 64.71.01) or its name in your "
        "regency/city."
    ),
    "case_conflict": _(
        "Rows with the same case number are one case: this date must be the same as in "
        "row %(first_row)s."
    ),
}


def error_message(error: dict) -> str:
    """One report entry in the reader's language (entries are stored as codes)."""
    message = MESSAGES.get(error.get("code"))
    if message is None:
        return gettext("Unknown problem.")
    params = error.get("params") or {}
    return str(message) % params if params else str(message)


def _error(row: int, column: str, code: str, **params) -> dict:
    return {"row": row, "column": column, "code": code, "params": params}


class FileProblem(Exception):
    """The file as a whole cannot be imported; ``errors`` say why."""

    def __init__(self, errors: list[dict]):
        super().__init__(", ".join(error["code"] for error in errors))
        self.errors = errors


# --- Reading cells -----------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text, whitespace collapsed. Formulas stay the text they are ("=A1")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _key(text: str) -> str:
    """Case, punctuation and spacing removed: "Rumah Tangga" == "rumah_tangga"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _rows_of_csv(data: bytes) -> Iterator[list]:
    if b"\x00" in data or data.startswith(XLSX_SIGNATURE):
        raise FileProblem([_error(0, "", "not_csv")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem([_error(0, "", "encoding")]) from None
    first_line = next((line for line in text[:65536].splitlines() if line.strip()), "")
    # Indonesian spreadsheet programs write ";" (the comma is the decimal separator).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise FileProblem([_error(0, "", "unreadable")]) from None


def _rows_of_xlsx(data: bytes) -> Iterator[list]:
    if not data.startswith(XLSX_SIGNATURE):
        raise FileProblem([_error(0, "", "not_xlsx")])
    try:
        # data_only=False: a formula is read as its text, never as a computed value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise FileProblem([_error(0, "", "unreadable")]) from None
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [
                cell if isinstance(cell, str | int | float | date | type(None)) else str(cell)
                for cell in cells
            ]
    except Exception:
        raise FileProblem([_error(0, "", "unreadable")]) from None
    finally:
        workbook.close()


def _header_positions(number: int, cells: list) -> dict[str, int]:
    """Where each known column is; a FileProblem names every wrong or missing one."""
    by_header = {_key(column.header): column for column in COLUMNS}
    positions: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(cells):
        name = _key(_text(cell))
        if not name:
            continue
        column = by_header.get(name)
        # Named by letter, never by the cell's text: a file without a header row would
        # otherwise put a child's name in the report.
        letter = get_column_letter(index + 1)
        if column is None:
            errors.append(_error(number, letter, "header_unknown"))
        elif column.key in positions:
            errors.append(_error(number, column.header, "header_duplicate"))
        else:
            positions[column.key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            errors.append(_error(number, column.header, "header_missing"))
    if errors:
        raise FileProblem(errors)
    return positions


def _read(data: bytes, file_format: str) -> list[tuple[int, dict]]:
    """The non-empty rows below the header: (row number, {column key: raw cell})."""
    reader = enumerate(
        _rows_of_xlsx(data) if file_format == ImportBatch.Format.XLSX else _rows_of_csv(data),
        start=1,
    )
    # The header is the first row with anything in it (blank rows above it are skipped).
    header = next((row for row in reader if any(_text(cell) for cell in row[1])), None)
    if header is None:
        raise FileProblem([_error(0, "", "empty")])
    positions = _header_positions(*header)
    rows = []
    for number, cells in reader:
        if number > MAX_READ_ROWS:
            raise FileProblem([_error(0, "", "too_many_rows", limit=MAX_ROWS)])
        values = {key: cells[index] for key, index in positions.items() if index < len(cells)}
        if not any(_text(value) for value in values.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise FileProblem([_error(0, "", "too_many_rows", limit=MAX_ROWS)])
        rows.append((number, values))
    if not rows:
        raise FileProblem([_error(0, "", "empty")])
    return rows


# --- Checking rows -----------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_AGE = re.compile(r"\d{1,3}(?:[.,]0+)?")
_REGION_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}(?:\.\d{4})?")


@dataclass
class CleanRow:
    number: int
    case_ref: str
    reported_on: date
    closed_on: date | None
    forms: tuple[str, ...]
    sex: str
    age: int | None
    education: str
    disability: str
    place_type: str
    relationship: str
    ampk_category: str
    district: str


@dataclass
class Checked:
    total: int
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    @property
    def valid(self) -> int:
        return len(self.rows)


def _lookup(column: ImportColumn) -> dict[str, str]:
    """Every accepted spelling of the column's values, normalised, to its code."""
    table = {}
    for language in ("en", "id"):
        with translation.override(language):
            for value, label in column.choices:
                table.setdefault(_key(str(label)), value)
    synonyms = SYNONYMS.get(column.key, {})
    table.update({_key(name): str(value) for name, value in synonyms.items()})
    table.update({_key(value): value for value, _label in column.choices})
    return table


class RowChecker:
    def __init__(self, agency):
        self.today = timezone.localdate(timezone=zoneinfo.ZoneInfo(agency.time_zone))
        self.lookups = {column.key: _lookup(column) for column in COLUMNS if column.choices}
        self.district_codes = set(
            Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", flat=True)
        )
        self.district_names = {
            _key(name): code
            for code, name in Region.objects.filter(
                parent_id=agency.regency_id, level=Region.Level.DISTRICT
            ).values_list("code", "name")
        }
        # The first valid row of each case number: its dates every other row must share.
        self.cases: dict[str, tuple[int, date, date | None]] = {}

    def check(self, number: int, values: dict) -> tuple[CleanRow | None, list[dict]]:
        errors: list[tuple[str, str, dict]] = []

        def fail(key: str, code: str, **params):
            errors.append((key, code, params))

        case_ref = _text(values.get("case_ref"))
        if not _key(case_ref):
            fail("case_ref", "required")
        elif len(case_ref) > MAX_CASE_REF:
            fail("case_ref", "too_long", limit=MAX_CASE_REF)
        reported_on = self._date(values, "reported_on", fail, required=True)
        closed_on = self._date(values, "closed_on", fail)
        if reported_on and closed_on and closed_on < reported_on:
            fail("closed_on", "closed_before_reported")
        forms = self._codes(values, "violence_forms", fail)
        clean = CleanRow(
            number=number,
            case_ref=case_ref,
            reported_on=reported_on,
            closed_on=closed_on,
            forms=forms,
            sex=self._code(values, "sex", fail),
            age=self._age(values, reported_on, fail),
            education=self._code(values, "education", fail),
            disability=self._code(values, "disability", fail),
            place_type=self._code(values, "place_type", fail),
            relationship=self._code(values, "relationship", fail),
            ampk_category=self._code(values, "ampk_category", fail),
            district=self._district(values, fail),
        )
        if not errors:
            self._same_case(clean, fail)
        reported = [
            _error(number, COLUMN_BY_KEY[key].header, code, **params)
            for key, code, params in errors
        ]
        return (None if errors else clean), reported

    def _same_case(self, row: CleanRow, fail) -> None:
        first = self.cases.setdefault(row.case_ref, (row.number, row.reported_on, row.closed_on))
        if first[1] != row.reported_on:
            fail("reported_on", "case_conflict", first_row=first[0])
        if first[2] != row.closed_on:
            fail("closed_on", "case_conflict", first_row=first[0])

    def _date(self, values: dict, key: str, fail, *, required: bool = False) -> date | None:
        raw = values.get(key)
        if isinstance(raw, datetime):
            value = raw.date()
        elif isinstance(raw, date):
            value = raw
        else:
            text = _text(raw)
            if not _key(text):  # empty, or a dash
                if required:
                    fail(key, "required")
                return None
            match = _DATE.fullmatch(text)
            try:
                value = date(*(int(part) for part in match.groups())) if match else None
            except ValueError:
                value = None
            if value is None:
                fail(key, "date_format")
                return None
        if value > self.today:
            fail(key, "date_future")
            return None
        if value < EARLIEST_DATE:
            fail(key, "date_too_early", year=EARLIEST_DATE.year)
            return None
        return value

    def _code(self, values: dict, key: str, fail) -> str:
        text = _key(_text(values.get(key)))
        if not text:
            return ""
        code = self.lookups[key].get(text)
        if code is None:
            codes = ", ".join(value for value, _label in COLUMN_BY_KEY[key].choices if value)
            fail(key, "unknown_code", codes=codes)
            return ""
        return code

    def _codes(self, values: dict, key: str, fail) -> tuple[str, ...]:
        parts = [_key(part) for part in re.split(r"[,;|]", _text(values.get(key)))]
        parts = [part for part in parts if part]
        if not parts:
            fail(key, "required")
            return ()
        codes = [self.lookups[key].get(part) for part in parts]
        if None in codes:
            choices = ", ".join(value for value, _label in COLUMN_BY_KEY[key].choices)
            fail(key, "unknown_code", codes=choices)
            return ()
        return tuple(dict.fromkeys(codes))

    def _age(self, values: dict, reported_on: date | None, fail) -> int | None:
        age = None
        text = _text(values.get("age"))
        if _key(text):
            if not _AGE.fullmatch(text):
                fail("age", "age_number")
                return None
            age = int(re.split(r"[.,]", text)[0])
            if age > OLDEST_CHILD:
                fail("age", "age_range", oldest=OLDEST_CHILD)
                return None
        birth_date = self._date(values, "birth_date", fail)
        if birth_date is None or reported_on is None:
            return age
        if birth_date > reported_on:
            fail("birth_date", "birth_after_report")
            return None
        birthday_not_yet = (reported_on.month, reported_on.day) < (birth_date.month, birth_date.day)
        from_birth = reported_on.year - birth_date.year - birthday_not_yet
        if age is not None and age != from_birth:
            fail("age", "age_mismatch", age=from_birth)
            return None
        if from_birth > OLDEST_CHILD:
            fail("birth_date", "age_range", oldest=OLDEST_CHILD)
            return None
        return from_birth

    def _district(self, values: dict, fail) -> str:
        text = _text(values.get("district"))
        if not _key(text):
            return ""
        if _REGION_CODE.fullmatch(text):
            code = text[:8]
        else:
            name = re.sub(r"^(kecamatan|kec) ", "", _key(text))
            code = self.district_names.get(name, "")
        if code not in self.district_codes:
            fail("district", "district_unknown")
            return ""
        return code


def check_file(
    data: bytes, file_format: str, agency, *, on_progress: Callable[[int, int], None] | None = None
) -> Checked:
    """Every row checked; raises FileProblem when the file as a whole is unusable."""
    rows = _read(data, file_format)
    checker = RowChecker(agency)
    checked = Checked(total=len(rows))
    if on_progress:
        on_progress(0, checked.total)
    for done, (number, values) in enumerate(rows, start=1):
        clean, errors = checker.check(number, values)
        if clean is not None:
            checked.rows.append(clean)
        checked.error_count += len(errors)
        checked.errors.extend(errors[: MAX_STORED_ERRORS - len(checked.errors)])
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done, checked.total)
    return checked


# --- The workflow ------------------------------------------------------------------------


def upload_format(name: str) -> str | None:
    """The format the file's name claims (its content is checked by the task)."""
    lowered = (name or "").lower()
    return next((fmt for ext, fmt in EXTENSIONS.items() if lowered.endswith(ext)), None)


@transaction.atomic
def import_upload(*, uploaded_by, agency, upload, ip_address=None) -> ImportBatch:
    """Store the spreadsheet (encrypted) and have it checked after commit."""
    from reports.tasks import historical_import_validate

    file_format = upload_format(upload.name)
    if file_format is None:
        raise ValidationError(_("Only CSV (.csv) and Excel (.xlsx) files are accepted."))
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20}
        )
    data = upload.read()
    digest = hashlib.sha256(data).hexdigest()
    earlier = ImportBatch.objects.filter(agency=agency, sha256=digest).first()
    if earlier is not None:
        raise ValidationError(
            _(
                "This file was already uploaded as import #%(number)s. Delete that import "
                "first to upload it again."
            )
            % {"number": earlier.pk}
        )
    batch = ImportBatch(
        agency=agency,
        uploaded_by=uploaded_by,
        original_name=(upload.name or "")[-200:],
        file_format=file_format,
        size=len(data),
        sha256=digest,
    )
    batch.file.save("upload", ContentFile(fernet().encrypt(data)), save=False)
    batch.save()
    audit_record(
        actor=uploaded_by,
        action=AuditEvent.Action.CREATE,
        obj=batch,
        fields=["file"],
        ip_address=ip_address,
    )
    transaction.on_commit(lambda: historical_import_validate.delay(batch.pk), robust=True)
    return batch


def _batch_bytes(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as stored:
        return fernet().decrypt(stored.read())


def import_validate(*, batch_id: int) -> bool:
    """Check every row of a batch waiting to be checked; False when there is none.

    Idempotent: a batch leaves VALIDATING only here, so a second run (or a re-delivery
    after a crash, which starts over) finds nothing to do or redoes the same work.
    """
    batch = ImportBatch.objects.select_related("agency").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.VALIDATING:
        return False
    waiting = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.VALIDATING)

    def progress(done: int, total: int) -> None:
        waiting.update(processed_rows=done, total_rows=total)

    try:
        checked = check_file(
            _batch_bytes(batch), batch.file_format, batch.agency, on_progress=progress
        )
    except FileProblem as problem:
        return bool(
            waiting.update(
                status=ImportBatch.Status.FAILED,
                errors=problem.errors,
                error_count=len(problem.errors),
                total_rows=0,
                processed_rows=0,
                valid_rows=0,
                checked_at=timezone.now(),
            )
        )
    return bool(
        waiting.update(
            status=ImportBatch.Status.READY if checked.valid else ImportBatch.Status.FAILED,
            errors=checked.errors,
            error_count=checked.error_count,
            total_rows=checked.total,
            processed_rows=checked.total,
            valid_rows=checked.valid,
            checked_at=timezone.now(),
        )
    )


@transaction.atomic
def import_confirm(*, batch: ImportBatch, confirmed_by, only_valid: bool, ip_address=None):
    """Start the import of a checked batch. With rows in error, only when the user chose
    to import the valid rows alone."""
    from reports.tasks import historical_import_run

    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.Status.READY:
        raise ValidationError(_("This import is not waiting for confirmation."))
    if locked.valid_rows < locked.total_rows and not only_valid:
        raise ValidationError(
            _(
                "Some rows have errors, so nothing was imported. Correct the file and upload "
                "it again, or choose to import only the valid rows."
            )
        )
    locked.status = ImportBatch.Status.IMPORTING
    locked.only_valid = only_valid and locked.valid_rows < locked.total_rows
    locked.confirmed_by = confirmed_by
    locked.processed_rows = 0
    locked.save(update_fields=["status", "only_valid", "confirmed_by", "processed_rows"])
    audit_record(
        actor=confirmed_by,
        action=AuditEvent.Action.TRANSITION,
        obj=locked,
        fields=["status", *(["only_valid"] if locked.only_valid else [])],
        ip_address=ip_address,
    )
    transaction.on_commit(lambda: historical_import_run.delay(locked.pk), robust=True)
    return locked


def _victims(batch: ImportBatch, rows: list[CleanRow]) -> list[HistoricalVictim]:
    return [
        HistoricalVictim(
            agency_id=batch.agency_id,
            batch=batch,
            # Keyed: the source number may be a police report number, findable elsewhere.
            case_key=identity_hash("historical-case", str(batch.pk), row.case_ref),
            row=row.number,
            reported_on=row.reported_on,
            closed_on=row.closed_on,
            place_type=row.place_type,
            relationship=row.relationship,
            ampk_category=row.ampk_category,
            district=row.district,
            sex=row.sex,
            age=row.age,
            education=row.education,
            disability=row.disability,
        )
        for row in rows
    ]


def import_run(*, batch_id: int) -> int:
    """Write every valid row of a confirmed batch in one transaction: all or nothing.

    Returns the rows written; 0 when there is nothing to do (already imported, deleted,
    or the file no longer checks as it did). Idempotent: the batch row is locked and
    leaves IMPORTING in the same transaction as its rows are written.
    """
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .select_related("agency")
            .filter(pk=batch_id, status=ImportBatch.Status.IMPORTING)
            .first()
        )
        if batch is None:
            return 0
        try:
            checked = check_file(_batch_bytes(batch), batch.file_format, batch.agency)
        except FileProblem as problem:
            batch.valid_rows = 0
            _back_to(batch, ImportBatch.Status.FAILED, problem.errors, len(problem.errors))
            return 0
        if checked.valid < checked.total and not batch.only_valid:
            # Something changed since the check (a region retired, a day passed): ask again.
            batch.total_rows, batch.valid_rows = checked.total, checked.valid
            _back_to(batch, ImportBatch.Status.READY, checked.errors, checked.error_count)
            return 0
        HistoricalVictim.objects.filter(batch=batch).delete()
        victims = HistoricalVictim.objects.bulk_create(_victims(batch, checked.rows), 2000)
        HistoricalViolenceForm.objects.bulk_create(
            [
                HistoricalViolenceForm(victim=victim, form=form)
                for victim, row in zip(victims, checked.rows, strict=True)
                for form in row.forms
            ],
            batch_size=5000,
        )
        stored = batch.file.name
        batch.status = ImportBatch.Status.DONE
        batch.imported_rows = len(victims)
        batch.processed_rows = checked.total
        batch.finished_at = timezone.now()
        # The spreadsheet may hold names: once its rows are in, it goes.
        batch.file = ""
        batch.save(
            update_fields=["status", "imported_rows", "processed_rows", "finished_at", "file"]
        )
        transaction.on_commit(lambda: private_storage().delete(stored))
    return len(victims)


def _back_to(batch: ImportBatch, status: str, errors: list[dict], error_count: int) -> None:
    batch.status = status
    batch.errors = errors[:MAX_STORED_ERRORS]
    batch.error_count = error_count
    batch.checked_at = timezone.now()
    batch.save(
        update_fields=["status", "errors", "error_count", "checked_at", "total_rows", "valid_rows"]
    )


@transaction.atomic
def import_delete(*, batch: ImportBatch, deleted_by, ip_address=None) -> int:
    """Remove a batch, its imported rows and its file, whatever its state (a batch whose
    task is lost can be removed too); returns the rows removed."""
    try:
        # The import task holds this lock while it writes: never wait behind it. A batch
        # whose task never ran (or died) is not locked, so it can always be removed.
        locked = ImportBatch.objects.select_for_update(nowait=True).get(pk=batch.pk)
    except DatabaseError:
        raise ValidationError(_("The import is running. Delete it when it has finished.")) from None
    removed = locked.victims.count()
    stored = locked.file.name
    audit_record(
        actor=deleted_by,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        fields=["deleted", *(["historical_victims"] if removed else [])],
        ip_address=ip_address,
    )
    locked.delete()
    if stored:
        transaction.on_commit(lambda: private_storage().delete(stored))
    return removed
