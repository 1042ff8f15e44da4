"""The confidentiality core: visibility, encryption at rest, the audit trail, case codes."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.encryption import nik_hash
from cases.models import AuditEvent, Case, CaseParty, CaseUserObjectPermission, Person
from cases.models.choices import RiskLevel, Sex
from cases.services import audit_record, case_open

pytestmark = pytest.mark.django_db

CHILD_NAME = "Rahmat Zulkarnain Canary"


@pytest.fixture
def dinsos_case(dinsos, hadi, ani):
    case = case_open(
        opened_by=hadi,
        agency=dinsos,
        reported_at=timezone.now(),
        risk_level=RiskLevel.HIGH,
        chronology=f"{CHILD_NAME} was hit at home.",
    )
    case.lead_caseworker = ani
    case.save(update_fields=["lead_caseworker"])
    child = Person.objects.create(
        name=CHILD_NAME, nik="6471011708120001", sex=Sex.MALE, birth_date=datetime.date(2014, 3, 2)
    )
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    return case


def visible(user) -> set[str]:
    return set(Case.objects.visible_to(user).values_list("code", flat=True))


def test_the_lead_caseworker_and_the_agencys_supervisor_see_the_case(dinsos_case, ani, budi):
    assert dinsos_case.code in visible(ani)
    assert dinsos_case.code in visible(budi)


@pytest.mark.parametrize("username", ["citra", "dewi", "fajar", "gita", "eko", "rina"])
def test_nobody_else_sees_it(dinsos_case, username, django_user_model):
    assert visible(django_user_model.objects.get(username=username)) == set()


def test_anonymous_users_see_nothing(dinsos_case):
    assert Case.objects.visible_to(AnonymousUser()).count() == 0


def test_the_intake_officer_sees_it_only_until_it_is_assigned(dinsos, hadi, ani):
    case = case_open(
        opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level=RiskLevel.LOW
    )
    assert case.code in visible(hadi)
    case.lead_caseworker = ani
    case.save(update_fields=["lead_caseworker"])
    assert case.code not in visible(hadi)


def test_a_grant_shares_the_case_through_the_direct_foreign_key_table(dinsos_case, citra):
    assign_perm("cases.view_case", citra, dinsos_case)
    assert CaseUserObjectPermission.objects.filter(user=citra).count() == 1
    assert visible(citra) == {dinsos_case.code}
    assert not Case.objects.editable_by(citra).exists()


def test_only_the_lead_agencys_supervisor_and_assigned_workers_may_edit(dinsos_case, ani, budi):
    from agencies.models import User

    assert Case.objects.editable_by(ani).count() == 1
    assert Case.objects.editable_by(budi).count() == 1
    dewi = User.objects.get(username="dewi")
    assert not Case.objects.editable_by(dewi).exists()


def test_persons_are_visible_only_through_a_visible_case(dinsos_case, ani, citra):
    assert Person.objects.visible_to(ani).count() == 1
    assert Person.objects.visible_to(citra).count() == 0


def test_case_codes_are_readable_and_numbered_per_city_and_year(dinsos, uptd_ppa, hadi, citra):
    first = case_open(
        opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="rendah"
    )
    second = case_open(
        opened_by=citra, agency=uptd_ppa, reported_at=timezone.now(), risk_level="rendah"
    )
    year = timezone.localdate().year
    assert first.code == f"BPN-{year}-00001"
    assert second.code == f"BPN-{year}-00002"


def test_no_child_name_is_stored_in_clear_text(dinsos_case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, nik FROM cases_person")
        rows = cursor.fetchall()
        cursor.execute("SELECT chronology FROM cases_case")
        rows += cursor.fetchall()
    dump = repr(rows)
    assert "Rahmat" not in dump and "6471011708120001" not in dump
    assert Person.objects.get().name == CHILD_NAME


def test_a_tampered_value_is_refused(dinsos_case):
    person = Person.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_person WHERE id = %s", [person.pk])
        token = cursor.fetchone()[0]
        tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        cursor.execute("UPDATE cases_person SET name = %s WHERE id = %s", [tampered, person.pk])
    with pytest.raises(Exception, match="cannot be decrypted"):
        Person.objects.get(pk=person.pk)


def test_an_old_key_still_decrypts_after_a_new_one_is_put_first(dinsos_case, settings):
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    assert Person.objects.get().name == CHILD_NAME


def test_nik_is_found_only_through_its_keyed_hash(dinsos_case):
    assert Person.objects.filter(nik_hash=nik_hash("6471011708120001")).count() == 1
    with pytest.raises(Exception):  # noqa: B017 - any lookup on ciphertext is refused
        Person.objects.filter(nik="6471011708120001").count()


def test_the_pseudonym_shows_initials_age_and_sex_only(dinsos_case):
    pseudonym = Person.objects.get().pseudonym()
    assert pseudonym.startswith("RZ · ")
    assert "Rahmat" not in pseudonym


def test_opening_a_case_writes_an_audit_row_in_the_same_transaction(dinsos, hadi):
    with pytest.raises(RuntimeError), transaction.atomic():
        case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="rendah")
        raise RuntimeError("the request failed after the write")
    assert not Case.objects.exists()
    assert not AuditEvent.objects.exists()


def test_audit_rows_cannot_be_changed_or_deleted(dinsos_case, budi):
    event = audit_record(actor=budi, action=AuditEvent.Action.VIEW, case=dinsos_case)
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_itself_refuses_to_rewrite_the_audit_trail(dinsos_case, budi):
    audit_record(actor=budi, action=AuditEvent.Action.VIEW, case=dinsos_case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(action="export")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_rotation_moves_every_value_to_the_new_key(dinsos_case, budi, settings):
    audit_record(
        actor=budi,
        action=AuditEvent.Action.REVEAL_IDENTITY,
        case=dinsos_case,
        reason="Konferensi kasus",
    )
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    call_command("rotate_field_encryption", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # old key gone
    assert Person.objects.get().name == CHILD_NAME
    assert Case.objects.get().chronology.startswith(CHILD_NAME)
    assert AuditEvent.objects.get(action="reveal_identity").reason == "Konferensi kasus"
