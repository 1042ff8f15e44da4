"""A child's name and NIK never reach a log line, whatever the flow does."""

import datetime
import logging

import pytest
from django.utils import timezone

from cases.models import CaseParty, Person
from cases.services import case_open

pytestmark = pytest.mark.django_db

CANARY = "ZZCANARY Putri Lestari"
CANARY_NIK = "6471015708120009"


def test_a_case_flow_logs_no_identity(client, caplog, dinsos, hadi, ani, budi):
    caplog.set_level(logging.DEBUG)
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    child = Person.objects.create(
        name=CANARY, nik=CANARY_NIK, birth_date=datetime.date(2015, 1, 1), sex="P"
    )
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    client.force_login(hadi)
    client.get("/kasus/")
    client.get(f"/kasus/{case.code}/")
    client.post(f"/kasus/{case.code}/identitas/")
    client.force_login(budi)
    client.get(f"/kasus/{case.code}/riwayat/")
    client.get("/kasus/does-not-exist/")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ZZCANARY" not in logged and CANARY_NIK not in logged
    assert "Putri" not in logged
