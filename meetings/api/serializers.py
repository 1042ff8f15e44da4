"""What a meeting and an action item look like to a partner: what the meeting page shows
an invitee, by ids and codes. A case appears by its code only; people by their user id."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meetings.models import ActionItem, AgendaItem, Invitation, Meeting, MeetingChange
from meetings.views.common import meeting_zone_name

# The answers one may give; "no answer yet" is only ever the starting point.
ANSWERS = [
    (Invitation.Rsvp.YES, Invitation.Rsvp.YES.label),
    (Invitation.Rsvp.NO, Invitation.Rsvp.NO.label),
    (Invitation.Rsvp.MAYBE, Invitation.Rsvp.MAYBE.label),
]


class MeetingSerializer(serializers.ModelSerializer):
    forum_name = serializers.CharField(source="forum.name", read_only=True, allow_null=True)
    online_link = serializers.CharField(read_only=True, help_text=_("Empty when there is none."))
    time_zone = serializers.SerializerMethodField(
        help_text=_("The forum's time zone; a meeting without a forum is in the caller's.")
    )
    my_rsvp = serializers.ChoiceField(
        choices=Invitation.Rsvp.choices,
        read_only=True,
        allow_null=True,
        help_text=_("The answer of the caller's invitation (personal, else the agency's)."),
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "forum",
            "forum_name",
            "starts_at",
            "ends_at",
            "time_zone",
            "place",
            "online_link",
            "status",
            "my_rsvp",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_time_zone(self, meeting) -> str:
        return meeting_zone_name(meeting, self.context["request"].user)


class AgendaItemSerializer(serializers.ModelSerializer):
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    case_visible = serializers.SerializerMethodField(
        help_text=_("Whether the caller may open the case (through the cases endpoints).")
    )
    carried_over = serializers.SerializerMethodField(
        help_text=_("An open action item of an earlier meeting, carried to this agenda.")
    )

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "case_code", "case_visible", "carried_over"]
        read_only_fields = fields

    def get_case_visible(self, item) -> bool:
        return item.case_id is not None and item.case_id in self.context["visible_cases"]

    def get_carried_over(self, item) -> bool:
        return item.carried_action_id is not None


class InvitationSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "agency", "agency_name", "user", "rsvp", "attended"]
        read_only_fields = fields


class MyInvitationSerializer(serializers.ModelSerializer):
    personal = serializers.SerializerMethodField(
        help_text=_(
            "True when the caller is invited by name, false when they answer for their agency."
        )
    )
    may_answer = serializers.SerializerMethodField(
        help_text=_("Whether the meeting can still be answered (scheduled, not started).")
    )

    class Meta:
        model = Invitation
        fields = ["id", "agency", "personal", "rsvp", "responded_at", "may_answer"]
        read_only_fields = fields

    def get_personal(self, invitation) -> bool:
        return invitation.user_id is not None

    def get_may_answer(self, invitation) -> bool:
        return self.context["may_answer"]


class MinutesItemSerializer(serializers.ModelSerializer):
    agenda_item = serializers.IntegerField(source="pk", read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["agenda_item", "discussion", "decisions"]
        read_only_fields = fields


class ApprovedMinutesSerializer(serializers.Serializer):
    """Approved minutes only: before approval (and its identity check) they stay with
    the forum's runners."""

    approved_at = serializers.DateTimeField(read_only=True)
    summary = serializers.CharField(read_only=True)
    items = MinutesItemSerializer(many=True, read_only=True)


class MeetingChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingChange
        fields = ["changed_at", "from_starts_at", "to_starts_at", "reason"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    case_code = serializers.CharField(
        source="case.code",
        read_only=True,
        allow_null=True,
        help_text=_("A case conference's case, by its code."),
    )
    case_visible = serializers.SerializerMethodField()
    agenda = AgendaItemSerializer(many=True, read_only=True)
    invitations = InvitationSerializer(many=True, read_only=True)
    my_invitation = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField()
    changes = MeetingChangeSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "case_code",
            "case_visible",
            "agenda",
            "invitations",
            "my_invitation",
            "minutes",
            "changes",
        ]
        read_only_fields = fields

    def get_case_visible(self, meeting) -> bool:
        return meeting.case_id is not None and meeting.case_id in self.context["visible_cases"]

    @extend_schema_field(MyInvitationSerializer(allow_null=True))
    def get_my_invitation(self, meeting):
        invitation = self.context["my_invitation"]
        if invitation is None:
            return None
        return MyInvitationSerializer(invitation, context=self.context).data

    @extend_schema_field(ApprovedMinutesSerializer(allow_null=True))
    def get_minutes(self, meeting):
        minutes = self.context["approved_minutes"]
        if minutes is None:
            return None
        written = [item for item in meeting.agenda.all() if item.discussion or item.decisions]
        return ApprovedMinutesSerializer(
            {"approved_at": minutes.approved_at, "summary": minutes.summary, "items": written}
        ).data


class RsvpSerializer(serializers.Serializer):
    # The service's own words, which quote nothing the caller sent.
    answer = serializers.ChoiceField(
        choices=ANSWERS,
        error_messages={"invalid_choice": _("Choose attend, not attend or maybe.")},
    )


class ActionItemSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "title",
            "agency",
            "assignee",
            "due_on",
            "status",
            "is_overdue",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActionItemDetailSerializer(ActionItemSerializer):
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    agenda_item_title = serializers.CharField(
        source="agenda_item.title", read_only=True, allow_null=True
    )
    about_a_case = serializers.SerializerMethodField(
        help_text=_("Whether its agenda item concerns a case (never named here).")
    )
    may_change = serializers.SerializerMethodField(
        help_text=_("Whether the caller may move the item along (PATCH).")
    )

    class Meta(ActionItemSerializer.Meta):
        fields = [
            *ActionItemSerializer.Meta.fields,
            "drop_reason",
            "meeting_title",
            "agenda_item_title",
            "about_a_case",
            "may_change",
        ]
        read_only_fields = fields

    def get_about_a_case(self, item) -> bool:
        return item.agenda_item is not None and item.agenda_item.case_id is not None

    def get_may_change(self, item) -> bool:
        return self.context["may_change"]


class ActionItemStatusSerializer(serializers.Serializer):
    """A PATCH of the item (the serializer's instance): what is left out stays."""

    status = serializers.ChoiceField(
        choices=ActionItem.Status.choices,
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    reason = serializers.CharField(
        max_length=300, allow_blank=True, help_text=_("Required to drop the item.")
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Send the status, the reason or both."))
        return attrs

    def change(self) -> dict:
        """The arguments of ``action_item_status_set``, the item's own where not sent."""
        item = self.instance
        status = self.validated_data.get("status", item.status)
        kept_reason = item.drop_reason if status == item.status else ""
        return {"status": status, "reason": self.validated_data.get("reason", kept_reason)}
