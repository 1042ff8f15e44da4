"""NIK (Nomor Induk Kependudukan): strict format checks and a soft region check.

Layout ``PP KK CC DDMMYY SSSS``: the kecamatan where the number was first issued,
the birth date (day + 40 for women) and a serial. The region part may predate a
split of the region (pemekaran), so an unknown region only warns. A NIK is always
optional in Sinergi: many children have none.
"""

import calendar
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NIK = re.compile(r"^\d{16}$")
_FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikParts:
    district_code: str  # dotted Kemendagri kecamatan code, e.g. "64.71.01"
    day: int
    month: int
    year_two_digits: int
    is_female: bool
    serial: str


def _max_day(month: int, year_two_digits: int) -> int:
    # The century is unknown, so 29 February is allowed if either century is a leap year.
    return max(calendar.monthrange(century + year_two_digits, month)[1] for century in (1900, 2000))


def parse_nik(value: str) -> NikParts:
    """Split a NIK into its parts or raise ValidationError saying what is wrong."""
    nik = (value or "").strip()
    if not _NIK.match(nik):
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik_format")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    is_female = day > _FEMALE_DAY_OFFSET
    if is_female:
        day -= _FEMALE_DAY_OFFSET
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Digits 9–10 of a NIK are the birth month (01–12)."), code="nik_month"
        )
    if not 1 <= day <= _max_day(month, year):
        raise ValidationError(
            _("Digits 7–8 of a NIK are the birth day (01–31, or 41–71 for women)."),
            code="nik_day",
        )
    if nik[12:] == "0000":
        raise ValidationError(_("The last four digits of a NIK start at 0001."), code="nik_serial")
    return NikParts(
        district_code=f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}",
        day=day,
        month=month,
        year_two_digits=year,
        is_female=is_female,
        serial=nik[12:],
    )


def validate_nik(value: str) -> None:
    """Model and form validator; an empty value is fine because NIK is optional."""
    if value:
        parse_nik(value)


def nik_warnings(value: str) -> list[str]:
    """Soft warnings for a NIK that passed validation; they never block saving."""
    from agencies.models import Region

    parts = parse_nik(value)
    if not Region.objects.filter(code=parts.district_code).exists():
        return [
            _(
                "The region code %(code)s in this NIK is not in the current region list. "
                "It may be from before a region was split; please double-check the number."
            )
            % {"code": parts.district_code}
        ]
    return []
