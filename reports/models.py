"""The aggregates dashboards and public statistics read, refreshed by a periodic task.

Nothing here can name a child: a cell is a count of cases and a count of victims for one
agency, one month and one value of one dimension (SIMFONI's cuts). Pages never aggregate
the case tables themselves; they sum these cells.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from cases.encryption import EncryptedTextField
from cases.models.documents import private_storage


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
    TPKS_72H = "tpks_72h", _("TPKS: police report within 72 hours")
    # KLA cluster V: one cell per "AMPK category|age group|sex" of each victim.
    KLA = "kla", _("AMPK by age group and sex")
    KLA_SERVED = "kla_served", _("AMPK served, by age group and sex")
    KLA_MONITORED = "kla_monitored", _("AMPK monitored after closure, by age group and sex")
    # Snapshots of the refresh's own month: the state of things now, not a month's flow.
    OPEN_AGE = "open_age", _("Open cases by age")
    CASELOAD = "caseload", _("Open cases per lead caseworker")
    OVERDUE = "overdue", _("Overdue now")


# Dimensions counted per victim (a case with two girls counts twice among victims).
VICTIM_DIMENSIONS = (
    Dimension.AGE_BAND,
    Dimension.SEX,
    Dimension.DISABILITY,
    Dimension.EDUCATION,
    Dimension.KLA,
    Dimension.KLA_SERVED,
    Dimension.KLA_MONITORED,
)
SNAPSHOT_DIMENSIONS = (Dimension.OPEN_AGE, Dimension.CASELOAD, Dimension.OVERDUE)


class StatCellQuerySet(models.QuerySet):
    def of_agency(self, agency):
        return self.filter(agency=agency)

    def of_regency(self, regency_id: str):
        return self.filter(regency_id=regency_id)

    def between(self, first_month, last_month):
        return self.filter(month__gte=first_month, month__lte=last_month)


class StatCell(models.Model):
    # No index of their own: the indexes below lead with them. Fewer indexes to keep up
    # make rewriting cells cheaper, and a refresh rewrites many.
    regency = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_index=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The first day of the month the case was reported (or closed), on the agency's clock.
    month = models.DateField()
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    # Up to "perilaku_menyimpang|13-17|na" (KLA's key) and beyond: 24 was too short.
    value = models.CharField(max_length=40, blank=True)
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
    # Cells written: all of them after a full rebuild, the changed slices' otherwise.
    cells = models.PositiveIntegerField()
    # Every slice counted again (the first time and hourly), not only the changed ones.
    full = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M:%S}"


class MetricsRefresh(models.Model):
    """When the coordination metric cells were last counted again, and over what.

    ``started_at`` is the moment the refresh counted "now" at: the next one looks for
    deadlines that passed since then (reports.metric_window)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    seconds = models.FloatField()
    # Cells the counted months make (all of them after a full rebuild).
    cells = models.PositiveIntegerField()
    # Every month counted again (the first time and hourly), not only the touched ones.
    full = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("metrics refresh")
        verbose_name_plural = _("metrics refreshes")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S}"


class MetricsChange(models.Model):
    """A UTC day whose metric months are out of date: written by PostgreSQL triggers on
    the tables the indicators count (migration 0008), read and emptied by the next
    refresh (reports.metric_window). No day: every month. Duplicates are expected."""

    day = models.DateField(null=True)

    class Meta:
        verbose_name = _("metrics change")
        verbose_name_plural = _("metrics changes")

    def __str__(self) -> str:
        return str(self.day)


class StatsChange(models.Model):
    """A slice (agency, month) whose cells are out of date: written by PostgreSQL triggers
    on the counted tables (migration 0006), read and emptied by the next refresh
    (reports.slices). No month: every month of the agency. Duplicates are expected."""

    agency_id = models.BigIntegerField()
    month = models.DateField(null=True)

    class Meta:
        verbose_name = _("statistics change")
        verbose_name_plural = _("statistics changes")

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month}"


class Metric(models.TextChoices):
    """What a metric cell counts; docs/coordination-metrics.md defines each one exactly."""

    # Informasi dan komunikasi: referrals, by the receiving agency, month sent.
    REFERRAL_RESPONSE_HOURS = "referral_response_hours", _("Hours to answer a referral")
    REFERRAL_ON_TIME = "referral_on_time", _("Referrals answered before the deadline")
    # By the receiving agency, month completed.
    REFERRAL_FEEDBACK = "referral_feedback", _("Referrals completed with feedback")
    # Kalender (penjadwalan): meetings an agency was invited to (or of the regency).
    MEETINGS_HELD = "meetings_held", _("Meetings held of those scheduled")
    ATTENDANCE = "attendance", _("Meetings attended")
    MINUTES_ON_TIME = "minutes_on_time", _("Minutes written within 3 days")
    # Kesepakatan dan komitmen.
    ACTIONS_ON_TIME = "actions_on_time", _("Action items done on time")
    COMMITMENTS_KEPT = "commitments_kept", _("Commitments of the joint agreement kept")
    # Umpan balik: referrals by the sending agency, month ended.
    REFERRAL_OUTCOME = "referral_outcome", _("Referrals closed with an outcome")
    # Kinerja unit: cases by the lead agency.
    CASES_TAKEN_ON = "cases_taken_on", _("Cases taken on")
    CASEWORKERS = "caseworkers", _("Caseworkers")
    FIRST_CONTACT_HOURS = "first_contact_hours", _("Hours from complaint to first contact")
    ASSESSMENT_HOURS = "assessment_hours", _("Hours from complaint to assessment")
    CLOSED_WITH_REASON = "closed_with_reason", _("Cases closed with a documented reason")
    CLOSURE_AUDITED = "closure_audited", _("Closures in the audit trail")


