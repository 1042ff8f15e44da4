"""The KLA cluster V report and the SIMFONI-style recap, checked against numbers worked out
by hand on fixed cases, for those who may read them, without a name or a case code.

Dinas Sosial (Balikpapan, WITA) leads the cases unless said otherwise; ``budi`` (supervisor)
reads his agency, ``fajar`` (coordinator) the city's network. Ages are taken on the day the
case was reported.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Membership
from cases.models import AuditEvent, CaseNote, CaseParty, ServiceRecord
from referrals.models import Referral
from reports.metric_refresh import metrics_refresh
from reports.models import Metric, MetricCell
from reports.recaps import kla_cluster_v, simfoni_recap
from reports.stats import stats_refresh
from tests.factories import AgencyFactory, member_of
from tests.test_reports_stats import a_case, at

pytestmark = pytest.mark.django_db

CHILD_NAME = "Siti Nurhaliza Rahmawati"
KLA = reverse("kla-report")
SIMFONI = reverse("simfoni-recap")
PERIOD = {"first_month": "2026-01", "last_month": "2026-06"}


def served(case, by, provider):
    ServiceRecord.objects.create(
        case=case,
        service_type="kesehatan",
        provider=provider,
        status=ServiceRecord.Status.DELIVERED,
        due_at=case.reported_at + datetime.timedelta(days=3),
        recorded_by=by,
    )


def monitored(case, by):
    CaseNote.objects.create(case=case, kind=CaseNote.Kind.MONITORING_VISIT, text="x", written_by=by)


def children_of(case, **fields):
    """Set the same fields (education, disability, name) on every child of the case."""
    for party in CaseParty.objects.filter(case=case, part=CaseParty.Part.CHILD):
        for name, value in fields.items():
            setattr(party.person, name, value)
        party.person.save()


@pytest.fixture
def elsewhere(db):
    """An agency of Samarinda (64.72), which no Balikpapan scope may ever include."""
    return AgencyFactory(regency_id="64.72", nomenclature="Dinsos Samarinda")


@pytest.fixture
def kla_cases(dinsos, uptd_ppa, elsewhere, hadi, ani, citra):
    """Dinas Sosial, 2026 (this year) and 2025 (last year):

    2026-03  sexual crime: a girl of 12 and a boy of 6 (6-12), served and monitored
    2026-05  exploited: a girl of 16 (13-17), neither served nor monitored
    2026-07  physical/psychological violence: a boy of 3 (0-5), served, not monitored
    2025-04  sexual crime: a girl of 10 (6-12), served and monitored
    2025-09  no AMPK category: a girl without a birth date
    2024-06  sexual crime: a girl of 9, two years ago, in neither year

    Plus a UPTD PPA case (2026, sexual crime, a girl of 8, served) and one in Samarinda.
    """
    first = a_case(
        dinsos,
        hadi,
        at(2026, 3, 10),
        children=[("P", datetime.date(2013, 6, 1)), ("L", datetime.date(2020, 1, 1))],
        ampk_category="kejahatan_seksual",
    )
    children_of(first, name=CHILD_NAME)
    served(first, ani, dinsos)
    monitored(first, ani)
    a_case(
        dinsos,
        hadi,
        at(2026, 5, 2),
        children=[("P", datetime.date(2010, 1, 1))],
        ampk_category="eksploitasi",
    )
    small = a_case(
        dinsos,
        hadi,
        at(2026, 7, 1),
        children=[("L", datetime.date(2023, 2, 1))],
        ampk_category="fisik_psikis",
    )
    served(small, ani, dinsos)
    last_year = a_case(
        dinsos,
        hadi,
        at(2025, 4, 1),
        children=[("P", datetime.date(2015, 1, 1))],
        ampk_category="kejahatan_seksual",
    )
    served(last_year, ani, dinsos)
    monitored(last_year, ani)
    a_case(dinsos, hadi, at(2025, 9, 1), children=[("P", None)])
    a_case(
        dinsos,
        hadi,
        at(2024, 6, 1),
        children=[("P", datetime.date(2015, 1, 1))],
        ampk_category="kejahatan_seksual",
    )
    uptd = a_case(
        uptd_ppa,
        citra,
        at(2026, 2, 1),
        children=[("P", datetime.date(2018, 1, 1))],
        ampk_category="kejahatan_seksual",
    )
    served(uptd, citra, uptd_ppa)
    samarinda = a_case(
        elsewhere,
        member_of(elsewhere, "supervisor"),
        at(2026, 2, 1),
        children=[("P", datetime.date(2018, 1, 1)), ("L", datetime.date(2017, 1, 1))],
        ampk_category="kejahatan_seksual",
    )
    served(samarinda, ani, elsewhere)
    stats_refresh()
    return first


@pytest.fixture
def referral_cells(dinsos, uptd_ppa, elsewhere):
    """Referral counts of Dinas Sosial, as the metrics refresh keeps them.

    Received 2026: February 4 due (3 answered on time, 1 expired), August 1 answered late.
    Answered 2026: 2 + 1 in February's buckets, 1 in August's. Sent and ended: 2 in
    November 2025 (1 with an outcome), 2 in March 2026 (both with one); 2024 counts nowhere.
    The UPTD received 7 in 2026 and Samarinda 9: only the network sees the UPTD's.
    """
    cells = [
        (dinsos, (2026, 2), Metric.REFERRAL_ON_TIME, 0, 3, 4),
        (dinsos, (2026, 8), Metric.REFERRAL_ON_TIME, 0, 0, 1),
        (dinsos, (2026, 2), Metric.REFERRAL_RESPONSE_HOURS, 1, 3.5, 2),
        (dinsos, (2026, 2), Metric.REFERRAL_RESPONSE_HOURS, 5, 5.5, 1),
        (dinsos, (2026, 8), Metric.REFERRAL_RESPONSE_HOURS, 96, 100, 1),
        (dinsos, (2025, 11), Metric.REFERRAL_OUTCOME, 0, 1, 2),
        (dinsos, (2026, 3), Metric.REFERRAL_OUTCOME, 0, 2, 2),
        (dinsos, (2024, 12), Metric.REFERRAL_OUTCOME, 0, 5, 5),
        (dinsos, (2026, 3), Metric.REFERRAL_FEEDBACK, 0, 6, 6),  # not a KLA line
        (uptd_ppa, (2026, 4), Metric.REFERRAL_ON_TIME, 0, 7, 7),
        (elsewhere, (2026, 4), Metric.REFERRAL_ON_TIME, 0, 9, 9),
    ]
    MetricCell.objects.bulk_create(
        MetricCell(
            agency=agency,
            regency_id=agency.regency_id,
            month=datetime.date(*month, 1),
            metric=metric,
            bucket=bucket,
            numerator=numerator,
            denominator=denominator,
        )
        for agency, month, metric, bucket, numerator, denominator in cells
    )


def counts(line):
    return (
        (line.last.victims, line.last.served, line.last.monitored),
        (line.this.victims, line.this.served, line.this.monitored),
    )


def rows_of(report):
    """{(category, age group, sex): (last year, this year)} of the rows with any victim."""
    return {
        (row.category, row.age_group, row.sex): counts(row)
        for category in report.categories
        for row in category.rows
        if row
    }


NONE = (0, 0, 0)
MEASURES = ("Victims", "Served", "Monitored after care")


@pytest.fixture
def english(budi):
    """Budi reads English: headers and labels by their msgids, whatever the Indonesian
    catalogue says of them."""
    budi.preferred_language = "en"
    budi.save(update_fields=["preferred_language"])


# --- KLA cluster V -------------------------------------------------------------------------


def test_kla_counts_ampk_by_age_group_and_sex_this_year_and_last(kla_cases, dinsos):
    report = kla_cluster_v([dinsos], 2026)
    assert report.year == 2026 and report.last_year == 2025
    assert rows_of(report) == {
        ("kejahatan_seksual", "6-12", "P"): ((1, 1, 1), (1, 1, 1)),
        ("kejahatan_seksual", "6-12", "L"): (NONE, (1, 1, 1)),
        ("eksploitasi", "13-17", "P"): (NONE, (1, 0, 0)),
        ("fisik_psikis", "0-5", "L"): (NONE, (1, 1, 0)),
        ("na", "na", "P"): ((1, 0, 0), NONE),
    }
    # All fifteen categories of the Act, in its order, then the unrecorded ones.
    assert [category.value for category in report.categories][:3] == [
        "darurat",
        "berhadapan_hukum",
        "minoritas",
    ]
    assert len(report.categories) == 16 and report.categories[-1].value == "na"
    sexual = next(c for c in report.categories if c.value == "kejahatan_seksual")
    assert counts(sexual.total) == ((1, 1, 1), (2, 2, 2))
    assert counts(report.total) == ((2, 1, 1), (4, 3, 2))
    assert report.total.this.served_percent == 75.0
    assert {line.age_group: counts(line) for line in report.by_age} == {
        "0-5": (NONE, (1, 1, 0)),
        "6-12": ((1, 1, 1), (2, 2, 2)),
        "13-17": (NONE, (1, 0, 0)),
        "na": ((1, 0, 0), NONE),
    }
    assert {line.sex: counts(line) for line in report.by_sex} == {
        "L": (NONE, (2, 2, 1)),
        "P": ((2, 1, 1), (2, 1, 1)),
    }


def test_kla_counts_the_longest_category_codes(dinsos, hadi):
    a_case(
        dinsos,
        hadi,
        at(2026, 3, 10),
        children=[("P", datetime.date(2011, 1, 1))],
        ampk_category="perilaku_menyimpang",
    )
    stats_refresh()
    assert rows_of(kla_cluster_v([dinsos], 2026)) == {
        ("perilaku_menyimpang", "13-17", "P"): (NONE, (1, 0, 0))
    }


def test_kla_lists_every_category_age_group_and_sex_even_without_victims(dinsos):
    report = kla_cluster_v([dinsos], 2026)
    assert len(report.categories) == 15
    rows = [row for category in report.categories for row in category.rows]
    assert len(rows) == 15 * 3 * 2  # 0-5, 6-12, 13-17 by L and P
    assert not any(rows) and not report.total
    assert [line.this for line in report.referrals] == [0] * 5


def test_kla_referral_counts_sum_the_metric_cells_of_each_year(referral_cells, dinsos):
    report = kla_cluster_v([dinsos], 2026)
    assert {line.key: (line.last, line.this) for line in report.referrals} == {
        "received": (0, 5),
        "answered": (0, 4),
        "answered_on_time": (0, 3),
        "sent_ended": (2, 2),
        "sent_with_outcome": (1, 2),
    }


def test_kla_referral_counts_follow_real_referrals(dinsos, uptd_ppa, hadi, ani):
    case = a_case(dinsos, hadi, at(2026, 2, 20), children=[("P", datetime.date(2014, 1, 1))])
    sent = at(2026, 3, 1)
    Referral.objects.create(
        case=case,
        from_agency=dinsos,
        sent_by=ani,
        to_agency=uptd_ppa,
        service_type="kesehatan",
        reason="Perlu layanan",
        summary_purpose="Layanan",
        sent_at=sent,
        respond_by=sent + datetime.timedelta(hours=72),
        responded_at=sent + datetime.timedelta(hours=2),
        status=Referral.Status.COMPLETED,
        completed_at=at(2026, 3, 10),
        ended_at=at(2026, 3, 10),
        outcome="Pemeriksaan selesai",
    )
    metrics_refresh()
    sender = {line.key: line.this for line in kla_cluster_v([dinsos], 2026).referrals}
    receiver = {line.key: line.this for line in kla_cluster_v([uptd_ppa], 2026).referrals}
    assert sender == {
        "received": 0,
        "answered": 0,
        "answered_on_time": 0,
        "sent_ended": 1,
        "sent_with_outcome": 1,
    }
    assert receiver == {
        "received": 1,
        "answered": 1,
        "answered_on_time": 1,
        "sent_ended": 0,
        "sent_with_outcome": 0,
    }


def test_the_kla_page_shows_the_agencys_report(client, budi, kla_cases, referral_cells):
    client.force_login(budi)
    response = client.get(KLA, {"year": "2026"})
    assert response.status_code == 200
    report = response.context["report"]
    assert counts(report.total) == ((2, 1, 1), (4, 3, 2))
    assert report.referrals[0].this == 5  # not the UPTD's 7
    page = response.content.decode()
    assert 'data-testid="kla-row-kejahatan_seksual-6-12-P"' in page
    assert 'data-testid="kla-row-darurat-0-5-P"' not in page  # empty rows stay off screen
    assert "Anak korban kejahatan seksual" in page  # the Act's words, in Indonesian
    assert "75,0%" in page  # served this year, Indonesian decimals


def test_the_kla_year_goes_back_and_a_wrong_one_falls_back(client, budi, kla_cases):
    client.force_login(budi)
    report = client.get(KLA, {"year": "2025"}).context["report"]
    assert counts(report.total) == ((1, 0, 0), (2, 1, 1))  # 2024's girl, then 2025's two
    response = client.get(KLA, {"year": "1990"})
    assert response.context["form"].errors["year"]
    assert response.context["report"].year == datetime.date.today().year


def test_the_kla_csv_is_one_flat_table_with_every_row(
    client, budi, english, kla_cases, referral_cells
):
    client.force_login(budi)
    response = client.get(KLA, {"year": "2026", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="laporan-kla-klaster-v-2026-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Table",
        "AMPK category",
        "Age group",
        "Sex",
        "Victims 2025",
        "Served 2025",
        "Monitored after care 2025",
        "Victims 2026",
        "Served 2026",
        "Monitored after care 2026",
        "Served 2026 (%)",
        "Item",
        "2025",
        "2026",
    ]
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [line["Table"] for line in lines[::-1]][0] == "Referrals"
    detail = [line for line in lines if line["Table"] == "AMPK by age group and sex"]
    # Fifteen categories and "not recorded", by 0-5, 6-12, 13-17 and "not recorded" (the
    # 2025 girl without a birth date), by L and P: every row, even the empty ones.
    assert len(detail) == 16 * 4 * 2
    girls = next(
        line
        for line in detail
        if line["AMPK category"] == "Child exploited economically and/or sexually"
        and line["Age group"] == "13-17"
        and line["Sex"] == "Female"
    )
    assert [girls[f"{measure} {year}"] for year in (2025, 2026) for measure in MEASURES] == [
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
    ]
    assert girls["Served 2026 (%)"] == "0.0" and girls["Item"] == ""
    referrals = {line["Item"]: (line["2025"], line["2026"]) for line in lines if line["Item"]}
    assert referrals["Referrals sent that ended with an outcome"] == ("1", "2")
    assert len(referrals) == 5


def test_the_kla_xlsx_has_one_sheet_per_table(client, budi, english, kla_cases, referral_cells):
    client.force_login(budi)
    response = client.get(KLA, {"year": "2026", "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == [
        "AMPK by age group and sex",
        "AMPK by category",
        "AMPK by age group",
        "AMPK by sex",
        "Referrals",
    ]
    by_category = list(workbook["AMPK by category"].iter_rows(values_only=True))
    assert len(by_category) == 1 + 16 + 1  # header, fifteen categories and "na", total
    # Victims, served, monitored in 2025; the same in 2026; served in 2026 in percent.
    assert by_category[-1] == ("Total", 2, 1, 1, 4, 3, 2, 75)
    referrals = list(workbook["Referrals"].iter_rows(values_only=True))
    assert referrals[0] == ("Item", "2025", "2026")
    assert referrals[1][1:] == (0, 5)


# --- SIMFONI-style recap -------------------------------------------------------------------


@pytest.fixture
def simfoni_cases(dinsos, uptd_ppa, elsewhere, hadi, citra):
    """Dinas Sosial, January to June 2026:

    2026-03  two children (a girl of 12 and a boy of 7, both at SD), physical and sexual
             violence, at home, by a parent and a neighbour
    2026-05  a girl of 16 at SLTA with a sensory disability, psychological violence, at
             school, by a teacher
    2026-07  outside the period

    Plus one UPTD PPA case and one Samarinda case in the period.
    """
    siblings = a_case(
        dinsos,
        hadi,
        at(2026, 3, 10),
        children=[("P", datetime.date(2013, 6, 1)), ("L", datetime.date(2018, 12, 24))],
        forms=["fisik", "seksual"],
        perpetrators=["orang_tua", "tetangga"],
        place_type="rumah_tangga",
    )
    children_of(siblings, education="sd", name=CHILD_NAME)
    teen = a_case(
        dinsos,
        hadi,
        at(2026, 5, 2),
        children=[("P", datetime.date(2010, 1, 1))],
        forms=["psikis"],
        perpetrators=["guru"],
        place_type="sekolah",
    )
    children_of(teen, education="slta", disability="sensorik")
    a_case(dinsos, hadi, at(2026, 7, 1), children=[("L", datetime.date(2015, 1, 1))])
    a_case(uptd_ppa, citra, at(2026, 4, 1), children=[("P", datetime.date(2015, 1, 1))])
    a_case(
        elsewhere,
        member_of(elsewhere, "supervisor"),
        at(2026, 4, 1),
        children=[("P", datetime.date(2015, 1, 1))],
    )
    stats_refresh()
    return siblings


def table(recap, key):
    """{value: (cases, victims, percent)} of one table of the recap."""
    found = next(t for t in recap.tables if t.key == key)
    return {row.value: (row.cases, row.victims, row.percent) for row in found.rows}


def test_the_simfoni_recap_counts_cases_and_victims_apart(simfoni_cases, dinsos):
    recap = simfoni_recap([dinsos], datetime.date(2026, 1, 1), datetime.date(2026, 6, 1))
    assert (recap.cases, recap.victims) == (2, 3)
    assert table(recap, "jumlah") == {
        "cases": (2, None, None),
        "victims": (None, 3, None),
        "L": (None, 1, 33.3),
        "P": (None, 2, 66.7),
        "na": (None, 0, 0.0),
    }
    forms = table(recap, "bentuk_kekerasan")
    assert {k: v[:2] for k, v in forms.items() if v[0]} == {
        "fisik": (1, 2),
        "seksual": (1, 2),
        "psikis": (1, 1),
    }
    assert len(forms) == 7  # every SIMFONI form, even with none
    places = table(recap, "tempat_kejadian")
    assert places["rumah_tangga"][:2] == (1, 2) and places["sekolah"][:2] == (1, 1)
    assert places["total"][:2] == (2, 3)
    assert places["lpk"][:2] == (0, 0)
    relationships = table(recap, "hubungan_pelaku")
    assert {k: v[:2] for k, v in relationships.items() if v[0]} == {
        "orang_tua": (1, 2),
        "tetangga": (1, 2),
        "guru": (1, 1),
    }
    ages = table(recap, "kelompok_umur")
    assert ages["6-12"] == (None, 2, 66.7) and ages["13-17"] == (None, 1, 33.3)
    assert ages["total"] == (None, 3, 100.0)
    assert table(recap, "status_usia")["anak"] == (None, 3, 100.0)
    education = table(recap, "pendidikan")
    assert education["sd"][1:] == (2, 66.7) and education["slta"][1:] == (1, 33.3)
    disability = table(recap, "disabilitas")
    assert disability["with"][1:] == (1, 33.3)
    assert disability["sensorik"][1:] == (1, 33.3)
    assert disability[""][1:] == (2, 66.7)


def test_the_simfoni_page_uses_simfonis_labels(client, budi, simfoni_cases):
    client.force_login(budi)
    response = client.get(SIMFONI, PERIOD)
    assert response.status_code == 200
    assert (response.context["recap"].cases, response.context["recap"].victims) == (2, 3)
    page = response.content.decode()
    for label in (
        "Rumah Tangga",
        "Lembaga Pendidikan Kilat",
        "Orang Tua",
        "Keluarga/Saudara",
        "Tidak/Belum Pernah Sekolah",
        "SLTA",
        "Perempuan",
        "Sensorik",
    ):
        assert label in page
    assert "66,7%" in page
    assert 'data-testid="unfinished-month"' not in page  # June is long over


def test_the_simfoni_period_defaults_to_this_year_so_far(client, budi, simfoni_cases):
    client.force_login(budi)
    response = client.get(SIMFONI)
    today = datetime.date.today()
    assert response.context["recap"].first_month == datetime.date(today.year, 1, 1)
    assert response.context["recap"].last_month == today.replace(day=1)
    assert 'data-testid="unfinished-month"' in response.content.decode()
    wrong = client.get(SIMFONI, {"first_month": "2026-06", "last_month": "2026-01"})
    assert wrong.context["form"].errors["last_month"]


def test_the_simfoni_csv_and_xlsx(client, budi, english, simfoni_cases):
    client.force_login(budi)
    response = client.get(SIMFONI, {**PERIOD, "format": "csv"})
    assert 'filename="rekap-simfoni-2026-01-2026-06-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Table", "Item", "Cases (kasus)", "Victims (korban)", "% of victims"]
    assert rows[1] == ["Cases and victims", "Number of cases", "2", "", ""]
    assert ["Place of the incident", "Household", "1", "2", ""] in rows
    assert ["Cases and victims", "Female", "", "2", "66.7"] in rows
    assert ["Victims' education", "Primary school (SD)", "", "2", "66.7"] in rows
    xlsx = client.get(SIMFONI, {**PERIOD, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert workbook.sheetnames == [
        "Cases and victims",
        "Form of violence",
        "Place of the incident",
        "Perpetrator's relationship to t",  # Excel's 31 characters
        "Victims' age group",
        "Child or adult",
        "Victims' education",
        "Victims with a disability",
    ]
    places = list(workbook["Place of the incident"].iter_rows(values_only=True))
    assert places[0] == ("Item", "Cases (kasus)", "Victims (korban)")
    assert places[1] == ("Household", 1, 2)
    assert places[-1] == ("Total", 2, 3)


# --- No identity, audit, scope, cost -------------------------------------------------------


def _everything(client):
    """Every output of both reports: pages, CSV and XLSX text."""
    texts = []
    for url, params in ((KLA, {"year": "2026"}), (SIMFONI, PERIOD)):
        texts.append(client.get(url, params).content.decode())
        csv_file = client.get(url, {**params, "format": "csv"})
        texts.append(b"".join(csv_file.streaming_content).decode("utf-8-sig"))
        xlsx = client.get(url, {**params, "format": "xlsx"})
        workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                texts.append(" ".join(str(value) for value in row if value is not None))
    return "\n".join(texts)


def test_no_name_or_case_code_in_any_output(client, budi, kla_cases, simfoni_cases):
    client.force_login(budi)
    everything = _everything(client)
    assert CHILD_NAME not in everything and "Siti" not in everything
    assert kla_cases.code not in everything and simfoni_cases.code not in everything
    assert "BPN-" not in everything


def test_every_download_is_audited(client, budi, kla_cases):
    client.force_login(budi)
    for url, params, report in (
        (KLA, {"year": "2026"}, "kla"),
        (SIMFONI, PERIOD, "simfoni"),
    ):
        for file_format in ("csv", "xlsx"):
            client.get(url, {**params, "format": file_format})
            event = AuditEvent.objects.filter(actor=budi, action="export").latest("pk")
            assert event.object_type == "reports.statcell"
            assert f"report:{report}" in event.fields
            assert f"format:{file_format}" in event.fields
            assert "scope:agency" in event.fields
    assert AuditEvent.objects.filter(actor=budi, action="export").count() == 4
    client.get(KLA, {"year": "2026"})  # looking is not exporting
    assert AuditEvent.objects.filter(actor=budi, action="export").count() == 4


def test_a_data_officer_produces_her_agencys_reports(client, gita, kla_cases):
    client.force_login(gita)
    report = client.get(KLA, {"year": "2026"}).context["report"]
    assert not report.total  # DP3AKB leads none of the cases
    client.get(SIMFONI, {**PERIOD, "format": "xlsx"})
    event = AuditEvent.objects.get(actor=gita, action="export")
    assert f"agency:{gita.membership.agency_id}" in event.fields


@pytest.mark.parametrize("username", ["ani", "citra", "rina", "eko", "hadi"])
@pytest.mark.parametrize("url", [KLA, SIMFONI])
def test_others_are_refused(client, request, username, url):
    client.force_login(request.getfixturevalue(username))
    assert client.get(url).status_code == 403
    assert client.get(url, {"format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(KLA).status_code == 302
    assert client.get(SIMFONI).status_code == 302


@pytest.mark.parametrize("url", [KLA, SIMFONI])
def test_the_network_needs_the_network_scope(client, budi, gita, dewi, url):
    for user in (budi, gita, dewi):
        client.force_login(user)
        assert client.get(url, {"scope": "network"}).status_code == 403
        assert client.get(url, {"scope": "network", "format": "xlsx"}).status_code == 403
    Membership.objects.filter(user=dewi).update(network_statistics=True)
    client.force_login(dewi)
    assert client.get(url, {"scope": "network"}).status_code == 200


def test_the_network_is_the_city_and_never_another(
    client, fajar, uptd_ppa, elsewhere, kla_cases, referral_cells
):
    client.force_login(fajar)
    report = client.get(KLA, {"scope": "network", "year": "2026"}).context["report"]
    # Dinas Sosial's four and the UPTD's girl of 8, not Samarinda's two.
    assert counts(report.total) == ((2, 1, 1), (5, 4, 2))
    assert report.referrals[0].this == 5 + 7
    one = client.get(KLA, {"scope": "network", "year": "2026", "agency": uptd_ppa.pk})
    assert counts(one.context["report"].total) == (NONE, (1, 1, 0))
    refused = client.get(KLA, {"scope": "network", "year": "2026", "agency": elsewhere.pk})
    assert refused.context["form"].errors["agency"]
    assert counts(refused.context["report"].total) == ((2, 1, 1), (5, 4, 2))
    recap = client.get(SIMFONI, {"scope": "network", **PERIOD}).context["recap"]
    assert recap.victims == 3 + 1  # Dinas Sosial's three children to June, the UPTD's one
    other = client.get(SIMFONI, {"scope": "network", **PERIOD, "agency": elsewhere.pk})
    assert other.context["form"].errors["agency"]
    csv_file = client.get(KLA, {"scope": "network", "year": "2026", "format": "csv"})
    text = b"".join(csv_file.streaming_content).decode("utf-8-sig")
    assert "Samarinda" not in text
    assert "scope:network" in AuditEvent.objects.filter(actor=fajar).latest("pk").fields


def test_the_pages_cost_the_same_queries_whatever_the_data(
    client, budi, fajar, dinsos, hadi, django_assert_num_queries
):
    # Warmed: the menu's counts are kept between pages (agencies.menu_counts), so what is
    # left is the same for budi (two counts) and fajar (one).
    pages = [
        (budi, KLA, {"year": "2026"}, 4),
        (budi, SIMFONI, PERIOD, 3),
        (fajar, KLA, {"year": "2026", "scope": "network"}, 5),
        (fajar, SIMFONI, {**PERIOD, "scope": "network"}, 4),
    ]
    stats_refresh()
    for user, url, params, queries in pages:
        client.force_login(user)
        client.get(url, params)
        with django_assert_num_queries(queries):
            client.get(url, params)
    for day in range(1, 8):
        a_case(
            dinsos,
            hadi,
            at(2026, 3, day),
            children=[("P", datetime.date(2014, 1, day)), ("L", None)],
            forms=["seksual"],
            ampk_category="kejahatan_seksual",
        )
    stats_refresh()
    for user, url, params, queries in pages:
        client.force_login(user)
        with django_assert_num_queries(queries):
            client.get(url, params)
