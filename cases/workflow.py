"""The steps of a case: baru → asesmen → rencana intervensi → intervensi → pemantauan →
terminasi, with reopening. Each step checks who may take it, moves the case with a
version check, and writes its audit row in the same transaction.

A supervisor approves the intervention plan and the closure; nobody approves their own.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import User
from agencies.roles import Role
from api.webhooks.events import case_updated_emit
from cases.models import (
    AuditEvent,
    Case,
    CaseNote,
    CaseTeamMember,
    CaseViolenceForm,
    CounsellingSession,
    InterventionPlan,
    Restitution,
    ServiceDeadline,
    ServiceRecord,
)
from cases.models.choices import CaseStatus, ViolenceForm
from cases.models.work import Assessment
from cases.services import audit_record


def _require_editor(case: Case, user) -> None:
    """May change the case, and the case is open (a closed case is reopened first)."""
    if not Case.objects.editable_by(user).filter(pk=case.pk).exists():
        raise PermissionDenied
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("A closed case cannot be changed. Reopen it first."))


def _require_started(case: Case) -> None:
    if case.status == CaseStatus.NEW:
        raise ValidationError(_("Start the assessment first."))


def _require_lead_supervisor(case: Case, user) -> None:
    if not case.is_supervised_by(user):
        raise PermissionDenied


def _save_new(record, *, by, fields=()):
    """Validate, save and audit a new record of a case, in the caller's transaction."""
    record.full_clean()
    record.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, case=record.case, obj=record, fields=fields
    )
    return record


def _new_version() -> dict:
    """What every change to a case's own fields also writes: a new version (its ETag,
    and the web form's stale-edit check) and the change time partners sync by."""
    return {"version": F("version") + 1, "updated_at": timezone.now()}


def _write_case_from(case: Case, version: int | None, **fields) -> None:
    """Write the case's own fields (and a new version) only if it is still at ``version``
    (by default the version it was read at): a change saved by someone else in between
    is refused, not overwritten. The row stays locked until the transaction ends."""
    version = case.version if version is None else version
    written = Case.objects.filter(pk=case.pk, version=version).update(**fields, **_new_version())
    if written != 1:
        raise ValidationError(_("Someone changed the case meanwhile. Reload and try again."))


