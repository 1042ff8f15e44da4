from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Region
from agencies.nik import validate_nik
from cases.encryption import EncryptedTextField, name_birth_hash, nik_hash
from cases.models.choices import DisabilityType, Education, Sex


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person is visible through a case of the user's own agency that the user may
        see, and only so: a referral shares a case's identity section on that case's page,
        never the person record for reuse elsewhere."""
        from cases.models.cases import Case

        own_cases = Case.objects.visible_to(user).led_by_agency_of(user)
        return self.filter(parties__case__in=own_cases).distinct()

    def editable_by(self, user):
        from cases.models.cases import Case

        return self.filter(parties__case__in=Case.objects.editable_by(user).open()).distinct()


class Person(models.Model):
    """A child, reporter, guardian or alleged perpetrator. A child is one record reused
    across cases. Everything that identifies the person is encrypted at rest; only the
    initials, sex and birth date (for the pseudonym and the statistics) are in clear."""

    # Identity section: encrypted.
    name = EncryptedTextField(_("full name"), blank=True)
    nik = EncryptedTextField(_("NIK"), blank=True, validators=[validate_nik])
    kk_number = EncryptedTextField(_("family card (KK) number"), blank=True)
    address = EncryptedTextField(
        _("address"), blank=True, help_text=_("Street, house number, RT/RW.")
    )
    school = EncryptedTextField(_("school"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    # Searchable without decryption, through keyed hashes only.
    nik_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    name_birth_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    initials = models.CharField(_("initials"), max_length=4, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_is_estimate = models.BooleanField(_("date of birth is an estimate"), default=False)
    village = models.ForeignKey(
        Region,
        verbose_name=_("village (desa/kelurahan)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    disability = models.CharField(
        _("disability"), max_length=20, choices=DisabilityType.choices, blank=True
    )
    has_birth_certificate = models.BooleanField(
        _("has a birth certificate (akta)"), null=True, blank=True
    )
    has_child_id_card = models.BooleanField(
        _("has a child identity card (KIA)"), null=True, blank=True
    )
    has_family_card = models.BooleanField(_("is on a family card (KK)"), null=True, blank=True)
    has_health_insurance = models.BooleanField(
        _("has BPJS health insurance"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.pseudonym()

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})

    def refresh_derived_fields(self) -> None:
        """Initials and search hashes always follow the encrypted values they come from."""
        self.initials = "".join(word[0] for word in self.name.split()[:2]).upper()
        self.nik_hash = nik_hash(self.nik) if self.nik else ""
        self.name_birth_hash = (
            name_birth_hash(self.name, self.birth_date) if self.name and self.birth_date else ""
        )

    def age(self, on: date | None = None) -> int | None:
        return age_on(self.birth_date, on)

    def pseudonym(self, on: date | None = None) -> str:
        """What anyone without the identity section sees: initials, age (on ``on``,
        today by default), sex."""
        return pseudonym_of(initials=self.initials, birth_date=self.birth_date, sex=self.sex, on=on)


def age_on(birth_date: date | None, on: date | None = None) -> int | None:
    """Age in whole years on ``on`` (today by default); None without a birth date."""
    if not birth_date:
        return None
    on = on or timezone.localdate()
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


def pseudonym_of(*, initials: str, birth_date: date | None, sex: str, on: date | None) -> str:
    """A person's pseudonym from the three clear columns it is made of, so that a list
    read as plain values (``cases.api.rows``) writes it as ``Person.pseudonym`` does."""
    return pseudonym_writer(on)(initials=initials, birth_date=birth_date, sex=sex)


def pseudonym_writer(on: date | None = None):
    """``pseudonym_of`` for many people on one day in the active language: the age's
    label is translated once, not once per child of a list page."""
    on = on or timezone.localdate()
    age_label = gettext("%(age)d y")

    def written(*, initials: str, birth_date: date | None, sex: str) -> str:
        parts = [initials or "?"]
        age = age_on(birth_date, on)
        if age is not None:
            parts.append(age_label % {"age": age})
        if sex:
            parts.append(sex)
        return " · ".join(str(part) for part in parts)

    return written
