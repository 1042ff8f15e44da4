"""Cases: who leads them, when they came, how far they got, and their codes."""

# ruff: noqa: S608

from django.conf import settings

from agencies.models import Agency
from bench.dataset_agencies import LEAD_TYPES
from bench.dataset_pools import pool_join
from bench.dataset_sql import chance, literal, pick, table, weighted
from cases.models import Case, CaseCounter, CaseTeamMember, CaseViolenceForm
from cases.models.choices import (
    AmpkCategory as A,
)
from cases.models.choices import (
    CaseStatus as S,
)
from cases.models.choices import (
    ClosureReason,
    Jurisdiction,
    PlaceType,
    RiskLevel,
    TpksOffence,
    ViolenceForm,
)

SPAN_DAYS = 3652  # ten years of cases before the anchor
# Status by how long ago the case was reported: old cases are closed, recent ones open.
STATUS_BY_AGE = (
    (730, ((S.CLOSED, 97), (S.MONITORING, 3))),
    (365, ((S.CLOSED, 75), (S.MONITORING, 15), (S.INTERVENTION, 10))),
    (60, ((S.CLOSED, 30), (S.MONITORING, 15), (S.INTERVENTION, 20), (S.PLANNING, 12),
          (S.ASSESSMENT, 13), (S.NEW, 10))),
    (0, ((S.CLOSED, 5), (S.MONITORING, 5), (S.INTERVENTION, 15), (S.PLANNING, 15),
         (S.ASSESSMENT, 30), (S.NEW, 30))),
)  # fmt: skip
AMPK = (
    (A.PHYSICAL_PSYCHOLOGICAL, 33), (A.SEXUAL_CRIME, 30), (A.MALTREATMENT, 10),
    (A.IN_CONFLICT_WITH_LAW, 8), (A.EXPLOITED, 4), (A.EMERGENCY, 3), (A.TRAFFICKING, 2),
    (A.PORNOGRAPHY, 2), (A.SUBSTANCES, 1), (A.DISABILITY, 1), (A.DEVIANT_BEHAVIOUR, 1),
    (A.STIGMATISATION, 1), (A.HIV, 0.5), (A.MINORITY, 0.5), (A.TERRORISM, 0.2), ("", 3),
)  # fmt: skip
FORM_OF_AMPK = {
    A.SEXUAL_CRIME: ViolenceForm.SEXUAL, A.PORNOGRAPHY: ViolenceForm.SEXUAL,
    A.MALTREATMENT: ViolenceForm.NEGLECT, A.EXPLOITED: ViolenceForm.EXPLOITATION,
    A.TRAFFICKING: ViolenceForm.TRAFFICKING,
}  # fmt: skip
OTHER_FORMS = (
    (ViolenceForm.PHYSICAL, 50), (ViolenceForm.PSYCHOLOGICAL, 35),
    (ViolenceForm.SEXUAL, 10), (ViolenceForm.OTHER, 5),
)  # fmt: skip
TPKS = ((TpksOffence.PHYSICAL_HARASSMENT, 45), (TpksOffence.NONPHYSICAL_HARASSMENT, 15),
        (TpksOffence.ELECTRONIC, 12), (TpksOffence.SEXUAL_EXPLOITATION, 10),
        (TpksOffence.FORCED_MARRIAGE, 6), (TpksOffence.OTHER_PS4_2, 12))  # fmt: skip
RISK = ((RiskLevel.HIGH, 20), (RiskLevel.MEDIUM, 45), (RiskLevel.LOW, 35))
JURISDICTION = ((Jurisdiction.REGENCY, 92), (Jurisdiction.PROVINCE, 6), (Jurisdiction.NATIONAL, 2))
PLACE = ((PlaceType.HOUSEHOLD, 55), (PlaceType.SCHOOL, 12), (PlaceType.PUBLIC_FACILITY, 15),
         (PlaceType.WORKPLACE, 3), (PlaceType.OTHER, 10), ("", 5))  # fmt: skip
CLOSURE = ((ClosureReason.GOALS_MET, 55), (ClosureReason.REINTEGRATED, 20),
           (ClosureReason.MOVED, 8), (ClosureReason.TRANSFERRED, 7),
           (ClosureReason.CAME_OF_AGE, 5), (ClosureReason.OTHER, 5))  # fmt: skip


def _status(age: str, fraction: str) -> str:
    branches = " ".join(
        f"WHEN {age} > {days} THEN {weighted(fraction, choices)}" for days, choices in STATUS_BY_AGE
    )
    return f"(CASE {branches} END)"


def _first_form() -> str:
    whens = " ".join(f"WHEN {literal(a)} THEN {literal(f)}" for a, f in FORM_OF_AMPK.items())
    return f"(CASE d.ampk {whens} ELSE {weighted(chance('d.i', 31), OTHER_FORMS)} END)"


