"""Meeting reminders: computed from the database by a periodic sweep, never by far-future
ETA tasks, and delivered exactly once in-app.

1. ``reminders_sweep`` finds what is due now and inserts one ``Reminder`` row per (kind,
   object, recipient, due time); the unique key makes a second sweep (two beats, a retry)
   insert nothing. It then enqueues delivery of every pending row, after commit.
2. ``reminder_deliver`` claims the row (``UPDATE … WHERE status = pending``) and writes
   the in-app notification in the same transaction. A worker that dies before commit
   leaves the row pending: the next sweep enqueues it again. A second delivery of a sent
   row finds nothing to claim. The e-mail copy is claimed on its own notification row
   before it is sent (at most once).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, User
from agencies.notifications import notification_send
from agencies.roles import Role, membership_of
from meetings.models import ActionItem, Forum, Invitation, Meeting, Minutes, Reminder

DAY = datetime.timedelta(days=1)
# Who hears of an invitation to their agency: those who decide who goes.
AGENCY_CONTACT_ROLES = (Role.SUPERVISOR, Role.HEAD, Role.COORDINATOR)
MINUTES_LOOKBACK = datetime.timedelta(days=30)

NOTIFICATION_KIND = {
    Reminder.Kind.INVITATION_7D: "reminder_meeting_7d",
    Reminder.Kind.INVITATION_1D: "reminder_meeting_1d",
    Reminder.Kind.RSVP_CHASER: "reminder_rsvp",
    Reminder.Kind.MINUTES_DUE: "reminder_minutes",
    Reminder.Kind.NO_MEETING: "reminder_no_meeting",
    Reminder.Kind.ACTIONS_DIGEST: "reminder_actions",
}


@dataclass(frozen=True)
class Due:
    kind: str
    obj: object
    recipient: User
    due_at: datetime.datetime
    code: str
    url: str

    def row(self) -> Reminder:
        return Reminder(
            kind=self.kind,
            object_type=self.obj._meta.label_lower,
            object_id=str(self.obj.pk),
            recipient=self.recipient,
            due_at=self.due_at,
            code=self.code,
            url=self.url,
        )


def agency_contacts(agency: Agency) -> list[User]:
    """The agency's supervisors, heads and coordinators; its caseworkers if it has none."""
    people = list(
        User.objects.filter(
            is_active=True,
            membership__agency=agency,
            membership__roles__role__in=AGENCY_CONTACT_ROLES,
        ).distinct()
    )
    return people or list(User.objects.holding_role(agency, Role.CASEWORKER))


ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _when(meeting: Meeting) -> str:
    """The meeting's wall-clock time where it is held, with WIB/WITA/WIT."""
    from meetings.calendar import meeting_zone

    zone = meeting_zone(meeting)
    label = ZONE_ABBREVIATIONS.get(str(zone), str(zone))
    return f"{timezone.localtime(meeting.starts_at, zone):%d-%m-%Y %H:%M} {label}"


def _invitees(invitation: Invitation) -> list[User]:
    return [invitation.user] if invitation.user_id else agency_contacts(invitation.agency)


def _meeting_reminders(now) -> list[Due]:
    """7 days and 1 day before; the RSVP chaser 3 days before, for those silent."""
    due = []
    coming = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
        .filter(starts_at__lte=now + 7 * DAY)
        .select_related("forum")
        .prefetch_related("invitations__agency", "invitations__user")
    )
    for meeting in coming:
        for kind, before in ((Reminder.Kind.INVITATION_7D, 7), (Reminder.Kind.INVITATION_1D, 1)):
            due_at = meeting.starts_at - before * DAY
            if kind == Reminder.Kind.INVITATION_7D and now >= meeting.starts_at - DAY:
                continue  # a week's notice makes no sense on the last day
            if now < due_at:
                continue
            for invitation in meeting.invitations.all():
                due += [
                    Due(kind, meeting, person, due_at, _when(meeting), meeting.get_absolute_url())
                    for person in _invitees(invitation)
                ]
        chase_at = meeting.starts_at - 3 * DAY
        if now >= chase_at:
            for invitation in meeting.invitations.all():
                if invitation.rsvp == Invitation.Rsvp.PENDING:
                    due += [
                        Due(
                            Reminder.Kind.RSVP_CHASER,
                            invitation,
                            person,
                            chase_at,
                            _when(meeting),
                            meeting.get_absolute_url(),
                        )
                        for person in _invitees(invitation)
                    ]
    return due


