"""The audit rows the loaded history implies, as ``cases.services.audit_record`` writes
them: one CREATE per case, complaint and referral, the triage and answer transitions, a
GRANT per person an active referral was accepted for, and some reads."""

# ruff: noqa: S608

from bench.dataset_sql import chance, literal, pick, table
from cases.models import AuditEvent, Case, Complaint
from referrals.models import Referral

A = AuditEvent.Action


def _event(load, source: str, **values: str) -> int:
    defaults = {"fields": "'[]'::jsonb", "reason": "''", "ip_address": "NULL::inet", "case": "NULL"}
    return load.insert(AuditEvent, {**defaults, **values}, source)


def case_events_insert(load) -> int:
    case = literal(Case._meta.label_lower)
    rows = _event(
        load,
        f"FROM {table(Case)} k WHERE k.id > {load.base(Case)} ORDER BY k.id",
        at="k.created_at", actor="k.opened_by_id", agency="k.lead_agency_id",
        action=literal(A.CREATE), case="k.id", object_type=case, object_id="k.id::text",
    )  # fmt: skip
    # Someone working the case opened it now and then.
    return rows + _event(
        load,
        f"FROM {table(Case)} k WHERE k.id > {load.base(Case)} "
        f"AND k.lead_caseworker_id IS NOT NULL AND {chance('k.id', 110)} < 0.2 ORDER BY k.id",
        at=f"least(k.created_at + (1 + {pick('k.id', 111, 30)}) * interval '1 day', {load.at})",
        actor="k.lead_caseworker_id", agency="k.lead_agency_id", action=literal(A.VIEW),
        case="k.id", object_type=case, object_id="k.id::text",
        ip_address=f"('10.20.' || {pick('k.id', 112, 250)} || '.' || "
        f"(1 + {pick('k.id', 113, 250)}))::inet",
    )  # fmt: skip


def complaint_events_insert(load) -> int:
    complaint = literal(Complaint._meta.label_lower)
    source = f"FROM {table(Complaint)} c WHERE c.id > {load.base(Complaint)}"
    rows = _event(
        load, f"{source} ORDER BY c.id",
        at="c.received_at", actor="c.filed_by_id", agency="c.agency_id",
        action=literal(A.CREATE), object_type=complaint, object_id="c.id::text",
    )  # fmt: skip
    return rows + _event(
        load, f"{source} AND c.case_id IS NOT NULL ORDER BY c.id",
        at="c.triaged_at", actor="c.triaged_by_id", agency="c.agency_id",
        action=literal(A.TRANSITION), case="c.case_id", object_type=complaint,
        object_id="c.id::text", fields="""'["outcome"]'::jsonb""",
    )  # fmt: skip


def referral_events_insert(load) -> int:
    referral = literal(Referral._meta.label_lower)
    source = f"FROM {table(Referral)} r WHERE r.id > {load.base(Referral)}"
    sorted_sections = (
        "(SELECT coalesce(jsonb_agg(s ORDER BY s), '[]'::jsonb) "
        "FROM jsonb_array_elements_text(r.shared_sections) s)"
    )
    rows = _event(
        load, f"{source} ORDER BY r.id",
        at="r.sent_at", actor="r.sent_by_id", agency="r.from_agency_id",
        action=literal(A.CREATE), case="r.case_id", object_type=referral,
        object_id="r.id::text", fields=sorted_sections,
    )  # fmt: skip
    rows += _event(
        load, f"{source} AND r.responded_at IS NOT NULL ORDER BY r.id",
        at="r.responded_at", actor="r.responded_by_id", agency="r.to_agency_id",
        action=literal(A.TRANSITION), case="r.case_id", object_type=referral,
        object_id="r.id::text",
    )  # fmt: skip
    active = ", ".join(literal(s) for s in Referral.ACTIVE_STATES)
    codenames = (
        "(SELECT jsonb_agg(c ORDER BY c) FROM (SELECT 'view_case' AS c UNION "
        "SELECT 'view_case_' || s FROM jsonb_array_elements_text(r.shared_sections) s) g)"
    )
    # The first active referral of a case to a person grants; a later one finds it granted.
    first = (
        f"r.id = (SELECT min(o.id) FROM {table(Referral)} o WHERE o.case_id = r.case_id "
        f"AND o.responded_by_id = r.responded_by_id AND o.status IN ({active}))"
    )
    return rows + _event(
        load,
        f"FROM {table(Referral)} r JOIN bench_reason e ON e.n = r.responded_by_id "
        f"WHERE r.id > {load.base(Referral)} AND r.status IN ({active}) AND {first} "
        "ORDER BY r.id",
        at="r.responded_at", actor="r.responded_by_id", agency="r.to_agency_id",
        action=literal(A.GRANT), case="r.case_id", object_type=referral,
        object_id="r.id::text", fields=codenames, reason="e.token",
    )  # fmt: skip
