"""API: cases. The list, one case by the sections its reader may see, opening a case
from a complaint, editing its facts, and revealing its identity section.

Everything goes through ``Case.objects.visible_to`` (another agency's case is a 404)
and through the services the web UI calls (cases.intake, cases.services); the workflow
steps are in ``cases.api.actions``.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies.auth import client_address
from agencies.models import ApiScope
from agencies.roles import has_role
from api.base import VisibleListMixin, VisibleViewSet
from api.conditional import etag_of, expected_version
from api.filters import AskedFilterBackend
from cases.api.actions import CaseActionsMixin
from cases.api.filters import CaseFilter, StableOrdering
from cases.api.inputs import CaseOpenSerializer, CaseUpdateSerializer, IdentityRevealInput
from cases.api.rows import case_rows
from cases.api.serializers import (
    CaseDetailSerializer,
    CaseOpenedSerializer,
    CaseReading,
    CaseRowSerializer,
    IdentityRevealSerializer,
    Reader,
)
from cases.intake import complaint_open_case
from cases.models import AuditEvent, Case
from cases.models.cases import IdentityAccess
from cases.models.complaints import TRIAGE_ROLES
from cases.services import audit_record, case_identity_reveal, case_update

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version you read (428 without it, 412 when stale).",
)


class CaseViewSet(CaseActionsMixin, VisibleListMixin, VisibleViewSet):
    """Cases the caller may see. Rows and pages carry pseudonyms, never identities."""

    model = Case
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    filterset_class = CaseFilter
    filter_backends = [AskedFilterBackend, StableOrdering]
    ordering_fields = ["created_at", "updated_at"]
    write_scope = ApiScope.CASES

    def dispatch(self, request, *args, **kwargs):
        if getattr(self, "action_map", {}).get("post") == "identity":
            # A reveal's answer holds identities: it is never stored to be replayed.
            request.META.pop("HTTP_IDEMPOTENCY_KEY", None)
        return super().dispatch(request, *args, **kwargs)

    def scope(self, queryset):
        return queryset.row_values() if self.action == "list" else queryset.for_detail()

    def get_serializer_class(self):
        if self.action == "list":
            return CaseRowSerializer
        if self.action == "create":
            return CaseOpenSerializer
        if self.action == "partial_update":
            return CaseUpdateSerializer
        return CaseDetailSerializer

    # --- reading -------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        # Rows built from plain values (cases.api.rows), not instances; the schema still
        # comes from CaseRowSerializer (get_serializer_class).
        page = self.paginate_queryset(self._listed(request))
        return self.get_paginated_response(case_rows(page, reader=Reader(request.user)))

    def _listed(self, request):
        """The visible cases, as the paginator reads them. With no filter and no order
        asked, the page's statement is kept per shape (``Case.objects.visible_page``, the
        same rule); otherwise the filtered queryset."""
        asked = AskedFilterBackend.asks_a_filter(request, self.filterset_class)
        if asked or StableOrdering.ordering_param in request.query_params:
            return self.filter_queryset(self.get_queryset())
        return Case.objects.visible_page(request.user)

    def detail_data(self, case: Case) -> dict:
        reading = CaseReading.of(case, self.request.user)
        case.redact(reading.sections)  # unshared narratives never reach the payload
        context = {**super().get_serializer_context(), "reading": reading, "reader": reading}
        return CaseDetailSerializer(case, context=context).data

    def detail_response(self, case: Case, status: int = 200) -> Response:
        """The case as it is now, read again through the visibility rule."""
        fresh = self.get_queryset().filter(pk=case.pk).first()
        if fresh is None:
            return Response(status=204)  # the step took the case out of the caller's sight
        return self.versioned_response(fresh, self.detail_data(fresh), status=status)

    @extend_schema(responses=CaseDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        """One case, with the sections the caller may see; the read is audited."""
        case = self.get_object()
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                case=case,
                ip_address=client_address(request),
            )
            return self.versioned_response(case, self.detail_data(case))

    # --- writing -------------------------------------------------------------------

    @extend_schema(
        request=CaseOpenSerializer,
        responses={201: CaseOpenedSerializer},
        description="Triage: open a case from an untriaged complaint of the caller's "
        "agency (intake officers and supervisors), as the web triage does.",
    )
    def create(self, request, *args, **kwargs):
        if not has_role(request.user, *TRIAGE_ROLES):
            raise exceptions.PermissionDenied
        serializer = CaseOpenSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        case = complaint_open_case(
            complaint=serializer.validated_data["complaint"],
            triaged_by=request.user,
            lead_caseworker=serializer.validated_data["lead_caseworker"],
        )
        return self._opened_response(case)

    def _opened_response(self, case: Case) -> Response:
        fresh = self.get_queryset().filter(pk=case.pk).first()
        body = {"code": case.code, "visible": fresh is not None, "case": None}
        if fresh is None:
            return Response(body, status=201)
        body["case"] = self.detail_data(fresh)
        response = Response(body, status=201)
        response["ETag"] = etag_of(fresh)
        response["Location"] = reverse("api-case-detail", args=[case.code])
        return response

    @extend_schema(
        request=CaseUpdateSerializer,
        responses=CaseDetailSerializer,
        parameters=[IF_MATCH],
        description="Change the case's own facts. Send If-Match with the ETag you read.",
    )
    def partial_update(self, request, *args, **kwargs):
        case = self.get_editable_object()
        version = expected_version(request, case)
        serializer = CaseUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {
            field: value
            for field, value in serializer.validated_data.items()
            if getattr(case, field) != value
        }
        if changes:
            case_update(
                case=case, updated_by=request.user, expected_version=version, changes=changes
            )
        return self.detail_response(case)

    @extend_schema(
        request=IdentityRevealInput,
        responses={
            200: IdentityRevealSerializer,
            403: OpenApiResponse(description="The identity is not shared with the caller."),
        },
        description="Reveal the identity section once, for this answer only; audited with "
        "the caller's address. Heads must give a reason. Never replayed by Idempotency-Key.",
    )
    @action(detail=True, methods=["post"])
    def identity(self, request, *args, **kwargs):
        case = self.get_object()
        access = case.identity_access(request.user)
        if access == IdentityAccess.NONE:
            raise exceptions.PermissionDenied
        serializer = IdentityRevealInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"].strip()
        if access == IdentityAccess.REASON and not reason:
            raise exceptions.ValidationError({"reason": [_("Say why you open the identity.")]})
        identities = case_identity_reveal(
            case=case,
            revealed_by=request.user,
            reason=reason,
            ip_address=client_address(request),
        )
        return Response(IdentityRevealSerializer({"identities": identities}).data)
