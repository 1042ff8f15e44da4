"""Which statistics cells a refresh rebuilds: slices of (agency, month).

Every non-snapshot cell belongs to one agency and one month, and a case (or an imported
victim) counts only in the slices of its lead agency and of the months it was reported
and closed in. So cells can be rebuilt a slice at a time: delete the slice's cells, count
the cases of the slice again. On PostgreSQL, triggers (migration 0006) note the slices
every write to the counted tables touches in ``StatsChange``; the frequent refresh
rebuilds those only, which keeps it short however many cases there are.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q

from agencies.models import Agency

# More changed months than this in one agency: rebuild all of its months in one go (one
# index range instead of a long OR of month ranges).
MAX_MONTHS_PER_AGENCY = 24


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def any_of(conditions) -> Q:
    # Q(pk__in=[]) matches nothing, where an empty OR would match everything.
    return reduce(or_, conditions, Q(pk__in=[]))


@dataclass
class Scope:
    """Agency id → the months to rebuild (first days), or None for all of its months.

    ``everything`` stands for every agency and month (the first and the fallback rebuild).
    """

    months: dict[int, set | None] = field(default_factory=dict)
    everything: bool = False
    zones: dict[int, str] = field(default_factory=dict)

    def add(self, agency_id: int, month: datetime.date | None) -> None:
        if agency_id is None or (agency_id in self.months and self.months[agency_id] is None):
            return
        if month is None:
            self.months[agency_id] = None
            return
        months = self.months.setdefault(agency_id, set())
        months.add(month)
        if len(months) > MAX_MONTHS_PER_AGENCY:
            self.months[agency_id] = None

    def __bool__(self) -> bool:
        return self.everything or bool(self.months)

    def load_zones(self) -> None:
        self.zones = dict(
            Agency.objects.filter(pk__in=list(self.months)).values_list("pk", "time_zone")
        )

    def has_zone(self, zone_name: str) -> bool:
        return self.everything or zone_name in self.zones.values()

    def _by_agency(self, agency: str, ranges) -> Q:
        whole = [pk for pk, months in self.months.items() if months is None]
        conditions = [Q(**{f"{agency}__in": whole})] if whole else []
        for pk, months in self.months.items():
            if months:
                zone = zoneinfo.ZoneInfo(self.zones.get(pk, "UTC"))
                spans = any_of(ranges(month, zone) for month in sorted(months))
                conditions.append(Q(**{agency: pk}) & spans)
        return any_of(conditions)

    def cases(self, prefix: str, moment: str) -> Q:
        """Cases (through ``prefix``) whose ``moment`` falls in a slice, on the agency's clock."""
        if self.everything:
            return Q()
        path = f"{prefix}{moment}"

        def ranges(month, zone):
            start = datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
            end = datetime.datetime.combine(next_month(month), datetime.time(), tzinfo=zone)
            return Q(**{f"{path}__gte": start, f"{path}__lt": end})

        return self._by_agency(f"{prefix}lead_agency_id", ranges)

    def days(self, agency: str, day: str) -> Q:
        """Rows with a plain date (imported victims) in a slice of ``agency``."""
        if self.everything:
            return Q()

        def ranges(month, _zone):
            return Q(**{f"{day}__gte": month, f"{day}__lt": next_month(month)})

        return self._by_agency(agency, ranges)

    def cells(self) -> Q:
        """The statistics cells of the slices."""
        if self.everything:
            return Q()
        whole = [pk for pk, months in self.months.items() if months is None]
        conditions = [Q(agency_id__in=whole)] if whole else []
        conditions += [
            Q(agency_id=pk, month__in=sorted(months))
            for pk, months in self.months.items()
            if months
        ]
        return any_of(conditions)


def consume_changes(scope: Scope) -> None:
    """Take the slices written since the last refresh into ``scope``, and forget them.

    Inside the refresh's transaction: if it fails, the changes come back with the rollback.
    A change committed after this delete stays for the next refresh.
    """
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_statschange RETURNING agency_id, month")
        for agency_id, month in set(cursor.fetchall()):
            scope.add(agency_id, month)


def forget_changes() -> None:
    """Before rebuilding everything: every change so far is counted by that rebuild."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_statschange")
