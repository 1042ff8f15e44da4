"""What a partner sends to refer a case and to answer a referral.

The fields are the web form's (``referrals.forms``), with the same names, so the
service's field errors land on them. Every choice of a related record is limited to what
the caller may choose (open cases it may change, documents it may open, active agencies,
people who work referrals); ``referral_send`` then checks everything again, exactly as
for the web form. Error messages never repeat the submitted value.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from agencies.catalogue import ServiceType
from agencies.models import Agency, User
from cases.models import Case, CaseDocument
from cases.models.choices import CaseSection
from referrals.models import RECEIVING_ROLES, Referral, Urgency
from referrals.services import ReferralRequest

NOT_A_CHOICE = {"invalid_choice": _("Choose one of the allowed values.")}
NO_SUCH_RECORD = {"does_not_exist": _("There is no such record you may choose.")}


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, error_messages=NOT_A_CHOICE, **kwargs)


def receiving_people():
    """People who may work a referral somewhere: active caseworkers and supervisors of an
    active agency. Partner systems' service accounts are not assigned work."""
    return User.objects.filter(
        is_active=True,
        api_client__isnull=True,
        membership__agency__is_active=True,
        membership__roles__role__in=RECEIVING_ROLES,
    ).distinct()


class ReferralSendSerializer(serializers.Serializer):
    """Refer a case (JSON). The signed consent form, if any, is sent as multipart."""

    case_code = serializers.CharField(
        max_length=24, help_text="Code of an open case you may change, e.g. BPN-2026-00012."
    )
    kind = _choice(Referral.Kind.choices, default=Referral.Kind.REFERRAL)
    to_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), error_messages=NO_SUCH_RECORD
    )
    service_type = _choice(
        ServiceType.choices, help_text="A service the receiving agency offers (GET /agencies/)."
    )
    to_user = serializers.PrimaryKeyRelatedField(
        queryset=receiving_people(),
        allow_null=True,
        default=None,
        error_messages=NO_SUCH_RECORD,
        help_text="A caseworker or supervisor of the receiving agency; null: the agency.",
    )
    urgency = _choice(Urgency.choices, default=Urgency.ROUTINE)
    respond_by = serializers.DateTimeField(
        allow_null=True, default=None, help_text="Null: from the urgency's deadline."
    )
    reason = serializers.CharField()
    letter_number = serializers.CharField(max_length=60, allow_blank=True, default="")
    shared_sections = serializers.MultipleChoiceField(
        choices=CaseSection.choices, allow_empty=False, error_messages=NOT_A_CHOICE
    )
    shared_documents = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=CaseDocument.objects.none(),
        error_messages=NO_SUCH_RECORD,
        help_text="Documents of the case, one by one; needs the documents section.",
    )
    summary_purpose = serializers.CharField()
    summary_chronology = serializers.CharField(allow_blank=True, default="")
    summary_services = serializers.CharField(allow_blank=True, default="")
    summary_condition = serializers.CharField(allow_blank=True, default="")
    consent_by = _choice(Referral.ConsentBy.choices, allow_blank=True, default="")
    consent_on = serializers.DateField(allow_null=True, default=None)
    consent_scope = serializers.CharField(allow_blank=True, default="")
    consent_override_reason = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Supervisors only: why it is sent without consent.",
    )
    sender_keeps_access = serializers.BooleanField(default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none while the schema is drawn
        if request is not None:
            documents = CaseDocument.objects.visible_to(request.user)
            self.fields["shared_documents"].child_relation.queryset = documents

    def validate_case_code(self, code: str) -> Case:
        user = self.context["request"].user
        case = (
            Case.objects.editable_by(user).open().visible_to(user).filter(code=code.strip()).first()
        )
        if case is None:
            raise serializers.ValidationError(
                _("There is no open case with this code you may refer.")
            )
        return case

    def to_request(self) -> ReferralRequest:
        return ReferralRequest.from_fields(self.validated_data)


class ReferralSendUploadSerializer(ReferralSendSerializer):
    """Refer a case with the signed consent form (multipart/form-data)."""

    consent_form = serializers.FileField(
        required=False, help_text="The signed consent form: PDF, JPEG or PNG."
    )


class AcceptSerializer(serializers.Serializer):
    assignees = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=User.objects.none(),
        error_messages=NO_SUCH_RECORD,
        help_text="Caseworkers or supervisors of the receiving agency; empty: whoever accepts.",
    )

    def __init__(self, *args, referral: Referral | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if referral is not None:  # none while the schema is drawn
            people = receiving_people().filter(membership__agency=referral.to_agency)
            self.fields["assignees"].child_relation.queryset = people


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        help_text="The outcome of the service, e.g. the visum's conclusion."
    )
    feedback = serializers.CharField(help_text="Feedback to the sending agency.")
