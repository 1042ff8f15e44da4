"""Complaints: a quarter of the cases were opened by triaging one (the rest were opened
directly), and a few recent ones still wait for triage in the agencies' inboxes."""

# ruff: noqa: S608

from bench.dataset_agencies import LEAD_TYPES
from bench.dataset_cases import AMPK, RISK
from bench.dataset_pools import pool_join
from bench.dataset_sql import chance, literal, pick, table, weighted
from cases.models import Case, CaseViolenceForm, Complaint, ComplaintParty, Person
from cases.models.choices import Channel, Jurisdiction, ViolenceForm

CHANNELS = ((Channel.WALK_IN, 35), (Channel.TELEPHONE, 15), (Channel.WHATSAPP, 20),
            (Channel.LETTER, 5), (Channel.WEB_FORM, 5), (Channel.COMMUNITY, 8),
            (Channel.AGENCY_REFERRAL, 7), (Channel.POLICE, 5))  # fmt: skip
TRIAGED_SHARE = 0.25


def complaints_stage(load, *, home: int, children: int) -> int:
    untriaged = max(3, load.scale.cases // 500)
    leads = ", ".join(literal(t) for t in LEAD_TYPES)
    person = load.base(Person)
    load.run(
        f"""
        CREATE TEMP TABLE bench_complaint ON COMMIT DROP AS
        SELECT {load.base(Complaint)} + row_number() OVER (ORDER BY t.i) AS id, t.*
        FROM (
            SELECT c.i, c.id AS case_id, c.agency_id, c.opener, {person} + c.child_no AS child
            FROM bench_case c WHERE {chance("c.i", 100)} < {TRIAGED_SHARE}
            UNION ALL
            SELECT {load.scale.cases} + u, NULL,
                CASE WHEN u % 5 = 0 THEN {home} ELSE l.ids[1 + {pick("u", 101, "l.n")}] END,
                NULL, {person} + 1 + {pick("u", 102, children)}
            FROM generate_series(1, {untriaged}) u CROSS JOIN (
                SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n FROM bench_agency
                WHERE kind IN ({leads}) AND n <= {load.scale.agencies}) l
        ) t;
        UPDATE bench_complaint b SET opener = s.opener
        FROM bench_staff s WHERE b.opener IS NULL AND s.agency_id = b.agency_id;
        ANALYZE bench_complaint;
        """
    )
    return load.value("SELECT count(*) FROM bench_complaint")


def complaints_insert(load) -> int:
    forms = (
        f"(SELECT coalesce(jsonb_agg(f.form ORDER BY f.id), '[]'::jsonb) "
        f"FROM {table(CaseViolenceForm)} f WHERE f.case_id = k.id)"
    )
    tpks = (
        f"coalesce((SELECT f.tpks_offence FROM {table(CaseViolenceForm)} f "
        f"WHERE f.case_id = k.id AND f.form = {literal(ViolenceForm.SEXUAL)}), '')"
    )
    minutes = pick("b.i", 103, 14 * 24 * 60)
    received = f"coalesce(k.reported_at, {load.at} - {minutes} * interval '1 minute')"
    rows = load.insert(
        Complaint,
        {
            "id": "b.id",
            "agency": "b.agency_id",
            "filed_by": "b.opener",
            "channel": weighted(chance("b.i", 104), CHANNELS),
            "received_at": received,
            "reporter_is_anonymous": "FALSE",
            "narrative": "coalesce(k.chronology, story.val)",
            "violence_forms": f"CASE WHEN k.id IS NULL THEN "
            f"jsonb_build_array({literal(ViolenceForm.PHYSICAL)}) ELSE {forms} END",
            "tpks_offence": f"CASE WHEN k.id IS NULL THEN '' ELSE {tpks} END",
            "consent_by": "''",
            "consent_purpose": "''",
            "tracking_code_hash": "''",
            "outcome": "CASE WHEN k.id IS NULL THEN '' "
            f"ELSE {literal(Complaint.Outcome.OPENED)} END",
            "outcome_reason": "''",
            "case": "k.id",
            "triaged_by": "CASE WHEN k.id IS NOT NULL THEN b.opener END",
            "triaged_at": "k.created_at",
            "risk_level": f"coalesce(k.risk_level, {weighted(chance('b.i', 105), RISK)})",
            "jurisdiction": f"coalesce(k.jurisdiction, {literal(Jurisdiction.REGENCY)})",
            "ampk_category": f"coalesce(k.ampk_category, {weighted(chance('b.i', 106), AMPK)})",
            "incident_date": "k.incident_date",
            "incident_date_is_approximate": "coalesce(k.incident_date_is_approximate, FALSE)",
            "place_type": "coalesce(k.place_type, '')",
            "incident_village": "k.incident_village_id",
            "incident_address": "coalesce(k.incident_address, '')",
        },
        f"FROM bench_complaint b LEFT JOIN {table(Case)} k ON k.id = b.case_id "
        f"{pool_join('story', 'chronology', 'b.i')} ORDER BY b.id",
    )
    return rows + load.insert(
        ComplaintParty,
        {
            "complaint": "b.id",
            "person": "b.child",
            "part": literal(ComplaintParty.Part.CHILD),
            "relationship": "''",
            "is_child_in_conflict_with_law": "FALSE",
        },
        "FROM bench_complaint b ORDER BY b.id",
    )
