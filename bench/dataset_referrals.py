"""Referrals between the agencies of a city, their timelines, and the object grants an
accepted referral gives the people who answered it (as ``referrals.grants`` writes them)."""

# ruff: noqa: S608

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from bench.dataset_pools import encrypt_column, pool_join
from bench.dataset_sql import chance, literal, pick, table, weighted
from cases.models import Case, CaseUserObjectPermission
from cases.models.cases import section_permission
from cases.models.choices import CaseSection, CaseStatus
from referrals.grants import VIEW_CASE
from referrals.models import (
    DEFAULT_SECTIONS_BY_AGENCY_TYPE,
    MINIMAL_SECTIONS,
    Referral,
    ReferralEvent,
    ResponseDeadline,
    Urgency,
)

S = Referral.Status
ON_CLOSED_CASE = ((S.COMPLETED, 60), (S.DECLINED, 12), (S.CANCELLED, 18), (S.EXPIRED, 10))
RECENT = ((S.SENT, 40), (S.ACCEPTED, 20), (S.IN_PROGRESS, 20), (S.DECLINED, 8), (S.COMPLETED, 12))
OLDER = ((S.ACCEPTED, 15), (S.IN_PROGRESS, 30), (S.COMPLETED, 40), (S.DECLINED, 10),
         (S.CANCELLED, 3), (S.EXPIRED, 2))  # fmt: skip
PARTNER_OPEN = ((S.SENT, 50), (S.ACCEPTED, 25), (S.IN_PROGRESS, 15), (S.COMPLETED, 10))
PARTNER_CLOSED = ((S.COMPLETED, 70), (S.CANCELLED, 30))
URGENCY = ((Urgency.EMERGENCY, 10), (Urgency.URGENT, 30), (Urgency.ROUTINE, 60))
CONSENT = ((Referral.ConsentBy.GUARDIAN, 80), (Referral.ConsentBy.CHILD, 15),
           (Referral.ConsentBy.OTHER, 5))  # fmt: skip
# A fixed anchor cannot be "now": waiting referrals are due well after it, so the
# receiver can still answer them for months after a build.
PENDING_DUE_DAYS = 90


def _sections_sql() -> str:
    """VALUES (agency type, shared sections as jsonb), in CaseSection order."""
    rows = []
    for kind, sections in DEFAULT_SECTIONS_BY_AGENCY_TYPE.items():
        ordered = [s for s in CaseSection.values if s in sections]
        rows.append(f"({literal(kind)}, '{_json(ordered)}'::jsonb)")
    return ", ".join(rows)


