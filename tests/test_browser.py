"""Journeys in a real Chromium: sign in, languages, the region picker, intake on a phone."""

import re

import pytest
from django.conf import settings

from tests.browser import CHROMIUM, CHROMIUM_ARGS, start_demo_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    base_url, process = start_demo_server(tmp_path_factory.mktemp("browser"))
    yield base_url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import expect, sync_playwright

    # The suite shares two cores with the server and Chromium: allow a slow moment.
    expect.set_options(timeout=15_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # An English-speaking browser: Sinergi must still answer in Indonesian.
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        yield page
        browser.close()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/masuk/")
    page.get_by_label("Nama pengguna atau e-mail").fill(username)
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_ani_signs_in_reads_indonesian_switches_to_english_and_signs_out(demo_server, page):
    from playwright.sync_api import expect

    page.goto(f"{demo_server}/")
    expect(page.locator("h1")).to_contain_text("melindungi anak")
    page.get_by_role("link", name="Masuk").first.click()

    page.get_by_label("Nama pengguna atau e-mail").fill("ani")
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.locator("h1")).to_have_text("Selamat datang, Ani")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_test_id("current-user")).to_contain_text("Dinsos")

    page.get_by_label("Bahasa").select_option("en")
    expect(page.locator("h1")).to_have_text("Welcome, Ani")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{demo_server}/")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert page.console_errors == [], "CSP violations or script errors in the console"


def test_the_region_picker_loads_each_level_from_the_one_above(demo_server, page):
    from playwright.sync_api import expect

    sign_in(page, demo_server, "eko")
    page.goto(f"{demo_server}/admin/agencies/agency/add/")
    regency = page.locator("#id_regency")
    expect(regency).to_be_disabled()
    page.locator("#id_regency_level1").select_option(label="Kalimantan Timur")
    expect(regency).to_be_enabled()
    regency.select_option(label="Kota Balikpapan")
    expect(regency).to_have_value("64.71")
    assert page.console_errors == []


def test_hadi_records_a_complaint_on_a_phone_and_opens_a_case(demo_server, page):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, demo_server, "hadi")
    page.goto(f"{demo_server}/kasus/pengaduan/baru/")
    page.locator("#id_channel").select_option("whatsapp")
    page.locator("#id_received_at").fill("2026-11-20T09:30")
    page.locator("#id_risk_level").select_option("sedang")
    page.locator("#id_narrative").fill("Anak tidak diurus orang tuanya selama seminggu.")
    page.locator("#id_child-0-name").fill("Anak Contoh Peramban")
    page.locator("#id_child-0-sex").select_option("L")
    page.locator("#id_child-0-birth_date").fill("2017-07-07")
    page.locator("input[name=violence_forms][value=penelantaran]").check()
    page.locator("#id_incident_village_level1").select_option(label="Kalimantan Timur")
    page.locator("#id_incident_village_level2").select_option(label="Kota Balikpapan")
    page.locator("#id_incident_village_level3").select_option(label="Balikpapan Timur")
    page.locator("#id_incident_village").select_option(label="Manggar")
    page.locator("#id_reporter_is_anonymous").check()
    page.locator("form.intake-form button[type=submit]").click()

    expect(page.locator("h1")).to_contain_text("Triase")
    page.locator("form[action$='/buka/'] select").select_option(label="Ani Rahmawati")
    page.locator("form[action$='/buka/'] button").click()

    # Handed to Ani, the case leaves Hadi's sight; he is back at the inbox.
    expect(page.get_by_role("status")).to_contain_text("BPN-")
    page.wait_for_load_state()  # the menu's script, before its button is pressed
    page.locator(".navbar-toggler").click()  # the phone's collapsed menu
    # Bootstrap marks the menu "show" once it has finished opening: a click during the
    # animation can land on a moving button and go nowhere.
    expect(page.locator("#nav-menu")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(f"{demo_server}/")  # signed out before going on
    sign_in(page, demo_server, "ani")
    page.goto(f"{demo_server}/kasus/")
    newest = page.locator("tbody tr").first
    # Ani chose English in the first journey, and the account remembers it.
    expect(newest).to_contain_text(re.compile(r"AC · \d+ (th|y) · L"))
    expect(page.locator("body")).not_to_contain_text("Peramban")
    assert page.console_errors == []


def sign_out(page) -> None:
    page.get_by_role("button", name="Keluar").click()


def test_ani_refers_a_case_sari_accepts_and_citra_reads_it(demo_server, page):
    from playwright.sync_api import expect

    sign_in(page, demo_server, "ani")
    page.locator("#language-select").select_option("id")  # an earlier journey chose English
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.goto(f"{demo_server}/kasus/")
    page.locator("tr", has_text="Intervensi").get_by_role("link").first.click()
    case_url = page.url
    page.get_by_role("tab", name="Rujukan").click()
    page.get_by_role("link", name="Rujuk kasus").click()
    # The form's script must be running before the agency is chosen, or nothing ticks.
    page.wait_for_load_state("load")

    page.locator("#id_to_agency").select_option(label="UPTD PPA")
    # Choosing UPTD PPA ticks its usual minimum (a static script; the CSP allows no other).
    expect(page.locator("input[name=shared_sections][value=identitas]")).to_be_checked()
    expect(page.locator("input[name=shared_sections][value=catatan]")).not_to_be_checked()
    page.locator("#id_service_type").select_option("penguatan_psikologis")
    page.locator("#id_reason").fill("Anak butuh pemeriksaan psikologis.")
    page.locator("#id_summary_purpose").fill("Pemeriksaan dan penguatan psikologis.")
    page.locator("#id_consent_by").select_option("wali")
    page.locator("#id_consent_on").fill("2026-11-20")
    page.get_by_role("button", name="Kirim rujukan").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Dikirim")
    referral_url = page.url
    sign_out(page)

    sign_in(page, demo_server, "sari")
    expect(page.get_by_test_id("badge-referral-incoming")).to_be_visible()
    page.goto(referral_url)
    page.get_by_label("Citra Lestari").check()
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Diterima")
    sign_out(page)

    sign_in(page, demo_server, "citra")
    page.goto(referral_url)
    page.get_by_role("link", name="Lihat kasus").click()
    expect(page).to_have_url(case_url)
    expect(page.get_by_role("tab", name="Asesmen")).to_be_visible()
    expect(page.get_by_role("tab", name="Catatan dan kunjungan")).to_have_count(0)
    assert page.console_errors == []


def test_fajar_records_an_agreement_a_member_and_finds_the_gaps(demo_server, page):
    from playwright.sync_api import expect

    sign_in(page, demo_server, "fajar")
    page.locator("#language-select").select_option("id")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("link", name="Kesepakatan Bersama", exact=True).first.click()
    page.get_by_role("link", name="Catat Kesepakatan Bersama").click()

    page.get_by_label("Judul").fill("Kesepakatan Penanganan Anak Korban Kekerasan")
    page.get_by_label("Nomor").fill("KB/UJI/2026")
    page.get_by_label("Tanggal penandatanganan").fill("2026-01-15")
    page.get_by_label("Berlaku mulai").fill("2026-01-15")
    page.get_by_label("Berlaku sampai").fill("2028-01-14")
    page.get_by_label("Dinsos", exact=True).check()
    page.get_by_label("UPTD PPA", exact=True).check()
    page.get_by_label("Dokumen yang ditandatangani (PDF)").set_input_files(
        files=[{"name": "kb.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF"}]
    )
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("h1")).to_have_text("Kesepakatan Penanganan Anak Korban Kekerasan")
    expect(page.get_by_role("link", name="Unduh")).to_be_visible()

    page.locator("#id_agency").select_option(label="Dinsos")
    page.locator("#id_service_type").select_option("rehabilitasi_sosial")
    page.locator("#id_description").fill("Rehabilitasi sosial dalam 7 hari")
    page.get_by_role("button", name="Tambahkan komitmen").click()
    expect(page.get_by_role("cell", name="Rehabilitasi sosial dalam 7 hari")).to_be_visible()

    page.goto(f"{demo_server}/jejaring/anggota/")
    page.get_by_role("link", name="Tambahkan anggota jejaring").click()
    page.locator("#id_type").select_option("psm")
    page.get_by_label("Nama", exact=True).fill("Ibu Uji Coba")
    page.locator("#id_area").select_option("64.71.06.1002")  # Telaga Sari, Balikpapan Kota
    page.get_by_label("Telepon").fill("0812 0000 1234")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("cell", name="Ibu Uji Coba")).to_be_visible()

    page.get_by_role("link", name="Cakupan per wilayah").click()
    page.locator("#id_gap").select_option("tksk")
    page.get_by_role("button", name="Saring").click()
    # Balikpapan Kota has no TKSK in the demo; Balikpapan Timur has one.
    expect(page.get_by_test_id("area-64.71.06")).to_be_visible()
    expect(page.get_by_test_id("area-64.71.01")).to_have_count(0)
    assert page.console_errors == []


