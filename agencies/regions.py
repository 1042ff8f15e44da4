"""Importing the Kemendagri region list, idempotently and in bulk."""

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from agencies.models import Region, RegionDataset

DATA_DIR = Path(__file__).resolve().parent / "data" / "regions"
CURRENT_FILE = DATA_DIR / "kepmendagri-2025.csv"
CURRENT_SOURCE = "Kepmendagri 300.2.2-2138/2025"
_BATCH = 5000


@dataclass(frozen=True)
class RegionImportResult:
    imported: int
    retired: int
    skipped_unchanged: bool


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_rows(path: Path, province: str | None) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [(row["code"].strip(), row["name"].strip()) for row in csv.DictReader(handle)]
    if province:
        rows = [(code, name) for code, name in rows if code.split(".")[0] == province]
    return rows


def _region(code: str, name: str, source: str) -> Region:
    return Region(
        code=code,
        name=name,
        level=Region.level_for_code(code),
        kind=Region.kind_for_code(code),
        parent_id=Region.parent_code(code),
        source=source,
        is_active=True,
    )


def region_import(
    *,
    path: Path = CURRENT_FILE,
    source: str = CURRENT_SOURCE,
    province: str | None = None,
    force: bool = False,
) -> RegionImportResult:
    """Insert or update every region in ``path``; retire codes the file no longer lists.

    ``province`` (a 2-digit code) limits the import to one province, which keeps
    test databases small. An unchanged full import is skipped unless ``force``.
    """
    sha256 = _file_sha256(path)
    full_import = province is None
    if full_import and not force and RegionDataset.objects.filter(sha256=sha256).exists():
        return RegionImportResult(imported=0, retired=0, skipped_unchanged=True)

    rows = _read_rows(path, province)
    with transaction.atomic():
        # Parents first, so every parent row exists when its children arrive.
        for level in (1, 2, 3, 4):
            regions = [
                _region(code, name, source)
                for code, name in rows
                if Region.level_for_code(code) == level
            ]
            Region.objects.bulk_create(
                regions,
                batch_size=_BATCH,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "kind", "parent", "source", "is_active"],
            )
        retired = _retire_missing({code for code, _name in rows}, province)
        if full_import:
            RegionDataset.objects.create(source=source, sha256=sha256, row_count=len(rows))
    return RegionImportResult(imported=len(rows), retired=retired, skipped_unchanged=False)


def _retire_missing(listed: set[str], province: str | None) -> int:
    """Codes dropped by a newer decree stay (records point at them) but are retired."""
    existing = Region.objects.filter(is_active=True)
    if province:
        existing = existing.filter(code__startswith=province)
    missing = [code for code in existing.values_list("code", flat=True) if code not in listed]
    for start in range(0, len(missing), _BATCH):
        Region.objects.filter(code__in=missing[start : start + _BATCH]).update(is_active=False)
    return len(missing)
