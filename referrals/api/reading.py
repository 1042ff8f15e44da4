"""What the API shows of a referral: exactly what the web inbox and referral page show.

Rows carry the case code and pseudonym, never a name. The summary (reason, chronology,
condition, consent...) is what ``summary_minimised`` kept when the referral was sent, and
it is withheld, as on the web page, from a receiving agency that never accepted it. The
consent override's reason is for the sending side only. Identities are not here at all:
they open only through the case's audited reveal, for those entitled.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.roles import membership_of
from cases.models import Case
from cases.models.choices import CaseSection
from referrals.models import Referral, ReferralEvent

INCOMING, OUTGOING = "incoming", "outgoing"
DIRECTIONS = [(INCOMING, "incoming"), (OUTGOING, "outgoing")]
ACTIONS = ("accept", "decline", "start", "complete", "cancel")


def allowed_actions(referral: Referral, user) -> list[str]:
    """The steps the reader may take now: the forms the web page would show them."""
    actions = []
    if referral.is_pending and referral.may_answer(user):
        actions += ["accept", "decline"]
    if referral.is_active and referral.may_work(user):
        if referral.status == Referral.Status.ACCEPTED:
            actions.append("start")
        actions.append("complete")
    if (referral.is_pending or referral.is_active) and referral.may_cancel(user):
        actions.append("cancel")
    return actions


def _reader(serializer):
    return serializer.context["request"].user


class ReferralRowSerializer(serializers.ModelSerializer):
    """One line of the inbox or outbox."""

    direction = serializers.SerializerMethodField(
        help_text="incoming: sent to the reader's agency; outgoing: sent by it."
    )
    case_code = serializers.CharField(source="case.code", read_only=True)
    case_pseudonym = serializers.CharField(
        source="case.pseudonym",
        read_only=True,
        help_text="Case code with the children's initials, ages and sexes; never a name.",
    )
    to_user_name = serializers.CharField(
        source="to_user.full_name", read_only=True, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)
    answered_at = serializers.DateTimeField(source="responded_at", read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "kind",
            "direction",
            "case_code",
            "case_pseudonym",
            "from_agency",
            "to_agency",
            "to_user",
            "to_user_name",
            "service_type",
            "urgency",
            "status",
            "is_overdue",
            "respond_by",
            "sent_at",
            "answered_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=DIRECTIONS))
    def get_direction(self, referral) -> str:
        membership = membership_of(_reader(self))
        is_receiver = membership is not None and membership.agency_id == referral.to_agency_id
        return INCOMING if is_receiver else OUTGOING


class ReferralSummarySerializer(serializers.ModelSerializer):
    """The summary block of the referral page (and of the Surat Rujukan)."""

    shared_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=CaseSection.choices), read_only=True
    )
    shared_documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    consent_by = serializers.SerializerMethodField()
    consent_overridden = serializers.BooleanField(read_only=True)
    consent_override_reason = serializers.SerializerMethodField(
        help_text="Why it was sent without consent; shown to the sending agency only."
    )
    consent_form_attached = serializers.SerializerMethodField()
    chronology = serializers.CharField(source="summary_chronology", read_only=True)
    services = serializers.CharField(source="summary_services", read_only=True)
    condition = serializers.CharField(source="summary_condition", read_only=True)
    purpose = serializers.CharField(source="summary_purpose", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "shared_sections",
            "shared_documents",
            "letter_number",
            "consent_by",
            "consent_on",
            "consent_scope",
            "consent_overridden",
            "consent_override_reason",
            "consent_form_attached",
            "reason",
            "chronology",
            "services",
            "condition",
            "purpose",
            "decline_reason",
            "cancel_reason",
            "outcome",
            "feedback",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=Referral.ConsentBy.choices, allow_null=True)
    )
    def get_consent_by(self, referral) -> str | None:
        return referral.consent_by or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_consent_override_reason(self, referral) -> str | None:
        if not referral.is_sender_side(_reader(self)):
            return None
        return referral.consent_override_reason or None

    def get_consent_form_attached(self, referral) -> bool:
        return referral.consent_form_id is not None


class ReferralEventSerializer(serializers.ModelSerializer):
    """One step of the timeline."""

    actor_name = serializers.CharField(source="actor.full_name", read_only=True, allow_null=True)

    class Meta:
        model = ReferralEvent
        fields = ["action", "at", "actor_name", "note"]
        read_only_fields = fields


class ReferralDetailSerializer(ReferralRowSerializer):
    """The referral page: the row, the summary (or null), the timeline, and what the
    reader may do next."""

    case_visible = serializers.SerializerMethodField(
        help_text="Whether the reader may open the case itself (GET /cases/{code}/)."
    )
    actions = serializers.SerializerMethodField(
        help_text="The steps the reader may take now, each a POST /referrals/{id}/<step>/."
    )
    summary = serializers.SerializerMethodField(
        help_text="Null for a receiving agency once the referral ended without its acceptance."
    )
    events = ReferralEventSerializer(many=True, read_only=True)

    class Meta(ReferralRowSerializer.Meta):
        fields = [
            *ReferralRowSerializer.Meta.fields,
            "sender_keeps_access",
            "started_at",
            "completed_at",
            "ended_at",
            "case_visible",
            "actions",
            "summary",
            "events",
        ]
        read_only_fields = fields

    def get_case_visible(self, referral) -> bool:
        return Case.objects.visible_to(_reader(self)).filter(pk=referral.case_id).exists()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTIONS)))
    def get_actions(self, referral) -> list[str]:
        return allowed_actions(referral, _reader(self))

    @extend_schema_field(ReferralSummarySerializer(allow_null=True))
    def get_summary(self, referral) -> dict | None:
        if not referral.summary_visible_to(_reader(self)):
            return None
        return ReferralSummarySerializer(referral, context=self.context).data
