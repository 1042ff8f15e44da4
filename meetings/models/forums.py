"""Forums and their recurring schedules (RFC 5545 recurrence rules, read by dateutil)."""

import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from agencies.roles import Role, membership_of, roles_of


class ForumQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Forums the user's agency is a member of. A forum's coordinators and secretary
        run it from a member agency: who moves to another agency leaves it behind."""
        from meetings.models.meetings import takes_part_in_meetings

        if not takes_part_in_meetings(user):
            return self.none()
        return self.filter(member_agencies=membership_of(user).agency_id).distinct()

    def editable_by(self, user):
        """Forums the user coordinates, while holding the coordinator role at a member
        agency."""
        if Role.COORDINATOR not in roles_of(user):
            return self.none()
        agency_id = membership_of(user).agency_id
        return self.filter(coordinators=user, member_agencies=agency_id).distinct()


class Forum(models.Model):
    """A forum koordinasi, gugus tugas or tim terpadu: member agencies that meet."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("Coordination forum (forum koordinasi)")
        TASK_FORCE = "gugus_tugas", _("Task force (gugus tugas)")
        INTEGRATED_TEAM = "tim_terpadu", _("Integrated team (tim terpadu)")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FORUM)
    regency = models.ForeignKey(
        Region, verbose_name=_("regency/city"), on_delete=models.PROTECT, related_name="+"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=Agency.TimeZone.choices, default="Asia/Makassar"
    )
    member_agencies = models.ManyToManyField(
        Agency, verbose_name=_("member agencies"), related_name="forums"
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinators"), related_name="coordinated_forums"
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_place = models.CharField(_("usual place"), max_length=200, blank=True)

    objects = ForumQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Schedule(models.Model):
    """When a forum meets: an RFC 5545 RRULE from a first local date and time.

    Examples: ``FREQ=MONTHLY;BYDAY=2TU`` (every second Tuesday),
    ``FREQ=MONTHLY;INTERVAL=6`` (a semi-annual rakor).
    """

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="schedules")
    rule = models.CharField(
        _("recurrence rule (RFC 5545 RRULE)"),
        max_length=200,
        help_text=_("For example FREQ=MONTHLY;BYDAY=2TU for every second Tuesday."),
    )
    first_date = models.DateField(_("first date"))
    start_time = models.TimeField(_("start time (forum's time zone)"))
    duration_minutes = models.PositiveIntegerField(
        _("duration in minutes"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(24 * 60)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self) -> str:
        return f"{self.forum} · {self.rule}"

    ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")

    def clean(self) -> None:
        try:
            self._rule()
        except (ValueError, TypeError):
            raise ValidationError(
                {"rule": _("This is not a valid RFC 5545 recurrence rule.")}
            ) from None
        if "FREQ=" not in self.rule.upper() or not any(
            f"FREQ={freq}" in self.rule.upper() for freq in self.ALLOWED_FREQUENCIES
        ):
            raise ValidationError(
                {"rule": _("Meetings repeat daily, weekly, monthly or yearly at most.")}
            )

    def _rule(self):
        start = datetime.datetime.combine(self.first_date, self.start_time)
        rule = self.rule.strip()
        if rule.upper().startswith("RRULE:"):
            rule = rule[6:]
        return rrulestr(rule, dtstart=start)  # open-ended rules are read lazily, by window

    def occurrences(self, start: datetime.datetime, end: datetime.datetime) -> list:
        """Aware start times of the occurrences in [start, end), exceptions left out.

        The rule runs on the forum's wall clock, so "09:00 WITA" stays 09:00 whatever
        the server's time zone.
        """
        zone = self.forum.zone
        local_start = start.astimezone(zone).replace(tzinfo=None)
        local_end = end.astimezone(zone).replace(tzinfo=None)
        skipped = set(self.exceptions.values_list("date", flat=True))
        return [
            moment.replace(tzinfo=zone)
            for moment in self._rule().between(local_start, local_end, inc=True)
            if moment.date() not in skipped and moment < local_end
        ]


class ScheduleException(models.Model):
    """A date the schedule skips: a public holiday or a cancellation."""

    class Kind(models.TextChoices):
        HOLIDAY = "libur", _("Public holiday")
        CANCELLED = "batal", _("Cancelled")

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schedule exception")
        verbose_name_plural = _("schedule exceptions")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="schedule_exception_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} · {self.get_kind_display()}"
