"""What the meeting pages share: who may open them, time zones, released records."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from agencies.models import Agency
from agencies.roles import Role, agency_of, has_role, membership_of
from cases.models import CaseParty
from meetings.models import Meeting, Minutes
from meetings.models.meetings import MEETING_ROLES, runs_meeting

# The menu offers the meeting pages to these roles (agencies/navigation.py).


MENU_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD, Role.COORDINATOR)

ZONE_LABELS = dict(Agency.TimeZone.choices)
UPCOMING_SHOWN = 10
ATTENDANCE_SHOWN = 12


def meeting_roles_required(view):
    """Signed in, and holding one of ``MEETING_ROLES`` (else 403: a page, not a record)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, *MEETING_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def child_parties():
    return CaseParty.objects.filter(part=CaseParty.Part.CHILD).without_identity()


def user_zone_name(user) -> str:
    agency = agency_of(user)
    return agency.time_zone if agency else settings.TIME_ZONE


def meeting_zone_name(meeting: Meeting, user) -> str:
    """The forum's time zone; a meeting without a forum is shown in the reader's."""
    return meeting.forum.time_zone if meeting.forum_id else user_zone_name(user)


def passes(check, meeting: Meeting, user) -> bool:
    """A service's own permission rule, asked as a question (one rule, not a copy)."""
    try:
        check(meeting, user)
    except PermissionDenied:
        return False
    return True


def released_to(queryset, user):
    """Action items of approved minutes; before approval only the forum's runners (and a
    forum-less meeting's organiser) see them. Narrows ``ActionItem.visible_to``."""
    membership = membership_of(user)
    if membership is None:
        return queryset.none()
    return queryset.filter(
        Q(meeting__minutes__status=Minutes.Status.APPROVED)
        | runs_meeting(user, membership.agency_id, via="meeting__")
    )


# --- Forums ------------------------------------------------------------------------------------
