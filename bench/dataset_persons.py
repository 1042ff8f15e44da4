"""Persons and their parts in cases: the children (some returning in later cases,
some with a sibling), and the adults around them."""

# ruff: noqa: S608

from django.conf import settings

from bench.dataset_pools import POOL_SIZES, encrypt_column, hmac_sql, pool_join
from bench.dataset_sql import chance, literal, pick, weighted
from cases.models import CaseParty, Person
from cases.models.choices import AmpkCategory, DisabilityType, Education, Sex
from cases.models.choices import PerpetratorRelationship as R

P = CaseParty.Part
ADULT_PARTS = ((P.GUARDIAN, 45), (P.ALLEGED_PERPETRATOR, 35), (P.REPORTER, 20))
RELATIONSHIPS = ((R.PARENT, 22), (R.FAMILY, 18), (R.NEIGHBOUR, 14), (R.PARTNER_FRIEND, 16),
                 (R.TEACHER, 6), (R.EMPLOYER, 2), (R.OTHER, 12), (R.UNKNOWN, 10))  # fmt: skip
ADULT_EDUCATION = ((Education.PRIMARY, 25), (Education.JUNIOR, 25), (Education.SENIOR, 30),
                   (Education.HIGHER, 10), (Education.UNKNOWN, 10))  # fmt: skip
DISABILITIES = [(value, 1) for value in DisabilityType.values if value]


def persons_counts(load) -> tuple[int, int]:
    """(children, adults): every case's first child is a person of its own unless it
    returns from an earlier case; the other persons are adults."""
    children = load.value("SELECT count(*) FROM bench_case WHERE NOT reuse")
    adults = load.scale.persons - children
    if adults < 0:
        raise ValueError(f"{load.scale.name}: fewer persons than first-time children")
    return children, adults


def persons_stage(load, *, children: int, adults: int) -> int:
    cases = load.scale.cases
    local_date = f"(p.reported_at AT TIME ZONE {literal(settings.TIME_ZONE)})::date"
    count = load.run(
        f"""
        CREATE TEMP TABLE bench_person ON COMMIT DROP AS
        WITH people AS (
            SELECT c.child_no AS n, TRUE AS child, c.regency, c.reported_at, c.village
            FROM bench_case c WHERE NOT c.reuse
            UNION ALL
            SELECT {children} + k, FALSE, c.regency, c.reported_at, NULL
            FROM generate_series(1, {adults}) k
            JOIN bench_case c ON c.i = 1 + ((k - 1)::bigint * {cases}) / {adults}
        ), born AS (
            SELECT p.*,
                CASE WHEN {chance("p.n", 50)} < CASE WHEN p.child THEN 0.58 ELSE 0.5 END
                    THEN {literal(Sex.FEMALE)} ELSE {literal(Sex.MALE)} END AS sex,
                CASE WHEN p.child THEN {local_date} - (180 + {pick("p.n", 51, 17 * 365)})::int
                    ELSE date '1962-01-01' + {pick("p.n", 51, 38 * 365)}::int END AS birth_date,
                {pick("p.n", 54, POOL_SIZES["name_P"])} AS name_k,
                v.code AS home_village
            FROM people p JOIN bench_regency r ON r.code = p.regency
            LEFT JOIN bench_village v ON v.regency = p.regency
                AND v.k = {pick("p.n", 52, "greatest(r.villages, 1)")}
        )
        SELECT b.*, {load.base(Person)} + b.n AS id,
            (b.reported_at::date - b.birth_date) / 365 AS age,
            CASE WHEN b.home_village IS NOT NULL
                AND {chance("b.n", 53)} < CASE WHEN b.child THEN 0.55 ELSE 0.75 END
            THEN replace(left(b.home_village, 8), '.', '')
                || lpad((extract(day FROM b.birth_date)::int
                    + CASE WHEN b.sex = {literal(Sex.FEMALE)} THEN 40 ELSE 0 END)::text, 2, '0')
                || to_char(b.birth_date, 'MMYY')
                || lpad((1 + {pick("b.n", 55, 9999)})::text, 4, '0')
            END AS plain
        FROM born b
        """
    )
    load.run(
        """
        CREATE UNIQUE INDEX ON bench_person (n);
        CREATE TEMP TABLE bench_nik_plain ON COMMIT DROP AS
            SELECT n, plain FROM bench_person WHERE plain IS NOT NULL;
        CREATE UNIQUE INDEX ON bench_nik_plain (n);
        ANALYZE bench_person; ANALYZE bench_nik_plain;
        """
    )
    return count


def niks_encrypt(load) -> int:
    return encrypt_column(load, source="bench_nik_plain", target="bench_nik")


def _child_education() -> str:
    e = Education
    by_age = (
        f"CASE WHEN p.age < 4 THEN {literal(e.NONE)} WHEN p.age < 7 THEN {literal(e.KINDERGARTEN)}"
        f" WHEN p.age < 13 THEN {literal(e.PRIMARY)} WHEN p.age < 16 THEN {literal(e.JUNIOR)}"
        f" ELSE {literal(e.SENIOR)} END"
    )
    return f"CASE WHEN {chance('p.n', 56)} < 0.05 THEN {literal(e.UNKNOWN)} ELSE {by_age} END"


