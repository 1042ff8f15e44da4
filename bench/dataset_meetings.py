"""One coordination forum per city, meeting monthly, with ad-hoc meetings and case
conferences between; invitations, minutes, agendas and action items for each."""

# ruff: noqa: S608

from agencies.models import Membership
from agencies.roles import Role
from bench.dataset_pools import pool_join
from bench.dataset_sql import chance, literal, pick, table, weighted
from cases.models import Case
from meetings.models import (
    ActionItem,
    AgendaItem,
    Forum,
    Invitation,
    Meeting,
    Minutes,
    Schedule,
)

K = Meeting.Kind
RULE = "FREQ=MONTHLY;BYDAY=2TU"  # every second Tuesday, as most forums meet
MINUTES = ((Minutes.Status.APPROVED, 85), (Minutes.Status.SUBMITTED, 5), (Minutes.Status.DRAFT, 10))
Item = ActionItem.Status
OLD_ITEMS = ((Item.DONE, 80), (Item.DROPPED, 5), (Item.OPEN, 10), (Item.IN_PROGRESS, 5))
NEW_ITEMS = ((Item.OPEN, 50), (Item.IN_PROGRESS, 30), (Item.DONE, 20))


def forums_insert(load, *, network: int) -> int:
    officer = literal(Role.DATA_OFFICER)
    load.run(
        f"""
        CREATE TEMP TABLE bench_forum ON COMMIT DROP AS
        SELECT r.k, {load.base(Forum)} + r.k + 1 AS id, r.code AS regency, r.name, r.zone,
            CASE WHEN r.k = 0 THEN {network} ELSE coalesce(
                (SELECT min(s.coordinator) FROM bench_staff s WHERE s.regency = r.code),
                (SELECT min(s.supervisor) FROM bench_staff s WHERE s.regency = r.code)) END
                AS runner,
            (SELECT min(u.id) FROM bench_user u JOIN bench_agency a ON a.id = u.agency_id
             WHERE a.regency = r.code AND {officer} = ANY(u.roles) AND u.rank >= 0) AS secretary
        FROM bench_regency r;
        ANALYZE bench_forum;
        """
    )
    rows = load.insert(
        Forum,
        {
            "id": "f.id",
            "name": "'Forum Perlindungan Anak ' || f.name",
            "kind": literal(Forum.Kind.FORUM),
            "regency": "f.regency",
            "time_zone": "f.zone",
            "secretary": "f.secretary",
            "default_place": "'Aula Kantor DP3A ' || f.name",
        },
        "FROM bench_forum f ORDER BY f.k",
    )
    rows += load.insert(
        Forum.member_agencies.through,
        {"forum": "f.id", "agency": "a.id"},
        "FROM bench_forum f JOIN bench_agency a ON a.regency = f.regency ORDER BY f.id, a.id",
    )
    rows += load.insert(
        Forum.coordinators.through,
        {"forum": "f.id", "user": "f.runner"},
        "FROM bench_forum f WHERE f.runner IS NOT NULL ORDER BY f.id",
    )
    return rows + load.insert(
        Schedule,
        {
            "id": f"{load.base(Schedule)} + f.k + 1",
            "forum": "f.id",
            "rule": literal(RULE),
            "first_date": f"({load.at} - interval '10 years')::date",
            "start_time": "time '09:00'",
            "duration_minutes": "120",
            "is_active": "TRUE",
        },
        "FROM bench_forum f ORDER BY f.k",
    )


