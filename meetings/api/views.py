"""Meetings (read, RSVP) and action items (read, move along), for partners and browsers.

Like the meeting pages: only caseworkers, supervisors, heads, coordinators and data
officers take part (anyone else: 403); a meeting or item outside ``visible_to`` is a 404;
the RSVP and the status change are the pages' own services.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Value
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies.models import ApiScope
from agencies.roles import agency_of, membership_of
from api.base import VisibleListMixin, VisibleRetrieveMixin, VisibleViewSet
from api.conditional import require_if_match
from api.permissions import AgencyMember
from cases.models import Case
from meetings.api.filters import ActionItemFilter, MeetingFilter
from meetings.api.serializers import (
    ActionItemDetailSerializer,
    ActionItemSerializer,
    ActionItemStatusSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MyInvitationSerializer,
    RsvpSerializer,
)
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting, Minutes
from meetings.models.meetings import takes_part_in_meetings
from meetings.notulen import action_item_status_set
from meetings.services import invitation_answer, invitation_for

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version being changed (from the last read).",
)


class TakesPartInMeetings(AgencyMember):
    """The meeting pages' own gate: a page, not a record, so a 403."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and takes_part_in_meetings(request.user)


def _my_rsvp(user):
    """The answer of the invitation the user would answer (``invitation_for``), per row."""
    membership = membership_of(user)
    if membership is None:
        return Value(None)
    mine = Invitation.objects.filter(meeting=OuterRef("pk"), agency_id=membership.agency_id)
    mine = mine.filter(Q(user=user) | Q(user__isnull=True))
    return Subquery(mine.order_by(F("user").asc(nulls_last=True)).values("rsvp")[:1])


def _content_etag(meeting: Meeting, data) -> str:
    """A meeting changes through queryset updates and its invitations, agenda and minutes,
    none of which moves ``updated_at``; so its ETag is a digest of what the caller read."""
    body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return f'"meeting-{meeting.pk}-h{hashlib.sha256(body).hexdigest()[:24]}"'


def _page_facts(meeting: Meeting, user) -> dict:
    """What the meeting page works out for this viewer, in four queries."""
    case_ids = {item.case_id for item in meeting.agenda.all() if item.case_id}
    if meeting.case_id:
        case_ids.add(meeting.case_id)
    visible_cases = (
        set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
        if case_ids
        else set()
    )
    invitation = invitation_for(meeting, user)
    return {
        "visible_cases": visible_cases,
        "my_invitation": invitation,
        "may_answer": invitation is not None
        and meeting.status == Meeting.Status.SCHEDULED
        and meeting.starts_at > timezone.now(),
        "approved_minutes": Minutes.objects.filter(
            meeting=meeting, status=Minutes.Status.APPROVED
        ).first(),
    }


class MeetingViewSet(VisibleListMixin, VisibleRetrieveMixin, VisibleViewSet):
    """Meetings the caller's agency or the caller is invited to, and those of forums the
    caller runs; newest first."""

    model = Meeting
    filterset_class = MeetingFilter
    permission_classes = [TakesPartInMeetings]
    write_scope = ApiScope.CASES

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def scope(self, queryset):
        queryset = queryset.select_related("forum").annotate(my_rsvp=_my_rsvp(self.request.user))
        if self.action != "retrieve":
            return queryset
        return queryset.select_related("case").prefetch_related(
            Prefetch("agenda", AgendaItem.objects.select_related("case")),
            Prefetch(
                "invitations",
                Invitation.objects.select_related("agency").order_by("agency__name", "pk"),
            ),
            "changes",
        )

    def retrieve(self, request, *args, **kwargs):
        meeting = self.get_object()
        context = {**self.get_serializer_context(), **_page_facts(meeting, request.user)}
        data = MeetingDetailSerializer(meeting, context=context).data
        response = Response(data)
        response["ETag"] = _content_etag(meeting, data)
        return response

    @extend_schema(
        request=RsvpSerializer,
        responses={
            200: MyInvitationSerializer,
            400: OpenApiResponse(description="Not invited, no longer open, or a wrong answer."),
        },
    )
    @action(detail=True, methods=["post"])
    def rsvp(self, request, pk=None):
        """Answer the invitation for oneself or one's agency (a partner system answers as
        its service account)."""
        meeting = self.get_object()
        body = RsvpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = invitation_answer(
            meeting=meeting, user=request.user, answer=body.validated_data["answer"]
        )
        context = {**self.get_serializer_context(), "may_answer": True}
        return Response(MyInvitationSerializer(invitation, context=context).data)


def _may_change(item: ActionItem, user) -> bool:
    """As the action item page offers the form: the responsible agency or the meeting's
    runners (``action_item_status_set`` checks the same again)."""
    agency = agency_of(user)
    if agency is not None and agency.pk == item.agency_id:
        return True
    return Meeting.objects.editable_by(user).filter(pk=item.meeting_id).exists()


class ActionItemViewSet(VisibleListMixin, VisibleRetrieveMixin, VisibleViewSet):
    """Action items of approved minutes the caller may see (all of them for the forum's
    runners); newest first. ``updated_since`` lets a partner fetch only what changed."""

    model = ActionItem
    filterset_class = ActionItemFilter
    permission_classes = [TakesPartInMeetings]
    write_scope = ApiScope.CASES

    def get_serializer_class(self):
        return ActionItemSerializer if self.action == "list" else ActionItemDetailSerializer

    def scope(self, queryset):
        if self.action == "list":
            return queryset
        return queryset.select_related("meeting", "agenda_item")

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        request=ActionItemStatusSerializer,
        parameters=[IF_MATCH],
        responses={
            200: ActionItemDetailSerializer,
            400: OpenApiResponse(description="A wrong status, or dropping without a reason."),
            403: OpenApiResponse(description="Neither the responsible agency nor a runner."),
            412: OpenApiResponse(description="The item changed since the ETag was read."),
            428: OpenApiResponse(description="If-Match is missing."),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """Move the item along; dropping needs a reason. Send If-Match. What is left out
        stays as it is (a dropped item's reason, or its status)."""
        item = self.get_object()
        if not _may_change(item, request.user):
            raise PermissionDenied
        with transaction.atomic():
            # Locked, so the version If-Match names is still the one written over.
            locked = ActionItem.objects.select_for_update().get(pk=item.pk)
            require_if_match(request, locked)
            body = ActionItemStatusSerializer(locked, data=request.data, partial=True)
            body.is_valid(raise_exception=True)
            action_item_status_set(item=locked, changed_by=request.user, **body.change())
        return self._detail(self.get_object())

    def _detail(self, item: ActionItem) -> Response:
        context = {
            **self.get_serializer_context(),
            "may_change": _may_change(item, self.request.user),
        }
        return self.versioned_response(item, ActionItemDetailSerializer(item, context=context).data)
