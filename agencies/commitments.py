"""Is an agency keeping its commitments? Measured by the referrals it was sent.

A service commitment is kept when the agency answers, on time, at least the agreement's
target share of the referrals it received for that service while the agreement was in
force. Only counts leave this module: never a case, never a referral.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Commitment


@dataclass(frozen=True)
class CommitmentRecord:
    commitment: Commitment
    due: int  # referrals answered, or whose deadline has passed
    on_time: int
    pending: int  # still within their deadline

    @property
    def measured(self) -> bool:
        return bool(self.commitment.service_type)

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None

    @property
    def status(self) -> str:
        if not self.measured:
            return "unmeasured"
        if not self.due:
            return "no_referrals"
        met = self.on_time_percent >= self.commitment.agreement.on_time_target
        return "met" if met else "not_met"

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


STATUS_LABELS = {
    "unmeasured": _("Not measured by referrals"),
    "no_referrals": _("No referrals answered yet"),
    "met": _("Kept"),
    "not_met": _("Not kept"),
}


def _daily_referral_counts(agency: Agency, service_types: set[str], since: date) -> dict:
    """(service, day) → [due, on_time, pending], in one grouped query."""
    from referrals.models import Referral

    now = timezone.now()
    answered = Q(responded_at__isnull=False)
    rows = (
        Referral.objects.filter(
            to_agency=agency, service_type__in=service_types, sent_at__date__gte=since
        )
        # A referral withdrawn before any answer was never the receiver's to answer.
        .exclude(status=Referral.Status.CANCELLED, responded_at__isnull=True)
        .annotate(day=TruncDate("sent_at"))
        .values("service_type", "day")
        .annotate(
            due=Count("pk", filter=answered | Q(respond_by__lt=now)),
            on_time=Count("pk", filter=answered & Q(responded_at__lte=F("respond_by"))),
            pending=Count("pk", filter=~answered & Q(respond_by__gte=now)),
        )
    )
    return {(row["service_type"], row["day"]): row for row in rows}


def commitments_of(agency: Agency, commitments, today: date | None = None) -> list:
    """Each commitment of ``agency`` with its referral record over its agreement's period."""
    today = today or timezone.localdate()
    commitments = list(commitments.filter(agency=agency).select_related("agreement"))
    measured = [c for c in commitments if c.service_type]
    counts = {}
    if measured:
        since = min(c.agreement.valid_from for c in measured)
        counts = _daily_referral_counts(agency, {c.service_type for c in measured}, since)
    totals = defaultdict(lambda: [0, 0, 0])
    for (service_type, day), row in counts.items():
        for commitment in measured:
            period_end = min(commitment.agreement.valid_until, today)
            if (
                commitment.service_type == service_type
                and commitment.agreement.valid_from <= day <= period_end
            ):
                total = totals[commitment.pk]
                total[0] += row["due"]
                total[1] += row["on_time"]
                total[2] += row["pending"]
    return [CommitmentRecord(c, *totals[c.pk]) for c in commitments]
