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
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    fuzzy_ids = [line for line in fuzzy.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert not missing, "strings without an English translation (make messages, then fill msgstr):\n" + "\n".join(
        missing)
    assert not fuzzy_ids, "fuzzy entries in the English catalogue (check, then remove '#, fuzzy'):\n" + "\n".join(
        fuzzy_ids)
