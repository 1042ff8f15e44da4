"""The partner API's reports: the very figures the web dashboards, trend, SIMFONI recap and
KLA report show the same person, for the same people, and nothing to drill into.

The cast: ``budi`` (supervisor, Dinas Sosial), ``dewi`` (head, DP3AKB) and ``gita`` (data
officer, DP3AKB) read their agency's figures; ``fajar`` (coordinator) reads the city's
network; ``ani`` (caseworker), ``hadi`` (intake), ``rina`` (community) and ``eko`` (admin)
read neither. Each test compares the API with the web page's own context.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime

from agencies.models import Membership
from cases.models import Case
from reports.stats import data_as_of, stats_refresh
from tests.factories import AgencyFactory
from tests.test_reports_stats import a_case, at

pytestmark = pytest.mark.django_db

PERIOD = {"first_month": "2026-01", "last_month": "2026-06"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REPORTS = ["agency", "network", "trend", "simfoni", "kla"]


@pytest.fixture
def figures_ready(dinsos, uptd_ppa, hadi, citra, ani):
    """Two Dinas Sosial cases (one with two children, one closed; ani leads the first) and
    one UPTD PPA case."""
    first = a_case(
        dinsos,
        hadi,
        at(2026, 3, 10),
        children=[("P", datetime.date(2013, 6, 1)), ("L", datetime.date(2018, 12, 24))],
        forms=["seksual"],
        ampk_category="kekerasan_seksual",
    )
    Case.objects.filter(pk=first.pk).update(lead_caseworker=ani)
    a_case(
        dinsos,
        hadi,
        at(2025, 4, 2),
        children=[("P", datetime.date(2010, 1, 1))],
        forms=["psikis"],
        closed_at=at(2026, 5, 3),
        status="terminasi",
    )
    a_case(uptd_ppa, citra, at(2026, 4, 20), children=[("L", datetime.date(2012, 2, 2))])
    stats_refresh()


def as_user(api, user):
    api.credentials()
    api.force_login(user)
    return api


def bearer(api, token):
    api.logout()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def web_context(client, user, url_name, query):
    client.force_login(user)
    response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    return response.context


def rows(items):
    return [
        {"value": row.value, "label": row.label, "cases": row.cases, "victims": row.victims}
        for row in items
    ]


def figures_json(figures) -> dict:
    """The web's Figures as the API writes them."""
    return {
        "cases": figures.cases,
        "victims": figures.victims,
        "closed": figures.closed,
        "open_at_end": figures.open_at_end,
        "months": [
            {"month": row.label, "new": row.new, "closed": row.closed, "victims": row.victims}
            for row in figures.months
        ],
        "cuts": [
            {
                "dimension": cut.dimension,
                "label": str(cut.label),
                "measure": cut.measure,
                "rows": rows(cut.rows),
            }
            for cut in figures.cuts
        ],
        "per_agency": [
            {"agency": row["agency_id"], "cases": row["cases"], "victims": row["victims"]}
            for row in figures.per_agency
        ],
    }


# --- The dashboards ---------------------------------------------------------------------------


def test_the_agency_report_is_the_agency_dashboard(api, client, budi, dinsos, ani, figures_ready):
    web = web_context(client, budi, "agency-dashboard", PERIOD)
    response = as_user(api, budi).get("/api/v1/reports/agency/", PERIOD)
    assert response.status_code == 200
    body = response.json()
    with translation.override("id"):
        assert body["figures"] == figures_json(web["figures"])
        assert body["snapshot"]["open_ages"] == rows(web["snapshot"].open_ages)
        assert body["snapshot"]["overdue"] == rows(web["snapshot"].overdue)
    assert (body["figures"]["cases"], body["figures"]["victims"]) == (1, 2)
    assert (body["scope"], body["agencies"]) == ("agency", [dinsos.pk])
    assert (body["first_month"], body["last_month"]) == ("2026-01", "2026-06")
    assert parse_datetime(body["data_as_of"]) == data_as_of() == web["data_as_of"]
    # Who carries what, by user id: the web's names stay on the web page.
    assert body["snapshot"]["caseload"] == [{"caseworker": ani.pk, "cases": 1}]
    assert "Ani Rahmawati" not in response.content.decode()
    assert "BPN-" not in response.content.decode()


