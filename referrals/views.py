from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from agencies.menu_counts import agency_referrals_version, kept_count
from agencies.roles import Role, agency_of, membership_of, roles_of
from agencies.views.mixins import RoleRequiredMixin
from agencies.views.scoped import ScopedDetailView, ScopedListView, get_visible_or_404
from cases.models import AuditEvent, Case, CaseParty
from cases.services import audit_record
from cases.views.audited import AuditedReadMixin
from cases.views.complaints import IntakeView
from referrals import services
from referrals.forms import (
    AcceptForm,
    CompleteForm,
    PaperReferralForm,
    ReasonForm,
    ReferralFilterForm,
    ReferralForm,
)
from referrals.letters import surat_rujukan_pdf
from referrals.models import Referral

LIST_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD)


def pending_incoming_count(user) -> int:
    """The menu badge: referrals waiting for the user's agency to answer, kept between
    pages until a referral of the agency takes a step (agencies.menu_counts)."""
    membership = membership_of(user)
    if membership is None:
        return 0
    return kept_count(
        user,
        name="referrals-waiting",
        version_of=agency_referrals_version(membership.agency_id),
        count=lambda: Referral.objects.received_by(user).pending().count(),
    )


def _with_pseudonyms(queryset):
    children = CaseParty.objects.filter(part=CaseParty.Part.CHILD).without_identity()
    return queryset.for_lists().prefetch_related(
        Prefetch("case__parties", queryset=children),
    )


class ReferralListView(RoleRequiredMixin, ScopedListView):
    required_roles = LIST_ROLES
    model = Referral
    template_name = "referrals/referral_list.html"
    context_object_name = "referrals"
    direction = "incoming"

    def narrow(self, queryset):
        agency = agency_of(self.request.user)
        queryset = getattr(queryset, self.direction)(agency)
        self.filter_form = ReferralFilterForm(self.request.GET or None)
        return _with_pseudonyms(self.filter_form.apply(queryset))

    def get_context_data(self, **kwargs):
        filters = self.request.GET.copy()
        filters.pop("page", None)
        return super().get_context_data(
            direction=self.direction,
            filter_form=self.filter_form,
            filter_query=filters.urlencode(),
            **kwargs,
        )


class IncomingReferralListView(ReferralListView):
    direction = "incoming"


class OutgoingReferralListView(ReferralListView):
    direction = "outgoing"


class ReferralDetailView(AuditedReadMixin, ScopedDetailView):
    """The referral: summary with the pseudonym, timeline, and the answers the reader may
    give. Reading the summary is audited like reading the case."""

    model = Referral
    template_name = "referrals/referral_detail.html"
    context_object_name = "referral"

    def narrow(self, queryset):
        return _with_pseudonyms(queryset).prefetch_related("events__actor", "shared_documents")

    def audit_details(self, referral) -> dict:
        return {"case": referral.case, "obj": referral}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **referral_page_context(self.request, self.object), **kwargs
        )


def referral_page_context(request, referral: Referral, **forms) -> dict:
    user = request.user
    return {
        "referral": referral,
        "case_visible": Case.objects.visible_to(user).filter(pk=referral.case_id).exists(),
        "may_answer": referral.is_pending and referral.may_answer(user),
        "may_work": referral.is_active and referral.may_work(user),
        "may_cancel": (referral.is_pending or referral.is_active) and referral.may_cancel(user),
        "may_end_kept_access": referral.may_end_kept_access(user),
        "summary_visible": referral.summary_visible_to(user),
        "is_sender_side": referral.is_sender_side(user),
        "accept_form": forms.get("accept_form") or AcceptForm(agency=referral.to_agency),
        "decline_form": forms.get("decline_form") or ReasonForm(prefix="decline"),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
    }


