"""What agencies can do for a child: the service types, and each agency's catalogue.

Service types are the SIMFONI-PPA service list followed by the Perpres 55/2024 Ps 5(2)
UPTD PPA tasks. Referrals may ask an agency only for a service in its catalogue.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    """SIMFONI service types, then the Perpres 55/2024 Ps 5(2) UPTD PPA tasks."""

    COMPLAINT = "pengaduan", _("Complaint handling")
    OUTREACH = "penjangkauan", _("Outreach (home visit)")
    HEALTH = "kesehatan", _("Health")
    LEGAL_AID = "bantuan_hukum", _("Legal aid")
    LAW_ENFORCEMENT = "penegakan_hukum", _("Law enforcement")
    SOCIAL_REHABILITATION = "rehabilitasi_sosial", _("Social rehabilitation")
    SOCIAL_REINTEGRATION = "reintegrasi_sosial", _("Social reintegration")
    REPATRIATION = "pemulangan", _("Repatriation")
    RELIGIOUS_SUPPORT = "pendampingan_tokoh_agama", _("Support by a religious leader")
    RIGHTS_INFORMATION = "informasi_hak", _("Information on the victim's rights")
    PSYCHOLOGICAL = "penguatan_psikologis", _("Psychological support")
    PSYCHOSOCIAL = "psikososial", _("Psychosocial services and social empowerment")
    ECONOMIC = "pemberdayaan_ekonomi", _("Economic empowerment needs")
    SHELTER = "penampungan_sementara", _("Temporary shelter (safe house)")
    DISABILITY = "kebutuhan_disabilitas", _("Disability needs")
    CIVIL_DOCUMENTS = "dokumen_kependudukan", _("Civil documents (birth certificate, KIA, KK)")
    JUSTICE_MONITORING = "pemantauan_peradilan", _("Monitoring the victim's rights in court")

    @classmethod
    def section_of(cls, service_type: str) -> str:
        """Which case section a service belongs to: health, legal, or the plan's own."""
        if service_type in HEALTH_SERVICES:
            return "kesehatan"
        if service_type in LEGAL_SERVICES:
            return "hukum"
        return "rencana"


HEALTH_SERVICES = {
    ServiceType.HEALTH,
    ServiceType.PSYCHOLOGICAL,
    ServiceType.PSYCHOSOCIAL,
    ServiceType.DISABILITY,
}
LEGAL_SERVICES = {
    ServiceType.LEGAL_AID,
    ServiceType.LAW_ENFORCEMENT,
    ServiceType.JUSTICE_MONITORING,
    ServiceType.RIGHTS_INFORMATION,
}


# What each kind of agency offers by default; each agency's admin then edits its own list.
DEFAULT_SERVICES_BY_AGENCY_TYPE = {
    "dinsos": [
        ServiceType.SOCIAL_REHABILITATION,
        ServiceType.SOCIAL_REINTEGRATION,
        ServiceType.REPATRIATION,
        ServiceType.SHELTER,
        ServiceType.PSYCHOSOCIAL,
    ],
    "dp3a": [ServiceType.COMPLAINT, ServiceType.RIGHTS_INFORMATION, ServiceType.ECONOMIC],
    # Perpres 55/2024 Ps 5(2) tasks a-k, plus the six UPTD PPA functions.
    "uptd_ppa": [
        ServiceType.COMPLAINT,
        ServiceType.OUTREACH,
        ServiceType.RIGHTS_INFORMATION,
        ServiceType.HEALTH,
        ServiceType.PSYCHOLOGICAL,
        ServiceType.PSYCHOSOCIAL,
        ServiceType.LEGAL_AID,
        ServiceType.ECONOMIC,
        ServiceType.SHELTER,
        ServiceType.DISABILITY,
        ServiceType.JUSTICE_MONITORING,
    ],
    "unit_ppa": [ServiceType.LAW_ENFORCEMENT],
    "dinkes": [ServiceType.HEALTH],
    "hospital": [ServiceType.HEALTH, ServiceType.PSYCHOLOGICAL],
    "puskesmas": [ServiceType.HEALTH],
    "disdukcapil": [ServiceType.CIVIL_DOCUMENTS],
    "education": [ServiceType.SOCIAL_REINTEGRATION],
    "kemenag": [ServiceType.RELIGIOUS_SUPPORT],
    "kejaksaan": [ServiceType.LAW_ENFORCEMENT],
    "pengadilan": [ServiceType.LAW_ENFORCEMENT],
    "bapas": [ServiceType.LAW_ENFORCEMENT, ServiceType.SOCIAL_REINTEGRATION],
    "lpsk": [ServiceType.RIGHTS_INFORMATION, ServiceType.JUSTICE_MONITORING],
    "lksa": [ServiceType.SHELTER, ServiceType.SOCIAL_REHABILITATION],
    "ngo": [ServiceType.LEGAL_AID],
    "puspaga": [ServiceType.PSYCHOSOCIAL],
    "pksai": [ServiceType.COMPLAINT, ServiceType.PSYCHOSOCIAL],
}