def meetings_stage(load) -> int:
    forums = load.value("SELECT count(*) FROM bench_forum")
    # Slot s of a forum falls in the month s - 2 months before the anchor's.
    month = f"(date_trunc('month', {load.at} AT TIME ZONE f.zone) + (2 - x.s) * interval '1 month')"
    month += "::date"
    second_tuesday = "(x.month + ((9 - extract(dow FROM x.month)::int) % 7) + 7)"
    load.run(
        f"""
        CREATE TEMP TABLE bench_meeting ON COMMIT DROP AS
        WITH slots AS (
            SELECT m, m % {forums} AS f, m / {forums} AS s,
                CASE (m / {forums}) % 5 WHEN 3 THEN {literal(K.CASE_CONFERENCE)}
                    WHEN 4 THEN {literal(K.AD_HOC)} ELSE {literal(K.SCHEDULED)} END AS kind
            FROM generate_series(0, {load.scale.meetings - 1}) m
        ), dated AS (
            SELECT x.*, f.id AS forum_id, f.zone, f.regency, f.runner, {month} AS month
            FROM slots x JOIN bench_forum f ON f.k = x.f
        ), timed AS (
            SELECT x.*, c.id AS case_id, k.code, c.agency_id AS case_agency, st.supervisor,
                (CASE x.kind WHEN {literal(K.SCHEDULED)} THEN {second_tuesday} + time '09:00'
                 WHEN {literal(K.AD_HOC)} THEN {second_tuesday} + 9 + time '13:00'
                 ELSE {second_tuesday} + 2 + time '10:00' END) AT TIME ZONE x.zone AS starts_at
            FROM dated x
            JOIN bench_case c ON c.i = 1 + {pick("x.m", 120, load.scale.cases)}
            JOIN {table(Case)} k ON k.id = c.id
            JOIN bench_staff st ON st.agency_id = c.agency_id
        )
        SELECT t.*, {load.base(Meeting)} + t.m + 1 AS id,
            CASE WHEN t.starts_at > {load.at} THEN {literal(Meeting.Status.SCHEDULED)}
                WHEN {chance("t.m", 121)} < 0.9 THEN {literal(Meeting.Status.HELD)}
                ELSE {literal(Meeting.Status.CANCELLED)} END AS status,
            CASE WHEN t.kind = {literal(K.CASE_CONFERENCE)} THEN t.supervisor ELSE t.runner END
                AS organiser
        FROM timed t;
        CREATE UNIQUE INDEX ON bench_meeting (m);
        ANALYZE bench_meeting;
        """
    )
    return load.value("SELECT count(*) FROM bench_meeting")


def meetings_insert(load) -> int:
    conference, scheduled = literal(K.CASE_CONFERENCE), literal(K.SCHEDULED)
    rows = load.insert(
        Meeting,
        {
            "id": "x.id",
            "forum": f"CASE WHEN x.kind = {conference} THEN NULL ELSE x.forum_id END",
            "kind": "x.kind",
            "schedule": f"CASE WHEN x.kind = {scheduled} THEN {load.base(Schedule)} + x.f + 1 END",
            "occurrence_start": f"CASE WHEN x.kind = {scheduled} THEN x.starts_at END",
            "case": f"CASE WHEN x.kind = {conference} THEN x.case_id END",
            "title": f"CASE x.kind WHEN {scheduled} THEN 'Rapat Koordinasi Bulanan ' "
            f"|| to_char(x.month, 'YYYY-MM') WHEN {conference} THEN 'Konferensi Kasus ' || x.code "
            "ELSE 'Rapat Insidental Forum' END",
            "starts_at": "x.starts_at",
            "ends_at": "x.starts_at + interval '2 hours'",
            "place": "'Aula Kantor DP3A'",
            "online_link": "''",
            "status": "x.status",
            "organised_by": "x.organiser",
            "organiser_agency": f"(SELECT mb.agency_id FROM {table(Membership)} mb "
            "WHERE mb.user_id = x.organiser)",
            "sequence": "0",
            "created_at": "x.starts_at - interval '14 days'",
            "updated_at": f"least(x.starts_at, {load.at})",
        },
        "FROM bench_meeting x ORDER BY x.m",
    )
    return rows + _invitations_insert(load)


def _invitations_insert(load) -> int:
    held = f"x.status = {literal(Meeting.Status.HELD)}"
    rsvp = (
        f"CASE WHEN {held} AND {chance('x.m * 1000 + a.id', 122)} < 0.8 THEN "
        f"{literal(Invitation.Rsvp.YES)} WHEN {held} THEN {literal(Invitation.Rsvp.NO)} "
        f"ELSE {literal(Invitation.Rsvp.PENDING)} END"
    )
    return load.insert(
        Invitation,
        {
            "meeting": "v.id",
            "agency": "v.agency_id",
            "rsvp": "v.rsvp",
            "responded_at": f"CASE WHEN v.rsvp <> {literal(Invitation.Rsvp.PENDING)} "
            "THEN v.starts_at - interval '3 days' END",
            "responded_by": f"CASE WHEN v.rsvp <> {literal(Invitation.Rsvp.PENDING)} "
            "THEN v.supervisor END",
            "attended": f"CASE WHEN v.status = {literal(Meeting.Status.HELD)} "
            f"THEN v.rsvp = {literal(Invitation.Rsvp.YES)} END",
        },
        f"""FROM (
            SELECT x.id, x.m, x.starts_at, x.status, a.id AS agency_id, s.supervisor,
                {rsvp} AS rsvp
            FROM bench_meeting x JOIN bench_agency a ON CASE
                WHEN x.kind = {literal(K.CASE_CONFERENCE)} THEN a.id = x.case_agency
                ELSE a.regency = x.regency END
            JOIN bench_staff s ON s.agency_id = a.id
        ) v ORDER BY v.m, v.agency_id""",
    )