def _json(values) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def referrals_stage(load, *, home: int, partner: int, receiver: int) -> int:
    scale = load.scale
    generated = scale.referrals - scale.partner_referrals
    closed = literal(CaseStatus.CLOSED)
    sent_at = (
        f"greatest(c.created_at + interval '10 minutes', least(c.created_at + "
        f"(1 + {pick('x.j', 83, 30 * 24)}) * interval '1 hour', "
        f"{load.at} - (1 + {pick('x.j', 84, 48)}) * interval '1 hour'))"
    )
    status = (
        f"CASE WHEN x.partner AND c.status = {closed} "
        f"THEN {weighted(chance('x.j', 85), PARTNER_CLOSED)}"
        f" WHEN x.partner THEN {weighted(chance('x.j', 85), PARTNER_OPEN)}"
        f" WHEN c.status = {closed} THEN {weighted(chance('x.j', 85), ON_CLOSED_CASE)}"
        f" WHEN x.sent_at > {load.at} - interval '21 days' THEN "
        f"{weighted(chance('x.j', 85), RECENT)} ELSE {weighted(chance('x.j', 85), OLDER)} END"
    )
    load.run(
        f"""
        CREATE TEMP TABLE bench_peer ON COMMIT DROP AS
        SELECT regency, id AS agency_id, kind,
               row_number() OVER (PARTITION BY regency ORDER BY id) - 1 AS k,
               count(*) OVER (PARTITION BY regency) AS peers
        FROM bench_agency;
        CREATE INDEX ON bench_peer (regency, k);
        CREATE TEMP TABLE bench_peers ON COMMIT DROP AS
        SELECT regency, array_agg(agency_id ORDER BY k) AS ids, count(*) AS n
        FROM bench_peer GROUP BY regency;
        CREATE TEMP TABLE bench_partnered ON COMMIT DROP AS
        SELECT i, row_number() OVER (ORDER BY status = {closed}, i DESC) AS q
        FROM bench_case WHERE agency_id = {home}
        ORDER BY status = {closed}, i DESC LIMIT {scale.partner_referrals};
        """
    )
    return load.run(
        f"""
        CREATE TEMP TABLE bench_referral ON COMMIT DROP AS
        WITH wanted AS (
            SELECT j, 1 + ((j - 1)::bigint * {scale.cases}) / {max(generated, 1)} AS i,
                   FALSE AS partner
            FROM generate_series(1, {generated}) j
            UNION ALL
            SELECT {generated} + q, i, TRUE FROM bench_partnered
        ), candidates AS (
            -- Three agencies of the city in a row: at most two are ruled out (the lead
            -- itself, and the partner for the home agency, whose referrals to it are set).
            SELECT w.*, c.agency_id AS lead, p.ids[1 + ({pick("w.j", 81, "p.n")}) % p.n] AS c0,
                p.ids[1 + ({pick("w.j", 81, "p.n")} + 1) % p.n] AS c1,
                p.ids[1 + ({pick("w.j", 81, "p.n")} + 2) % p.n] AS c2
            FROM wanted w JOIN bench_case c ON c.i = w.i
            JOIN bench_peers p ON p.regency = c.regency
        ), aimed AS (
            SELECT x.j, x.i, x.partner, CASE WHEN x.partner THEN {partner}
                WHEN x.c0 <> x.lead AND NOT (x.lead = {home} AND x.c0 = {partner}) THEN x.c0
                WHEN x.c1 <> x.lead AND NOT (x.lead = {home} AND x.c1 = {partner}) THEN x.c1
                ELSE x.c2 END AS to_agency
            FROM candidates x
        ), timed AS (
            SELECT x.*, {sent_at} AS sent_at FROM aimed x JOIN bench_case c ON c.i = x.i
        )
        SELECT x.*, {load.base(Referral)} + x.j AS id, c.id AS case_id, c.agency_id AS from_agency,
            coalesce(c.lead_caseworker, c.opener) AS sent_by, {status} AS status,
            {weighted(chance("x.j", 86), URGENCY)} AS urgency, a.kind AS to_kind,
            CASE WHEN x.partner THEN {receiver} WHEN {chance("x.j", 87)} < 0.4 THEN w.user_id END
                AS to_user,
            st.supervisor AS to_supervisor, o.service
        FROM timed x JOIN bench_case c ON c.i = x.i
        JOIN bench_agency a ON a.id = x.to_agency
        JOIN bench_staff st ON st.agency_id = x.to_agency
        LEFT JOIN bench_worker w ON w.agency_id = x.to_agency
            AND w.k = {pick("x.j", 88, "greatest(st.workers, 1)")}
        JOIN (SELECT agency_id, max(offers) AS offers FROM bench_offer GROUP BY agency_id) oc
            ON oc.agency_id = x.to_agency
        JOIN bench_offer o ON o.agency_id = x.to_agency AND o.k = {pick("x.j", 89, "oc.offers")}
        """
    ) + _timeline_stage(load)


