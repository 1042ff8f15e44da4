"""Prevention activities (sosialisasi, kampanye, training) and each agency's monthly target."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
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


def agency_today(agency: Agency | None) -> datetime.date:
    """Today where the agency works: Balikpapan (WITA) is an hour ahead of the server."""
    if agency is None:
        return timezone.localdate()
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(agency.time_zone))


PARTICIPANT_GROUPS = ("boys", "girls", "men", "women")
# Sums that read 0, not None, when no activity matches.
PARTICIPANT_SUMS = {group: Coalesce(Sum(group), 0) for group in PARTICIPANT_GROUPS}


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

    def in_period(self, start: datetime.date | None, end: datetime.date | None):
        """Held from ``start`` to ``end``, both days included; either may be open."""
        activities = self.filter(held_on__gte=start) if start else self
        return activities.filter(held_on__lte=end) if end else activities

    def in_district(self, district_code: str):
        """Held in the kecamatan itself or in one of its desa/kelurahan."""
        return self.filter(
            Q(region_id=district_code) | Q(region__code__startswith=district_code + ".")
        )

    def totals(self) -> dict[str, int]:
        """Activities and participants by group, in one query."""
        return self.order_by().aggregate(activities=Count("id"), **PARTICIPANT_SUMS)

    def monthly_totals(self):
        """One row per agency and month: agency_id, month, activities and participants."""
        return (
            self.order_by()
            .annotate(month=TruncMonth("held_on"))
            .values("agency_id", "month")
            .annotate(activities=Count("id"), **PARTICIPANT_SUMS)
            .order_by("agency_id", "month")
        )


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

    @property
    def children(self) -> int:
        return self.boys + self.girls

    @property
    def adults(self) -> int:
        return self.men + self.women

    def clean(self) -> None:
        errors = {}
        today = agency_today(self.agency if self.agency_id else None)
        if self.held_on and self.held_on > today:
            errors["held_on"] = _("Record an activity once it has taken place.")
        counts = [getattr(self, group) for group in PARTICIPANT_GROUPS]
        if None not in counts and sum(counts) == 0:
            errors[NON_FIELD_ERRORS] = _("Record at least one participant.")
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


class PreventionTargetQuerySet(models.QuerySet):
    def per_month_table(self, months: list[datetime.date]) -> dict[tuple[int, datetime.date], int]:
        """The target in force for each agency and month, from one query.

        Only agencies with a target row appear; the others aim for the default.
        """
        rows = self.filter(starts_on__lte=max(months)).order_by("agency_id", "starts_on")
        table = {}
        for agency_id, starts_on, per_month in rows.values_list(
            "agency_id", "starts_on", "per_month"
        ):
            # Rows come oldest first, so a later target overwrites an earlier one.
            table.update({(agency_id, month): per_month for month in months if starts_on <= month})
        return table


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

    objects = PreventionTargetQuerySet.as_manager()

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