def minutes_insert(load) -> int:
    held = f"x.status = {literal(Meeting.Status.HELD)}"
    status = weighted(chance("x.m", 123), MINUTES)
    approved = literal(Minutes.Status.APPROVED)
    rows = load.insert(
        Minutes,
        {
            "meeting": "x.id",
            "summary": "note.val",
            "status": "x.minutes",
            "written_by": "x.organiser",
            "written_at": f"least(x.starts_at + interval '1 day', {load.at})",
            "approved_by": f"CASE WHEN x.minutes = {approved} THEN x.organiser END",
            "approved_at": f"CASE WHEN x.minutes = {approved} "
            f"THEN least(x.starts_at + interval '3 days', {load.at}) END",
        },
        f"FROM (SELECT *, {status} AS minutes FROM bench_meeting x WHERE {held} "
        f"AND x.organiser IS NOT NULL) x {pool_join('note', 'note', 'x.m')} ORDER BY x.m",
    )
    return rows + _agenda_insert(load)


def _agenda_insert(load) -> int:
    held = f"x.status = {literal(Meeting.Status.HELD)}"
    base = load.base(AgendaItem)
    return load.insert(
        AgendaItem,
        {
            "id": f"{base} + x.m * 2 + p.position + 1",
            "meeting": "x.id",
            "position": "p.position",
            "title": "CASE p.position WHEN 0 THEN 'Tindak lanjut rapat sebelumnya' "
            "ELSE 'Pembahasan kasus ' || x.code END",
            "case": "CASE p.position WHEN 1 THEN x.case_id END",
            "discussion": f"CASE WHEN {held} THEN said.val ELSE '' END",
            "decisions": f"CASE WHEN {held} THEN agreed.val ELSE '' END",
        },
        "FROM bench_meeting x CROSS JOIN (VALUES (0), (1)) AS p(position) "
        f"{pool_join('said', 'note', 'x.m + p.position')} {pool_join('agreed', 'note', 'x.m + 3')} "
        "ORDER BY x.m, p.position",
    )


def action_items_insert(load) -> int:
    due = "(x.starts_at::date + 14)"
    status = (
        f"CASE WHEN {due} < {load.at}::date - 60 THEN {weighted(chance('x.m', 124), OLD_ITEMS)} "
        f"ELSE {weighted(chance('x.m', 124), NEW_ITEMS)} END"
    )
    closed = f"a.item_status IN ({literal(Item.DONE)}, {literal(Item.DROPPED)})"
    return load.insert(
        ActionItem,
        {
            "meeting": "a.id",
            "agenda_item": f"{load.base(AgendaItem)} + a.m * 2 + 2",
            "title": "'Tindak lanjut: koordinasi layanan ' || a.code",
            "agency": f"CASE WHEN a.kind = {literal(K.CASE_CONFERENCE)} THEN a.case_agency "
            "ELSE a.member END",
            "assignee": "NULL::bigint",
            "due_on": "a.due_on",
            "status": "a.item_status",
            "drop_reason": f"CASE WHEN a.item_status = {literal(Item.DROPPED)} "
            "THEN 'Tidak relevan lagi' ELSE '' END",
            "closed_at": f"CASE WHEN {closed} THEN least(a.due_on + time '12:00', {load.at}) END",
            "created_at": "a.starts_at + interval '2 hours'",
            "updated_at": f"CASE WHEN {closed} THEN least(a.due_on + time '12:00', {load.at}) "
            "ELSE a.starts_at + interval '2 hours' END",
        },
        f"FROM (SELECT x.*, {due} AS due_on, {status} AS item_status, p.agency_id AS member "
        "FROM bench_meeting x JOIN (SELECT regency, max(peers) AS peers FROM bench_peer "
        "GROUP BY regency) c ON c.regency = x.regency "
        f"JOIN bench_peer p ON p.regency = x.regency AND p.k = {pick('x.m', 125, 'c.peers')} "
        f"WHERE x.status = {literal(Meeting.Status.HELD)}) a ORDER BY a.m",
    )
