"""Meetings in calendars: the private iCalendar feed and the .ics of one meeting.

The cast: ``fajar`` (coordinator, DP3AKB) runs a forum whose members are Dinas Sosial
(``ani``, ``budi``) and DP3AKB; a second forum of UPTD PPA only (``citra``) is none of
Dinas Sosial's business. Every output is parsed back with the ``icalendar`` library.
"""

import datetime
import hashlib
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agencies.models import Agency
from cases.models import CaseParty, Person
from cases.services import case_open
from meetings.models import CalendarFeed, Forum, Invitation, Meeting
from meetings.services import meeting_cancel, meeting_move

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
CHILD_NAME = "Anak Kalender Rahasia"
CHRONOLOGY = "Kronologi-kalender-rahasia: kejadian di sekolah"


def local(days: int, hour: int, zone=WITA) -> datetime.datetime:
    """``hour``:00 on the forum's wall clock, ``days`` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


def _meeting(forum, agencies, *, title, starts_at, hours=2, **fields) -> Meeting:
    meeting = Meeting.objects.create(
        forum=forum,
        kind=fields.pop("kind", Meeting.Kind.SCHEDULED),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        **fields,
    )
    for agency in agencies:
        Invitation.objects.create(meeting=meeting, agency=agency)
    return meeting


@pytest.fixture
def dp3akb(db) -> Agency:
    return Agency.objects.get(nomenclature="DP3AKB")


@pytest.fixture
def forum(dinsos, dp3akb, fajar) -> Forum:
    forum = Forum.objects.create(
        name="Forum Kalender PA", regency=dinsos.regency, time_zone="Asia/Makassar"
    )
    forum.member_agencies.set([dinsos, dp3akb])
    forum.coordinators.set([fajar])
    return forum


@pytest.fixture
def meeting(forum, dinsos, dp3akb) -> Meeting:
    return _meeting(
        forum,
        [dinsos, dp3akb],
        title="Rakor Bulanan Kalender",
        starts_at=local(10, 9),
        place="Aula Kantor Wali Kota",
        online_link="https://meet.example.invalid/rakor-kalender",
    )


@pytest.fixture
def other_meeting(dinsos, uptd_ppa) -> Meeting:
    """A meeting of a forum Dinas Sosial is not a member of, nor invited to."""
    forum = Forum.objects.create(
        name="Forum Lain UPTD", regency=dinsos.regency, time_zone="Asia/Makassar"
    )
    forum.member_agencies.set([uptd_ppa])
    return _meeting(forum, [uptd_ppa], title="Rapat Internal UPTD", starts_at=local(11, 10))


def _issue(client, user) -> str:
    """The feed URL, as the settings page shows it once after the button is pressed."""
    client.force_login(user)
    response = client.post(reverse("calendar-feed-issue"))
    assert response.status_code == 200
    url = response.context["feed_url"]
    assert url and url in response.content.decode()
    return url


def _token(url: str) -> str:
    return re.search(r"/kalender/([^/]+)\.ics$", url).group(1)


def _get_feed(url: str):
    """As a calendar app fetches it: no session, the token is the only credential."""
    token = _token(url)
    return Client().get(reverse("calendar-feed", kwargs={"token": token}))


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_meeting_ics_is_valid_icalendar_on_the_forums_wall_clock(client, ani, meeting):
    client.force_login(ani)
    response = client.get(reverse("meeting-ics", args=[meeting.pk]))
    calendar = _parse(response)
    assert response["Content-Disposition"] == f'attachment; filename="rapat-{meeting.pk}.ics"'

    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Makassar"]
    assert calendar.get_missing_tzids() == set()
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@sinergi"
    assert event["DTSTAMP"].dt.utcoffset() == datetime.timedelta(0)
    assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start.tzinfo.key == "Asia/Makassar"
    assert (start.date(), start.time()) == (local(10, 9).date(), datetime.time(9))
    assert end.time() == datetime.time(11)
    assert start == meeting.starts_at and end == meeting.ends_at
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Rakor Bulanan Kalender"
    assert str(event["LOCATION"]) == "Aula Kantor Wali Kota"
    assert str(event["DESCRIPTION"]) == "https://meet.example.invalid/rakor-kalender"
    assert str(event["URL"]).startswith(settings.SITE_URL + "/rapat/")
    assert f"/{meeting.pk}/" in str(event["URL"])


def test_each_forum_keeps_its_own_time_zone(client, ani, dinsos, meeting):
    papua = Forum.objects.create(name="Forum Papua", regency=dinsos.regency, time_zone=WIT.key)
    papua.member_agencies.set([dinsos])
    east = _meeting(papua, [dinsos], title="Rapat WIT", starts_at=local(12, 9, zone=WIT))

    calendar = _parse(_get_feed(_issue(client, ani)))
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Asia/Makassar",
        "Asia/Jayapura",
    }
    events = _events(calendar)
    start = events[f"meeting-{east.pk}@sinergi"]["DTSTART"]
    assert start.params["TZID"] == "Asia/Jayapura"
    assert start.dt.time() == datetime.time(9)
    assert start.dt == east.starts_at


def test_feed_has_the_users_meetings_only(client, ani, meeting, other_meeting, forum, dinsos):
    long_ago = _meeting(
        forum, [dinsos], title="Rapat Lama", starts_at=timezone.now() - datetime.timedelta(40)
    )
    recent = _meeting(
        forum, [dinsos], title="Rapat Kemarin", starts_at=timezone.now() - datetime.timedelta(3)
    )
    response = _get_feed(_issue(client, ani))
    events = _events(_parse(response))

    assert set(events) == {f"meeting-{meeting.pk}@sinergi", f"meeting-{recent.pk}@sinergi"}
    assert f"meeting-{other_meeting.pk}@sinergi" not in events
    assert f"meeting-{long_ago.pk}@sinergi" not in events
    assert b"Rapat Internal UPTD" not in response.content
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_feed_of_another_agency_has_its_meeting_and_not_ours(client, citra, meeting, other_meeting):
    events = _events(_parse(_get_feed(_issue(client, citra))))
    assert set(events) == {f"meeting-{other_meeting.pk}@sinergi"}


def test_a_moved_meeting_has_a_higher_sequence_and_the_new_time(client, ani, fajar, meeting):
    url = _issue(client, ani)
    before = _events(_parse(_get_feed(url)))[f"meeting-{meeting.pk}@sinergi"]

    meeting_move(
        meeting=meeting,
        moved_by=fajar,
        starts_at=local(12, 13),
        ends_at=local(12, 15),
        reason="Bentrok dengan kunjungan kerja",
    )

    after = _events(_parse(_get_feed(url)))[f"meeting-{meeting.pk}@sinergi"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["DTSTART"].params["TZID"] == "Asia/Makassar"
    assert after["DTSTART"].dt.date() == local(12, 13).date()
    assert after["DTSTART"].dt.time() == datetime.time(13)
    assert after["DTEND"].dt.time() == datetime.time(15)
    assert str(after["STATUS"]) == "CONFIRMED"


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(client, ani, fajar, meeting):
    url = _issue(client, ani)
    meeting_cancel(meeting=meeting, cancelled_by=fajar, reason="Wali kota berhalangan")

    event = _events(_parse(_get_feed(url)))[f"meeting-{meeting.pk}@sinergi"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_renewed_and_revoked_links_stop_working(client, ani, meeting):
    first = _issue(client, ani)
    assert _get_feed(first).status_code == 200

    second = _issue(client, ani)
    assert second != first
    assert _get_feed(first).status_code == 404
    assert _get_feed(second).status_code == 200
    token = _token(second)
    assert Client().head(reverse("calendar-feed", kwargs={"token": token})).status_code == 200

    response = client.post(reverse("calendar-feed-revoke"))
    assert response.status_code == 302
    assert _get_feed(second).status_code == 404
    assert not CalendarFeed.objects.filter(user=ani, revoked_at__isnull=True).exists()
    page = client.get(reverse("calendar-feed-settings"))
    assert 'data-testid="calendar-feed-none"' in page.content.decode()


def test_an_unknown_token_or_an_inactive_user_is_a_404(client, ani, meeting):
    assert _get_feed("/rapat/kalender/" + "x" * 43 + ".ics").status_code == 404
    url = _issue(client, ani)
    type(ani).objects.filter(pk=ani.pk).update(is_active=False)
    assert _get_feed(url).status_code == 404


def test_the_token_is_stored_only_as_its_hash(client, ani, meeting):
    url = _issue(client, ani)
    token = _token(url)

    feed = CalendarFeed.objects.get(user=ani, revoked_at__isnull=True)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(list(CalendarFeed.objects.values()))
    # Shown once: the settings page does not show it again.
    page = client.get(reverse("calendar-feed-settings"))
    assert page.status_code == 200
    assert token not in page.content.decode()
    assert 'data-testid="calendar-feed-active"' in page.content.decode()


def test_the_ics_of_a_meeting_of_another_agency_is_a_404(client, ani, other_meeting, meeting):
    client.force_login(ani)
    assert client.get(reverse("meeting-ics", args=[other_meeting.pk])).status_code == 404
    assert client.get(reverse("meeting-ics", args=[meeting.pk + 10_000])).status_code == 404


def test_pages_need_a_session_and_buttons_need_post(client, ani, meeting):
    for url in (reverse("calendar-feed-settings"), reverse("meeting-ics", args=[meeting.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for name in ("calendar-feed-issue", "calendar-feed-revoke"):
        assert client.post(reverse(name)).status_code == 302  # to the sign-in page
    assert not CalendarFeed.objects.exists()
    client.force_login(ani)
    assert client.get(reverse("calendar-feed-issue")).status_code == 405
    assert client.get(reverse("calendar-feed-revoke")).status_code == 405
    page = client.get(reverse("calendar-feed-settings")).content.decode()
    assert reverse("calendar-feed-issue") in page and reverse("calendar-feed-revoke") not in page


@pytest.fixture
def conference(hadi, ani, dinsos) -> Meeting:
    case = case_open(
        opened_by=hadi,
        agency=dinsos,
        reported_at=timezone.now(),
        risk_level="sedang",
        chronology=CHRONOLOGY,
    )
    child = Person.objects.create(name=CHILD_NAME, sex="P", birth_date=datetime.date(2014, 5, 1))
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    return _meeting(
        None,
        [dinsos],
        kind=Meeting.Kind.CASE_CONFERENCE,
        case=case,
        title="Konferensi kasus Anak Kalender Rahasia",  # a careless title naming the child
        starts_at=local(5, 14),
        organised_by=ani,
    )


def test_a_case_conference_names_no_child_and_no_case_content(client, ani, conference):
    feed = _get_feed(_issue(client, ani))
    download = client.get(reverse("meeting-ics", args=[conference.pk]))
    for response in (feed, download):
        body = response.content.decode()
        event = _events(_parse(response))[f"meeting-{conference.pk}@sinergi"]
        assert str(event["SUMMARY"]).endswith(f" · {conference.case.code}")
        assert "Rahasia" not in str(event["SUMMARY"])  # the kind names it, not the title
        # Case conferences keep the lead agency's wall clock (Dinas Sosial: WITA).
        assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
        assert event["DTSTART"].dt.time() == datetime.time(14)
        for secret in (CHILD_NAME, "Rahasia", "AK ", CHRONOLOGY, "Kronologi"):
            assert secret not in body
    assert "Konferensi" not in download["Content-Disposition"]
