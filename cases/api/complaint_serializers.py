"""How complaints read and are sent over the API.

Reads carry no identity: children as pseudonyms, no reporter, no address below the
kecamatan (the village sent in comes back as its kecamatan). Staff intake sends what the
web intake form asks (identity goes in, encrypted at rest); the public sends what the
public form asks, and gets only a tracking code.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from agencies.models import Region
from cases.api.inputs import PERSON_INPUT_FIELDS, BirthDateCheck
from cases.api.serializers import ChildSerializer, DistrictOfVillageField, ReadSerializer
from cases.intake import COMPLAINT_INTAKE_FIELDS
from cases.models import Complaint, ComplaintParty, Person
from cases.models.choices import PerpetratorRelationship, Sex, ViolenceForm
from cases.models.complaints import PublicStatus


def village_field(**kwargs) -> serializers.SlugRelatedField:
    """An active desa/kelurahan by its Kemendagri code."""
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(is_active=True, level=Region.Level.VILLAGE),
        error_messages={
            "does_not_exist": _("Choose a region from the list, down to the last level.")
        },
        **kwargs,
    )


class ComplaintSerializer(ReadSerializer):
    """A complaint of the caller's agency, as its list row."""

    violence_forms = serializers.ListField(child=serializers.ChoiceField(ViolenceForm.choices))
    case = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    incident_district = DistrictOfVillageField(source="incident_village_id")
    children = serializers.SerializerMethodField()
    status = serializers.ChoiceField(
        source="public_status",
        choices=PublicStatus.choices,
        help_text="What a reporter learns from the tracking code.",
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "channel",
            "received_at",
            "risk_level",
            "jurisdiction",
            "ampk_category",
            "incident_date",
            "incident_date_is_approximate",
            "place_type",
            "incident_district",
            "violence_forms",
            "tpks_offence",
            "reporter_is_anonymous",
            "consent_by",
            "consent_at",
            "outcome",
            "triaged_at",
            "case",
            "children",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(ChildSerializer(many=True))
    def get_children(self, complaint) -> list[dict]:
        children = [
            party.person
            for party in complaint.parties.all()
            if party.part == ComplaintParty.Part.CHILD
        ]
        return ChildSerializer(children, many=True).data


class ComplaintDetailSerializer(ComplaintSerializer):
    """One complaint, with what happened, as the web triage page shows it (audited)."""

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "narrative"]
        read_only_fields = fields


class ChildInput(BirthDateCheck, serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = PERSON_INPUT_FIELDS


class PerpetratorInput(BirthDateCheck, serializers.ModelSerializer):
    relationship = serializers.ChoiceField(
        choices=PerpetratorRelationship.choices,
        required=False,
        default=PerpetratorRelationship.UNKNOWN,
    )
    is_child_in_conflict_with_law = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Person
        fields = ["name", "sex", "birth_date", "relationship", "is_child_in_conflict_with_law"]


class ReporterInput(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["name", "phone"]


def flat_errors(detail, prefix: str = "") -> dict:
    """Errors of nested input as dotted field names (``children.0.nik``), so each is a
    list of messages in the API's one error shape rather than a nested structure."""
    if isinstance(detail, list) and any(isinstance(item, dict) for item in detail):
        detail = dict(enumerate(detail))
    if not isinstance(detail, dict):
        return {prefix: detail}
    errors = {}
    for key, value in detail.items():
        if prefix and key == api_settings.NON_FIELD_ERRORS_KEY:
            name = prefix  # "This list may not be empty." belongs to the list itself
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        errors.update(flat_errors(value, name) if value else {})
    return errors


class ComplaintIntakeSerializer(serializers.ModelSerializer):
    """The web intake form, for a hotline or case-management system of the agency."""

    def is_valid(self, *, raise_exception=False):
        valid = super().is_valid()
        if not valid:
            self._errors = flat_errors(self._errors)
            if raise_exception:
                raise serializers.ValidationError(self.errors)
        return valid

    violence_forms = serializers.MultipleChoiceField(
        choices=ViolenceForm.choices, required=False, default=list
    )
    incident_village = village_field(required=False, allow_null=True, default=None)
    children = ChildInput(many=True, allow_empty=False)
    perpetrators = PerpetratorInput(many=True, required=False, default=list)
    reporter = ReporterInput(required=False, allow_null=True, default=None)

    class Meta:
        model = Complaint
        fields = [*COMPLAINT_INTAKE_FIELDS, "children", "perpetrators", "reporter"]

    def complaint_and_parties(self) -> tuple[Complaint, dict]:
        """An unsaved Complaint and the parties, as ``complaint_receive`` takes them."""
        data = dict(self.validated_data)
        reporter = data.pop("reporter")
        parties = {
            "children": [dict(child) for child in data.pop("children")],
            "perpetrators": [dict(person) for person in data.pop("perpetrators")],
            "reporter": dict(reporter) if reporter else None,
        }
        data["violence_forms"] = sorted(data["violence_forms"])
        return Complaint(**data), parties


class ComplaintAttachInput(serializers.Serializer):
    case = serializers.CharField(max_length=24, help_text="The code of a case you may change.")


class ComplaintCloseInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Why this is not a case.")


class PublicComplaintSerializer(serializers.Serializer):
    """The public form's few questions; all optional except what happened and where."""

    narrative = serializers.CharField(max_length=5000)
    village = village_field(help_text="Where the child lives or where it happened.")
    child_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    child_sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    child_age = serializers.IntegerField(
        min_value=0, max_value=17, required=False, allow_null=True, default=None
    )
    anonymous = serializers.BooleanField(required=False, default=False)
    reporter_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def child(self, today) -> dict:
        data = self.validated_data
        child = {"name": data.get("child_name", ""), "sex": data.get("child_sex", "")}
        if data["child_age"] is not None:
            child["birth_date"] = today.replace(year=today.year - data["child_age"], day=1)
            child["birth_date_is_estimate"] = True
        return child

    def reporter(self) -> dict | None:
        data = self.validated_data
        name, phone = data.get("reporter_name", ""), data.get("reporter_phone", "")
        if data["anonymous"] or not (name or phone):
            return None
        return {"name": name, "phone": phone}


class PublicReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(
        help_text="Shown once; with it the reporter can later learn the status."
    )
