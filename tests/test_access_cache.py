"""A user's permissions, roles and area are cached between requests (registry/access.py), and every
way they can change is seen by the very next request: groups, permissions and area changed on the
model from either side, through Django admin, a group's permissions or name, a region renamed, a
group or permission deleted, superuser and active flags, a new account."""

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import access
from registry.models import AccessStamp, Kecamatan, User

from .builders import MUARA_WAHAU, PASSWORD, SANGATTA_SELATAN, SANGATTA_UTARA, make_cooperative, make_user

LIST = "/koperasi/"


class AccessCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.inside = make_cooperative(name="Koperasi Utara", kecamatan=SANGATTA_UTARA)
        cls.outside = make_cooperative(name="Koperasi Wahau", kecamatan=MUARA_WAHAU)

    def setUp(self):
        self.petugas = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(self.petugas)
        self.assertEqual(self.client.get(LIST).status_code, 200)  # fills the cache

    def status(self, path):
        return self.client.get(path).status_code

    def queries_of(self, path):
        with CaptureQueriesContext(connection) as captured:
            self.client.get(path)
        return [q["sql"] for q in captured.captured_queries]

    def test_a_warm_request_asks_no_permission_group_or_area_query(self):
        statements = " ".join(self.queries_of(LIST))
        self.assertIn("registry_accessstamp", statements)
        for table in ("auth_permission", "auth_group", "registry_user_kecamatan"):
            self.assertNotIn(table, statements)

    def test_the_token_is_read_in_the_statement_that_reads_the_user(self):
        statements = self.queries_of(LIST)
        with_token = [sql for sql in statements if "registry_accessstamp" in sql]
        self.assertEqual(len(with_token), 1, statements)
        self.assertIn('FROM "registry_user"', with_token[0])

    def test_a_user_loaded_another_way_reads_the_token_with_a_query_of_its_own(self):
        user = User.objects.get(pk=self.petugas.pk)  # no token annotation
        with self.assertNumQueries(1):
            access.load(user)
        self.assertEqual(user.access_token, AccessStamp.objects.get(pk=access.STAMP_PK).token)
        self.assertEqual(user.area_codes, [SANGATTA_UTARA])

    def test_the_backend_refuses_an_inactive_user_as_django_does(self):
        User.objects.filter(pk=self.petugas.pk).update(is_active=False)
        self.assertIsNone(access.UserWithAccessTokenBackend().get_user(self.petugas.pk))
        self.assertEqual(self.client.get(LIST).status_code, 302)  # signed out: to the login page

    def test_a_bumped_token_is_seen_by_the_read_with_the_user(self):
        access.bump()
        user = access.UserWithAccessTokenBackend().get_user(self.petugas.pk)
        self.assertEqual(getattr(user, access.TOKEN_READ_WITH_USER), AccessStamp.objects.get(pk=access.STAMP_PK).token)

    def test_a_new_token_reads_them_again(self):
        access.bump()
        statements = " ".join(self.queries_of(LIST))
        for table in ("auth_permission", "auth_group", "registry_user_kecamatan"):
            self.assertIn(table, statements)

    def test_the_cached_values_are_the_databases(self):
        response = self.client.get(LIST)
        user = response.wsgi_request.user
        self.assertEqual(user.area_codes, [SANGATTA_UTARA])
        self.assertEqual(user.role_names, ["Petugas"])
        self.assertEqual(user.area_names, ["Sangatta Utara"])
        self.assertIn("registry.view_cooperative", user.get_all_permissions())
        self.assertEqual(user.get_all_permissions(), User.objects.get(pk=self.petugas.pk).get_all_permissions())
        self.assertContains(response, "Sangatta Utara")

    def test_removing_the_group_on_the_user_is_seen_at_once(self):
        self.petugas.groups.remove(Group.objects.get(name="Petugas"))
        self.assertEqual(self.status(LIST), 403)

    def test_clearing_the_groups_is_seen_at_once(self):
        self.petugas.groups.clear()
        self.assertEqual(self.status(LIST), 403)

    def test_adding_a_group_is_seen_at_once(self):
        pimpinan = make_user("Pimpinan")
        self.client.force_login(pimpinan)
        self.assertEqual(self.status("/impor/"), 403)
        pimpinan.groups.add(Group.objects.get(name="Petugas"))
        self.assertEqual(self.status("/impor/"), 200)
        self.assertContains(self.client.get(LIST), "Petugas")  # the header's roles

    def test_a_groups_permission_removed_is_seen_at_once(self):
        group = Group.objects.get(name="Petugas")
        group.permissions.remove(Permission.objects.get(codename="view_cooperative"))
        self.assertEqual(self.status(LIST), 403)

    def test_a_permission_given_to_the_user_is_seen_at_once(self):
        pimpinan = make_user("Pimpinan")
        self.client.force_login(pimpinan)
        self.assertEqual(self.status("/impor/"), 403)
        pimpinan.user_permissions.add(Permission.objects.get(codename="add_importbatch"))
        self.assertEqual(self.status("/impor/"), 200)

    def test_a_group_deleted_is_seen_at_once(self):
        Group.objects.get(name="Petugas").delete()
        self.assertEqual(self.status(LIST), 403)

    def test_a_permission_deleted_is_seen_at_once(self):
        Permission.objects.get(codename="view_cooperative").delete()
        self.assertEqual(self.status(LIST), 403)

    def test_a_renamed_group_is_seen_in_the_header(self):
        Group.objects.filter(name="Petugas").update(name="unused")  # without signal: the old name stays
        self.assertNotContains(self.client.get(LIST), "unused")
        group = Group.objects.get(name="unused")
        group.name = "Petugas Lapangan"
        group.save()
        self.assertContains(self.client.get(LIST), "Petugas Lapangan")

    def test_a_new_area_is_seen_at_once(self):
        self.assertEqual(self.status(f"/koperasi/{self.outside.pk}/"), 404)
        self.petugas.kecamatan.set(Kecamatan.objects.filter(code=MUARA_WAHAU))
        self.assertEqual(self.status(f"/koperasi/{self.outside.pk}/"), 200)
        self.assertEqual(self.status(f"/koperasi/{self.inside.pk}/"), 404)

    def test_an_area_cleared_is_the_whole_district_at_once(self):
        self.petugas.kecamatan.clear()
        self.assertEqual(self.status(f"/koperasi/{self.outside.pk}/"), 200)
        self.assertContains(self.client.get(LIST), "Seluruh Kabupaten Kutai Timur")

    def test_an_area_changed_from_the_kecamatan_side_is_seen_at_once(self):
        Kecamatan.objects.get(code=MUARA_WAHAU).users.add(self.petugas)
        self.assertEqual(self.status(f"/koperasi/{self.outside.pk}/"), 200)

    def test_a_renamed_kecamatan_is_seen_in_the_header(self):
        kecamatan = Kecamatan.objects.get(code=SANGATTA_UTARA)
        kecamatan.name = "Sangatta Utara Baru"
        kecamatan.save()
        self.assertContains(self.client.get(LIST), "Sangatta Utara Baru")

    def test_becoming_superuser_is_seen_at_once(self):
        pimpinan = make_user("Pimpinan")
        self.client.force_login(pimpinan)
        self.assertEqual(self.status("/impor/"), 403)
        User.objects.filter(pk=pimpinan.pk).update(is_superuser=True)  # no signal: the flag is in the key
        self.assertEqual(self.status("/impor/"), 200)

    def test_an_account_changed_in_django_admin_is_seen_at_once(self):
        from .test_admin import form_data, url

        admin = self.client_class()
        admin.force_login(make_user("Admin Dinas", is_staff=True))
        data = form_data(admin.get(url(User, "change", self.petugas.pk)))
        response = admin.post(url(User, "change", self.petugas.pk), {**data, "kecamatan": [MUARA_WAHAU]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.status(f"/koperasi/{self.outside.pk}/"), 200)
        data = form_data(admin.get(url(User, "change", self.petugas.pk)))
        response = admin.post(url(User, "change", self.petugas.pk), {**data, "groups": []})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.status(LIST), 403)

    def test_a_new_account_gets_a_new_token(self):
        before = access.current_token()
        make_user()
        self.assertNotEqual(access.current_token(), before)

    def test_a_sign_in_keeps_the_token(self):
        before = access.current_token()
        response = self.client.post(reverse("login"), {"username": self.petugas.username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(access.current_token(), before)

    def test_without_the_stamp_row_nothing_is_cached_and_pages_still_answer(self):
        AccessStamp.objects.all().delete()
        cache.clear()
        self.assertEqual(self.status(LIST), 200)
        self.assertEqual(self.status(f"/koperasi/{self.outside.pk}/"), 404)
        statements = " ".join(self.queries_of(LIST))
        self.assertIn("auth_permission", statements)  # computed each time
        access.bump()  # the next change brings the row back
        self.assertTrue(AccessStamp.objects.filter(pk=access.STAMP_PK).exists())

    def test_other_users_keep_their_own_entries(self):
        other = make_user("Petugas", kecamatan=[SANGATTA_SELATAN])
        second = self.client_class()
        second.force_login(other)
        self.assertEqual(second.get(f"/koperasi/{self.inside.pk}/").status_code, 404)
        self.assertEqual(self.status(f"/koperasi/{self.inside.pk}/"), 200)


class RequestUserTests(TestCase):
    """After CachedAccessMiddleware, request.user is the user itself (not Django's lazy proxy), for a
    signed-in user and for an anonymous visitor alike, and signing in and out still replaces it."""

    def test_the_signed_in_user_is_the_user_itself(self):
        user = make_user("Petugas")
        self.client.force_login(user)
        response = self.client.get("/koperasi/")
        self.assertIs(type(response.wsgi_request.user), User)
        self.assertEqual(response.wsgi_request.user.pk, user.pk)
        self.assertEqual(response.context["user"].pk, user.pk)

    def test_an_anonymous_visitor_is_anonymous_itself(self):
        response = self.client.get(reverse("login"))
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        self.assertEqual(type(response.wsgi_request.user).__name__, "AnonymousUser")

    def test_signing_in_and_out_replace_the_user(self):
        user = make_user("Petugas")
        response = self.client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.wsgi_request.user.pk, user.pk)
        response = self.client.post(reverse("logout"))
        self.assertFalse(response.wsgi_request.user.is_authenticated)
