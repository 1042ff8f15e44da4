from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.encryption import EncryptedTextField


class AuditEventQuerySet(models.QuerySet):
    def for_case(self, case):
        return self.filter(case=case).select_related("actor", "agency")


class AuditEvent(models.Model):
    """Append-only trail: who did or saw what, when and from where.

    Written in the same transaction as the action it records; on PostgreSQL a trigger
    refuses UPDATE and DELETE on this table. It never holds identity values, only the
    names of the fields touched; a reveal's stated reason is encrypted.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed the case")
        REVEAL_IDENTITY = "reveal_identity", _("Revealed the identity")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        TRANSITION = "transition", _("Moved to another step")
        DOWNLOAD = "download", _("Downloaded a document")
        GRANT = "grant", _("Granted access")
        REVOKE = "revoke", _("Revoked access")
        EXPORT = "export", _("Exported")
        # A text written for a meeting seemed to hold this case's identity: the check
        # read it, and the writer learnt one bit of it.
        IDENTITY_MATCH = "identity_match", _("A meeting text matched the identity")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        related_name="audit_events",
    )
    object_type = models.CharField(_("record type"), max_length=40, blank=True)
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    reason = EncryptedTextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "-at"], name="audit_case_recent"),
            models.Index(fields=["actor", "-at"], name="audit_actor_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
