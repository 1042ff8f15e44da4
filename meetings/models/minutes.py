"""Minutes (notulen) and the action items (tindak lanjut) they create."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from agencies.roles import membership_of
from cases.encryption import EncryptedTextField


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draf", _("Draft")
        SUBMITTED = "diajukan", _("Submitted to the coordinator")
        APPROVED = "disetujui", _("Approved and shared")

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="minutes"
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting} · {self.get_status_display()}"


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything for those who run the meeting (the forum's coordinators and
        secretary, a forum-less meeting's organiser); for anyone else only items of
        approved minutes: of meetings they may see, or assigned to them or their agency.
        Before approval (and its identity check) nothing leaves the runners."""
        from meetings.models.meetings import Meeting, runs_meeting, takes_part_in_meetings

        if not takes_part_in_meetings(user):
            return self.none()
        membership = membership_of(user)
        runs = runs_meeting(user, membership.agency_id, via="meeting__")
        readers = (
            Q(meeting__in=Meeting.objects.visible_to(user))
            | Q(agency_id=membership.agency_id)
            | Q(assignee=user)
        )
        approved = Q(meeting__minutes__status=Minutes.Status.APPROVED)
        return self.filter(runs | (approved & readers)).distinct()

    def released(self):
        """Items whose minutes are approved: what reminders may speak of."""
        return self.filter(meeting__minutes__status=Minutes.Status.APPROVED)

    def open(self):
        return self.filter(status__in=ActionItem.OPEN_STATES)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "terbuka", pgettext_lazy("action item status", "Open")
        IN_PROGRESS = "berjalan", pgettext_lazy("action item status", "In progress")
        DONE = "selesai", _("Done")
        DROPPED = "dibatalkan", _("Dropped")

    OPEN_STATES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="action_items"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("follow-up (tindak lanjut)"), max_length=300)
    agency = models.ForeignKey(
        Agency, verbose_name=_("responsible agency"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="terbuka")
    drop_reason = models.CharField(_("reason for dropping"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The version partners read in the ETag and send back in If-Match, and what a sync
    # with ``updated_since`` asks about; kept current by save(), whatever fields it names.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["agency", "status", "due_on"], name="action_item_agency")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # auto_now is written only with the fields named, so a partial save (as the status
        # service makes) must name it too, or an ETag would outlive the change it stands for.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {"updated_at", *update_fields}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("action-item-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()
