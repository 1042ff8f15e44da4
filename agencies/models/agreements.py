"""Joint agreements (Kesepakatan Bersama): who signed, and what each signatory took on."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.catalogue import ServiceType
from agencies.models.accounts import Agency, Region
from agencies.network_scope import is_network_coordinator, network_membership

# Coordinators hear about an agreement's end this many days before it.
EXPIRY_WARNING_DAYS = (60, 30)
DEFAULT_ON_TIME_TARGET = 80


def _agreement_file_name(instance, filename: str) -> str:
    # Random: the stored name never repeats what the uploader called the file.
    return f"agreements/{uuid.uuid4().hex}"


def _private_storage():
    from cases.models.documents import private_storage

    return private_storage()


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agreements the user's agency signed; nothing for anyone outside the network."""
        membership = network_membership(user)
        if membership is None:
            return self.none()
        signed = AgreementSignatory.objects.filter(
            agreement=OuterRef("pk"), agency_id=membership.agency_id
        )
        return self.filter(Exists(signed))

    def editable_by(self, user):
        """Coordinators of a signatory agency keep the agreement up to date."""
        if not is_network_coordinator(user):
            return self.none()
        return self.visible_to(user)

    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on, valid_until__gte=on)

    def ending_on(self, day):
        return self.filter(valid_until=day)


class Agreement(models.Model):
    regency = models.ForeignKey(
        Region,
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.REGENCY},
    )
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=120)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    description = models.TextField(_("description"), blank=True)
    document = models.FileField(
        _("signed document (PDF)"),
        storage=_private_storage,
        upload_to=_agreement_file_name,
        blank=True,
    )
    on_time_target = models.PositiveSmallIntegerField(
        _("target: percent of referrals answered on time"),
        default=DEFAULT_ON_TIME_TARGET,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("signatory agencies"),
        through="AgreementSignatory",
        related_name="agreements",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint agreement")
        verbose_name_plural = _("joint agreements")
        ordering = ["-valid_until", "title"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "number"], name="agreement_number_once"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_period_forward",
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="agreement_expiry")]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("agreement-detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of the validity period is before its start.")
        if self.signed_on and self.signed_on > timezone.localdate():
            errors["signed_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def is_in_force(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on <= self.valid_until

    def days_left(self, on=None) -> int:
        return (self.valid_until - (on or timezone.localdate())).days

    def expiry_warning_dates(self) -> list:
        return [self.valid_until - timedelta(days=days) for days in EXPIRY_WARNING_DAYS]


class AgreementSignatory(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.CharField(_("signed by (position)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="signatory_once"),
        ]
        indexes = [models.Index(fields=["agency", "agreement"], name="signatory_by_agency")]

    def __str__(self) -> str:
        return str(self.agency)


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(agreement__in=Agreement.objects.visible_to(user))


class Commitment(models.Model):
    """What one signatory takes on; a service commitment is measured by its referrals."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="commitments"
    )
    service_type = models.CharField(
        _("service from its catalogue"),
        max_length=32,
        choices=ServiceType.choices,
        blank=True,
        help_text=_("Leave empty for a commitment that is not a service, e.g. prevention."),
    )
    description = models.CharField(_("commitment"), max_length=300)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["agency__name", "service_type", "id"]
        indexes = [models.Index(fields=["agency", "agreement"], name="commitment_by_agency")]

    def __str__(self) -> str:
        return f"{self.agency} · {self.description}"
