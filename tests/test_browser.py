"""Smoke test in a real Chromium: sign in, read Indonesian, switch to English, sign out."""

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
    from playwright.sync_api import sync_playwright

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
