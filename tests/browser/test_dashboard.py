"""The dashboard in Chromium: an official reads it, the charts are drawn, a number opens its list."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import RESULTS_DIR
from .test_journeys import log_in, read_angka

pytestmark = pytest.mark.browser


def test_pimpinan_reads_the_dashboard_and_follows_a_number(page, demo):
    log_in(page, "pimpinan")
    expect(page).to_have_url(re.compile(r"/dasbor/$"))

    # Every chart is drawn: an SVG with a title, with visible marks, and a table of its numbers nearby.
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(6)
    for chart in charts.all():
        expect(chart.locator("title").first).not_to_be_empty()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50
    expect(page.locator("svg.chart-tiles rect.tile")).to_have_count(18)
    assert page.locator("svg.chart-bars rect.chart-bar").count() >= 3
    assert page.locator("svg.chart-lines polyline").count() >= 3

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "dashboard.png"), full_page=True)

    # A phone: the figures stay readable, one column, nothing wider than the screen but the tables.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#total-koperasi")).to_be_visible()
    page.screenshot(path=str(RESULTS_DIR / "dashboard-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # The active figure opens the list that produces it, with the same count.
    active = read_angka(page.locator("#aktif-koperasi").inner_text())
    page.locator("#aktif-koperasi a").click()
    expect(page).to_have_url(re.compile(r"/koperasi/\?status=aktif$"))
    expect(page.locator(".result-count")).to_contain_text(f"{active:,}".replace(",", "."))

    # Another year and one kecamatan, without JavaScript tricks: a plain GET form.
    page.go_back()
    page.get_by_label("Kecamatan", exact=True).select_option(label="Sangatta Utara")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(r"kecamatan=64\.08\.04"))
    expect(page.locator(".page-header .lead")).to_contain_text("Sangatta Utara")

    # The A4 print layout for meetings.
    page.emulate_media(media="print")
    expect(page.locator(".dashboard-filter")).to_be_hidden()
    page.pdf(path=str(RESULTS_DIR / "dashboard.pdf"), format="A4")
