from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.models import Agency, Region
from agencies.roles import Role, membership_of, roles_of
from cases.encryption import EncryptedTextField
from cases.models.choices import (
    CaseSection,
    CaseStatus,
    ClosureReason,
    PerpetratorRelationship,
    TpksOffence,
    ViolenceForm,
)
from cases.models.incident import Incident
from cases.models.page_statements import VisiblePage
from cases.models.people import Person
from cases.models.scoping import AnyOfSubquery  # noqa: F401 - registers pk__any
from cases.models.windows import mark_visibility_rule, newest_page_by_arms

# Roles that see every case their agency leads (DESIGN.md, "Who sees a case").
AGENCY_WIDE_ROLES = (Role.SUPERVISOR, Role.HEAD)
# Roles through which opening, leading or joining a case gives access to it.
CASE_WORK_ROLES = (Role.INTAKE, Role.CASEWORKER, Role.SUPERVISOR)
# Encrypted columns a list never shows (it shows pseudonyms): left unread by for_rows().
PERSON_IDENTITY_FIELDS = ("name", "nik", "kk_number", "address", "school", "phone")
CASE_NARRATIVE_FIELDS = ("chronology", "closure_note", "incident_address")
CASE_ROW_COLUMNS = (
    "id",
    "code",
    "status",
    "risk_level",
    "lead_agency_id",
    "lead_caseworker_id",
    "reported_at",
    "created_at",
    "updated_at",
    "closed_at",
    "version",
)
# Statutory, not configurable: UU 12/2022 (TPKS) Ps 41.
TPKS_POLICE_REPORT_WITHIN = timedelta(hours=72)


class IdentityAccess(models.TextChoices):
    CLICK = "click"
    REASON = "reason"
    NONE = "none"


