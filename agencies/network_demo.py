"""The demo city's protection network: the Balikpapan joint agreement and its members.

Seed 000 names the agencies that signed the 2017 Kesepakatan Bersama on the Sistem
Penanganan Terpadu PMKS Anak. Agencies not already in the demo city are added here;
names of people are fictional, numbers of documents are marked as demo.
"""

from datetime import date, timedelta

from django.utils import timezone

from agencies.demo import _agency
from agencies.models import (
    Agency,
    AgencyService,
    Agreement,
    AgreementSignatory,
    Commitment,
    NetworkMember,
    Region,
    User,
)

BALIKPAPAN = "64.71"
AGREEMENT_TITLE = (
    "Kesepakatan Bersama antara Dinas Sosial Kota Balikpapan dengan Perangkat Daerah, "
    "Instansi dan Pemangku Kepentingan di Kota Balikpapan tentang Sistem Penanganan "
    "Terpadu Penyandang Masalah Kesejahteraan Sosial Anak"
)

# Signatories named in seed 000 that the demo city does not have yet.
# (official name, nomenclature, type)
EXTRA_SIGNATORIES = [
    ("BPD-KRA Kota Balikpapan", "BPD-KRA", Agency.Type.OTHER),
    ("Dinas Kesehatan Kota Balikpapan", "Diskes", Agency.Type.DINKES),
    ("Lembaga Pemasyarakatan Kelas IIA Balikpapan", "Lapas", Agency.Type.OTHER),
    ("Pengacara Anak Kota Balikpapan (demo)", "Pengacara Anak", Agency.Type.NGO),
    ("Dinas Tenaga Kerja Kota Balikpapan", "Disnaker", Agency.Type.OTHER),
    (
        "Dinas Koperasi, Usaha Mikro, Kecil, Menengah dan Perindustrian Kota Balikpapan",
        "DKUMKMP",
        Agency.Type.OTHER,
    ),
    ("Dinas Pemuda, Olahraga dan Pariwisata Kota Balikpapan", "DPOP", Agency.Type.OTHER),
    ("Satuan Polisi Pamong Praja Kota Balikpapan", "Satpol PP", Agency.Type.OTHER),
    ("Badan Narkotika Nasional Kota Balikpapan", "BNNK", Agency.Type.OTHER),
    ("SBPS Kota Balikpapan", "SBPS", Agency.Type.OTHER),
]
# The demo city's own agencies that signed, by nomenclature.
SIGNATORY_NOMENCLATURES = [
    "Dinsos",
    "DP3AKB",
    "Disdukcapil",
    "Disdikbud",
    "Unit PPA Polresta",
    "Kemenag",
    "PN Balikpapan",
    "Bapas",
]
# (nomenclature, service type or "", commitment)
COMMITMENTS = [
    ("Dinsos", "rehabilitasi_sosial", "Rehabilitasi sosial anak korban dan pendampingan"),
    ("DP3AKB", "", "Sosialisasi pencegahan kekerasan seksual anak 4 kali sebulan"),
    ("Unit PPA Polresta", "penegakan_hukum", "Penanganan laporan dan penyidikan ramah anak"),
    ("Diskes", "kesehatan", "Pemeriksaan kesehatan dan visum bagi anak korban"),
    ("Disdukcapil", "dokumen_kependudukan", "Akta kelahiran dan KIA bagi anak tanpa dokumen"),
    ("Disdikbud", "", "Menjamin anak korban tetap bersekolah; sosialisasi di sekolah"),
    ("Kemenag", "", "Penyuluhan di pesantren dan madrasah"),
    ("Bapas", "", "Litmas dan pendampingan anak berhadapan dengan hukum"),
    ("Satpol PP", "", "Penjangkauan anak jalanan bersama Dinas Sosial"),
]

