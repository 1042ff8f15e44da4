"""API: referrals between agencies. Send one, list the inbox and outbox, read one, and
take each step of its lifecycle.

Every step runs through the web's own service (``referrals/services.py``), which checks
it again; this module parses, fetches through ``Referral.objects.visible_to`` and renders.
A referral the caller may not see is a 404 on every route. One it sees but may not act on
is a 403, by the web page's own role checks (``may_answer``, ``may_work``,
``may_cancel``). A step in the wrong state is a 400 saying why.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action

from agencies.auth import client_ip
from agencies.models import ApiScope
from agencies.roles import has_role
from api.base import VisibleListMixin, VisibleRetrieveMixin, VisibleViewSet
from api.conditional import require_if_match
from cases.models import AuditEvent, CaseParty
from cases.services import audit_record
from referrals import services
from referrals.api.filters import ReferralFilter, ReferralPagination
from referrals.api.reading import ReferralDetailSerializer, ReferralRowSerializer
from referrals.api.writing import (
    AcceptSerializer,
    CompleteSerializer,
    ReasonSerializer,
    ReferralSendSerializer,
    ReferralSendUploadSerializer,
)
from referrals.models import Referral

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read. Optional on steps; when sent, a stale one is a 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Reuse it when retrying: the first answer is replayed, nothing happens twice.",
)


def _with_pseudonyms():
    """The children of each case, for the pseudonym, in one query for the whole page."""
    children = CaseParty.objects.filter(part=CaseParty.Part.CHILD).without_identity()
    return Prefetch("case__parties", queryset=children)


def _step_schema(body, summary: str):
    return extend_schema(
        summary=summary,
        request=body,
        responses=ReferralDetailSerializer,
        parameters=[IF_MATCH, IDEMPOTENCY_KEY],
    )


@extend_schema_view(
    list=extend_schema(summary="Referrals sent to or by your agency that you may see"),
    retrieve=extend_schema(summary="One referral, with its ETag (the read is audited)"),
)
class ReferralViewSet(VisibleListMixin, VisibleRetrieveMixin, VisibleViewSet):
    model = Referral
    write_scope = ApiScope.REFERRALS
    filterset_class = ReferralFilter
    pagination_class = ReferralPagination
    lookup_value_regex = r"[0-9]+"

    def scope(self, queryset):
        queryset = queryset.for_lists().prefetch_related(_with_pseudonyms())
        if self.action != "list":
            queryset = queryset.prefetch_related("events__actor", "shared_documents")
        return queryset

    def get_serializer_class(self):
        return ReferralRowSerializer if self.action == "list" else ReferralDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        with transaction.atomic():
            # Reading the summary is audited like reading the case, as on the web page.
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                case=referral.case,
                obj=referral,
                ip_address=client_ip(request) or None,
            )
        return self.versioned_response(referral, self.get_serializer(referral).data)

    @extend_schema(
        summary="Refer a case to another agency",
        request={
            "application/json": ReferralSendSerializer,
            "multipart/form-data": ReferralSendUploadSerializer,
        },
        responses={201: ReferralDetailSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request, *args, **kwargs):
        if not has_role(request.user, *services.SENDING_ROLES):
            raise exceptions.PermissionDenied
        upload = request.content_type.startswith("multipart/")
        body_class = ReferralSendUploadSerializer if upload else ReferralSendSerializer
        body = body_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        referral = services.referral_send(
            case=body.validated_data["case_code"], sent_by=request.user, request=body.to_request()
        )
        response = self._answer(referral, status=201)
        response["Location"] = reverse("api-referral-detail", args=[referral.pk])
        return response

    @_step_schema(AcceptSerializer, "Accept (receiving agency), optionally assigning people")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        referral = self._actionable(Referral.may_answer)
        body = self._body(AcceptSerializer, referral=referral)
        with self._unchanged_since_read(referral):
            services.referral_accept(
                referral=referral,
                accepted_by=request.user,
                assignees=list(body.get("assignees", [])),
            )
        return self._answer(referral)

    @_step_schema(ReasonSerializer, "Decline (receiving agency), with the reason")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        referral = self._actionable(Referral.may_answer)
        body = self._body(ReasonSerializer)
        with self._unchanged_since_read(referral):
            services.referral_decline(
                referral=referral, declined_by=request.user, reason=body["reason"]
            )
        return self._answer(referral)

    @_step_schema(None, "Start work on an accepted referral (receiving agency)")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        referral = self._actionable(Referral.may_work)
        with self._unchanged_since_read(referral):
            services.referral_start(referral=referral, started_by=request.user)
        return self._answer(referral)

    @_step_schema(CompleteSerializer, "Complete (receiving agency): outcome and feedback")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        referral = self._actionable(Referral.may_work)
        body = self._body(CompleteSerializer)
        with self._unchanged_since_read(referral):
            services.referral_complete(
                referral=referral,
                completed_by=request.user,
                outcome=body["outcome"],
                feedback=body["feedback"],
            )
        return self._answer(referral)

    @_step_schema(ReasonSerializer, "Cancel (sending agency), with the reason")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        referral = self._actionable(Referral.may_cancel)
        body = self._body(ReasonSerializer)
        with self._unchanged_since_read(referral):
            services.referral_cancel(
                referral=referral, cancelled_by=request.user, reason=body["reason"]
            )
        return self._answer(referral)

    # --- the pieces every step shares ----------------------------------------------------

    def _actionable(self, may) -> Referral:
        """The referral, if visible (404 otherwise) and the caller's role allows the step
        (403 otherwise), checked before the body so a refusal says nothing about it."""
        referral = self.get_object()
        if not may(referral, self.request.user):
            raise exceptions.PermissionDenied
        return referral

    def _body(self, serializer_class, **kwargs) -> dict:
        body = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        body.is_valid(raise_exception=True)
        return body.validated_data

    @contextmanager
    def _unchanged_since_read(self, referral: Referral):
        """If-Match is optional on steps (each step checks the state it starts from), but
        when sent it must name the version stored now. The row stays locked from the check
        to the end of the step, so nobody changes it in between."""
        with transaction.atomic():
            if self.request.headers.get("If-Match"):
                current = (
                    Referral.objects.select_for_update().only("updated_at").get(pk=referral.pk)
                )
                require_if_match(self.request, current)
            yield

    def _answer(self, referral: Referral, status: int = 200):
        """The referral as the caller now sees it, with its new ETag."""
        fresh = self.get_queryset().filter(pk=referral.pk).first() or referral
        data = ReferralDetailSerializer(fresh, context=self.get_serializer_context()).data
        return self.versioned_response(fresh, data, status=status)
