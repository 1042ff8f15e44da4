"""The worked scenario of docs/api.md, end to end over HTTP against a live server, with
the example client of docs/examples: Dinas Sosial's system refers a child to the
hospital for a visum; the hospital's system accepts, starts and reports the outcome; Dinas
Sosial's system reads it back. Both systems are partner clients registered by the admin."""

import importlib.util
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from tests.live_api import start_live_api

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "sinergi_partner.py"


def _example_client_module():
    spec = importlib.util.spec_from_file_location("sinergi_partner", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def live_api(tmp_path, redis_url):
    server = start_live_api(tmp_path, redis_url)
    yield server
    server.stop()


def _visum_request(hospital_id: int, case_code: str) -> dict:
    return {
        "case_code": case_code,
        "to_agency": hospital_id,
        "service_type": "kesehatan",
        "urgency": "segera",
        "reason": "Pemeriksaan medis dan visum et repertum.",
        "shared_sections": ["identitas", "kejadian", "kesehatan"],
        "summary_purpose": "Visum et repertum untuk proses hukum.",
        "consent_by": "wali",
        "consent_on": timezone.localdate().isoformat(),
        "consent_scope": "Pemeriksaan medis dan visum.",
    }


@pytest.mark.services
def test_a_hospital_system_accepts_a_referral_and_reports_the_visum(live_api):
    partner = _example_client_module()
    dinsos = partner.SinergiClient(
        live_api.base_url,
        live_api.register(
            "dinsos", agency="Dinsos", roles=["supervisor"], scopes=["read", "referrals"]
        ),
    )
    hospital = partner.SinergiClient(
        live_api.base_url,
        live_api.register(
            "hospital", agency="RSKD", roles=["supervisor"], scopes=["read", "referrals"]
        ),
        language="en",
    )

    # Dinas Sosial's system finds the hospital and an open case, and refers it, retrying
    # once as a flaky network would: the same Idempotency-Key, one referral.
    hospitals = dinsos.get("/api/v1/agencies/?service_type=kesehatan&type=hospital")["results"]
    hospital_id = hospitals[0]["id"]
    case = next(c for c in dinsos.all_pages("/api/v1/cases/") if c["status"] != "terminasi")
    body = _visum_request(hospital_id, case["code"])
    key = {"Idempotency-Key": str(uuid.uuid4())}
    _status, _headers, sent = dinsos.request("POST", "/api/v1/referrals/", body, key)
    _status, replay_headers, again = dinsos.request("POST", "/api/v1/referrals/", body, key)
    assert again["id"] == sent["id"]
    assert replay_headers["Idempotent-Replayed"] == "true"

    # The hospital cannot open the case itself: only what the referral shares.
    with pytest.raises(partner.SinergiError) as refused:
        hospital.get(f"/api/v1/cases/{case['code']}/")
    assert refused.value.status == 404

    # The hospital's system runs the scenario of docs/api.md.
    completed = partner.hospital_answers_visum_referrals(hospital)
    assert [referral["id"] for referral in completed] == [sent["id"]]
    assert completed[0]["status"] == "selesai"

    # Dinas Sosial's system reads the outcome back.
    answered = dinsos.get(f"/api/v1/referrals/{sent['id']}/")
    assert answered["status"] == "selesai"
    assert "Visum et repertum selesai" in answered["summary"]["outcome"]
    assert "kontrol ulang" in answered["summary"]["feedback"]
    steps = [event["action"] for event in answered["events"]]
    assert {"diterima", "diproses", "selesai"} <= set(steps)

    # An answered referral cannot be answered twice; errors come in the caller's language.
    with pytest.raises(partner.SinergiError) as twice:
        hospital.post(f"/api/v1/referrals/{sent['id']}/accept/", {})
    assert twice.value.status in (400, 404)
