"""API: the people of a case (``/cases/{code}/persons/``), without identity.

Reached only through a case the caller may see (404 otherwise). The lead agency sees
every party; an agency that holds the case through a referral, only its children, as
the pseudonym already shows them (a person record is never shared). Adding a person
goes through ``cases.parties.case_party_add`` (editors of an open case, audited).
"""

from functools import cached_property

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from agencies.models import ApiScope
from agencies.roles import membership_of
from api.base import ApiViewSet
from api.conditional import require_if_match
from api.errors import NotFound
from api.pagination import StableCursorPagination
from cases.api.actions import IF_MATCH_OPTIONAL
from cases.api.inputs import PERSON_INPUT_FIELDS, PartyInput
from cases.api.serializers import PartySerializer
from cases.models import Case, CaseParty
from cases.parties import case_party_add

CASE_CODE = OpenApiParameter(
    "case_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The case's code."
)


class PartyPagination(StableCursorPagination):
    ordering = ("id",)


@extend_schema_view(
    list=extend_schema(parameters=[CASE_CODE]),
    create=extend_schema(
        parameters=[CASE_CODE, IF_MATCH_OPTIONAL],
        request=PartyInput,
        responses={201: PartySerializer},
        description="Add a person to an open case (those who may change it). The identity "
        "sent is stored encrypted and never returned; a child already known by NIK keeps "
        "one record. The case gets a new version (ETag).",
    ),
)
class CasePersonViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = PartySerializer
    pagination_class = PartyPagination
    filter_backends = []
    write_scope = ApiScope.CASES

    @cached_property
    def case(self) -> Case:
        case = Case.objects.visible_to(self.request.user).filter(code=self.kwargs["case_code"])
        found = case.first()
        if found is None:
            raise NotFound
        return found

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CaseParty.objects.none()
        parties = CaseParty.objects.filter(case=self.case).without_identity()
        membership = membership_of(self.request.user)
        if membership is None or membership.agency_id != self.case.lead_agency_id:
            parties = parties.filter(part=CaseParty.Part.CHILD)
        return parties

    def get_serializer_class(self):
        return PartyInput if self.action == "create" else PartySerializer

    def create(self, request, *args, **kwargs):
        case = self.case
        version = None
        if request.headers.get("If-Match"):
            require_if_match(request, case)
            version = case.version
        serializer = PartyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        party = case_party_add(
            case=case,
            added_by=request.user,
            part=data["part"],
            person={field: data[field] for field in PERSON_INPUT_FIELDS if field in data},
            relationship=data["relationship"],
            is_anonymous=data["is_anonymous"],
            is_child_in_conflict_with_law=data["is_child_in_conflict_with_law"],
            expected_version=version,
        )
        return Response(PartySerializer(party).data, status=201)
