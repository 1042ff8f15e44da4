import io

import pytest
from django.core.management import CommandError, call_command

from agencies.demo import demo_city_seed
from agencies.models import Agency, Agreement, Commitment, Membership, NetworkMember, User
from agencies.roles import agency_of, roles_of

pytestmark = pytest.mark.django_db

EXPECTED = {
    "ani": ("Dinsos", {"caseworker"}),
    "hadi": ("Dinsos", {"intake"}),
    "budi": ("Dinsos", {"supervisor"}),
    "citra": ("UPTD PPA", {"caseworker"}),
    "sari": ("UPTD PPA", {"supervisor"}),
    "dewi": ("DP3AKB", {"head"}),
    "fajar": ("DP3AKB", {"coordinator"}),
    "gita": ("DP3AKB", {"data_officer"}),
    "eko": ("DP3AKB", {"admin"}),
    "rina": ("DP3AKB", {"community"}),
}


def test_it_creates_the_cast_with_their_agencies_and_roles():
    for username, (agency, roles) in EXPECTED.items():
        user = User.objects.get(username=username)
        assert str(agency_of(user)) == agency
        assert roles_of(user) == roles


def test_the_agencies_serve_kota_balikpapan_in_wita():
    agencies = Agency.objects.all()
    assert agencies.count() == 12
    assert {agency.regency_id for agency in agencies} == {"64.71"}
    assert {agency.time_zone for agency in agencies} == {"Asia/Makassar"}


def _counts():
    return (
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Agreement.objects.count(),
        Commitment.objects.count(),
        NetworkMember.objects.count(),
    )


def test_running_it_again_creates_no_duplicates():
    call_command("seed_demo", stdout=io.StringIO())
    before = _counts()
    demo_city_seed()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == before


def test_the_demo_network_has_the_seeds_agreement_and_members_across_the_city():
    call_command("seed_demo", stdout=io.StringIO())
    renewal = Agreement.objects.get(number__startswith="KB/2022")
    assert renewal.agencies.count() == 18  # the signatories named in seed 000
    assert renewal.is_in_force() and renewal.days_left() <= 60
    districts = {member.district_code for member in NetworkMember.objects.all()}
    assert len(districts) == 6  # every kecamatan of Balikpapan has someone
    assert NetworkMember.objects.get(user__username="rina").type == "patbm"


def test_only_the_admin_may_use_the_admin_site(eko, ani):
    assert eko.is_staff and not eko.is_superuser
    assert not ani.is_staff and not ani.is_superuser


def test_demo_password_logs_in(client, demo_password):
    response = client.post("/masuk/", {"username": "ani", "password": demo_password})
    assert response.status_code == 302


def test_it_refuses_a_production_configuration(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")


def test_the_command_adds_demo_cases_once_in_several_states(django_user_model):
    from cases.models import Case

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Case.objects.count() == 6
    assert set(Case.objects.values_list("lead_agency__nomenclature", flat=True)) == {
        "Dinsos",
        "UPTD PPA",
    }
    assert Case.objects.values("status").distinct().count() >= 4
    ani = django_user_model.objects.get(username="ani")
    assert Case.objects.visible_to(ani).count() == 3
    from cases.models import Complaint

    # the WhatsApp complaint, and the police letter recorded as a paper referral
    assert Complaint.objects.awaiting_triage().count() == 2


def test_the_command_adds_referrals_in_every_state_once():
    from referrals.models import PaperReferral, Referral

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert Referral.objects.count() == 7
    assert PaperReferral.objects.count() == 1
    assert PaperReferral.objects.get().complaint.outcome == ""
