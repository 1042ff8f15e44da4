"""The demo city, Kota Balikpapan, with the agencies named in the seed studies."""

from dataclasses import dataclass

from django.conf import settings

from agencies.models import Agency, Membership, Region, Unit, User
from agencies.regions import region_import
from agencies.roles import Role
from agencies.services import agency_services_seed, membership_set_roles

BALIKPAPAN = "64.71"
KALTIM = "64"

# (key, official name, local nomenclature, type, unit)
AGENCIES = [
    (
        "dinsos",
        "Dinas Sosial Kota Balikpapan",
        "Dinsos",
        Agency.Type.DINSOS,
        "Bidang Rehabilitasi Sosial",
    ),
    (
        "dp3akb",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana Kota Balikpapan",
        "DP3AKB",
        Agency.Type.DP3A,
        "Bidang Perlindungan Anak",
    ),
    (
        "uptd",
        "UPTD Perlindungan Perempuan dan Anak Kota Balikpapan",
        "UPTD PPA",
        Agency.Type.UPTD_PPA,
        "Seksi Penanganan Kasus",
    ),
    (
        "polresta",
        "Unit PPA Satreskrim Polresta Balikpapan",
        "Unit PPA Polresta",
        Agency.Type.UNIT_PPA,
        None,
    ),
    ("rsud", "RSUD dr. Kanujoso Djatiwibowo", "RSKD", Agency.Type.HOSPITAL, None),
    (
        "disdukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil Kota Balikpapan",
        "Disdukcapil",
        Agency.Type.DISDUKCAPIL,
        None,
    ),
    (
        "disdikbud",
        "Dinas Pendidikan dan Kebudayaan Kota Balikpapan",
        "Disdikbud",
        Agency.Type.EDUCATION,
        None,
    ),
    ("kemenag", "Kantor Kementerian Agama Kota Balikpapan", "Kemenag", Agency.Type.KEMENAG, None),
    ("pn", "Pengadilan Negeri Balikpapan", "PN Balikpapan", Agency.Type.PENGADILAN, None),
    ("bapas", "Balai Pemasyarakatan Kelas II Balikpapan", "Bapas", Agency.Type.BAPAS, None),
    ("lksa", "LKSA Harapan Bunda Balikpapan (demo)", "LKSA Harapan Bunda", Agency.Type.LKSA, None),
    (
        "ngo",
        "Lembaga Bantuan Hukum Peduli Anak Balikpapan (demo)",
        "LBH Peduli Anak",
        Agency.Type.NGO,
        None,
    ),
]

# (username, full name, agency key, roles)
USERS = [
    ("ani", "Ani Rahmawati", "dinsos", [Role.CASEWORKER]),
    ("hadi", "Hadi Santoso", "dinsos", [Role.INTAKE]),
    ("budi", "Budi Prasetyo", "dinsos", [Role.SUPERVISOR]),
    ("citra", "Citra Lestari", "uptd", [Role.CASEWORKER]),
    ("sari", "Sari Wulandari", "uptd", [Role.SUPERVISOR]),
    ("dewi", "Dewi Kartika", "dp3akb", [Role.HEAD]),
    ("fajar", "Fajar Nugroho", "dp3akb", [Role.COORDINATOR]),
    ("gita", "Gita Puspitasari", "dp3akb", [Role.DATA_OFFICER]),
    ("eko", "Eko Wibowo", "dp3akb", [Role.ADMIN]),
    ("rina", "Rina Marlina (PATBM)", "dp3akb", [Role.COMMUNITY]),
]


@dataclass(frozen=True)
class DemoSeedResult:
    city: str
    password: str
    logins: list[tuple[str, str, str]]


def _ensure_regions() -> Region:
    if not Region.objects.filter(code=BALIKPAPAN).exists():
        region_import(province=KALTIM)
    Region.objects.filter(code=BALIKPAPAN).update(case_code_prefix="BPN")
    return Region.objects.get(code=BALIKPAPAN)


def _agency(city: Region, name, nomenclature, agency_type, unit_name):
    agency, _created = Agency.objects.update_or_create(
        regency=city,
        name=name,
        defaults={
            "nomenclature": nomenclature,
            "type": agency_type,
            "time_zone": Agency.TimeZone.WITA,
            "address": "Balikpapan, Kalimantan Timur",
            "is_active": True,
        },
    )
    unit = Unit.objects.get_or_create(agency=agency, name=unit_name)[0] if unit_name else None
    agency_services_seed(agency=agency)
    return agency, unit


def _user(username, full_name, agency, unit, roles, password) -> None:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": f"{username}@demo.sinergi.invalid",
            "is_active": True,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"agency": agency, "unit": unit}
    )
    membership_set_roles(membership=membership, roles=roles)


def demo_city_seed() -> DemoSeedResult:
    """Create or refresh the demo city. Running it twice changes nothing."""
    city = _ensure_regions()
    password = settings.DEMO_PASSWORD
    agencies = {}
    for key, name, nomenclature, agency_type, unit_name in AGENCIES:
        agencies[key] = _agency(city, name, nomenclature, agency_type, unit_name)
    logins = []
    for username, full_name, agency_key, roles in USERS:
        agency, unit = agencies[agency_key]
        _user(username, full_name, agency, unit, roles, password)
        logins.append((username, ", ".join(str(role.label) for role in roles), str(agency)))
    return DemoSeedResult(city=city.name, password=password, logins=logins)
