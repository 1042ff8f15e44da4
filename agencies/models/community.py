"""Community network members (jejaring komunitas): PATBM, TKSK, PSM, Forum Anak and more."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models.accounts import Agency, Region
from agencies.network_scope import keeps_network_registers, network_membership


class NetworkMemberType(models.TextChoices):
    PATBM = "patbm", _("PATBM activist")
    SATGAS_PPA = "satgas_ppa", _("Satgas PPA")
    TKSK = "tksk", _("TKSK (Tenaga Kesejahteraan Sosial Kecamatan)")
    PSM = "psm", _("PSM (Pekerja Sosial Masyarakat)")
    FORUM_ANAK = "forum_anak", _("Forum Anak")
    RT_PPA = "rt_ppa", _("PPA section of an RT")
    KADER = "kader", _("Cadre (kader)")
    OTHER = "lainnya", _("Other")


# The types the coverage view checks in every kecamatan and kelurahan.
COVERAGE_TYPES = (
    NetworkMemberType.TKSK,
    NetworkMemberType.PSM,
    NetworkMemberType.PATBM,
    NetworkMemberType.FORUM_ANAK,
)


class NetworkMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members coordinated by any agency of the user's city network."""
        membership = network_membership(user)
        if membership is None:
            return self.none()
        return self.filter(coordinating_agency__regency_id=membership.agency.regency_id)

    def editable_by(self, user):
        """The coordinating agency's coordinators, heads and supervisors keep its register."""
        if not keeps_network_registers(user):
            return self.none()
        return self.filter(coordinating_agency_id=network_membership(user).agency_id)

    def active(self):
        return self.filter(is_active=True)


class NetworkMember(models.Model):
    type = models.CharField(_("type"), max_length=12, choices=NetworkMemberType.choices)
    name = models.CharField(_("name"), max_length=150)
    area = models.ForeignKey(
        Region,
        verbose_name=_("area (kecamatan or desa/kelurahan)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    coordinating_agency = models.ForeignKey(
        Agency,
        verbose_name=_("coordinating agency"),
        on_delete=models.PROTECT,
        related_name="network_members",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_member",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NetworkMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["area_id", "type", "name"]
        indexes = [
            models.Index(fields=["coordinating_agency", "type"], name="network_member_agency"),
            models.Index(fields=["area", "type"], name="network_member_area"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_type_display()})"

    def get_absolute_url(self) -> str:
        return reverse("network-member-edit", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.area_id:
            level = Region.level_for_code(self.area_id)
            if level not in (Region.Level.DISTRICT, Region.Level.VILLAGE):
                errors["area"] = _("Choose a kecamatan or a desa/kelurahan.")
            elif self.coordinating_agency_id and not self.area_id.startswith(
                self.coordinating_agency.regency_id + "."
            ):
                errors["area"] = _("The area must lie in the coordinating agency's city.")
        if not self.phone and not self.email:
            errors["phone"] = _("Give a phone number or an e-mail address.")
        if errors:
            raise ValidationError(errors)

    @property
    def district_code(self) -> str:
        return ".".join(self.area_id.split(".")[:3])
