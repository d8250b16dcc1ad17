"""Who may open which page: every URL against the matrix in tests/access.py, and the roles' permissions."""

from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.urls import URLResolver, get_resolver, reverse

from registry.models import ExportLog
from registry.models.imports import export_storage
from tests.access import (
    ADMIN_DINAS,
    ANONYMOUS,
    EVERYONE,
    LIMITED,
    MATRIX,
    NO_ROLE,
    PENGURUS,
    PETUGAS,
    PIMPINAN,
    VERIFIKATOR,
    AccessTestCase,
    make_matrix_records,
)
from tests.builders import make_user


def url_names(patterns=None, namespace=""):
    """Every URL name the project serves (an unnamed pattern by its route), Django admin aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin site's own pages: tests/test_admin.py
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else f"unnamed {pattern.pattern}"


class UrlMatrixTests(AccessTestCase):
    """Every URL name has a row in the matrix, and every request of the matrix answers as it says."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = make_matrix_records(cls.users)
        # The prepared export's file is outside the database: removed with the class.
        export_file = ExportLog.objects.get(pk=cls.records["inside"].export).file.name
        cls.addClassCleanup(export_storage().delete, export_file)

    def test_every_url_name_has_a_row(self):
        names = set(url_names())
        self.assertIn("registry:cooperative_detail", names)  # the walk reaches the app's URLs
        self.assertEqual(sorted(names - set(MATRIX)), [], "URL names without a row in tests/access.py MATRIX")
        self.assertEqual(sorted(set(MATRIX) - names), [], "rows of tests/access.py MATRIX without a URL")

    def test_every_request_is_asked_of_everyone(self):
        for name, asks in MATRIX.items():
            for ask in asks:
                with self.subTest(name=name, method=ask.method):
                    self.assertEqual(set(ask.expected), set(EVERYONE))
                    self.assertEqual(set(ask.outside or EVERYONE), set(EVERYONE))

    def path(self, name, ask, where):
        records = self.records[where]
        path = reverse(name, kwargs=ask.args(records) if ask.args else None)
        return f"{path}?{ask.query(records)}" if ask.query else path

    def test_inside_the_area(self):
        for name, asks in MATRIX.items():
            for ask in asks:
                self.check(ask.method, self.path(name, ask, "inside"), ask.expected, ask.data, to_login=ask.to_login)

    def test_outside_the_area(self):
        for name, asks in MATRIX.items():
            for ask in asks:
                if ask.outside is not None:
                    self.check(ask.method, self.path(name, ask, "outside"), ask.outside, ask.data,
                               to_login=ask.to_login)

    def test_every_request_naming_a_record_with_an_area_is_asked_outside_it(self):
        """So that no record page can leave out the limited Petugas's 404."""
        for name, asks in MATRIX.items():
            for ask in asks:
                if 405 in ask.expected.values():
                    continue  # a GET on a POST-only URL is refused before any record is looked up
                if self.path(name, ask, "inside") != self.path(name, ask, "outside"):
                    with self.subTest(name=name, method=ask.method):
                        self.assertIsNotNone(ask.outside)
                        self.assertEqual(ask.outside[LIMITED], 404 if ask.expected[LIMITED] != 403 else 403)


class FrontDoorTests(AccessTestCase):
    def test_home_leads_to_dashboard(self):
        self.client.force_login(self.users[PIMPINAN])
        self.assertRedirects(self.client.get("/"), reverse("registry:dashboard"))

    def test_logout_is_post_only_and_ends_session(self):
        self.client.force_login(self.users[PETUGAS])
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        self.assertRedirects(self.client.post(reverse("logout")), reverse("login"), fetch_redirect_response=False)
        self.assertEqual(self.client.get("/dasbor/").status_code, 302)

    def test_staff_flag_alone_opens_nothing_of_ours(self):
        staff_without_role = make_user(None, is_staff=True)
        self.client.force_login(staff_without_role)
        self.assertEqual(self.client.get("/dasbor/").status_code, 403)

    def test_admin_pages_are_not_stored_either(self):
        # The matrix checks every page of ours for no-store (AccessTestCase.check); the admin's too.
        self.client.force_login(self.users[ADMIN_DINAS])
        for path in ("/admin/", "/admin/registry/assessment/", "/admin/registry/importbatch/"):
            with self.subTest(path=path):
                self.assertIn("no-store", self.client.get(path)["Cache-Control"])

    def test_admin_site_is_for_admin_dinas_only(self):
        # Django admin sends whoever is not staff to its own login page.
        # A board member: 404, as on every staff URL (registry/middleware.py BoardAccountReachMiddleware).
        others = {who: 302 for who in [PETUGAS, PIMPINAN, VERIFIKATOR, LIMITED, NO_ROLE]}
        self.check("get", "/admin/", {ANONYMOUS: 302, ADMIN_DINAS: 200, PENGURUS: 404, **others},
                   to_login="/admin/login/")


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

    def test_partnerships_trainings_and_findings(self):
        self.assertTrue({"add_partnership", "change_training", "add_trainingparticipant", "change_finding",
                         "add_outsideparty"} <= self.perms("Petugas"))
        self.assertTrue({"view_partnership", "view_training", "view_finding"} <= self.perms("Pimpinan"))
        self.assertFalse({p for p in self.perms("Pimpinan") if p.startswith(("add_", "change_"))})
        self.assertIn("change_kecamatanneighbour", self.perms("Admin Dinas"))
        self.assertNotIn("change_kecamatanneighbour", self.perms("Petugas"))