class CaseQuerySet(models.QuerySet):
    """The one visibility rule for cases. Views, exports, search and tasks use nothing else."""

    def _fetch_all(self):
        if self._result_cache is None and (query := self.query_as_run()) is not self.query:
            rows_as = self._iterable_class  # the query's setter would reset values_list()'s
            self.query = query
            self._iterable_class = rows_as
        super()._fetch_all()

    def query_as_run(self):
        """The query this queryset runs: a page of a visible list is read arm by arm
        (cases.models.windows); anything else as it is."""
        page = newest_page_by_arms(self)
        return self.query if page is None else page.query

    def visible_page(self, user):
        """``visible_to(user).row_values()`` for the cursor paginator, its statement kept
        per shape (cases.models.page_statements). All the cases, so asked of the manager:
        a page kept per shape knows no other filter."""
        if self.query.has_filters():
            raise TypeError("visible_page() starts from all cases: Case.objects.visible_page()")
        return VisiblePage(user)

    def visible_to(self, user):
        return self._scoped(user, agency_roles=AGENCY_WIDE_ROLES, permission="view_case")

    def editable_by(self, user):
        return self._scoped(user, agency_roles=(Role.SUPERVISOR,), permission="change_case")

    def _scoped(self, user, *, agency_roles, permission):
        membership = membership_of(user)
        if membership is None:
            return self.none()  # anonymous, no agency, or an inactive agency: nothing
        # The rule reads the user's id, agency and roles and nothing else: the API list
        # keeps its statement per shape on that (cases.models.page_statements; a test
        # holds every reader's rule to a stand-in's with only those three).
        roles = roles_of(user)
        agency_id = membership.agency_id
        # Each arm is one index range or an array of ids probing the primary key
        # (cases.models.scoping): never a scan of the case table, and never a plan that
        # walks all cases newest first hoping to meet the user's few.
        # The grant arm comes first: ``ordered_reads`` names it by its position.
        rule = Q(pk__any=_granted_case_ids(user, permission))
        if not roles.isdisjoint(CASE_WORK_ROLES):
            # Personal links count only while the user still works, in a case-work role, at
            # the lead agency: someone who moved agency or lost the role loses the case.
            # The cases they lead: one range of case_worker_recent.
            rule |= Q(lead_caseworker=user, lead_agency_id=agency_id)
            # The team's cases by id, their agency checked on the case itself: with the
            # agency inside the id list, a plan made for an average reader (the API
            # list's prepared page) joined the agency's 50,000 cases to find 30.
            rule |= Q(pk__any=_team_case_ids_at_any_agency(user), lead_agency_id=agency_id)
            unassigned = self.model.objects.filter(
                lead_agency_id=agency_id, opened_by=user, lead_caseworker__isnull=True
            )
            rule |= Q(pk__any=unassigned.order_by().values("pk"))
        if not roles.isdisjoint(agency_roles):
            rule |= Q(lead_agency_id=agency_id)
        return mark_visibility_rule(
            self.filter(rule), ordered_reads={0: partial(_granted_in_list_order, user, permission)}
        )

    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)

    def led_by_agency_of(self, user):
        """Only the cases the user's own agency leads: what deadlines, panels and filters
        on case details may speak of (a referral shares sections, not the case's state)."""
        membership = membership_of(user)
        if membership is None:
            return self.none()
        return self.filter(lead_agency_id=membership.agency_id)

    def tpks_police_report_overdue(self):
        """Sexual-violence cases past UU TPKS Ps 41's 72 hours without a police report."""
        return self.filter(
            violence_forms__form=ViolenceForm.SEXUAL,
            police_reported_at__isnull=True,
            reported_at__lt=timezone.now() - TPKS_POLICE_REPORT_WITHIN,
        ).distinct()

    def worked_on_by(self, user):
        return self.filter(Q(lead_caseworker=user) | Q(team__user=user)).distinct()

    def awaiting_assignment(self):
        return self.filter(lead_caseworker__isnull=True)

    def awaiting_decision(self):
        """Plans submitted or closures asked for: work for the supervisor."""
        return (
            self.filter(Q(plans__status="diajukan") | Q(closure_requested_by__isnull=False))
            .exclude(status=CaseStatus.CLOSED)
            .distinct()
        )

    def with_overdue_flag(self):
        """Each case says whether one of its services is overdue (a badge on lists)."""
        from cases.models.care import ServiceRecord

        late_services = ServiceRecord.objects.overdue().filter(case=OuterRef("pk"))
        return self.annotate(has_overdue_service=Exists(late_services))

    def for_detail(self):
        """One case with everything its page shows, in a fixed number of queries."""
        return (
            self.with_overdue_flag()
            .select_related("lead_agency", "lead_caseworker")
            .prefetch_related(
                Prefetch("parties", queryset=CaseParty.objects.select_related("person")),
                "violence_forms",
            )
        )

    def for_rows(self):
        """What a row of data shows, in a fixed number of queries whatever the row count.

        A row shows pseudonyms, never identities or narratives: those columns are not
        even read, so a list neither decrypts them (most of a list's cost) nor holds them.
        The API's rows name their agency and caseworker by id only: nothing more to fetch.
        """
        children = (
            CaseParty.objects.filter(part=CaseParty.Part.CHILD).without_identity().order_by("pk")
        )
        return self.defer(*CASE_NARRATIVE_FIELDS).prefetch_related(
            Prefetch("parties", queryset=children, to_attr="child_parties"), "violence_forms"
        )

    def row_values(self):
        """The case's own columns of a list row, as plain values: what the API's list
        reads (``cases.api.rows`` adds the children and forms), without a model instance
        per row. Like ``for_rows()``, no identity or narrative column is read."""
        return self.values(*CASE_ROW_COLUMNS)

    def for_lists(self):
        """``for_rows()`` with what a list page shows besides: the lead agency and
        caseworker (they come by key once the page is chosen: joined, PostgreSQL would
        sort every visible case with its agency and user to pick the page) and the badge
        of an overdue service."""
        return (
            self.for_rows().with_overdue_flag().prefetch_related("lead_agency", "lead_caseworker")
        )

    def overdue(self):
        """Cases with a statutory or service deadline passed and not met."""
        from cases.models.care import RESTITUTION_PAYMENT_DAYS, ServiceRecord

        restitution_late = Q(
            restitution__paid_on__isnull=True,
            restitution__ruling_received_on__lt=timezone.localdate()
            - timedelta(days=RESTITUTION_PAYMENT_DAYS),
        )
        return self.filter(
            Q(pk__in=self.model.objects.tpks_police_report_overdue().values("pk"))
            | Q(pk__in=ServiceRecord.objects.overdue().values("case"))
            | restitution_late
        )


