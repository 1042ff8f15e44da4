"""Referrals (rujukan): one agency asks another for a service for a child, sharing
only the sections of the case it chose, with consent, and an answer due by a deadline."""

import operator
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.catalogue import ServiceType
from agencies.models import Agency
from agencies.roles import Role, membership_of, roles_of
from cases.encryption import EncryptedTextField
from cases.models import Case, CaseDocument, Complaint
from cases.models.cases import visible_case_of_row
from cases.models.choices import CaseSection

# Who reads their agency's referrals: every incoming one, and outgoing ones of any case.
AGENCY_WIDE_ROLES = (Role.SUPERVISOR, Role.HEAD)
# Who works referrals at the receiving end: answers them (if addressed or supervising).
RECEIVING_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)

# The least a receiving agency needs, by its type (DESIGN: minimisation by default).
DEFAULT_SECTIONS_BY_AGENCY_TYPE = {
    "disdukcapil": [CaseSection.IDENTITY],
    "hospital": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.HEALTH],
    "puskesmas": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.HEALTH],
    "dinkes": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.HEALTH],
    "unit_ppa": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.LEGAL],
    "kejaksaan": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.LEGAL],
    "pengadilan": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.LEGAL],
    "ngo": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.LEGAL],
    "lpsk": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.LEGAL],
    "education": [CaseSection.IDENTITY],  # schools get no chronology
    "uptd_ppa": [CaseSection.IDENTITY, CaseSection.INCIDENT, CaseSection.ASSESSMENT],
    "lksa": [CaseSection.IDENTITY, CaseSection.ASSESSMENT, CaseSection.PLAN],
}
MINIMAL_SECTIONS = [CaseSection.IDENTITY]


def default_sections_for(agency: Agency) -> list[str]:
    return [str(s) for s in DEFAULT_SECTIONS_BY_AGENCY_TYPE.get(agency.type, MINIMAL_SECTIONS)]


class Urgency(models.TextChoices):
    EMERGENCY = "darurat", _("Emergency")
    URGENT = "segera", _("Urgent")
    ROUTINE = "biasa", _("Routine")


class ResponseDeadline(models.Model):
    """The SLA table: how long the receiving agency has to answer, by urgency."""

    DEFAULT_HOURS = {Urgency.EMERGENCY: 4, Urgency.URGENT: 24, Urgency.ROUTINE: 72}

    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, unique=True)
    hours = models.PositiveIntegerField(
        _("hours to answer"), validators=[MinValueValidator(1)], default=72
    )

    class Meta:
        verbose_name = _("referral response deadline")
        verbose_name_plural = _("referral response deadlines")
        ordering = ["hours"]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.hours}"

    @classmethod
    def due_at(cls, urgency: str, *, start=None):
        row = cls.objects.filter(urgency=urgency).first()
        hours = row.hours if row else cls.DEFAULT_HOURS.get(urgency, 72)
        return (start or timezone.now()) + timedelta(hours=hours)


def _sent_rule(user, membership) -> Q:
    # The case's visibility is checked per referral by primary key: as case__in, every
    # case the user may see would be listed first, on each page and each menu badge.
    # The agency comes first: PostgreSQL evaluates an OR's conditions in the order
    # written, and the cheap one spares the check on every other agency's referral.
    agency = membership.agency_id
    rule = Q(from_agency_id=agency) & Q(visible_case_of_row(user))
    if not roles_of(user).isdisjoint(AGENCY_WIDE_ROLES):
        rule |= Q(from_agency_id=agency)
    return rule


