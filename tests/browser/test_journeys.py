"""Journeys through the pages that exist so far, in Chromium, against the demo district."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from registry.models import Cooperative
from tests.builders import SANGATTA_SELATAN, SANGATTA_UTARA

from .conftest import DEMO_ACTIVE_SHARE, DEMO_COOPERATIVES, DEMO_PASSWORD, RESULTS_DIR

pytestmark = pytest.mark.browser

LOGIN = re.compile(r"/accounts/login/(\?.*)?$")
DASHBOARD = re.compile(r"/dasbor/$")


def angka(number):
    """An integer as the Indonesian interface writes it: 1.150."""
    return f"{number:,}".replace(",", ".")


def read_angka(text):
    return int(text.strip().replace(".", ""))


def log_in(page, username, password=DEMO_PASSWORD):
    """Through the form, as a person does: type both fields, press Enter. Returns the answer."""
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    password_field = page.get_by_label("Sandi")
    password_field.fill(password)
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        password_field.press("Enter")
    page.wait_for_load_state()
    return answer.value


def kecamatan_rows(page):
    table = page.locator("section").filter(has=page.get_by_role("heading", name="Koperasi per kecamatan"))
    return table.locator("tbody tr")


def test_pimpinan_sees_the_whole_district(page, demo):
    active_in_db = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).count()

    assert log_in(page, "pimpinan").status == 302

    expect(page).to_have_url(DASHBOARD)
    expect(page.locator("#total-koperasi")).to_have_text("1.150")
    total = read_angka(page.locator("#total-koperasi").inner_text())
    active = read_angka(page.locator("#aktif-koperasi").inner_text())
    assert total == DEMO_COOPERATIVES
    assert active == active_in_db
    assert active / total == pytest.approx(DEMO_ACTIVE_SHARE, abs=0.02)
    expect(page.locator(".page-header .lead")).to_have_text("Seluruh Kabupaten Kutai Timur")
    expect(kecamatan_rows(page)).to_have_count(18)

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=RESULTS_DIR / "dashboard-pimpinan.png", full_page=True)


def test_petugas_sangatta_sees_only_the_two_sangatta_kecamatan(page, demo):
    # Expected figures from the database first: the browser then has the server to itself.
    area = {SANGATTA_UTARA: "Sangatta Utara", SANGATTA_SELATAN: "Sangatta Selatan"}
    in_area = Cooperative.objects.filter(desa__kecamatan__in=area)
    total, active = in_area.count(), in_area.filter(status=Cooperative.Status.ACTIVE).count()
    per_kecamatan = {code: in_area.filter(desa__kecamatan=code).count() for code in area}
    assert 0 < total < Cooperative.objects.count()

    log_in(page, "petugas_sangatta")

    expect(page).to_have_url(DASHBOARD)
    expect(page.locator("#total-koperasi")).to_have_text(angka(total))
    expect(page.locator("#aktif-koperasi")).to_have_text(angka(active))
    for place in (page.locator(".site-header .user-meta"), page.locator(".page-header .lead")):
        for name in area.values():
            expect(place).to_contain_text(name)
    rows = kecamatan_rows(page)
    expect(rows).to_have_count(2)
    for row, (code, name) in zip(rows.all(), area.items(), strict=True):
        expect(row.locator("td").first).to_have_text(code)
        expect(row.locator("th")).to_have_text(name)
        expect(row.locator("td").nth(1)).to_have_text(angka(per_kecamatan[code]))


def test_wrong_passwords_show_an_indonesian_error_then_lock_the_account(page, demo):
    error = page.locator(".form-errors")
    for _ in range(4):
        assert log_in(page, "petugas", "salah-kata-sandi").status == 200
        expect(page).to_have_url(LOGIN)
        expect(error).to_contain_text("Nama pengguna atau kata sandi salah")
    locked = page.get_by_role("heading", name="Akun dikunci sementara")
    expect(locked).not_to_be_attached()

    assert log_in(page, "petugas", "salah-kata-sandi").status == 429  # the fifth locks
    expect(locked).to_be_visible()
    assert log_in(page, "petugas", DEMO_PASSWORD).status == 429  # the sixth, the right password
    expect(locked).to_be_visible()

    page.goto("/dasbor/")
    expect(page).to_have_url(LOGIN)
    # The lock holds this username from this address only: others still sign in.
    log_in(page, "pimpinan")
    expect(page).to_have_url(DASHBOARD)


def test_language_switch_changes_the_interface_and_back(page, demo):
    log_in(page, "pimpinan")
    html = page.locator("html")
    switch = page.locator(".language-switch")
    nav = page.get_by_role("navigation")
    expect(html).to_have_attribute("lang", "id")
    expect(nav.get_by_role("link", name="Dasbor", exact=True)).to_be_visible()

    switch.get_by_role("button", name="EN").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(DASHBOARD)
    # The English catalogue is compiled and committed (locale/en/LC_MESSAGES/django.mo).
    expect(nav.get_by_role("link", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("#total-koperasi")).to_have_text("1,150")

    switch.get_by_role("button", name="ID").click()
    expect(html).to_have_attribute("lang", "id")
    expect(page).to_have_url(DASHBOARD)
    expect(nav.get_by_role("link", name="Dasbor", exact=True)).to_be_visible()
    expect(page.locator("#total-koperasi")).to_have_text("1.150")


def test_logout_returns_to_the_login_page(page, demo):
    log_in(page, "pimpinan")
    expect(page).to_have_url(DASHBOARD)

    page.locator(".user-box").get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_role("heading", name="Masuk ke Kutim Koperasi")).to_be_visible()

    page.goto("/dasbor/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dasbor/$"))


def test_admin_sets_up_two_step_verification_then_signs_in_with_a_backup_code(page, demo, settings):
    settings.SECOND_FACTOR_REQUIRED = True  # as in production: the admin is held until enrolled

    log_in(page, "admin")
    expect(page).to_have_url(re.compile(r"/akun/dua-langkah/pasang/\?next="))
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/akun/dua-langkah/pasang/\?next=%2Fadmin%2F$"))
    expect(page.locator(".qr-code svg")).to_be_visible()

    # The phone's app: the key typed by hand, as the page offers when scanning is not possible.
    secret = page.locator(".totp-secret code").inner_text().replace(" ", "")
    totp = TOTP(b32decode(secret))
    code_field = page.get_by_label("Kode dari aplikasi")
    code_field.fill(f"{totp.token():06d}")
    code_field.press("Enter")
    codes = page.locator(".backup-codes code")
    expect(codes).to_have_count(10)
    backup_code = codes.first.inner_text()
    page.get_by_role("link", name="Sudah saya simpan, lanjutkan").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.context.clear_cookies()
    log_in(page, "admin")
    expect(page).to_have_url(re.compile(r"/akun/dua-langkah/verifikasi/\?next="))
    field = page.get_by_label("Kode verifikasi")
    field.fill(backup_code)
    field.press("Enter")
    expect(page).to_have_url(DASHBOARD)
    expect(page.locator(".messages")).to_contain_text("Anda masuk dengan kode cadangan; tersisa 9")


def test_password_change_from_the_header(page, demo):
    log_in(page, "petugas")
    page.locator(".user-box").get_by_role("link", name="Ganti kata sandi").click()
    expect(page.get_by_role("heading", name="Ganti kata sandi")).to_be_visible()
    page.get_by_label("Sandi lama").fill(DEMO_PASSWORD)
    page.locator("#id_new_password1").fill("sawit-tumbuh-subur-2026")
    page.get_by_label("Konfirmasi sandi baru").fill("sawit-tumbuh-subur-2026")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(page.locator(".messages")).to_contain_text("Kata sandi sudah diganti.")

    page.context.clear_cookies()
    assert log_in(page, "petugas").status == 200  # the old password no longer
    log_in(page, "petugas", "sawit-tumbuh-subur-2026")
    expect(page).to_have_url(DASHBOARD)


def watch_for_problems(page):
    """Everything that goes wrong in the page, as text: console errors, script errors, failed or
    refused requests, Content Security Policy violations."""
    problems = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_request_failed(request):
        # net::ERR_ABORTED is the browser cancelling its own request because the page went away (the
        # reload below can come while the first load's favicon is still on its way, as it did once on
        # a busy machine): not a failure of the page. A missing file answers 404 (on_response), a
        # refused or blocked one fails with another code, and both are still caught.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"failed: {request.url} {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    # Chromium reports a violation as a console error; the event is recorded too, so that a change
    # in the console's wording cannot hide one. Init scripts are not subject to the page's CSP.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )
    return problems


def test_dashboard_has_no_console_errors_or_csp_violations(page, demo):
    problems = watch_for_problems(page)

    log_in(page, "pimpinan")
    expect(page).to_have_url(DASHBOARD)
    response = page.reload()
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#total-koperasi")).to_have_text("1.150")

    assert problems == []

    # The watch works: an inline script, which the policy forbids, is caught.
    with page.expect_console_message(lambda message: message.text.startswith("CSP violation: script-src")):
        page.evaluate("document.body.appendChild(document.createElement('script')).textContent = 'window.x = 1'")
    assert any("Content Security Policy" in problem for problem in problems), problems  # Chromium's own report
