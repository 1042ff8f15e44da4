"""The public statistics page: small-cell suppression, de-identified yearly figures, caching.

The fixed city below is worked out by hand. In 2026 Dinas Sosial and UPTD PPA (Kota
Balikpapan, WITA) lead ten cases with eleven children:

- six cases, one girl each (born 2010: 13-17), physical violence, in the household;
- one case with two sisters (born 2010), physical and psychological violence, household;
- three cases, one boy each (born 2015: 6-12), sexual violence, at school.

So for 2026: sex P 8 / L 3 (victims); place household 7 cases 8 victims / school 3 and 3;
forms physical 7 cases 8 victims, sexual 3 and 3, psychological 1 and 2; ages 13-17 8,
6-12 3. In 2025 there is one case with one girl.
"""

import datetime
import itertools
import re
import zoneinfo

import pytest
from django.core.cache import cache

from agencies.models import Agency, Region
from cases.models import Case, CaseParty, CaseViolenceForm, Person
from cases.services import case_open
from reports.models import Dimension, StatCell
from reports.public import (
    BAR_MAX,
    CASES,
    SUPPRESSED_BAR,
    TABLES_BY_KEY,
    VICTIMS,
    _cache_key,
    bar_chart,
    published_series,
    published_table,
)
from reports.stats import data_as_of, stats_refresh
from reports.suppression import (
    HIDDEN,
    SMALL,
    SuppressedTable,
    suppress_count,
    suppress_table,
)

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
URL = "/statistik/"
BALIKPAPAN = "64.71"
SAMARINDA = "64.72"
GIRL_2010 = ("P", datetime.date(2010, 1, 1))
BOY_2015 = ("L", datetime.date(2015, 1, 1))


# --- Suppression: the rules on plain numbers -----------------------------------------------


def texts(table: SuppressedTable) -> list[str]:
    return [text for _label, text in table.rows]


def test_counts_from_1_to_4_are_shown_as_less_than_five():
    shown = [suppress_count(count) for count in range(7)]
    assert shown == ["0", SMALL, SMALL, SMALL, SMALL, "5", "6"]


def test_a_single_small_cell_gets_the_next_smallest_as_its_partner():
    table = suppress_table([("a", 3), ("b", 10), ("c", 7)], 20)
    assert texts(table) == [SMALL, "10", HIDDEN]
    assert table.total == "20"


def test_two_small_cells_protect_each_other():
    table = suppress_table([("a", 2), ("b", 3), ("c", 10)], 15)
    assert texts(table) == [SMALL, SMALL, "10"]
    assert table.total == "15"


def test_a_small_total_is_hidden_too():
    table = suppress_table([("a", 3), ("b", 0)], 3)
    assert texts(table) == [SMALL, "0"]
    assert table.total == SMALL
    table = suppress_table([("a", 1), ("b", 2)], 3)
    assert texts(table) == [SMALL, SMALL]
    assert table.total == SMALL


def test_zeros_are_shown_and_never_chosen_as_partners():
    table = suppress_table([("a", 0), ("b", 3), ("c", 0), ("d", 8)], 11)
    assert texts(table) == ["0", SMALL, "0", HIDDEN]
    assert texts(suppress_table([("a", 0), ("b", 12)], 12)) == ["0", "12"]
    empty = suppress_table([("a", 0), ("b", 0)], 0)
    assert (texts(empty), empty.total) == (["0", "0"], "0")


def test_of_equally_small_partners_the_first_in_table_order_is_hidden():
    table = suppress_table([("a", 4), ("b", 9), ("c", 9)], 22)
    assert texts(table) == [SMALL, HIDDEN, "9"]
    table = suppress_table([("a", 9), ("b", 9), ("c", 4)], 22)
    assert texts(table) == [HIDDEN, "9", SMALL]


def test_five_and_more_are_shown():
    table = suppress_table([("a", 5), ("b", 5)], 10)
    assert (texts(table), table.total) == (["5", "5"], "10")


def test_two_small_cells_adding_up_to_2_or_8_get_a_partner():
    # 1 + 1 = 2 leaves both exactly 1; 4 + 4 = 8 leaves both exactly 4.
    assert texts(suppress_table([("a", 1), ("b", 1), ("c", 10)], 12)) == [SMALL, SMALL, HIDDEN]
    assert texts(suppress_table([("a", 4), ("b", 4), ("c", 10)], 18)) == [SMALL, SMALL, HIDDEN]
    assert texts(suppress_table([("a", 1), ("b", 2), ("c", 10)], 13)) == [SMALL, SMALL, "10"]


