import struct
import zlib

import factory

from agencies.models import Agency, Membership, Region, Unit, User
from agencies.services import membership_set_roles


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    nomenclature = factory.Sequence(lambda n: f"DU{n}")
    type = Agency.Type.OTHER
    regency = factory.LazyFunction(lambda: Region.objects.get(code="64.71"))
    time_zone = Agency.TimeZone.WITA


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Seksi {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    full_name = factory.Sequence(lambda n: f"Pengguna Uji {n}")
    password = factory.django.Password("long-enough-password")


def member_of(agency: Agency, *roles: str, **user_fields) -> User:
    """A new user working at ``agency`` with ``roles``."""
    user = UserFactory(**user_fields)
    membership = Membership.objects.create(user=user, agency=agency)
    membership_set_roles(membership=membership, roles=roles)
    return user


def a_png() -> bytes:
    """The smallest real PNG (one pixel): what an upload of a photo checks passes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
