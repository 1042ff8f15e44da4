"""Demo referrals in every state, between the demo city's agencies."""

import datetime

from django.utils import timezone

from agencies.models import Agency, User
from cases.models import Case, Complaint
from cases.models.choices import Channel, RiskLevel
from referrals import services
from referrals.models import PaperReferral, Referral
from referrals.services import Consent, ReferralRequest, Summary


def demo_referrals_seed() -> int:
    """Create the demo referrals once; returns how many were created (0 when they exist)."""
    if Referral.objects.exists():
        return 0
    people = {user.username: user for user in User.objects.filter(username__in=_CAST)}
    agencies = {agency.nomenclature: agency for agency in Agency.objects.all()}
    cases = {
        case.parties.get(part="anak").person.name: case
        for case in Case.objects.filter(lead_agency=agencies["Dinsos"]).exclude(status="terminasi")
    }
    first, second = cases["Anak Contoh Satu"], cases["Anak Contoh Dua"]
    uptd = agencies["UPTD PPA"]
    ani, budi, citra, sari = (people[name] for name in ("ani", "budi", "citra", "sari"))

    _send(first, ani, uptd, "penguatan_psikologis", "segera")  # waiting for an answer

    accepted = _send(second, ani, uptd, "penjangkauan", "biasa")
    services.referral_accept(referral=accepted, accepted_by=sari, assignees=[citra])

    in_progress = _send(first, ani, uptd, "bantuan_hukum", "biasa", sections=["identitas", "hukum"])
    services.referral_accept(referral=in_progress, accepted_by=citra)
    services.referral_start(referral=in_progress, started_by=citra)

    completed = _send(second, ani, uptd, "penguatan_psikologis", "segera")
    services.referral_accept(referral=completed, accepted_by=sari, assignees=[citra])
    services.referral_complete(
        referral=completed,
        completed_by=citra,
        outcome="Tiga sesi konseling psikologis selesai (data demo).",
        feedback="Anak lebih tenang; lanjutkan pemantauan di rumah.",
    )

    declined = _send(first, ani, uptd, "penampungan_sementara", "darurat")
    services.referral_decline(
        referral=declined, declined_by=sari, reason="Rumah aman penuh minggu ini (data demo)."
    )

    cancelled = _send(second, ani, agencies["Disdukcapil"], "dokumen_kependudukan", "biasa")
    services.referral_cancel(
        referral=cancelled, cancelled_by=budi, reason="Keluarga sudah mengurus akta sendiri."
    )

    expired = _send(first, budi, agencies["Unit PPA Polresta"], "penegakan_hukum", "darurat")
    Referral.objects.filter(pk=expired.pk).update(
        sent_at=timezone.now() - datetime.timedelta(hours=6),
        respond_by=timezone.now() - datetime.timedelta(hours=2),
    )
    services.referral_expire(referral_id=expired.pk)

    _paper_referral(citra)
    return 8


_CAST = ("ani", "budi", "citra", "sari")


def _send(case, sender, agency, service, urgency, *, sections=("identitas", "asesmen")):
    return services.referral_send(
        case=case,
        sent_by=sender,
        request=ReferralRequest(
            to_agency=agency,
            service_type=service,
            reason="Contoh alasan rujukan (data demo).",
            urgency=urgency,
            shared_sections=list(sections),
            summary=Summary(
                purpose="Contoh tujuan rujukan (data demo).",
                chronology="Contoh kronologi singkat; bukan kejadian nyata.",
                condition="Anak tampak cemas (data demo).",
            ),
            consent=Consent(
                given_by="wali",
                given_on=timezone.localdate(),
                scope="Berbagi data untuk layanan yang dirujuk.",
            ),
        ),
    )


def _paper_referral(received_by) -> None:
    """A police letter from outside Sinergi, waiting for triage at UPTD PPA."""
    services.paper_referral_receive(
        received_by=received_by,
        letter=PaperReferral(
            sender_name="Unit PPA Polsek Balikpapan Utara",
            letter_number="B/123/XI/2026/Reskrim",
            letter_date=timezone.localdate(),
            service_type="penguatan_psikologis",
        ),
        complaint=Complaint(
            channel=Channel.POLICE,
            narrative="Surat rujukan kepolisian (data demo): anak korban perlu pendampingan.",
            risk_level=RiskLevel.MEDIUM,
            reporter_is_anonymous=True,
        ),
        children=[{"name": "Anak Contoh Delapan", "sex": "L"}],
    )
