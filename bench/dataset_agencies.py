"""Agencies across the real kab/kota, their service catalogues, and their staff."""

# ruff: noqa: S608

from django.contrib.auth.hashers import make_password

from agencies.catalogue import DEFAULT_SERVICES_BY_AGENCY_TYPE
from agencies.models import Agency, AgencyService, Membership, MembershipRole, Region, User
from agencies.roles import Role
from bench import cast
from bench.dataset_pools import FAMILY, FEMALE_GIVEN, MALE_GIVEN
from bench.dataset_sql import literal, table, text_array

PASSWORD = "bench-password-2026"  # noqa: S105 - the benchmark's login, not a secret
T = Agency.Type
# Each city first gets an agency that leads cases, then others in rotation.
LEAD_TYPES = (T.UPTD_PPA, T.DINSOS, T.DP3A)
OTHER_TYPES = (
    T.UNIT_PPA, T.HOSPITAL, T.DINSOS, T.PUSKESMAS, T.DISDUKCAPIL, T.EDUCATION, T.LKSA,
    T.NGO, T.DINKES, T.KEMENAG, T.UPTD_PPA, T.KEJAKSAAN, T.PENGADILAN, T.BAPAS, T.PUSPAGA,
    T.PKSAI, T.LPSK, T.DP3A,
)  # fmt: skip
LABELS = {
    T.DINSOS: "Dinas Sosial", T.DP3A: "DP3A", T.UPTD_PPA: "UPTD PPA",
    T.UNIT_PPA: "Unit PPA Polres", T.HOSPITAL: "RSUD", T.PUSKESMAS: "Puskesmas",
    T.DISDUKCAPIL: "Disdukcapil", T.EDUCATION: "Dinas Pendidikan", T.DINKES: "Dinas Kesehatan",
    T.KEMENAG: "Kantor Kemenag", T.KEJAKSAAN: "Kejaksaan Negeri", T.PENGADILAN: "Pengadilan Negeri",
    T.BAPAS: "Bapas", T.LPSK: "LPSK Perwakilan", T.LKSA: "LKSA", T.NGO: "LBH Anak",
    T.PUSPAGA: "PUSPAGA", T.PKSAI: "PKSAI",
}  # fmt: skip
# Roles by a user's rank in their agency: every agency has a supervisor first.
RANK_ROLES = (
    Role.SUPERVISOR, Role.CASEWORKER, Role.CASEWORKER, Role.INTAKE, Role.HEAD,
    Role.CASEWORKER, Role.DATA_OFFICER, Role.COORDINATOR,
)  # fmt: skip
CAST_ROLES = {
    cast.CASEWORKER: ("home", [Role.CASEWORKER]),
    cast.SUPERVISOR: ("home", [Role.SUPERVISOR]),
    cast.HEAD: ("home", [Role.HEAD]),
    # The network dashboard needs the coordinator role (or network_statistics).
    cast.NETWORK: ("home", [Role.COORDINATOR, Role.DATA_OFFICER]),
    cast.RECEIVER: ("partner", [Role.CASEWORKER, Role.SUPERVISOR]),
}
WIT_PROVINCES = ("81", "82", "91", "92", "93", "94", "95", "96")
WITA_PROVINCES = ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76")


def _case_sql(expr: str, mapping: dict, default: str) -> str:
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    return f"(CASE {expr} {whens} ELSE {literal(default)} END)"


