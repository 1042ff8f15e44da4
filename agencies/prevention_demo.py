"""Demo prevention work in Balikpapan: the last four months, as the seed studies describe it.

DP3AKB runs four to five socialisation sessions a month (schools such as SMP Nasional KPS
and SMP Patra Dharma, pesantren, panti asuhan, posyandu cadres, community groups) and
trains the PPA sections of the RTs; Dinas Sosial adds a couple through its TKSK and PSM.
Places are institutions, never people; participant counts are made up.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from agencies.demo import BALIKPAPAN
from agencies.models import ActivityType, Agency, PreventionActivity, PreventionTarget, Region, User
from agencies.models import TargetGroup as Group
from agencies.models.prevention import agency_today
from agencies.prevention import last_months, prevention_activity_record

DEMO_MONTHS = 4
# The days of a month the sessions fall on; a month's plan uses the first few.
DAYS = (4, 10, 16, 22, 27)


@dataclass(frozen=True)
class Plan:
    type: str
    group: str
    place: str
    region: str
    topic: str
    materials: str
    # boys, girls, men, women
    counts: tuple[int, int, int, int]


SOCIALISATION = ActivityType.SOCIALISATION
DP3AKB_PLANS = [
    Plan(
        SOCIALISATION,
        Group.SCHOOL,
        "SMP Nasional KPS",
        "64.71.05.1006",
        "Stop perundungan dan kekerasan seksual di sekolah",
        "Modul sosialisasi PPA untuk SMP; leaflet layanan SAPA 129",
        (48, 55, 2, 4),
    ),
    Plan(
        SOCIALISATION,
        Group.SCHOOL,
        "SMP Patra Dharma",
        "64.71.06.1001",
        "Mengenali dan melaporkan kekerasan terhadap anak",
        "Slide paparan DP3AKB; video edukasi sentuhan aman",
        (61, 58, 3, 5),
    ),
    Plan(
        SOCIALISATION,
        Group.PESANTREN,
        "Pondok pesantren di Kelurahan Batu Ampar",
        "64.71.03.1001",
        "Pencegahan kekerasan seksual di lingkungan pesantren",
        "Modul pencegahan kekerasan di satuan pendidikan berasrama",
        (40, 36, 6, 4),
    ),
    Plan(
        SOCIALISATION,
        Group.LKSA,
        "Panti asuhan (LKSA) di Kelurahan Gunung Samarinda",
        "64.71.03.1002",
        "Hak anak dan pengasuhan yang aman di LKSA",
        "Standar Nasional Pengasuhan Anak untuk LKSA",
        (18, 21, 3, 6),
    ),
    Plan(
        SOCIALISATION,
        Group.POSYANDU,
        "Posyandu Kelurahan Manggar",
        "64.71.01.1001",
        "Deteksi dini kekerasan pada anak bagi kader posyandu",
        "Lembar deteksi dini; alur rujukan ke UPTD PPA",
        (0, 0, 1, 27),
    ),
    Plan(
        SOCIALISATION,
        Group.COMMUNITY,
        "Aula Kelurahan Karang Joang",
        "64.71.03.1003",
        "Kekerasan bukan aib keluarga: berani melapor",
        "Leaflet PUSPAGA; nomor pengaduan DP3AKB",
        (0, 0, 19, 31),
    ),
    Plan(
        ActivityType.TRAINING,
        Group.COMMUNITY,
        "Aula Kantor Camat Balikpapan Tengah",
        "64.71.04",
        "Pelatihan seksi PPA RT: menerima laporan dan merujuk",
        "Modul pelatihan pengurus PPA RT; formulir laporan RT",
        (0, 0, 14, 22),
    ),
    Plan(
        ActivityType.CAMPAIGN,
        Group.CHILDREN,
        "Lapangan Merdeka (car free day)",
        "64.71.06.1004",
        "Kampanye Kota Layak Anak dan layanan SAPA 129",
        "Poster, spanduk dan stiker SAPA 129",
        (35, 41, 22, 30),
    ),
    Plan(
        SOCIALISATION,
        Group.PARENTS,
        "PUSPAGA Balikpapan",
        "64.71.02.1006",
        "Pengasuhan positif tanpa kekerasan",
        "Materi PUSPAGA: pengasuhan positif",
        (0, 0, 9, 24),
    ),
]

DINSOS_PLANS = [
    Plan(
        SOCIALISATION,
        Group.COMMUNITY,
        "Kantor Kelurahan Sepinggan",
        "64.71.05.1002",
        "Peran TKSK dan PSM dalam pencegahan kekerasan seksual anak",
        "Paparan Dinas Sosial; alur pelaporan ke UPKSAI",
        (0, 0, 12, 16),
    ),
    Plan(
        ActivityType.TRAINING,
        Group.COMMUNITY,
        "Aula Dinas Sosial Kota Balikpapan",
        "64.71.04.1003",
        "Pelatihan mitra kerja: mengenali anak rentan dan merujuk",
        "Modul pelatihan mitra kerja Dinas Sosial",
        (0, 0, 11, 14),
    ),
    Plan(
        SOCIALISATION,
        Group.PARENTS,
        "Balai RW di Kelurahan Baru Ulu",
        "64.71.02.1003",
        "Keluarga tangguh: mencegah penelantaran anak",
        "Leaflet Dinas Sosial tentang layanan anak",
        (0, 0, 8, 19),
    ),
]

# (nomenclature, recorder, monthly target, plans per month)
AGENCY_PLANS = [
    ("DP3AKB", "gita", 4, DP3AKB_PLANS),
    ("Dinsos", "ani", 2, DINSOS_PLANS),
]


def _month_plans(plans: list[Plan], month_number: int, per_month: int) -> list[Plan]:
    """A rotating choice of ``per_month`` plans, so each month looks a little different."""
    start = month_number * per_month
    return [plans[(start + step) % len(plans)] for step in range(per_month)]


def _per_month(target: int, month_number: int) -> int:
    # The seeds' DP3AKB ran 4 to 5 sessions: alternate target and target + 1.
    return target + month_number % 2


def _record(agency: Agency, recorder: User, plan: Plan, held_on: datetime.date) -> bool:
    exists = PreventionActivity.objects.filter(
        agency=agency, held_on=held_on, place=plan.place, topic=plan.topic
    ).exists()
    if exists:
        return False
    boys, girls, men, women = plan.counts
    prevention_activity_record(
        recorded_by=recorder,
        held_on=held_on,
        type=plan.type,
        target_group=plan.group,
        place=plan.place,
        region=Region.objects.get(code=plan.region),
        topic=plan.topic,
        boys=boys,
        girls=girls,
        men=men,
        women=women,
        materials=plan.materials,
    )
    return True


def _seed_agency(nomenclature: str, username: str, target: int, plans: list[Plan]) -> int:
    agency = Agency.objects.get(regency_id=BALIKPAPAN, nomenclature=nomenclature)
    recorder = User.objects.get(username=username)
    today = agency_today(agency)
    months = last_months(DEMO_MONTHS, today=today)
    if not PreventionTarget.objects.filter(agency=agency).exists():
        # Set directly, from the first demo month: the service sets targets from now on.
        PreventionTarget.objects.create(
            agency=agency, starts_on=months[0], per_month=target, set_by=recorder
        )
    added = 0
    for number, month in enumerate(months):
        month_plans = _month_plans(plans, number, _per_month(target, number))
        for day, plan in zip(DAYS, month_plans, strict=False):
            held_on = month.replace(day=day)
            if held_on <= today:
                added += _record(agency, recorder, plan, held_on)
    return added


@transaction.atomic
def demo_prevention_seed() -> int:
    """Add the demo city's prevention activities and targets; returns how many were added.

    Running it again the same day adds nothing. Needs the demo city (``demo_city_seed``).
    """
    return sum(_seed_agency(*agency_plan) for agency_plan in AGENCY_PLANS)
