"""How a case reads over the API: a pseudonym and the sections the reader may see.

Nothing here carries an identity (name, NIK, KK, address, school, phone): people are
shown as a pseudonym (initials, age, sex), and only children get even that, as on the
web, where a reporter's or terlapor's initials are not a pseudonym. The identity
section is read only through the audited reveal (``CaseViewSet.identity``).
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.roles import membership_of
from cases.models import (
    Assessment,
    Case,
    CaseNote,
    CaseParty,
    CaseUserObjectPermission,
    InterventionPlan,
)
from cases.models.cases import IdentityAccess, section_permission
from cases.models.choices import CaseSection, Sex, TpksOffence, ViolenceForm


class Reader:
    """Who reads a list: their agency, and the cases whose incident a referral shares
    with them. The shares are read once, and only when a row of another agency asks
    (one query for the whole page at most, whatever its length)."""

    def __init__(self, user):
        self.user = user
        membership = membership_of(user)
        self.agency_id = membership.agency_id if membership else None

    @cached_property
    def incident_shared(self) -> frozenset[int]:
        if self.agency_id is None:
            return frozenset()
        shared = CaseUserObjectPermission.objects.filter(
            user=self.user, permission__codename=section_permission(CaseSection.INCIDENT)
        ).values_list("content_object_id", flat=True)
        return frozenset(shared)

    def sees_incident(self, case: Case) -> bool:
        return self.sees_incident_of(case_id=case.pk, lead_agency_id=case.lead_agency_id)

    def sees_incident_of(self, *, case_id: int, lead_agency_id: int) -> bool:
        return lead_agency_id == self.agency_id or case_id in self.incident_shared


@dataclass(frozen=True)
class CaseReading:
    """What one reader may see and do on one case, computed once per response."""

    sections: frozenset[str]
    identity_access: str
    is_lead: bool
    may_edit: bool
    may_supervise: bool

    @classmethod
    def of(cls, case: Case, user) -> "CaseReading":
        membership = membership_of(user)
        return cls(
            sections=case.sections_visible_to(user),
            identity_access=case.identity_access(user),
            is_lead=membership is not None and membership.agency_id == case.lead_agency_id,
            may_edit=Case.objects.editable_by(user).filter(pk=case.pk).exists(),
            may_supervise=case.is_supervised_by(user),
        )

    def sees_incident(self, case: Case) -> bool:
        return CaseSection.INCIDENT in self.sections

    @property
    def shows_chronology(self) -> bool:
        """Narratives may name people: those with identity access read them, and another
        agency when its referral shares the incident (the web page's rule)."""
        return CaseSection.INCIDENT in self.sections and (
            self.identity_access != IdentityAccess.NONE or not self.is_lead
        )


class ReadSerializer(serializers.ModelSerializer):
    """An output-only model serializer. DRF drops ``allow_blank`` from read-only fields;
    a choice the model allows to be blank gets it back, so the schema admits ``""``."""

    def get_fields(self):
        fields = super().get_fields()
        model_fields = {field.name: field for field in self.Meta.model._meta.get_fields()}
        for name, field in fields.items():
            model_field = model_fields.get(field.source or name)  # source is set on binding
            if isinstance(field, serializers.ChoiceField) and getattr(model_field, "blank", False):
                field.allow_blank = True
        return fields


class ChildSerializer(serializers.Serializer):
    pseudonym = serializers.CharField(help_text="Initials · age · sex; never the name.")
    sex = serializers.ChoiceField(choices=Sex.choices, allow_blank=True)
    age = serializers.IntegerField(allow_null=True)


class PartySerializer(ReadSerializer):
    """One person's part in the case, without identity."""

    pseudonym = serializers.SerializerMethodField(
        help_text="Children only (initials · age · sex); null for other parts."
    )
    sex = serializers.ChoiceField(source="person.sex", choices=Sex.choices, allow_blank=True)
    age = serializers.SerializerMethodField()

    class Meta:
        model = CaseParty
        fields = [
            "id",
            "part",
            "pseudonym",
            "sex",
            "age",
            "relationship",
            "is_anonymous",
            "is_child_in_conflict_with_law",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pseudonym(self, party) -> str | None:
        return party.person.pseudonym() if party.part == CaseParty.Part.CHILD else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_age(self, party) -> int | None:
        return party.person.age()


class CaseRowSerializer(ReadSerializer):
    """A list row: code, state and pseudonyms. Violence forms belong to the incident
    section: null on a case led elsewhere whose incident is not shared with the reader."""

    # The list's rows are built from plain values by cases.api.rows; these declared
    # fields are their contract (the schema), and DRF's walk over them is what a test
    # holds those rows to and what a case's detail starts from.

    pseudonym = serializers.CharField(help_text="Case code with the children's pseudonyms.")
    violence_forms = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "code",
            "pseudonym",
            "status",
            "risk_level",
            "lead_agency",
            "lead_caseworker",
            "reported_at",
            "created_at",
            "updated_at",
            "closed_at",
            "version",
            "violence_forms",
            "children",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(ViolenceForm.choices), allow_null=True)
    )
    def get_violence_forms(self, case) -> list[str] | None:
        if not self.context["reader"].sees_incident(case):
            return None
        return sorted(form.form for form in case.violence_forms.all())

    @extend_schema_field(ChildSerializer(many=True))
    def get_children(self, case) -> list[dict]:
        today = timezone.localdate()
        return [
            {"pseudonym": child.pseudonym(on=today), "sex": child.sex, "age": child.age(today)}
            for child in case.children()
        ]


