"""Small-cell suppression for the public statistics.

A published count of 1 to 4 children in one category of one kab/kota and one year can be
enough for neighbours, classmates or a journalist to recognise a child. So, one column of
one one-way table at a time (its category cells and their total):

1. **Primary.** A count from 1 to 4 is shown as ``"<5"``. Zero stays ``"0"``: nobody can
   be recognised in an empty cell, and hiding zeros would hide that a form of violence did
   not occur at all. A total from 1 to 4 is shown as ``"<5"`` as well.
2. **Complementary.** A reader knows the total, the shown cells, that each ``"<5"`` is 1
   to 4 and that each ``"*"`` is 5 or more. While that still leaves a ``"<5"`` cell only
   one possible value, the smallest non-zero cell still shown is hidden too, as ``"*"``
   (the first in table order among equals). The classic case: exactly one small cell and
   a shown total, where the total minus the other cells would give it back. Two small
   cells usually protect each other (2 + 3 = 5 could be 1 + 4, 2 + 3, 3 + 2 or 4 + 1),
   but not when their sum is 2 or 8 (then both are 1, or both are 4).
3. **Last resort.** When every non-zero cell is hidden and a small cell can still be
   worked out (1 + 5 = 6: the 5 is at least 5, so the other is 1; or four categories of
   one child each under a total below 5), every row of the column is shown as ``"*"``,
   zeros included. The total itself is never hidden beyond rule 1: the same yearly total
   is published elsewhere (the headline and the per-year series), so hiding it in one
   table would protect nothing.

Example: Fisik 3, Psikis 0, Seksual 7, Penelantaran 12, total 22 is published as
Fisik "<5", Psikis "0", Seksual "*", Penelantaran "12", total "22": Fisik + Seksual = 10,
so Fisik could be anything from 1 to 4.

The reasoning assumes the rows add up to the total. Where they do not (one case can have
several forms of violence), the same rules only hide more than needed, never less.
Attacks that use the order in which partners are chosen are not considered, as in the
usual practice of statistical offices. Everything here works on plain numbers and
returns display strings; nothing reads the database.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

SMALLEST_SHOWN = 5
SMALL = "<5"  # a count from 1 to 4
HIDDEN = "*"  # hidden so that a count from 1 to 4 cannot be worked out
_SMALL_RANGE = (1, SMALLEST_SHOWN - 1)
_HIDDEN_RANGE = (SMALLEST_SHOWN, math.inf)


def is_small(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def suppress_count(count: int) -> str:
    """One count on its own (a year's total in the series): "<5" for 1 to 4."""
    return SMALL if is_small(count) else str(count)


def is_suppressed(text: str) -> bool:
    return text in (SMALL, HIDDEN)


@dataclass(frozen=True)
class SuppressedTable:
    rows: tuple[tuple[str, str], ...]  # (label, display string), in the order given
    total: str


def small_cell_values(
    shown_sum: int, small_cells: int, hidden_cells: int, total_range: tuple[float, float]
) -> tuple[float, float]:
    """The values a reader can still give one "<5" cell, as an interval (low, high).

    The hidden cells together make the total minus the shown cells; the other small
    cells are 1 to 4 each and the complementary cells 5 or more each.
    """
    hidden_low, hidden_high = total_range[0] - shown_sum, total_range[1] - shown_sum
    others_low = (small_cells - 1) * _SMALL_RANGE[0] + hidden_cells * _HIDDEN_RANGE[0]
    others_high = (small_cells - 1) * _SMALL_RANGE[1] + (_HIDDEN_RANGE[1] if hidden_cells else 0)
    low = max(_SMALL_RANGE[0], hidden_low - others_high)
    high = min(_SMALL_RANGE[1], hidden_high - others_low)
    return low, high


def _worked_out(counts, small, hidden, total_range) -> bool:
    """True when a small cell is left fewer than two possible values."""
    if not small:
        return False
    shown_sum = sum(count for index, count in enumerate(counts) if index not in small | hidden)
    low, high = small_cell_values(shown_sum, len(small), len(hidden), total_range)
    return high - low < 1


def _next_partner(counts, taken) -> int | None:
    """The smallest non-zero count still shown; the first of equals wins."""
    candidates = [
        (count, index) for index, count in enumerate(counts) if count and index not in taken
    ]
    return min(candidates)[1] if candidates else None


def suppress_table(cells: Sequence[tuple[str, int]], total: int) -> SuppressedTable:
    """Display strings for a one-way table of (label, count) cells and its total."""
    counts = [count for _label, count in cells]
    if any(count < 0 for count in counts) or total < 0:
        raise ValueError("Counts cannot be negative.")
    total_text = suppress_count(total)
    total_range = _SMALL_RANGE if total_text == SMALL else (total, total)
    small = {index for index, count in enumerate(counts) if is_small(count)}
    hidden: set[int] = set()
    while _worked_out(counts, small, hidden, total_range):
        partner = _next_partner(counts, small | hidden)
        if partner is None:
            return SuppressedTable(tuple((label, HIDDEN) for label, _count in cells), total_text)
        hidden.add(partner)
    rows = []
    for index, (label, count) in enumerate(cells):
        if index in small:
            text = SMALL
        elif index in hidden:
            text = HIDDEN
        else:
            text = str(count)
        rows.append((label, text))
    return SuppressedTable(tuple(rows), total_text)
