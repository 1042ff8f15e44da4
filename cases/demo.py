"""Demo cases for the demo city. Every name is obviously fictional ("Anak Contoh ...")."""

import datetime

from django.utils import timezone

from agencies.models import Agency, User
from cases.models import (
    Assessment,
    Case,
    CaseParty,
    CaseViolenceForm,
    Complaint,
    ComplaintParty,
    InterventionPlan,
    Person,
    Placement,
    SafeHouse,
    ServiceType,
)
from cases.models.choices import (
    AmpkCategory,
    CaseStatus,
    Channel,
    ClosureReason,
    PerpetratorRelationship,
    PlaceType,
    RiskLevel,
    ViolenceForm,
)
from cases.services import case_open

# (key, operator, name, kind, capacity, agencies that may place besides the operator)
DEMO_SAFE_HOUSES = [
    (
        "rumah_aman",
        "UPTD PPA",
        "Rumah Aman UPTD PPA",
        SafeHouse.Kind.SAFE_HOUSE,
        6,
        ["Dinsos"],
    ),
    (
        "lksa",
        "LKSA Harapan Bunda",
        "LKSA Harapan Bunda",
        SafeHouse.Kind.LKSA,
        20,
        ["Dinsos", "UPTD PPA"],
    ),
]

# (agency, intake, lead, status, risk, forms, child, sex, birth, days since the report)
DEMO_CASES = [
    (
        "Dinsos",
        "hadi",
        "ani",
        CaseStatus.ASSESSMENT,
        RiskLevel.HIGH,
        [ViolenceForm.PHYSICAL, ViolenceForm.PSYCHOLOGICAL],
        "Anak Contoh Satu",
        "L",
        datetime.date(2013, 4, 12),
        6,
    ),
    (
        "Dinsos",
        "hadi",
        "ani",
        CaseStatus.INTERVENTION,
        RiskLevel.MEDIUM,
        [ViolenceForm.NEGLECT],
        "Anak Contoh Dua",
        "P",
        datetime.date(2016, 9, 1),
        40,
    ),
    (
        "Dinsos",
        "hadi",
        None,
        CaseStatus.NEW,
        RiskLevel.LOW,
        [ViolenceForm.PSYCHOLOGICAL],
        "Anak Contoh Tiga",
        "P",
        datetime.date(2010, 1, 20),
        1,
    ),
    (
        "UPTD PPA",
        "citra",
        "citra",
        CaseStatus.NEW,
        RiskLevel.HIGH,
        [ViolenceForm.SEXUAL],
        "Anak Contoh Empat",
        "P",
        datetime.date(2011, 6, 5),
        4,
    ),
    (
        "UPTD PPA",
        "citra",
        "citra",
        CaseStatus.MONITORING,
        RiskLevel.MEDIUM,
        [ViolenceForm.SEXUAL, ViolenceForm.PSYCHOLOGICAL],
        "Anak Contoh Lima",
        "L",
        datetime.date(2012, 11, 30),
        90,
    ),
    (
        "Dinsos",
        "hadi",
        "ani",
        CaseStatus.CLOSED,
        RiskLevel.LOW,
        [ViolenceForm.NEGLECT],
        "Anak Contoh Enam",
        "L",
        datetime.date(2009, 2, 14),
        200,
    ),
]


def demo_cases_seed() -> int:
    """Create the demo cases once; returns how many were created (0 when they exist).
    The safe houses and their placements are refreshed on every run."""
    agencies = {agency.nomenclature: agency for agency in Agency.objects.all()}
    created = 0
    if not Case.objects.filter(lead_agency__in=agencies.values()).exists():
        for row in DEMO_CASES:
            _demo_case(agencies, *row)
        _demo_complaint(agencies["Dinsos"])
        created = len(DEMO_CASES)
    _demo_placements(agencies, _demo_safe_houses(agencies))
    return created


def _demo_safe_houses(agencies) -> dict[str, SafeHouse]:
    """The UPTD PPA's rumah aman (Dinsos may place) and the LKSA's places."""
    houses = {}
    for key, operator, name, kind, capacity, placing in DEMO_SAFE_HOUSES:
        house, created = SafeHouse.objects.update_or_create(
            operator=agencies[operator],
            name=name,
            defaults={"kind": kind, "capacity": capacity, "is_active": True},
        )
        if created:  # an address changed since is the operator's, not the demo's
            house.address = "Alamat rahasia, contoh untuk demo (bukan alamat nyata)."
            house.save(update_fields=["address"])
        house.placing_agencies.set([agencies[nomenclature] for nomenclature in placing])
        houses[key] = house
    return houses


