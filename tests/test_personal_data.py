"""Personal data (UU 27/2022): masks nobody can undo, the NIK search by POST, daily limits, logs
without NIKs. Access per role and area is in tests/access.py; erasure, exports and keys have their
own modules."""

import datetime
import io
import logging
import runpy
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.test import TestCase, override_settings
from django.utils import timezone

from registry import nik as nik_codec
from registry.models import ExportLog, Member, NikReveal, NikSearch
from tests.access import make_limited_petugas
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_board_member, make_cooperative, make_member, make_user

ROOT = Path(__file__).resolve().parent.parent
NIK = "6408044508900001"  # a woman born 05/08/1990: the middle digits are her birth date + 40
BIRTH = datetime.date(1990, 8, 5)


def user_with(*codenames, role=None):
    user = make_user(role)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="registry", codename__in=codenames))
    return user


class MaskTests(TestCase):
    """Without `reveal_nik`: the last four digits and the birth year, on every page that shows them."""

    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(name="Koperasi Sawit")
        cls.member = make_member(cls.cooperative, nik=NIK, name="Siti", sex="P", birth_date=BIRTH)
        cls.pimpinan = make_user("Pimpinan")
        cls.petugas = make_user("Petugas")

    def page(self, user, url):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def assert_nothing_reversible(self, response):
        for text in (NIK, NIK[:6], NIK[6:12], "05/08/1990", "5 Agustus 1990", "1990-08-05"):
            self.assertNotContains(response, text)

    def test_member_page_of_pimpinan_shows_four_digits_and_the_year(self):
        response = self.page(self.pimpinan, f"/anggota/{self.member.pk}/")
        self.assertContains(response, "************0001")
        self.assertContains(response, "Tahun lahir")
        self.assertContains(response, "<dd>1990</dd>", html=True)
        self.assert_nothing_reversible(response)

    def test_officer_with_reveal_sees_the_date_but_still_only_four_digits(self):
        response = self.page(self.petugas, f"/anggota/{self.member.pk}/")
        self.assertContains(response, "05/08/1990")
        self.assertContains(response, "************0001")
        self.assertNotContains(response, NIK[:6])

    def test_lists_and_profile(self):
        for url in ("/anggota/", f"/koperasi/{self.cooperative.pk}/"):
            with self.subTest(url=url):
                response = self.page(self.pimpinan, url)
                self.assertContains(response, "************0001")
                self.assert_nothing_reversible(response)

    def test_history_page_shows_birth_years_only_without_reveal(self):
        member = Member.objects.get(pk=self.member.pk)
        member.birth_date = datetime.date(1991, 3, 2)
        member._change_reason = "koreksi"
        member.save()
        make_board_member(self.cooperative, "ketua", name="Budi", phone="081234567890")
        board = self.cooperative.board_members.get()
        board.phone = "081298765432"
        board.save()
        response = self.page(self.pimpinan, f"/koperasi/{self.cooperative.pk}/riwayat/")
        self.assertContains(response, "<del>1990</del>", html=True)
        self.assertContains(response, "<ins>1991</ins>", html=True)
        self.assertContains(response, "*********890")
        for text in ("02/03/1991", "081234567890", "081298765432"):
            self.assertNotContains(response, text)
        self.assert_nothing_reversible(response)
        full = self.page(self.petugas, f"/koperasi/{self.cooperative.pk}/riwayat/")
        self.assertContains(full, "05/08/1990")
        self.assertContains(full, "02/03/1991")
        self.assertContains(full, "081298765432")

    def test_a_change_within_the_same_year_shows_nothing_to_who_sees_years(self):
        member = Member.objects.get(pk=self.member.pk)
        member.birth_date = datetime.date(1990, 9, 9)
        member.save()
        response = self.page(self.pimpinan, f"/koperasi/{self.cooperative.pk}/riwayat/")
        self.assertNotContains(response, "<del>1990</del>", html=True)

    def test_edit_form_never_shows_the_nik_and_a_new_one_is_typed_without_reveal(self):
        response = self.page(self.petugas, f"/anggota/{self.member.pk}/ubah/")
        self.assertNotContains(response, NIK)
        self.assertNotContains(response, NIK[:6])
        self.assertContains(response, "************0001")
        new_nik = "6408041203900002"
        response = self.client.post(f"/anggota/{self.member.pk}/ubah/", {
            "name": "Siti", "sex": "P", "birth_date": "05/08/1990", "nik": new_nik, "version": 1,
        })
        self.assertEqual(response.status_code, 302)
        member = Member.objects.get(pk=self.member.pk)
        self.assertEqual((member.nik, member.nik_last4), (new_nik, "0002"))
        self.assertFalse(NikReveal.objects.exists())

    def test_an_editor_without_reveal_gets_no_birth_date_field_and_keeps_the_date(self):
        editor = user_with("view_member", "change_member", "view_cooperative")
        response = self.page(editor, f"/anggota/{self.member.pk}/ubah/")
        self.assertNotIn("birth_date", response.context["form"].fields)
        self.assert_nothing_reversible(response)
        self.client.post(f"/anggota/{self.member.pk}/ubah/", {"name": "Siti A", "sex": "P", "version": 1})
        member = Member.objects.get(pk=self.member.pk)
        self.assertEqual((member.name, member.birth_date), ("Siti A", BIRTH))

    def test_board_form_without_reveal_has_no_phone(self):
        board = make_board_member(self.cooperative, "ketua", phone="081234567890")
        editor = user_with("view_cooperative", "change_boardmember", "view_boardmember")
        response = self.page(editor, f"/koperasi/{self.cooperative.pk}/pengurus/{board.pk}/ubah/")
        self.assertNotIn("phone", response.context["form"].fields)
        self.assertNotContains(response, "081234567890")
        self.assertIn("phone", self.page(self.petugas, f"/koperasi/{self.cooperative.pk}/pengurus/{board.pk}/ubah/")
                      .context["form"].fields)

    def test_masks_never_decrypt(self):
        with mock.patch.object(nik_codec, "decrypt_nik", side_effect=AssertionError("decrypted")):
            for url in ("/anggota/", f"/anggota/{self.member.pk}/", f"/koperasi/{self.cooperative.pk}/",
                        f"/koperasi/{self.cooperative.pk}/riwayat/"):
                self.page(self.pimpinan, url)
            self.client.force_login(self.petugas)
            response = self.client.get("/ekspor/anggota/csv/")
            self.assertIn("************0001", b"".join(response.streaming_content).decode())


