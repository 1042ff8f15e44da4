from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from agencies.auth import client_address
from agencies.models import User
from agencies.network_scope import SAFE_HOUSE_ROLES
from agencies.roles import Role, agency_of, has_role
from agencies.views.scoped import ScopedDetailView, ScopedListView, get_visible_or_404
from cases import care_forms
from cases.exports import CASE_EXPORT_COLUMNS, may_export_cases
from cases.forms import CaseFilterForm, RevealIdentityForm
from cases.models import (
    Assessment,
    AuditEvent,
    Case,
    CaseDocument,
    CaseNote,
    Complaint,
    CounsellingSession,
    InterventionPlan,
    Placement,
    Restitution,
    ServiceRecord,
    ServiceType,
)
from cases.models.cases import IdentityAccess
from cases.models.choices import CaseSection, CaseStatus
from cases.services import case_identity_reveal
from cases.views.audited import AuditedReadMixin
from cases.work_forms import (
    AssessmentForm,
    AssignForm,
    CaseDetailsForm,
    ClosureForm,
    DocumentForm,
    NoteForm,
    NoteOnlyForm,
    PlanForm,
    ViolenceFormsForm,
)
from referrals.models import Referral
from reports.exports import FORMATS, ExportableListMixin


class CaseListView(ExportableListMixin, ScopedListView):
    """The cases the user may see, filtered; supervisors and heads may download the
    filtered list whole (``?format=csv|xlsx``)."""

    model = Case
    template_name = "cases/case_list.html"
    context_object_name = "cases"
    export_columns = CASE_EXPORT_COLUMNS
    export_basename = "kasus"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") in FORMATS and not may_export_cases(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def narrow(self, queryset):
        self.filter_form = CaseFilterForm(self.request.GET or None)
        return self.filter_form.apply(queryset, self.request.user).for_lists()

    def export_rows(self, queryset):
        # Chunks of 2,000 rows: each chunk's parties and violence forms are fetched in
        # one query apiece, and memory holds one chunk, whatever the export's size.
        return queryset.iterator(chunk_size=2000)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_query=self.filter_query(),
            may_export=may_export_cases(self.request.user),
            **kwargs,
        )


class CaseDetailView(AuditedReadMixin, ScopedDetailView):
    """The case page. Every read is audited; identity stays hidden until revealed."""

    model = Case
    template_name = "cases/case_detail.html"
    context_object_name = "case"
    slug_field = "code"
    slug_url_kwarg = "code"

    def narrow(self, queryset):
        return queryset.for_detail()

    def audit_details(self, case) -> dict:
        return {"case": case}

    def get_context_data(self, **kwargs):
        context = case_page_context(self.request, self.object)
        return super().get_context_data(**context, **kwargs)


def _services_by_section(case: Case, sections: frozenset[str]) -> dict[str, list]:
    by_section = {"rencana": [], "kesehatan": [], "hukum": []}
    records = ServiceRecord.objects.of_visible_case(case, sections=sections)
    for record in records.select_related("provider"):
        by_section[ServiceType.section_of(record.service_type)].append(record)
    return by_section


