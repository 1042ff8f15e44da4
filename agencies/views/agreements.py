"""Joint agreement pages: the list, one agreement, its commitments, an agency's record."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.agreements import (
    agreement_record,
    agreement_update,
    commitment_add,
    commitment_remove,
)
from agencies.auth import client_ip
from agencies.commitments import commitments_of
from agencies.models import Agency, Agreement, AgreementSignatory, Commitment
from agencies.network_forms import AgreementFilterForm, AgreementForm, CommitmentForm
from agencies.network_scope import NETWORK_ROLES, is_network_coordinator, network_membership
from agencies.views.form_errors import add_form_errors
from agencies.views.mixins import RoleRequiredMixin
from agencies.views.network_common import network_view
from agencies.views.scoped import ScopedListView, get_visible_or_404
from cases.models import AuditEvent
from cases.services import audit_record
from reports.exports import Column, ExportableListMixin

AGREEMENT_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda a: a.number),
    Column("title", gettext_lazy("Title"), lambda a: a.title),
    Column("signed_on", gettext_lazy("Signed on"), lambda a: a.signed_on),
    Column("valid_from", gettext_lazy("Valid from"), lambda a: a.valid_from),
    Column("valid_until", gettext_lazy("Valid until"), lambda a: a.valid_until),
    Column("signatories", gettext_lazy("Signatories"), lambda a: a.signatory_count),
    Column("commitments", gettext_lazy("Commitments"), lambda a: a.commitment_count),
]


class AgreementListView(RoleRequiredMixin, ExportableListMixin, ScopedListView):
    required_roles = NETWORK_ROLES
    model = Agreement
    template_name = "agencies/network/agreement_list.html"
    context_object_name = "agreements"
    export_columns = AGREEMENT_COLUMNS
    export_basename = "kesepakatan-bersama"

    def narrow(self, queryset):
        regency_id = network_membership(self.request.user).agency.regency_id
        self.filter_form = AgreementFilterForm(self.request.GET or None, regency_id=regency_id)
        queryset = queryset.annotate(
            signatory_count=Count("signatories", distinct=True),
            commitment_count=Count("commitments", distinct=True),
        ).order_by("-valid_until", "title", "pk")
        if not self.filter_form.is_valid():
            return queryset
        data, today = self.filter_form.cleaned_data, timezone.localdate()
        if data["state"] == "in_force":
            queryset = queryset.in_force(today)
        elif data["state"] == "ending":
            queryset = queryset.in_force(today).filter(valid_until__lte=today + timedelta(60))
        elif data["state"] == "ended":
            queryset = queryset.filter(valid_until__lt=today)
        if data["agency"]:
            queryset = queryset.filter(signatories__agency=data["agency"])
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_query=self.filter_query(),
            may_record=is_network_coordinator(self.request.user),
            today=timezone.localdate(),
            **kwargs,
        )


def _agreement_form_page(request, form, agreement=None):
    return render(
        request, "agencies/network/agreement_form.html", {"form": form, "agreement": agreement}
    )


@network_view
def agreement_create(request):
    if not is_network_coordinator(request.user):
        raise Http404
    regency_id = network_membership(request.user).agency.regency_id
    form = AgreementForm(request.POST or None, request.FILES or None, regency_id=regency_id)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_record(
                recorded_by=request.user,
                terms=form.terms(),
                signatories=form.cleaned_data["agencies"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_form_errors(request, form, error, rename={"file": "document"})
        else:
            messages.success(request, _("The joint agreement is recorded."))
            return redirect(agreement)
    return _agreement_form_page(request, form)


@network_view
def agreement_edit(request, pk: int):
    agreement = get_visible_or_404(Agreement.objects.editable_by(request.user), request.user, pk=pk)
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        regency_id=agreement.regency_id,
        initial=AgreementForm.initial_for(agreement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement_update(
                agreement=agreement,
                changed_by=request.user,
                terms=form.terms(),
                signatories=form.cleaned_data["agencies"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_form_errors(request, form, error, rename={"file": "document"})
        else:
            messages.success(request, _("The joint agreement is updated."))
            return redirect(agreement)
    return _agreement_form_page(request, form, agreement)


@network_view
def agreement_detail(request, pk: int):
    agreement = get_visible_or_404(Agreement.objects, request.user, pk=pk)
    signatories = AgreementSignatory.objects.filter(agreement=agreement).select_related("agency")
    commitments = agreement.commitments.select_related("agency").order_by("agency__name", "pk")
    may_edit = Agreement.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "agencies/network/agreement_detail.html",
        {
            "agreement": agreement,
            "signatories": signatories,
            "commitments": commitments,
            "may_edit": may_edit,
            "commitment_form": CommitmentForm(agreement=agreement) if may_edit else None,
            "today": timezone.localdate(),
        },
    )


@network_view
def agreement_document(request, pk: int):
    agreement = get_visible_or_404(Agreement.objects, request.user, pk=pk)
    if not agreement.document:
        raise Http404
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.DOWNLOAD,
            obj=agreement,
            fields=["document"],
            ip_address=client_ip(request) or None,
        )
    return FileResponse(
        agreement.document.open("rb"),
        as_attachment=True,
        filename=f"kesepakatan-bersama-{agreement.pk}.pdf",
        content_type="application/pdf",
    )


@require_POST
@network_view
def commitment_create(request, pk: int):
    agreement = get_visible_or_404(Agreement.objects.editable_by(request.user), request.user, pk=pk)
    form = CommitmentForm(request.POST, agreement=agreement)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(agreement)
    try:
        commitment_add(agreement=agreement, added_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The commitment is added."))
    return redirect(agreement)


@require_POST
@network_view
def commitment_delete(request, pk: int):
    commitment = get_object_or_404(
        Commitment.objects.filter(agreement__in=Agreement.objects.editable_by(request.user)),
        pk=pk,
    )
    commitment_remove(commitment=commitment, removed_by=request.user)
    messages.success(request, _("The commitment is removed."))
    return redirect(commitment.agreement)


@network_view
def agency_commitments(request, agency_id: int):
    """One agency's commitments in the agreements the user may see, and whether it keeps
    them. An agency that signed none of them is a 404, like one that does not exist."""
    visible = Commitment.objects.visible_to(request.user)
    agency = get_object_or_404(
        Agency.objects.filter(pk__in=visible.values("agency_id")), pk=agency_id
    )
    records = commitments_of(agency, visible)
    return render(
        request,
        "agencies/network/agency_commitments.html",
        {"agency": agency, "records": records},
    )
