import pytest
from django.core.exceptions import ValidationError

from agencies.nik import nik_warnings, parse_nik, validate_nik

# Kota Balikpapan, Balikpapan Timur (64.71.01); born 17 Aug 2012; serial 0001.
BOY = "6471011708120001"
GIRL = "6471015708120002"  # day 17 + 40


def test_it_reads_the_parts_of_a_boys_nik():
    parts = parse_nik(BOY)
    assert parts.district_code == "64.71.01"
    assert (parts.day, parts.month, parts.year_two_digits) == (17, 8, 12)
    assert parts.is_female is False


def test_a_girls_birth_day_is_offset_by_40():
    parts = parse_nik(GIRL)
    assert parts.day == 17
    assert parts.is_female is True


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("647101170812000", "nik_format"),  # 15 digits
        ("64710117081200011", "nik_format"),  # 17 digits
        ("64710117081200a1", "nik_format"),
        ("6471 0117 0812 0001", "nik_format"),
        ("6471011713120001", "nik_month"),  # month 13
        ("6471011700120001", "nik_month"),  # month 00
        ("6471010008120001", "nik_day"),  # day 00
        ("6471013208120001", "nik_day"),  # day 32
        ("6471017208120001", "nik_day"),  # female day 72
        ("6471013002120001", "nik_day"),  # 30 February
        ("6471011708120000", "nik_serial"),
    ],
)
def test_it_rejects_malformed_numbers(nik, code):
    with pytest.raises(ValidationError) as error:
        validate_nik(nik)
    assert error.value.code == code


def test_29_february_is_allowed():
    validate_nik("6471012902080001")


def test_an_empty_nik_is_fine_because_nik_is_optional():
    validate_nik("")


@pytest.mark.django_db
def test_a_known_region_gives_no_warning():
    assert nik_warnings(BOY) == []


@pytest.mark.django_db
def test_an_unknown_region_only_warns():
    warnings = nik_warnings("9999991708120001")
    assert len(warnings) == 1
    assert "99.99.99" in warnings[0]
