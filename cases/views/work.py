"""Actions on a case page: each a POST that calls one workflow service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.auth import client_address
from agencies.models import User
from agencies.roles import Role
from agencies.views.scoped import get_visible_or_404
from cases import care_forms, shelters, workflow
from cases.documents import document_open, document_upload
from cases.models import (
    Case,
    CaseDocument,
    CounsellingSession,
    InterventionPlan,
    Placement,
    Restitution,
    ServiceRecord,
)
from cases.services import StaleVersionError, case_update
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


def _record_of(model, request, case, pk):
    """A record of this case through its model's visibility rule; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(model.objects.visible_to(request.user), case=case, pk=pk)


def _start_assessment(request, case):
    workflow.case_start_assessment(case=case, started_by=request.user)
    return _("The assessment has started.")


def _record_assessment(request, case):
    form = AssessmentForm(request.POST)
    _raise_unless_valid(form)
    workflow.assessment_record(case=case, written_by=request.user, **form.cleaned_data)
    return _("The assessment is saved.")


def _submit_plan(request, case):
    form = PlanForm(request.POST)
    _raise_unless_valid(form)
    workflow.plan_submit(case=case, written_by=request.user, **form.cleaned_data)
    return _("The plan is submitted for approval.")


def _decide_plan(request, case):
    plan = _record_of(InterventionPlan, request, case, request.POST.get("plan"))
    note = request.POST.get("note", "")
    if request.POST.get("decision") == "approve":
        workflow.plan_approve(plan=plan, approved_by=request.user, note=note)
        return _("The plan is approved.")
    workflow.plan_return(plan=plan, returned_by=request.user, note=note)
    return _("The plan is returned for changes.")


def _start_monitoring(request, case):
    workflow.case_start_monitoring(case=case, started_by=request.user)
    return _("The case is now monitored.")


def _request_closure(request, case):
    form = ClosureForm(request.POST)
    _raise_unless_valid(form)
    workflow.closure_request(case=case, requested_by=request.user, **form.cleaned_data)
    return _("The closure awaits a supervisor's approval.")


def _approve_closure(request, case):
    workflow.closure_approve(case=case, approved_by=request.user)
    return _("The case is closed.")


def _reopen(request, case):
    form = NoteOnlyForm(request.POST)
    _raise_unless_valid(form)
    workflow.case_reopen(case=case, reopened_by=request.user, note=form.cleaned_data["note"])
    return _("The case is reopened.")


def _record_note(request, case):
    form = NoteForm(request.POST)
    _raise_unless_valid(form)
    workflow.note_record(case=case, written_by=request.user, **form.cleaned_data)
    return _("The note is saved.")


def _upload_document(request, case):
    form = DocumentForm(request.POST, request.FILES)
    _raise_unless_valid(form)
    document_upload(
        case=case,
        uploaded_by=request.user,
        kind=form.cleaned_data["kind"],
        title=form.cleaned_data["title"],
        upload=form.cleaned_data["file"],
    )
    return _("The document is stored.")


def _assign(request, case):
    caseworkers = User.objects.holding_role(case.lead_agency, Role.CASEWORKER)
    form = AssignForm(request.POST, caseworkers=caseworkers)
    _raise_unless_valid(form)
    data = form.cleaned_data
    workflow.case_assign(
        case=case,
        assigned_by=request.user,
        lead_caseworker=data["lead_caseworker"],
        team=data["team"],
        expected_version=data["version"],
    )
    return _("The case is assigned.")


def _plan_service(request, case):
    form = care_forms.ServicePlanForm(request.POST, case=case)
    _raise_unless_valid(form)
    workflow.service_plan(case=case, planned_by=request.user, **form.cleaned_data)
    return _("The service is planned.")


def _deliver_service(request, case):
    form = care_forms.ServiceDeliverForm(request.POST)
    _raise_unless_valid(form)
    record = _record_of(ServiceRecord, request, case, form.cleaned_data["record"])
    workflow.service_deliver(
        record=record,
        delivered_by=request.user,
        delivered_on=form.cleaned_data["delivered_on"],
        outcome=form.cleaned_data["outcome"],
    )
    return _("The service is recorded as delivered.")


def _schedule_session(request, case):
    form = care_forms.SessionForm(request.POST)
    _raise_unless_valid(form)
    workflow.session_schedule(case=case, scheduled_by=request.user, **form.cleaned_data)
    return _("The session is scheduled.")


def _record_attendance(request, case):
    form = care_forms.AttendanceForm(request.POST)
    _raise_unless_valid(form)
    session = _record_of(CounsellingSession, request, case, form.cleaned_data["session"])
    workflow.session_record_attendance(
        session=session,
        recorded_by=request.user,
        attendance=form.cleaned_data["attendance"],
        reschedule_at=form.cleaned_data["reschedule_at"],
    )
    return _("Attendance is recorded.")


