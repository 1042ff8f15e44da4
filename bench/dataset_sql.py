"""The building blocks of the synthetic dataset: one set-based INSERT per table, with
pseudo-random choices derived from row numbers so that every build is the same.

SQL text here is assembled from model metadata and constants of the benchmark, never
from input, hence the file-wide S608 exemption.
"""

# ruff: noqa: S608

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

from bench.scale import Scale

# Keeps hashes non-negative: hashint8extended() returns any bigint.
_POSITIVE = 9223372036854775807
_FRACTION_BITS = 4503599627370495  # 2**52 - 1


def pick(expr: str, salt: int, n: int | str) -> str:
    """SQL for a pseudo-random integer in [0, n) derived from ``expr`` (a row number).

    PostgreSQL's seeded hash is stable across runs and machines (hash partitioning
    relies on it), unlike random()."""
    return f"((hashint8extended(({expr})::bigint, {salt}) & {_POSITIVE}) % ({n}))"


def chance(expr: str, salt: int) -> str:
    """SQL for a pseudo-random float in [0, 1) derived from ``expr``."""
    return f"((hashint8extended(({expr})::bigint, {salt}) & {_FRACTION_BITS})::float8 / 2^52)"


def weighted(fraction_sql: str, choices: Iterable[tuple[str, float]]) -> str:
    """SQL CASE choosing a value by weight from a fraction in [0, 1)."""
    choices = list(choices)
    total = sum(weight for _value, weight in choices)
    branches, upto = [], 0.0
    for value, weight in choices[:-1]:
        upto += weight / total
        branches.append(f"WHEN {fraction_sql} < {upto:.6f} THEN {literal(value)}")
    return f"(CASE {' '.join(branches)} ELSE {literal(choices[-1][0])} END)"


def literal(value) -> str:
    """A SQL literal for a constant of the code (choice values, labels)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def text_array(values: Iterable[str]) -> str:
    return "ARRAY[" + ", ".join(literal(str(v)) for v in values) + "]::text[]"


def table(model: type[models.Model]) -> str:
    return model._meta.db_table


def column(model: type[models.Model], name: str) -> str:
    """The column of a field: a renamed field fails here, loudly."""
    return model._meta.get_field(name).column


@dataclass
class Load:
    """One build: the cursor, the scale, the anchor, and the first id of each table."""

    scale: Scale
    cursor: object
    anchor: datetime
    log: Callable[[str], None]
    bases: dict[type[models.Model], int] = field(default_factory=dict)
    touched: list[type[models.Model]] = field(default_factory=list)

    @property
    def at(self) -> str:
        """The anchor as a SQL timestamptz: every timestamp is relative to it."""
        return f"'{self.anchor.isoformat()}'::timestamptz"

    def run(self, sql: str, params=None) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def value(self, sql: str, params=None):
        self.cursor.execute(sql, params)
        return self.cursor.fetchone()[0]

    def note_bases(self, models_: Iterable[type[models.Model]]) -> None:
        """Ids of this build's rows start after whatever the tables hold before it (the
        demo city in the tests), so the same start gives the same ids."""
        for model in models_:
            self.bases[model] = self.value(f"SELECT coalesce(max(id), 0) FROM {table(model)}")

    def base(self, model: type[models.Model]) -> int:
        return self.bases[model]

    def insert(self, model: type[models.Model], values: dict[str, str], source: str) -> int:
        """INSERT INTO the model's table SELECT ``values`` (field name -> SQL) ``source``.

        Every NOT NULL column must be given: a new required column breaks the build
        instead of leaving the dataset silently unlike what the app writes."""
        opts = model._meta
        given = {column(model, name): sql for name, sql in values.items()}
        missing = [
            f.name
            for f in opts.concrete_fields
            if not f.null and f.column not in given and not isinstance(f, AutoFieldMixin)
        ]
        if missing:
            raise ValueError(f"{opts.label}: no value for NOT NULL {missing}")
        columns = ", ".join(given)
        selected = ",\n  ".join(given.values())
        if model not in self.touched:
            self.touched.append(model)
        return self.run(f"INSERT INTO {opts.db_table} ({columns})\nSELECT {selected}\n{source}")

    def step(self, label: str, action: Callable[[], int]) -> int:
        started = time.monotonic()
        rows = action()
        self.log(f"  {label:<34} {rows:>10,} rows {time.monotonic() - started:7.1f} s")
        return rows


def vacuum(models_: Iterable[type[models.Model]], log) -> None:
    """Vacuum the tables a build (or the first refresh) wrote, as autovacuum would have by
    the time a deployment held this much: the rows' visibility hints set, the visibility
    maps written. Unvacuumed, every page's first reader sets the hints and writes the page
    out, which slowed every database-bound scenario of the first run after a build by a
    third to a half (and on a server with autovacuum off, as CI's is, every run after it).
    VACUUM runs outside a transaction: inside one (a test's) this step is left out."""
    if connection.in_atomic_block:
        return
    started, tables = time.monotonic(), sorted({table(model) for model in models_})
    with connection.cursor() as cursor:
        for name in tables:
            cursor.execute(f"VACUUM (FREEZE, ANALYZE) {name}")
    log(f"  {'vacuum':<34} {len(tables):>10,} tables {time.monotonic() - started:5.1f} s")
