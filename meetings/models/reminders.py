"""Reminders computed from the database and claimed before they are sent, and the
private calendar feeds."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """One reminder to one person, unique by (kind, object, recipient, due time).

    The sweeper inserts what is due (a second insert of the same key does nothing);
    delivery claims the row with a conditional UPDATE in the same transaction that
    writes the notification, so however many times a task runs, a reminder is sent once,
    and a worker that dies mid-way leaves it pending for the next sweep.
    """

    class Kind(models.TextChoices):
        INVITATION_7D = "undangan_7h", _("Meeting in 7 days")
        INVITATION_1D = "undangan_1h", _("Meeting tomorrow")
        NO_MEETING = "tanpa_rapat", _("No meeting scheduled this month")
        MINUTES_DUE = "notulen", _("Minutes not written 3 days after the meeting")
        ACTIONS_DIGEST = "tindak_lanjut", _("Weekly digest of overdue action items")
        RSVP_CHASER = "konfirmasi", _("No answer to the invitation 3 days before")

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Waiting")
        SENT = "terkirim", _("Sent")
        SKIPPED = "dilewati", _("No longer applies")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField()
    code = models.CharField(
        max_length=60, help_text="What the text names: a meeting date, a month."
    )
    url = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient", "due_at"],
                name="reminder_once",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_queue")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} → {self.recipient_id}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A private iCalendar feed: the secret token is shown once and stored hashed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"

    @classmethod
    def issue(cls, user) -> tuple["CalendarFeed", str]:
        """A new feed (older ones are revoked) and its token, which is never stored."""
        cls.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=token_digest(token)), token

    @classmethod
    def user_for(cls, token: str):
        feed = (
            cls.objects.select_related("user")
            .filter(token_hash=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        return feed.user if feed else None
