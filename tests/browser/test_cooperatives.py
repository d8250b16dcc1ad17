"""The staff workspace in Chromium: find, read and edit a cooperative; two officers at once; a bad NIK."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import Cooperative, Member

from .conftest import DEMO_PASSWORD, RESULTS_DIR

pytestmark = pytest.mark.browser

LIST = re.compile(r"/koperasi/(\?.*)?$")


def log_in(page, username, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    password_field = page.get_by_label("Sandi")
    password_field.fill(password)
    password_field.press("Enter")
    page.wait_for_load_state()


def a_cooperative_with_two_words():
    """A demo cooperative whose name has two distinctive words that find it alone."""
    for cooperative in Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("id")[:200]:
        words = [w for w in cooperative.name.split() if len(w) > 3 and w.lower() not in {"koperasi", "produsen"}]
        if len(words) >= 2:
            found = Cooperative.objects.filter(name__icontains=words[0]).filter(name__icontains=words[1])
            if found.count() <= 5:
                return cooperative, words[:2]
    pytest.fail("no demo cooperative with two distinctive words")


def test_search_filter_open_and_come_back(page, demo):
    cooperative, (first, second) = a_cooperative_with_two_words()
    log_in(page, "petugas")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Koperasi").click()
    expect(page).to_have_url(LIST)
    expect(page.locator(".result-count")).to_contain_text("1.150 koperasi")

    # Two words, in the other order, in lower and upper case.
    search = page.get_by_label("Cari koperasi")
    search.fill(f"{second.upper()} {first.lower()}")
    search.press("Enter")
    expect(page.get_by_role("link", name=cooperative.name, exact=True)).to_be_visible()

    # A filter beside the search, then remove the search alone.
    page.locator(".filter-more summary").click()
    page.locator("#id_status").select_option("aktif")
    page.get_by_role("button", name="Terapkan saringan").click()
    chips = page.locator(".active-filters")
    expect(chips).to_contain_text("Status: Aktif")
    expect(chips).to_contain_text("Cari:")
    expect(page.get_by_role("link", name=cooperative.name, exact=True)).to_be_visible()
    chips.get_by_role("link", name="Hapus saringan cari").click()
    expect(chips).not_to_contain_text("Cari:")
    expect(chips).to_contain_text("Status: Aktif")
    active = Cooperative.objects.filter(status="aktif").count()
    expect(page.locator(".result-count")).to_contain_text(f"{active:,}".replace(",", ".") + " koperasi")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=RESULTS_DIR / "koperasi-list.png", full_page=True)

    # Into a record and back: the filters are still there.
    page.locator(".cooperative-table tbody a").first.click()
    page.screenshot(path=RESULTS_DIR / "koperasi-profile.png", full_page=True)
    page.get_by_role("link", name="Kembali ke daftar koperasi").click()
    expect(page).to_have_url(re.compile(r"/koperasi/\?.*status=aktif"))
    expect(page.locator(".active-filters")).to_contain_text("Status: Aktif")


def test_edit_a_cooperative_and_see_who_changed_what(page, demo):
    cooperative = Cooperative.objects.filter(desa__kecamatan="64.08.04").order_by("id").first()
    log_in(page, "petugas")
    page.goto(f"/koperasi/{cooperative.pk}/")
    page.get_by_role("link", name="Ubah data").click()
    page.get_by_label("telepon").fill("0812-5555-0001")
    page.get_by_label("alasan perubahan").fill("Nomor baru dari ketua")
    page.get_by_role("button", name="Simpan").click()

    expect(page).to_have_url(re.compile(rf"/koperasi/{cooperative.pk}/$"))
    expect(page.locator(".message-success")).to_contain_text("Perubahan tersimpan")
    # The history has a page of its own, linked from the profile with its count.
    page.get_by_role("link", name=re.compile(r"Lihat riwayat perubahan \(\d+\)")).click()
    expect(page).to_have_url(re.compile(rf"/koperasi/{cooperative.pk}/riwayat/$"))
    latest = page.locator(".history-entry").first
    expect(latest).to_contain_text("0812-5555-0001")
    expect(latest).to_contain_text("Nomor baru dari ketua")
    cooperative.refresh_from_db()
    assert cooperative.phone == "0812-5555-0001"


def test_two_officers_edit_the_same_cooperative(page, demo, browser, live_server):
    cooperative = Cooperative.objects.order_by("id").first()
    url = f"/koperasi/{cooperative.pk}/ubah/"
    other_context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900}
    )
    other = other_context.new_page()
    try:
        log_in(page, "petugas")
        log_in(other, "admin")
        page.goto(url)
        other.goto(url)  # both forms opened at the same version

        other.get_by_label("telepon").fill("0811-0000-111")
        other.get_by_role("button", name="Simpan").click()
        expect(other.locator(".message-success")).to_be_visible()

        page.get_by_label("nama koperasi").fill("Koperasi Nama Dari Petugas")
        page.get_by_role("button", name="Simpan").click()
        conflict = page.locator("section.conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("0811-0000-111")
        expect(page.get_by_label("nama koperasi")).to_have_value("Koperasi Nama Dari Petugas")
        cooperative.refresh_from_db()
        assert (cooperative.name != "Koperasi Nama Dari Petugas", cooperative.phone) == (True, "0811-0000-111")

        # Having read the other change, saving again is deliberate and succeeds.
        page.get_by_role("button", name="Simpan").click()
        expect(page.locator(".message-success")).to_be_visible()
        cooperative.refresh_from_db()
        assert cooperative.name == "Koperasi Nama Dari Petugas"
    finally:
        other_context.close()


def test_member_with_an_invalid_nik_gets_a_readable_error(page, demo):
    cooperative = Cooperative.objects.order_by("id").first()
    before = Member.objects.filter(cooperative=cooperative).count()
    log_in(page, "petugas")
    page.goto(f"/koperasi/{cooperative.pk}/")
    page.get_by_role("link", name="Tambah anggota").click()
    page.get_by_label("nama").first.fill("Budi Santoso")
    nik = page.get_by_label("NIK")
    nik.fill("6408 0412 0390")
    page.get_by_role("button", name="Simpan").click()

    field = page.locator(".field-error")
    expect(field).to_contain_text("NIK harus tepat 16 angka (0-9).")
    expect(field.get_by_label("NIK")).to_be_visible()
    expect(page.get_by_label("nama").first).to_have_value("Budi Santoso")
    assert Member.objects.filter(cooperative=cooperative).count() == before

    nik.fill("6408041203900777")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#nik-tersamar")).to_have_text("************0777")


def test_desa_choices_follow_the_kecamatan(page, demo):
    log_in(page, "petugas")
    page.goto("/koperasi/tambah/")
    page.locator("#id_kecamatan").select_option(label="Muara Wahau")
    visible = page.locator("select[data-desa-select] optgroup:not([hidden])")
    expect(visible).to_have_count(1)
    expect(visible).to_have_attribute("label", "Muara Wahau")