def case_page_context(request, case: Case, **extra) -> dict:
    """Everything the case page shows, for the reader's role and relation to the case.
    ``case`` was read through ``Case.objects.visible_to``: the records inside it are
    then those of the sections the reader sees (``of_visible_case``)."""
    user = request.user
    sections = case.sections_visible_to(user)
    case.redact(sections)  # unshared narratives never reach the template
    access = case.identity_access(user)
    can_edit = Case.objects.editable_by(user).filter(pk=case.pk).exists()
    is_lead = agency_of(user) is not None and agency_of(user).pk == case.lead_agency_id
    return {
        "case": case,
        "sections": sections,
        "is_lead": is_lead,
        "show_chronology": CaseSection.INCIDENT in sections
        and (access != IdentityAccess.NONE or not is_lead),
        "case_referrals": Referral.objects.visible_to(user)
        .filter(case=case)
        .select_related("to_agency"),
        "may_refer": can_edit
        and case.status != CaseStatus.CLOSED
        and has_role(user, Role.CASEWORKER, Role.SUPERVISOR),
        "identity_access": access,
        "reveal_form": RevealIdentityForm(reason_required=access == IdentityAccess.REASON),
        "can_see_history": case.history_visible_to(user),
        "complaints": Complaint.objects.visible_to(user).filter(case=case),
        "can_edit": can_edit,
        "is_supervisor": case.is_supervised_by(user),
        "assessments": Assessment.objects.of_visible_case(case, sections=sections).select_related(
            "written_by"
        ),
        "plans": InterventionPlan.objects.of_visible_case(case, sections=sections).select_related(
            "written_by", "decided_by"
        ),
        "notes": CaseNote.objects.of_visible_case(case, sections=sections).select_related(
            "written_by"
        ),
        "documents": CaseDocument.objects.visible_to(user).filter(case=case),
        "document_form": DocumentForm(),
        "details_form": CaseDetailsForm(instance=case, initial={"version": case.version}),
        "violence_form": ViolenceFormsForm(
            initial={
                "version": case.version,
                "violence_forms": [form.form for form in case.violence_forms.all()],
                "tpks_offence": next(
                    (form.tpks_offence for form in case.violence_forms.all() if form.tpks_offence),
                    "",
                ),
            }
        ),
        "services_by_section": _services_by_section(case, sections),
        "sessions": CounsellingSession.objects.of_visible_case(case, sections=sections),
        "placements": Placement.objects.of_visible_case(case, sections=sections).select_related(
            "operator", "safe_house"
        ),
        "restitution": Restitution.objects.of_visible_case(case, sections=sections).first(),
        "service_form": care_forms.ServicePlanForm(case=case),
        "deliver_form": care_forms.ServiceDeliverForm(),
        "session_form": care_forms.SessionForm(),
        "attendance_form": care_forms.AttendanceForm(),
        "sees_safe_houses": has_role(user, *SAFE_HOUSE_ROLES),
        "placement_form": care_forms.PlacementForm(user=user),
        "placement_end_form": care_forms.PlacementEndForm(),
        "placement_extend_form": care_forms.PlacementExtendForm(),
        "police_form": care_forms.PoliceReportForm(initial={"version": case.version}),
        "restitution_form": care_forms.RestitutionForm(),
        "restitution_paid_form": care_forms.RestitutionPaidForm(),
        "assign_form": AssignForm(
            initial={"lead_caseworker": case.lead_caseworker_id, "version": case.version},
            caseworkers=User.objects.holding_role(case.lead_agency, Role.CASEWORKER),
        ),
        "assessment_form": AssessmentForm(),
        "plan_form": PlanForm(),
        "note_form": NoteForm(),
        "closure_form": ClosureForm(),
        "reopen_form": NoteOnlyForm(),
        **extra,
    }


@require_POST
def case_reveal_identity(request, code: str):
    """Show the identity section once, for this response only, and audit it."""
    case = get_visible_or_404(Case.objects.for_detail(), request.user, code=code)
    access = case.identity_access(request.user)
    if access == IdentityAccess.NONE:
        raise PermissionDenied
    form = RevealIdentityForm(request.POST, reason_required=access == IdentityAccess.REASON)
    context = case_page_context(request, case, reveal_form=form)
    if not form.is_valid():
        return render(request, "cases/case_detail.html", context, status=400)
    identities = case_identity_reveal(
        case=case,
        revealed_by=request.user,
        reason=form.cleaned_data["reason"],
        ip_address=client_address(request),
    )
    return render(request, "cases/case_detail.html", {**context, "identities": identities})


class CaseHistoryView(AuditedReadMixin, ScopedDetailView):
    """Who saw and changed the case: for the lead agency's supervisors."""

    model = Case
    template_name = "cases/case_history.html"
    context_object_name = "case"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        case = super().get_object(queryset)
        if not case.history_visible_to(self.request.user):
            raise PermissionDenied
        return case

    def audit_details(self, case) -> dict:
        return {"case": case, "obj": case, "fields": ["history"]}

    def get_context_data(self, **kwargs):
        events = AuditEvent.objects.for_case(self.object)[:200]
        return super().get_context_data(events=events, **kwargs)