def _timeline_stage(load) -> int:
    """When each step happened, in order and never after the anchor."""
    hours = ", ".join(f"({literal(u)}, {h})" for u, h in ResponseDeadline.DEFAULT_HOURS.items())
    answered = ", ".join(literal(s) for s in (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED, S.DECLINED))
    load.run(
        f"""
        CREATE TEMP TABLE bench_referral_t ON COMMIT DROP AS
        SELECT r.*, CASE WHEN r.status IN ({answered}) OR (r.status = {literal(S.CANCELLED)}
                AND {chance("r.j", 90)} < 0.5)
            THEN least(r.sent_at + (1 + {pick("r.j", 91, 60)}) * interval '1 hour',
                       {load.at} - interval '10 minutes') END AS responded_at,
            CASE WHEN r.status = {literal(S.SENT)}
                THEN {load.at} + ({PENDING_DUE_DAYS} + {pick("r.j", 92, 30)}) * interval '1 day'
                ELSE r.sent_at + d.hours * interval '1 hour' END AS respond_by
        FROM bench_referral r JOIN (VALUES {hours}) AS d(urgency, hours) ON d.urgency = r.urgency
        """
    )
    load.run(
        f"""
        CREATE TEMP TABLE bench_referral_x ON COMMIT DROP AS
        SELECT r.*, s.started_at, CASE WHEN r.status = {literal(S.COMPLETED)} THEN least(
                s.started_at + (1 + {pick("r.j", 93, 60)}) * interval '1 day',
                {load.at} - interval '1 minute') END AS completed_at,
            CASE WHEN r.responded_at IS NOT NULL THEN coalesce(r.to_user, r.to_supervisor)
                END AS responded_by
        FROM bench_referral_t r CROSS JOIN LATERAL (SELECT CASE WHEN r.status IN
            ({literal(S.IN_PROGRESS)}, {literal(S.COMPLETED)}) THEN least(r.responded_at
            + (1 + {pick("r.j", 94, 72)}) * interval '1 hour', {load.at} - interval '5 minutes')
            END AS started_at) s;
        CREATE UNIQUE INDEX ON bench_referral_x (j);
        ANALYZE bench_referral_x;
        """
    )
    return 0


def _ended_at() -> str:
    return (
        f"CASE r.status WHEN {literal(S.DECLINED)} THEN r.responded_at "
        f"WHEN {literal(S.COMPLETED)} THEN r.completed_at "
        f"WHEN {literal(S.EXPIRED)} THEN r.respond_by "
        f"WHEN {literal(S.CANCELLED)} THEN greatest(r.sent_at, r.responded_at) "
        "+ interval '2 days' END"
    )


def referrals_insert(load) -> int:
    status_is = "r.status = {}".format
    return load.insert(
        Referral,
        {
            "id": "r.id",
            "case": "r.case_id",
            "kind": literal(Referral.Kind.REFERRAL),
            "from_agency": "r.from_agency",
            "sent_by": "r.sent_by",
            "to_agency": "r.to_agency",
            "to_user": "r.to_user",
            "service_type": "r.service",
            "reason": "why.val",
            "urgency": "r.urgency",
            "respond_by": "r.respond_by",
            "letter_number": "'400.2/' || r.j || '/' || extract(year FROM r.sent_at)",
            "sender_keeps_access": "FALSE",
            "shared_sections": f"coalesce(sec.sections, '{_json(MINIMAL_SECTIONS)}'::jsonb)",
            "consent_by": weighted(chance("r.j", 95), CONSENT),
            "consent_on": "r.sent_at::date",
            "consent_scope": "why.val",
            "consent_override_reason": "''",
            "summary_chronology": "story.val",
            "summary_services": "''",
            "summary_condition": "later.val",
            "summary_purpose": "later.val",
            "status": "r.status",
            "sent_at": "r.sent_at",
            "responded_at": "r.responded_at",
            "responded_by": "r.responded_by",
            "started_at": "r.started_at",
            "completed_at": "r.completed_at",
            "ended_at": _ended_at(),
            "decline_reason": f"CASE WHEN {status_is(literal(S.DECLINED))} "
            f"THEN later.val ELSE '' END",
            "cancel_reason": f"CASE WHEN {status_is(literal(S.CANCELLED))} "
            f"THEN later.val ELSE '' END",
            "outcome": f"CASE WHEN {status_is(literal(S.COMPLETED))} THEN later.val ELSE '' END",
            "feedback": f"CASE WHEN {status_is(literal(S.COMPLETED))} THEN why.val ELSE '' END",
            "updated_at": f"coalesce({_ended_at()}, r.started_at, r.responded_at, r.sent_at)",
        },
        f"FROM bench_referral_x r LEFT JOIN (VALUES {_sections_sql()}) AS sec(kind, sections) "
        f"ON sec.kind = r.to_kind {pool_join('why', 'note', 'r.j')} "
        f"{pool_join('later', 'note', 'r.j + 3')} {pool_join('story', 'chronology', 'r.j')} "
        "ORDER BY r.j",
    )


