"""The aggregates dashboards and public statistics read, refreshed by a periodic task.

Nothing here can name a child: a cell is a count of cases and a count of victims for one
agency, one month and one value of one dimension (SIMFONI's cuts). Pages never aggregate
the case tables themselves; they sum these cells.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region


class Dimension(models.TextChoices):
    """How a month's cases of an agency are cut; the values are the cases app's codes."""

    TOTAL = "total", _("All cases")
    CLOSED = "closed", _("Closed cases")
    VIOLENCE_FORM = "violence_form", _("Form of violence")
    PLACE = "place", _("Place of the incident")
    RELATIONSHIP = "relationship", _("Perpetrator's relationship to the victim")
    AGE_BAND = "age_band", _("Age group")
    SEX = "sex", _("Sex")
    DISABILITY = "disability", _("Disability")
    EDUCATION = "education", _("Education")
    DISTRICT = "district", _("Kecamatan")
    AMPK = "ampk", _("AMPK category")


# Dimensions counted per victim (a case with two girls counts twice among victims).
VICTIM_DIMENSIONS = (Dimension.AGE_BAND, Dimension.SEX, Dimension.DISABILITY, Dimension.EDUCATION)


class StatCellQuerySet(models.QuerySet):
    def of_agency(self, agency):
        return self.filter(agency=agency)

    def of_regency(self, regency_id: str):
        return self.filter(regency_id=regency_id)

    def between(self, first_month, last_month):
        return self.filter(month__gte=first_month, month__lte=last_month)


class StatCell(models.Model):
    regency = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    # The first day of the month the case was reported (or closed), on the agency's clock.
    month = models.DateField()
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    value = models.CharField(max_length=24, blank=True)
    cases = models.PositiveIntegerField(default=0)
    victims = models.PositiveIntegerField(default=0)

    objects = StatCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics cell")
        verbose_name_plural = _("statistics cells")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "dimension", "value"], name="stat_cell_once"
            )
        ]
        indexes = [
            models.Index(fields=["regency", "dimension", "month"], name="stat_cell_regency"),
            models.Index(fields=["agency", "dimension", "month"], name="stat_cell_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m} {self.dimension}={self.value}"


class StatsRefresh(models.Model):
    """When the cells were last rebuilt: the "data as of" time every page shows."""

    finished_at = models.DateTimeField()
    seconds = models.FloatField()
    cells = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M:%S}"
