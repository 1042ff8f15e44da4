from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.catalogue import ServiceType
from agencies.roles import Role, has_role


class Region(models.Model):
    """An administrative region by its Kemendagri code (``64.71.01.1001``)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        DISTRICT = 3, _("District (kecamatan)")
        VILLAGE = 4, _("Village (desa/kelurahan)")

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Province")
        REGENCY = "kabupaten", _("Regency (kabupaten)")
        CITY = "kota", _("City (kota)")
        DISTRICT = "kecamatan", _("District (kecamatan)")
        URBAN_VILLAGE = "kelurahan", _("Urban village (kelurahan)")
        VILLAGE = "desa", _("Village (desa)")
        CUSTOMARY_VILLAGE = "desa_adat", _("Customary village (desa adat)")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    source = models.CharField(_("source decree"), max_length=80)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Cleared when a later decree no longer lists the code."),
    )
    case_code_prefix = models.CharField(
        _("case code prefix"),
        max_length=6,
        blank=True,
        help_text=_("For a regency/city: the letters case codes start with, e.g. BPN."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"], name="region_parent_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def case_prefix(self) -> str:
        return self.case_code_prefix or self.code.replace(".", "")

    @staticmethod
    def level_for_code(code: str) -> int:
        return code.count(".") + 1

    @staticmethod
    def kind_for_code(code: str) -> str:
        """The kind follows from the code itself (Permendagri 72/2019 numbering)."""
        parts = code.split(".")
        if len(parts) == 1:
            return Region.Kind.PROVINCE
        if len(parts) == 2:
            return Region.Kind.CITY if int(parts[1]) >= 71 else Region.Kind.REGENCY
        if len(parts) == 3:
            return Region.Kind.DISTRICT
        return {
            "1": Region.Kind.URBAN_VILLAGE,
            "2": Region.Kind.VILLAGE,
            "3": Region.Kind.CUSTOMARY_VILLAGE,
        }[parts[3][0]]

    @staticmethod
    def parent_code(code: str) -> str | None:
        return code.rsplit(".", 1)[0] if "." in code else None


class RegionDataset(models.Model):
    """One import of the region list, so re-running an unchanged import is a no-op."""

    source = models.CharField(_("source decree"), max_length=80)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("region dataset")
        verbose_name_plural = _("region datasets")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source} ({self.imported_at:%Y-%m-%d})"


class AgencyQuerySet(models.QuerySet):
    # Who receives a complaint filed by the public, in order of preference.
    PUBLIC_INTAKE_TYPES = ("uptd_ppa", "dp3a", "dinsos")

    def public_intake_for(self, regency):
        """The agency that receives public complaints for ``regency``, or None."""
        candidates = self.filter(regency=regency, is_active=True, type__in=self.PUBLIC_INTAKE_TYPES)
        by_type = {agency.type: agency for agency in candidates}
        return next((by_type[kind] for kind in self.PUBLIC_INTAKE_TYPES if kind in by_type), None)


class Agency(models.Model):
    """A government office, unit or organisation taking part in child protection."""

    class Type(models.TextChoices):
        DINSOS = "dinsos", _("Social affairs office (Dinas Sosial)")
        DP3A = "dp3a", _("Women empowerment and child protection office (DP3A family)")
        UPTD_PPA = "uptd_ppa", _("UPTD PPA / P2TP2A")
        UNIT_PPA = "unit_ppa", _("Police women and children unit (Unit PPA Polres)")
        DINKES = "dinkes", _("Health office (Dinas Kesehatan)")
        HOSPITAL = "hospital", _("Hospital (RSUD/RS)")
        PUSKESMAS = "puskesmas", _("Community health centre (Puskesmas)")
        DISDUKCAPIL = "disdukcapil", _("Civil registry (Disdukcapil)")
        EDUCATION = "education", _("Education office or school")
        KEMENAG = "kemenag", _("Ministry of Religious Affairs office (Kemenag)")
        KEJAKSAAN = "kejaksaan", _("Prosecutor's office (Kejaksaan)")
        PENGADILAN = "pengadilan", _("Court (Pengadilan)")
        BAPAS = "bapas", _("Probation office (Bapas)")
        LPSK = "lpsk", _("Witness and victim protection agency (LPSK)")
        LKSA = "lksa", _("Child welfare institution (LKSA)")
        NGO = "ngo", _("Legal aid or NGO (LBH/LSM)")
        PUSPAGA = "puspaga", _("Family learning centre (PUSPAGA)")
        PKSAI = "pksai", _("PKSAI / UPKSAI")
        FORUM_ANAK = "forum_anak", _("Children's forum (Forum Anak)")
        OTHER = "other", _("Other")

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", _("WIB (UTC+7)")
        WITA = "Asia/Makassar", _("WITA (UTC+8)")
        WIT = "Asia/Jayapura", _("WIT (UTC+9)")

    name = models.CharField(_("official name"), max_length=200)
    nomenclature = models.CharField(
        _("local nomenclature"),
        max_length=60,
        help_text=_("The short name used locally, e.g. DP3AKB, DP3AP2KB or Dinsos P3A."),
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    regency = models.ForeignKey(
        Region,
        verbose_name=_("regency/city served"),
        on_delete=models.PROTECT,
        related_name="agencies",
        limit_choices_to={"level": Region.Level.REGENCY},
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=20, choices=TimeZone.choices, default=TimeZone.WIB
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "name"], name="agency_unique_name"),
        ]

    def __str__(self) -> str:
        return self.nomenclature or self.name

    def clean(self) -> None:
        if self.regency_id and Region.level_for_code(self.regency_id) != Region.Level.REGENCY:
            raise ValidationError({"regency": _("Choose a regency or city.")})


class Unit(models.Model):
    """A division (bidang) or section (seksi) inside an agency."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.name}"


class AgencyServiceQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(is_active=True, agency__is_active=True)


class AgencyService(models.Model):
    """A service an agency offers; referrals may ask only for offered services."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="services"
    )
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = AgencyServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency service")
        verbose_name_plural = _("agency services")
        ordering = ["agency", "service_type"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "service_type"], name="agency_service_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.get_service_type_display()}"


class UserManager(DjangoUserManager):
    """Users carry no staff flag: access to the admin site follows the ``admin`` role."""

    def create_user(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields["is_superuser"] = True
        return self._create_user(username, email, password, **extra_fields)

    def holding_role(self, agency, role: str):
        """Active people of ``agency`` who hold ``role`` there. Partner systems' service
        accounts are left out: they are not assigned work, and learn of it by webhook."""
        return self.filter(
            is_active=True,
            membership__agency=agency,
            membership__roles__role=role,
            api_client__isnull=True,
        ).order_by("full_name")

    def by_login(self, login: str):
        """Accounts a typed login names: by username or by e-mail, case-insensitively."""
        login = login.strip()
        return self.filter(
            models.Q(username__iexact=login) | (models.Q(email__iexact=login) & ~models.Q(email=""))
        )


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to Sinergi. Logs in by username or e-mail."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Letters, digits and @/./+/-/_ only."),
        validators=[UnicodeUsernameValidator()],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("id", _("Indonesian")), ("en", _("English"))],
        default="id",
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Clear instead of deleting: a deactivated user is signed out at once."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_unique_username_ci"),
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_unique_email_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    @property
    def is_staff(self) -> bool:
        """May use the admin site: superusers, and holders of the ``admin`` role."""
        return self.is_active and (self.is_superuser or has_role(self, Role.ADMIN))

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username


class Membership(models.Model):
    """Places a user in one agency (optionally one unit) with one or more roles."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    position = models.CharField(_("position (jabatan)"), max_length=150, blank=True)
    network_statistics = models.BooleanField(
        _("sees the network's statistics"),
        default=False,
        help_text=_(
            "Aggregate figures of every agency of the city, never a record. "
            "Forum coordinators always have it."
        ),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency", "user"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"

    def clean(self) -> None:
        if self.unit_id and self.agency_id and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": _("The unit must belong to the same agency.")})


class MembershipRole(models.Model):
    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="membership_role_once"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_known"
            ),
        ]
        indexes = [models.Index(fields=["role", "membership"], name="membership_role_lookup")]

    def __str__(self) -> str:
        return self.get_role_display()


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user) if user.is_authenticated else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one person, mirrored by e-mail.

    It carries a kind, a record code and a link, never a name: the text is built from
    the kind when shown, in the reader's language. ``key`` makes sending idempotent.
    """

    recipient = models.ForeignKey(
        "agencies.User", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject_code = models.CharField(_("record code"), max_length=40)
    url = models.CharField(_("link"), max_length=200)
    key = models.CharField(max_length=200, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.subject_code}"
