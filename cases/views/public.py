from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from agencies.auth import client_ip
from agencies.models import Agency
from agencies.roles import Role, has_role
from cases.models import Complaint
from cases.public import (
    STATUS_CHECKS_PER_HOUR,
    SUBMISSIONS_PER_HOUR,
    complaint_status_for_code,
    complaint_submit_public,
    filled_too_fast,
    form_clock,
    rate_limited,
)
from cases.public_forms import PublicComplaintForm, StatusForm

FORM_TEMPLATE = "cases/public_complaint.html"


def _form_page(request, form, status=200, error=None):
    return render(request, FORM_TEMPLATE, {"form": form, "error": error}, status=status)


@never_cache
def public_complaint(request):
    """The public complaint form; also used by signed-in community reporters."""
    if request.method != "POST":
        return _form_page(request, PublicComplaintForm(initial={"clock": form_clock()}))
    if rate_limited("submit", client_ip(request), SUBMISSIONS_PER_HOUR):
        message = _("Too many complaints from this connection. Please call SAPA 129 instead.")
        return _form_page(
            request, PublicComplaintForm(initial={"clock": form_clock()}), 429, message
        )
    form = PublicComplaintForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, 400)
    if form.cleaned_data["website"] or filled_too_fast(form.cleaned_data["clock"]):
        message = _("The form could not be sent. Please wait a moment and send it again.")
        return _form_page(request, PublicComplaintForm(request.POST), 400, message)
    village = form.cleaned_data["village"]
    agency = Agency.objects.public_intake_for(village.parent.parent)
    if agency is None:
        form.add_error("village", _("Sinergi does not serve this area yet. Please call SAPA 129."))
        return _form_page(request, form, 400)
    filed_by = request.user if has_role(request.user, Role.COMMUNITY) else None
    _complaint, code = complaint_submit_public(
        agency=agency,
        narrative=form.cleaned_data["narrative"],
        child=form.child(timezone.localdate()),
        reporter=form.reporter(),
        filed_by=filed_by,
        incident_village=village,
    )
    return render(request, "cases/public_complaint_sent.html", {"code": code, "agency": agency})


@never_cache
def complaint_status(request):
    """Status by tracking code: received, being handled or closed; never details."""
    form = StatusForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        if rate_limited("status", client_ip(request), STATUS_CHECKS_PER_HOUR):
            context["error"] = _("Too many checks from this connection. Try again in an hour.")
            return render(request, "cases/public_status.html", context, status=429)
        if form.is_valid():
            status = complaint_status_for_code(form.cleaned_data["code"])
            context["status"] = status
            context["not_found"] = status is None
    return render(request, "cases/public_status.html", context)


@login_required
def my_complaints(request):
    """A community reporter's own complaints, with their status and nothing more."""
    if not has_role(request.user, Role.COMMUNITY):
        raise PermissionDenied
    complaints = Complaint.objects.visible_to(request.user).filter(filed_by=request.user)
    rows = [
        (complaint.received_at, complaint.public_status())
        for complaint in complaints.select_related("case")
    ]
    return render(request, "cases/my_complaints.html", {"rows": rows})
