"""Referral deadlines, swept every 15 minutes (see config/celery.py)."""

from celery import shared_task

from referrals.models import Referral
from referrals.services import referral_expire, referral_warn_expiring


@shared_task(name="sinergi.referrals_sweep_deadlines")
def referrals_sweep_deadlines() -> dict[str, int]:
    """Warn of answers due within 24 hours, expire those past due.

    Each referral is claimed by a conditional UPDATE in its own transaction, so running
    the sweep twice, or on two workers at once, warns and expires each referral once.
    """
    warned = sum(
        referral_warn_expiring(referral_id=pk)
        for pk in Referral.objects.expiring_within(24)
        .filter(expiry_warned_at__isnull=True)
        .values_list("pk", flat=True)
    )
    expired = sum(
        referral_expire(referral_id=pk)
        for pk in Referral.objects.overdue().values_list("pk", flat=True)
    )
    return {"warned": warned, "expired": expired}
