"""API: complaints. Staff of the receiving agency (and their partner systems, e.g. a
hotline) record complaints and read their agency's, as the web intake and inbox do;
intake officers and supervisors triage them (opening a case is ``POST /cases/``).

``POST /complaints/public/`` is the one anonymous endpoint of the API: the public form,
throttled per address, answering only with the tracking code.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies.auth import client_address
from agencies.models import Agency, ApiScope
from agencies.roles import Role, has_role
from api.base import VisibleListMixin, VisibleViewSet
from api.pagination import StableCursorPagination
from api.permissions import AgencyMember
from api.throttling import PublicComplaintThrottle
from cases.api.complaint_serializers import (
    ComplaintAttachInput,
    ComplaintCloseInput,
    ComplaintDetailSerializer,
    ComplaintIntakeSerializer,
    ComplaintSerializer,
    PublicComplaintSerializer,
    PublicReceiptSerializer,
)
from cases.api.filters import ComplaintFilter
from cases.intake import complaint_attach_to_case, complaint_close_not_a_case, complaint_receive
from cases.models import AuditEvent, Case, Complaint
from cases.models.complaints import INTAKE_ROLES, TRIAGE_ROLES
from cases.public import complaint_submit_public
from cases.services import audit_record

# Who may fill in the staff intake form on the web (cases.views.complaints.IntakeView).
INTAKE_FORM_ROLES = (Role.INTAKE, Role.CASEWORKER, Role.SUPERVISOR)


class ComplaintPagination(StableCursorPagination):
    ordering = ("-received_at", "-id")


class HoldsActionRoles(permissions.BasePermission):
    """The web's role rule for each screen: the inbox, the intake form, triage."""

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, *view.roles_for_action())


class ComplaintViewSet(VisibleListMixin, VisibleViewSet):
    """Complaints the caller's agency received (and may still see once triaged)."""

    model = Complaint
    permission_classes = [AgencyMember, HoldsActionRoles]
    filterset_class = ComplaintFilter
    pagination_class = ComplaintPagination
    write_scope = ApiScope.CASES

    def roles_for_action(self) -> tuple[str, ...]:
        if self.action == "create":
            return INTAKE_FORM_ROLES
        if self.action in ("attach", "close"):
            return TRIAGE_ROLES
        return INTAKE_ROLES

    def scope(self, queryset):
        return queryset.select_related("case").prefetch_related("parties__person")

    def get_serializer_class(self):
        if self.action == "list":
            return ComplaintSerializer
        if self.action == "create":
            return ComplaintIntakeSerializer
        return ComplaintDetailSerializer

    def dispatch(self, request, *args, **kwargs):
        if getattr(self, "action_map", {}).get("post") == "public":
            # The answer is the tracking code, kept only as a keyed hash: never stored
            # in clear to be replayed. (A public retry may file twice; triage merges.)
            request.META.pop("HTTP_IDEMPOTENCY_KEY", None)
        return super().dispatch(request, *args, **kwargs)

    def row_response(self, complaint: Complaint, status: int = 200) -> Response:
        """Writes answer with the row, without the narrative the caller just sent: an
        answer kept for Idempotency-Key replays holds nothing a dump must not show."""
        fresh = self.get_queryset().filter(pk=complaint.pk).first()
        if fresh is None:
            return Response(status=204)  # triaged into a case the caller does not see
        return Response(ComplaintSerializer(fresh).data, status=status)

    @extend_schema(responses=ComplaintDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        """One complaint with what happened; the read is audited, as on the web."""
        complaint = self.get_object()
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                obj=complaint,
                ip_address=client_address(request),
            )
            return Response(ComplaintDetailSerializer(complaint).data)

    @extend_schema(
        request=ComplaintIntakeSerializer,
        responses={201: ComplaintSerializer},
        description="Record a complaint received by the caller's agency (hotline, walk-in...).",
    )
    def create(self, request, *args, **kwargs):
        serializer = ComplaintIntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint, parties = serializer.complaint_and_parties()
        complaint = complaint_receive(received_by=request.user, complaint=complaint, **parties)
        return self.row_response(complaint, status=201)

    @extend_schema(
        request=ComplaintAttachInput,
        responses=ComplaintSerializer,
        description="Triage: add the complaint (its children and reporter) to a case you "
        "may change.",
    )
    @action(detail=True, methods=["post"])
    def attach(self, request, *args, **kwargs):
        complaint = self.get_object()
        serializer = ComplaintAttachInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data["case"]
        case = Case.objects.editable_by(request.user).filter(code=code).first()
        if case is None:
            message = _("No case with that code that you may change.")
            raise exceptions.ValidationError({"case": [message]})
        complaint_attach_to_case(complaint=complaint, case=case, triaged_by=request.user)
        return self.row_response(complaint)

    @extend_schema(
        request=ComplaintCloseInput,
        responses=ComplaintSerializer,
        description="Triage: close the complaint as not a case, saying why.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        complaint = self.get_object()
        serializer = ComplaintCloseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_close_not_a_case(
            complaint=complaint,
            triaged_by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self.row_response(complaint)

    @extend_schema(
        request=PublicComplaintSerializer,
        responses={
            201: PublicReceiptSerializer,
            429: OpenApiResponse(description="Too many complaints from this address."),
        },
        auth=[],
        description="The public complaint form, for anyone, without an account; throttled "
        "per address. The answer holds only the tracking code, shown once.",
    )
    @action(
        detail=False,
        methods=["post"],
        authentication_classes=[],
        permission_classes=[permissions.AllowAny],
        throttle_classes=[PublicComplaintThrottle],
    )
    def public(self, request, *args, **kwargs):
        serializer = PublicComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        village = serializer.validated_data["village"]
        regency = village.parent.parent if village.parent else None
        agency = Agency.objects.public_intake_for(regency) if regency else None
        if agency is None:
            message = _("Sinergi does not serve this area yet. Please call SAPA 129.")
            raise exceptions.ValidationError({"village": [message]})
        _complaint, code = complaint_submit_public(
            agency=agency,
            narrative=serializer.validated_data["narrative"],
            child=serializer.child(timezone.localdate()),
            reporter=serializer.reporter(),
            incident_village=village,
        )
        return Response(PublicReceiptSerializer({"tracking_code": code}).data, status=201)
