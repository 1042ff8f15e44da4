from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Region
from cases.encryption import EncryptedTextField
from cases.models.choices import AmpkCategory, Jurisdiction, PlaceType, RiskLevel


class Incident(models.Model):
    """What a complaint reports and a case carries on: when, where, how serious, whose."""

    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=10, choices=Jurisdiction.choices, default=Jurisdiction.REGENCY
    )
    ampk_category = models.CharField(
        _("AMPK category"), max_length=24, choices=AmpkCategory.choices, blank=True
    )
    incident_date = models.DateField(_("incident date"), null=True, blank=True)
    incident_date_is_approximate = models.BooleanField(
        _("incident date is approximate"), default=False
    )
    place_type = models.CharField(_("place"), max_length=16, choices=PlaceType.choices, blank=True)
    incident_village = models.ForeignKey(
        Region,
        verbose_name=_("incident village (desa/kelurahan)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    incident_address = EncryptedTextField(
        _("street, RT/RW"), blank=True, help_text=_("Below the village: kept confidential.")
    )

    class Meta:
        abstract = True

    def incident_fields(self) -> dict:
        """The incident as keyword arguments, to carry a complaint's facts into a case."""
        return {field.name: getattr(self, field.name) for field in Incident._meta.fields}
