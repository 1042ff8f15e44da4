"""Dashboards: the figures of the agency and of the network, for those who may see them.

The cast: ``dewi`` (head, DP3AKB), ``budi`` (supervisor, Dinas Sosial) and ``gita`` (data
officer, DP3AKB) read their agency's dashboard; ``fajar`` (coordinator) reads the network's;
``ani`` (caseworker), ``rina`` (community) and ``eko`` (admin) read neither.
"""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from agencies.models import Membership
from reports.stats import stats_refresh
from tests.test_reports_stats import a_case, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures_ready(dinsos, uptd_ppa, hadi, citra):
    """Two Dinas Sosial cases (one with two children, one closed) and one UPTD PPA case."""
    a_case(
        dinsos,
        hadi,
        at(2026, 3, 10),
        children=[("P", datetime.date(2013, 6, 1)), ("L", datetime.date(2018, 12, 24))],
        forms=["seksual"],
    )
    a_case(
        dinsos,
        hadi,
        at(2026, 4, 2),
        children=[("P", datetime.date(2010, 1, 1))],
        forms=["psikis"],
        closed_at=at(2026, 5, 3),
        status="terminasi",
    )
    a_case(uptd_ppa, citra, at(2026, 4, 20), children=[("L", datetime.date(2012, 2, 2))])
    stats_refresh()


PERIOD = {"first_month": "2026-01", "last_month": "2026-06"}


def test_a_supervisor_sees_only_their_agencys_figures(client, budi, figures_ready):
    client.force_login(budi)
    response = client.get(reverse("agency-dashboard"), PERIOD)
    figures = response.context["figures"]
    assert (figures.cases, figures.victims, figures.closed, figures.open_at_end) == (2, 3, 1, 1)
    cuts = {cut.dimension: cut for cut in figures.cuts}
    assert {row.value: row.cases for row in cuts["violence_form"].rows} == {
        "seksual": 1,
        "psikis": 1,
    }
    assert {row.value: row.victims for row in cuts["sex"].rows} == {"P": 2, "L": 1}
    page = response.content.decode()
    assert "?violence=seksual" in page  # a supervisor may drill down to the case list
    assert "BPN-" not in page  # never a case code


def test_the_period_and_the_month_series_follow_the_filter(client, budi, figures_ready):
    client.force_login(budi)
    response = client.get(
        reverse("agency-dashboard"), {"first_month": "2026-04", "last_month": "2026-04"}
    )
    figures = response.context["figures"]
    assert (figures.cases, figures.victims) == (1, 1)
    assert [row.label for row in figures.months] == ["2026-04"]
    assert figures.open_at_end == 2  # March's case is still open; April's closes in May


