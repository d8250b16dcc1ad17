"""Partnerships and trainings in Chromium: a training with its participants; a suggestion made a partnership."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import BoardMember, Cooperative, Partnership, Training, TrainingParticipant, User
from registry.selectors.partnerships import partnership_suggestions

from .test_cooperatives import log_in

pytestmark = pytest.mark.browser


def a_cooperative_with_a_current_board():
    for cooperative in Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("id")[:300]:
        current = list(BoardMember.objects.filter(cooperative=cooperative).current().exclude(role="manajer"))
        if len(current) >= 2:
            return cooperative, current[:2]
    pytest.fail("no demo cooperative with two current board members")


def test_record_a_training_with_participants(page, demo):
    cooperative, (first, second) = a_cooperative_with_a_current_board()
    log_in(page, "petugas")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Pelatihan").click()
    page.get_by_role("link", name="Catat pelatihan").click()
    page.locator("#id_title").fill("Bimtek Akuntansi Koperasi Sawit")
    page.locator("#id_kind").select_option("bimtek")
    page.locator("#id_topic").select_option("akuntansi")
    page.locator("#id_start_date").fill("2026-11-20")
    page.locator("#id_end_date").fill("2026-11-21")
    page.locator("#id_organiser").fill("Dinas Koperasi dan UKM Kabupaten Kutai Timur")
    page.locator("#id_place").fill("Aula Dinas Koperasi, Sangatta")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".messages")).to_contain_text("Pelatihan tercatat")
    training = Training.objects.get(title="Bimtek Akuntansi Koperasi Sawit")
    expect(page).to_have_url(re.compile(rf"/pelatihan/{training.pk}/$"))

    # Participants: type the cooperative (a plain GET form), tick two board members, type one staff member.
    page.get_by_role("link", name="Tambah peserta").click()
    page.locator("#id_pilih_koperasi").fill(cooperative.name)
    page.get_by_role("button", name="Pilih").click()
    page.get_by_label(str(first)).check()
    page.get_by_label(str(second)).check()
    page.locator("#id_staff").fill("Rina Kasir; kasir")
    page.get_by_role("button", name="Simpan peserta").click()
    expect(page.locator(".messages")).to_contain_text(f"3 peserta dari {cooperative.name} tercatat")
    table = page.locator(".participant-table")
    for name in (first.name, second.name, "Rina Kasir"):
        expect(table).to_contain_text(name)
    assert TrainingParticipant.objects.filter(training=training, cooperative=cooperative).count() == 3

    # Mark one absent from the list.
    table.get_by_role("row", name=re.compile(re.escape(first.name))).get_by_role("link", name="Ubah").click()
    page.get_by_label("Hadir").uncheck()
    page.get_by_role("button", name="Simpan").click()
    row = page.locator(".participant-table").get_by_role("row", name=re.compile(re.escape(first.name)))
    expect(row).to_contain_text("Tidak hadir")


def test_turn_a_suggestion_into_a_partnership(page, demo):
    petugas = User.objects.get(username="petugas")
    for cooperative in Cooperative.objects.filter(status=Cooperative.Status.ACTIVE, palm_oil=True).order_by("id"):
        found = partnership_suggestions(cooperative=cooperative, user=petugas)
        if found:
            break
    best, candidate = found[0]
    log_in(page, "petugas")
    page.goto(f"/koperasi/{cooperative.pk}/saran-mitra/")
    expect(page.get_by_text("Cara saran disusun")).to_be_visible()
    first = page.locator(".suggestion").first
    expect(first).to_contain_text(best.name)
    expect(first).to_contain_text(f"{candidate.score} poin")
    first.get_by_role("button", name="Usulkan kemitraan").click()

    expect(page.locator(".messages")).to_contain_text(f"Kemitraan dengan {best.name} diusulkan")
    partnership = Partnership.objects.get(cooperative=cooperative, partner_cooperative=best)
    assert partnership.status == "diusulkan"
    expect(page.locator("#id_notes")).to_have_value(re.compile("Dari saran kemitraan"))

    # The agreement is signed: make it active with its start date.
    page.locator("#id_status").select_option("aktif")
    page.locator("#id_start_date").fill("2026-11-25")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".messages")).to_contain_text("Perubahan tersimpan")
    partnership.refresh_from_db()
    assert (partnership.status, partnership.version) == ("aktif", 2)
    expect(page.locator(".partnership-table")).to_contain_text(best.name)

    # No longer suggested.
    page.goto(f"/koperasi/{cooperative.pk}/saran-mitra/")
    expect(page.locator(".suggestions")).not_to_contain_text(best.name)