def _minutes_reminders(now) -> list[Due]:
    """To the secretary, 3 days after a meeting whose minutes are not yet submitted."""
    late = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .filter(ends_at__lte=now - 3 * DAY, ends_at__gte=now - MINUTES_LOOKBACK)
        .exclude(minutes__status__in=[Minutes.Status.SUBMITTED, Minutes.Status.APPROVED])
        .select_related("forum__secretary", "organised_by")
    )
    due = []
    for meeting in late:
        due += [
            Due(
                Reminder.Kind.MINUTES_DUE,
                meeting,
                writer,
                meeting.ends_at + 3 * DAY,
                _when(meeting),
                meeting.get_absolute_url(),
            )
            for writer in _minutes_writers(meeting)
        ]
    return due


def _minutes_writers(meeting: Meeting) -> list[User]:
    """The secretary; without one, the coordinators; a forum-less meeting's organiser."""
    if meeting.forum_id is None:
        return [meeting.organised_by] if meeting.organised_by_id else []
    if meeting.forum.secretary_id:
        return [meeting.forum.secretary]
    return list(meeting.forum.coordinators.filter(is_active=True))


def _no_meeting_reminders(now) -> list[Due]:
    """On the 5th (forum time) of a month without a meeting, to the coordinators."""
    due = []
    for forum in Forum.objects.prefetch_related("coordinators"):
        zone = ZoneInfo(forum.time_zone)
        local = timezone.localtime(now, zone)
        if local.day < 5:
            continue
        month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        month_end = (month_start + 32 * DAY).replace(day=1)
        held_or_planned = forum.meetings.exclude(status=Meeting.Status.CANCELLED).filter(
            starts_at__gte=month_start, starts_at__lt=month_end
        )
        if held_or_planned.exists():
            continue
        due_at = month_start.replace(day=5, hour=8)
        if now < due_at:
            continue  # the 5th, before office hours
        url = reverse("forum-detail", args=[forum.pk])
        due += [
            Due(Reminder.Kind.NO_MEETING, forum, person, due_at, f"{local:%m-%Y}", url)
            for person in forum.coordinators.all()
            if person.is_active
        ]
    return due


def _action_digest_reminders(now) -> list[Due]:
    """Weekly, from Monday 08:00 WIB, to each agency with overdue action items."""
    local = timezone.localtime(now, ZoneInfo("Asia/Jakarta"))
    due_at = (local - local.weekday() * DAY).replace(hour=8, minute=0, second=0, microsecond=0)
    if now < due_at:
        due_at -= 7 * DAY  # Monday before 08:00: still last week's digest
    late = (
        ActionItem.objects.released()
        .overdue(timezone.localdate(now))
        .values("agency")
        .annotate(n=Count("id"))
    )
    url = reverse("my-action-items")
    agencies = Agency.objects.in_bulk([row["agency"] for row in late])
    due = []
    for row in late:
        agency = agencies[row["agency"]]
        due += [
            Due(Reminder.Kind.ACTIONS_DIGEST, agency, person, due_at, str(row["n"]), url)
            for person in agency_contacts(agency)
        ]
    return due


def reminders_due(now=None) -> list[Due]:
    now = now or timezone.now()
    return (
        _meeting_reminders(now)
        + _minutes_reminders(now)
        + _no_meeting_reminders(now)
        + _action_digest_reminders(now)
    )