class DistrictOfVillageField(serializers.CharField):
    """The kecamatan of a village code ("64.71.01" of "64.71.01.1001"). An address below
    the kecamatan is identity (the web shows no village either), so a read carries no more."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value) -> str:
        return str(value)[:8]


class ViolenceFormSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=ViolenceForm.choices)
    tpks_offence = serializers.ChoiceField(choices=TpksOffence.choices, allow_blank=True)


class IncidentSerializer(ReadSerializer):
    """The incident section. ``chronology`` is blank for a reader of the lead agency
    without identity access (narratives may name people)."""

    violence_forms = ViolenceFormSerializer(many=True)
    incident_district = DistrictOfVillageField(source="incident_village_id")
    chronology = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "violence_forms",
            "jurisdiction",
            "ampk_category",
            "place_type",
            "incident_date",
            "incident_date_is_approximate",
            "incident_district",
            "chronology",
        ]
        read_only_fields = fields

    def get_chronology(self, case) -> str:
        return case.chronology if self.context["reading"].shows_chronology else ""


class TrackingSerializer(ReadSerializer):
    """Deadlines and closure: for the lead agency only, as on the web page."""

    closure_requested = serializers.SerializerMethodField()
    tpks_police_deadline = serializers.DateTimeField(allow_null=True)
    tpks_police_report_overdue = serializers.BooleanField()
    has_overdue_service = serializers.BooleanField()

    class Meta:
        model = Case
        fields = [
            "police_reported_at",
            "tpks_police_deadline",
            "tpks_police_report_overdue",
            "has_overdue_service",
            "closure_requested",
            "closure_reason",
            "closure_note",
        ]
        read_only_fields = fields

    def get_closure_requested(self, case) -> bool:
        return case.closure_requested_by_id is not None


class AssessmentSerializer(ReadSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "kind", "condition", "needs", "hopes", "written_by", "written_at"]
        read_only_fields = fields


class PlanSerializer(ReadSerializer):
    planned_services = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = InterventionPlan
        fields = [
            "id",
            "status",
            "goals",
            "planned_services",
            "written_by",
            "written_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class NoteSerializer(ReadSerializer):
    class Meta:
        model = CaseNote
        fields = ["id", "kind", "happened_on", "text", "written_by", "written_at"]
        read_only_fields = fields


def _section_records(serializer, model, section: str, case: Case, context: dict):
    """The records of one section through the model's own visibility rule; null when
    the section is not the reader's to see."""
    if section not in context["reading"].sections:
        return None
    records = model.objects.visible_to(context["request"].user).filter(case=case)
    return serializer(records, many=True, context=context).data


