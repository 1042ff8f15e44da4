"""The benchmark's synthetic dataset: the sizes its scale promises, the same data on
every build, identities that decrypt, and the cast seeing what the benchmark measures.

The test database holds the demo city (Kalimantan Timur's regions), so the dataset is
built beside it: its ids start after the demo's rows."""

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, User
from agencies.nik import parse_nik
from bench import cast
from bench.dataset import MODELS, build
from bench.scale import TINY
from cases.encryption import name_birth_hash, nik_hash
from cases.models import AuditEvent, Case, CaseParty, CaseUserObjectPermission, Person
from cases.services import case_open
from meetings.models import Meeting
from referrals.models import Referral

# Ordered, non-encrypted columns: equal sums mean equal data (ciphertexts carry a random IV,
# their plaintexts are covered by the keyed hashes).
CHECKSUMS = {
    "cases_case": "code, status, risk_level, ampk_category, lead_agency_id, "
    "lead_caseworker_id, opened_by_id, reported_at, closed_at, incident_village_id",
    "cases_person": "id, initials, sex, birth_date, nik_hash, name_birth_hash, village_id",
    "cases_caseparty": "case_id, person_id, part, relationship",
    "referrals_referral": "id, case_id, to_agency_id, to_user_id, status, sent_at, "
    "responded_at, shared_sections",
    "cases_caseuserobjectpermission": "content_object_id, user_id, permission_id",
    "cases_auditevent": "action, at, actor_id, agency_id, case_id, object_id, fields",
    "meetings_meeting": "id, kind, title, starts_at, status, forum_id",
}


def _checksums() -> dict[str, str]:
    sums = {}
    with connection.cursor() as cursor:
        for name, columns in CHECKSUMS.items():
            cursor.execute(
                f"SELECT md5(string_agg(row({columns})::text, '|' ORDER BY {columns})) "  # noqa: S608
                f"FROM {name}"
            )
            sums[name] = cursor.fetchone()[0]
    return sums


def _build_and_sum() -> dict[str, str]:
    with transaction.atomic():
        build(TINY, log=lambda line: None)
        sums = _checksums()
        transaction.set_rollback(True)
    return sums


