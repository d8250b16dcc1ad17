"""Every main page, as every demo role: no wider than a 390 px phone, and no serious accessibility violation.

The phone check: the document's width (`scrollWidth`) must not exceed the viewport's; wide tables
scroll inside their own box (`.table-scroll`), grids stack. The accessibility check runs axe-core
(the copy bundled by axe-playwright-python, served from disk, nothing from the internet) and fails
on any violation of impact "serious" or "critical", listing rule, impact and the first elements.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from registry.models import Member
from tests.builders import SANGATTA_UTARA

from .conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ROLES = ["admin", "petugas", "petugas_sangatta", "pimpinan", "verifikator"]
MAIN_PAGES = [
    "/dasbor/", "/koperasi/", "{koperasi}", "{koperasi}riwayat/", "/anggota/", "{anggota}", "/penilaian/",
    "/rekomendasi/", "/rekomendasi/surat/", "/kemitraan/", "/kemitraan/jaringan/", "/pelatihan/",
    "/pelatihan/cakupan/", "/temuan/", "/impor/", "/akun/", "/rat/", "/mutu-data/", "/tinjauan/",
]
BLOCKING = {"serious", "critical"}
ALL_ROLES = True


def sign_in(browser, live_server, username, viewport):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="id-ID", timezone_id="Asia/Makassar", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_label("Sandi").press("Enter")
    page.wait_for_url(re.compile(r"/dasbor/"))
    return context, page


def main_pages():
    """The main pages, with a cooperative and a member in every role's area (Sangatta Utara)."""
    member = Member.objects.filter(cooperative__desa__kecamatan__code=SANGATTA_UTARA).order_by("pk").first()
    cooperative = member.cooperative
    return [path.format(koperasi=f"/koperasi/{cooperative.pk}/", anggota=f"/anggota/{member.pk}/")
            for path in MAIN_PAGES]


def wider_than_viewport(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The outermost elements that reach past the viewport's right edge (what to fix), for the message.
CULPRITS = """() => {
  const width = window.innerWidth, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    if (el.closest('.table-scroll') && el.closest('.table-scroll') !== el) continue;
    if (found.some(outer => outer.contains(el))) continue;
    found.push(el);
  }
  if (!found.length) {  // nothing reaches past the edge by its box: follow the widest scroll width down
    let el = document.body;
    while (el) {
      const wide = [...el.children].find(child => child.scrollWidth > width + 1);
      if (!wide) break;
      el = wide;
    }
    if (el && el !== document.body) found.push(el);
  }
  const classes = el => typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  return found.slice(0, 4).map(el =>
    el.tagName.toLowerCase() + classes(el) + ' ' + Math.round(el.getBoundingClientRect().width) + 'px');
}"""


def test_no_page_is_wider_than_a_phone(browser, live_server, demo):
    paths = main_pages()
    too_wide = []
    for username in ROLES if ALL_ROLES else ROLES[:1]:
        context, page = sign_in(browser, live_server, username, PHONE)
        for path in paths:
            response = page.goto(path)
            page.wait_for_load_state()
            excess = wider_than_viewport(page)
            if excess > 0:
                culprits = "; ".join(page.evaluate(CULPRITS))
                too_wide.append(f"{username} {path} ({response.status}): {excess} px wider than 390: {culprits}")
        context.close()
    assert not too_wide, "pages wider than a phone:\n" + "\n".join(too_wide)


def blocking_violations(page):
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}x): {targets}")
    return found


@pytest.mark.parametrize("username,viewport", [("admin", {"width": 1280, "height": 900}), ("petugas", PHONE)])
def test_main_pages_pass_the_accessibility_check(browser, live_server, demo, username, viewport):
    paths = ["/accounts/login/", *main_pages()]
    problems = []
    context, page = sign_in(browser, live_server, username, viewport)
    for path in paths:
        if path == "/accounts/login/":
            anonymous = browser.new_context(base_url=live_server.url, viewport=viewport, bypass_csp=True)
            login_page = anonymous.new_page()
            login_page.goto(path)
            problems += [f"{path}: {v}" for v in blocking_violations(login_page)]
            anonymous.close()
            continue
        page.goto(path)
        page.wait_for_load_state()
        problems += [f"{path}: {v}" for v in blocking_violations(page)]
    context.close()
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)


def pdf_pages(page):
    """Pages of the A4 PDF Chromium prints of `page` (the print stylesheet applies)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")))


def test_letters_to_helping_parties_print_one_letter_per_a4_page(browser, live_server, demo):
    """The run of letters prints each party's letter from a new page, as wide as A4 allows."""
    context, page = sign_in(browser, live_server, "admin", {"width": 1280, "height": 900})
    query = f"?kecamatan={SANGATTA_UTARA}"
    page.goto(f"/rekomendasi/surat/{query}")
    parties = page.locator("article.helper-letter").count()
    all_pages = pdf_pages(page)
    page.goto(f"/rekomendasi/{query}")
    alone = [link.get_attribute("href") for link in page.locator("a.letter-link").all()]
    assert len(alone) == parties > 1
    # Printed alone, the letters take as many pages as printed together: none shares a page.
    pages_alone = 0
    for href in alone:
        page.goto(href)
        pages_alone += pdf_pages(page)
    assert all_pages == pages_alone > parties
    # A4 less the print margins (186 mm, 703 px): nothing reaches past it.
    page.set_viewport_size({"width": 703, "height": 1000})
    page.emulate_media(media="print")
    page.goto(f"/rekomendasi/surat/{query}")
    assert wider_than_viewport(page) <= 0
    context.close()