def test_a_partner_just_above_the_threshold_is_not_enough():
    # "<5" + "*" = 6 with "*" at least 5 would give the small cell away as 1.
    table = suppress_table([("a", 1), ("b", 5)], 6)
    assert texts(table) == [HIDDEN, HIDDEN]
    assert table.total == "6"
    table = suppress_table([("a", 1), ("b", 5), ("c", 6)], 12)
    assert texts(table) == [SMALL, HIDDEN, HIDDEN]


def test_four_single_children_under_a_small_total_hide_the_whole_column():
    table = suppress_table([("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 0)], 4)
    assert texts(table) == [HIDDEN] * 5
    assert table.total == SMALL
    table = suppress_table([("a", 1), ("b", 1), ("c", 1), ("d", 0)], 3)
    assert texts(table) == [SMALL, SMALL, SMALL, "0"]


def test_rows_that_do_not_add_up_never_hide_less():
    # Several forms per case: a lone small form under a larger total hides the column.
    table = suppress_table([("a", 3), ("b", 0)], 9)
    assert texts(table) == [HIDDEN, HIDDEN]
    assert table.total == "9"
    table = suppress_table([("a", 7), ("b", 3), ("c", 1)], 10)
    assert texts(table) == ["7", SMALL, SMALL]


def test_labels_and_order_are_kept():
    table = suppress_table([("Fisik", 3), ("Psikis", 0), ("Seksual", 7), ("Penelantaran", 12)], 22)
    assert table.rows == (
        ("Fisik", SMALL),
        ("Psikis", "0"),
        ("Seksual", HIDDEN),
        ("Penelantaran", "12"),
    )


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        suppress_table([("a", -1)], 0)


def _values_a_reader_allows(text: str, largest: int) -> range:
    if text == SMALL:
        return range(1, 5)
    if text == HIDDEN:
        return range(5, largest + 1)
    return range(int(text), int(text) + 1)


def _assert_no_small_cell_can_be_worked_out(categories: int, largest: int):
    for counts in itertools.product(range(largest + 1), repeat=categories):
        total = sum(counts)
        table = suppress_table(list(zip("abcdefg", counts, strict=False)), total)
        shown = texts(table)
        if SMALL not in shown:
            continue
        totals = range(1, 5) if table.total == SMALL else range(total, total + 1)
        cap = categories * largest
        possible = [
            candidate
            for candidate in itertools.product(*(_values_a_reader_allows(t, cap) for t in shown))
            if sum(candidate) in totals
        ]
        assert counts in possible
        for index, text in enumerate(shown):
            if text == SMALL:
                values = {candidate[index] for candidate in possible}
                assert len(values) > 1, (counts, shown, table.total)


@pytest.mark.parametrize(("categories", "largest"), [(2, 12), (3, 9), (4, 5)])
def test_no_small_cell_can_be_worked_out_from_a_published_table(categories, largest):
    """Every table of a few categories adding up to its total: whatever is published, a
    reader who knows the total, the shown cells, that "<5" is 1 to 4 and "*" at least 5
    can still give each "<5" cell at least two values."""
    _assert_no_small_cell_can_be_worked_out(categories, largest)


# --- Published tables: pure functions ---------------------------------------------------


def test_a_published_table_has_every_official_category_and_both_counts():
    table = published_table(
        TABLES_BY_KEY["place"], {"rumah_tangga": (7, 8), "sekolah": (3, 3)}, (10, 11)
    )
    rows = dict(table.rows)
    assert list(rows) == [
        "rumah_tangga",
        "tempat_kerja",
        "sekolah",
        "fasilitas_umum",
        "lpk",
        "lainnya",
    ]
    assert rows["rumah_tangga"] == (HIDDEN, HIDDEN)
    assert rows["sekolah"] == (SMALL, SMALL)
    assert rows["lainnya"] == ("0", "0")
    assert table.total == ("10", "11")


def test_unknown_and_unofficial_values_are_one_unknown_row_shown_only_when_not_zero():
    sex = TABLES_BY_KEY["sex"]
    table = published_table(sex, {"P": (9, 9), "na": (1, 1), "X": (1, 1)}, (11, 11))
    assert dict(table.rows) == {"L": ("0",), "P": (HIDDEN,), "na": (SMALL,)}
    table = published_table(sex, {"P": (9, 9)}, (9, 9))
    assert dict(table.rows) == {"L": ("0",), "P": ("9",)}


def test_the_series_shows_small_years_as_less_than_five():
    series = published_series({2026: (10, 11), 2024: (2, 3), 2025: (0, 0)})
    assert [(year.year, year.cases, year.victims) for year in series] == [
        (2024, SMALL, SMALL),
        (2025, "0", "0"),
        (2026, "10", "11"),
    ]


def test_a_hidden_count_is_drawn_with_the_same_short_bar_whatever_it_hides():
    chart = bar_chart(
        [("a", "A", (SMALL, "40")), ("b", "B", (HIDDEN, "20")), ("c", "C", ("0", "1"))],
        (CASES, VICTIMS),
    )
    widths = [[bar["width"] for bar in row["bars"]] for row in chart["rows"]]
    hidden = str(SUPPRESSED_BAR)
    assert widths == [[hidden, str(BAR_MAX)], [hidden, str(BAR_MAX // 2)], ["0", "8"]]
    assert [bar["suppressed"] for bar in chart["rows"][0]["bars"]] == [True, False]


# --- The page --------------------------------------------------------------------------


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, 0, tzinfo=WITA)


def a_case(agency, opened_by, reported_at, *, children=(), forms=(), **fields):
    case = case_open(
        opened_by=opened_by, agency=agency, reported_at=reported_at, risk_level="sedang"
    )
    Case.objects.filter(pk=case.pk).update(**fields)
    for sex, birth_date in children:
        child = Person.objects.create(name="Anak", sex=sex, birth_date=birth_date)
        CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    for form in forms:
        CaseViolenceForm.objects.create(case=case, form=form)
    return case


@pytest.fixture
def city(db, dinsos, uptd_ppa, hadi, citra):
    """The cases of the module docstring, refreshed into statistics cells."""
    cases = []
    for day in range(1, 7):
        agency, officer = (dinsos, hadi) if day % 2 else (uptd_ppa, citra)
        cases.append(
            a_case(
                agency,
                officer,
                at(2026, 3, day),
                children=[GIRL_2010],
                forms=["fisik"],
                place_type="rumah_tangga",
                incident_village_id="64.71.01.1001",
            )
        )
    cases.append(
        a_case(
            dinsos,
            hadi,
            at(2026, 4, 2),
            children=[GIRL_2010, GIRL_2010],
            forms=["fisik", "psikis"],
            place_type="rumah_tangga",
        )
    )
    for day in range(10, 13):
        cases.append(
            a_case(
                uptd_ppa,
                citra,
                at(2026, 5, day),
                children=[BOY_2015],
                forms=["seksual"],
                place_type="sekolah",
            )
        )
    cases.append(a_case(dinsos, hadi, at(2025, 11, 20), children=[GIRL_2010], forms=["psikis"]))
    stats_refresh()
    return cases


def html_of(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response, response.content.decode()


def element(html: str, tag: str, row: str) -> str:
    match = re.search(rf'<{tag} data-row="{re.escape(row)}">(.*?)</{tag}>', html, re.DOTALL)
    assert match, row
    return match.group(1)


def visible(fragment: str) -> list[str]:
    """The texts of a fragment's cells, markup dropped."""
    return [text for text in re.split(r"\s*<[^>]+>\s*", fragment) if text.strip()]


def test_anonymous_visitors_see_the_page_in_indonesian(client, city):
    response, html = html_of(client)
    assert response.context["user"].is_anonymous
    assert response.headers["Content-Language"] == "id"
    for text in ("Bentuk kekerasan", "Fisik", "Perempuan", "Laki-laki", "Kasus", "Jumlah"):
        assert text in html
    assert "Kota Balikpapan" in html


def test_the_page_can_be_read_in_english(client, city, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _response, html = html_of(client)
    assert "Form of violence" in html
    assert "Physical" in html


def test_the_latest_year_of_the_first_regency_is_shown_by_default(client, city):
    response, html = html_of(client)
    page = response.context["page"]
    assert (page.regency.code, page.statistics.year) == (BALIKPAPAN, 2026)
    assert visible(element(html, "tr", "years:2026")) == ["2026", "10", "11"]
    assert '<div class="fs-3 fw-semibold" data-testid="headline-cases">10</div>' in html
    assert '<div class="fs-3 fw-semibold" data-testid="headline-victims">11</div>' in html


def test_the_numbers_of_the_fixed_city(client, city):
    _response, html = html_of(client)
    assert visible(element(html, "tr", "sex:P"))[1:] == [HIDDEN]
    assert visible(element(html, "tr", "sex:total"))[1:] == ["11"]
    assert visible(element(html, "tr", "place:rumah_tangga"))[1:] == [HIDDEN, HIDDEN]
    assert visible(element(html, "tr", "place:sekolah"))[1:] == ["&lt;5", "&lt;5"]
    assert visible(element(html, "tr", "place:lainnya"))[1:] == ["0", "0"]
    assert visible(element(html, "tr", "place:total"))[1:] == ["10", "11"]
    # Two small forms (sexual 3, psychological 1 case) protect each other: physical shows.
    assert visible(element(html, "tr", "violence_form:fisik"))[1:] == ["7", "8"]
    assert visible(element(html, "tr", "violence_form:seksual"))[1:] == ["&lt;5", "&lt;5"]
    assert visible(element(html, "tr", "violence_form:psikis"))[1:] == ["&lt;5", "&lt;5"]
    assert visible(element(html, "tr", "violence_form:total"))[1:] == ["10", "11"]
    assert visible(element(html, "tr", "age_band:13-17"))[1:] == [HIDDEN]
    assert visible(element(html, "tr", "age_band:6-12"))[1:] == ["&lt;5"]
    assert visible(element(html, "tr", "years:2025"))[1:] == ["&lt;5", "&lt;5"]


def test_three_boys_are_never_shown_as_three(client, city):
    _response, html = html_of(client)
    row = element(html, "tr", "sex:L")
    assert visible(row) == ["Laki-laki", "&lt;5"]
    assert "3" not in row
    bar = element(html, "g", "sex:L")
    assert visible(bar) == ["Laki-laki", "&lt;5"]
    assert f'width="{SUPPRESSED_BAR}"' in bar
    assert "3" not in "".join(visible(bar))
    # The total cannot give them back: the girls are hidden as well.
    girls = visible(element(html, "tr", "sex:P"))[1]
    total = visible(element(html, "tr", "sex:total"))[1]
    assert not girls.isdigit()
    assert total == "11"
    assert "8" not in "".join(visible(element(html, "g", "sex:P")))
    # The three school cases (three victims) likewise, in the table and the chart.
    for tag in ("tr", "g"):
        school = element(html, tag, "place:sekolah")
        assert visible(school)[1:] == ["&lt;5", "&lt;5"]
        assert "3" not in "".join(visible(school))


def test_no_published_table_lets_a_small_cell_be_subtracted_from_its_total(client, city):
    """On the page itself: for every column, the readings of its hidden cells that agree
    with its total give every "<5" cell at least two possible values."""
    checked = 0
    for query in ("", "?year=2025"):
        response, _html = html_of(client, query)
        for table in response.context["tables"]:
            for column, total in enumerate(table["total"]):
                cells = [row["texts"][column] for row in table["rows"]]
                if SMALL not in cells or not total.isdigit():
                    continue
                readings = [
                    reading
                    for reading in itertools.product(
                        *(_values_a_reader_allows(text, int(total)) for text in cells)
                    )
                    if sum(reading) == int(total)
                ]
                for index, text in enumerate(cells):
                    if text == SMALL:
                        assert len({reading[index] for reading in readings}) > 1, table["key"]
                        checked += 1
    assert checked >= 6  # sex L, age 6-12, school x2, sexual and psychological forms x2


def test_a_year_with_one_case_hides_its_totals(client, city):
    _response, html = html_of(client, "?year=2025")
    assert visible(element(html, "tr", "sex:P"))[1:] == ["&lt;5"]
    assert visible(element(html, "tr", "sex:total"))[1:] == ["&lt;5"]
    assert visible(element(html, "tr", "violence_form:total"))[1:] == ["&lt;5", "&lt;5"]
    assert 'data-testid="headline-cases">&lt;5<' in html
    assert ">1<" not in html.split('data-testid="table-years"')[0]


def test_nothing_below_the_regency_is_published(client, city):
    _response, html = html_of(client)
    for agency in Agency.objects.all():
        assert agency.name not in html
        assert agency.nomenclature not in html
    for case in city:
        assert case.code not in html
    assert "BPN-" not in html
    for district in Region.objects.filter(parent_id=BALIKPAPAN):
        assert district.name not in html
        assert district.code not in html
    assert "Kecamatan" not in html
    months = ("Maret", "April", "Mei", "November")
    as_of = html.split('data-testid="as-of"')[1].split("</p>")[0]
    assert not any(month in html.replace(as_of, "") for month in months)


def test_the_page_follows_the_content_security_policy(client, city):
    response, html = html_of(client)
    assert "style=" not in html
    assert "<style" not in html
    for fragment in html.split("<script")[1:]:
        assert fragment.lstrip().startswith("src="), fragment[:80]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html


def test_data_as_of_is_shown_on_the_regencys_clock(client, city):
    _response, html = html_of(client)
    as_of = html.split('data-testid="as-of"')[1].split("</p>")[0]
    assert "WITA" in as_of


def test_a_warm_page_costs_one_query_and_a_refresh_shows_new_figures(
    client, city, dinsos, hadi, django_assert_num_queries
):
    html_of(client)
    with django_assert_num_queries(1):  # the time of the latest refresh
        _response, html = html_of(client)
    assert visible(element(html, "tr", "years:2026")) == ["2026", "10", "11"]
    # Cells changed behind the page's back are not read until the next refresh...
    StatCell.objects.filter(dimension=Dimension.TOTAL).update(cases=50, victims=50)
    _response, html = html_of(client)
    assert visible(element(html, "tr", "years:2026")) == ["2026", "10", "11"]
    # ...and a refresh shows the new case at once.
    a_case(dinsos, hadi, at(2026, 6, 1), children=[GIRL_2010], forms=["fisik"])
    stats_refresh()
    _response, html = html_of(client)
    assert visible(element(html, "tr", "years:2026")) == ["2026", "11", "12"]


def test_the_cache_holds_only_published_strings(client, city):
    html_of(client)
    stamp = f"{data_as_of().timestamp():.6f}"
    cached = cache.get(_cache_key(stamp, BALIKPAPAN, 2026))
    assert cached.regency == BALIKPAPAN
    published = [text for table in cached.tables for _code, row in table.rows for text in row]
    assert all(isinstance(text, str) for text in published)
    assert "3" not in published  # the three boys, the three school cases
    assert [option.code for option in cache.get(_cache_key(stamp, "regencies"))] == [BALIKPAPAN]


@pytest.mark.parametrize(
    "query",
    [
        "?year=abc",
        "?year=1999",
        "?year=99999999999999999999999",
        "?year=",
        "?regency=",
        "?regency=64.71.01",
        "?regency=64.71.01.1001",
        "?regency=../../etc",
        "?regency=%00&year=%00",
        "?regency=64.72&year=2026",
        "?regency=64.71&regency=64.71.01",
    ],
)
def test_bad_parameters_fall_back_to_the_default(client, city, query):
    response, html = html_of(client, query)
    page = response.context["page"]
    assert page.regency.code == BALIKPAPAN
    assert page.statistics.year in (2025, 2026)
    assert "Balikpapan Timur" not in html


def test_the_chosen_regency_and_year_are_shown(client, city, dinsos, hadi):
    a_case(dinsos, hadi, at(2024, 2, 2), children=[BOY_2015], regency_id=SAMARINDA)
    stats_refresh()
    response, html = html_of(client)
    assert [option.code for option in response.context["page"].options] == [BALIKPAPAN, SAMARINDA]
    assert 'value="64.72"' in html
    response, html = html_of(client, "?regency=64.72&year=2026")
    page = response.context["page"]
    assert (page.regency.code, page.statistics.year) == (SAMARINDA, 2024)
    assert visible(element(html, "tr", "years:2024"))[1:] == ["&lt;5", "&lt;5"]
    assert 'data-row="years:2026"' not in html
    response, _html = html_of(client, "?regency=64.71&year=2025")
    assert response.context["page"].statistics.year == 2025


def test_before_any_refresh_the_page_says_there_is_nothing_yet(client, db):
    _response, html = html_of(client)
    assert 'data-testid="no-statistics"' in html


def test_the_page_only_answers_reads(client, city):
    assert client.post(URL).status_code == 405


def test_the_landing_page_links_to_the_statistics(client, db):
    assert f'href="{URL}"' in client.get("/").content.decode()
