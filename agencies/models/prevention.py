"""Prevention activities (sosialisasi, kampanye, training) and each agency's monthly target."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models.accounts import Agency, Region
from agencies.network_scope import is_network_coordinator, network_membership

DEFAULT_MONTHLY_TARGET = 4  # the seeds' DP3AKB ran 4-5 sessions a month


class ActivityType(models.TextChoices):
    SOCIALISATION = "sosialisasi", _("Socialisation / counselling (sosialisasi/penyuluhan)")
    CAMPAIGN = "kampanye", _("Campaign (kampanye)")
    TRAINING = "pelatihan", _("Training of network members")


class TargetGroup(models.TextChoices):
    SCHOOL = "sekolah", _("School")
    PESANTREN = "pesantren", _("Pesantren")
    LKSA = "lksa", _("LKSA (children's home)")
    POSYANDU = "posyandu", _("Posyandu")
    COMMUNITY = "masyarakat", _("Community group")
    PARENTS = "orang_tua", _("Parents")
    CHILDREN = "anak", _("Children")


class PreventionActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The organising agency's staff, and the city's forum coordinators."""
        membership = network_membership(user)
        if membership is None:
            return self.none()
        if is_network_coordinator(user):
            return self.filter(
                Q(agency_id=membership.agency_id)
                | Q(agency__regency_id=membership.agency.regency_id)
            )
        return self.filter(agency_id=membership.agency_id)

    def editable_by(self, user):
        membership = network_membership(user)
        if membership is None:
            return self.none()
        return self.filter(agency_id=membership.agency_id)

    def in_month(self, year: int, month: int):
        return self.filter(held_on__year=year, held_on__month=month)


class PreventionActivity(models.Model):
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("organising agency"),
        on_delete=models.PROTECT,
        related_name="prevention_activities",
    )
    held_on = models.DateField(_("date"))
    type = models.CharField(_("type"), max_length=12, choices=ActivityType.choices)
    target_group = models.CharField(_("target group"), max_length=12, choices=TargetGroup.choices)
    place = models.CharField(_("place"), max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name=_("area (kecamatan or desa/kelurahan)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=300)
    boys = models.PositiveIntegerField(_("children, boys"), default=0)
    girls = models.PositiveIntegerField(_("children, girls"), default=0)
    men = models.PositiveIntegerField(_("adults, men"), default=0)
    women = models.PositiveIntegerField(_("adults, women"), default=0)
    materials = models.TextField(_("materials used"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PreventionActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("prevention activity")
        verbose_name_plural = _("prevention activities")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["agency", "-held_on"], name="prevention_by_agency")]

    def __str__(self) -> str:
        return f"{self.held_on} · {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("prevention-detail", args=[self.pk])

    @property
    def participants(self) -> int:
        return self.boys + self.girls + self.men + self.women

    def clean(self) -> None:
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _("Record an activity once it has taken place.")
        if self.region_id and Region.level_for_code(self.region_id) < Region.Level.DISTRICT:
            errors["region"] = _("Choose a kecamatan or a desa/kelurahan.")
        elif (
            self.region_id
            and self.agency_id
            and not self.region_id.startswith(self.agency.regency_id + ".")
        ):
            errors["region"] = _("The area must lie in the agency's city.")
        if errors:
            raise ValidationError(errors)


class PreventionTarget(models.Model):
    """How many activities an agency aims for each month, from a month onwards."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField(_("from month"), help_text=_("The first day of a month."))
    per_month = models.PositiveSmallIntegerField(
        _("activities per month"), default=DEFAULT_MONTHLY_TARGET, validators=[MinValueValidator(1)]
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("prevention target")
        verbose_name_plural = _("prevention targets")
        ordering = ["agency", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "starts_on"], name="prevention_target_once"),
            models.CheckConstraint(
                condition=Q(starts_on__day=1), name="prevention_target_month_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.starts_on:%Y-%m}: {self.per_month}"

    @classmethod
    def per_month_for(cls, agency, month_start) -> int:
        target = (
            cls.objects.filter(agency=agency, starts_on__lte=month_start)
            .order_by("-starts_on")
            .first()
        )
        return target.per_month if target else DEFAULT_MONTHLY_TARGET
