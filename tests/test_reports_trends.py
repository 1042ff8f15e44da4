"""Cases per form of violence over the years, with the change in percent, as in the seeds'
tables; the numbers are worked out by hand."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from reports.stats import stats_refresh
from reports.trends import percent_change
from tests.test_reports_stats import a_case, at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("previous", "current", "change"),
    [(14, 27, 92.9), (37, 15, -59.5), (0, 5, None), (5, 5, 0.0), (4, 0, -100.0)],
)
def test_percent_change(previous, current, change):
    # 14 → 27 → 37 → 15: Balikpapan's sexual-violence cases 2014–2017 (seed 001).
    assert percent_change(previous, current) == change


@pytest.fixture
def three_years(dinsos, hadi):
    """Sexual violence: 2 cases in 2024, 3 in 2025, 1 in 2026; one 2025 case also physical."""
    for year, count in ((2024, 2), (2025, 3), (2026, 1)):
        for day in range(1, count + 1):
            forms = ["seksual", "fisik"] if (year, day) == (2025, 1) else ["seksual"]
            a_case(
                dinsos,
                hadi,
                at(year, 2, day),
                children=[("P", datetime.date(2012, 1, 1))],
                forms=forms,
            )
    stats_refresh()


def test_the_yearly_table_shows_counts_and_change(client, budi, three_years):
    client.force_login(budi)
    response = client.get(reverse("violence-trend"), {"year": "2026"})
    trend = response.context["trend"]
    assert trend.columns == [2022, 2023, 2024, 2025, 2026]
    sexual = next(row for row in trend.rows if row.value == "seksual")
    assert sexual.counts == [0, 0, 2, 3, 1]
    assert sexual.changes == [None, None, None, 50.0, -66.7]
    assert trend.total.counts == [0, 0, 2, 3, 1]
    physical = next(row for row in trend.rows if row.value == "fisik")
    assert physical.counts == [0, 0, 0, 1, 0]
    assert "-66,7%" in response.content.decode()  # Indonesian decimals


def test_the_monthly_table_and_its_export(client, budi, three_years):
    client.force_login(budi)
    response = client.get(reverse("violence-trend"), {"period": "month", "year": "2025"})
    sexual = next(row for row in response.context["trend"].rows if row.value == "seksual")
    assert sexual.counts[1] == 3 and sum(sexual.counts) == 3
    export = client.get(
        reverse("violence-trend"), {"period": "year", "year": "2026", "format": "csv"}
    )
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["Bentuk kekerasan", "2022", "2023"]
    sexual_line = next(line for line in lines if line[0] == "Seksual")
    # 2022, 2023 (change), 2024 (change), 2025 (change), 2026 (change)
    assert sexual_line[1:] == ["0", "0", "", "2", "", "3", "50.0", "1", "-66.7"]


def test_the_network_trend_needs_the_network_scope(client, budi, fajar, three_years):
    client.force_login(budi)
    assert client.get(reverse("violence-trend"), {"scope": "network"}).status_code == 403
    client.force_login(fajar)
    response = client.get(reverse("violence-trend"), {"scope": "network", "year": "2026"})
    assert response.context["trend"].total.counts[-3:] == [2, 3, 1]


def test_a_caseworker_has_no_trend_page(client, ani):
    client.force_login(ani)
    assert client.get(reverse("violence-trend")).status_code == 403


def test_the_trend_page_costs_the_same_queries_whatever_the_data(
    client, budi, dinsos, hadi, django_assert_num_queries
):
    client.force_login(budi)
    url = reverse("violence-trend")
    client.get(url, {"year": "2026"})  # warm the session and the menu's counts
    with django_assert_num_queries(4):
        client.get(url, {"year": "2026"})
    for year in (2023, 2024, 2025):
        a_case(dinsos, hadi, at(year, 5, 5), forms=["fisik", "psikis"])
    stats_refresh()
    with django_assert_num_queries(4):
        client.get(url, {"year": "2026"})
    with django_assert_num_queries(4):
        client.get(url, {"year": "2026", "period": "month"})


def test_a_streamed_export_stays_in_the_readers_language(client, budi, three_years):
    client.force_login(budi)
    client.cookies["django_language"] = "en"
    client.post(reverse("set-language"), {"language": "en"})
    export = client.get(reverse("violence-trend"), {"year": "2026", "format": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.startswith("Form of violence,") and "Sexual" in text
