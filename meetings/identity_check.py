"""Does a text written for a meeting (minutes, an agenda or meeting title, an action item)
hold a child's or family's identity? Checked against the known identity of the people in
the meeting's cases, in memory; nothing of it is kept.

The check is itself a read of those identities: each match is audited on its case, and a
writer learns which case matched only when they may reveal that case's identity. Told to
anyone else, "this name belongs to case X" would confirm a guess, one save at a time.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import AuditEvent, Case, CaseParty
from cases.models.cases import IdentityAccess

# Name words shorter than this are not searched alone (they match ordinary words).
MIN_NAME_WORD = 4
# Words that are part of many names (and of the demo's "Anak Contoh ...") but identify no one.
COMMON_NAME_WORDS = {"anak", "binti", "putra", "putri", "contoh", "muhammad", "siti"}
MIN_NUMBER_DIGITS = 8
# A number written in groups: "0812-3456-7890", "6471 0143 0214 0001", "+62 812 3456 7890".
NUMBER = re.compile(r"\+?\d+(?:[ .\-]\d+)*")
GROUP = re.compile(r"\+?\d+")
# Neighbouring groups are read together, up to this many: a phone written in three groups
# next to another number ("0812 3456 7890 2 kali") is still found.
MAX_GROUPS = 6
# What a text may hold of such numbers, so that a draft cannot test a list of candidate
# NIKs in one save and halve it in a dozen more (ten NIKs written in four groups fit).
MAX_NUMBER_CANDIDATES = 60
WORDS_FIELDS = ("name", "address", "school")
NUMBER_FIELDS = ("nik", "kk_number", "phone")


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w]+", " ", text.lower()).strip() + " "


def _digits(text: str) -> str:
    """Digits only, Indonesian +62 numbers written as 0…, so "0812-3456" matches "+62 8123456"."""
    return re.sub(r"\D", "", re.sub(r"\+62", "0", text))


def long_numbers_in(text: str, *, more_than: int | None = None) -> set[str]:
    """The long numbers a text may hold, as digits: each run of up to MAX_GROUPS
    neighbouring digit groups with at least MIN_NUMBER_DIGITS digits (read no further
    once there are ``more_than``)."""
    found = set()
    for number in NUMBER.finditer(text):
        groups = [_digits(group) for group in GROUP.findall(number.group())]
        for start in range(len(groups)):
            for end in range(start + 1, min(start + MAX_GROUPS, len(groups)) + 1):
                digits = "".join(groups[start:end])
                if len(digits) >= MIN_NUMBER_DIGITS:
                    found.add(digits)
            if more_than is not None and len(found) > more_than:
                return found
    return found


def refuse_number_lists(texts: list[str], field: str = "summary") -> None:
    numbers = long_numbers_in(" \n ".join(texts), more_than=MAX_NUMBER_CANDIDATES)
    if len(numbers) > MAX_NUMBER_CANDIDATES:
        raise ValidationError(
            {
                field: _(
                    "The text holds too many long numbers. Minutes need no lists of numbers "
                    "(NIK, telephone): leave out what is not needed."
                )
            }
        )


def _needles(person) -> list[tuple[str, str, str]]:
    """(field, how, value) for each known identity value of a person: whole names and
    addresses, name words, and numbers (NIK, KK, phone) as digits."""
    needles = []
    for field in WORDS_FIELDS:
        value = getattr(person, field)
        if value and len(value.strip()) >= MIN_NAME_WORD:
            needles.append((field, "words", _words(value)))
    for word in _words(person.name or "").split():
        if len(word) >= MIN_NAME_WORD and word not in COMMON_NAME_WORDS:
            needles.append(("name", "words", f" {word} "))
    for field in NUMBER_FIELDS:
        value = getattr(person, field)
        if value and len(_digits(value)) >= MIN_NUMBER_DIGITS:
            needles.append((field, "number", _digits(value)))
    return needles


def matched_fields_by_case(texts: list[str], case_ids) -> dict[Case, set[str]]:
    """The cases whose people's identity seems to appear in the texts, with the identity
    fields that matched (names of fields, never values)."""
    joined = " \n ".join(texts)
    words, numbers = _words(joined), long_numbers_in(joined)
    matched: dict[Case, set[str]] = {}
    parties = CaseParty.objects.filter(case_id__in=case_ids).select_related("person", "case")
    for party in parties:
        for field, how, value in _needles(party.person):
            if (value in words) if how == "words" else (value in numbers):
                matched.setdefault(party.case, set()).add(field)
    return matched


@dataclass(frozen=True)
class IdentityMatches:
    """What a writer is told: the codes of the matched cases whose identity they may
    reveal, and how many other cases matched without being named."""

    named: tuple[str, ...] = ()
    unnamed: int = 0

    def __bool__(self) -> bool:
        return bool(self.named) or self.unnamed > 0

    @classmethod
    def told_to(cls, reader, cases) -> "IdentityMatches":
        named = sorted(
            case.code for case in cases if case.identity_access(reader) == IdentityAccess.CLICK
        )
        return cls(named=tuple(named), unnamed=len(cases) - len(named))

    def describe(self) -> str:
        """The cases for a message: their codes, or none where the reader may not know."""
        if not self.named:
            return _("a case on the agenda")
        if self.unnamed:
            return _("case %(codes)s and another case on the agenda") % {
                "codes": ", ".join(self.named)
            }
        return _("case %(codes)s") % {"codes": ", ".join(self.named)}


def identity_check(*, texts: list[str], case_ids, checked_by, meeting) -> IdentityMatches:
    """Check the texts and audit each matched case (who checked, on which meeting, which
    fields). A caller that may refuse the text runs this outside its own transaction, so
    that the refusal keeps the audit row."""
    from cases.services import audit_record

    matched = matched_fields_by_case(texts, case_ids) if case_ids else {}
    for case, fields in matched.items():
        audit_record(
            actor=checked_by,
            action=AuditEvent.Action.IDENTITY_MATCH,
            case=case,
            obj=meeting,
            object_type="meetings.meeting",
            fields=sorted(fields),
        )
    return IdentityMatches.told_to(checked_by, list(matched))


def identity_matches_seen_by(*, texts: list[str], case_ids, reader) -> IdentityMatches:
    """The same check for showing stored texts again: audited when they were written."""
    matched = matched_fields_by_case(texts, case_ids) if case_ids else {}
    return IdentityMatches.told_to(reader, list(matched))