@pytest.mark.django_db
def test_two_builds_of_the_same_scale_give_the_same_data():
    first, second = _build_and_sum(), _build_and_sum()
    assert first == second
    assert all(first.values())


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    """TINY, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        lines = []
        build(TINY, log=lines.append)
        yield lines
        transaction.set_rollback(True)


@pytest.fixture
def cast_member(tiny, db):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


def _home() -> Agency:
    return Agency.objects.get(nomenclature=cast.HOME_AGENCY_CODE)


def _partner() -> Agency:
    return Agency.objects.get(nomenclature=cast.PARTNER_AGENCY_CODE)


def test_each_step_is_logged_with_rows_and_seconds(tiny, db):
    # ``db``: with the other database tests, before any transactional test empties the
    # database (pytest-django runs tests without it last).
    assert any("cases and violence forms" in line and " s" in line for line in tiny)
    assert tiny[-1].startswith("Built the tiny dataset")


def test_row_counts_follow_the_scale(tiny, db):
    home = _home()
    assert Agency.objects.filter(email__endswith="@bench.sinergi.invalid").count() == (
        TINY.agencies + 2
    )
    assert User.objects.filter(username__startswith="bench.").count() == TINY.users + len(cast.CAST)
    bench_cases = Case.objects.filter(lead_agency__email__endswith="@bench.sinergi.invalid")
    assert bench_cases.count() == TINY.cases
    assert Person.objects.filter(parties__case__in=bench_cases).distinct().count() == TINY.persons
    assert Referral.objects.filter(case__in=bench_cases).count() == TINY.referrals
    assert Meeting.objects.count() == TINY.meetings  # the demo city has none
    assert Case.objects.filter(lead_agency=home).count() == TINY.home_agency_cases
    assert Referral.objects.filter(
        from_agency=home, to_agency=_partner(), to_user__username=cast.RECEIVER
    ).count() == (TINY.partner_referrals)


def test_every_reference_points_at_a_row(tiny, db):
    """The build may skip the row-by-row foreign key triggers, so check them all here."""
    orphans = {}
    with connection.cursor() as cursor:
        for model in MODELS:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f"SELECT count(*) FROM {model._meta.db_table} t "  # noqa: S608
                    f"WHERE t.{field.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                    f"{target.db_table} r WHERE r.{target.pk.column} = t.{field.column})"
                )
                orphans[f"{model._meta.label}.{field.name}"] = cursor.fetchone()[0]
    assert {name: count for name, count in orphans.items() if count} == {}
    assert len(orphans) > 40


def test_every_case_has_a_child_a_create_event_and_a_known_code(tiny, db):
    bench_cases = Case.objects.filter(lead_agency__email__endswith="@bench.sinergi.invalid")
    assert not bench_cases.exclude(parties__part=CaseParty.Part.CHILD).exists()
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="cases.case")
    assert created.filter(case__in=bench_cases).count() == TINY.cases
    for code, regency, year in bench_cases.values_list("code", "regency_id", "reported_at")[:50]:
        assert code.startswith(f"{regency.replace('.', '')}-")
        assert code.split("-")[1] == str(timezone.localtime(year).year)


def test_identities_decrypt_and_their_derived_fields_match(tiny, db):
    people = Person.objects.filter(parties__case__lead_agency=_home()).distinct()
    with_nik = 0
    for person in people:
        assert person.name, "every person has a name"
        assert person.initials == "".join(w[0] for w in person.name.split()[:2]).upper()
        assert person.name_birth_hash == name_birth_hash(person.name, person.birth_date)
        assert person.address == "" or person.address.startswith("Jl. ")
        if person.nik:
            with_nik += 1
            parts = parse_nik(person.nik)
            assert person.nik_hash == nik_hash(person.nik)
            assert parts.is_female == (person.sex == "P")
            assert (parts.day, parts.month) == (person.birth_date.day, person.birth_date.month)
    assert with_nik > 10


def test_the_caseworker_sees_their_caseload_at_the_home_agency(cast_member):
    caseworker = cast_member(cast.CASEWORKER)
    visible = Case.objects.visible_to(caseworker)
    assert visible.count() >= TINY.caseworker_cases
    assert visible.filter(lead_caseworker=caseworker).count() == TINY.caseworker_cases
    granted = CaseUserObjectPermission.objects.filter(user=caseworker).values("content_object")
    assert not visible.exclude(lead_agency=_home()).exclude(pk__in=granted).exists()


def test_the_supervisor_sees_every_case_the_home_agency_leads(cast_member):
    visible = Case.objects.visible_to(cast_member(cast.SUPERVISOR))
    assert visible.count() == TINY.home_agency_cases
    assert not visible.exclude(lead_agency=_home()).exists()


def test_the_receiver_has_an_inbox_and_sees_cases_by_grant_only(cast_member, client):
    receiver = cast_member(cast.RECEIVER)
    inbox = Referral.objects.visible_to(receiver).incoming(_partner())
    assert inbox.pending().exists()
    assert inbox.filter(status__in=Referral.ACTIVE_STATES).exists()
    visible = Case.objects.visible_to(receiver)
    assert visible.exists()
    assert set(visible.values_list("lead_agency", flat=True)) == {_home().pk}
    client.force_login(receiver)
    page = client.get(reverse("referral-incoming"))
    assert page.status_code == 200
    assert inbox.order_by("-sent_at").first().case.code in page.content.decode()


def test_the_network_user_reaches_the_network_dashboard(cast_member, client):
    client.force_login(cast_member(cast.NETWORK))
    assert client.get(reverse("network-dashboard")).status_code == 200


def test_a_new_case_can_be_opened_after_the_load(cast_member):
    supervisor = cast_member(cast.SUPERVISOR)
    newest = Case.objects.order_by("-id").first()
    case = case_open(
        opened_by=supervisor,
        agency=_home(),
        reported_at=timezone.now(),
        risk_level="sedang",
        chronology="Laporan baru setelah pemuatan.",
    )
    assert case.pk > newest.pk
    year = timezone.localtime(case.reported_at).year
    loaded = Case.objects.filter(regency=case.regency, code__contains=f"-{year}-").exclude(
        pk=case.pk
    )
    numbers = [int(code.rsplit("-", 1)[1]) for code in loaded.values_list("code", flat=True)]
    assert int(case.code.rsplit("-", 1)[1]) == max(numbers, default=0) + 1
    child = Person.objects.create(name="Anak Baru", birth_date=timezone.localdate())
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