class CaseContentQuerySet(models.QuerySet):
    """The visibility rule for records inside a case (assessments, plans, notes, services,
    sessions, placements): the lead agency reads the work on its visible cases; anyone
    else only the records of a section an accepted referral shares with them. Each model
    names its section in ``case_section``."""

    def visible_to(self, user):
        membership = membership_of(user)
        if membership is None:
            return self.none()
        own_agency = Q(visible_case_of_row(user), case__lead_agency_id=membership.agency_id)
        return self.filter(own_agency | self.shared_with(user))

    def shared_with(self, user) -> Q:
        return Q(case__in=cases_sharing_section(user, self.model.case_section))

    def of_visible_case(self, case, *, sections: frozenset[str]):
        """``visible_to(user).filter(case=case)`` for a case read through
        ``Case.objects.visible_to(user)``, given ``sections = case.sections_visible_to(user)``.

        On such a case the rule comes down to its sections: the lead agency's arm holds
        for every record (the case is visible and theirs, and then every section is),
        and a grant shares a section's records whole. Decided once for the case, not
        rebuilt inside every list of the case page: building the case's rule into each
        of its seven lists was a third of the page's CPU. Only for a case already found
        visible; anything else asks ``visible_to``."""
        shown = self.shown_in(sections)
        return self.none() if shown is None else self.filter(shown, case=case)

    def shown_in(self, sections: frozenset[str]) -> Q | None:
        """Which records of a case show when ``sections`` are shared (None: none)."""
        return Q() if self.model.case_section in sections else None

    def editable_by(self, user):
        """Records of open cases the user may change."""
        return self.filter(case__in=Case.objects.editable_by(user).open())


def visible_case_of_row(user) -> Exists:
    """ "The row's case is visible to ``user``", checked per row by primary key. As
    ``case__in=visible_to(user)``, PostgreSQL would first list every case the user may
    see (a whole agency's, for a supervisor) to read the records of one."""
    return Exists(Case.objects.visible_to(user).filter(pk=OuterRef("case_id")))


def _granted_case_ids(user, codename: str):
    """Cases shared with the user by an object grant (given by accepted referrals)."""
    return CaseUserObjectPermission.objects.filter(user=user, permission__codename=codename).values(
        "content_object"
    )


def _granted_in_list_order(user, codename: str) -> tuple[Q, tuple[str, ...]]:
    """The grant arm as a join that the grant table's index reads newest first. The
    permission is a subquery, a constant to the planner, so the index stays in order."""
    permission = (
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Case), codename=codename
        )
        .order_by()
        .values("pk")[:1]
    )
    condition = Q(
        caseuserobjectpermission__user=user,
        caseuserobjectpermission__permission=Subquery(permission),
    )
    ordering = (
        "-caseuserobjectpermission__case_created_at",
        "-caseuserobjectpermission__content_object_id",
    )
    return condition, ordering


def _team_case_ids_at_any_agency(user):
    """Every case whose team the user is in, at any agency (the rule narrows them)."""
    return CaseTeamMember.objects.filter(user=user).order_by().values("case")


def worked_on_by(user, *, case: str = "") -> Q:
    """``Case.is_worked_on_by`` as a condition: on cases, or on the records of a case
    through the lookup ``case`` (``"case__"``). A test holds the two to each other."""
    team_cases = CaseTeamMember.objects.filter(user=user).values("case_id")
    return (
        Q(**{f"{case}lead_caseworker": user})
        | Q(**{f"{case}opened_by": user})
        | Q(**{f"{case}pk__in": team_cases})
    )


def section_permission(section: str) -> str:
    """The object-permission codename that shares one section of a case."""
    return f"view_case_{section}"


def cases_sharing_section(user, section: str):
    """Ids of cases whose ``section`` a referral grant shares with ``user``."""
    return _granted_case_ids(user, section_permission(section))


class CaseCounter(models.Model):
    """Last case number used per kab/kota and year; incremented under a row lock."""

    regency = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["regency", "year"], name="case_counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.regency_id}/{self.year}: {self.last_number}"


