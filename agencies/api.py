"""API: the directory of agencies and their services, and the Kemendagri regions.

Both are reference data every agency member may read (a referral must name where it
goes); nothing here is confidential, but reading still needs a login and the read scope.
"""

import django_filters
from rest_framework import mixins, serializers

from agencies.models import Agency, AgencyService, Region
from api.base import ApiViewSet
from api.pagination import StableCursorPagination


class AgencyServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyService
        fields = ["service_type", "description", "is_active"]


class AgencySerializer(serializers.ModelSerializer):
    services = AgencyServiceSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "nomenclature",
            "type",
            "regency",
            "phone",
            "email",
            "time_zone",
            "services",
        ]


class AgencyFilter(django_filters.FilterSet):
    regency = django_filters.CharFilter(field_name="regency_id")
    service_type = django_filters.CharFilter(
        field_name="services__service_type", distinct=True, label="offers this service"
    )

    class Meta:
        model = Agency
        fields = ["regency", "type", "service_type"]


class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Active agencies with the services they offer."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    queryset = Agency.objects.filter(is_active=True).prefetch_related("services")


class RegionPagination(StableCursorPagination):
    page_size = 100
    ordering = ("code",)


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "is_active"]


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id")

    class Meta:
        model = Region
        fields = ["level", "parent", "is_active"]


class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Kemendagri regions (province, regency/city, kecamatan, desa/kelurahan)."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    pagination_class = RegionPagination
    queryset = Region.objects.all()
    lookup_value_regex = r"[0-9.]+"
