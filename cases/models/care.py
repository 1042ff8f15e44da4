"""Services given to the child: deadlines, records, counselling sessions and restitution
(safe-house placements are in ``shelters``)."""

import functools
import operator
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.encryption import EncryptedTextField
from cases.models.cases import CaseContentQuerySet, cases_sharing_section
from cases.models.choices import CaseSection, RiskLevel
from cases.models.work import HEALTH_SERVICES, LEGAL_SERVICES, ServiceType

DEFAULT_SERVICE_HOURS = 7 * 24
RESTITUTION_PAYMENT_DAYS = 30  # PP 29/2025 Ps 8: statutory, not configurable


class ServiceDeadline(models.Model):
    """How long a service may take, by service type and risk level (configurable)."""

    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    hours = models.PositiveIntegerField(_("hours"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service deadline")
        verbose_name_plural = _("service deadlines")
        ordering = ["service_type", "risk_level"]
        constraints = [
            models.UniqueConstraint(fields=["service_type", "risk_level"], name="deadline_once"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_service_type_display()} · {self.get_risk_level_display()}: {self.hours} h"
        )

    @classmethod
    def hours_for(cls, service_type: str, risk_level: str) -> int:
        row = cls.objects.filter(service_type=service_type, risk_level=risk_level).first()
        return row.hours if row else DEFAULT_SERVICE_HOURS


def _services_by_section() -> tuple[tuple[str, Q], ...]:
    """Which services each section shares: a service belongs to the health, legal or
    plan section by its type."""
    health, legal = list(HEALTH_SERVICES), list(LEGAL_SERVICES)
    return (
        (CaseSection.HEALTH, Q(service_type__in=health)),
        (CaseSection.LEGAL, Q(service_type__in=legal)),
        (CaseSection.PLAN, ~Q(service_type__in=health + legal)),
    )


class ServiceRecordQuerySet(CaseContentQuerySet):
    def shared_with(self, user) -> Q:
        return functools.reduce(
            operator.or_,
            (
                services & Q(case__in=cases_sharing_section(user, section))
                for section, services in _services_by_section()
            ),
        )

    def shown_in(self, sections: frozenset[str]) -> Q | None:
        """``shared_with`` for one case whose shared sections are known."""
        by_section = _services_by_section()
        if sections >= {section for section, _services in by_section}:
            return Q()
        shown = [services for section, services in by_section if section in sections]
        return functools.reduce(operator.or_, shown) if shown else None

    def overdue(self):
        return self.filter(status=ServiceRecord.Status.PLANNED, due_at__lt=timezone.now())


class ServiceRecord(models.Model):
    class Status(models.TextChoices):
        PLANNED = "direncanakan", _("Planned")
        DELIVERED = "diberikan", _("Delivered")
        CANCELLED = "dibatalkan", _("Cancelled")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    provider = models.ForeignKey(
        Agency, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    due_at = models.DateTimeField(_("due by"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    case_section = CaseSection.PLAN
    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="service_due")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_service_type_display()}"

    def is_overdue(self) -> bool:
        return self.status == self.Status.PLANNED and self.due_at < timezone.now()


class CounsellingSession(models.Model):
    """A counselling or therapy session; a no-show is rescheduled, keeping the history."""

    class Attendance(models.TextChoices):
        SCHEDULED = "terjadwal", _("Scheduled")
        ATTENDED = "hadir", _("Attended")
        NO_SHOW = "tidak_hadir", _("Did not come")
        CANCELLED = "dibatalkan", _("Cancelled")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sessions")
    counsellor = models.CharField(_("psychologist or counsellor"), max_length=150)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    attendance = models.CharField(
        _("attendance"), max_length=12, choices=Attendance.choices, default=Attendance.SCHEDULED
    )
    rescheduled_from = models.OneToOneField(
        "self",
        verbose_name=_("rescheduled from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rescheduled_to",
    )
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    case_section = CaseSection.HEALTH
    objects = CaseContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        ordering = ["scheduled_at"]

    def __str__(self) -> str:
        return f"{self.case} · {self.scheduled_at:%Y-%m-%d %H:%M}"


class Restitution(models.Model):
    """Restitution in a TPKS case: payment is due 30 days after the ruling is received."""

    class PaidBy(models.TextChoices):
        PERPETRATOR = "pelaku", _("The perpetrator")
        VICTIM_FUND = "dbk", _("LPSK victim fund (Dana Bantuan Korban)")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="restitution")
    ruling_received_on = models.DateField(_("court ruling received on"))
    amount = models.DecimalField(
        _("amount (Rp)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.CharField(_("paid by"), max_length=8, choices=PaidBy.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)

    case_section = CaseSection.LEGAL
    objects = CaseContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("restitution")
        verbose_name_plural = _("restitutions")

    def __str__(self) -> str:
        return f"{self.case} · {self.amount}"

    def clean(self) -> None:
        if self.ruling_received_on and self.ruling_received_on > timezone.localdate():
            raise ValidationError({"ruling_received_on": _("The date cannot be in the future.")})

    def payment_due_on(self):
        return self.ruling_received_on + timedelta(days=RESTITUTION_PAYMENT_DAYS)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.paid_on is None and today > self.payment_due_on()