def test_the_network_report_is_the_network_dashboard(
    api, client, fajar, dinsos, uptd_ppa, figures_ready
):
    web = web_context(client, fajar, "network-dashboard", PERIOD)
    body = as_user(api, fajar).get("/api/v1/reports/network/", PERIOD).json()
    with translation.override("id"):
        assert body["figures"] == figures_json(web["figures"])
    assert (body["figures"]["cases"], body["figures"]["victims"]) == (2, 3)
    assert {row["agency"] for row in body["figures"]["per_agency"]} == {dinsos.pk, uptd_ppa.pk}
    assert body["snapshot"]["caseload"] == []  # workers' loads stay in their agency
    one = api.get("/api/v1/reports/network/", {**PERIOD, "agency": uptd_ppa.pk}).json()
    web_one = web_context(client, fajar, "network-dashboard", {**PERIOD, "agency": uptd_ppa.pk})
    assert one["agencies"] == [uptd_ppa.pk]
    assert one["figures"]["cases"] == web_one["figures"].cases == 1


def test_an_agency_of_another_city_is_a_400_not_a_fallback(api, fajar, figures_ready):
    elsewhere = AgencyFactory(regency_id="64.72")
    as_user(api, fajar)
    for url in ("/api/v1/reports/network/", "/api/v1/reports/trend/"):
        response = api.get(url, {"agency": elsewhere.pk, "scope": "network"}, **EN)
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "agency": ["Choose an agency of your city's network."]
        }


def test_a_head_reads_the_network_only_once_granted(api, dewi, figures_ready):
    as_user(api, dewi)
    assert api.get("/api/v1/reports/agency/").status_code == 200
    assert api.get("/api/v1/reports/network/").status_code == 403
    assert api.get("/api/v1/reports/kla/", {"scope": "network"}).status_code == 403
    Membership.objects.filter(user=dewi).update(network_statistics=True)
    response = api.get("/api/v1/reports/network/", PERIOD)
    assert response.status_code == 200 and response.json()["figures"]["cases"] == 2


@pytest.mark.parametrize("username", ["ani", "hadi", "rina", "eko"])
def test_people_without_a_dashboard_are_refused_every_report(api, request, username):
    as_user(api, request.getfixturevalue(username))
    for report in REPORTS:
        response = api.get(f"/api/v1/reports/{report}/", **EN)
        assert response.status_code == 403, report
        assert response.json()["error"] == {
            "code": "permission_denied",
            "message": "You do not have permission to perform this action.",
        }
        assert api.get(f"/api/v1/reports/{report}/", {"scope": "network"}).status_code == 403


def test_a_partner_needs_the_reports_scope_and_a_dashboard_role(
    api, partner_token, dinsos, figures_ready
):
    reading = bearer(api, partner_token(dinsos, roles=("supervisor",), scopes=("reports",)))
    assert reading.get("/api/v1/reports/agency/", PERIOD).json()["figures"]["cases"] == 1
    assert reading.get("/api/v1/reports/network/").status_code == 403  # not the city's
    without = bearer(api, partner_token(dinsos, roles=("supervisor",), scopes=("read", "cases")))
    for report in REPORTS:
        assert without.get(f"/api/v1/reports/{report}/").status_code == 403
    caseworker = bearer(api, partner_token(dinsos, roles=("caseworker",), scopes=("reports",)))
    assert caseworker.get("/api/v1/reports/agency/").status_code == 403


def test_the_data_officer_reads_figures_too(api, gita, figures_ready):
    response = as_user(api, gita).get("/api/v1/reports/agency/", PERIOD)
    assert response.status_code == 200
    assert response.json()["figures"]["cases"] == 0  # DP3AKB leads none of these cases


# --- Trend, SIMFONI, KLA ------------------------------------------------------------------------


def trend_json(trend) -> list:
    return [
        {"form": row.value, "label": row.label, "counts": row.counts, "changes": row.changes}
        for row in trend.rows
    ]


def test_the_trend_is_the_trend_page(api, client, budi, fajar, figures_ready):
    web = web_context(client, budi, "violence-trend", {"period": "year", "year": 2026})
    body = as_user(api, budi).get("/api/v1/reports/trend/", {"by": "year", "year": 2026}).json()
    assert body["columns"] == ["2022", "2023", "2024", "2025", "2026"]
    assert body["rows"] == trend_json(web["trend"])
    assert body["total"]["counts"] == web["trend"].total.counts == [0, 0, 0, 1, 1]
    assert body["total"]["changes"] == [None, None, None, None, 0.0]

    query = {"period": "month", "year": 2026, "measure": "victims", "scope": "network"}
    web = web_context(client, fajar, "violence-trend", query)
    api_query = {"by": "month", "year": 2026, "measure": "victims", "scope": "network"}
    body = as_user(api, fajar).get("/api/v1/reports/trend/", api_query).json()
    assert body["columns"][0] == "2026-01" and len(body["columns"]) == 12
    assert body["rows"] == trend_json(web["trend"])
    assert body["total"]["counts"] == web["trend"].total.counts
    sexual = api.get("/api/v1/reports/trend/", {**api_query, "form": "seksual"}).json()
    assert [row["form"] for row in sexual["rows"]] == ["seksual"]