def cases_stage(load, *, home: int, caseworker: int) -> int:
    """One row per case with everything later steps derive from it."""
    scale = load.scale
    cases, home_cases, mine = scale.cases, scale.home_agency_cases, scale.caseworker_cases
    leads = ", ".join(literal(t) for t in LEAD_TYPES)
    recent = max(1, cases // 10)  # a returning child comes back within about a year
    count = load.run(
        f"""
        CREATE TEMP TABLE bench_case ON COMMIT DROP AS
        WITH spread AS (
            SELECT i,
                (i::bigint * {home_cases}) / {cases}
                    <> ((i - 1)::bigint * {home_cases}) / {cases} AS is_home,
                (i::bigint * {home_cases}) / {cases} AS h,
                ({cases} - i)::float8 / {cases} * {SPAN_DAYS * 86400}
                    + {pick("i", 1, 43200)} + 3600 AS before_s,
                i > 20 AND {chance("i", 20)} < 0.08 AS reuse
            FROM generate_series(1, {cases}) i
        ), placed AS (
            SELECT s.*,
                s.is_home AND (s.h * {mine}) / {home_cases}
                    <> ((s.h - 1) * {mine}) / {home_cases} AS mine,
                CASE WHEN s.is_home THEN {home} ELSE l.ids[1 + {pick("s.i", 11, "l.n")}] END
                    AS agency_id,
                {load.at} - s.before_s * interval '1 second' AS reported_at,
                s.before_s / 86400 AS age_days,
                s.i - sum(s.reuse::int) OVER (ORDER BY s.i) AS fresh_so_far
            FROM spread s CROSS JOIN (
                SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n FROM bench_agency
                WHERE kind IN ({leads}) AND n <= {scale.agencies}
            ) l
        ), described AS (
            SELECT p.*, st.regency, st.opener, st.workers,
                {_status("p.age_days", chance("p.i", 13))} AS status,
                {weighted(chance("p.i", 14), AMPK)} AS ampk,
                extract(year FROM p.reported_at AT TIME ZONE {literal(settings.TIME_ZONE)})::int
                    AS year,
                CASE WHEN p.reuse
                    THEN p.fresh_so_far - {pick("p.i", 21, f"least(p.fresh_so_far, {recent})")}
                    ELSE p.fresh_so_far END AS child_no
            FROM placed p JOIN bench_staff st ON st.agency_id = p.agency_id
        ), formed AS (
            SELECT d.*, {_first_form()} AS form1 FROM described d
        )
        SELECT d.*, {load.base(Case)} + d.i AS id,
            CASE WHEN {chance("d.i", 22)} >= 0.3 THEN NULL
                WHEN d.form1 = {literal(ViolenceForm.PSYCHOLOGICAL)}
                THEN {literal(ViolenceForm.PHYSICAL)}
                ELSE {literal(ViolenceForm.PSYCHOLOGICAL)} END AS form2,
            CASE WHEN d.mine THEN {caseworker}
                WHEN d.status = {literal(S.NEW)} AND {chance("d.i", 15)} < 0.3 THEN NULL
                ELSE w.user_id END AS lead_caseworker,
            CASE WHEN {chance("d.i", 16)} < 0.8 THEN v.code END AS village,
            CASE WHEN d.status = {literal(S.CLOSED)} THEN least(
                d.reported_at + (20 + {pick("d.i", 17, 400)}) * interval '1 day',
                {load.at} - interval '1 hour') END AS closed_at,
            least(d.reported_at + {pick("d.i", 18, 50)} * interval '1 minute', {load.at})
                AS created_at,
            r.prefix, coalesce(cc.last_number, 0) + row_number() OVER (
                PARTITION BY d.regency, d.year ORDER BY d.reported_at, d.i) AS number
        FROM formed d
        JOIN bench_regency r ON r.code = d.regency
        LEFT JOIN bench_worker w ON w.agency_id = d.agency_id
            AND w.k = {pick("d.i", 12, "greatest(d.workers, 1)")}
        LEFT JOIN bench_village v ON v.regency = d.regency
            AND v.k = {pick("d.i", 19, "greatest(r.villages, 1)")}
        LEFT JOIN {table(CaseCounter)} cc ON cc.regency_id = d.regency AND cc.year = d.year
        """
    )
    load.run(
        """
        CREATE UNIQUE INDEX ON bench_case (i);
        CREATE INDEX ON bench_case (agency_id);
        ANALYZE bench_case;
        """
    )
    return count


def cases_insert(load) -> int:
    tpks = weighted(chance("c.i", 33), TPKS)
    sexual = literal(ViolenceForm.SEXUAL)
    closed = "c.status = " + literal(S.CLOSED)
    return load.insert(
        Case,
        {
            "id": "c.id",
            "code": "c.prefix || '-' || c.year || '-' || "
            "lpad(c.number::text, greatest(5, length(c.number::text)), '0')",
            "regency": "c.regency",
            "lead_agency": "c.agency_id",
            "lead_caseworker": "c.lead_caseworker",
            "opened_by": "c.opener",
            "status": "c.status",
            "reported_at": "c.reported_at",
            "chronology": "story.val",
            "police_reported_at": f"CASE WHEN {sexual} IN (c.form1, c.form2) "
            f"AND {chance('c.i', 34)} < 0.7 THEN least(c.reported_at "
            f"+ (1 + {pick('c.i', 35, 100)}) * interval '1 hour', {load.at}) END",
            "closure_reason": f"CASE WHEN {closed} THEN {weighted(chance('c.i', 36), CLOSURE)} "
            "ELSE '' END",
            "closure_note": f"CASE WHEN {closed} THEN note.val ELSE '' END",
            "closed_at": "c.closed_at",
            "version": "1",
            "created_at": "c.created_at",
            "updated_at": "greatest(c.created_at, c.closed_at)",
            "risk_level": weighted(chance("c.i", 37), RISK),
            "jurisdiction": weighted(chance("c.i", 38), JURISDICTION),
            "ampk_category": "c.ampk",
            "incident_date": f"(c.reported_at AT TIME ZONE {literal(settings.TIME_ZONE)})::date "
            f"- {pick('c.i', 39, 60)}::int",
            "incident_date_is_approximate": f"{chance('c.i', 40)} < 0.2",
            "place_type": weighted(chance("c.i", 41), PLACE),
            "incident_village": "c.village",
            "incident_address": f"CASE WHEN {chance('c.i', 42)} < 0.7 THEN place.val ELSE '' END",
        },
        f"FROM bench_case c {pool_join('story', 'chronology', 'c.i')} "
        f"{pool_join('note', 'note', 'c.i')} {pool_join('place', 'address', 'c.i * 7')} "
        "ORDER BY c.i",
    ) + _violence_forms_insert(load, tpks)


def _violence_forms_insert(load, tpks: str) -> int:
    sexual = literal(ViolenceForm.SEXUAL)
    return load.insert(
        CaseViolenceForm,
        {
            "case": "c.id",
            "form": "f.form",
            "tpks_offence": f"CASE WHEN f.form = {sexual} THEN {tpks} ELSE '' END",
        },
        "FROM bench_case c CROSS JOIN LATERAL (VALUES (1, c.form1), (2, c.form2)) AS f(k, form) "
        "WHERE f.form IS NOT NULL ORDER BY c.i, f.k",
    )


def team_insert(load, *, caseworker: int, home: int) -> int:
    """A second caseworker on some cases; the cast caseworker joins a few home cases
    they do not lead, so their list mixes both ways of working on a case."""
    rows = load.insert(
        CaseTeamMember,
        {"case": "c.id", "user": "w.user_id"},
        f"FROM bench_case c JOIN bench_worker w ON w.agency_id = c.agency_id "
        f"AND w.k = {pick('c.i', 43, 'greatest(c.workers, 1)')} "
        f"WHERE {chance('c.i', 44)} < 0.08 AND NOT c.mine "
        "AND w.user_id IS DISTINCT FROM c.lead_caseworker ORDER BY c.i",
    )
    joins = max(1, load.scale.caseworker_cases // 50)
    return rows + load.insert(
        CaseTeamMember,
        {"case": "c.id", "user": str(caseworker)},
        f"FROM (SELECT * FROM bench_case WHERE agency_id = {home} AND NOT mine "
        f"AND status <> {literal(S.CLOSED)} ORDER BY i DESC LIMIT {joins}) c "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table(CaseTeamMember)} t "
        f"WHERE t.case_id = c.id AND t.user_id = {caseworker}) ORDER BY c.i",
    )


def counters_upsert(load) -> int:
    """The next case opened in a city and year continues after the loaded ones."""
    load.touched.append(CaseCounter)
    return load.run(
        f"""
        INSERT INTO {table(CaseCounter)} (regency_id, year, last_number)
        SELECT regency, year, max(number) FROM bench_case GROUP BY regency, year
        ORDER BY regency, year
        ON CONFLICT (regency_id, year)
        DO UPDATE SET last_number = greatest(
            {table(CaseCounter)}.last_number, excluded.last_number)
        """
    )


def home_agency_id(load) -> int:
    return load.base(Agency) + load.scale.agencies + 1
