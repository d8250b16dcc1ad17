"""Who may open which page: the URL x role matrix, and the kecamatan limit on the dashboard."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.urls import reverse

from registry.models import Cooperative
from registry.services.summary import summary_refresh
from tests.builders import SANGATTA_SELATAN, SANGATTA_UTARA, make_cooperative, make_user

ROLES = ["Admin Dinas", "Petugas", "Pimpinan", "Verifikator"]
LIMITED = "Petugas (Sangatta)"
NO_ROLE = "tanpa peran"

# status expected per (page, who). 302 means "sent to a login page".
MATRIX = {
    "/": {None: 302, **{role: 302 for role in ROLES + [LIMITED, NO_ROLE]}},
    "/dasbor/": {None: 302, NO_ROLE: 403, **{role: 200 for role in ROLES + [LIMITED]}},
    "/accounts/login/": {None: 200, **{role: 302 for role in ROLES + [LIMITED, NO_ROLE]}},
    "/admin/": {
        None: 302,
        "Admin Dinas": 200,
        **{role: 302 for role in ["Petugas", "Pimpinan", "Verifikator", LIMITED, NO_ROLE]},
    },
}


class PermissionMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role, is_staff=(role == "Admin Dinas")) for role in ROLES}
        cls.users[LIMITED] = make_user("Petugas", kecamatan=[SANGATTA_UTARA, SANGATTA_SELATAN])
        cls.users[NO_ROLE] = make_user(None)
        make_cooperative(kecamatan=SANGATTA_UTARA)
        make_cooperative(kecamatan="64.08.02")

    def test_matrix(self):
        for path, expected in MATRIX.items():
            for who, status in expected.items():
                with self.subTest(path=path, who=who):
                    self.client.logout()
                    if who:
                        self.client.force_login(self.users[who])
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, status)
                    if who is None and status == 302:
                        self.assertIn("login", response["Location"])

    def test_home_leads_to_dashboard(self):
        self.client.force_login(self.users["Pimpinan"])
        self.assertRedirects(self.client.get("/"), reverse("registry:dashboard"))

    def test_logout_is_post_only_and_ends_session(self):
        self.client.force_login(self.users["Petugas"])
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        self.assertRedirects(self.client.post(reverse("logout")), reverse("login"), fetch_redirect_response=False)
        self.assertEqual(self.client.get("/dasbor/").status_code, 302)

    def test_staff_flag_alone_opens_nothing_of_ours(self):
        staff_without_role = make_user(None, is_staff=True)
        self.client.force_login(staff_without_role)
        self.assertEqual(self.client.get("/dasbor/").status_code, 403)


class RolePermissionTests(TestCase):
    def perms(self, role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    def test_pimpinan_reads_only_and_never_reveals_nik(self):
        perms = self.perms("Pimpinan")
        self.assertIn("view_dashboard", perms)
        self.assertIn("view_cooperative", perms)
        self.assertNotIn("reveal_nik", perms)
        self.assertFalse({p for p in perms if p.startswith(("add_", "change_", "delete_"))})

    def test_petugas_edits_but_does_not_delete(self):
        perms = self.perms("Petugas")
        expected = {"add_cooperative", "change_cooperative", "change_status", "reveal_nik", "export_data"}
        self.assertTrue(expected <= perms)
        self.assertFalse({p for p in perms if p.startswith("delete_")})

    def test_admin_dinas_manages_accounts(self):
        perms = self.perms("Admin Dinas")
        self.assertTrue({"add_user", "change_user", "change_group", "reveal_nik", "view_dashboard"} <= perms)
        registry = Permission.objects.filter(content_type__app_label="registry").values_list("codename", flat=True)
        self.assertTrue(set(registry) <= perms)

    def test_verifikator_reads(self):
        perms = self.perms("Verifikator")
        self.assertIn("view_dashboard", perms)
        self.assertNotIn("change_cooperative", perms)


class DashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        statuses = ["aktif"] * 3 + ["tidak_aktif", "dalam_pembinaan"]
        for status in statuses:
            make_cooperative(kecamatan=SANGATTA_UTARA, status=status)
        make_cooperative(kecamatan=SANGATTA_SELATAN, status="aktif")
        for status in ["aktif", "dibubarkan", "diusulkan_bubar", "tidak_aktif"]:
            make_cooperative(kecamatan="64.08.02", status=status)
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA, SANGATTA_SELATAN])
        summary_refresh()  # the dashboard sums the precomputed summary (tests/test_dashboard.py has the rest)

    def test_district_counts(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/dasbor/")
        statuses = {f.key: f.value for f in response.context["sections"]["statuses"]}
        self.assertEqual(statuses, {
            "aktif": 5, "tidak_aktif": 2, "dalam_pembinaan": 1, "diusulkan_bubar": 1, "dibubarkan": 1,
        })
        self.assertInHTML('<span class="figure-value" id="total-koperasi">'
                          '<a href="/koperasi/" data-count="10" title="Buka daftar (10 baris)">10</a></span>',
                          response.content.decode())
        self.assertContains(response, "50,0% dari semua")
        self.assertContains(response, "Seluruh Kabupaten Kutai Timur")
        per_kecamatan = {k.code: (k.now["cooperatives"], k.now["status_aktif"])
                         for k in response.context["d"].per_kecamatan}
        self.assertEqual(len(per_kecamatan), 18)
        self.assertEqual(per_kecamatan[SANGATTA_UTARA], (5, 3))
        self.assertEqual(per_kecamatan["64.08.02"], (4, 1))
        self.assertEqual(per_kecamatan["64.08.01"], (0, 0))

    def test_limited_petugas_sees_only_their_area(self):
        self.client.force_login(self.limited)
        response = self.client.get("/dasbor/")
        headline = {f.key: f.value for f in response.context["sections"]["headline"]}
        self.assertEqual((headline["koperasi"], headline["aktif"]), (6, 4))
        self.assertEqual([k.code for k in response.context["d"].per_kecamatan], [SANGATTA_UTARA, SANGATTA_SELATAN])
        self.assertContains(response, "Sangatta Utara, Sangatta Selatan")
        self.assertNotContains(response, "Muara Wahau")

    def test_thousands_in_indonesian_format(self):
        from django.utils import translation

        from registry.templatetags.registry_format import angka, persen, rupiah

        with translation.override("id"):
            self.assertEqual(angka(1150), "1.150")
            self.assertEqual(rupiah(1234567), "Rp 1.234.567")
            self.assertEqual(rupiah(-2500), "-Rp 2.500")
            self.assertEqual(persen(667 / 1150), "58,0%")
            self.assertEqual(angka(None), "–")
        with translation.override("en"):
            self.assertEqual(angka(1150), "1,150")
            self.assertEqual(persen(0.58), "58.0%")

    def test_constant_queries(self):
        self.client.force_login(self.limited)
        self.client.get("/dasbor/")  # warm the content-type cache
        for _ in range(20):
            make_cooperative(kecamatan=SANGATTA_UTARA)
        summary_refresh()
        # 1 session, 2 user, 3 user's kecamatan (area), 4-5 user and group permissions, 6 kecamatan of the
        # area, 7-12 summary: totals, per kecamatan, trend, desa, named needs-attention cooperatives, last
        # refresh (no partnership recorded, so none counted); 13 user's groups (header role), 14 kecamatan
        # names (header area).
        with self.assertNumQueries(14):
            response = self.client.get("/dasbor/")
        self.assertEqual(response.status_code, 200)


@pytest.mark.django_db
def test_dashboard_in_english(client):
    client.force_login(make_user("Pimpinan"))
    response = client.get("/dasbor/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_language_switch_sets_language(client):
    client.force_login(make_user("Pimpinan"))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/dasbor/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/dasbor/").content.decode()


@pytest.mark.django_db
def test_cooperative_status_values_match_choices():
    assert Cooperative.Status.ACTIVE == "aktif"
