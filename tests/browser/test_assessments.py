"""Journey: an assessor records a cooperative's assessment and sees its predicate, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import Assessment, Cooperative, RubricIndicator, last_full_year

from .conftest import DEMO_PASSWORD, RESULTS_DIR

pytestmark = pytest.mark.browser

PREDICATES = re.compile(r"^(Sehat|Cukup Sehat|Dalam Pengawasan|Dalam Pengawasan Khusus)$")


def log_in(page, username, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    password_field = page.get_by_label("Sandi")
    password_field.fill(password)
    password_field.press("Enter")
    page.wait_for_load_state()


def test_petugas_records_an_assessment_and_sees_the_predicate(page, demo):
    year = last_full_year()
    cooperative = (
        Cooperative.objects.filter(status=Cooperative.Status.ACTIVE, yearly_reports__year=year)
        .order_by("pk").first()
    )
    Assessment.objects.filter(cooperative=cooperative, year=year).delete()  # start from an empty one
    codes = list(
        RubricIndicator.objects.filter(condition__rubric__year__lte=year)
        .order_by("condition__order", "order").values_list("code", "method")
    )

    log_in(page, "petugas")
    page.get_by_role("link", name="Penilaian", exact=True).click()
    expect(page.get_by_role("heading", name="Penilaian koperasi")).to_be_visible()
    page.goto(f"/koperasi/{cooperative.pk}/penilaian/{year}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cooperative.name)
    # Computed suggestions are there before anyone types: the RAT indicator explains itself.
    expect(page.locator("#indikator-K2 .indicator-facts")).to_contain_text("RAT")
    expect(page.locator("#predicate")).to_have_text("–")

    for code, method in codes:
        article = page.locator(f"#indikator-{code}")
        if method == "checklist":
            boxes = article.locator("input[type=checkbox]")
            for n in range(boxes.count() - 1):
                boxes.nth(n).check()
        elif article.locator("input[type=radio]:checked").count() == 0:
            # Keyboard: focus the first level (4) and choose it with the space bar.
            radio = article.get_by_role("radio", name=re.compile(r"^\s*4 –"))
            radio.focus()
            page.keyboard.press("Space")
            expect(radio).to_be_checked()
    page.locator("#indikator-R1").get_by_label("Catatan").fill("Tidak ada perkara menurut pengurus.")
    page.get_by_role("button", name="Simpan penilaian").click()

    expect(page.locator(".message-success")).to_have_text("Penilaian tersimpan.")
    expect(page.locator("#predicate")).to_have_text(PREDICATES)
    assessment = Assessment.objects.get(cooperative=cooperative, year=year)
    expect(page.locator("#predicate")).to_have_text(assessment.get_predicate_display())
    assert assessment.scores.filter(level__isnull=True).count() == 0
    assert assessment.scores.get(indicator__code="R1").notes == "Tidak ada perkara menurut pengurus."

    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(page.locator("#assessment-status")).to_have_text("Diajukan")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=RESULTS_DIR / "assessment-entry.png", full_page=True)


def test_totals_follow_the_levels_without_reloading(page, demo):
    year = last_full_year()
    cooperative = (
        Cooperative.objects.filter(status=Cooperative.Status.ACTIVE, yearly_reports__year=year)
        .order_by("-pk").first()
    )
    Assessment.objects.filter(cooperative=cooperative, year=year).delete()
    leveled = list(
        RubricIndicator.objects.filter(condition__rubric__year__lte=year).exclude(method="checklist")
        .order_by("condition__order", "order").values_list("code", flat=True).distinct()
    )

    log_in(page, "petugas")
    page.goto(f"/koperasi/{cooperative.pk}/penilaian/{year}/")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#unscored-summary")).to_be_visible()
    for code in leveled:  # those without a computed level (no data) get a 4
        article = page.locator(f"#indikator-{code}")
        if article.locator("input[type=radio]:checked").count() == 0:
            article.get_by_role("radio", name=re.compile(r"^\s*4 –")).check()
    # Every indicator scored: a final score and a predicate, computed by the server, nothing saved.
    expect(page.locator("#overall-score")).to_have_text(re.compile(r"^\d{1,3},\d\d$"))
    expect(page.locator("#predicate")).to_have_text(PREDICATES)
    expect(page.locator("#totals-status")).to_contain_text("belum disimpan")
    expect(page.locator("#unscored-summary")).to_be_hidden()
    before = page.locator("#overall-score").inner_text()

    # One indicator down to 1: its condition and the final score drop at once, still on the same page.
    first = leveled[0]
    page.locator(f"#indikator-{first}").get_by_role("radio", name=re.compile(r"^\s*1 –")).check()
    expect(page.locator("#overall-score")).not_to_have_text(before)
    assert page.evaluate("window.notReloaded") is True
    assert not Assessment.objects.filter(cooperative=cooperative, year=year).exists()

    # What was shown is what the save stores (the lowered level is an override: its reason is given).
    shown = page.locator("#overall-score").inner_text()
    reason = page.locator(f"#indikator-{first}").get_by_label("alasan bila berbeda dari nilai terhitung")
    if reason.count():
        reason.fill("Dinilai di lapangan.")
    page.get_by_role("button", name="Simpan penilaian").click()
    expect(page.locator(".message-success")).to_have_text("Penilaian tersimpan.")
    expect(page.locator("#overall-score")).to_have_text(shown)
