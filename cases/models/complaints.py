from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.roles import Role, membership_of, roles_of
from cases.encryption import EncryptedTextField
from cases.models.choices import (
    Channel,
    PerpetratorRelationship,
    TpksOffence,
    ViolenceForm,
)
from cases.models.incident import Incident
from cases.models.people import Person

# Roles that receive and see their agency's complaints.
INTAKE_ROLES = (Role.INTAKE, Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD)
TRIAGE_ROLES = (Role.INTAKE, Role.SUPERVISOR)


class PublicStatus(models.TextChoices):
    RECEIVED = "diterima", _("Received")
    HANDLED = "ditangani", _("Being handled")
    CLOSED = "selesai", _("Closed")


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their agency's complaints; a community reporter only what they filed."""
        membership = membership_of(user)
        if membership is None:
            return self.none()
        from cases.models.cases import Case

        roles = roles_of(user)
        rule = models.Q(pk__in=[])
        if Role.COMMUNITY in roles:
            rule |= models.Q(filed_by=user)  # their own reports, for the status only
        if not roles.isdisjoint(INTAKE_ROLES):
            # Once triaged into a case, a complaint is only as visible as that case.
            rule |= models.Q(agency_id=membership.agency_id) & (
                models.Q(case__isnull=True) | models.Q(case__in=Case.objects.visible_to(user))
            )
        return self.filter(rule)

    def editable_by(self, user):
        """Triage: untriaged complaints of the user's agency, for intake officers and
        supervisors there."""
        membership = membership_of(user)
        if membership is None or roles_of(user).isdisjoint(TRIAGE_ROLES):
            return self.none()
        return self.filter(agency_id=membership.agency_id, outcome="")

    def awaiting_triage(self):
        return self.filter(outcome="")


class Complaint(Incident):
    """A pengaduan as received, before triage turns it into a case (or not)."""

    class Outcome(models.TextChoices):
        OPENED = "dibuka", _("Opened as a new case")
        ATTACHED = "digabung", _("Attached to an existing case")
        NOT_A_CASE = "bukan_kasus", _("Closed: not a case")

    class ConsentBy(models.TextChoices):
        CHILD = "anak", _("The child")
        GUARDIAN = "wali", _("Parent/guardian")
        OTHER = "lainnya", _("Someone else")

    agency = models.ForeignKey(
        Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_complaints",
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    reporter = models.ForeignKey(
        Person,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reporter_is_anonymous = models.BooleanField(_("the reporter stays anonymous"), default=False)
    narrative = EncryptedTextField(_("what happened (chronology)"))
    violence_forms = models.JSONField(_("forms of violence"), default=list, blank=True)
    tpks_offence = models.CharField(
        _("sexual violence offence (TPKS)"), max_length=24, choices=TpksOffence.choices, blank=True
    )
    consent_by = models.CharField(
        _("consent given by"), max_length=8, choices=ConsentBy.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_purpose = EncryptedTextField(_("consent given for"), blank=True)
    tracking_code_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    outcome = models.CharField(_("triage"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_reason = EncryptedTextField(_("reason"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["agency", "outcome", "-received_at"], name="complaint_inbox")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.received_at:%Y-%m-%d %H:%M}"

    def public_status(self) -> str:
        """All a reporter may learn from a tracking code: received, being handled, closed."""
        if not self.outcome:
            return PublicStatus.RECEIVED
        if self.outcome == self.Outcome.NOT_A_CASE or (
            self.case is not None and self.case.status == "terminasi"
        ):
            return PublicStatus.CLOSED
        return PublicStatus.HANDLED

    def clean(self) -> None:
        unknown = set(self.violence_forms) - set(ViolenceForm.values)
        if unknown:
            raise ValidationError({"violence_forms": _("Choose forms of violence from the list.")})
        if self.received_at and self.received_at > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationError(
                {"received_at": _("The complaint cannot be received in the future.")}
            )
        if self.incident_date and self.incident_date > timezone.localdate(self.received_at):
            raise ValidationError(
                {"incident_date": _("The incident cannot be after the complaint was received.")}
            )
        if self.tpks_offence and ViolenceForm.SEXUAL not in self.violence_forms:
            raise ValidationError(
                {"tpks_offence": _("A TPKS offence applies only to sexual violence.")}
            )


class ComplaintParty(models.Model):
    """A child or alleged perpetrator named in a complaint."""

    class Part(models.TextChoices):
        CHILD = "anak", _("Child")
        ALLEGED_PERPETRATOR = "terlapor", _("Alleged perpetrator")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    part = models.CharField(_("part"), max_length=10, choices=Part.choices)
    relationship = models.CharField(
        _("relationship to the child"),
        max_length=16,
        choices=PerpetratorRelationship.choices,
        blank=True,
    )
    is_child_in_conflict_with_law = models.BooleanField(
        _("child in conflict with the law (SPPA)"), default=False
    )

    class Meta:
        verbose_name = _("complaint party")
        verbose_name_plural = _("complaint parties")

    def __str__(self) -> str:
        return self.get_part_display()
