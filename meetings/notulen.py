"""Minutes (notulen) and action items: written by the secretary, approved by a
coordinator, then shared with the member agencies. No child's identity, ever."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from api.webhooks.events import action_items_released_emit
from meetings.identity_check import (
    IdentityMatches,
    identity_check,
    identity_matches_seen_by,
    refuse_number_lists,
)
from meetings.models import ActionItem, AgendaItem, Meeting, Minutes
from meetings.services import meeting_carry_over, require_coordinator, require_secretary


def agenda_case_ids(meeting: Meeting) -> set[int]:
    case_ids = set(meeting.agenda.exclude(case=None).values_list("case_id", flat=True))
    carried = meeting.agenda.exclude(carried_action=None).values_list(
        "carried_action__agenda_item__case_id", flat=True
    )
    case_ids |= {pk for pk in carried if pk}
    if meeting.case_id:
        case_ids.add(meeting.case_id)
    return case_ids


def minutes_identity_warnings(*, meeting: Meeting, texts: list[str], reader) -> IdentityMatches:
    """The agenda cases whose known identity appears in the stored texts, as ``reader``
    may be told (each was audited when its text was saved)."""
    return identity_matches_seen_by(texts=texts, case_ids=agenda_case_ids(meeting), reader=reader)


def _all_texts(meeting: Meeting, summary: str, items: dict) -> list[str]:
    texts = [summary]
    for discussion, decisions in items.values():
        texts += [discussion, decisions]
    texts += list(meeting.action_items.values_list("title", flat=True))
    return texts


@transaction.atomic
def minutes_save(*, meeting: Meeting, written_by, summary: str, items: dict) -> IdentityMatches:
    """Save the draft: the summary, and per agenda item id (discussion, decisions).

    Returns the agenda cases whose identity the text seems to contain, audited, and named
    only where the writer may reveal it (the page warns); such minutes are saved as a
    draft but cannot be submitted or approved.
    """
    require_secretary(meeting, written_by)
    texts = _all_texts(meeting, summary, items)
    refuse_number_lists(texts)
    minutes, _created = Minutes.objects.get_or_create(
        meeting=meeting, defaults={"written_by": written_by}
    )
    if minutes.status == Minutes.Status.APPROVED:
        raise ValidationError(_("Approved minutes can no longer be changed."))
    agenda = {item.pk: item for item in meeting.agenda.all()}
    if set(items) - set(agenda):
        raise ValidationError(_("Write only about items of this meeting's agenda."))
    for pk, (discussion, decisions) in items.items():
        item = agenda[pk]
        item.discussion, item.decisions = discussion, decisions
        # One by one: encrypted fields cannot go through bulk_update's CASE expressions.
        item.save(update_fields=["discussion", "decisions"])
    minutes.summary = summary
    minutes.status = Minutes.Status.DRAFT
    minutes.save(update_fields=["summary", "status"])
    return identity_check(
        texts=texts, case_ids=agenda_case_ids(meeting), checked_by=written_by, meeting=meeting
    )


def _stored_texts(meeting: Meeting) -> list[str]:
    items = {item.pk: (item.discussion, item.decisions) for item in meeting.agenda.all()}
    summary = Minutes.objects.filter(meeting=meeting).values_list("summary", flat=True).first()
    return _all_texts(meeting, summary or "", items)


def _refuse_identity(meeting: Meeting, reader) -> None:
    matches = minutes_identity_warnings(
        meeting=meeting, texts=_stored_texts(meeting), reader=reader
    )
    if matches:
        raise ValidationError(
            _("The minutes seem to name a child or family of %(cases)s. Use the case code.")
            % {"cases": matches.describe()}
        )


@transaction.atomic
def minutes_submit(*, meeting: Meeting, submitted_by) -> Minutes:
    require_secretary(meeting, submitted_by)
    if not Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("Write the minutes first."))
    _refuse_identity(meeting, submitted_by)
    moved = Minutes.objects.filter(meeting=meeting, status=Minutes.Status.DRAFT).update(
        status=Minutes.Status.SUBMITTED
    )
    if not moved:
        raise ValidationError(_("These minutes are not a draft."))
    return Minutes.objects.get(meeting=meeting)


@transaction.atomic
def minutes_approve(*, meeting: Meeting, approved_by) -> Minutes:
    """A coordinator approves: the minutes are shared with the member agencies."""
    require_coordinator(meeting, approved_by)
    _refuse_identity(meeting, approved_by)
    moved = Minutes.objects.filter(meeting=meeting, status=Minutes.Status.SUBMITTED).update(
        status=Minutes.Status.APPROVED, approved_by=approved_by, approved_at=timezone.now()
    )
    if not moved:
        raise ValidationError(_("Only submitted minutes can be approved."))
    action_items_released_emit(meeting=meeting)  # each item now reaches its agency
    if meeting.forum_id:
        # The approved follow-ups now travel to the forum's coming meetings' agendas.
        for coming in Meeting.objects.upcoming().filter(forum_id=meeting.forum_id):
            meeting_carry_over(meeting=coming)
    return Minutes.objects.get(meeting=meeting)


def _works_at(user, agency) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.agency_id == agency.pk


def action_item_add(
    *,
    meeting: Meeting,
    added_by,
    title: str,
    agency: Agency,
    due_on: datetime.date,
    assignee: User | None = None,
    agenda_item: AgendaItem | None = None,
) -> ActionItem:
    require_secretary(meeting, added_by)
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.APPROVED).exists():
        raise ValidationError(_("Approved minutes can no longer be changed."))
    errors = {}
    if not title.strip():
        errors["title"] = _("Say what must be done.")
    elif identity_check(
        texts=[title], case_ids=agenda_case_ids(meeting), checked_by=added_by, meeting=meeting
    ):
        # Checked before the item's transaction: the audit row outlives the refusal.
        errors["title"] = _("The title seems to name a child or family: use the case code.")
    if not meeting.invitations.filter(agency=agency).exists():
        errors["agency"] = _("Assign an agency invited to the meeting.")
    if assignee is not None and not _works_at(assignee, agency):
        errors["assignee"] = _("Choose a person of the responsible agency.")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = _("Choose an item of this meeting's agenda.")
    if due_on < timezone.localdate(meeting.starts_at):
        errors["due_on"] = _("The due date cannot be before the meeting.")
    if errors:
        raise ValidationError(errors)
    return ActionItem.objects.create(  # one row: its own transaction
        meeting=meeting,
        agenda_item=agenda_item,
        title=title.strip(),
        agency=agency,
        assignee=assignee,
        due_on=due_on,
    )


@transaction.atomic
def action_item_status_set(
    *, item: ActionItem, changed_by, status: str, reason: str = ""
) -> ActionItem:
    """The responsible agency (or the forum's runners) moves an item along; dropping
    needs a reason."""
    if not ActionItem.objects.visible_to(changed_by).filter(pk=item.pk).exists():
        raise PermissionDenied
    runner = Meeting.objects.editable_by(changed_by).filter(pk=item.meeting_id).exists()
    membership = getattr(changed_by, "membership", None)
    responsible = membership is not None and membership.agency_id == item.agency_id
    if not (runner or responsible):
        raise PermissionDenied
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status == ActionItem.Status.DROPPED and not reason.strip():
        raise ValidationError({"reason": _("Say why the action item is dropped.")})
    item.status = status
    item.drop_reason = reason.strip() if status == ActionItem.Status.DROPPED else ""
    item.closed_at = None if status in ActionItem.OPEN_STATES else timezone.now()
    item.save(update_fields=["status", "drop_reason", "closed_at"])
    return item
