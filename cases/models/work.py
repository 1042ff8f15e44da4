"""The work on a case: assessments, the intervention plan, notes and visits."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.catalogue import HEALTH_SERVICES, LEGAL_SERVICES, ServiceType  # noqa: F401
from cases.encryption import EncryptedTextField
from cases.models.cases import CaseContentQuerySet
from cases.models.choices import CaseSection


class Assessment(models.Model):
    """Asesmen biopsikososial-spiritual: the child's condition, needs and hopes."""

    class Kind(models.TextChoices):
        INITIAL = "awal", _("Initial assessment")
        FURTHER = "lanjutan", _("Further assessment")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    condition = EncryptedTextField(_("biological, psychological, social and spiritual condition"))
    needs = EncryptedTextField(_("needs"))
    hopes = EncryptedTextField(_("hopes of the child and family"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    case_section = CaseSection.ASSESSMENT
    objects = CaseContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class InterventionPlan(models.Model):
    """Rencana intervensi: goals and planned services, approved by a supervisor."""

    class Status(models.TextChoices):
        SUBMITTED = "diajukan", _("Submitted for approval")
        APPROVED = "disetujui", _("Approved")
        RETURNED = "dikembalikan", _("Returned for changes")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plans")
    goals = EncryptedTextField(_("goals"))
    planned_services = models.JSONField(_("planned services"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = EncryptedTextField(_("note on the decision"), blank=True)

    case_section = CaseSection.PLAN
    objects = CaseContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention plan")
        verbose_name_plural = _("intervention plans")
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_status_display()}"

    def planned_service_labels(self) -> list[str]:
        labels = dict(ServiceType.choices)
        return [str(labels.get(code, code)) for code in self.planned_services]


class CaseNote(models.Model):
    """A case note, a home visit or a post-care monitoring visit."""

    class Kind(models.TextChoices):
        NOTE = "catatan", _("Case note")
        HOME_VISIT = "kunjungan_rumah", _("Home visit")
        MONITORING_VISIT = "pemantauan", _("Monitoring visit")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    text = EncryptedTextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    case_section = CaseSection.NOTES
    objects = CaseContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-happened_on", "-written_at"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"