@login_required
def referral_new(request, code: str):
    """Refer a case: only from a case the user may change."""
    case = get_visible_or_404(
        Case.objects.editable_by(request.user).open(), request.user, code=code
    )
    may_override = Role.SUPERVISOR in roles_of(request.user)
    if request.method == "POST":
        form = ReferralForm(
            request.POST, request.FILES, case=case, user=request.user, may_override=may_override
        )
        if form.is_valid():
            try:
                referral = services.referral_send(
                    case=case, sent_by=request.user, request=form.to_request()
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The referral is sent."))
                return redirect(referral)
        status = 400
    else:
        initial = services.referral_summary_prefill(case=case, user=request.user)
        form = ReferralForm(
            initial=initial, case=case, user=request.user, may_override=may_override
        )
        status = 200
    return render(
        request, "referrals/referral_form.html", {"case": case, "form": form}, status=status
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def _accept(request, referral):
    form = AcceptForm(request.POST, agency=referral.to_agency)
    if not form.is_valid():
        return {"accept_form": form}
    services.referral_accept(
        referral=referral, accepted_by=request.user, assignees=list(form.cleaned_data["assignees"])
    )
    messages.success(request, _("The referral is accepted."))
    return None


def _decline(request, referral):
    form = ReasonForm(request.POST, prefix="decline")
    if not form.is_valid():
        return {"decline_form": form}
    services.referral_decline(
        referral=referral, declined_by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("The referral is declined."))
    return None


def _start(request, referral):
    services.referral_start(referral=referral, started_by=request.user)
    messages.success(request, _("Work on the referral has started."))
    return


def _complete(request, referral):
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return {"complete_form": form}
    services.referral_complete(referral=referral, completed_by=request.user, **form.cleaned_data)
    messages.success(request, _("The referral is completed; the sender has your feedback."))
    return None


def _cancel(request, referral):
    form = ReasonForm(request.POST, prefix="cancel")
    if not form.is_valid():
        return {"cancel_form": form}
    services.referral_cancel(
        referral=referral, cancelled_by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("The referral is cancelled."))
    return None


def _end_kept_access(request, referral):
    services.referral_kept_access_end(referral=referral, ended_by=request.user)
    messages.success(request, _("The former lead agency no longer reads the case."))
    return


ACTIONS = {
    "akhiri-akses": _end_kept_access,
    "terima": _accept,
    "tolak": _decline,
    "proses": _start,
    "selesai": _complete,
    "batal": _cancel,
}


@login_required
@require_POST
def referral_action(request, pk: int, action: str):
    """One step of the lifecycle. A referral the user may not see is a 404."""
    referral = get_visible_or_404(_with_pseudonyms(Referral.objects), request.user, pk=pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        invalid_forms = handler(request, referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(referral)
    if invalid_forms:
        context = referral_page_context(request, referral, **invalid_forms)
        return render(request, "referrals/referral_detail.html", context, status=400)
    return redirect(referral)


@login_required
def referral_letter(request, pk: int):
    """The Surat Rujukan as PDF; the download is audited, the file name says nothing."""
    referral = get_visible_or_404(_with_pseudonyms(Referral.objects), request.user, pk=pk)
    if not referral.summary_visible_to(request.user):
        raise Http404
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            case=referral.case,
            obj=referral,
            fields=["surat_rujukan"],
        )
    response = HttpResponse(surat_rujukan_pdf(referral), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="surat-rujukan-{referral.pk}.pdf"'
    return response


class PaperReferralView(IntakeView):
    """A referral letter received on paper: the intake form plus the letter's details."""

    template_name = "referrals/paper_referral.html"

    def forms(self, data=None):
        return {"letter": PaperReferralForm(data, prefix="letter"), **super().forms(data)}

    success_message = _lazy("The referral letter is recorded as a complaint.")

    def receive(self, request, forms):
        try:
            letter = services.paper_referral_receive(
                received_by=request.user,
                letter=forms["letter"].save(commit=False),
                complaint=forms["form"].save(commit=False),
                **self.parties(forms),
            )
        except ValidationError as error:
            _add_errors(forms["letter"], error)
            raise
        return letter.complaint
