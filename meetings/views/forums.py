"""Forum list, the forum page with its month calendar, and calling a meeting."""

import calendar
import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.roles import agency_of

# The menu offers the meeting pages to these roles (agencies/navigation.py).
from agencies.views.form_errors import add_form_errors
from agencies.views.mixins import RoleRequiredMixin
from agencies.views.scoped import ScopedListView, get_visible_or_404
from cases.models import Case
from meetings.forms import (
    MeetingForm,
)
from meetings.models import Forum, Meeting
from meetings.services import (
    agencies_seeing_case,
    meeting_schedule,
)
from meetings.views.common import (
    ATTENDANCE_SHOWN,
    MEETING_ROLES,
    UPCOMING_SHOWN,
    ZONE_LABELS,
    meeting_roles_required,
    user_zone_name,
)


class ForumListView(RoleRequiredMixin, ScopedListView):
    """The forums the user's agency belongs to (or the user runs), and the user's next
    meetings, with or without a forum."""

    required_roles = MEETING_ROLES
    model = Forum
    template_name = "meetings/forum_list.html"
    context_object_name = "forums"

    def narrow(self, queryset):
        next_meeting = (
            Meeting.objects.visible_to(self.request.user)
            .filter(forum=OuterRef("pk"))
            .upcoming()
            .values("starts_at")[:1]
        )
        return (
            queryset.select_related("regency")
            .prefetch_related(Prefetch("member_agencies", queryset=Agency.objects.order_by("name")))
            .annotate(next_meeting_at=Subquery(next_meeting))
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        upcoming = (
            Meeting.objects.visible_to(user).upcoming().select_related("forum")[:UPCOMING_SHOWN]
        )
        return super().get_context_data(
            upcoming=upcoming,
            user_zone=user_zone_name(user),
            user_zone_label=ZONE_LABELS.get(user_zone_name(user), user_zone_name(user)),
            **kwargs,
        )


def _month(value: str | None, today: datetime.date) -> tuple[int, int]:
    """``?bulan=YYYY-MM``; anything else is this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
    except ValueError:
        return today.year, today.month
    if 2000 <= year <= 2100 and 1 <= month <= 12:
        return year, month
    return today.year, today.month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _attendance(meeting: Meeting, agency: Agency) -> str:
    """attended, absent, unrecorded or uninvited: one agency at one held meeting."""
    marks = [inv.attended for inv in meeting.invitations.all() if inv.agency_id == agency.pk]
    if not marks:
        return "uninvited"
    if any(marks):
        return "attended"
    if all(mark is False for mark in marks):
        return "absent"
    return "unrecorded"


@meeting_roles_required
def forum_detail(request, pk: int):
    """The forum's month calendar, coming meetings and attendance history."""
    user = request.user
    forum = get_visible_or_404(
        Forum.objects.select_related("regency", "secretary").prefetch_related(
            Prefetch("member_agencies", queryset=Agency.objects.order_by("name")),
            "coordinators",
            "schedules",
        ),
        user,
        pk=pk,
    )
    zone = forum.zone
    now = timezone.now()
    today = timezone.localdate(now, zone)
    year, month = _month(request.GET.get("bulan"), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    grid_start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tzinfo=zone)
    grid_end = datetime.datetime.combine(
        weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )

    visible = Meeting.objects.visible_to(user).filter(forum=forum)
    by_day = defaultdict(list)
    for meeting in visible.filter(starts_at__gte=grid_start, starts_at__lt=grid_end).order_by(
        "starts_at"
    ):
        by_day[timezone.localtime(meeting.starts_at, zone).date()].append(meeting)
    grid = [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "is_today": day == today,
                "meetings": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]

    members = list(forum.member_agencies.all())
    held = (
        visible.filter(status=Meeting.Status.HELD, starts_at__lt=now)
        .order_by("-starts_at")
        .prefetch_related("invitations")[:ATTENDANCE_SHOWN]
    )
    attendance = [
        {"meeting": meeting, "cells": [_attendance(meeting, agency) for agency in members]}
        for meeting in held
    ]
    context = {
        "forum": forum,
        "members": members,
        "zone_label": ZONE_LABELS.get(forum.time_zone, forum.time_zone),
        "month_label": formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"),
        "previous_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
        "this_month": f"{today.year:04d}-{today.month:02d}",
        "weekdays": [WEEKDAYS_ABBR[day] for day in range(7)],
        "grid": grid,
        "upcoming": list(visible.upcoming()[:UPCOMING_SHOWN]),
        "attendance": attendance,
        "may_call_meeting": Forum.objects.editable_by(user).filter(pk=forum.pk).exists(),
    }
    return render(request, "meetings/forum_detail.html", context)


# --- A new ad-hoc meeting or case conference ------------------------------------------------------


def _invitable(user, forum: Forum | None, case: Case | None):
    agencies = Agency.objects.filter(is_active=True)
    if case is not None:
        agencies = agencies.filter(pk__in=agencies_seeing_case(case))
    elif forum is not None:
        agencies = agencies.filter(pk__in=forum.member_agencies.values("pk"))
    else:
        agencies = agencies.filter(regency_id=agency_of(user).regency_id)
    return agencies.order_by("name")


def _digits_or_404(value: str) -> int:
    if not value.isdigit():
        raise Http404
    return int(value)


@meeting_roles_required
def meeting_new(request):
    """Call an ad-hoc meeting or a case conference (``?forum=<pk>&kasus=<code>``)."""
    user = request.user
    forum = case = None
    if request.GET.get("forum"):
        forum = get_visible_or_404(Forum.objects, user, pk=_digits_or_404(request.GET["forum"]))
        if not Forum.objects.editable_by(user).filter(pk=forum.pk).exists():
            raise PermissionDenied  # members see the forum; only its coordinators call meetings
    if request.GET.get("kasus"):
        case = get_visible_or_404(Case.objects, user, code=request.GET["kasus"].strip().upper())
    agencies = _invitable(user, forum, case)
    zone_name = forum.time_zone if forum else user_zone_name(user)
    with timezone.override(ZoneInfo(zone_name)):
        if request.method == "POST":
            form = MeetingForm(request.POST, user=user, agencies=agencies, forum=forum)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    meeting = meeting_schedule(
                        organised_by=user,
                        kind=data["kind"],
                        title=data["title"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        agencies=data["agencies"],
                        forum=forum,
                        case=data["case_code"],
                        place=data["place"],
                        online_link=data["online_link"],
                        people=data["people"],
                    )
                except ValidationError as error:
                    add_form_errors(request, form, error, rename={"case": "case_code"})
                else:
                    messages.success(
                        request, _("The meeting is scheduled and the agencies are invited.")
                    )
                    return redirect(meeting)
            status = 400
        else:
            own = agency_of(user)
            initial = {
                "kind": Meeting.Kind.CASE_CONFERENCE if case else Meeting.Kind.AD_HOC,
                "title": _("Case conference %(code)s") % {"code": case.code} if case else "",
                "place": forum.default_place if forum else "",
                "agencies": list(agencies) if (forum or case) else [own],
                "case_code": case.code if case else "",
            }
            form = MeetingForm(initial=initial, user=user, agencies=agencies, forum=forum)
            status = 200
        context = {
            "form": form,
            "forum": forum,
            "case": case,
            "zone_label": ZONE_LABELS.get(zone_name, zone_name),
        }
        return render(request, "meetings/meeting_form.html", context, status=status)


# --- The meeting page ---------------------------------------------------------------------------