def recap_json(recap) -> list:
    return [
        {
            "key": table.key,
            "title": table.title,
            "note": table.note,
            "measures": list(table.measures),
            "rows": [
                {
                    "value": row.value,
                    "label": row.label,
                    "cases": row.cases,
                    "victims": row.victims,
                    "percent": row.percent,
                    "total": row.total,
                }
                for row in table.rows
            ],
        }
        for table in recap.tables
    ]


def test_the_simfoni_recap_is_the_recap_page(api, client, budi, fajar, figures_ready):
    web = web_context(client, budi, "simfoni-recap", PERIOD)
    body = as_user(api, budi).get("/api/v1/reports/simfoni/", PERIOD).json()
    assert (body["cases"], body["victims"]) == (web["recap"].cases, web["recap"].victims) == (1, 2)
    assert body["tables"] == recap_json(web["recap"])
    whole_year = api.get("/api/v1/reports/simfoni/", {"year": 2025}).json()
    assert (whole_year["first_month"], whole_year["last_month"]) == ("2025-01", "2025-12")
    assert whole_year["cases"] == 1
    web = web_context(client, fajar, "simfoni-recap", {**PERIOD, "scope": "network"})
    network = as_user(api, fajar).get("/api/v1/reports/simfoni/", {**PERIOD, "scope": "network"})
    assert network.json()["tables"] == recap_json(web["recap"])
    assert network.json()["cases"] == 2


def kla_line(line) -> dict:
    def counts(of):
        return {
            "victims": of.victims,
            "served": of.served,
            "monitored": of.monitored,
            "served_percent": of.served_percent,
        }

    return {
        "category": line.category,
        "age_group": line.age_group,
        "sex": line.sex,
        "last_year": counts(line.last),
        "this_year": counts(line.this),
    }


def test_the_kla_report_is_the_kla_page(api, client, budi, figures_ready):
    report = web_context(client, budi, "kla-report", {"year": 2026})["report"]
    body = as_user(api, budi).get("/api/v1/reports/kla/", {"year": 2026}).json()
    assert body["year"] == 2026
    assert body["total"] == kla_line(report.total)
    assert body["total"]["this_year"]["victims"] == 2
    assert body["by_age"] == [kla_line(line) for line in report.by_age]
    assert body["by_sex"] == [kla_line(line) for line in report.by_sex]
    assert [category["total"] for category in body["categories"]] == [
        kla_line(category.total) for category in report.categories
    ]
    assert body["categories"][0]["rows"] == [kla_line(row) for row in report.categories[0].rows]
    assert [(line["key"], line["this_year"]) for line in body["referrals"]] == [
        (line.key, line.this) for line in report.referrals
    ]


# --- Bad filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "fields"),
    [
        ("agency", {"first_month": "2026-06", "last_month": "2026-01"}, {"last_month"}),
        ("agency", {"first_month": "2026-13"}, {"first_month"}),
        ("agency", {"agency": 1}, None),  # not a parameter of the agency's own dashboard
        ("trend", {"scope": "city"}, {"scope"}),
        ("trend", {"by": "week", "measure": "people"}, {"by", "measure"}),
        ("trend", {"agency": 1}, {"agency"}),  # an agency only with scope=network
        ("simfoni", {"year": 2025, "first_month": "2025-02"}, {"year"}),
        ("kla", {"year": 2013}, {"year"}),
        ("kla", {"year": 2099}, {"year"}),
    ],
)
def test_a_wrong_filter_is_a_400_with_field_errors(api, budi, figures_ready, url, query, fields):
    response = as_user(api, budi).get(f"/api/v1/reports/{url}/", query, **EN)
    if fields is None:  # unknown parameters are ignored, as everywhere in the API
        assert response.status_code == 200
        return
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Some fields are not valid."
    assert set(error["fields"]) == fields
    if url == "agency" and "last_month" in fields:
        assert error["fields"]["last_month"] == ["The last month is before the first."]