def test_a_wrong_period_falls_back_to_the_last_twelve_months(client, budi, figures_ready):
    client.force_login(budi)
    response = client.get(
        reverse("agency-dashboard"), {"first_month": "2026-06", "last_month": "2026-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["last_month"]


def test_a_data_officer_reads_figures_but_cannot_drill_into_cases(client, gita, figures_ready):
    client.force_login(gita)
    page = client.get(reverse("agency-dashboard"), PERIOD).content.decode()
    assert "?violence=" not in page


@pytest.mark.parametrize("username", ["ani", "rina", "eko", "hadi"])
def test_others_are_refused_both_dashboards(client, request, username):
    client.force_login(request.getfixturevalue(username))
    assert client.get(reverse("agency-dashboard")).status_code == 403
    assert client.get(reverse("network-dashboard")).status_code == 403


def test_the_coordinator_sees_the_whole_network_in_aggregate(
    client, fajar, uptd_ppa, figures_ready
):
    client.force_login(fajar)
    response = client.get(reverse("network-dashboard"), PERIOD)
    figures = response.context["figures"]
    assert (figures.cases, figures.victims) == (3, 4)
    assert {row["agency__nomenclature"]: row["cases"] for row in figures.per_agency} == {
        "Dinsos": 2,
        "UPTD PPA": 1,
    }
    one = client.get(reverse("network-dashboard"), {**PERIOD, "agency": uptd_ppa.pk})
    assert (one.context["figures"].cases, one.context["figures"].victims) == (1, 1)
    assert "?violence=" not in one.content.decode()  # aggregates only, never a case


def test_a_head_granted_the_network_scope_reads_it_without_any_record(client, dewi, figures_ready):
    client.force_login(dewi)
    assert client.get(reverse("network-dashboard")).status_code == 403
    Membership.objects.filter(user=dewi).update(network_statistics=True)
    response = client.get(reverse("network-dashboard"), PERIOD)
    assert response.context["figures"].cases == 3
    assert len(client.get(reverse("case-list")).context["cases"]) == 0  # still no case


def test_another_agency_chosen_from_another_city_is_refused(client, fajar, figures_ready):
    from tests.factories import AgencyFactory

    elsewhere = AgencyFactory(regency_id="64.72")
    client.force_login(fajar)
    response = client.get(reverse("network-dashboard"), {**PERIOD, "agency": elsewhere.pk})
    assert response.context["form"].errors["agency"]
    assert response.context["figures"].cases == 3  # the whole network, not Samarinda


def test_the_dashboards_cost_the_same_queries_whatever_the_data(
    client, budi, fajar, dinsos, hadi, django_assert_num_queries
):
    # Rendered: 16 queries whatever the data, with the menu's counts (two for budi, one
    # for fajar). From the cache (reports.dashboard_cache): user with membership and roles
    # in one (the session is cached too) and the refresh stamp; the menu's counts are kept
    # between pages (agencies.menu_counts).
    stats_refresh()
    for user, url, rendered, cached in (
        (budi, reverse("agency-dashboard"), 16, 2),
        (fajar, reverse("network-dashboard"), 16, 2),
    ):
        client.force_login(user)
        client.get(url, PERIOD)
        cache.clear()  # the kept bodies, and the cached session with them: read again
        with django_assert_num_queries(rendered + 1):
            client.get(url, PERIOD)
        with django_assert_num_queries(cached):
            client.get(url, PERIOD)
    for day in range(1, 8):
        a_case(dinsos, hadi, at(2026, 3, day), children=[("P", datetime.date(2014, 1, day))])
    stats_refresh()
    for user, url, rendered, _cached in (
        (budi, reverse("agency-dashboard"), 16, 2),
        (fajar, reverse("network-dashboard"), 15, 2),
    ):
        client.force_login(user)
        # The refresh moved the stamp: rendered again with nothing cleared. fajar's one
        # menu count is still kept (nothing it counts changed); budi's two went with the
        # cache cleared above for fajar.
        with django_assert_num_queries(rendered):
            client.get(url, PERIOD)


def test_a_refresh_shows_at_once_though_the_body_is_kept(client, budi, dinsos, hadi, figures_ready):
    client.force_login(budi)
    url = reverse("agency-dashboard")
    assert _headline_of(_page(client, url)).endswith(">2")
    a_case(dinsos, hadi, at(2026, 3, 12), children=[("P", datetime.date(2014, 1, 1))])
    # Until the refresh, the kept body is what the cells say anyway.
    assert _headline_of(_page(client, url)).endswith(">2")
    stats_refresh()
    assert _headline_of(_page(client, url)).endswith(">3")


def test_a_kept_body_is_never_shown_to_another_viewer(client, budi, dewi, gita, figures_ready):
    """Dinas Sosial's supervisor and DP3AKB's head and data officer ask the same URL at the
    same minute: each sees their own agency's figures and links, never another's body."""
    url = reverse("agency-dashboard")
    client.force_login(budi)
    budi_page = client.get(url, PERIOD).content.decode()
    client.force_login(dewi)
    dewi_page = client.get(url, PERIOD).content.decode()
    client.force_login(gita)
    gita_page = client.get(url, PERIOD).content.decode()
    assert _title(budi_page) != _title(dewi_page) == _title(gita_page)
    assert _headline_of(budi_page) != _headline_of(dewi_page)
    client.force_login(budi)
    assert _main(_page(client, url)) == _main(budi_page)


def test_a_changed_role_is_not_served_the_body_of_the_old_one(client, budi, figures_ready):
    from agencies.models import MembershipRole
    from agencies.roles import Role

    url = reverse("agency-dashboard")
    client.force_login(budi)
    assert "?violence=seksual" in client.get(url, PERIOD).content.decode()
    membership = Membership.objects.get(user=budi)
    MembershipRole.objects.filter(membership=membership).delete()
    MembershipRole.objects.create(membership=membership, role=Role.DATA_OFFICER)
    page = client.get(url, PERIOD).content.decode()
    assert "?violence=seksual" not in page  # a data officer's body, rendered for them
    MembershipRole.objects.filter(membership=membership).delete()
    MembershipRole.objects.create(membership=membership, role=Role.CASEWORKER)
    assert client.get(url, PERIOD).status_code == 403  # refused before any body is looked up


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _title(page: str) -> str:
    return page[page.index("<h1") : page.index("</h1>")]


def _page(client, url) -> str:
    return client.get(url, PERIOD).content.decode()


def _headline_of(page: str) -> str:
    start = page.index('data-testid="headline-cases"')
    return page[start : page.index("</div>", start)]


def test_the_printable_report_holds_the_figures_and_is_audited(client, dewi, budi, figures_ready):
    from io import BytesIO

    from pypdf import PdfReader

    from cases.models import AuditEvent

    client.force_login(budi)
    response = client.get(reverse("figures-report-pdf"), PERIOD)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="laporan-2026-01-2026-06.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Dinas Sosial Kota Balikpapan" in text and "Seksual" in text
    assert "BPN-" not in text
    assert AuditEvent.objects.filter(
        actor=budi, action="export", object_type="reports.statcell"
    ).exists()
    client.force_login(dewi)
    assert client.get(reverse("figures-report-pdf"), {"scope": "network"}).status_code == 403


def test_the_dashboards_carry_the_coordination_indicators(client, budi, fajar, figures_ready):
    client.force_login(budi)
    page = client.get(reverse("agency-dashboard"), PERIOD)
    assert page.context["coordination"].agencies == [budi.membership.agency]
    assert 'data-testid="coordination"' in page.content.decode()
    client.force_login(fajar)
    network = client.get(reverse("network-dashboard"), PERIOD)
    columns = [str(agency) for agency in network.context["coordination"].agencies]
    assert columns == ["Dinsos", "UPTD PPA"]  # only agencies that had cases in the period


def test_the_agency_sees_how_things_stand_now_and_who_carries_what(
    client, budi, fajar, ani, dinsos, hadi
):
    from cases.models import Case

    case = a_case(dinsos, hadi, at(2026, 1, 5), forms=["seksual"])
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    stats_refresh()
    client.force_login(budi)
    response = client.get(reverse("agency-dashboard"), PERIOD)
    snapshot = response.context["snapshot"]
    assert [(row.label, row.cases) for row in snapshot.caseload] == [("Ani Rahmawati", 1)]
    assert {row.value: row.cases for row in snapshot.overdue} == {"tpks_police": 1}
    tpks = next(cut for cut in response.context["figures"].cuts if cut.dimension == "tpks_72h")
    assert {row.value: row.cases for row in tpks.rows} == {"missed": 1}
    client.force_login(fajar)
    network = client.get(reverse("network-dashboard"), PERIOD)
    assert network.context["snapshot"].caseload == []  # names of workers stay in the agency
    assert "Ani Rahmawati" not in network.content.decode()
