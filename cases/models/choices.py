"""Official category lists (SIMFONI-PPA, UU 35/2014 AMPK, UU 12/2022 TPKS) and case states.

Stored values are stable codes; labels are translated, with the official Indonesian
wording in the Indonesian catalogue.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class ViolenceForm(models.TextChoices):  # SIMFONI "bentuk kekerasan", several per case
    PHYSICAL = "fisik", _("Physical")
    PSYCHOLOGICAL = "psikis", _("Psychological")
    SEXUAL = "seksual", _("Sexual")
    EXPLOITATION = "eksploitasi", _("Exploitation")
    TRAFFICKING = "trafficking", _("Trafficking (TPPO)")
    NEGLECT = "penelantaran", _("Neglect")
    OTHER = "lainnya", _("Other")


class TpksOffence(models.TextChoices):  # UU 12/2022 Ps 4(1)
    NONPHYSICAL_HARASSMENT = "pelecehan_nonfisik", _("Non-physical sexual harassment")
    PHYSICAL_HARASSMENT = "pelecehan_fisik", _("Physical sexual harassment")
    FORCED_CONTRACEPTION = "pemaksaan_kontrasepsi", _("Forced contraception")
    FORCED_STERILISATION = "pemaksaan_sterilisasi", _("Forced sterilisation")
    FORCED_MARRIAGE = "pemaksaan_perkawinan", _("Forced marriage")
    SEXUAL_TORTURE = "penyiksaan_seksual", _("Sexual torture")
    SEXUAL_EXPLOITATION = "eksploitasi_seksual", _("Sexual exploitation")
    SEXUAL_SLAVERY = "perbudakan_seksual", _("Sexual slavery")
    ELECTRONIC = "ksbe", _("Electronic-based sexual violence (KSBE)")
    OTHER_PS4_2 = "lainnya_ps4_2", _("Other sexual violence offence under Article 4(2)")


class PlaceType(models.TextChoices):  # SIMFONI "tempat kejadian"
    HOUSEHOLD = "rumah_tangga", _("Household")
    WORKPLACE = "tempat_kerja", _("Workplace")
    SCHOOL = "sekolah", _("School")
    PUBLIC_FACILITY = "fasilitas_umum", _("Public facility")
    SHORT_COURSE = "lpk", _("Short-course institution")
    OTHER = "lainnya", _("Other")


class PerpetratorRelationship(models.TextChoices):  # SIMFONI "hubungan pelaku"
    PARENT = "orang_tua", _("Parent")
    FAMILY = "keluarga", _("Family/relative")
    SPOUSE = "suami_istri", _("Husband/wife")
    PARTNER_FRIEND = "pacar_teman", _("Boyfriend/girlfriend/friend")
    NEIGHBOUR = "tetangga", _("Neighbour")
    TEACHER = "guru", _("Teacher")
    EMPLOYER = "majikan", _("Employer")
    COLLEAGUE = "rekan_kerja", _("Colleague")
    OTHER = "lainnya", _("Other")
    UNKNOWN = "na", _("Unknown (NA)")


class Education(models.TextChoices):  # SIMFONI "pendidikan"
    NONE = "tidak_sekolah", _("Never been to school")
    KINDERGARTEN = "tk_paud", _("Kindergarten/early childhood")
    PRIMARY = "sd", _("Primary school (SD)")
    JUNIOR = "sltp", _("Junior secondary (SLTP)")
    SENIOR = "slta", _("Senior secondary (SLTA)")
    HIGHER = "pt", _("Higher education")
    UNKNOWN = "na", _("Unknown (NA)")


class DisabilityType(models.TextChoices):
    NONE = "", _("No disability")
    PHYSICAL = "fisik", _("Physical")
    INTELLECTUAL = "intelektual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    SENSORY = "sensorik", _("Sensory")
    MULTIPLE = "ganda", _("Multiple")


class AmpkCategory(models.TextChoices):  # UU 35/2014 Ps 59(2)
    EMERGENCY = "darurat", _("Child in an emergency situation")
    IN_CONFLICT_WITH_LAW = "berhadapan_hukum", _("Child in contact with the law")
    MINORITY = "minoritas", _("Child of a minority or isolated group")
    EXPLOITED = "eksploitasi", _("Child exploited economically and/or sexually")
    SUBSTANCES = "napza", _("Child victim of narcotics, alcohol or other substances")
    PORNOGRAPHY = "pornografi", _("Child victim of pornography")
    HIV = "hiv", _("Child with HIV/AIDS")
    TRAFFICKING = "perdagangan", _("Child victim of abduction, sale or trafficking")
    PHYSICAL_PSYCHOLOGICAL = (
        "fisik_psikis",
        _("Child victim of physical and/or psychological violence"),
    )
    SEXUAL_CRIME = "kejahatan_seksual", _("Child victim of sexual crime")
    TERRORISM = "terorisme", _("Child victim of terrorist networks")
    DISABILITY = "disabilitas", _("Child with a disability")
    MALTREATMENT = "penelantaran", _("Child victim of maltreatment and neglect")
    DEVIANT_BEHAVIOUR = "perilaku_menyimpang", _("Child with deviant social behaviour")
    STIGMATISATION = "stigmatisasi", _("Child stigmatised because of a parent's condition")


class RiskLevel(models.TextChoices):
    HIGH = "tinggi", _("High risk")
    MEDIUM = "sedang", _("Medium risk")
    LOW = "rendah", _("Low risk")


class Jurisdiction(models.TextChoices):  # kriteria kewenangan
    REGENCY = "kabkota", _("Regency/city")
    PROVINCE = "provinsi", _("Province")
    NATIONAL = "pusat", _("National")


class Channel(models.TextChoices):
    WALK_IN = "langsung", _("Walk-in")
    TELEPHONE = "telepon", _("Telephone/hotline")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "surat", _("Letter/e-mail")
    WEB_FORM = "web", _("Web form")
    COMMUNITY = "komunitas", _("Community network")
    AGENCY_REFERRAL = "rujukan", _("Referral from another agency")
    POLICE = "polisi", _("Referral from the police")


class CaseStatus(models.TextChoices):
    NEW = "baru", _("New")
    ASSESSMENT = "asesmen", _("Assessment")
    PLANNING = "rencana", _("Intervention plan")
    INTERVENTION = "intervensi", _("Intervention")
    MONITORING = "pemantauan", _("Monitoring")
    CLOSED = "terminasi", _("Closed (termination)")


class ClosureReason(models.TextChoices):
    GOALS_MET = "tujuan_tercapai", _("Goals met")
    REINTEGRATED = "reintegrasi", _("Reintegrated with family or community")
    MOVED = "pindah", _("Moved away")
    TRANSFERRED = "dialihkan", _("Transferred to another agency")
    CAME_OF_AGE = "dewasa", _("Reached 18")
    OTHER = "lainnya", _("Other")


class CaseSection(models.TextChoices):
    """The parts of a case that can be shown, and later shared by a referral, one by one."""

    IDENTITY = "identitas", _("Identity")
    INCIDENT = "kejadian", _("Incident")
    ASSESSMENT = "asesmen", _("Assessment")
    PLAN = "rencana", _("Plan and services")
    NOTES = "catatan", _("Notes and visits")
    DOCUMENTS = "dokumen", _("Documents")
    HEALTH = "kesehatan", _("Health")
    LEGAL = "hukum", _("Legal")
