"""Meeting workflows: occurrences, moves, invitations, attendance, minutes, action items.

Each runs in one transaction and leaves nothing half-written on bad input.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.roles import Role, membership_of, roles_of
from api.webhooks.events import meeting_changed_emit
from cases.models import Case
from meetings.models import (
    ActionItem,
    AgendaItem,
    Forum,
    Invitation,
    Meeting,
    MeetingChange,
)

# How far ahead a forum's occurrences become meetings (and reach calendars).
MATERIALIZE_AHEAD = datetime.timedelta(days=62)


def require_runner(meeting: Meeting, user) -> None:
    if not Meeting.objects.editable_by(user).filter(pk=meeting.pk).exists():
        raise PermissionDenied


def require_secretary(meeting: Meeting, user) -> None:
    """The forum's secretary or coordinators write the minutes; without a forum, the
    organiser. Both are the meeting's runners (``Meeting.objects.editable_by``)."""
    require_runner(meeting, user)


def require_coordinator(meeting: Meeting, user) -> None:
    """Approves the minutes: a coordinator of the forum holding the role, or a forum-less
    meeting's organiser, while at an agency the meeting is for."""
    require_runner(meeting, user)
    if meeting.forum_id is not None and not (
        Role.COORDINATOR in roles_of(user)
        and meeting.forum.coordinators.filter(pk=user.pk).exists()
    ):
        raise PermissionDenied


# --- Occurrences -----------------------------------------------------------------------------


def forum_meetings_materialize(*, forum: Forum, now: datetime.datetime | None = None) -> int:
    """Turn the forum's coming occurrences into meetings, once each (safe to repeat), and
    bring the meetings already made in line with the schedules and the membership."""
    now = now or timezone.now()
    created = 0
    for schedule in forum.schedules.all():
        wanted = schedule.occurrences(now, now + MATERIALIZE_AHEAD) if schedule.is_active else []
        _cancel_dropped_occurrences(schedule, set(wanted), now)
        for start in wanted:
            created += _occurrence_meeting(forum, schedule, start)
    _sync_member_invitations(forum, now)
    return created


@transaction.atomic
def _cancel_dropped_occurrences(schedule, wanted: set, now) -> None:
    """A coming, never-moved occurrence the schedule no longer has (a new holiday, a
    changed rule, a paused schedule) is cancelled, with its history kept."""
    dropped = (
        Meeting.objects.filter(
            schedule=schedule,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at=F("occurrence_start"),
        )
        .exclude(occurrence_start__in=wanted)
        .select_for_update()
    )
    for meeting in dropped:
        MeetingChange.objects.create(
            meeting=meeting,
            from_starts_at=meeting.starts_at,
            reason=str(_("No longer in the forum's schedule.")),
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.CANCELLED,
            sequence=F("sequence") + 1,
            updated_at=timezone.now(),
        )


@transaction.atomic
def _sync_member_invitations(forum: Forum, now) -> None:
    """Coming scheduled meetings invite exactly the current member agencies."""
    members = set(forum.member_agencies.values_list("pk", flat=True))
    coming = forum.meetings.filter(
        kind=Meeting.Kind.SCHEDULED, status=Meeting.Status.SCHEDULED, starts_at__gt=now
    )
    Invitation.objects.filter(meeting__in=coming).exclude(agency_id__in=members).delete()
    for meeting in coming.prefetch_related("invitations"):
        invited = {i.agency_id for i in meeting.invitations.all() if i.user_id is None}
        Invitation.objects.bulk_create(
            [Invitation(meeting=meeting, agency_id=pk) for pk in members - invited]
        )


@transaction.atomic
def _occurrence_meeting(forum, schedule, start) -> int:
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                forum=forum,
                kind=Meeting.Kind.SCHEDULED,
                schedule=schedule,
                occurrence_start=start,
                title=forum.name,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=schedule.duration_minutes),
                place=forum.default_place,
            )
    except IntegrityError:
        return 0  # already a meeting (perhaps moved since): the occurrence is not repeated
    _invite_members(meeting)
    meeting_carry_over(meeting=meeting)
    return 1


def _invite_members(meeting: Meeting) -> None:
    Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, agency=agency)
            for agency in meeting.forum.member_agencies.all()
        ]
    )