def _received_rule(user, membership) -> Q | None:
    """None when no role of the user opens the received side."""
    agency = membership.agency_id
    roles = roles_of(user)
    arms = []
    if not roles.isdisjoint(AGENCY_WIDE_ROLES):
        arms.append(Q(to_agency_id=agency))
    if Role.CASEWORKER in roles:
        # A subquery, not a join: a join repeats rows, and the DISTINCT it would need
        # sorts every visible referral (with its joined agencies) on each inbox page.
        assigned = Referral.access_users.through.objects.filter(user=user)
        arms.append(
            Q(to_agency_id=agency)
            & (Q(to_user__isnull=True) | Q(to_user=user) | Q(pk__in=assigned.values("referral")))
        )
    return reduce(operator.or_, arms) if arms else None


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sent: the sending agency's supervisors and heads, and those who see the case.
        Received: the receiving agency's supervisors and heads; its caseworkers see what
        is addressed to them or to nobody in particular, and what they were assigned."""
        membership = membership_of(user)
        if membership is None:
            return self.none()
        rule = _sent_rule(user, membership)
        received = _received_rule(user, membership)
        return self.filter(rule | received if received is not None else rule)

    def received_by(self, user):
        """``visible_to`` of the referrals sent to the user's agency: only the received
        side of the rule can hold for them (no agency refers a case to itself), and it
        spares every menu badge the check of the case."""
        membership = membership_of(user)
        if membership is None:
            return self.none()
        received = _received_rule(user, membership)
        if received is None:
            return self.none()
        return self.filter(received, to_agency_id=membership.agency_id)

    def incoming(self, agency):
        return self.filter(to_agency=agency)

    def outgoing(self, agency):
        return self.filter(from_agency=agency)

    def pending(self):
        return self.filter(status=Referral.Status.SENT)

    def active(self):
        """Accepted and not yet finished: these hold access grants."""
        return self.filter(status__in=Referral.ACTIVE_STATES)

    def overdue(self, now=None):
        return self.pending().filter(respond_by__lt=now or timezone.now())

    def expiring_within(self, hours: int, now=None):
        now = now or timezone.now()
        return self.pending().filter(
            respond_by__gte=now, respond_by__lt=now + timedelta(hours=hours)
        )

    def for_lists(self):
        # Fetched by key once the page is chosen: joined, PostgreSQL sorts every visible
        # referral with its case, agencies and users to pick 25 of them.
        return self.prefetch_related("case", "from_agency", "to_agency", "to_user", "sent_by")


class Referral(models.Model):
    class Kind(models.TextChoices):
        REFERRAL = "rujukan", _("Referral for a service")
        TRANSFER = "alih_kelola", _("Transfer of case lead")

    class Status(models.TextChoices):
        SENT = "dikirim", _("Sent")
        ACCEPTED = "diterima", _("Accepted")
        DECLINED = "ditolak", _("Declined")
        IN_PROGRESS = "diproses", _("In progress")
        COMPLETED = "selesai", _("Completed")
        CANCELLED = "dibatalkan", _("Cancelled")
        EXPIRED = "kedaluwarsa", _("Expired")

    class ConsentBy(models.TextChoices):
        CHILD = "anak", _("The child")
        GUARDIAN = "wali", _("Parent/guardian")
        OTHER = "lainnya", _("Someone else")

    ACTIVE_STATES = (Status.ACCEPTED, Status.IN_PROGRESS)
    FINAL_STATES = (Status.DECLINED, Status.COMPLETED, Status.CANCELLED, Status.EXPIRED)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REFERRAL)
    from_agency = models.ForeignKey(
        Agency, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_agency = models.ForeignKey(
        Agency, verbose_name=_("to agency"), on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to a named person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    reason = EncryptedTextField(_("reason for the referral"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    respond_by = models.DateTimeField(_("answer due by"))
    letter_number = models.CharField(_("letter number"), max_length=60, blank=True)
    sender_keeps_access = models.BooleanField(
        _("the sending agency keeps read access after the transfer"), default=False
    )

    shared_sections = models.JSONField(_("shared sections"), default=list)
    shared_documents = models.ManyToManyField(
        CaseDocument, verbose_name=_("shared documents"), blank=True, related_name="+"
    )
    # People who read the case through this referral while it is active.
    access_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned people"), blank=True, related_name="+"
    )

    consent_by = models.CharField(
        _("consent given by"), max_length=10, choices=ConsentBy.choices, blank=True
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_scope = EncryptedTextField(_("consent given for"), blank=True)
    consent_form = models.ForeignKey(
        CaseDocument,
        verbose_name=_("signed consent form"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_override_reason = EncryptedTextField(_("why it is sent without consent"), blank=True)

    summary_chronology = EncryptedTextField(_("chronology"), blank=True)
    summary_services = EncryptedTextField(_("services already given"), blank=True)
    summary_condition = EncryptedTextField(_("current condition"), blank=True)
    summary_purpose = EncryptedTextField(_("purpose of the referral"))

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    cancel_reason = EncryptedTextField(_("reason for cancelling"), blank=True)
    outcome = EncryptedTextField(_("outcome of the service"), blank=True)
    feedback = EncryptedTextField(_("feedback to the sending agency"), blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_agency", "status", "-sent_at"], name="referral_inbox"),
            models.Index(fields=["from_agency", "status", "-sent_at"], name="referral_outbox"),
            models.Index(fields=["status", "respond_by"], name="referral_deadline_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.case.code} → {self.to_agency}"

    def get_absolute_url(self) -> str:
        return reverse("referral-detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.respond_by < timezone.now()

    @property
    def consent_overridden(self) -> bool:
        return self.consent_overridden_by_id is not None

    def shared_section_labels(self) -> list[str]:
        labels = dict(CaseSection.choices)
        return [str(labels[s]) for s in CaseSection.values if s in self.shared_sections]

    def response_hours(self) -> float | None:
        if self.responded_at is None:
            return None
        return (self.responded_at - self.sent_at).total_seconds() / 3600

    def is_sender_side(self, user) -> bool:
        membership = membership_of(user)
        return membership is not None and membership.agency_id == self.from_agency_id

    def is_receiver_side(self, user) -> bool:
        membership = membership_of(user)
        return membership is not None and membership.agency_id == self.to_agency_id

    def summary_visible_to(self, user) -> bool:
        """The sender always reads its summary; the receiving side only while the referral
        is waiting, or once it accepted it (it worked the case). A referral it declined,
        let expire, or that was withdrawn before an answer, keeps its summary from it."""
        if self.is_sender_side(user):
            return True
        never_accepted = self.status in (self.Status.DECLINED, self.Status.EXPIRED) or (
            self.status == self.Status.CANCELLED and self.responded_at is None
        )
        return not never_accepted

    def may_end_kept_access(self, user) -> bool:
        return (
            self.kind == self.Kind.TRANSFER
            and self.status == self.Status.COMPLETED
            and self.sender_keeps_access
            and self.case.lead_agency_id == self.to_agency_id
            and self.is_receiver_side(user)
            and Role.SUPERVISOR in roles_of(user)
        )

    def may_answer(self, user) -> bool:
        """Accept or decline: a supervisor of the receiving agency, or the caseworker it
        is addressed to (or any of its caseworkers when addressed to nobody)."""
        if not self.is_receiver_side(user):
            return False
        roles = roles_of(user)
        if Role.SUPERVISOR in roles:
            return True
        return Role.CASEWORKER in roles and self.to_user_id in (None, user.pk)

    def may_work(self, user) -> bool:
        """Start and complete: the answerers, and the people assigned on acceptance."""
        if self.may_answer(user):
            return True
        return self.is_receiver_side(user) and self.access_users.filter(pk=user.pk).exists()

    def may_cancel(self, user) -> bool:
        """The sending side: its supervisors, or whoever sent it while still at the agency."""
        if not self.is_sender_side(user):
            return False
        return Role.SUPERVISOR in roles_of(user) or user.pk == self.sent_by_id


class ReferralEvent(models.Model):
    """The referral's timeline: each step, who took it, and the note that went with it."""

    class Action(models.TextChoices):
        SENT = "dikirim", _("Sent")
        ACCEPTED = "diterima", _("Accepted")
        DECLINED = "ditolak", _("Declined")
        STARTED = "diproses", _("Work started")
        COMPLETED = "selesai", _("Completed")
        CANCELLED = "dibatalkan", _("Cancelled")
        EXPIRED = "kedaluwarsa", _("Expired without an answer")
        EXPIRY_WARNING = "peringatan", _("Deadline within 24 hours")
        CONSENT_OVERRIDDEN = "tanpa_persetujuan", _("Sent without consent (supervisor)")
        LEAD_TRANSFERRED = "alih_kelola", _("Case lead transferred")
        KEPT_ACCESS_ENDED = "akses_diakhiri", _("Read access of the former lead ended")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} · {self.get_action_display()}"


class PaperReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(complaint__in=Complaint.objects.visible_to(user))


class PaperReferral(models.Model):
    """A referral letter received on paper from an agency outside Sinergi; it enters
    as a complaint of the receiving agency."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="paper_referral"
    )
    sender_name = models.CharField(_("sending agency"), max_length=200)
    letter_number = models.CharField(_("letter number"), max_length=60)
    letter_date = models.DateField(_("letter date"))
    service_type = models.CharField(
        _("service requested"), max_length=32, choices=ServiceType.choices
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    objects = PaperReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("paper referral")
        verbose_name_plural = _("paper referrals")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.sender_name} · {self.letter_number}"
