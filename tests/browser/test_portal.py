"""The cooperatives' portal on a phone: a board member signs in with the letter's code, reports the
year and its RAT with a document, a Petugas accepts it into the registry, and the RAT season tracker
and the dashboard count it as reported through the portal."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from registry.models import BoardMember, CooperativeAccount, Submission, YearlyReport, last_full_year
from registry.services.board_accounts import account_invite, eligible_board

from .conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n% berita acara RAT\n"


def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID",
                                  timezone_id="Asia/Makassar", bypass_csp=True)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def serious(page):
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']})" for v in violations if v.get("impact") in {"serious", "critical"}]


def wider_than_phone(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def dashboard_figure(page, key):
    """A figure of the dashboard's RAT season table, as the page writes it (Indonesian thousands)."""
    return int(page.locator(f"tr#{key} a").inner_text().replace(".", ""))


def test_board_member_reports_from_a_phone_and_the_petugas_accepts(browser, live_server, demo):
    year = last_full_year()
    # A cooperative whose board has no account yet, with a sitting ketua, sekretaris or bendahara, in the
    # year's RAT season (active, founded by its end) and with nothing on record for that year yet.
    taken = CooperativeAccount.objects.values("cooperative")
    term = BoardMember.objects.none()
    for candidate in BoardMember.objects.current().filter(
        role__in=CooperativeAccount.ELIGIBLE_ROLES, cooperative__status="aktif",
        cooperative__founded_on__lte=datetime.date(year, 12, 31),
    ).exclude(cooperative__in=taken).exclude(cooperative__submissions__isnull=False).exclude(
        cooperative__yearly_reports__year=year
    ).order_by("pk")[:20]:
        if eligible_board(candidate.cooperative).filter(pk=candidate.pk).exists():
            term = candidate
            break
    invitation = account_invite(board_member=term, by=None)
    rat_date = min(datetime.date(year + 1, 3, 14), datetime.date.today())

    context, page = phone(browser, live_server)
    page.goto("/portal/masuk-pertama/")
    page.get_by_label("Kode undangan").fill(invitation.code.lower())
    page.get_by_label("Nama pengguna").fill("ketua_uji")
    page.locator("#id_password1").fill("sawit-lestari-2025-kutim")
    page.locator("#id_password2").fill("sawit-lestari-2025-kutim")
    page.get_by_role("button", name="Buat akun dan masuk").click()
    page.wait_for_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(term.cooperative.name)
    assert wider_than_phone(page) <= 0
    assert serious(page) == []

    page.get_by_role("link", name="Isi laporan tahunan dan RAT").click()
    page.locator("#id_year").select_option(str(year))
    for name, value in [("members_male", "61"), ("members_female", "39"), ("employees", "2"), ("managers", "1"),
                        ("modal_sendiri", "500.000.000"), ("modal_luar", "0"), ("total_assets", "900.000.000"),
                        ("business_volume", "1.250.000.000"), ("revenue", "400.000.000"),
                        ("expenses", "300.000.000"), ("shu", "100.000.000")]:
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_rat_date").fill(rat_date.isoformat())
    page.locator("#id_rat_attendance").fill("80")
    page.locator("#id_rat_quorum").select_option("true")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".message-success")).to_contain_text("Draf tersimpan")
    assert wider_than_phone(page) <= 0
    assert serious(page) == []
    page.locator("#id_kind").select_option("berita_acara_rat")
    page.locator("#id_file").set_input_files({"name": "berita-acara.pdf", "mimeType": "application/pdf",
                                                 "buffer": PDF})
    page.get_by_role("button", name="Unggah dokumen").click()
    expect(page.locator("#dokumen")).to_contain_text("berita-acara.pdf")
    # Sending without the cash: the error is listed at the top and beside the field.
    page.get_by_role("button", name="Kirim ke Dinas").click()
    expect(page.locator("#error-summary")).to_contain_text("Kas (Rp)")
    page.locator("#id_cash").fill("50.000.000")
    page.get_by_role("button", name="Kirim ke Dinas").click()
    page.wait_for_url(re.compile(r"/portal/(#.*)?$"))  # the browser keeps the upload's #dokumen
    expect(page.locator(".submission-list")).to_contain_text("Disampaikan")
    assert not YearlyReport.objects.filter(cooperative=term.cooperative, year=year).exists()
    # The board asks for a new phone number: the form starts from the record, nothing changes before review.
    page.get_by_role("link", name="Ubah alamat dan kontak").click()
    expect(page.locator("#tercatat")).to_be_visible()
    assert wider_than_phone(page) <= 0
    assert serious(page) == []
    page.get_by_label("Telepon").fill("0812 5555 1234")
    page.get_by_role("button", name="Kirim ke Dinas").click()
    page.wait_for_url(re.compile(r"/portal/(#.*)?$"))
    expect(page.locator("#perubahan")).to_contain_text("Disampaikan")
    term.cooperative.refresh_from_db()
    assert term.cooperative.phone != "0812 5555 1234"
    context.close()

    context, page = phone(browser, live_server)
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill("petugas")
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_label("Sandi").press("Enter")
    page.wait_for_url(re.compile(r"/dasbor/"))
    # The RAT season before the acceptance: the cooperative has not reported.
    page.goto(f"/dasbor/?tahun={year}#musim-rat")
    before = {key: dashboard_figure(page, key) for key in ("rat_dilaporkan", "rat_portal", "rat_petugas")}
    page.goto(f"/rat/?tahun={year}&lewat=portal")
    expect(page.locator("table.data-table")).not_to_contain_text(term.cooperative.name)
    page.goto("/tinjauan/")
    # The yearly reports' table comes first; the cooperative's contact change waits in the one below.
    row = page.locator("tr").filter(has_text=term.cooperative.name).first
    row.get_by_role("link", name="tinjau").click()
    expect(page.locator("#dokumen")).to_contain_text("berita-acara.pdf")
    assert wider_than_phone(page) <= 0
    page.get_by_role("button", name="Terima dan catat").click()
    page.wait_for_url(re.compile(r"/tinjauan/$"))
    expect(page.locator(".message-success")).to_contain_text("diterima dan tercatat")
    # ... and the contact change, beside the record.
    page.locator("#perubahan tr").filter(has_text=term.cooperative.name).get_by_role("link", name="tinjau").click()
    expect(page.locator("table")).to_contain_text("0812 5555 1234")
    assert wider_than_phone(page) <= 0
    assert serious(page) == []
    page.get_by_role("button", name="Terima dan catat").click()
    page.wait_for_url(re.compile(r"/tinjauan/$"))

    # The tracker lists it as reported through the portal, and the dashboard counts it at once.
    page.goto(f"/rat/?tahun={year}&lewat=portal&kecamatan={term.cooperative.desa.kecamatan_id}")
    row = page.locator("tr").filter(has_text=term.cooperative.name)
    expect(row).to_contain_text("dilaporkan")
    expect(row).to_contain_text("lewat portal")
    expect(row).to_contain_text(rat_date.strftime("%d/%m/%Y"))
    assert wider_than_phone(page) <= 0
    page.goto(f"/dasbor/?tahun={year}#musim-rat")
    after = {key: dashboard_figure(page, key) for key in ("rat_dilaporkan", "rat_portal", "rat_petugas")}
    assert after == {**before, "rat_dilaporkan": before["rat_dilaporkan"] + 1, "rat_portal": before["rat_portal"] + 1}
    page.locator("tr#rat_portal a").click()
    expect(page.locator(".result-count")).to_contain_text(str(after["rat_portal"]))
    context.close()
    term.cooperative.refresh_from_db()
    assert term.cooperative.phone == "0812 5555 1234"

    report = YearlyReport.objects.get(cooperative=term.cooperative, year=year)
    assert (report.members_total, report.business_volume, report.cash) == (100, 1_250_000_000, 50_000_000)
    assert report.history.order_by("-history_id").first().history_change_reason.startswith(
        "Disampaikan oleh koperasi, diterima oleh")
    assert Submission.objects.get(cooperative=term.cooperative).status == Submission.Status.ACCEPTED
