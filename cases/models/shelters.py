"""Safe houses (rumah aman, rumah perlindungan, LKSA) and the placements of children in
them. Occupancy is never stored: it is counted from the placements recorded in cases."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.network_scope import SAFE_HOUSE_ROLES
from agencies.roles import Role, has_role, membership_of
from cases.encryption import EncryptedTextField
from cases.models.cases import CaseContentQuerySet
from cases.models.choices import CaseSection

DEFAULT_SAFE_HOUSE_DAYS = 7  # "1×7 hari", extendable: a local default, not statute
# Who may place a child in a safe house (besides editing the case itself).
PLACING_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)


class SafeHouseQuerySet(models.QuerySet):
    """The one visibility rule for safe houses: the city's houses, for the roles that
    work with them. Nothing here reveals who stays in a house."""

    def visible_to(self, user):
        membership = membership_of(user)
        if membership is None or not has_role(user, *SAFE_HOUSE_ROLES):
            return self.none()
        return self.filter(operator__regency_id=membership.agency.regency_id)

    def placeable_by(self, user):
        """Active houses the user's agency may place a child in: its own, or those whose
        operator lets it place. Only caseworkers and supervisors place."""
        if not has_role(user, *PLACING_ROLES):
            return self.none()
        agency_id = membership_of(user).agency_id
        allowed = SafeHouse.placing_agencies.through.objects.filter(agency_id=agency_id)
        return (
            self.visible_to(user)
            .filter(is_active=True)
            .filter(Q(operator_id=agency_id) | Q(pk__in=allowed.values("safehouse_id")))
        )

    def with_occupancy(self, today: date | None = None):
        """Annotate ``occupied``, ``free`` and ``overdue`` (open placements past their
        planned end) as of ``today``, as subqueries: one query for any number of houses."""
        today = today or timezone.localdate()
        occupied = _count_per_house(Placement.objects.occupying(today))
        overdue = _count_per_house(Placement.objects.beyond_planned_stay(today))
        return self.annotate(occupied=occupied, overdue=overdue).annotate(
            free=F("capacity") - F("occupied")
        )

    def with_free_places(self):
        """Houses with room today; call after ``with_occupancy``."""
        return self.filter(occupied__lt=F("capacity"))


def _count_per_house(placements):
    rows = (
        placements.filter(safe_house=OuterRef("pk"))
        .order_by()
        .values("safe_house")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), Value(0))


class SafeHouse(models.Model):
    """A place where a child may stay for protection. Its location is secret."""

    class Kind(models.TextChoices):
        SAFE_HOUSE = "rumah_aman", _("Safe house (Rumah Aman)")
        SHELTER = "rumah_perlindungan", _("Protection home or shelter (Rumah Perlindungan)")
        LKSA = "lksa", _("Child welfare institution (LKSA)")
        OTHER = "lainnya", _("Other")

    operator = models.ForeignKey(
        Agency, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="safe_houses"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    standard_stay_days = models.PositiveIntegerField(
        _("standard stay (days)"),
        default=DEFAULT_SAFE_HOUSE_DAYS,
        validators=[MinValueValidator(1)],
        help_text=_("A new placement's planned end, unless the caseworker sets another."),
    )
    placing_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("agencies that may place children"),
        blank=True,
        related_name="+",
        help_text=_("The operator may always place."),
    )
    # Where the house is: shown only to the operator's and the placing agencies' staff.
    address = EncryptedTextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SafeHouseQuerySet.as_manager()

    class Meta:
        verbose_name = _("safe house")
        verbose_name_plural = _("safe houses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "name"], name="safe_house_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="safe_house_capacity"),
            models.CheckConstraint(
                condition=Q(standard_stay_days__gte=1), name="safe_house_stay_days"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("safe-house-detail", args=[self.pk])

    def address_visible_to(self, user) -> bool:
        """The operator's and the placing agencies' staff know where the house is."""
        membership = membership_of(user)
        if membership is None or not has_role(user, *SAFE_HOUSE_ROLES):
            return False
        return (
            membership.agency_id == self.operator_id
            or self.placing_agencies.filter(pk=membership.agency_id).exists()
        )

    def places_taken_during(self, start: date, end: date) -> int:
        """Placements that would share the house with a stay from ``start`` to ``end``.
        An open stay holds its place until it is ended, whatever its planned end."""
        return Placement.objects.filter(safe_house=self).overlapping(start, end).count()

    def default_planned_end(self, started_on: date) -> date:
        return started_on + timedelta(days=self.standard_stay_days)


class PlacementQuerySet(CaseContentQuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)

    def occupying(self, day: date):
        """Placements taking a place on ``day``: started, and not ended by then."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)

    def overlapping(self, start: date, end: date):
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start), started_on__lte=end)

    def beyond_planned_stay(self, day: date):
        return self.open().filter(planned_end_on__lt=day)

    def awaiting_overdue_flag(self, day: date):
        """Beyond the planned stay and not yet flagged for the current planned end (an
        extension moves the planned end, so the placement is flagged again later)."""
        return self.beyond_planned_stay(day).filter(
            Q(overdue_flagged_for__isnull=True) | ~Q(overdue_flagged_for=F("planned_end_on"))
        )


class Placement(models.Model):
    """A stay in a safe house or shelter (rumah aman, LKSA) given as a service."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="placements")
    safe_house = models.ForeignKey(
        SafeHouse,
        verbose_name=_("safe house"),
        on_delete=models.PROTECT,
        null=True,  # placements recorded before safe houses were registered
        blank=True,
        related_name="placements",
    )
    operator = models.ForeignKey(
        Agency,
        verbose_name=_("safe house or shelter operator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_name = EncryptedTextField(_("place"), blank=True)  # where a safe house is: secret
    started_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))
    ended_on = models.DateField(_("actual end"), null=True, blank=True)
    # The planned end the supervisors were told about; an extension re-arms the flag.
    overdue_flagged_for = models.DateField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    case_section = CaseSection.PLAN
    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-started_on"]
        indexes = [
            models.Index(
                fields=["planned_end_on"],
                condition=Q(ended_on__isnull=True),
                name="placement_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=F("started_on")), name="placement_planned_end"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="placement_actual_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.started_on}"

    def clean(self) -> None:
        if self.planned_end_on and self.started_on and self.planned_end_on < self.started_on:
            raise ValidationError({"planned_end_on": _("The planned end is before the start.")})
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end is before the start.")})

    def is_open(self) -> bool:
        return self.ended_on is None

    def is_beyond_planned_stay(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.ended_on is None and today > self.planned_end_on

    def place_label(self) -> str:
        """The house's name; older placements name only the operator."""
        return str(self.safe_house or self.operator)
