"""Complaints from the public and from community reporters, and the tracking code.

The public form asks little, allows anonymity and gives a tracking code shown once;
with it a reporter can learn the status (received, being handled, closed) and nothing
else. Bots are kept out without outside services: a honeypot field, a minimum time to
fill the form (signed into the form), and a per-address rate limit in the cache.
"""

import secrets
import time

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from cases.encryption import identity_hash
from cases.models import AuditEvent, Complaint, ComplaintParty, Person
from cases.models.choices import Channel, RiskLevel
from cases.services import audit_record

# Crockford's base32 without I, L, O, U: easy to read out over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SUBMISSIONS_PER_HOUR = 5
STATUS_CHECKS_PER_HOUR = 20
MINIMUM_SECONDS_TO_FILL = 3
_FORM_CLOCK_SALT = "sinergi.public-complaint.clock"


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def tracking_code_hash(code: str) -> str:
    normalised = code.strip().upper().replace(" ", "").replace("-", "")
    return identity_hash("tracking", normalised)


def form_clock() -> str:
    """A signed timestamp for the form; humans take seconds, scripts take none."""
    return signing.dumps(int(time.time()), salt=_FORM_CLOCK_SALT)


def filled_too_fast(clock: str) -> bool:
    try:
        started = signing.loads(clock, salt=_FORM_CLOCK_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        return True
    return time.time() - started < MINIMUM_SECONDS_TO_FILL


def rate_limited(kind: str, address: str, per_hour: int) -> bool:
    """Count one more attempt from ``address``; True once past ``per_hour``."""
    key = f"public:{kind}:{identity_hash('address', address)}"
    cache.add(key, 0, timeout=60 * 60)
    return cache.incr(key) > per_hour


@transaction.atomic
def complaint_submit_public(
    *,
    agency: Agency,
    narrative: str,
    child: dict,
    reporter: dict | None,
    filed_by=None,
    incident_village=None,
) -> tuple[Complaint, str]:
    """Record a complaint from the public (or a community reporter when ``filed_by``).

    Returns the complaint and its tracking code, which is stored only as a keyed hash.
    """
    code = new_tracking_code()
    complaint = Complaint(
        agency=agency,
        filed_by=filed_by,
        channel=Channel.COMMUNITY if filed_by else Channel.WEB_FORM,
        received_at=timezone.now(),
        narrative=narrative,
        incident_village=incident_village,
        risk_level=RiskLevel.MEDIUM,  # until an intake officer triages it
        reporter_is_anonymous=reporter is None,
        tracking_code_hash=tracking_code_hash(code),
    )
    if reporter:
        complaint.reporter = Person.objects.create(**reporter)
    complaint.full_clean()
    complaint.save()
    child_person = Person(**child)
    child_person.full_clean()
    child_person.save()
    ComplaintParty.objects.create(
        complaint=complaint, person=child_person, part=ComplaintParty.Part.CHILD
    )
    audit_record(actor=filed_by, action=AuditEvent.Action.CREATE, obj=complaint)
    return complaint, code


def complaint_status_for_code(code: str) -> str | None:
    complaint = (
        Complaint.objects.filter(tracking_code_hash=tracking_code_hash(code))
        .select_related("case")
        .first()
    )
    return complaint.public_status() if complaint else None
