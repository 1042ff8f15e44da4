"""The world the API authorization matrix runs in: people of every role at one agency
(UPTD PPA), a partner system there, and for each kind of record one instance per
relationship to them: their own, their agency's, another agency's shared with them by
an active referral, one whose referral has ended, and one of another agency only.

Records are made through the same services the web UI uses, so the grants, audit rows
and states are the real ones.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from agencies.api_clients import api_client_register
from agencies.models import Agency, User
from cases.intake import complaint_receive
from cases.models import Case, Complaint
from cases.services import case_open
from meetings.models import ActionItem, Invitation, Meeting, Minutes
from referrals import services as referral_services
from referrals.services import Consent, ReferralRequest, Summary
from tests.factories import member_of

ROLES = ("caseworker", "intake", "supervisor", "head", "data_officer", "coordinator")
RELATIONSHIPS = ("own", "same_agency", "referred_active", "referred_ended", "other_agency")


@dataclass
class Principal:
    label: str
    user: User
    token: str | None = None  # a partner system's bearer token; None for a person


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    principals: list[Principal]
    # kind -> relationship -> record, or kind -> relationship -> {principal label: record}
    records: dict = field(default_factory=dict)

    def record(self, kind: str, relationship: str, principal: Principal):
        chosen = self.records.get(kind, {}).get(relationship)
        if isinstance(chosen, dict):
            return chosen.get(principal.label)
        return chosen


def _case(agency, opened_by, lead=None) -> Case:
    case = case_open(
        opened_by=opened_by,
        agency=agency,
        reported_at=timezone.now(),
        risk_level="sedang",
        chronology="Kronologi matriks otorisasi.",
    )
    if lead is not None:
        Case.objects.filter(pk=case.pk).update(lead_caseworker=lead, status="asesmen")
        case.refresh_from_db()
    return case


def _refer(case, sender, to_agency, service="penjangkauan"):
    return referral_services.referral_send(
        case=case,
        sent_by=sender,
        request=ReferralRequest(
            to_agency=to_agency,
            service_type=service,
            reason="Rujukan matriks otorisasi.",
            urgency="biasa",
            shared_sections=["asesmen"],
            summary=Summary(purpose="Tujuan.", chronology="Kronologi.", condition="Kondisi."),
            consent=Consent(given_by="wali", given_on=timezone.localdate(), scope="Layanan."),
        ),
    )


def _principals(agency, admin) -> list[Principal]:
    people = [Principal(role, member_of(agency, role)) for role in ROLES]
    _client, token = api_client_register(
        agency=agency,
        name="Matrix partner",
        roles=["supervisor"],
        scopes=["read", "cases", "referrals", "reports"],
        expires_at=timezone.now() + timedelta(days=1),
        registered_by=admin,
    )
    partner = User.objects.get(api_client__token_prefix=token.split("_")[1])
    return [*people, Principal("partner", partner, token)]


def build_world(*, agency, other_agency, third_agency, admin) -> World:
    """``agency`` is where the principals work; ``other_agency`` leads the referred cases;
    ``third_agency`` receives a referral that concerns neither."""
    principals = _principals(agency, admin)
    world = World(agency=agency, other_agency=other_agency, principals=principals)
    by_role = {p.label: p.user for p in principals}
    home_intake, home_worker = member_of(agency, "intake"), member_of(agency, "caseworker")
    away_intake = member_of(other_agency, "intake")
    away_worker = member_of(other_agency, "caseworker", "supervisor")

    own = {
        p.label: _case(agency, p.user, lead=p.user if p.label == "caseworker" else None)
        for p in principals
    }
    same_agency = _case(agency, home_intake, lead=home_worker)
    other = _case(other_agency, away_intake, lead=away_worker)

    active_case = _case(other_agency, away_intake, lead=away_worker)
    active = _refer(active_case, away_worker, agency)
    receivers = [by_role["caseworker"], by_role["supervisor"]]
    referral_services.referral_accept(
        referral=active, accepted_by=by_role["supervisor"], assignees=receivers
    )
    ended_case = _case(other_agency, away_intake, lead=away_worker)
    ended = _refer(ended_case, away_worker, agency)
    referral_services.referral_accept(
        referral=ended, accepted_by=by_role["supervisor"], assignees=receivers
    )
    referral_services.referral_complete(
        referral=ended, completed_by=by_role["supervisor"], outcome="Selesai.", feedback="Baik."
    )
    pending = _refer(_case(other_agency, away_intake, lead=away_worker), away_worker, agency)
    elsewhere = _refer(other, away_worker, third_agency, service="dokumen_kependudukan")
    outgoing = {
        p.label: _refer(own[p.label], p.user, other_agency, service="psikososial")
        for p in principals[:1]
    }

    world.records["complaint"] = _complaints(agency, other_agency, principals, home_intake)
    world.records["meeting"], world.records["action_item"] = _meetings(
        agency, other_agency, principals, away_worker
    )
    world.records["case"] = {
        "own": own,
        "same_agency": same_agency,
        "referred_active": active_case,
        "referred_ended": ended_case,
        "other_agency": other,
    }
    world.records["referral"] = {
        "own": outgoing,
        "same_agency": pending,
        "referred_active": active,
        "referred_ended": ended,
        "other_agency": elsewhere,
    }
    return world


def _complaint(received_by) -> Complaint:
    return complaint_receive(
        received_by=received_by,
        complaint=Complaint(
            channel="telepon", risk_level="sedang", narrative="Pengaduan matriks otorisasi."
        ),
        children=[{"name": "Anak Matriks", "sex": "P"}],
    )


def _complaints(agency, other_agency, principals, home_intake) -> dict:
    """Own: filed by the principal where its roles let it take complaints."""
    away_intake = member_of(other_agency, "intake")
    return {
        "own": {
            p.label: _complaint(p.user) for p in principals if p.label in ("intake", "supervisor")
        },
        "same_agency": _complaint(home_intake),
        "other_agency": _complaint(away_intake),
    }


def _meeting(organiser, *, agencies=(), people=()) -> Meeting:
    start = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.AD_HOC,
        title="Rapat matriks otorisasi",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        organised_by=organiser,
    )
    for agency in agencies:
        Invitation.objects.create(meeting=meeting, agency=agency)
    for person in people:
        Invitation.objects.create(meeting=meeting, agency=person.membership.agency, user=person)
    Minutes.objects.create(
        meeting=meeting,
        status=Minutes.Status.APPROVED,
        written_by=organiser,
        approved_by=organiser,
        approved_at=timezone.now(),
    )
    return meeting


def _action_item(meeting, agency, assignee=None) -> ActionItem:
    return ActionItem.objects.create(
        meeting=meeting,
        title="Tindak lanjut matriks",
        agency=agency,
        assignee=assignee,
        due_on=timezone.localdate() + timedelta(days=7),
    )


def _meetings(agency, other_agency, principals, organiser) -> tuple[dict, dict]:
    """Own: a meeting the principal is invited to by name; its agency's: one its agency is
    invited to; another agency's: one only the other agency attends."""
    own = {p.label: _meeting(organiser, people=[p.user]) for p in principals}
    same = _meeting(organiser, agencies=[agency])
    other = _meeting(organiser, agencies=[other_agency])
    meetings = {"own": own, "same_agency": same, "other_agency": other}
    items = {
        "own": {p.label: _action_item(own[p.label], agency, p.user) for p in principals},
        "same_agency": _action_item(same, agency),
        "other_agency": _action_item(other, other_agency),
    }
    return meetings, items