def _move(case: Case, by, expected: str, to: str, **fields) -> Case:
    """Move ``case`` from ``expected`` to ``to`` unless someone moved it meanwhile."""
    if case.status != expected:
        raise ValidationError(_("The case is not at the step this action belongs to."))
    moved = Case.objects.filter(pk=case.pk, status=expected, version=case.version).update(
        status=to, version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if moved != 1:
        raise ValidationError(_("Someone changed the case meanwhile. Reload and try again."))
    case.refresh_from_db()
    audit_record(
        actor=by, action=AuditEvent.Action.TRANSITION, case=case, obj=case, fields=["status"]
    )
    case_updated_emit(case=case, changed=["status"])
    return case


@transaction.atomic
def case_start_assessment(*, case: Case, started_by) -> Case:
    _require_editor(case, started_by)
    if case.lead_caseworker_id is None:
        raise ValidationError(_("Assign a lead caseworker first."))
    return _move(case, started_by, CaseStatus.NEW, CaseStatus.ASSESSMENT)


@transaction.atomic
def assessment_record(*, case: Case, written_by, **fields) -> Assessment:
    _require_editor(case, written_by)
    _require_started(case)
    assessment = Assessment(case=case, written_by=written_by, **fields)
    return _save_new(assessment, by=written_by, fields=list(fields))


@transaction.atomic
def plan_submit(*, case: Case, written_by, goals: str, planned_services: list[str]):
    """Submit the intervention plan for a supervisor's approval."""
    _require_editor(case, written_by)
    _require_started(case)
    if not case.assessments.exists():
        raise ValidationError(_("Record an assessment before planning the intervention."))
    plan = InterventionPlan(
        case=case, written_by=written_by, goals=goals, planned_services=planned_services
    )
    _save_new(plan, by=written_by)
    if case.status == CaseStatus.ASSESSMENT:
        _move(case, written_by, CaseStatus.ASSESSMENT, CaseStatus.PLANNING)
    return plan


def _decide_plan(plan: InterventionPlan, decided_by, status: str, note: str) -> None:
    _require_lead_supervisor(plan.case, decided_by)
    if plan.written_by_id == decided_by.pk:
        raise PermissionDenied  # nobody approves their own plan
    # One conditional UPDATE: of two supervisors deciding at once, only one wins.
    decided = InterventionPlan.objects.filter(
        pk=plan.pk, status=InterventionPlan.Status.SUBMITTED
    ).update(status=status, decided_by=decided_by, decided_at=timezone.now(), decision_note=note)
    if decided != 1:
        raise ValidationError(_("This plan has already been decided."))
    plan.refresh_from_db()
    audit_record(
        actor=decided_by,
        action=AuditEvent.Action.UPDATE,
        case=plan.case,
        obj=plan,
        fields=["status"],
    )


@transaction.atomic
def plan_approve(*, plan: InterventionPlan, approved_by, note: str = "") -> InterventionPlan:
    _decide_plan(plan, approved_by, InterventionPlan.Status.APPROVED, note)
    if plan.case.status == CaseStatus.PLANNING:
        _move(plan.case, approved_by, CaseStatus.PLANNING, CaseStatus.INTERVENTION)
    return plan


@transaction.atomic
def plan_return(*, plan: InterventionPlan, returned_by, note: str) -> InterventionPlan:
    if not note.strip():
        raise ValidationError({"note": _("Say what should change.")})
    _decide_plan(plan, returned_by, InterventionPlan.Status.RETURNED, note)
    return plan


@transaction.atomic
def case_start_monitoring(*, case: Case, started_by) -> Case:
    _require_editor(case, started_by)
    return _move(case, started_by, CaseStatus.INTERVENTION, CaseStatus.MONITORING)


@transaction.atomic
def closure_request(*, case: Case, requested_by, reason: str, note: str = "") -> Case:
    _require_editor(case, requested_by)
    if case.status in (CaseStatus.NEW, CaseStatus.CLOSED):
        raise ValidationError(_("The case is not at the step this action belongs to."))
    if case.closure_requested_by_id:
        raise ValidationError(_("Closing this case has already been asked for."))
    case.closure_reason = reason
    case.closure_note = note
    case.full_clean(exclude=["code"])
    Case.objects.filter(pk=case.pk).update(
        closure_reason=reason,
        closure_note=note,
        closure_requested_by=requested_by,
        **_new_version(),
    )
    case.refresh_from_db(fields=["version", "updated_at"])
    case.closure_requested_by = requested_by
    audit_record(
        actor=requested_by,
        action=AuditEvent.Action.UPDATE,
        case=case,
        obj=case,
        fields=["closure_reason", "closure_note"],
    )
    return case


@transaction.atomic
def closure_approve(*, case: Case, approved_by) -> Case:
    _require_lead_supervisor(case, approved_by)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is already closed."))
    if not case.closure_requested_by_id:
        raise ValidationError(_("Nobody has asked to close this case."))
    if case.closure_requested_by_id == approved_by.pk:
        raise PermissionDenied  # nobody approves their own closure
    case = _move(case, approved_by, case.status, CaseStatus.CLOSED, closed_at=timezone.now())
    # A closed case shares nothing: its open referrals end, with their access.
    from referrals.services import referrals_end_for_closed_case

    referrals_end_for_closed_case(case=case, closed_by=approved_by)
    return case


@transaction.atomic
def case_reopen(*, case: Case, reopened_by, note: str) -> Case:
    _require_lead_supervisor(case, reopened_by)
    if not note.strip():
        raise ValidationError({"note": _("Say why the case is reopened.")})
    case = _move(
        case,
        reopened_by,
        CaseStatus.CLOSED,
        CaseStatus.ASSESSMENT,
        closed_at=None,
        closure_reason="",
        closure_requested_by=None,
    )
    _save_new(CaseNote(case=case, written_by=reopened_by, text=note), by=reopened_by)
    return case


@transaction.atomic
def note_record(*, case: Case, written_by, kind: str, text: str, happened_on) -> CaseNote:
    _require_editor(case, written_by)
    note = CaseNote(case=case, written_by=written_by, kind=kind, text=text, happened_on=happened_on)
    return _save_new(note, by=written_by, fields=["text"])


@transaction.atomic
def case_assign(
    *, case: Case, assigned_by, lead_caseworker, team=(), expected_version: int | None = None
) -> Case:
    """A supervisor of the lead agency gives the case a lead caseworker and a team."""

    _require_lead_supervisor(case, assigned_by)
    caseworkers = User.objects.holding_role(case.lead_agency, Role.CASEWORKER)
    chosen = {lead_caseworker.pk, *(member.pk for member in team)}
    if caseworkers.filter(pk__in=chosen).count() != len(chosen):
        raise ValidationError(_("Choose caseworkers of the lead agency."))
    _write_case_from(case, expected_version, lead_caseworker=lead_caseworker)
    CaseTeamMember.objects.filter(case=case).exclude(user__in=team).delete()
    for member in team:
        CaseTeamMember.objects.get_or_create(case=case, user=member)
    case.refresh_from_db()
    audit_record(
        actor=assigned_by,
        action=AuditEvent.Action.UPDATE,
        case=case,
        obj=case,
        fields=["lead_caseworker", "team"],
    )
    return case


@transaction.atomic
def service_plan(*, case: Case, planned_by, service_type: str, provider):
    """Plan a service; its deadline comes from the table for the case's risk level."""

    _require_editor(case, planned_by)
    hours = ServiceDeadline.hours_for(service_type, case.risk_level)
    record = ServiceRecord(
        case=case,
        service_type=service_type,
        provider=provider,
        due_at=timezone.now() + timedelta(hours=hours),
        recorded_by=planned_by,
    )
    return _save_new(record, by=planned_by)


@transaction.atomic
def service_deliver(*, record, delivered_by, delivered_on, outcome: str):

    _require_editor(record.case, delivered_by)
    if record.status != ServiceRecord.Status.PLANNED:
        raise ValidationError(_("This service is no longer planned."))
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
    record.status = ServiceRecord.Status.DELIVERED
    record.delivered_on = delivered_on
    record.outcome = outcome
    record.save(update_fields=["status", "delivered_on", "outcome"])
    audit_record(
        actor=delivered_by,
        action=AuditEvent.Action.UPDATE,
        case=record.case,
        obj=record,
        fields=["status", "delivered_on", "outcome"],
    )
    return record


@transaction.atomic
def session_schedule(*, case: Case, scheduled_by, counsellor: str, scheduled_at, previous=None):

    _require_editor(case, scheduled_by)
    session = CounsellingSession(
        case=case,
        counsellor=counsellor,
        scheduled_at=scheduled_at,
        rescheduled_from=previous,
        recorded_by=scheduled_by,
    )
    return _save_new(session, by=scheduled_by)


@transaction.atomic
def session_record_attendance(*, session, recorded_by, attendance: str, reschedule_at=None):
    """Record who came. A no-show is rescheduled at once, so the child is not lost."""

    Attendance = CounsellingSession.Attendance
    _require_editor(session.case, recorded_by)
    if session.attendance != Attendance.SCHEDULED:
        raise ValidationError(_("Attendance is already recorded for this session."))
    if attendance == Attendance.NO_SHOW and reschedule_at is None:
        raise ValidationError({"reschedule_at": _("Choose a new time for the missed session.")})
    session.attendance = attendance
    session.save(update_fields=["attendance"])
    audit_record(
        actor=recorded_by,
        action=AuditEvent.Action.UPDATE,
        case=session.case,
        obj=session,
        fields=["attendance"],
    )
    if attendance == Attendance.NO_SHOW:
        return session_schedule(
            case=session.case,
            scheduled_by=recorded_by,
            counsellor=session.counsellor,
            scheduled_at=reschedule_at,
            previous=session,
        )
    return session


@transaction.atomic
def case_police_report_record(
    *, case: Case, recorded_by, reported_at, expected_version: int | None = None
) -> Case:
    """Record that the case was reported to the police (UU TPKS Ps 41 clock), unless the
    case changed since it was read (or since ``expected_version``)."""
    _require_editor(case, recorded_by)
    if not case.is_tpks:
        raise ValidationError(_("The police-report clock applies to sexual violence (TPKS)."))
    if reported_at > timezone.now():
        raise ValidationError({"police_reported_at": _("The date cannot be in the future.")})
    _write_case_from(case, expected_version, police_reported_at=reported_at)
    case.refresh_from_db(fields=["version", "updated_at"])
    case.police_reported_at = reported_at
    audit_record(
        actor=recorded_by,
        action=AuditEvent.Action.UPDATE,
        case=case,
        obj=case,
        fields=["police_reported_at"],
    )
    return case


@transaction.atomic
def restitution_record(*, case: Case, recorded_by, ruling_received_on, amount):

    _require_editor(case, recorded_by)
    if not case.is_tpks:
        raise ValidationError(_("Restitution is recorded for sexual violence (TPKS) cases."))
    if Restitution.objects.filter(case=case).exists():
        raise ValidationError(_("The restitution of this case is already recorded."))
    restitution = Restitution(case=case, ruling_received_on=ruling_received_on, amount=amount)
    return _save_new(restitution, by=recorded_by)


@transaction.atomic
def restitution_paid(*, restitution, recorded_by, paid_on, paid_by: str):
    _require_editor(restitution.case, recorded_by)
    if restitution.paid_on is not None:
        raise ValidationError(_("The payment is already recorded."))
    restitution.paid_on = paid_on
    restitution.paid_by = paid_by
    restitution.full_clean()
    restitution.save(update_fields=["paid_on", "paid_by"])
    audit_record(
        actor=recorded_by,
        action=AuditEvent.Action.UPDATE,
        case=restitution.case,
        obj=restitution,
        fields=["paid_on", "paid_by"],
    )
    return restitution


@transaction.atomic
def case_set_violence_forms(
    *,
    case: Case,
    changed_by,
    violence_forms: list[str],
    tpks_offence: str = "",
    expected_version: int | None = None,
):
    """Set the forms of violence (a public complaint arrives without them); sexual
    violence starts the TPKS police-report clock from the original report time. Refused
    if the case changed since it was read (or since ``expected_version``)."""

    _require_editor(case, changed_by)
    if set(violence_forms) - set(ViolenceForm.values):
        raise ValidationError({"violence_forms": _("Choose forms of violence from the list.")})
    if tpks_offence and ViolenceForm.SEXUAL not in violence_forms:
        raise ValidationError(
            {"tpks_offence": _("A TPKS offence applies only to sexual violence.")}
        )
    _write_case_from(case, expected_version)  # first: the case row is locked from here on
    CaseViolenceForm.objects.filter(case=case).exclude(form__in=violence_forms).delete()
    for form in violence_forms:
        CaseViolenceForm.objects.update_or_create(
            case=case,
            form=form,
            defaults={"tpks_offence": tpks_offence if form == ViolenceForm.SEXUAL else ""},
        )
    case.refresh_from_db(fields=["version", "updated_at"])
    audit_record(
        actor=changed_by,
        action=AuditEvent.Action.UPDATE,
        case=case,
        obj=case,
        fields=["violence_forms"],
    )
    return case
