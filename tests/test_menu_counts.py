"""The menu's counts are kept between pages (agencies.menu_counts) and still change with
every change they count: the referrals waiting for the user's agency, and the user's
unread notifications. The cast: ani (Dinas Sosial) refers to UPTD PPA, where sari
(supervisor) and citra (caseworker) work.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.menu_counts import agency_referrals_version, kept_count
from agencies.models import Membership, MembershipRole
from agencies.notifications import notification_send, notifications_mark_read
from agencies.roles import Role
from cases.models import Case
from cases.services import case_open
from referrals import services
from referrals.models import Referral
from referrals.views import pending_incoming_count
from tests.test_referrals import login, send

pytestmark = pytest.mark.django_db

WAITING = re.compile(r'data-testid="badge-referral-incoming">(\d+)<')
UNREAD = re.compile(r'data-testid="notifications">[^<]*<span class="badge text-bg-danger">(\d+)<')


def menu(client) -> tuple[int, int]:
    """(referrals waiting, unread notifications) as the menu shows them."""
    html = client.get(reverse("home")).content.decode()
    waiting, unread = WAITING.search(html), UNREAD.search(html)
    return (int(waiting.group(1)) if waiting else 0, int(unread.group(1)) if unread else 0)


def another_case(ani, dinsos) -> Case:
    opened = case_open(
        opened_by=ani, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi"
    )
    Case.objects.filter(pk=opened.pk).update(lead_caseworker=ani, status="asesmen")
    opened.refresh_from_db()
    return opened


@pytest.fixture
def case(ani, dinsos) -> Case:
    return another_case(ani, dinsos)


def test_the_waiting_count_follows_every_step_of_a_referral(
    client, case, ani, sari, citra, uptd_ppa, dinsos, django_capture_on_commit_callbacks
):
    login(client, sari)
    assert menu(client)[0] == 0
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(case, ani, uptd_ppa)
    assert menu(client)[0] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    assert menu(client)[0] == 0
    with django_capture_on_commit_callbacks(execute=True):
        waiting = send(another_case(ani, dinsos), ani, uptd_ppa)
    assert menu(client)[0] == 1
    later = waiting.respond_by + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referral_expire(referral_id=waiting.pk, now=later)  # a task's path
    assert menu(client)[0] == 0


def test_a_kept_count_spares_the_next_page_both_counting_queries(
    client, case, ani, sari, uptd_ppa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(case, ani, uptd_ppa)  # sari is told of it: one waiting, one unread
    login(client, sari)
    with CaptureQueriesContext(connection) as first:
        assert menu(client) == (1, 1)
    with CaptureQueriesContext(connection) as second:
        assert menu(client) == (1, 1)
    counting = [
        query["sql"]
        for query in second.captured_queries
        if "COUNT(" in query["sql"]
        and ("referrals_referral" in query["sql"] or "agencies_notification" in query["sql"])
    ]
    assert counting == []
    assert len(second.captured_queries) == len(first.captured_queries) - 2


def test_the_unread_count_follows_arrival_and_reading(
    client, sari, django_capture_on_commit_callbacks
):
    login(client, sari)
    assert menu(client)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        [first] = notification_send(
            recipients=[sari],
            kind="referral_received",
            subject_code="BPN-2026-00001",
            url="/rujukan/masuk/",
            key="menu:1",
        )
    assert menu(client)[1] == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notification-open", args=[first.pk]))  # the page's own path
    assert menu(client)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        for number in (2, 3):
            notification_send(
                recipients=[sari],
                kind="referral_received",
                subject_code=f"BPN-2026-0000{number}",
                url="/rujukan/masuk/",
                key=f"menu:{number}",
            )
    assert menu(client)[1] == 2
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user=sari)
    assert menu(client)[1] == 0


def test_a_kept_count_is_not_used_after_a_change_of_agency_or_roles(
    client, case, ani, sari, citra, uptd_ppa, dinsos, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(case, ani, uptd_ppa, to_user=citra)
    login(client, sari)
    assert menu(client)[0] == 1  # a supervisor sees what is addressed to her caseworkers
    # A caseworker sees only what is addressed to her or to nobody: no step, no new version.
    MembershipRole.objects.filter(membership__user=sari, role=Role.SUPERVISOR).update(
        role=Role.CASEWORKER
    )
    assert menu(client)[0] == 0
    MembershipRole.objects.filter(membership__user=sari).update(role=Role.SUPERVISOR)
    assert menu(client)[0] == 1
    Membership.objects.filter(user=sari).update(agency=dinsos)  # she moves: Dinas Sosial's
    assert menu(client)[0] == 0


def test_a_count_taken_while_a_change_commits_is_not_kept_past_it(
    case, ani, sari, uptd_ppa, django_capture_on_commit_callbacks
):
    """The count reads its version first: a change that commits after that read gives a
    new version, so the count taken before it is counted again on the next page."""

    def count_then_a_referral_arrives() -> int:
        counted = Referral.objects.received_by(sari).pending().count()
        with django_capture_on_commit_callbacks(execute=True):
            send(case, ani, uptd_ppa)
        return counted

    version = agency_referrals_version(uptd_ppa.pk)
    taken = kept_count(
        sari, name="referrals-waiting", version_of=version, count=count_then_a_referral_arrives
    )
    assert taken == 0
    assert pending_incoming_count(sari) == 1