class CaseDetailSerializer(CaseRowSerializer):
    """One case for one reader: the sections they may see, the rest null."""

    sections = serializers.SerializerMethodField()
    identity_access = serializers.SerializerMethodField()
    may_edit = serializers.SerializerMethodField()
    may_supervise = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    incident = serializers.SerializerMethodField()
    tracking = serializers.SerializerMethodField()
    assessments = serializers.SerializerMethodField()
    plans = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta(CaseRowSerializer.Meta):
        fields = [
            *CaseRowSerializer.Meta.fields,
            "sections",
            "identity_access",
            "may_edit",
            "may_supervise",
            "parties",
            "incident",
            "tracking",
            "assessments",
            "plans",
            "notes",
        ]
        read_only_fields = fields

    @property
    def reading(self) -> CaseReading:
        return self.context["reading"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(CaseSection.choices)))
    def get_sections(self, case) -> list[str]:
        return sorted(self.reading.sections)

    @extend_schema_field(serializers.ChoiceField(IdentityAccess.choices))
    def get_identity_access(self, case) -> str:
        return self.reading.identity_access

    def get_may_edit(self, case) -> bool:
        return self.reading.may_edit

    def get_may_supervise(self, case) -> bool:
        return self.reading.may_supervise

    @extend_schema_field(PartySerializer(many=True))
    def get_parties(self, case) -> list[dict]:
        return PartySerializer(parties_for(case, self.reading.is_lead), many=True).data

    @extend_schema_field(IncidentSerializer(allow_null=True))
    def get_incident(self, case) -> dict | None:
        if CaseSection.INCIDENT not in self.reading.sections:
            return None
        return IncidentSerializer(case, context=self.context).data

    @extend_schema_field(TrackingSerializer(allow_null=True))
    def get_tracking(self, case) -> dict | None:
        return TrackingSerializer(case).data if self.reading.is_lead else None

    @extend_schema_field(AssessmentSerializer(many=True, allow_null=True))
    def get_assessments(self, case):
        return _section_records(
            AssessmentSerializer, Assessment, CaseSection.ASSESSMENT, case, self.context
        )

    @extend_schema_field(PlanSerializer(many=True, allow_null=True))
    def get_plans(self, case):
        return _section_records(
            PlanSerializer, InterventionPlan, CaseSection.PLAN, case, self.context
        )

    @extend_schema_field(NoteSerializer(many=True, allow_null=True))
    def get_notes(self, case):
        return _section_records(NoteSerializer, CaseNote, CaseSection.NOTES, case, self.context)


def parties_for(case: Case, is_lead: bool) -> list[CaseParty]:
    """The lead agency sees every party; another agency, through a referral, only the
    children its case pseudonym already shows (a person record is never shared)."""
    parties = list(case.parties.all())
    if is_lead:
        return parties
    return [party for party in parties if party.part == CaseParty.Part.CHILD]


class IdentitySerializer(serializers.Serializer):
    """The identity section of one person, returned once by the audited reveal."""

    part = serializers.CharField(help_text="The person's part, in the caller's language.")
    is_anonymous = serializers.BooleanField()
    name = serializers.CharField(allow_blank=True)
    nik = serializers.CharField(allow_blank=True)
    kk_number = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    school = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class IdentityRevealSerializer(serializers.Serializer):
    identities = IdentitySerializer(many=True)


class CaseOpenedSerializer(serializers.Serializer):
    """The answer to opening a case. An intake officer who names a lead caseworker no
    longer sees the case (as on the web): then only its code, and ``case`` is null."""

    code = serializers.CharField()
    visible = serializers.BooleanField()
    case = CaseDetailSerializer(allow_null=True)
