"""The list row the way a DRF tutorial writes it: a ``ModelSerializer``, related names
through dotted ``source`` and the violence forms as a related field."""

from rest_framework import serializers

from bench.baseline.models import Case


class CaseSerializer(serializers.ModelSerializer):
    lead_agency = serializers.CharField(source="lead_agency.name", read_only=True)
    lead_caseworker = serializers.CharField(
        source="lead_caseworker.full_name", read_only=True, allow_null=True
    )
    violence_forms = serializers.SlugRelatedField(many=True, read_only=True, slug_field="form")

    class Meta:
        model = Case
        fields = [
            "code",
            "status",
            "risk_level",
            "reported_at",
            "lead_agency",
            "lead_caseworker",
            "violence_forms",
            "created_at",
            "updated_at",
        ]