@transaction.atomic
def reminders_sweep(*, now=None) -> int:
    """Insert what is due (once per key) and enqueue every pending reminder after commit.

    Returns how many reminders are pending delivery.
    """
    from meetings.tasks import reminder_deliver

    Reminder.objects.bulk_create([due.row() for due in reminders_due(now)], ignore_conflicts=True)
    pending = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING).values_list("pk", flat=True)
    )
    for pk in pending:
        transaction.on_commit(lambda pk=pk: reminder_deliver.delay(pk), robust=True)
    return len(pending)


def _still_for_recipient(reminder: Reminder) -> bool:
    """The recipient may still open what the reminder speaks of: someone the admin moved
    to another agency since the sweep gets no reminder of its meetings."""
    recipient, pk = reminder.recipient, reminder.object_id
    if reminder.object_type == "meetings.meeting":
        runs = reminder.kind == Reminder.Kind.MINUTES_DUE
        meetings = (
            Meeting.objects.editable_by(recipient)
            if runs
            else Meeting.objects.visible_to(recipient)
        )
        return meetings.filter(pk=pk).exists()
    if reminder.object_type == "meetings.invitation":
        return Meeting.objects.visible_to(recipient).filter(invitations__pk=pk).exists()
    if reminder.object_type == "meetings.forum":
        return Forum.objects.visible_to(recipient).filter(pk=pk).exists()
    if reminder.object_type == "agencies.agency":
        membership = membership_of(recipient)
        return membership is not None and str(membership.agency_id) == str(pk)
    return False


def still_applies(reminder: Reminder, now=None) -> bool:
    """Whether a pending reminder still says something true when it is delivered, to
    someone who may still open it: the meeting not cancelled, moved or past; the
    invitation still unanswered; the minutes still not submitted. (A moved meeting gets
    reminders under its new time.)"""
    now = now or timezone.now()
    if not reminder.recipient.is_active or not _still_for_recipient(reminder):
        return False
    if reminder.object_type == "meetings.meeting":
        meeting = Meeting.objects.filter(pk=reminder.object_id).first()
        if meeting is None or meeting.status == Meeting.Status.CANCELLED:
            return False
        if reminder.kind == Reminder.Kind.MINUTES_DUE:
            return not Minutes.objects.filter(
                meeting=meeting,
                status__in=[Minutes.Status.SUBMITTED, Minutes.Status.APPROVED],
            ).exists()
        before = 7 if reminder.kind == Reminder.Kind.INVITATION_7D else 1
        return meeting.starts_at > now and meeting.starts_at - before * DAY == reminder.due_at
    if reminder.object_type == "meetings.invitation":
        invitation = Invitation.objects.select_related("meeting").filter(pk=reminder.object_id)
        invitation = invitation.first()
        return (
            invitation is not None
            and invitation.rsvp == Invitation.Rsvp.PENDING
            and invitation.meeting.status == Meeting.Status.SCHEDULED
            and invitation.meeting.starts_at > now
        )
    return True


@transaction.atomic
def reminder_send(*, reminder_id: int) -> bool:
    """Claim and send one reminder; False when it was already sent (by anyone) or no
    longer applies (then it is marked skipped, once)."""
    reminder = (
        Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING)
        .select_related("recipient")
        .first()
    )
    if reminder is None:
        return False
    outcome = Reminder.Status.SENT if still_applies(reminder) else Reminder.Status.SKIPPED
    claimed = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
        status=outcome, sent_at=timezone.now()
    )
    if not claimed or outcome == Reminder.Status.SKIPPED:
        return False
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    notification_send(
        recipients=[reminder.recipient],
        kind=NOTIFICATION_KIND[reminder.kind],
        subject_code=reminder.code,
        url=reminder.url,
        key=f"reminder:{reminder.pk}",
    )
    return True