def _demo_placements(agencies, houses) -> None:
    """Three stays on demo cases, one beyond its planned end; made once."""
    if Placement.objects.filter(safe_house__in=houses.values()).exists():
        return
    dinsos = list(Case.objects.filter(lead_agency=agencies["Dinsos"]).order_by("pk"))
    uptd = list(Case.objects.filter(lead_agency=agencies["UPTD PPA"]).order_by("pk"))
    if len(dinsos) < 2 or not uptd:
        return  # the demo cases belong to someone else's data: leave them alone
    today = timezone.localdate()
    stays = [
        # (case, house, started days ago, planned days): Anak Contoh Dua is past her end.
        (dinsos[1], houses["rumah_aman"], 10, 7),
        (uptd[0], houses["rumah_aman"], 3, 7),
        (dinsos[0], houses["lksa"], 2, 14),
    ]
    for case, house, days_ago, planned_days in stays:
        started = today - datetime.timedelta(days=days_ago)
        Placement.objects.create(
            case=case,
            safe_house=house,
            operator=house.operator,
            started_on=started,
            planned_end_on=started + datetime.timedelta(days=planned_days),
            recorded_by=case.lead_caseworker or case.opened_by,
        )


def _demo_complaint(agency) -> None:
    """One WhatsApp complaint waiting for triage in Hadi's inbox."""
    complaint = Complaint.objects.create(
        agency=agency,
        channel=Channel.WHATSAPP,
        narrative="Contoh pengaduan demo: anak sering ditinggal sendirian di rumah.",
        risk_level=RiskLevel.MEDIUM,
        violence_forms=[ViolenceForm.NEGLECT],
        reporter_is_anonymous=True,
    )
    child = Person.objects.create(
        name="Anak Contoh Tujuh", sex="P", birth_date=datetime.date(2018, 8, 8)
    )
    ComplaintParty.objects.create(complaint=complaint, person=child, part=ComplaintParty.Part.CHILD)


def _demo_case(agencies, agency, intake, lead, status, risk, forms, name, sex, birth, days):
    users = {user.username: user for user in User.objects.filter(username__in=[intake, lead])}
    case = case_open(
        opened_by=users[intake],
        agency=agencies[agency],
        reported_at=timezone.now() - datetime.timedelta(days=days),
        risk_level=risk,
        ampk_category=AmpkCategory.PHYSICAL_PSYCHOLOGICAL,
        place_type=PlaceType.HOUSEHOLD,
        chronology="Contoh kronologi untuk demo; bukan kejadian nyata.",
    )
    closing = (
        {"closure_reason": ClosureReason.GOALS_MET, "closed_at": timezone.now()}
        if status == CaseStatus.CLOSED
        else {}
    )
    Case.objects.filter(pk=case.pk).update(
        status=status, lead_caseworker=users.get(lead), **closing
    )
    for form in forms:
        CaseViolenceForm.objects.create(case=case, form=form)
    _demo_work(case, status, users.get(lead) or users[intake])
    child = Person.objects.create(name=name, sex=sex, birth_date=birth)
    guardian = Person.objects.create(name=f"Wali {name}", sex="P")
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    CaseParty.objects.create(
        case=case,
        person=guardian,
        part=CaseParty.Part.ALLEGED_PERPETRATOR,
        relationship=PerpetratorRelationship.PARENT,
    )


def _demo_work(case, status, worker) -> None:
    """Give cases past the first step the assessment and plan their step implies."""
    if status in (CaseStatus.NEW,):
        return
    Assessment.objects.create(
        case=case,
        written_by=worker,
        condition="Contoh: anak tampak cemas dan sulit tidur (data demo).",
        needs="Konseling psikologis, pendampingan hukum.",
        hopes="Anak ingin tetap bersekolah.",
    )
    if status in (CaseStatus.INTERVENTION, CaseStatus.MONITORING, CaseStatus.CLOSED):
        InterventionPlan.objects.create(
            case=case,
            written_by=worker,
            goals="Anak aman di rumah dan kembali bersekolah (data demo).",
            planned_services=[ServiceType.PSYCHOLOGICAL, ServiceType.LEGAL_AID],
            status=InterventionPlan.Status.APPROVED,
        )