def referral_people_insert(load) -> int:
    """Whoever accepted a referral reads it (``referral_accept``'s default assignee)."""
    kept = ", ".join(literal(s) for s in (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED, S.CANCELLED))
    return load.insert(
        Referral.access_users.through,
        {"referral": "r.id", "user": "r.responded_by"},
        f"FROM bench_referral_x r WHERE r.status IN ({kept}) AND r.responded_by IS NOT NULL "
        "ORDER BY r.j",
    )


def grants_insert(load) -> int:
    """The direct-FK object permissions of active referrals: view_case plus one per
    shared section, for each person the referral was accepted for."""
    content_type = ContentType.objects.get_for_model(Case)
    codenames = [VIEW_CASE, *(section_permission(s) for s in CaseSection.values)]
    ids = dict(
        Permission.objects.filter(content_type=content_type, codename__in=codenames).values_list(
            "codename", "id"
        )
    )
    permission_of = ", ".join(f"({literal(c)}, {ids[c]})" for c in codenames)
    active = ", ".join(literal(s) for s in Referral.ACTIVE_STATES)
    return load.insert(
        CaseUserObjectPermission,
        {
            "content_object": "g.case_id",
            "user": "g.user_id",
            "permission": "p.id",
            "case_created_at": "g.created_at",
        },
        f"""FROM (
            SELECT DISTINCT r.case_id, r.responded_by_id AS user_id, c.codename,
                k.created_at
            FROM {table(Referral)} r JOIN {table(Case)} k ON k.id = r.case_id
            CROSS JOIN LATERAL (
                SELECT {literal(VIEW_CASE)} AS codename
                UNION SELECT 'view_case_' || s FROM jsonb_array_elements_text(r.shared_sections) s
            ) c
            WHERE r.id > {load.base(Referral)} AND r.status IN ({active})
        ) g JOIN (VALUES {permission_of}) AS p(codename, id) ON p.codename = g.codename
        ORDER BY g.case_id, g.user_id, p.id""",
    )


def events_insert(load) -> int:
    a = ReferralEvent.Action
    steps = [
        ("1", a.SENT, "r.sent_at", "r.sent_by", "TRUE", "''"),
        ("2", a.ACCEPTED, "r.responded_at", "r.responded_by",
         f"r.responded_at IS NOT NULL AND r.status <> {literal(S.DECLINED)}", "''"),
        ("2", a.DECLINED, "r.responded_at", "r.responded_by",
         f"r.status = {literal(S.DECLINED)}", "later.val"),
        ("3", a.STARTED, "r.started_at", "r.responded_by", "r.started_at IS NOT NULL", "''"),
        ("4", a.COMPLETED, "r.completed_at", "r.responded_by",
         f"r.status = {literal(S.COMPLETED)}", "''"),
        ("4", a.CANCELLED, _ended_at(), "r.sent_by", f"r.status = {literal(S.CANCELLED)}",
         "later.val"),
        ("4", a.EXPIRED, "r.respond_by", "NULL::bigint", f"r.status = {literal(S.EXPIRED)}", "''"),
    ]  # fmt: skip
    union = " UNION ALL ".join(
        f"SELECT r.id, r.j, {order} AS o, {literal(action)} AS action, {at} AS at, "
        f"{actor} AS actor, {note} AS note FROM bench_referral_x r "
        f"{pool_join('later', 'note', 'r.j + 3')} "
        f"WHERE {where}"
        for order, action, at, actor, where, note in steps
    )
    return load.insert(
        ReferralEvent,
        {
            "referral": "e.id",
            "action": "e.action",
            "actor": "e.actor",
            "at": "e.at",
            "note": "e.note",
        },
        f"FROM ({union}) e ORDER BY e.j, e.o",
    )


def grant_reasons_encrypt(load) -> int:
    """Grant audit rows carry ``user:<id>`` as their (encrypted) reason."""
    load.run(
        "CREATE TEMP TABLE bench_reason_plain ON COMMIT DROP AS "
        "SELECT DISTINCT responded_by AS n, 'user:' || responded_by AS plain "
        "FROM bench_referral_x WHERE responded_by IS NOT NULL"
    )
    return encrypt_column(load, source="bench_reason_plain", target="bench_reason")
