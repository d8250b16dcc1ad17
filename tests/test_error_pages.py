"""Error pages speak the user's language inside the site layout, never Django's bare defaults."""

from django.template.loader import render_to_string
from django.test import TestCase, override_settings

from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_user


@override_settings(DEBUG=False)
class ErrorPageTests(TestCase):
    def test_record_outside_area_gives_friendly_404(self):
        outside = make_cooperative(kecamatan=MUARA_WAHAU)
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        response = self.client.get(f"/koperasi/{outside.pk}/")
        self.assertContains(response, "Halaman atau data tidak ditemukan", status_code=404)
        self.assertContains(response, "di luar wilayah kerja Anda", status_code=404)
        self.assertNotContains(response, outside.name, status_code=404)

    def test_missing_permission_gives_friendly_403(self):
        self.client.force_login(make_user("Pimpinan"))
        response = self.client.get("/impor/")
        self.assertContains(response, "Anda tidak punya izin untuk halaman ini", status_code=403)
        self.assertContains(response, "Kutim Koperasi", status_code=403)

    def test_csrf_failure_page(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post("/accounts/login/", {"username": "x", "password": "y"})
        self.assertContains(response, "Formulir tidak bisa dikirim", status_code=403)

    def test_500_page_renders_without_context(self):
        html = render_to_string("500.html")
        self.assertIn("Terjadi kesalahan di server", html)
        self.assertIn("A server error occurred", html)
