"""What partners send to change a case: the web forms' fields, with every choice of a
related record limited to what the caller may use. They only parse; the workflow
services decide who may do what."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from agencies.models import User
from agencies.roles import Role, agency_of
from cases.intake import PERSON_FIELDS
from cases.models import Assessment, Case, CaseNote, CaseParty, Complaint, Person
from cases.models.choices import ClosureReason, TpksOffence, ViolenceForm
from cases.models.work import ServiceType
from cases.services import CASE_EDITABLE_FIELDS


def caseworkers_of(agency):
    """The people a case of ``agency`` may be given to (no partner service accounts)."""
    if agency is None:
        return User.objects.none()
    return User.objects.holding_role(agency, Role.CASEWORKER)


class CaseOpenSerializer(serializers.Serializer):
    """Triage, as on the web: an untriaged complaint of the caller's agency becomes a
    case, optionally with a lead caseworker of that agency."""

    complaint = serializers.PrimaryKeyRelatedField(queryset=Complaint.objects.none())
    lead_caseworker = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), allow_null=True, required=False, default=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent only while the schema is generated
        user = request.user if request else AnonymousUser()
        self.fields["complaint"].queryset = Complaint.objects.editable_by(user)
        self.fields["lead_caseworker"].queryset = caseworkers_of(agency_of(user))


class CaseUpdateSerializer(serializers.ModelSerializer):
    """The case's own facts (``CASE_EDITABLE_FIELDS``); status, lead and dates move only
    through their workflow actions."""

    class Meta:
        model = Case
        fields = sorted(CASE_EDITABLE_FIELDS)
        extra_kwargs = {field: {"required": False} for field in CASE_EDITABLE_FIELDS}


class IdentityRevealInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when identity_access is 'reason' (heads)."),
    )


class AssessmentInput(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["kind", "condition", "needs", "hopes"]


class PlanInput(serializers.Serializer):
    goals = serializers.CharField()
    planned_services = serializers.MultipleChoiceField(
        choices=ServiceType.choices, allow_empty=False
    )


class PlanDecisionInput(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ClosureInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class NoteInput(serializers.ModelSerializer):
    class Meta:
        model = CaseNote
        fields = ["kind", "happened_on", "text"]
        extra_kwargs = {
            "kind": {"default": CaseNote.Kind.NOTE},
            "happened_on": {"default": timezone.localdate},
        }


class AssignInput(serializers.Serializer):
    """Caseworkers of the case's lead agency only, as the web form offers."""

    lead_caseworker = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    team = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), many=True, required=False, default=list
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.context.get("case")  # absent only while the schema is generated
        caseworkers = caseworkers_of(case.lead_agency if case else None)
        self.fields["lead_caseworker"].queryset = caseworkers
        self.fields["team"].child_relation.queryset = caseworkers


class PoliceReportInput(serializers.Serializer):
    police_reported_at = serializers.DateTimeField()


class ViolenceFormsInput(serializers.Serializer):
    violence_forms = serializers.MultipleChoiceField(
        choices=ViolenceForm.choices, allow_empty=False
    )
    tpks_offence = serializers.ChoiceField(
        choices=TpksOffence.choices, required=False, allow_blank=True, default=""
    )


# The same fields the web intake takes for a person, identity included (stored encrypted).
PERSON_INPUT_FIELDS = list(PERSON_FIELDS)


class BirthDateCheck:
    """Person.clean's rule, as a field error of the serializer that carries it."""

    def validate_birth_date(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The date of birth cannot be in the future."))
        return value


class PartyInput(BirthDateCheck, serializers.ModelSerializer):
    """A person to add to a case: identity goes in (encrypted at rest), never comes out."""

    part = serializers.ChoiceField(choices=CaseParty.Part.choices)
    relationship = serializers.ChoiceField(
        choices=CaseParty._meta.get_field("relationship").choices,
        required=False,
        allow_blank=True,
        default="",
    )
    is_anonymous = serializers.BooleanField(required=False, default=False)
    is_child_in_conflict_with_law = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Person
        fields = [
            "part",
            "relationship",
            "is_anonymous",
            "is_child_in_conflict_with_law",
            *PERSON_INPUT_FIELDS,
        ]
