"""The state of things at refresh time, as cells of the refresh's own month.

Unlike the monthly flows in ``reports.stats``, these answer "how is it now": how long the
open cases have been open, how many each lead caseworker carries, and what is overdue.
For OVERDUE cells, ``cases`` counts the overdue items (services, TPKS police reports,
referrals waiting for the agency's answer); ``victims`` is not used.
"""

from datetime import timedelta

from django.db.models import Case as When_
from django.db.models import CharField, Count, DateField, F, Q, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from cases.models import Case, CaseParty, ServiceRecord
from reports.models import Dimension

# Open-case ageing buckets in days since the report: (fewer than, label).
OPEN_AGES = [(31, "0-30"), (91, "31-90"), (181, "91-180")]
OLDEST_OPEN = "181+"
UNASSIGNED = "none"


def _keys(prefix: str, month) -> dict:
    return {
        "cell_agency": F(f"{prefix}lead_agency_id"),
        "cell_regency": F(f"{prefix}regency_id"),
        "cell_month": month,
    }


def _open_age(now):
    return When_(
        *[
            When(reported_at__gt=now - timedelta(days=days), then=Value(label))
            for days, label in OPEN_AGES
        ],
        default=Value(OLDEST_OPEN),
    )


def snapshot_queries(zone, zone_name, now):
    this_month = timezone.localtime(now, zone).date().replace(day=1)
    month = Value(this_month, output_field=DateField())
    open_cases = Case.objects.filter(lead_agency__time_zone=zone_name, closed_at__isnull=True)
    keys = _keys("", month)
    children = Q(parties__part=CaseParty.Part.CHILD)
    count = {"cases": Count("pk", distinct=True), "victims": Count("parties", filter=children)}
    yield Dimension.OPEN_AGE, open_cases.values(**keys, cell_value=_open_age(now)).annotate(**count)
    worker = Coalesce(Cast("lead_caseworker_id", CharField()), Value(UNASSIGNED))
    yield Dimension.CASELOAD, open_cases.values(**keys, cell_value=worker).annotate(**count)
    yield from _overdue(zone_name, month, now)


def _overdue(zone_name, month, now):
    items = {"cases": Count("pk"), "victims": Value(0)}
    services = ServiceRecord.objects.filter(
        case__lead_agency__time_zone=zone_name,
        status=ServiceRecord.Status.PLANNED,
        due_at__lt=now,
    )
    yield (
        Dimension.OVERDUE,
        services.values(**_keys("case__", month), cell_value=Value("services")).annotate(**items),
    )
    police = Case.objects.filter(lead_agency__time_zone=zone_name).tpks_police_report_overdue()
    yield (
        Dimension.OVERDUE,
        Case.objects.filter(pk__in=police.values("pk"))
        .values(**_keys("", month), cell_value=Value("tpks_police"))
        .annotate(**items),
    )
    from referrals.models import Referral

    waiting = Referral.objects.filter(
        to_agency__time_zone=zone_name, status=Referral.Status.SENT, respond_by__lt=now
    )
    yield (
        Dimension.OVERDUE,
        waiting.values(
            cell_agency=F("to_agency_id"),
            cell_regency=F("to_agency__regency_id"),
            cell_month=month,
            cell_value=Value("referrals"),
        ).annotate(**items),
    )