def meeting_carry_over(*, meeting: Meeting) -> int:
    """Open action items of earlier meetings of the same forum join this agenda, once."""
    if meeting.forum_id is None:
        return 0
    # Only items of approved minutes travel, and never a case conference's.
    open_items = (
        ActionItem.objects.released()
        .open()
        .filter(meeting__forum_id=meeting.forum_id, meeting__starts_at__lt=meeting.starts_at)
        .exclude(meeting__kind=Meeting.Kind.CASE_CONFERENCE)
    )
    already = set(meeting.agenda.values_list("carried_action_id", flat=True))
    last = meeting.agenda.count()
    new = [
        AgendaItem(
            meeting=meeting,
            position=last + index,
            title=_("Follow-up: %(title)s") % {"title": item.title},
            carried_action=item,
        )
        for index, item in enumerate(open_items.exclude(pk__in=already), start=1)
    ]
    AgendaItem.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- Ad-hoc meetings and case conferences ------------------------------------------------------


def agencies_seeing_case(case: Case) -> set[int]:
    """The lead agency and the agencies an accepted, open referral shares the case with."""
    from referrals.models import Referral

    shared = Referral.objects.filter(case=case, status__in=Referral.ACTIVE_STATES).values_list(
        "to_agency_id", flat=True
    )
    return {case.lead_agency_id, *shared}