def test_dewi_reads_the_dashboard_and_the_public_reads_the_statistics(demo_server, page):
    from playwright.sync_api import expect

    page.goto(f"{demo_server}/")
    page.locator("#language-select").select_option("id")
    page.get_by_role("link", name="Statistik publik").click()
    expect(page.locator("h1")).to_contain_text("Statistik perlindungan anak")
    expect(page.locator("svg").first).to_be_visible()

    sign_in(page, demo_server, "dewi")
    page.get_by_role("link", name="Dasbor", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("DP3AKB")
    expect(page.get_by_test_id("data-as-of")).to_contain_text("Data per")
    page.get_by_role("link", name="Tren menurut bentuk kekerasan").click()
    expect(page.get_by_test_id("trend-seksual")).to_be_visible()
    assert page.console_errors == []


def test_budi_reads_the_api_docs_served_by_sinergi_itself(demo_server, page):
    """Swagger UI comes from Sinergi's static files (no CDN) and runs under the strict CSP;
    the registration of a partner system shows its token once."""
    from playwright.sync_api import expect

    outside = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(demo_server) else outside.append(request.url)
        ),
    )
    sign_in(page, demo_server, "budi")
    page.goto(f"{demo_server}/api/docs/")
    expect(page.locator(".opblock-tag").first).to_be_visible()
    expect(page.get_by_text("/api/v1/referrals/").first).to_be_visible()
    assert outside == [], "the docs page reached outside Sinergi"
    assert page.console_errors == [], "CSP violations or script errors in the console"

    page.context.clear_cookies()  # eko, the admin, registers the hospital's system
    sign_in(page, demo_server, "eko")
    page.goto(f"{demo_server}/admin/agencies/apiclient/add/")
    page.locator("#id_name").fill("SIMRS uji")
    page.locator("input[name=roles][value=supervisor]").check()
    page.locator("input[name=scopes][value=read]").check()
    page.locator("input[type=submit]").click()
    expect(page.locator("#api-token")).to_contain_text("sng_")
