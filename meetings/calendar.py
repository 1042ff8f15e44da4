"""Meetings as iCalendar (RFC 5545): the private feed and the per-meeting download.

What leaves Sinergi here lands in phone and mail calendars, synced to servers outside
our control. So an event carries the meeting's title, time, place, online link and page
only: never a child's name or anything of a case. A case conference is named by its
kind and the case code, nothing else: its free-text title could name someone.
"""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import Meeting

PRODID = "-//Sinergi//Rapat koordinasi//ID"


def meeting_zone(meeting: Meeting) -> ZoneInfo:
    """The wall clock the meeting is kept on: its forum's, else the lead agency's of a
    case conference, else the server's."""
    if meeting.forum_id is not None:
        return meeting.forum.zone
    if meeting.case_id is not None:
        return ZoneInfo(meeting.case.lead_agency.time_zone)
    return ZoneInfo(settings.TIME_ZONE)


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting, so a moved meeting replaces itself."""
    return f"meeting-{meeting.pk}@sinergi"


def meeting_summary(meeting: Meeting) -> str:
    if meeting.case_id is not None:
        return f"{Meeting.Kind(meeting.kind).label} · {meeting.case.code}"
    return meeting.title


def meeting_url(meeting: Meeting) -> str:
    try:
        path = meeting.get_absolute_url()
    except NoReverseMatch:  # the meeting page is not routed yet
        path = f"/rapat/{meeting.pk}/"
    return settings.SITE_URL + path


def meeting_event(meeting: Meeting, *, stamp) -> Event:
    zone = meeting_zone(meeting)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("created", meeting.created_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    event.add("summary", meeting_summary(meeting))
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.online_link:
        event.add("description", meeting.online_link)
    event.add("url", meeting_url(meeting))
    return event


def meetings_calendar(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """One VCALENDAR with a VEVENT per meeting and a VTIMEZONE per time zone used.

    Cancelled meetings stay in, with STATUS:CANCELLED and a higher SEQUENCE, so that
    subscribed calendars take them off rather than keep a stale copy.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp=stamp))
    # A VTIMEZONE for every TZID the events use, so no client has to guess the zone.
    calendar.add_missing_timezones()
    return calendar.to_ical()