def _validate_times(starts_at, ends_at) -> dict[str, str]:
    errors = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = _("A meeting cannot be scheduled in the past.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    return errors


def _title_names_someone(
    *, title: str, meeting: Meeting | None, case: Case | None, checked_by
) -> bool:
    """Whether a title shown to every invitee holds a known identity of the case(s).

    Audited per matched case; a caller runs it before its own transaction, so the audit
    row outlives the refusal it leads to."""
    from meetings.identity_check import identity_check
    from meetings.notulen import agenda_case_ids

    case_ids = agenda_case_ids(meeting) if meeting is not None else set()
    if case is not None:
        case_ids.add(case.pk)
    return bool(
        identity_check(texts=[title], case_ids=case_ids, checked_by=checked_by, meeting=meeting)
    )


def _agency_id_of(user) -> int | None:
    membership = membership_of(user)
    return membership.agency_id if membership else None


def meeting_schedule(
    *,
    organised_by,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    agencies: Iterable[Agency],
    forum: Forum | None = None,
    case: Case | None = None,
    place: str = "",
    online_link: str = "",
    people: Iterable = (),
) -> Meeting:
    """An ad-hoc meeting or a case conference. A conference invites only agencies that
    can see the case, and only someone who may see the case calls it."""
    if (
        forum is not None
        and not Forum.objects.editable_by(organised_by).filter(pk=forum.pk).exists()
    ):
        raise PermissionDenied
    if forum is None and membership_of(organised_by) is None:
        raise PermissionDenied
    agencies = list(agencies)
    errors = _validate_times(starts_at, ends_at)
    if not title.strip():
        errors["title"] = _("Give the meeting a title.")
    if kind == Meeting.Kind.CASE_CONFERENCE and forum is not None:
        errors["case"] = _("A case conference belongs to no forum: invite the agencies directly.")
    elif kind == Meeting.Kind.CASE_CONFERENCE:
        if case is None or not Case.objects.visible_to(organised_by).filter(pk=case.pk).exists():
            errors["case"] = _("Choose a case you may see.")
        elif any(agency.pk not in agencies_seeing_case(case) for agency in agencies):
            errors["agencies"] = _("Only agencies that can see the case may be invited.")
    elif case is not None:
        errors["case"] = _("Only a case conference is about one case.")
    if (
        case is not None
        and "case" not in errors
        and _title_names_someone(title=title, meeting=None, case=case, checked_by=organised_by)
    ):
        errors["title"] = _("The title seems to name a child or family: use the case code.")
    if not agencies:
        errors["agencies"] = _("Invite at least one agency.")
    people = list(people)
    invited_ids = {agency.pk for agency in agencies}
    if any(_agency_id_of(person) not in invited_ids for person in people):
        errors["people"] = _("Invite people of the invited agencies only.")
    if errors:
        raise ValidationError(errors)
    # The checks above wrote only audit rows, kept even when they refuse; the meeting is
    # written in one transaction.
    with transaction.atomic():
        meeting = Meeting(
            forum=forum,
            kind=kind,
            case=case,
            title=title.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            online_link=online_link,
            organised_by=organised_by,
            organiser_agency_id=_agency_id_of(organised_by),
        )
        meeting.full_clean()
        meeting.save()
        Invitation.objects.bulk_create(
            [Invitation(meeting=meeting, agency=a) for a in agencies]
            + [Invitation(meeting=meeting, agency_id=_agency_id_of(p), user=p) for p in people]
        )
        if case is not None:
            AgendaItem.objects.create(meeting=meeting, position=0, title=_("The case"), case=case)
        meeting_carry_over(meeting=meeting)
        meeting_changed_emit(meeting=meeting, change="scheduled")
        return meeting


def agenda_item_add(
    *, meeting: Meeting, added_by, title: str, case: Case | None = None
) -> AgendaItem:
    """An agenda item, optionally about a case the person adding it may see (shown to
    the other invitees by its pseudonym only)."""
    require_runner(meeting, added_by)
    errors = {}
    if not title.strip():
        errors["title"] = _("Name the agenda item.")
    if case is not None and not Case.objects.visible_to(added_by).filter(pk=case.pk).exists():
        errors["case"] = _("Choose a case you may see.")
    elif _title_names_someone(title=title, meeting=meeting, case=case, checked_by=added_by):
        errors["title"] = _("The title seems to name a child or family: use the case code.")
    if meeting.status == Meeting.Status.CANCELLED:
        errors["title"] = _("A cancelled meeting has no agenda.")
    if errors:
        raise ValidationError(errors)
    # The title's check wrote only audit rows, kept even when it refuses.
    with transaction.atomic():
        last = meeting.agenda.order_by("-position").values_list("position", flat=True).first()
        return AgendaItem.objects.create(
            meeting=meeting, position=(last or 0) + 1, title=title.strip(), case=case
        )


@transaction.atomic
def meeting_move(*, meeting: Meeting, moved_by, starts_at, ends_at, reason: str) -> Meeting:
    """Move a meeting; the history keeps where it was, calendars get the new time."""
    require_runner(meeting, moved_by)
    errors = _validate_times(starts_at, ends_at)
    if not reason.strip():
        errors["reason"] = _("Say why the meeting moves.")
    if meeting.status != Meeting.Status.SCHEDULED:
        errors["starts_at"] = _("Only a scheduled meeting can be moved.")
    if errors:
        raise ValidationError(errors)
    MeetingChange.objects.create(
        meeting=meeting,
        changed_by=moved_by,
        from_starts_at=meeting.starts_at,
        to_starts_at=starts_at,
        reason=reason.strip(),
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=starts_at,
        ends_at=ends_at,
        sequence=F("sequence") + 1,
        updated_at=timezone.now(),
    )
    meeting.refresh_from_db()
    meeting_changed_emit(meeting=meeting, change="moved")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, cancelled_by, reason: str) -> Meeting:
    require_runner(meeting, cancelled_by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    moved = Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.SCHEDULED).update(
        status=Meeting.Status.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    if not moved:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    MeetingChange.objects.create(
        meeting=meeting,
        changed_by=cancelled_by,
        from_starts_at=meeting.starts_at,
        reason=reason.strip(),
    )
    meeting.refresh_from_db()
    meeting_changed_emit(meeting=meeting, change="cancelled")
    return meeting


# --- Invitations and attendance ------------------------------------------------------------------


def invitation_for(meeting: Meeting, user) -> Invitation | None:
    """The invitation a user answers: their own, or their agency's."""
    membership = membership_of(user)
    if membership is None:
        return None
    # A person invited by name answers for themselves only while at the agency invited.
    invitations = meeting.invitations.filter(agency_id=membership.agency_id).filter(
        Q(user=user) | Q(user__isnull=True)
    )
    return invitations.order_by(F("user").asc(nulls_last=True)).first()


@transaction.atomic
def invitation_answer(*, meeting: Meeting, user, answer: str) -> Invitation:
    """RSVP for oneself or one's agency; someone not invited is refused."""
    invitation = invitation_for(meeting, user)
    if invitation is None:
        raise ValidationError(_("You are not invited to this meeting."))
    if answer not in (Invitation.Rsvp.YES, Invitation.Rsvp.NO, Invitation.Rsvp.MAYBE):
        raise ValidationError({"answer": _("Choose attend, not attend or maybe.")})
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at <= timezone.now():
        raise ValidationError(_("This meeting can no longer be answered."))
    Invitation.objects.filter(pk=invitation.pk).update(
        rsvp=answer, responded_at=timezone.now(), responded_by=user
    )
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def meeting_attendance_record(*, meeting: Meeting, recorded_by, present: Iterable[int]) -> Meeting:
    """Attendance, taken at the meeting: the meeting is then held."""
    require_secretary(meeting, recorded_by)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no attendance."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance is taken once the meeting has started."))
    present = set(present)
    invitations = list(meeting.invitations.all())
    if present - {invitation.pk for invitation in invitations}:
        raise ValidationError({"present": _("Mark only invited agencies and people.")})
    for invitation in invitations:
        invitation.attended = invitation.pk in present
    Invitation.objects.bulk_update(invitations, ["attended"])
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, updated_at=timezone.now()
    )
    meeting.refresh_from_db()
    return meeting
