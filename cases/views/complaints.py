from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from agencies.models import User
from agencies.roles import Role, agency_of, has_role
from agencies.views.mixins import RoleRequiredMixin
from agencies.views.scoped import ScopedDetailView, ScopedListView, get_visible_or_404
from cases.intake import (
    complaint_attach_to_case,
    complaint_close_not_a_case,
    complaint_open_case,
    complaint_possible_matches,
    complaint_receive,
)
from cases.intake_forms import (
    ChildFormSet,
    IntakeForm,
    PerpetratorFormSet,
    ReporterForm,
    TriageAttachForm,
    TriageOpenForm,
    TriageRejectForm,
    filled,
)
from cases.models import Case, Complaint
from cases.models.complaints import INTAKE_ROLES, TRIAGE_ROLES
from cases.views.audited import AuditedReadMixin


class IntakeView(RoleRequiredMixin, View):
    """The staff intake form; works on a phone (one column, native date pickers)."""

    required_roles = (Role.INTAKE, Role.CASEWORKER, Role.SUPERVISOR)
    template_name = "cases/intake.html"

    def forms(self, data=None):
        return {
            "form": IntakeForm(data),
            "children": ChildFormSet(data, prefix="child"),
            "perpetrators": PerpetratorFormSet(data, prefix="perpetrator"),
            "reporter": ReporterForm(data, prefix="reporter"),
        }

    success_message = _lazy("The complaint is recorded.")

    def get(self, request):
        return render(request, self.template_name, self.forms())

    @staticmethod
    def parties(forms) -> dict:
        """The children, alleged perpetrators and reporter as the intake service takes them."""
        reporter = forms["reporter"]
        return {
            "children": filled(forms["children"]),
            "perpetrators": filled(forms["perpetrators"]),
            "reporter": reporter.cleaned_data if reporter.has_changed() else None,
        }

    def receive(self, request, forms) -> Complaint:
        """Record what was filled in; subclasses record more around the same complaint."""
        try:
            return complaint_receive(
                received_by=request.user,
                complaint=forms["form"].save(commit=False),
                **self.parties(forms),
            )
        except ValidationError as error:
            forms["form"].add_error(None, error)
            raise

    def post(self, request):
        forms = self.forms(request.POST)
        if not all(form.is_valid() for form in forms.values()):
            return render(request, self.template_name, forms, status=400)
        try:
            complaint = self.receive(request, forms)
        except ValidationError:
            return render(request, self.template_name, forms, status=400)
        messages.success(request, self.success_message)
        if has_role(request.user, *TRIAGE_ROLES):
            return redirect("complaint-triage", pk=complaint.pk)
        return redirect("home")


class ComplaintInboxView(RoleRequiredMixin, ScopedListView):
    required_roles = INTAKE_ROLES
    model = Complaint
    template_name = "cases/complaint_inbox.html"
    context_object_name = "complaints"

    def narrow(self, queryset):
        return queryset.awaiting_triage().prefetch_related("parties__person")


class ComplaintTriageView(RoleRequiredMixin, AuditedReadMixin, ScopedDetailView):
    """One complaint with the possible matches held anywhere, and the three decisions."""

    required_roles = INTAKE_ROLES
    model = Complaint
    template_name = "cases/complaint_triage.html"
    context_object_name = "complaint"

    def get_context_data(self, **kwargs):
        complaint = self.object
        caseworkers = User.objects.holding_role(complaint.agency, Role.CASEWORKER)
        context = {
            "matches": complaint_possible_matches(complaint),
            "may_triage": has_role(self.request.user, *TRIAGE_ROLES) and not complaint.outcome,
            "open_form": kwargs.pop("open_form", None) or TriageOpenForm(caseworkers=caseworkers),
            "attach_form": kwargs.pop("attach_form", None) or TriageAttachForm(),
            "reject_form": kwargs.pop("reject_form", None) or TriageRejectForm(),
        }
        return super().get_context_data(**context, **kwargs)


def _triage(request, pk, decide):
    complaint = get_visible_or_404(Complaint.objects, request.user, pk=pk)
    if not has_role(request.user, *TRIAGE_ROLES):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return decide(complaint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("complaint-triage", pk=pk)


def complaint_triage_open(request, pk):
    def decide(complaint):
        caseworkers = User.objects.holding_role(agency_of(request.user), Role.CASEWORKER)
        form = TriageOpenForm(request.POST, caseworkers=caseworkers)
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        case = complaint_open_case(
            complaint=complaint,
            triaged_by=request.user,
            lead_caseworker=form.cleaned_data["lead_caseworker"],
        )
        messages.success(request, _("Case %(code)s is open.") % {"code": case.code})
        # An intake officer stops seeing the case once a lead caseworker has it.
        if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
            return redirect(case)
        return redirect("complaint-inbox")

    return _triage(request, pk, decide)


def complaint_triage_attach(request, pk):
    def decide(complaint):
        form = TriageAttachForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        case = Case.objects.editable_by(request.user).filter(code=form.cleaned_data["case_code"])
        if not case.exists():
            raise ValidationError(_("No case with that code that you may change."))
        case = complaint_attach_to_case(
            complaint=complaint, case=case.get(), triaged_by=request.user
        )
        messages.success(request, _("The complaint is attached to %(code)s.") % {"code": case.code})
        return redirect(case)

    return _triage(request, pk, decide)


def complaint_triage_reject(request, pk):
    def decide(complaint):
        reason = request.POST.get("reason", "")
        complaint_close_not_a_case(complaint=complaint, triaged_by=request.user, reason=reason)
        messages.success(request, _("The complaint is closed as not a case."))
        return redirect("complaint-inbox")

    return _triage(request, pk, decide)
