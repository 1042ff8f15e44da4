"""Meetings: occurrences of a schedule, ad-hoc meetings and case conferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.roles import Role, membership_of, roles_of
from cases.encryption import EncryptedTextField

# Who takes part in meetings. The community reporter and the system administrator never
# see meetings, even when their agency is invited; data officers are often a secretary.
MEETING_ROLES = (
    Role.CASEWORKER,
    Role.SUPERVISOR,
    Role.HEAD,
    Role.COORDINATOR,
    Role.DATA_OFFICER,
)


def takes_part_in_meetings(user) -> bool:
    return membership_of(user) is not None and not roles_of(user).isdisjoint(MEETING_ROLES)


def runs_meeting(user, agency_id, via: str = "") -> Q:
    """The personal ways to run a meeting (``via`` prefixes the path from another model):
    coordinating or being secretary of its forum, or having called a meeting without a
    forum. Each counts only while the person works at an agency the meeting is for (a
    member of the forum; the agency the organiser called it from): someone who moves
    agency leaves these meetings behind, as they leave their cases."""
    return (
        Q(**{f"{via}forum__coordinators": user, f"{via}forum__member_agencies": agency_id})
        | Q(**{f"{via}forum__secretary": user, f"{via}forum__member_agencies": agency_id})
        | Q(
            **{
                f"{via}forum__isnull": True,
                f"{via}organised_by": user,
                f"{via}organiser_agency_id": agency_id,
            }
        )
    )


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings the user's agency is invited to (a person invited by name is invited
        with their agency), and those the user runs. A case conference invites only
        agencies that can see the case, and belongs to no forum, so forum runners have no
        way in."""
        if not takes_part_in_meetings(user):
            return self.none()
        agency_id = membership_of(user).agency_id
        return self.filter(
            Q(invitations__agency_id=agency_id) | runs_meeting(user, agency_id)
        ).distinct()

    def editable_by(self, user):
        """The forum's coordinators and secretary; for a meeting without a forum, its
        organiser (each while at an agency the meeting is for)."""
        membership = membership_of(user)
        if membership is None:
            return self.none()
        return self.filter(runs_meeting(user, membership.agency_id)).distinct()

    def upcoming(self, now=None):
        return self.filter(
            status=Meeting.Status.SCHEDULED, starts_at__gte=now or timezone.now()
        ).order_by("starts_at")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        SCHEDULED = "terjadwal", _("Scheduled meeting")
        AD_HOC = "insidental", _("Ad-hoc meeting")
        CASE_CONFERENCE = "konferensi_kasus", _("Case conference (konferensi kasus)")

    class Status(models.TextChoices):
        SCHEDULED = "dijadwalkan", _("Scheduled")
        HELD = "terlaksana", _("Held")
        CANCELLED = "dibatalkan", _("Cancelled")

    forum = models.ForeignKey(
        "meetings.Forum",
        verbose_name=_("forum"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    schedule = models.ForeignKey(
        "meetings.Schedule", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The schedule's own start for this occurrence; kept when the meeting is moved.
    occurrence_start = models.DateTimeField(null=True, blank=True, editable=False)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conferences",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    organised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The agency the organiser called the meeting from: they run it only while there.
    organiser_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # RFC 5545 SEQUENCE: calendars replace the event when it grows.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "occurrence_start"], name="meeting_occurrence_once"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["forum", "starts_at"], name="meeting_forum_calendar")]

    def __str__(self) -> str:
        return f"{self.title} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.pk])


class MeetingChange(models.Model):
    """A moved or cancelled meeting keeps its history."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    from_starts_at = models.DateTimeField(_("was at"))
    to_starts_at = models.DateTimeField(_("moved to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.from_starts_at} → {self.to_starts_at}"


class AgendaItem(models.Model):
    """An item of the agenda; it may concern a case, named by its code only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("item"), max_length=200)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True
    )
    carried_action = models.ForeignKey(
        "meetings.ActionItem",
        verbose_name=_("open action item carried over"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    discussion = EncryptedTextField(_("discussion"), blank=True)
    decisions = EncryptedTextField(_("decisions"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "carried_action"],
                condition=Q(carried_action__isnull=False),
                name="agenda_carries_an_action_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """An agency (optionally a named person there) invited to a meeting."""

    class Rsvp(models.TextChoices):
        PENDING = "menunggu", _("No answer yet")
        YES = "hadir", _("Will attend")
        NO = "tidak_hadir", _("Will not attend")
        MAYBE = "mungkin", _("Maybe")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    rsvp = models.CharField(_("answer"), max_length=12, choices=Rsvp.choices, default=Rsvp.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agency"],
                condition=Q(user__isnull=True),
                name="invitation_agency_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="invitation_person_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.agency}"
