"""Receiving complaints and triaging them: the way into a case."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.roles import agency_of, has_role
from cases.models import (
    AuditEvent,
    Case,
    CaseParty,
    CaseViolenceForm,
    Complaint,
    ComplaintParty,
    Person,
    ServiceDeadline,
    ServiceRecord,
)
from cases.models.choices import RiskLevel
from cases.models.complaints import INTAKE_ROLES, TRIAGE_ROLES
from cases.models.work import ServiceType
from cases.services import audit_record, case_open

# What intake records of a complaint itself, on the web form and in the API alike.
COMPLAINT_INTAKE_FIELDS = (
    "channel",
    "received_at",
    "risk_level",
    "narrative",
    "incident_date",
    "incident_date_is_approximate",
    "place_type",
    "incident_village",
    "incident_address",
    "violence_forms",
    "tpks_offence",
    "ampk_category",
    "jurisdiction",
    "consent_by",
    "consent_at",
    "consent_purpose",
    "reporter_is_anonymous",
)

PERSON_FIELDS = (
    "name",
    "nik",
    "sex",
    "birth_date",
    "birth_date_is_estimate",
    "education",
    "disability",
    "has_birth_certificate",
    "has_child_id_card",
    "has_family_card",
    "has_health_insurance",
    "phone",
    "kk_number",
    "address",
    "school",
)


def _person(data: dict) -> Person:
    person = Person(**{field: data[field] for field in PERSON_FIELDS if field in data})
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def complaint_receive(
    *,
    received_by,
    complaint: Complaint,
    children: list[dict],
    perpetrators: list[dict] = (),
    reporter: dict | None = None,
) -> Complaint:
    """Record a complaint with its children, alleged perpetrators and (optional) reporter.

    Everything is validated before anything is kept: one bad field and nothing is saved.
    """
    if not has_role(received_by, *INTAKE_ROLES):
        raise PermissionDenied
    if not children:
        raise ValidationError(_("Name at least one child."))
    complaint.agency = agency_of(received_by)
    complaint.filed_by = received_by
    if reporter and not complaint.reporter_is_anonymous:
        complaint.reporter = _person(reporter)
    complaint.full_clean()
    complaint.save()
    for child in children:
        ComplaintParty.objects.create(
            complaint=complaint, person=_person(child), part=ComplaintParty.Part.CHILD
        )
    for perpetrator in perpetrators:
        ComplaintParty.objects.create(
            complaint=complaint,
            person=_person(perpetrator),
            part=ComplaintParty.Part.ALLEGED_PERPETRATOR,
            relationship=perpetrator.get("relationship", ""),
            is_child_in_conflict_with_law=perpetrator.get("is_child_in_conflict_with_law", False),
        )
    audit_record(actor=received_by, action=AuditEvent.Action.CREATE, obj=complaint)
    return complaint


@dataclass(frozen=True)
class PossibleMatch:
    """All a duplicate check may say: which agency holds which case. Nothing else."""

    agency: Agency
    case_code: str


def complaint_possible_matches(complaint: Complaint) -> list[PossibleMatch]:
    """Cases in any agency whose children match this complaint's children by the keyed
    hash of their NIK, or of their name and birth date."""
    children = [party.person for party in complaint.parties.all() if party.part == "anak"]
    nik_hashes = {child.nik_hash for child in children if child.nik_hash}
    name_hashes = {child.name_birth_hash for child in children if child.name_birth_hash}
    if not (nik_hashes or name_hashes):
        return []
    matches = (
        CaseParty.objects.filter(part=CaseParty.Part.CHILD)
        .exclude(case_id=complaint.case_id)  # never point a complaint at its own case
        .filter(Q(person__nik_hash__in=nik_hashes) | Q(person__name_birth_hash__in=name_hashes))
        .select_related("case__lead_agency")
        .order_by("case__code")
    )
    seen = {}
    for party in matches:
        seen.setdefault(party.case.code, PossibleMatch(party.case.lead_agency, party.case.code))
    return list(seen.values())


def _may_triage(user, complaint: Complaint) -> bool:
    return has_role(user, *TRIAGE_ROLES) and agency_of(user) == complaint.agency


def _close_triage(complaint: Complaint, triaged_by, outcome: str, *, case=None, reason=""):
    complaint.outcome = outcome
    complaint.case = case
    complaint.outcome_reason = reason
    complaint.triaged_by = triaged_by
    complaint.triaged_at = timezone.now()
    complaint.save(update_fields=["outcome", "case", "outcome_reason", "triaged_by", "triaged_at"])
    audit_record(
        actor=triaged_by,
        action=AuditEvent.Action.TRANSITION,
        case=case,
        obj=complaint,
        fields=["outcome"],
    )


def _check_triage(complaint: Complaint, triaged_by) -> None:
    if not _may_triage(triaged_by, complaint):
        raise PermissionDenied
    # Lock the row: of two triage decisions at once, the second sees the first's outcome.
    locked = Complaint.objects.select_for_update().only("outcome").get(pk=complaint.pk)
    if locked.outcome:
        raise ValidationError(_("This complaint has already been triaged."))


@transaction.atomic
def complaint_open_case(*, complaint: Complaint, triaged_by, lead_caseworker=None) -> Case:
    """Triage: the complaint becomes a new case led by the receiving agency."""
    _check_triage(complaint, triaged_by)
    case = case_open(
        opened_by=triaged_by,
        agency=complaint.agency,
        reported_at=complaint.received_at,
        chronology=complaint.narrative,
        **complaint.incident_fields(),
        lead_caseworker=lead_caseworker,
    )
    for form in complaint.violence_forms:
        tpks = complaint.tpks_offence if form == "seksual" else ""
        CaseViolenceForm.objects.create(case=case, form=form, tpks_offence=tpks)
    _copy_parties(complaint, case, triaged_by)
    if case.risk_level == RiskLevel.HIGH:
        _plan_emergency_response(case, triaged_by)
    _close_triage(complaint, triaged_by, Complaint.Outcome.OPENED, case=case)
    return case


def _plan_emergency_response(case: Case, triaged_by) -> None:
    """High risk: outreach is planned at once, due within the table's high-risk hours,
    before any assessment (the emergency path of the UPTD PPA service standard)."""
    hours = ServiceDeadline.hours_for(ServiceType.OUTREACH, RiskLevel.HIGH)
    record = ServiceRecord.objects.create(
        case=case,
        service_type=ServiceType.OUTREACH,
        provider=case.lead_agency,
        due_at=timezone.now() + timedelta(hours=hours),
        recorded_by=triaged_by,
    )
    audit_record(actor=triaged_by, action=AuditEvent.Action.CREATE, case=case, obj=record)


def _known_child(person: Person, user) -> Person:
    """The child's existing record when its NIK names exactly one child the user can
    already see, so a child keeps one record across cases; else the new record."""
    if not person.nik_hash:
        return person
    known = list(
        Person.objects.visible_to(user)
        .filter(nik_hash=person.nik_hash, parties__part=CaseParty.Part.CHILD)
        .exclude(pk=person.pk)[:2]
    )
    return known[0] if len(known) == 1 else person


def _copy_parties(complaint: Complaint, case: Case, triaged_by) -> None:
    for party in complaint.parties.all():
        person = party.person
        if party.part == ComplaintParty.Part.CHILD:
            person = _known_child(person, triaged_by)
        CaseParty.objects.create(
            case=case,
            person=person,
            part=party.part,
            relationship=party.relationship,
            is_child_in_conflict_with_law=party.is_child_in_conflict_with_law,
        )
    if complaint.reporter_id or complaint.reporter_is_anonymous:
        reporter = complaint.reporter or Person.objects.create()
        CaseParty.objects.create(
            case=case,
            person=reporter,
            part=CaseParty.Part.REPORTER,
            is_anonymous=complaint.reporter_is_anonymous,
        )


@transaction.atomic
def complaint_attach_to_case(*, complaint: Complaint, case: Case, triaged_by) -> Case:
    """Triage: the complaint adds to a case the triaging user may edit."""
    _check_triage(complaint, triaged_by)
    if not Case.objects.editable_by(triaged_by).filter(pk=case.pk).exists():
        raise PermissionDenied
    _copy_parties(complaint, case, triaged_by)
    _close_triage(complaint, triaged_by, Complaint.Outcome.ATTACHED, case=case)
    return case


@transaction.atomic
def complaint_close_not_a_case(*, complaint: Complaint, triaged_by, reason: str) -> None:
    _check_triage(complaint, triaged_by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this is not a case.")})
    _close_triage(complaint, triaged_by, Complaint.Outcome.NOT_A_CASE, reason=reason)