def regencies_stage(load) -> int:
    """The cities the agencies serve: spread over the whole kab/kota list, about four
    agencies each, so every city has a network to coordinate."""
    total = load.value(f"SELECT count(*) FROM {table(Region)} WHERE level = 2 AND is_active")
    used = max(1, min(total, -(-load.scale.agencies // 4)))
    zone = (
        f"(CASE WHEN left(code, 2) IN ({', '.join(map(literal, WIT_PROVINCES))}) "
        f"THEN {literal(Agency.TimeZone.WIT)} "
        f"WHEN left(code, 2) IN ({', '.join(map(literal, WITA_PROVINCES))}) "
        f"THEN {literal(Agency.TimeZone.WITA)} ELSE {literal(Agency.TimeZone.WIB)} END)"
    )
    load.run(
        f"""
        CREATE TEMP TABLE bench_regency ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY code) - 1)::int AS k, code, name, zone,
               coalesce(nullif(case_code_prefix, ''), replace(code, '.', '')) AS prefix
        FROM (
            SELECT code, name, case_code_prefix, {zone} AS zone,
                   row_number() OVER (ORDER BY code) - 1 AS position
            FROM {table(Region)} WHERE level = 2 AND is_active
        ) listed
        WHERE position IN (SELECT (k * {total}) / {used} FROM generate_series(0, {used - 1}) k)
        """
    )
    # Villages (desa/kelurahan) of those cities, numbered per city, for incident places,
    # home villages and the district part of NIKs.
    load.run(
        f"""
        CREATE TEMP TABLE bench_village ON COMMIT DROP AS
        SELECT v.code, left(v.code, 5) AS regency,
               row_number() OVER (PARTITION BY left(v.code, 5) ORDER BY v.code) - 1 AS k
        FROM {table(Region)} v JOIN bench_regency r ON r.code = left(v.code, 5)
        WHERE v.level = 4 AND v.is_active;
        CREATE INDEX ON bench_village (regency, k);
        ALTER TABLE bench_regency ADD COLUMN villages int;
        UPDATE bench_regency r SET villages = coalesce(
            (SELECT count(*) FROM bench_village v WHERE v.regency = r.code), 0);
        ANALYZE bench_village; ANALYZE bench_regency;
        """
    )
    return used


def agencies_insert(load) -> int:
    n_generated = load.scale.agencies
    used = load.value("SELECT count(*) FROM bench_regency")
    base = load.base(Agency)
    other = text_array(OTHER_TYPES)
    lead = text_array(LEAD_TYPES)
    load.run(
        f"""
        CREATE TEMP TABLE bench_agency ON COMMIT DROP AS
        SELECT n, {base} + n AS id, r.code AS regency, r.name AS regency_name, r.zone, kind,
               row_number() OVER (PARTITION BY r.code, kind ORDER BY n) AS same_kind
        FROM (
            SELECT n, (n - 1) % {used} AS k, CASE
                WHEN n = {n_generated + 1} THEN {literal(T.UPTD_PPA)}
                WHEN n = {n_generated + 2} THEN {literal(T.HOSPITAL)}
                WHEN (n - 1) / {used} = 0 THEN ({lead})[1 + ((n - 1) % {used}) % 3]
                ELSE ({other})[1 + ((n - 1) / {used} - 1 + (n - 1) % {used}) % {len(OTHER_TYPES)}]
            END AS kind
            FROM generate_series(1, {n_generated + 2}) n
        ) a
        JOIN bench_regency r ON r.k = CASE WHEN n > {n_generated} THEN 0 ELSE a.k END;
        CREATE UNIQUE INDEX ON bench_agency (id);
        ANALYZE bench_agency;
        """
    )
    label = _case_sql("a.kind", LABELS, "Lembaga")
    home, partner = n_generated + 1, n_generated + 2
    nomenclature = (
        f"CASE a.n WHEN {home} THEN {literal(cast.HOME_AGENCY_CODE)} "
        f"WHEN {partner} THEN {literal(cast.PARTNER_AGENCY_CODE)} ELSE {label} END"
    )
    name = (
        f"CASE WHEN a.n > {n_generated} THEN {label} || ' ' || a.regency_name || ' (' || "
        f"{nomenclature} || ')' ELSE {label} || ' ' || a.regency_name || "
        "CASE WHEN a.same_kind > 1 THEN ' ' || a.same_kind ELSE '' END END"
    )
    return load.insert(
        Agency,
        {
            "id": "a.id",
            "name": name,
            "nomenclature": nomenclature,
            "type": "a.kind",
            "regency": "a.regency",
            "address": "'Jl. Pemuda No. ' || a.n || ', ' || a.regency_name",
            "phone": "'0' || (21 + a.n % 70) || '-' || lpad((a.n * 7919 % 1000000)::text, 6, '0')",
            "email": "'agency' || a.n || '@bench.sinergi.invalid'",
            "time_zone": "a.zone",
            "is_active": "TRUE",
            "created_at": f"{load.at} - interval '10 years'",
        },
        "FROM bench_agency a ORDER BY a.n",
    )


def agency_services_insert(load) -> int:
    pairs = [(kind, service) for kind, services in DEFAULT_SERVICES_BY_AGENCY_TYPE.items()
             for service in services]  # fmt: skip
    values = ", ".join(f"({literal(kind)}, {literal(str(service))})" for kind, service in pairs)
    load.run(
        f"""
        CREATE TEMP TABLE bench_offer ON COMMIT DROP AS
        SELECT a.id AS agency_id, a.regency, a.kind, d.service,
               row_number() OVER (PARTITION BY a.id ORDER BY d.service) - 1 AS k,
               count(*) OVER (PARTITION BY a.id) AS offers
        FROM bench_agency a JOIN (VALUES {values}) AS d(kind, service) ON d.kind = a.kind;
        CREATE INDEX ON bench_offer (agency_id, k);
        ANALYZE bench_offer;
        """
    )
    return load.insert(
        AgencyService,
        {
            "agency": "o.agency_id",
            "service_type": "o.service",
            "description": "''",
            "is_active": "TRUE",
        },
        "FROM bench_offer o ORDER BY o.agency_id, o.service",
    )


def users_insert(load) -> int:
    """Generated staff spread evenly over every agency (the cast's too), then the cast."""
    scale, n_agencies = load.scale, load.scale.agencies + 2
    base = load.base(User)
    rank_roles = text_array(RANK_ROLES)
    cast_rows = ", ".join(
        f"({i + 1}, {literal(username)}, {literal(place)}, {text_array(roles)})"
        for i, (username, (place, roles)) in enumerate(CAST_ROLES.items())
    )
    load.run(
        f"""
        CREATE TEMP TABLE bench_user ON COMMIT DROP AS
        SELECT j, {base} + j AS id, 'bench.user' || lpad(j::text, 5, '0') AS username,
               {load.base(Agency)} + 1 + (j - 1) % {n_agencies} AS agency_id,
               (j - 1) / {n_agencies} AS rank,
               ARRAY[coalesce(({rank_roles})[1 + (j - 1) / {n_agencies}],
                              {literal(Role.CASEWORKER)})] AS roles
        FROM generate_series(1, {scale.users}) j
        UNION ALL
        SELECT {scale.users} + c.i, {base} + {scale.users} + c.i, c.username,
               {load.base(Agency)} + {scale.agencies} + CASE c.place WHEN 'home' THEN 1 ELSE 2 END,
               -1, c.roles
        FROM (VALUES {cast_rows}) AS c(i, username, place, roles);
        CREATE UNIQUE INDEX ON bench_user (id);
        CREATE INDEX ON bench_user (agency_id);
        ANALYZE bench_user;
        """
    )
    given = text_array(FEMALE_GIVEN + MALE_GIVEN)
    family = text_array(FAMILY)
    password = make_password(PASSWORD)  # hashed once: hashing is not what is measured
    return load.insert(
        User,
        {
            "id": "u.id",
            "password": literal(password),
            "is_superuser": "FALSE",
            "username": "u.username",
            "email": "u.username || '@bench.sinergi.invalid'",
            "full_name": f"({given})[1 + u.j % {len(FEMALE_GIVEN + MALE_GIVEN)}] || ' ' || "
            f"({family})[1 + (u.j / 7) % {len(FAMILY)}]",
            "phone": "''",
            "preferred_language": "'id'",
            "is_active": "TRUE",
            "date_joined": f"{load.at} - interval '10 years' + (u.j % 3000) * interval '1 day'",
        },
        "FROM bench_user u ORDER BY u.j",
    )


def memberships_insert(load) -> int:
    base = load.base(Membership)
    rows = load.insert(
        Membership,
        {
            "id": f"{base} + u.j",
            "user": "u.id",
            "agency": "u.agency_id",
            "position": "''",
            "network_statistics": f"{literal(Role.COORDINATOR)} = ANY(u.roles) "
            f"OR {literal(Role.HEAD)} = ANY(u.roles)",
        },
        "FROM bench_user u ORDER BY u.j",
    )
    rows += load.insert(
        MembershipRole,
        {"membership": f"{base} + u.j", "role": "r.role"},
        "FROM bench_user u CROSS JOIN LATERAL unnest(u.roles) AS r(role) ORDER BY u.j, r.role",
    )
    _staff_stage(load)
    return rows


def _staff_stage(load) -> None:
    """Who can do what, per agency, for the later steps to pick from: caseworkers
    (cast left out: their caseloads are set exactly), and one supervisor and one opener."""
    cw, sup, intake = (literal(r) for r in (Role.CASEWORKER, Role.SUPERVISOR, Role.INTAKE))
    coordinator = literal(Role.COORDINATOR)
    load.run(
        f"""
        CREATE TEMP TABLE bench_worker ON COMMIT DROP AS
        SELECT agency_id, id AS user_id,
               row_number() OVER (PARTITION BY agency_id ORDER BY j) - 1 AS k,
               count(*) OVER (PARTITION BY agency_id) AS workers
        FROM bench_user WHERE {cw} = ANY(roles) AND rank >= 0;
        CREATE INDEX ON bench_worker (agency_id, k);
        CREATE TEMP TABLE bench_staff ON COMMIT DROP AS
        SELECT a.id AS agency_id, a.regency, a.kind, a.n,
            (SELECT min(id) FROM bench_user u WHERE u.agency_id = a.id AND {sup} = ANY(roles)
                AND rank >= 0) AS supervisor,
            coalesce(
                (SELECT min(id) FROM bench_user u WHERE u.agency_id = a.id
                    AND {intake} = ANY(roles)),
                (SELECT min(id) FROM bench_user u WHERE u.agency_id = a.id
                    AND {sup} = ANY(roles) AND rank >= 0)) AS opener,
            (SELECT min(id) FROM bench_user u WHERE u.agency_id = a.id
                AND {coordinator} = ANY(roles)) AS coordinator,
            (SELECT count(*) FROM bench_worker w WHERE w.agency_id = a.id) AS workers
        FROM bench_agency a;
        CREATE UNIQUE INDEX ON bench_staff (agency_id);
        ANALYZE bench_worker; ANALYZE bench_staff;
        """
    )
