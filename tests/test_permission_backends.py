"""User.has_perm over backends loaded once per setting (registry/models/areas.py): Django's answers."""

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.test import TestCase, override_settings

from tests.builders import make_user


class GrantsEverything(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None):
        return True


class RefusesExports(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if perm == "registry.export_data":
            raise PermissionDenied
        return False


HERE = "tests.test_permission_backends"
OURS = ["axes.backends.AxesStandaloneBackend", "registry.access.UserWithAccessTokenBackend"]


class PermissionBackendsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.pimpinan = make_user("Pimpinan")

    def test_the_groups_permissions(self):
        self.assertTrue(self.petugas.has_perm("registry.change_cooperative"))
        self.assertFalse(self.pimpinan.has_perm("registry.change_cooperative"))
        self.assertTrue(self.pimpinan.has_perm("registry.view_cooperative"))
        self.assertFalse(self.petugas.has_perm("registry.no_such_permission"))

    def test_an_inactive_user_has_none(self):
        self.petugas.is_active = False
        self.assertFalse(self.petugas.has_perm("registry.view_cooperative"))

    def test_a_superuser_has_all(self):
        admin = make_user(None, is_superuser=True)
        self.assertTrue(admin.has_perm("registry.no_such_permission"))

    def test_a_changed_setting_is_followed(self):
        self.assertFalse(self.pimpinan.has_perm("registry.change_cooperative"))  # the backends loaded
        with override_settings(AUTHENTICATION_BACKENDS=[*OURS, f"{HERE}.GrantsEverything"]):
            self.assertTrue(self.pimpinan.has_perm("registry.change_cooperative"))
        self.assertFalse(self.pimpinan.has_perm("registry.change_cooperative"))

    def test_a_backends_refusal_ends_the_question(self):
        with override_settings(AUTHENTICATION_BACKENDS=[f"{HERE}.RefusesExports", *OURS]):
            self.assertFalse(self.petugas.has_perm("registry.export_data"))
            self.assertTrue(self.petugas.has_perm("registry.view_cooperative"))
