"""Indonesian first: English only when chosen, remembered; every source string in the English catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from tests.builders import make_user

PROJECT = Path(__file__).resolve().parents[1]


class ChosenLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Petugas")

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_browser_language_is_not_followed(self):
        response = self.client.get("/koperasi/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="id">')
        self.assertContains(response, "Koperasi")

    def test_the_choice_is_remembered_for_a_year(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/koperasi/"})
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertEqual(cookie.value, "en")
        self.assertEqual(int(cookie["max-age"]), 365 * 24 * 3600)
        self.assertContains(self.client.get("/koperasi/", HTTP_ACCEPT_LANGUAGE="id"), '<html lang="en">')
        self.client.post(reverse("set_language"), {"language": "id", "next": "/koperasi/"})
        self.assertContains(self.client.get("/koperasi/", HTTP_ACCEPT_LANGUAGE="en"), '<html lang="id">')

    def test_an_unknown_language_in_the_cookie_is_indonesian(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.assertContains(self.client.get("/koperasi/"), '<html lang="id">')


def _tools_present():
    missing = [tool for tool in ("xgettext", "msgattrib", "msgmerge") if not shutil.which(tool)]
    if missing:
        # The catalogue check needs GNU gettext: in CI a missing tool fails, never skips.
        pytest.fail(f"GNU gettext is needed for the catalogue check: {', '.join(missing)} not found "
                    "(Debian: apt-get install gettext)", pytrace=False)


def _msgids(catalogue_text):
    """The msgids of a catalogue's entries, long ones included: a msgid wrapped over several lines starts
    with `msgid ""` and goes on in quoted lines. The header (an empty msgid) is not an entry."""
    found, current = [], None
    for line in catalogue_text.splitlines() + [""]:
        if line.startswith("msgid "):
            current = line[len("msgid "):].strip('"')
        elif current is not None and line.startswith('"'):
            current += line.strip('"')
        elif current is not None:
            if current:
                found.append(current)
            current = None
    return found


def test_long_msgids_are_read_whole():
    text = 'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "Satu"\nmsgstr ""\n\nmsgid ""\n"Dua "\n"baris"\nmsgstr ""\n'
    assert _msgids(text) == ["Satu", "Dua baris"]


def test_every_source_string_is_translated_and_none_is_fuzzy(tmp_path):
    """makemessages over a copy of the sources: the English catalogue must have every msgid, none empty or fuzzy."""
    _tools_present()
    for part in ("registry", "templates", "kutim_koperasi", "locale"):
        shutil.copytree(PROJECT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "manage.py", tmp_path / "manage.py")
    catalogue = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--no-location"],
        cwd=tmp_path, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1",
                                                            "DJANGO_SETTINGS_MODULE": "kutim_koperasi.settings"},
    )
    untranslated = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", str(catalogue)],
                                  check=True, capture_output=True, text=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", str(catalogue)],
                           check=True, capture_output=True, text=True).stdout
    missing, fuzzy_ids = _msgids(untranslated), _msgids(fuzzy)
    assert not missing, "strings without an English translation (make messages, then fill msgstr):\n" + "\n".join(
        missing)
    assert not fuzzy_ids, "fuzzy entries in the English catalogue (check, then remove '#, fuzzy'):\n" + "\n".join(
        fuzzy_ids)


class PluralTests(TestCase):
    """Counts go through ngettext: English says "1 row" and "2 rows"; Indonesian has one form."""

    def test_english_counts_agree_with_their_number(self):
        from django.utils import translation
        from django.utils.translation import ngettext

        with translation.override("en"):
            one = ngettext("Buka daftar (%(n)s baris)", "Buka daftar (%(n)s baris)", 1) % {"n": 1}
            many = ngettext("Buka daftar (%(n)s baris)", "Buka daftar (%(n)s baris)", 57) % {"n": 57}
            participant = ngettext("%(n)s peserta dari %(name)s tercatat.", "%(n)s peserta dari %(name)s tercatat.",
                                   1) % {"n": 1, "name": "KSU"}
        self.assertEqual(one, "Open the list (1 row)")
        self.assertEqual(many, "Open the list (57 rows)")
        self.assertEqual(participant, "1 participant from KSU recorded.")
        with translation.override("id"):
            self.assertEqual(ngettext("Buka daftar (%(n)s baris)", "Buka daftar (%(n)s baris)", 1) % {"n": 1},
                             "Buka daftar (1 baris)")

    def test_the_catalogue_has_both_forms_for_every_plural(self):
        catalogue = (PROJECT / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
        entries = [block for block in catalogue.split("\n\n") if "msgid_plural" in block]
        self.assertGreater(len(entries), 10)
        for block in entries:
            self.assertIn("msgstr[0]", block)
            self.assertIn("msgstr[1]", block)
            self.assertNotRegex(block.rstrip(), r'msgstr\[[01]\] ""$', block)
            self.assertNotRegex(block, r'msgstr\[0\] ""\nmsgstr', block)


class ExportLinksTests(TestCase):
    def test_a_role_that_may_not_export_members_sees_no_dangling_separator(self):
        from tests.access import PETUGAS, PIMPINAN

        for role, can_export in ((PIMPINAN, False), (PETUGAS, True)):
            with self.subTest(role=role):
                self.client.force_login(make_user(role, username=f"export-{role}".replace(" ", "-").lower()))
                html = self.client.get("/anggota/").content.decode()
                start = html.index('class="export-links"')
                paragraph = html[start:html.index("</p>", start)]
                self.assertIn("Ekspor saya", paragraph)
                self.assertEqual("Ekspor daftar ini" in paragraph, can_export)
                self.assertNotRegex(paragraph, r"·\s*(<a[^>]*>\s*Ekspor saya)" if not can_export else r"·\s*·")