def case_pseudonym(code: str, child_pseudonyms: list[str]) -> str:
    """Case code with its children's pseudonyms: safe on any screen."""
    return " · ".join([code, *child_pseudonyms])


class Case(Incident):
    """A child-protection case, led by one agency and one caseworker."""

    code = models.CharField(_("case code"), max_length=24, unique=True, editable=False)
    regency = models.ForeignKey(
        Region, verbose_name=_("regency/city"), on_delete=models.PROTECT, related_name="+"
    )
    lead_agency = models.ForeignKey(
        Agency, verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="cases"
    )
    lead_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead caseworker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="opened_cases",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    reported_at = models.DateTimeField(_("reported at"))
    chronology = EncryptedTextField(_("what happened (chronology)"), blank=True)
    police_reported_at = models.DateTimeField(_("reported to the police at"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=16, choices=ClosureReason.choices, blank=True
    )
    closure_note = EncryptedTextField(_("closing note"), blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closure requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # Newest first, ties by id: the order every list pages in, with its own index.
        ordering = ["-created_at", "-id"]
        # One object permission per section, granted by referrals (referrals.grants).
        permissions = [
            (section_permission(section), f"View the {section.value} section")
            for section in CaseSection
        ]
        indexes = [
            # Newest first, ties broken by id: the order of every case list and cursor.
            models.Index(fields=["-created_at", "-id"], name="case_recent"),
            # An agency's cases and a caseworker's own (within the agency they work at now),
            # each in the full list order: a page's arm reads its first rows and stops,
            # whatever plan PostgreSQL chose. Without the id, a plan costed without the
            # reader's values sorted all 1,500 of a caseworker's cases to break ties.
            models.Index(fields=["lead_agency", "-created_at", "-id"], name="case_agency_recent"),
            models.Index(
                fields=["lead_caseworker", "lead_agency", "-created_at", "-id"],
                name="case_worker_recent",
            ),
            # The statistics refresh counts one agency's month of cases at a time
            # (reports.slices): by the month reported and by the month closed.
            models.Index(fields=["lead_agency", "reported_at"], name="case_agency_reported"),
            models.Index(fields=["lead_agency", "closed_at"], name="case_agency_closed"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.code])

    def sections_visible_to(self, user) -> frozenset[str]:
        """The sections of this (visible) case the user may read: all of them at the
        lead agency, otherwise those an accepted referral shares with them."""
        membership = membership_of(user)
        if membership is None:
            return frozenset()
        if membership.agency_id == self.lead_agency_id:
            return frozenset(CaseSection.values)
        codenames = set(
            CaseUserObjectPermission.objects.filter(user=user, content_object=self).values_list(
                "permission__codename", flat=True
            )
        )
        return frozenset(s for s in CaseSection.values if section_permission(s) in codenames)

    def redact(self, sections) -> "Case":
        """Blank the incident narrative when the incident section is not shared, so it
        never reaches a template; a redacted case refuses to be saved."""
        if CaseSection.INCIDENT not in sections:
            self.chronology = ""
            self.closure_note = ""
            self.incident_address = ""
            self._redacted = True
        return self

    def save(self, *args, **kwargs):
        if getattr(self, "_redacted", False):
            raise ValueError("A redacted case is for display only.")
        super().save(*args, **kwargs)

    def identity_access(self, user) -> str:
        """How ``user`` may reveal the identity section: "click" (logged), "reason"
        (logged with a stated reason: heads), or "none"."""
        membership = membership_of(user)
        if membership is None:
            return IdentityAccess.NONE
        if membership.agency_id != self.lead_agency_id:
            # Another agency: only through a referral that shares the identity section.
            shared = CaseSection.IDENTITY in self.sections_visible_to(user)
            return IdentityAccess.CLICK if shared else IdentityAccess.NONE
        roles = roles_of(user)
        works_on_it = not roles.isdisjoint(CASE_WORK_ROLES) and self.is_worked_on_by(user)
        if works_on_it or Role.SUPERVISOR in roles:
            return IdentityAccess.CLICK
        if Role.HEAD in roles:
            return IdentityAccess.REASON
        return IdentityAccess.NONE

    def is_worked_on_by(self, user) -> bool:
        """Whether ``user`` leads the case, opened it or is on its team, wherever they
        work now (the caller checks agency and role); ``worked_on_by`` asks the same of
        many records at once."""
        return (
            user.pk in {self.lead_caseworker_id, self.opened_by_id}
            or self.team.filter(user=user).exists()
        )

    def is_supervised_by(self, user) -> bool:
        """A supervisor of the lead agency: approves plans and closures, sees the history."""
        membership = membership_of(user)
        return (
            membership is not None
            and membership.agency_id == self.lead_agency_id
            and Role.SUPERVISOR in roles_of(user)
        )

    def history_visible_to(self, user) -> bool:
        return self.is_supervised_by(user)

    def children(self) -> list[Person]:
        # A row of a list has its children prefetched alone (``for_rows()``).
        parties = getattr(self, "child_parties", None)
        if parties is None:
            parties = [party for party in self.parties.all() if party.part == CaseParty.Part.CHILD]
        return [party.person for party in parties]

    def pseudonym(self, on=None) -> str:
        """Case code with the children's initials, ages and sexes: safe on any screen."""
        return case_pseudonym(self.code, [child.pseudonym(on) for child in self.children()])

    @property
    def is_tpks(self) -> bool:
        return any(form.form == ViolenceForm.SEXUAL for form in self.violence_forms.all())

    def tpks_police_deadline(self):
        """UU 12/2022 Ps 41: a TPKS case goes to the police within 3×24 hours of the report."""
        return self.reported_at + TPKS_POLICE_REPORT_WITHIN if self.is_tpks else None

    def tpks_police_report_overdue(self) -> bool:
        """Not yet reported and past the deadline (the same rule as the QuerySet's)."""
        deadline = self.tpks_police_deadline()
        return (
            deadline is not None and self.police_reported_at is None and timezone.now() > deadline
        )


class CasePartyQuerySet(models.QuerySet):
    def without_identity(self):
        """Parties with their persons, minus the encrypted identity columns: what a list
        needs for pseudonyms, without reading (or decrypting) a single name."""
        return self.select_related("person").defer(
            *(f"person__{name}" for name in PERSON_IDENTITY_FIELDS)
        )


class CaseParty(models.Model):
    """A person's part in a case: the child(ren), the reporter, guardians, terlapor."""

    class Part(models.TextChoices):
        CHILD = "anak", _("Child")
        REPORTER = "pelapor", _("Reporter")
        GUARDIAN = "wali", _("Parent/guardian")
        ALLEGED_PERPETRATOR = "terlapor", _("Alleged perpetrator")
        WITNESS = "saksi", _("Witness")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    part = models.CharField(_("part"), max_length=10, choices=Part.choices)
    relationship = models.CharField(
        _("relationship to the child"),
        max_length=16,
        choices=PerpetratorRelationship.choices,
        blank=True,
    )
    is_anonymous = models.BooleanField(_("anonymous reporter"), default=False)
    is_child_in_conflict_with_law = models.BooleanField(
        _("child in conflict with the law (SPPA)"), default=False
    )

    objects = CasePartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("case party")
        verbose_name_plural = _("case parties")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "part"], name="case_party_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_part_display()}"


class CaseViolenceForm(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violence_forms")
    form = models.CharField(_("form of violence"), max_length=16, choices=ViolenceForm.choices)
    tpks_offence = models.CharField(
        _("sexual violence offence (TPKS)"), max_length=24, choices=TpksOffence.choices, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "form"], name="case_violence_form_once"),
        ]

    def __str__(self) -> str:
        return self.get_form_display()


class CaseTeamMember(models.Model):
    """A caseworker working on the case besides the lead."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_teams"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.user}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grant table: guardian's generic tables do not scale (see the
    security reference), and a deleted case takes its grants with it."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    # The case's creation time (which never changes), so that a user's grants can be
    # read in the case lists' newest-first order by index (cases.models.windows).
    case_created_at = models.DateTimeField(editable=False)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [
            models.Index(
                fields=["user", "permission", "-case_created_at", "-content_object"],
                name="case_user_grant_recent",
            )
        ]

    def save(self, *args, **kwargs):
        if self.case_created_at is None:  # guardian's assign_perm() does not know of it
            self.case_created_at = self.content_object.created_at
        super().save(*args, **kwargs)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