# Durations kept as histograms: bucket = lower bound in hours, numerator = the sum of the
# hours in the bucket, denominator = how many; a median over any months and agencies is
# read from the combined buckets (reports.coordination.median_of).
HOURS_METRICS = (
    Metric.REFERRAL_RESPONSE_HOURS,
    Metric.FIRST_CONTACT_HOURS,
    Metric.ASSESSMENT_HOURS,
)
# States rather than flows: recorded for the month the refresh runs in, and kept when the
# month is over (the history cannot be rebuilt from the data later).
SNAPSHOT_METRICS = (Metric.CASEWORKERS, Metric.COMMITMENTS_KEPT)


class MetricCell(models.Model):
    """One number of the coordination and unit-performance indicators: an agency's (or,
    with no agency, a regency's meetings') numerator and denominator for one month.

    Counts only: no case, person, referral or user is named or identifiable here.
    """

    # Indexed by metric_cell_regency, and an agency's cells by metric_cell_agency_once:
    # a foreign key index of their own would only slow the refresh's writes.
    regency = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Empty for indicators of the regency's meetings as a whole (held, minutes).
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    # The first day of the month, on the agency's (or the forum's) clock.
    month = models.DateField()
    metric = models.CharField(max_length=24, choices=Metric.choices)
    # For HOURS_METRICS the lower bound of the bucket in hours; 0 otherwise.
    bucket = models.PositiveIntegerField(default=0)
    numerator = models.FloatField(default=0)
    denominator = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("metric cell")
        verbose_name_plural = _("metric cells")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "metric", "bucket"],
                condition=models.Q(agency__isnull=False),
                name="metric_cell_agency_once",
            ),
            models.UniqueConstraint(
                fields=["regency", "month", "metric", "bucket"],
                condition=models.Q(agency__isnull=True),
                name="metric_cell_regency_once",
            ),
        ]
        # An agency's cells are read (and deleted with it) through metric_cell_agency_once;
        # this one serves a region's deletion.
        indexes = [models.Index(fields=["regency", "month"], name="metric_cell_regency")]

    def __str__(self) -> str:
        who = self.agency_id or self.regency_id
        return f"{who} {self.month:%Y-%m} {self.metric}[{self.bucket}]"


def _import_file_name(instance, filename: str) -> str:
    # The stored name says nothing: not the agency, not the spreadsheet's own name.
    return f"imports/{uuid.uuid4().hex}"


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The batches of the user's agency, for its data officers and heads; none else."""
        from reports.imports import import_agency

        agency = import_agency(user)
        if agency is None:
            return self.none()
        return self.filter(agency=agency)


class ImportBatch(models.Model):
    """One uploaded spreadsheet of past cases, from upload to import (docs/historical-import.md).

    The file is kept encrypted in private storage only until its rows are imported; the
    validation report holds row numbers, column names and message codes, never a value.
    """

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Checking the rows")
        READY = "ready", _("Checked, waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Cannot be imported")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file = models.FileField(
        storage=private_storage, upload_to=_import_file_name, max_length=200, blank=True
    )
    # The spreadsheet's own name may say whose cases these are: kept encrypted, shown to
    # the agency's data officers only so they recognise their upload.
    original_name = EncryptedTextField(_("original file name"), blank=True)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    # Refuses the same spreadsheet twice (it would count every case twice).
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALIDATING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 3, "column": "Tanggal lapor", "code": "date_format", "params": {}}, ...]:
    # the first errors only (reports.imports.MAX_STORED_ERRORS), rendered in the reader's
    # language from the codes.
    errors = models.JSONField(_("validation report"), default=list, blank=True)
    only_valid = models.BooleanField(_("import only the valid rows"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("historical import")
        verbose_name_plural = _("historical imports")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["agency", "sha256"], name="import_batch_file")]

    def __str__(self) -> str:
        return f"{self.agency_id} #{self.pk} {self.status}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.IMPORTING)

    @property
    def invalid_rows(self) -> int:
        return max(self.total_rows - self.valid_rows, 0)


class HistoricalVictim(models.Model):
    """One child of one past case, as an agency's spreadsheet recorded it: de-identified.

    Never a live case (nobody works it) and never a name, a birth date or an address
    below kecamatan: only what the statistics count. Rows with the same ``case_key`` are
    one case (siblings).
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="victims")
    # The rows of one case share this key: a keyed hash of the batch and the spreadsheet's
    # own case number (which may be a police report number, findable elsewhere).
    case_key = models.CharField(max_length=64)
    row = models.PositiveIntegerField(_("row in the spreadsheet"))
    reported_on = models.DateField(_("reported on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    place_type = models.CharField(max_length=20, blank=True)
    relationship = models.CharField(max_length=20, blank=True)
    ampk_category = models.CharField(max_length=20, blank=True)
    district = models.CharField(_("kecamatan code"), max_length=8, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    # Age in whole years on the report date; a birth date given in the file is not kept.
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    education = models.CharField(max_length=20, blank=True)
    disability = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("historical victim")
        verbose_name_plural = _("historical victims")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row"], name="historical_victim_row_once")
        ]
        indexes = [models.Index(fields=["agency", "reported_on"], name="historical_victim_month")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}"


class HistoricalViolenceForm(models.Model):
    """A form of violence one historical victim suffered (several per row)."""

    victim = models.ForeignKey(HistoricalVictim, on_delete=models.CASCADE, related_name="forms")
    form = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("historical form of violence")
        verbose_name_plural = _("historical forms of violence")
        constraints = [
            models.UniqueConstraint(fields=["victim", "form"], name="historical_form_once")
        ]

    def __str__(self) -> str:
        return self.form
