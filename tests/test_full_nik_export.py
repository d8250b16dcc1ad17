"""Exports of members with the full NIK column: their own permission, a purpose kept in the log, a POST
with CSRF, a file named `-NIK-LENGKAP-`, a daily limit; and an invalid filter refuses any export (masked
or full) with a 400, never widening it. Who may open the page at all: tests/access.py."""

import csv
import io

from django.contrib.auth.models import Permission
from django.test import Client, TestCase, override_settings

from registry.models import ExportLog
from registry.roles import ROLES
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_member, make_user

URL = "/ekspor/anggota-nik-lengkap/"
PURPOSE = "Pencocokan data penerima bantuan dengan Dinas Sosial"


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def grant_full_nik_export(user):
    """How an Admin Dinas gives one account the right (docs/personal-data.md): the permission by hand."""
    user.user_permissions.add(Permission.objects.get(codename="export_full_nik"))


class FullNikExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")
        cls.petugas = make_user("Petugas")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        grant_full_nik_export(cls.limited)
        cls.coop = make_cooperative(kecamatan=SANGATTA_UTARA)
        cls.far = make_cooperative(kecamatan=MUARA_WAHAU)
        make_member(cls.coop, nik="6408014512800001", name="Dekat Satu")
        make_member(cls.coop, nik="6408014512800002", name="Dekat Dua")
        make_member(cls.far, nik="6408024512800009", name="Jauh")

    def post(self, user, query="", **data):
        self.client.force_login(user)
        return self.client.post(URL + query, {"purpose": PURPOSE, "file_format": "csv", **data})

    def test_the_permission_is_admin_dinas_only_and_never_every_petugas(self):
        self.assertNotIn("export_full_nik", ROLES["Petugas"])
        self.assertTrue(self.admin.has_perm("registry.export_full_nik"))
        for role in ("Petugas", "Pimpinan", "Verifikator"):
            with self.subTest(role=role):
                self.assertFalse(make_user(role).has_perm("registry.export_full_nik"))
        self.assertEqual(self.post(self.petugas).status_code, 403)
        self.assertFalse(ExportLog.objects.exists())

    def test_demo_accounts_follow_the_roles(self):
        from registry.demo.accounts import ensure_demo_accounts
        from registry.models import User

        ensure_demo_accounts()
        allowed = {user.username: user.has_perm("registry.export_full_nik") for user in User.objects.filter(
            username__in=["admin", "petugas", "petugas_sangatta", "pimpinan", "verifikator"])}
        self.assertEqual(allowed, {"admin": True, "petugas": False, "petugas_sangatta": False, "pimpinan": False,
                                   "verifikator": False})

    def test_the_page_states_the_filters_and_asks_the_purpose(self):
        self.client.force_login(self.admin)
        response = self.client.get(URL + f"?koperasi={self.coop.pk}&aktif=true")
        self.assertContains(response, 'name="purpose"')
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertContains(response, str(self.coop.pk))
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)
        self.assertContains(self.client.get(URL), "semua anggota di wilayah Anda")
        self.assertFalse(ExportLog.objects.exists())  # opening the page exports nothing

    def test_export_logs_the_purpose_and_names_the_file(self):
        response = self.post(self.admin, f"?koperasi={self.coop.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("anggota-NIK-LENGKAP-", response["Content-Disposition"])
        rows = csv_rows(response)
        self.assertEqual(sorted(row[4] for row in rows[1:]), ["6408014512800001", "6408014512800002"])
        log = ExportLog.objects.get()
        self.assertEqual((log.full_nik, log.purpose, log.query, log.row_count, log.user),
                         (True, PURPOSE, f"koperasi={self.coop.pk}", 2, self.admin))
        # The masked export keeps its own name.
        self.client.force_login(self.petugas)
        response = self.client.get(f"/ekspor/anggota/csv/?koperasi={self.coop.pk}")
        self.assertNotIn("NIK-LENGKAP", response["Content-Disposition"])
        self.assertIn("************0001", [row[4] for row in csv_rows(response)[1:]])

    def test_purpose_required_and_never_a_nik(self):
        for purpose in ("", "   ", "perlu", "cek NIK 6408014512800001 di Dukcapil"):
            with self.subTest(purpose=purpose):
                response = self.post(self.admin, purpose=purpose)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errorlist")
        self.assertFalse(ExportLog.objects.exists())

    def test_a_get_never_exports_and_a_post_needs_csrf(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.admin)
        response = client.post(URL, {"purpose": PURPOSE, "file_format": "csv"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get(URL + "?file_format=csv&purpose=x").status_code, 302)  # anonymous
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(URL + "?file_format=csv").status_code, 200)
        self.assertFalse(ExportLog.objects.exists())

    @override_settings(FULL_NIK_EXPORT_DAILY_LIMIT=2)
    def test_daily_limit_per_user(self):
        self.assertEqual(self.post(self.admin).status_code, 200)
        self.assertEqual(self.post(self.admin, file_format="xlsx").status_code, 200)
        response = self.post(self.admin)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Batas harian", status_code=429)
        self.assertIn("Retry-After", response)
        self.assertEqual(ExportLog.objects.filter(full_nik=True).count(), 2)
        # Another user's count is their own; masked exports do not count.
        self.assertEqual(self.post(self.limited).status_code, 200)
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get("/ekspor/anggota/csv/").status_code, 200)

    def test_limited_petugas_exports_only_the_area(self):
        rows = csv_rows(self.post(self.limited))
        self.assertEqual(sorted(row[3] for row in rows[1:]), ["Dekat Dua", "Dekat Satu"])
        # A cooperative outside the area: nothing, never a 403 that confirms it exists.
        rows = csv_rows(self.post(self.limited, f"?koperasi={self.far.pk}"))
        self.assertEqual(rows[1:], [])
        # A kecamatan outside the area is not one of the filter's choices: refused, never widened.
        response = self.post(self.limited, f"?kecamatan={MUARA_WAHAU}")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(ExportLog.objects.filter(user=self.limited).count(), 2)

    def test_a_revoked_permission_downloads_nothing_prepared(self):
        with self.settings(EXPORT_INLINE_MAX_ROWS=1):
            response = self.post(self.limited)
        self.assertRedirects(response, "/ekspor/saya/", fetch_redirect_response=False)
        log = ExportLog.objects.get()
        self.assertEqual((log.status, log.full_nik, log.purpose), ("selesai", True, PURPOSE))
        self.limited.user_permissions.clear()
        self.client.force_login(self.limited)
        self.assertEqual(self.client.get(f"/ekspor/saya/{log.pk}/unduh/").status_code, 403)
        log.file.storage.delete(log.file.name)


