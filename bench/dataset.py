"""The deterministic synthetic deployment the scale benchmark measures.

``build(scale)`` fills an already migrated database (regions imported) with agencies
across the real kab/kota, their staff, cases, persons, complaints, referrals with their
grants, meetings and the audit rows all of that implies, plus the cast of
``bench.cast``. Each table is filled by one set-based INSERT ... SELECT in PostgreSQL;
choices come from hashes of row numbers and times from a fixed anchor, so the same
scale always gives the same data (only the Fernet ciphertexts differ: their IV is
random by design, the plaintexts do not).
"""

# ruff: noqa: S608

import time
from datetime import UTC, datetime

from django.db import connection, transaction

from agencies.models import Agency, AgencyService, Membership, MembershipRole, User
from bench import (
    cast,
    dataset_agencies,
    dataset_audit,
    dataset_cases,
    dataset_complaints,
    dataset_meetings,
    dataset_persons,
    dataset_pools,
    dataset_referrals,
)
from bench.dataset_sql import Load, table, vacuum
from bench.scale import Scale
from cases.models import (
    AuditEvent,
    Case,
    CaseCounter,
    CaseParty,
    CaseTeamMember,
    CaseUserObjectPermission,
    CaseViolenceForm,
    Complaint,
    ComplaintParty,
    Person,
)
from meetings.models import ActionItem, AgendaItem, Forum, Invitation, Meeting, Minutes, Schedule
from referrals.models import Referral, ReferralEvent

# Every time in the dataset is relative to this instant, never to the clock.
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)

# The tables the build writes; ids start after what each holds before it.
MODELS = (
    Agency, AgencyService, User, Membership, MembershipRole, Case, CaseCounter,
    CaseViolenceForm, Person, CaseParty, CaseTeamMember, Complaint, ComplaintParty, Referral,
    Referral.access_users.through, CaseUserObjectPermission, ReferralEvent, AuditEvent, Forum,
    Forum.member_agencies.through, Forum.coordinators.through, Schedule, Meeting, Invitation,
    Minutes, AgendaItem, ActionItem,
)  # fmt: skip


def build(scale: Scale, *, log=print, anchor: datetime = ANCHOR) -> None:
    """Fill the current (already migrated, regions already imported via
    ``manage.py import_regions``) database with the synthetic deployment."""
    _check(scale)
    started = time.monotonic()
    log(f"Building the {scale.name} dataset ({scale.cases:,} cases), anchored at {anchor:%Y-%m-%d}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        load = Load(scale=scale, cursor=cursor, anchor=anchor, log=log)
        _skip_row_triggers(load)
        load.note_bases(MODELS)
        for label, action in _steps(load):
            load.step(label, action)
        load.step("sequences", lambda: _sequences_reset(load))
        load.step("analyze", lambda: _analyze(load))
    vacuum(load.touched, log)
    log(f"Built the {scale.name} dataset in {time.monotonic() - started:.1f} s")


def _skip_row_triggers(load: Load) -> None:
    """Django's foreign keys are deferred: each inserted row queues a check that runs at
    commit, one by one, which at full scale costs more than the whole load. A superuser
    may skip them (replica mode fires no ordinary triggers, the audit table's refusal of
    UPDATE/DELETE included, which the load never does); the rows are consistent by
    construction, and the tests build with the same code and check every reference."""
    if load.value("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        load.run("SET LOCAL session_replication_role = replica")
    else:
        load.log("  (not a superuser: foreign keys are checked row by row at commit)")


def _check(scale: Scale) -> None:
    if scale.users < 2 * (scale.agencies + 2):
        raise ValueError("Every agency needs at least a supervisor and a caseworker.")
    if not (scale.caseworker_cases <= scale.home_agency_cases <= scale.cases):
        raise ValueError("The caseworker's cases are the home agency's, which are cases.")
    if scale.partner_referrals > min(scale.referrals, scale.home_agency_cases):
        raise ValueError("Partner referrals are referrals of home-agency cases, one each.")


def cast_user_id(load: Load, username: str) -> int:
    """The cast are created right after the generated users, in ``CAST_ROLES`` order."""
    order = list(dataset_agencies.CAST_ROLES)
    return load.base(User) + load.scale.users + order.index(username) + 1


def _steps(load: Load):
    home = dataset_cases.home_agency_id(load)
    partner = home + 1
    caseworker = cast_user_id(load, cast.CASEWORKER)
    counts = {}

    def persons_stage() -> int:
        counts["children"], counts["adults"] = dataset_persons.persons_counts(load)
        return dataset_persons.persons_stage(load, **counts)

    return [
        ("encrypted pools", lambda: dataset_pools.pools_load(load)),
        ("regencies (staged)", lambda: dataset_agencies.regencies_stage(load)),
        ("agencies", lambda: dataset_agencies.agencies_insert(load)),
        ("agency services", lambda: dataset_agencies.agency_services_insert(load)),
        ("users", lambda: dataset_agencies.users_insert(load)),
        ("memberships and roles", lambda: dataset_agencies.memberships_insert(load)),
        ("cases (staged)", lambda: dataset_cases.cases_stage(
            load, home=home, caseworker=caseworker)),
        ("cases and violence forms", lambda: dataset_cases.cases_insert(load)),
        ("case counters", lambda: dataset_cases.counters_upsert(load)),
        ("persons (staged)", persons_stage),
        ("NIKs encrypted", lambda: dataset_persons.niks_encrypt(load)),
        ("persons", lambda: dataset_persons.persons_insert(load)),
        ("case parties", lambda: dataset_persons.parties_insert(load, **counts)),
        ("case teams", lambda: dataset_cases.team_insert(load, caseworker=caseworker, home=home)),
        ("complaints (staged)", lambda: dataset_complaints.complaints_stage(
            load, home=home, children=counts["children"])),
        ("complaints and parties", lambda: dataset_complaints.complaints_insert(load)),
        ("referrals (staged)", lambda: dataset_referrals.referrals_stage(
            load, home=home, partner=partner, receiver=cast_user_id(load, cast.RECEIVER))),
        ("referrals", lambda: dataset_referrals.referrals_insert(load)),
        ("referral people", lambda: dataset_referrals.referral_people_insert(load)),
        ("referral grants", lambda: dataset_referrals.grants_insert(load)),
        ("referral steps", lambda: dataset_referrals.events_insert(load)),
        ("grant reasons encrypted", lambda: dataset_referrals.grant_reasons_encrypt(load)),
        ("audit: cases", lambda: dataset_audit.case_events_insert(load)),
        ("audit: complaints", lambda: dataset_audit.complaint_events_insert(load)),
        ("audit: referrals", lambda: dataset_audit.referral_events_insert(load)),
        ("forums and schedules", lambda: dataset_meetings.forums_insert(
            load, network=cast_user_id(load, cast.NETWORK))),
        ("meetings (staged)", lambda: dataset_meetings.meetings_stage(load)),
        ("meetings and invitations", lambda: dataset_meetings.meetings_insert(load)),
        ("minutes and agendas", lambda: dataset_meetings.minutes_insert(load)),
        ("action items", lambda: dataset_meetings.action_items_insert(load)),
    ]  # fmt: skip


def _sequences_reset(load: Load) -> int:
    """Explicit ids leave the identity sequences behind: move them past the loaded rows
    so the app's own inserts continue after them."""
    for model in load.touched:
        name = table(model)
        load.run(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {name}"
        )
    return len(load.touched)


def _analyze(load: Load) -> int:
    for model in load.touched:
        load.run(f"ANALYZE {table(model)}")
    return len(load.touched)
