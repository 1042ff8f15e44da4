"""The meeting page and its POST actions (RSVP, move, attendance, minutes, actions)."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

# The menu offers the meeting pages to these roles (agencies/navigation.py).
from agencies.views.form_errors import add_form_errors
from agencies.views.scoped import get_visible_or_404
from cases.models import Case
from meetings.forms import (
    ActionItemForm,
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    MinutesForm,
    MoveForm,
    RsvpForm,
)
from meetings.models import ActionItem, Invitation, Meeting, Minutes
from meetings.notulen import (
    action_item_add,
    minutes_approve,
    minutes_identity_warnings,
    minutes_save,
    minutes_submit,
)
from meetings.services import (
    agenda_item_add,
    invitation_answer,
    invitation_for,
    meeting_attendance_record,
    meeting_cancel,
    meeting_move,
    require_coordinator,
    require_secretary,
)
from meetings.views.common import (
    ZONE_LABELS,
    child_parties,
    meeting_roles_required,
    meeting_zone_name,
    passes,
)


def _meeting_queryset():
    return Meeting.objects.select_related("forum", "case", "organised_by").prefetch_related(
        Prefetch("case__parties", queryset=child_parties())
    )


def _minutes_of(meeting: Meeting) -> Minutes | None:
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def meeting_page_context(request, meeting: Meeting, **forms) -> dict:
    user = request.user
    now = timezone.now()
    is_runner = Meeting.objects.editable_by(user).filter(pk=meeting.pk).exists()
    is_secretary = passes(require_secretary, meeting, user)
    is_coordinator = passes(require_coordinator, meeting, user)
    scheduled = meeting.status == Meeting.Status.SCHEDULED
    started = meeting.starts_at <= now

    agenda = list(
        meeting.agenda.select_related("case", "carried_action").prefetch_related(
            Prefetch("case__parties", queryset=child_parties())
        )
    )
    case_ids = {item.case_id for item in agenda if item.case_id}
    if meeting.case_id:
        case_ids.add(meeting.case_id)
    openable_cases = (
        set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
        if case_ids
        else set()
    )
    invitations = list(
        meeting.invitations.select_related("agency", "user", "responded_by").order_by(
            "agency__name", "user__full_name"
        )
    )
    my_invitation = invitation_for(meeting, user)

    minutes = _minutes_of(meeting)
    approved = minutes is not None and minutes.status == Minutes.Status.APPROVED
    minutes_shown = minutes is not None and (approved or is_secretary)
    action_items = []
    if approved or is_secretary:
        action_items = list(
            ActionItem.objects.visible_to(user)
            .filter(meeting=meeting)
            .select_related("agency", "assignee", "agenda_item")
        )
    may_write_minutes = is_secretary and meeting.status != Meeting.Status.CANCELLED and not approved
    identity_matches = None
    if may_write_minutes and minutes is not None:
        texts = [minutes.summary, *(item.title for item in action_items)]
        for item in agenda:
            texts += [item.discussion, item.decisions]
        identity_matches = minutes_identity_warnings(meeting=meeting, texts=texts, reader=user)

    zone_name = meeting_zone_name(meeting, user)
    context = {
        "meeting": meeting,
        "zone_label": ZONE_LABELS.get(zone_name, zone_name),
        "changes": meeting.changes.select_related("changed_by"),
        "agenda": agenda,
        "openable_cases": openable_cases,
        "invitations": invitations,
        "my_invitation": my_invitation,
        "may_answer": my_invitation is not None and scheduled and not started,
        "may_move": is_runner and scheduled,
        "may_add_agenda": is_runner and meeting.status != Meeting.Status.CANCELLED,
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(prefix="agenda"),
        "may_take_attendance": is_secretary
        and meeting.status != Meeting.Status.CANCELLED
        and started,
        "minutes": minutes,
        "minutes_shown": minutes_shown,
        "may_write_minutes": may_write_minutes,
        "may_submit": is_secretary
        and minutes is not None
        and minutes.status == Minutes.Status.DRAFT,
        "may_approve": is_coordinator
        and minutes is not None
        and minutes.status == Minutes.Status.SUBMITTED,
        "identity_matches": identity_matches,
        "action_items": action_items,
        "may_add_action": may_write_minutes,
        "is_secretary": is_secretary,
    }
    my_answer = my_invitation.rsvp if my_invitation else None
    context.update(
        rsvp_form=RsvpForm(
            initial={"answer": my_answer} if my_answer != Invitation.Rsvp.PENDING else None,
            prefix="rsvp",
        ),
        move_form=MoveForm(
            initial={"starts_at": meeting.starts_at, "ends_at": meeting.ends_at}, prefix="move"
        ),
        cancel_form=CancelForm(prefix="cancel"),
        attendance_form=AttendanceForm(
            initial={"present": [inv.pk for inv in invitations if inv.attended]},
            invitations=meeting.invitations.select_related("agency", "user").order_by(
                "agency__name", "user__full_name"
            ),
            prefix="attendance",
        ),
        minutes_form=MinutesForm(
            initial={"summary": minutes.summary if minutes else ""},
            agenda=agenda,
            prefix="minutes",
        ),
        action_form=ActionItemForm(meeting=meeting, prefix="action"),
    )
    context.update(forms)
    return context


def _render_meeting(request, meeting: Meeting, status: int = 200, **forms):
    with timezone.override(ZoneInfo(meeting_zone_name(meeting, request.user))):
        context = meeting_page_context(request, meeting, **forms)
        return render(request, "meetings/meeting_detail.html", context, status=status)


@meeting_roles_required
def meeting_detail(request, pk: int):
    meeting = get_visible_or_404(_meeting_queryset(), request.user, pk=pk)
    return _render_meeting(request, meeting)


# Each action returns None when done, or the forms to show again (status 400).


def _rsvp(request, meeting):
    form = RsvpForm(request.POST, prefix="rsvp")
    if not form.is_valid():
        if invitation_for(meeting, request.user) is None:
            messages.error(request, _("You are not invited to this meeting."))
        return {"rsvp_form": form}
    try:
        invitation_answer(meeting=meeting, user=request.user, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        add_form_errors(request, form, error)
        return {"rsvp_form": form}
    messages.success(request, _("Your answer is recorded."))
    return None


def _move(request, meeting):
    form = MoveForm(request.POST, prefix="move")
    if not form.is_valid():
        return {"move_form": form}
    try:
        meeting_move(meeting=meeting, moved_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_form_errors(request, form, error)
        return {"move_form": form}
    messages.success(request, _("The meeting is moved; the invited agencies see the new time."))
    return None


def _cancel(request, meeting):
    form = CancelForm(request.POST, prefix="cancel")
    if not form.is_valid():
        return {"cancel_form": form}
    try:
        meeting_cancel(meeting=meeting, cancelled_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_form_errors(request, form, error)
        return {"cancel_form": form}
    messages.success(request, _("The meeting is cancelled."))
    return None


def _attendance_record(request, meeting):
    form = AttendanceForm(request.POST, invitations=meeting.invitations.all(), prefix="attendance")
    if not form.is_valid():
        return {"attendance_form": form}
    try:
        meeting_attendance_record(
            meeting=meeting,
            recorded_by=request.user,
            present=[invitation.pk for invitation in form.cleaned_data["present"]],
        )
    except ValidationError as error:
        add_form_errors(request, form, error)
        return {"attendance_form": form}
    messages.success(request, _("The attendance is recorded; the meeting is marked as held."))
    return None


def _minutes_save(request, meeting):
    if not passes(require_secretary, meeting, request.user):
        raise PermissionDenied
    form = MinutesForm(request.POST, agenda=meeting.agenda.all(), prefix="minutes")
    if not form.is_valid():
        return {"minutes_form": form}
    try:
        matches = minutes_save(
            meeting=meeting,
            written_by=request.user,
            summary=form.cleaned_data["summary"],
            items=form.items(),
        )
    except ValidationError as error:
        add_form_errors(request, form, error)
        return {"minutes_form": form}
    if matches:
        messages.warning(
            request,
            _(
                "The minutes are saved as a draft, but they seem to name a child or family of "
                "%(cases)s. Use the case code only: until then they cannot be submitted."
            )
            % {"cases": matches.describe()},
        )
    else:
        messages.success(request, _("The minutes are saved as a draft."))
    return None


def _minutes_submit(request, meeting):
    try:
        minutes_submit(meeting=meeting, submitted_by=request.user)
    except ValidationError as error:
        add_form_errors(request, None, error)
        return {}
    messages.success(request, _("The minutes are submitted to the coordinator."))
    return None


def _minutes_approve(request, meeting):
    try:
        minutes_approve(meeting=meeting, approved_by=request.user)
    except ValidationError as error:
        add_form_errors(request, None, error)
        return {}
    messages.success(request, _("The minutes are approved and shared with the invited agencies."))
    return None


def _action_add(request, meeting):
    if not passes(require_secretary, meeting, request.user):
        raise PermissionDenied
    minutes = _minutes_of(meeting)
    if minutes is not None and minutes.status == Minutes.Status.APPROVED:
        # An item added now would be shared at once, never reviewed with the minutes.
        messages.error(request, _("Approved minutes can no longer be changed."))
        return {}
    form = ActionItemForm(request.POST, meeting=meeting, prefix="action")
    if not form.is_valid():
        return {"action_form": form}
    try:
        action_item_add(meeting=meeting, added_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_form_errors(request, form, error)
        return {"action_form": form}
    messages.success(request, _("The action item is added."))
    return None


def _agenda_add(request, meeting):
    form = AgendaItemForm(request.POST, prefix="agenda")
    if not form.is_valid():
        return {"agenda_form": form}
    code = form.cleaned_data["case_code"].strip()
    # A code the user may not see reads exactly like one that does not exist.
    case = Case.objects.visible_to(request.user).filter(code=code).first() if code else None
    if code and case is None:
        form.add_error("case_code", _("No case you may see has this code."))
        return {"agenda_form": form}
    try:
        agenda_item_add(
            meeting=meeting, added_by=request.user, title=form.cleaned_data["title"], case=case
        )
    except ValidationError as error:
        add_form_errors(request, form, error)
        return {"agenda_form": form}
    messages.success(request, _("The agenda item is added."))
    return None


ACTIONS = {
    "agenda": _agenda_add,
    "konfirmasi": _rsvp,
    "pindah": _move,
    "batal": _cancel,
    "presensi": _attendance_record,
    "notulen": _minutes_save,
    "ajukan": _minutes_submit,
    "setujui": _minutes_approve,
    "tindak-lanjut": _action_add,
}


@meeting_roles_required
@require_POST
def meeting_action(request, pk: int, action: str):
    """One step on a meeting. A meeting the user may not see is a 404."""
    meeting = get_visible_or_404(_meeting_queryset(), request.user, pk=pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    with timezone.override(ZoneInfo(meeting_zone_name(meeting, request.user))):
        invalid_forms = handler(request, meeting)
    if invalid_forms is not None:
        meeting = get_visible_or_404(_meeting_queryset(), request.user, pk=pk)  # as it is now
        return _render_meeting(request, meeting, status=400, **invalid_forms)
    return redirect(meeting)


# --- Action items -----------------------------------------------------------------------------
