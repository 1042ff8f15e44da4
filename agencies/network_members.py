"""The community network register: members, their optional logins, and area coverage."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from agencies.models import COVERAGE_TYPES, Membership, NetworkMember, Region, User
from agencies.network_scope import keeps_network_registers, network_membership
from agencies.roles import Role
from agencies.services import membership_set_roles
from cases.models import AuditEvent
from cases.services import audit_record

MEMBER_FIELDS = ["type", "name", "area", "phone", "email", "note", "is_active"]


@transaction.atomic
def network_member_record(*, member: NetworkMember, recorded_by: User) -> NetworkMember:
    """Add a member coordinated by the recorder's own agency."""
    if not keeps_network_registers(recorded_by):
        raise PermissionDenied
    member.coordinating_agency = network_membership(recorded_by).agency
    member.full_clean()
    member.save()
    audit_record(
        actor=recorded_by, action=AuditEvent.Action.CREATE, obj=member, fields=MEMBER_FIELDS
    )
    return member


@transaction.atomic
def network_member_update(
    *, member: NetworkMember, changed_by: User, changed: list[str]
) -> NetworkMember:
    """Save edits; a member made inactive loses their login the same moment."""
    if not NetworkMember.objects.editable_by(changed_by).filter(pk=member.pk).exists():
        raise PermissionDenied
    member.full_clean()
    member.save()
    if not member.is_active and member.user_id:
        User.objects.filter(pk=member.user_id).update(is_active=False)
        changed = [*changed, "user.is_active"]
    audit_record(actor=changed_by, action=AuditEvent.Action.UPDATE, obj=member, fields=changed)
    return member


def _send_password_link(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    body = "\n\n".join(
        [
            _("A Sinergi account was made for you as a member of the community network."),
            _("Your username: %(username)s") % {"username": user.username},
            _("Choose your password here: %(link)s") % {"link": f"{settings.SITE_URL}{link}"},
        ]
    )
    send_mail(_("[Sinergi] Your account"), body, None, [user.email])


@transaction.atomic
def network_member_login_create(
    *, member: NetworkMember, created_by: User, username: str, email: str
) -> User:
    """Give a member a login with the community role at the coordinating agency.

    The account starts without a password; the member chooses one from the e-mailed link.
    """
    if not NetworkMember.objects.editable_by(created_by).filter(pk=member.pk).exists():
        raise PermissionDenied
    if member.user_id:
        raise ValidationError(_("This member already has a login."))
    if not member.is_active:
        raise ValidationError(_("An inactive member cannot get a login."))
    user = User(username=username, email=email, full_name=member.name, phone=member.phone)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = Membership.objects.create(user=user, agency=member.coordinating_agency)
    membership_set_roles(membership=membership, roles=[Role.COMMUNITY])
    NetworkMember.objects.filter(pk=member.pk).update(user=user)
    member.user = user
    audit_record(actor=created_by, action=AuditEvent.Action.CREATE, obj=member, fields=["user"])
    transaction.on_commit(lambda: _send_password_link(user.pk), robust=True)
    return user


@dataclass
class AreaCoverage:
    region: Region
    is_district: bool
    counts: dict = field(default_factory=dict)  # member type → active members

    def has(self, member_type: str) -> bool:
        return self.counts.get(member_type, 0) > 0

    def cells(self) -> list[tuple[str, int]]:
        return [(member_type, self.counts.get(member_type, 0)) for member_type in COVERAGE_TYPES]


@dataclass
class CityCoverage:
    areas: list[AreaCoverage]

    def summary(self) -> list[dict]:
        districts = [area for area in self.areas if area.is_district]
        villages = [area for area in self.areas if not area.is_district]
        return [
            {
                "type": member_type,
                "districts": sum(area.has(member_type) for area in districts),
                "district_total": len(districts),
                "villages": sum(area.has(member_type) for area in villages),
                "village_total": len(villages),
            }
            for member_type in COVERAGE_TYPES
        ]


def city_coverage(regency_id: str) -> CityCoverage:
    """Active members per kecamatan and desa/kelurahan of one city, in two queries.

    A member in a kelurahan also covers its kecamatan; a member registered for the whole
    kecamatan (a TKSK, say) covers the kecamatan row only.
    """
    regions = Region.objects.filter(
        is_active=True,
        code__startswith=regency_id + ".",
        level__in=(Region.Level.DISTRICT, Region.Level.VILLAGE),
    ).order_by("code")
    counts = (
        NetworkMember.objects.active()
        .filter(coordinating_agency__regency_id=regency_id, type__in=COVERAGE_TYPES)
        .values("area_id", "type")
        .annotate(members=Count("pk"))
    )
    by_area = defaultdict(lambda: defaultdict(int))
    for row in counts:
        by_area[row["area_id"]][row["type"]] += row["members"]
        district = ".".join(row["area_id"].split(".")[:3])
        if district != row["area_id"]:
            by_area[district][row["type"]] += row["members"]
    return CityCoverage(
        areas=[
            AreaCoverage(
                region=region,
                is_district=region.level == Region.Level.DISTRICT,
                counts=dict(by_area.get(region.code, {})),
            )
            for region in regions
        ]
    )