def _start_placement(request, case):
    form = care_forms.PlacementForm(request.POST, user=request.user)
    _raise_unless_valid(form)
    shelters.placement_start(case=case, placed_by=request.user, **form.cleaned_data)
    return _("The placement is recorded.")


def _end_placement(request, case):
    form = care_forms.PlacementEndForm(request.POST)
    _raise_unless_valid(form)
    placement = _record_of(Placement, request, case, form.cleaned_data["placement"])
    shelters.placement_end(
        placement=placement, ended_by=request.user, ended_on=form.cleaned_data["ended_on"]
    )
    return _("The end of the placement is recorded.")


def _extend_placement(request, case):
    form = care_forms.PlacementExtendForm(request.POST)
    _raise_unless_valid(form)
    placement = _record_of(Placement, request, case, form.cleaned_data["placement"])
    shelters.placement_extend(
        placement=placement,
        extended_by=request.user,
        planned_end_on=form.cleaned_data["planned_end_on"],
        reason=form.cleaned_data["reason"],
    )
    return _("The placement is extended.")


def _record_police_report(request, case):
    form = care_forms.PoliceReportForm(request.POST)
    _raise_unless_valid(form)
    workflow.case_police_report_record(
        case=case,
        recorded_by=request.user,
        reported_at=form.cleaned_data["reported_at"],
        expected_version=form.cleaned_data["version"],
    )
    return _("The police report is recorded.")


def _record_restitution(request, case):
    form = care_forms.RestitutionForm(request.POST)
    _raise_unless_valid(form)
    workflow.restitution_record(case=case, recorded_by=request.user, **form.cleaned_data)
    return _("The restitution is recorded.")


def _record_restitution_paid(request, case):
    form = care_forms.RestitutionPaidForm(request.POST)
    _raise_unless_valid(form)
    restitution = get_object_or_404(Restitution.objects.visible_to(request.user), case=case)
    workflow.restitution_paid(
        restitution=restitution, recorded_by=request.user, **form.cleaned_data
    )
    return _("The payment is recorded.")


def _edit_details(request, case):
    form = CaseDetailsForm(request.POST, instance=Case.objects.get(pk=case.pk))
    _raise_unless_valid(form)
    changes = {field: form.cleaned_data[field] for field in form.changed_data if field != "version"}
    try:
        case_update(
            case=case,
            updated_by=request.user,
            expected_version=form.cleaned_data["version"],
            changes=changes,
        )
    except StaleVersionError as error:
        raise ValidationError(
            _("Someone changed the case meanwhile. Your edit was not saved; reload and try again.")
        ) from error
    return _("The case is updated.")


def _set_violence_forms(request, case):
    form = ViolenceFormsForm(request.POST)
    _raise_unless_valid(form)
    workflow.case_set_violence_forms(
        case=case,
        changed_by=request.user,
        violence_forms=form.cleaned_data["violence_forms"],
        tpks_offence=form.cleaned_data["tpks_offence"],
        expected_version=form.cleaned_data["version"],
    )
    return _("The forms of violence are saved.")


def _raise_unless_valid(form) -> None:
    if not form.is_valid():
        messages_list = [
            f"{form[field].label}: {' '.join(errors)}" if field in form.fields else " ".join(errors)
            for field, errors in form.errors.items()
        ]
        raise ValidationError(messages_list)


ACTIONS = {
    "mulai-asesmen": _start_assessment,
    "asesmen": _record_assessment,
    "rencana": _submit_plan,
    "keputusan-rencana": _decide_plan,
    "mulai-pemantauan": _start_monitoring,
    "minta-terminasi": _request_closure,
    "setujui-terminasi": _approve_closure,
    "buka-kembali": _reopen,
    "catatan": _record_note,
    "dokumen": _upload_document,
    "tugaskan": _assign,
    "layanan": _plan_service,
    "layanan-diberikan": _deliver_service,
    "sesi": _schedule_session,
    "kehadiran": _record_attendance,
    "penempatan": _start_placement,
    "penempatan-selesai": _end_placement,
    "penempatan-perpanjang": _extend_placement,
    "lapor-polisi": _record_police_report,
    "restitusi": _record_restitution,
    "restitusi-dibayar": _record_restitution_paid,
    "ubah": _edit_details,
    "bentuk-kekerasan": _set_violence_forms,
}


@login_required
@require_POST
def case_action(request, code: str, action: str):
    case = get_visible_or_404(Case.objects, request.user, code=code)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        messages.success(request, handler(request, case))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(case)


@login_required
def document_download(request, code: str, pk: int):
    """A document of a case, after the visibility check, audited, never cached."""
    document = get_visible_or_404(
        CaseDocument.objects.select_related("case"), request.user, pk=pk, case__code=code
    )
    content = document_open(
        document=document, opened_by=request.user, ip_address=client_address(request)
    )
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.download_name()}"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
