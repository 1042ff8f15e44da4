"""Calendars: the private feed (its settings page and the feed itself) and the .ics of
one meeting.

The feed is read by calendar apps without a session, so its secret token is the only
credential: it is shown once, stored as a SHA-256 only, and revoked or replaced here.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies.views.scoped import get_visible_or_404
from meetings.calendar import meetings_calendar
from meetings.models import CalendarFeed, Meeting

# How far back the feed reaches: recent meetings stay, so a cancellation still arrives.
FEED_PAST = datetime.timedelta(days=30)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _for_calendar(queryset):
    return queryset.select_related("forum", "case", "case__lead_agency").order_by("starts_at")


def _active_feeds(user):
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True)


def _feed_page(request, *, feed_url: str = "", status: int = 200):
    context = {
        "active_feed": _active_feeds(request.user).order_by("-created_at").first(),
        "feed_url": feed_url,
        "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
            "http://", "webcal://", 1
        ),
        "feed_days_back": FEED_PAST.days,
    }
    return render(request, "meetings/calendar_feed.html", context, status=status)


@login_required
@require_safe
def feed_settings(request):
    """What the private feed is, and the buttons that create, renew or revoke it."""
    return _feed_page(request)


@login_required
@require_POST
def feed_issue(request):
    """A new secret link (older ones stop working), shown in this response only."""
    _feed, token = CalendarFeed.issue(request.user)
    feed_url = settings.SITE_URL + reverse("calendar-feed", kwargs={"token": token})
    return _feed_page(request, feed_url=feed_url)


@login_required
@require_POST
def feed_revoke(request):
    revoked = _active_feeds(request.user).update(revoked_at=timezone.now())
    if revoked:
        messages.success(request, _("Your calendar link is revoked; it no longer works."))
    else:
        messages.info(request, _("You had no calendar link to revoke."))
    return redirect("calendar-feed-settings")


@require_safe
def feed(request, token: str):
    """The feed: the token authenticates; an unknown or revoked one is a 404."""
    user = CalendarFeed.user_for(token)
    if user is None:
        raise Http404
    meetings = Meeting.objects.visible_to(user).filter(starts_at__gte=timezone.now() - FEED_PAST)
    language = user.preferred_language or translation.get_language()
    with translation.override(language):
        body = meetings_calendar(_for_calendar(meetings), name=_("Sinergi meetings"))
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    add_never_cache_headers(response)  # private, no-store: the feed is personal
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_safe
def meeting_ics(request, pk: int):
    """One meeting to add to a calendar; one the user may not see is a 404."""
    meeting = get_visible_or_404(_for_calendar(Meeting.objects), request.user, pk=pk)
    body = meetings_calendar([meeting], name=_("Sinergi meeting"))
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rapat-{meeting.pk}.ics"'
    return response