class InvalidFilterTests(TestCase):
    """An invalid value refuses the export with a message; a dropped filter would export everything."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")
        cls.petugas = make_user("Petugas")
        coop = make_cooperative(kecamatan=SANGATTA_UTARA)
        make_member(coop, nik="6408014512800001")

    def test_masked_and_full_exports_refuse_invalid_values(self):
        self.client.force_login(self.admin)
        cases = [
            ("/ekspor/anggota/csv/", "?koperasi=55x", "Nomor koperasi"),
            ("/ekspor/anggota/csv/", "?jenis_kelamin=X", "jenis kelamin"),
            ("/ekspor/anggota/xlsx/", "?kecamatan=64.08.99", "kecamatan"),
            ("/ekspor/anggota/csv/", "?aktif=mungkin", "aktif"),
            ("/ekspor/koperasi/csv/", "?jenis=tidak-ada", "jenis"),
            ("/ekspor/pengurus/csv/", "?status=x", "status"),
            (URL, "?koperasi=55x", "Nomor koperasi"),
            (URL, "?jenis_kelamin=X", "jenis kelamin"),
        ]
        for path, query, field in cases:
            for method in ("get", "post"):
                if method == "post" and path != URL:
                    continue
                with self.subTest(path=path, query=query, method=method):
                    response = getattr(self.client, method)(path + query, {"purpose": PURPOSE, "file_format": "csv"}
                                                             if method == "post" else {})
                    self.assertEqual(response.status_code, 400)
                    self.assertContains(response, field, status_code=400)
        self.assertFalse(ExportLog.objects.exists())

    def test_a_filter_no_longer_valid_in_the_worker_fails_the_export(self):
        from registry.services.exports import export_build

        log = ExportLog.objects.create(user=self.petugas, kind="anggota", file_format="csv",
                                       query="kecamatan=64.08.99", status=ExportLog.Status.PREPARING)
        log = export_build(export_id=log.pk)
        self.assertEqual((log.status, log.row_count, log.file.name), ("gagal", None, ""))