def persons_insert(load) -> int:
    flag = "CASE WHEN {c} < 0.1 THEN NULL ELSE {c} < {share} END"
    return load.insert(
        Person,
        {
            "id": "p.id",
            "name": "who.val",
            "nik": "coalesce(k.token, '')",
            "kk_number": f"CASE WHEN {chance('p.n', 57)} < 0.6 THEN kk.val ELSE '' END",
            "address": f"CASE WHEN {chance('p.n', 58)} < 0.8 THEN home.val ELSE '' END",
            "school": f"CASE WHEN p.child AND p.age >= 6 AND {chance('p.n', 59)} < 0.7 "
            f"THEN school.val ELSE '' END",
            "phone": f"CASE WHEN NOT p.child AND {chance('p.n', 60)} < 0.6 "
            f"THEN phone.val ELSE '' END",
            "nik_hash": "CASE WHEN p.plain IS NULL THEN '' "
            f"ELSE {hmac_sql("'nik' || chr(31) || p.plain")} END",
            "name_birth_hash": hmac_sql(
                "'name+birth' || chr(31) || who.norm || chr(31) "
                "|| to_char(p.birth_date, 'YYYY-MM-DD')"
            ),
            "initials": "who.initials",
            "sex": "p.sex",
            "birth_date": "p.birth_date",
            "birth_date_is_estimate": f"{chance('p.n', 61)} < 0.15",
            "village": f"CASE WHEN {chance('p.n', 62)} < 0.7 THEN p.home_village END",
            "education": f"CASE WHEN p.child THEN {_child_education()} "
            f"ELSE {weighted(chance('p.n', 63), ADULT_EDUCATION)} END",
            "disability": f"CASE WHEN {chance('p.n', 64)} < 0.04 "
            f"THEN {weighted(chance('p.n', 65), DISABILITIES)} ELSE '' END",
            "has_birth_certificate": flag.format(c=chance("p.n", 66), share=0.85),
            "has_child_id_card": flag.format(c=chance("p.n", 67), share=0.4),
            "has_family_card": flag.format(c=chance("p.n", 68), share=0.9),
            "has_health_insurance": flag.format(c=chance("p.n", 69), share=0.7),
            "created_at": "p.reported_at",
        },
        "FROM bench_person p LEFT JOIN bench_nik k ON k.n = p.n "
        "JOIN bench_pool who ON who.kind = 'name_' || p.sex AND who.k = p.name_k "
        + " ".join(pool_join(kind, kind, "p.n") for kind in ("kk", "school", "phone"))
        + f" {pool_join('home', 'address', 'p.n')}"
        + " ORDER BY p.n",
    )


def parties_insert(load, *, children: int, adults: int) -> int:
    person = load.base(Person)
    sppa = f"c.ampk = {literal(AmpkCategory.IN_CONFLICT_WITH_LAW)}"
    child = {
        "part": literal(P.CHILD),
        "relationship": "''",
        "is_anonymous": "FALSE",
        "is_child_in_conflict_with_law": sppa,
        "case": "c.id",
    }
    rows = load.insert(
        CaseParty, {**child, "person": f"{person} + c.child_no"}, "FROM bench_case c ORDER BY c.i"
    )
    if children > 1:  # a sibling: the next child, who has a case of their own too
        rows += load.insert(
            CaseParty,
            {**child, "person": f"{person} + c.child_no % {children} + 1"},
            f"FROM bench_case c WHERE {chance('c.i', 70)} < 0.08 ORDER BY c.i",
        )
    if adults:
        rows += _adult_parties_insert(load, children=children, adults=adults)
    return rows


def _adult_parties_insert(load, *, children: int, adults: int) -> int:
    part = weighted(chance("k", 71), ADULT_PARTS)
    return load.insert(
        CaseParty,
        {
            "case": "c.id",
            "person": f"{load.base(Person)} + {children} + a.k",
            "part": "a.part",
            "relationship": f"CASE a.part WHEN {literal(P.ALLEGED_PERPETRATOR)} "
            f"THEN {weighted(chance('a.k', 72), RELATIONSHIPS)} "
            f"WHEN {literal(P.GUARDIAN)} THEN {literal(R.PARENT)} ELSE '' END",
            "is_anonymous": f"a.part = {literal(P.REPORTER)} AND {chance('a.k', 73)} < 0.1",
            "is_child_in_conflict_with_law": "FALSE",
        },
        f"FROM (SELECT k, {part} AS part FROM generate_series(1, {adults}) k) a "
        f"JOIN bench_case c ON c.i = 1 + ((a.k - 1)::bigint * {load.scale.cases}) / {adults} "
        "ORDER BY a.k",
    )