class MaskedExportTests(TestCase):
    def test_export_without_reveal_has_four_digits_and_birth_years(self):
        cooperative = make_cooperative()
        make_member(cooperative, nik=NIK, name="Siti", birth_date=BIRTH)
        make_board_member(cooperative, "ketua", name="Budi", phone="081234567890")
        exporter = user_with("view_member", "view_boardmember", "view_cooperative", "export_data",
                             "export_personal_data")
        self.client.force_login(exporter)
        members = b"".join(self.client.get("/ekspor/anggota/csv/").streaming_content).decode("utf-8-sig")
        self.assertIn("************0001", members)
        self.assertIn(";1990;", members)
        self.assertNotIn("05/08/1990", members)
        board = b"".join(self.client.get("/ekspor/pengurus/csv/").streaming_content).decode("utf-8-sig")
        self.assertIn("*********890", board)
        self.assertNotIn("081234567890", board)

    def test_the_export_log_never_keeps_a_nik(self):
        self.client.force_login(make_user("Petugas"))
        self.client.get("/ekspor/anggota/csv/", {"q": "6408 0445 0890 0001"})
        log = ExportLog.objects.get()
        self.assertNotIn("0001", log.query.replace("%5BNIK%5D", ""))
        self.assertIn("q=%5BNIK%5D", log.query)


class NikSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.inside = make_cooperative(name="Koperasi Dalam", kecamatan=SANGATTA_UTARA)
        cls.outside = make_cooperative(name="KUD Luar", kecamatan=MUARA_WAHAU)
        make_member(cls.inside, nik=NIK, name="Siti Dalam")
        make_member(cls.outside, nik=NIK, name="Siti Luar")

    def search(self, user, nik=NIK):
        self.client.force_login(user)
        return self.client.post("/anggota/cari-nik/", {"nik": nik})

    def test_pimpinan_learns_only_the_cooperatives_with_the_mask(self):
        response = self.search(make_user("Pimpinan"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Koperasi Dalam")
        self.assertContains(response, "KUD Luar")
        self.assertContains(response, "************0001")
        for text in (NIK, "Siti", NIK[:6]):
            self.assertNotContains(response, text)
        self.assertNotIn("nik_search", self.client.session)
        self.assertIn("no-store", response["Cache-Control"])

    def test_outside_the_area_is_not_found(self):
        limited = make_user("Pimpinan", kecamatan=[SANGATTA_UTARA])
        response = self.search(limited)
        self.assertContains(response, "Koperasi Dalam")
        self.assertNotContains(response, "KUD Luar")
        response = self.search(make_limited_petugas())
        self.assertEqual([m.name for m in self.client.get("/anggota/?hasil_nik=1").context["object_list"]],
                         ["Siti Dalam"])

    def test_not_found(self):
        response = self.search(make_user("Verifikator"), nik="6408041203909999")
        self.assertContains(response, "************9999 tidak terdaftar")

    def test_each_search_is_logged_with_the_hash_never_the_nik(self):
        user = make_user("Pimpinan")
        self.search(user, nik="6408 0445 0890 0001")
        search = NikSearch.objects.get()
        self.assertEqual((search.user, search.found, search.nik_hash), (user, 2, nik_codec.hash_nik(NIK)))

    def test_a_wrong_nik_is_refused_and_never_written_back_into_the_page(self):
        for typed in ("640804450890000", "64080445089000011", "6408044508９00001", "abc"):
            with self.subTest(typed=typed):
                response = self.search(make_user("Pimpinan"), nik=typed)
                self.assertContains(response, "tepat 16 angka")
                self.assertNotContains(response, typed)
        self.assertFalse(NikSearch.objects.exists())

    def test_the_get_is_only_the_form(self):
        self.client.force_login(make_user("Pimpinan"))
        response = self.client.get("/anggota/cari-nik/", {"nik": NIK})
        self.assertContains(response, 'method="post"')
        self.assertNotContains(response, "Koperasi Dalam")
        self.assertFalse(NikSearch.objects.exists())

    @override_settings(NIK_SEARCH_DAILY_LIMIT=3)
    def test_daily_limit_exactly_then_429(self):
        user = make_user("Pimpinan")
        NikSearch.objects.create(user=user, searched_at=timezone.now() - datetime.timedelta(hours=24, minutes=1))
        for _ in range(3):
            self.assertEqual(self.search(user).status_code, 200)
        response = self.search(user)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Batas harian tercapai", status_code=429)
        self.assertContains(response, "mencari NIK 3 kali dalam 24 jam terakhir", status_code=429)
        self.assertTrue(response["Retry-After"].isdigit())
        self.assertEqual(NikSearch.objects.filter(user=user).count(), 4)  # the refused one is not logged
        # Someone else is not affected.
        self.assertEqual(self.search(make_user("Pimpinan")).status_code, 200)


class RevealLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_member(make_cooperative(), nik=NIK)
        cls.petugas = make_user("Petugas")

    def reveal(self):
        self.client.force_login(self.petugas)
        return self.client.post(f"/anggota/{self.member.pk}/buka-nik/", {"purpose": "Pencocokan data bantuan"})

    def test_the_fiftieth_reveal_shows_the_fifty_first_is_refused(self):
        old = timezone.now() - datetime.timedelta(hours=25)
        NikReveal.objects.bulk_create([NikReveal(user=self.petugas, member=self.member, revealed_at=old)] * 5)
        NikReveal.objects.bulk_create([NikReveal(user=self.petugas, member=self.member)] * 49)
        self.assertContains(self.reveal(), NIK)  # the 50th within 24 hours
        response = self.reveal()
        self.assertEqual(response.status_code, 429)
        self.assertNotContains(response, NIK, status_code=429)
        self.assertContains(response, "membuka NIK 50 kali", status_code=429)
        self.assertEqual(NikReveal.objects.filter(user=self.petugas).count(), 55)

    def test_an_unreadable_nik_is_said_logged_and_never_a_blank(self):
        Member.objects.filter(pk=self.member.pk).update(
            nik_encrypted=Fernet(Fernet.generate_key()).encrypt(NIK.encode()).decode())
        with self.assertLogs("registry.services.members", logging.ERROR) as logs:
            response = self.reveal()
        self.assertContains(response, "tidak dapat dibaca dengan kunci yang terpasang")
        self.assertEqual(NikReveal.objects.count(), 1)
        self.assertIn(f"member {self.member.pk}", logs.output[0])


class LogRedactionTests(TestCase):
    def test_a_nik_in_a_log_message_or_traceback_leaves_as_nik(self):
        from kutim_koperasi.logs import OneLineFormatter, RedactNik

        record = logging.LogRecord("x", logging.INFO, __file__, 1, "cari %s dan %s", (NIK, "6408 0445.0890-0001"),
                                   None)
        RedactNik().filter(record)
        self.assertEqual(record.getMessage(), "cari [NIK] dan [NIK]")
        try:
            raise ValueError(f"NIK {NIK} salah")
        except ValueError:
            import sys
            line = OneLineFormatter().format(logging.LogRecord("x", logging.ERROR, __file__, 1, "gagal", (),
                                                               sys.exc_info()))
        self.assertNotIn(NIK, line)
        self.assertIn("NIK [NIK] salah", line)

    def test_other_numbers_stay(self):
        for text in ("12345678901234567", "id 1234", "2026-11-30T08:54:29.995+08:00", "Rp 1.234.567.890"):
            self.assertEqual(nik_codec.redact_niks(text), text)

    def test_every_handler_of_the_application_and_of_gunicorn_redacts(self):
        from django.conf import settings

        handlers = settings.LOGGING["handlers"]
        self.assertTrue(all("redact_nik" in handler.get("filters", []) for handler in handlers.values()))
        gunicorn = runpy.run_path(str(ROOT / "kutim_koperasi" / "gunicorn.conf.py"))["logconfig_dict"]
        self.assertTrue(all("redact_nik" in handler.get("filters", []) for handler in gunicorn["handlers"].values()))
        self.assertEqual(gunicorn["filters"]["redact_nik"]["()"], "kutim_koperasi.logs.RedactNik")

    def test_the_configured_console_handler_writes_nik_as_nik(self):
        console = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
        stream = io.StringIO()
        previous = console.setStream(stream)
        try:
            logging.getLogger("registry.uji").warning("NIK %s dicari", NIK)
        finally:
            console.setStream(previous)
        self.assertIn("NIK [NIK] dicari", stream.getvalue())
        self.assertNotIn(NIK, stream.getvalue())


def test_gunicorn_access_log_writes_a_nik_in_a_path_as_nik():
    """`make serve`'s gunicorn: a NIK someone put in a path is [NIK] in the access line."""
    from tests.test_operations import _free_port, _manage, _sqlite_env

    with tempfile.TemporaryDirectory() as tmp:
        env = _sqlite_env(Path(tmp) / "db.sqlite3")
        assert _manage("migrate", "--noinput", "-v0", env=env).returncode == 0
        port = _free_port()
        env.update(BIND="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "kutim_koperasi/gunicorn.conf.py",
             "kutim_koperasi.wsgi:application"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/anggota/{NIK}/", headers={"Host": "localhost"})
            deadline = time.monotonic() + 60  # a shared, busy machine starts gunicorn slowly
            while True:
                try:
                    urllib.request.urlopen(request, timeout=20)  # noqa: S310 (our own server)
                    break
                except urllib.error.HTTPError:
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0]
    access = [line for line in output.splitlines() if " gunicorn.access " in line]
    assert access, output
    assert '"GET /anggota/[NIK]/ HTTP/1.1"' in access[0], access[0]
    assert NIK not in output


class AdminMaskTests(TestCase):
    """Django admin follows the same masks; its NIK search is for `reveal_nik`, logged and limited."""

    @classmethod
    def setUpTestData(cls):
        cls.member = make_member(make_cooperative(), nik=NIK, name="Siti", birth_date=BIRTH)
        cls.viewer = user_with("view_member", "view_cooperative")
        cls.viewer.is_staff = True
        cls.viewer.save()
        cls.admin = make_user("Admin Dinas", is_staff=True)

    def test_staff_without_reveal_sees_the_birth_year_and_cannot_search_by_nik(self):
        self.client.force_login(self.viewer)
        page = self.client.get(f"/admin/registry/member/{self.member.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "1990")
        for text in ("05/08/1990", "1990-08-05", NIK, NIK[:6]):
            self.assertNotContains(page, text)
        history = self.client.get(f"/admin/registry/member/{self.member.pk}/history/")
        self.assertNotContains(history, NIK[:6])
        found = self.client.get("/admin/registry/member/", {"q": NIK}).context["cl"].result_list
        self.assertEqual(list(found), [])
        self.assertFalse(NikSearch.objects.exists())

    def test_admin_search_by_nik_is_logged_and_limited(self):
        self.client.force_login(self.admin)
        found = self.client.get("/admin/registry/member/", {"q": NIK}).context["cl"].result_list
        self.assertEqual(list(found), [self.member])
        search = NikSearch.objects.get()
        self.assertEqual((search.user, search.found), (self.admin, 1))
        with override_settings(NIK_SEARCH_DAILY_LIMIT=1):
            response = self.client.get("/admin/registry/member/", {"q": NIK})
        self.assertEqual(list(response.context["cl"].result_list), [])
        self.assertContains(response, "Batas harian tercapai")