# Kecamatan of Balikpapan (64.71.01-06) and kelurahan codes the demo members serve.
# (type, fictional name, area code, coordinating agency nomenclature)
MEMBERS = [
    ("tksk", "Hendra Saputra", "64.71.01", "Dinsos"),
    ("tksk", "Nurul Aini", "64.71.02", "Dinsos"),
    ("tksk", "Yusuf Maulana", "64.71.03", "Dinsos"),
    ("tksk", "Maria Ulfa", "64.71.04", "Dinsos"),
    ("tksk", "Agus Salim", "64.71.05", "Dinsos"),
    # Balikpapan Kota (64.71.06) has no TKSK: the coverage page shows the gap.
    ("psm", "Sri Handayani", "64.71.01.1001", "Dinsos"),
    ("psm", "Rudi Hartono", "64.71.02.1002", "Dinsos"),
    ("psm", "Wati Suryani", "64.71.03.1004", "Dinsos"),
    ("psm", "Lina Marlina", "64.71.06.1003", "Dinsos"),
    ("patbm", "Rina Marlina", "64.71.05.1002", "DP3AKB"),
    ("patbm", "Dedi Kurniawan", "64.71.04.1003", "DP3AKB"),
    ("forum_anak", "Forum Anak Kecamatan Balikpapan Utara", "64.71.03", "DP3AKB"),
    ("forum_anak", "Forum Anak Kecamatan Balikpapan Selatan", "64.71.05", "DP3AKB"),
    ("forum_anak", "Forum Anak Kelurahan Manggar", "64.71.01.1001", "DP3AKB"),
    ("rt_ppa", "Seksi PPA RT 12 Gunung Sari Ulu", "64.71.04.1001", "DP3AKB"),
    ("rt_ppa", "Seksi PPA RT 05 Prapatan", "64.71.06.1001", "DP3AKB"),
    ("satgas_ppa", "Satgas PPA Kelurahan Sepinggan", "64.71.05.1002", "DP3AKB"),
    ("kader", "Kader Posyandu Melati Teritip", "64.71.01.1003", "DP3AKB"),
]


def _signatories(city: Region) -> dict[str, Agency]:
    agencies = {
        agency.nomenclature: agency
        for agency in Agency.objects.filter(regency=city, nomenclature__in=SIGNATORY_NOMENCLATURES)
    }
    for name, nomenclature, agency_type in EXTRA_SIGNATORIES:
        agencies[nomenclature] = _agency(city, name, nomenclature, agency_type, None)[0]
    return agencies


def _agreement(city, number, valid_from, valid_until, creator, agencies) -> Agreement:
    agreement, _created = Agreement.objects.get_or_create(
        regency=city,
        number=number,
        defaults={
            "title": AGREEMENT_TITLE,
            "signed_on": valid_from,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "created_by": creator,
            "description": "Disalin dari penelitian tentang Kota Balikpapan (data demo).",
        },
    )
    for agency in agencies.values():
        AgreementSignatory.objects.get_or_create(agreement=agreement, agency=agency)
    return agreement


def _commitments(agreement: Agreement, agencies: dict[str, Agency]) -> None:
    for nomenclature, service_type, description in COMMITMENTS:
        agency = agencies[nomenclature]
        offered = AgencyService.objects.filter(agency=agency, service_type=service_type).exists()
        Commitment.objects.get_or_create(
            agreement=agreement,
            agency=agency,
            description=description,
            defaults={"service_type": service_type if offered else ""},
        )


def _members(city: Region) -> int:
    agencies = {a.nomenclature: a for a in Agency.objects.filter(regency=city)}
    created = 0
    for member_type, name, area, nomenclature in MEMBERS:
        _member, was_created = NetworkMember.objects.get_or_create(
            name=name,
            type=member_type,
            coordinating_agency=agencies[nomenclature],
            defaults={"area_id": area, "phone": "0812-0000-0000 (demo)"},
        )
        created += was_created
    rina = User.objects.filter(username="rina").first()
    if rina is not None:
        NetworkMember.objects.filter(name="Rina Marlina", user__isnull=True).update(user=rina)
    return created


def demo_network_seed() -> int:
    """The 2017 agreement, its renewal (ending within 60 days, so the reminder shows),
    and community members across the kecamatan. Running it twice adds nothing."""
    city = Region.objects.get(code=BALIKPAPAN)
    creator = User.objects.get(username="fajar")
    agencies = _signatories(city)
    today = timezone.localdate()
    _agreement(
        city, "KB/2017/PMKS-ANAK (demo)", date(2017, 3, 1), date(2021, 12, 31), creator, agencies
    )
    renewal = _agreement(
        city,
        "KB/2022/PMKS-ANAK (demo)",
        date(2022, 1, 3),
        today + timedelta(days=50),
        creator,
        agencies,
    )
    _commitments(renewal, agencies)
    return _members(city)
