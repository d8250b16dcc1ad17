"""Import in Chromium: a Petugas uploads a member list with errors, reads them, fixes the file, commits."""

import csv
import io

import pytest
from playwright.sync_api import expect

from registry.models import Cooperative, ImportBatch, Member

from .conftest import RESULTS_DIR
from .test_cooperatives import log_in

pytestmark = pytest.mark.browser


def member_file(cooperative, *, bad):
    desa, kecamatan = cooperative.desa.name, cooperative.desa.kecamatan.name
    rows = [["Nama", "NIK", "Jenis kelamin", "Tanggal lahir", "Desa/kelurahan", "Kecamatan"],
            ["Siti Impor", "6408014512800091", "P", "05/12/1980", desa, kecamatan],
            ["Budi Impor", "640801051280009" if bad else "6408010512800092", "L", "05/12/1980",
             (desa + "x") if bad else desa, kecamatan]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_upload_read_errors_fix_and_commit(page, demo):
    cooperative = Cooperative.objects.filter(status="aktif").order_by("id").first()
    before = Member.objects.filter(cooperative=cooperative).count()
    log_in(page, "petugas")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Impor").click()

    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "imports-upload.png"), full_page=True)
    page.get_by_label("Anggota", exact=True).check()
    page.locator("#id_cooperative").fill(f"{cooperative.name} (#{cooperative.pk})")  # as a suggestion writes it
    page.get_by_label("Berkas").set_input_files(
        {"name": "anggota.csv", "mimeType": "text/csv", "buffer": member_file(cooperative, bad=True)})
    page.get_by_role("button", name="Periksa berkas").click()

    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("16 angka")
    expect(errors).to_contain_text("Mungkin maksud Anda")
    expect(page.locator(".import-counts")).to_contain_text("1")
    expect(page.get_by_role("button", name="Simpan semua")).to_have_count(0)
    page.screenshot(path=str(RESULTS_DIR / "imports-preview-errors.png"), full_page=True)

    page.get_by_role("link", name="Perbaiki berkas lalu unggah lagi").click()
    page.get_by_label("Anggota", exact=True).check()
    page.locator("#id_cooperative").fill(f"{cooperative.name} (#{cooperative.pk})")  # as a suggestion writes it
    page.get_by_label("Berkas").set_input_files(
        {"name": "anggota.csv", "mimeType": "text/csv", "buffer": member_file(cooperative, bad=False)})
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator(".import-errors")).to_have_count(0)
    page.get_by_role("button", name="Simpan semua").click()

    expect(page.locator(".messages")).to_contain_text("2 baru")
    assert Member.objects.filter(cooperative=cooperative).count() == before + 2
    assert ImportBatch.objects.get().rows_created == 2
