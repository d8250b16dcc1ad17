"""No lost edits: the version check under a row lock, with a normal save that keeps history."""

from django.test import TestCase

from registry.models import Cooperative
from registry.services.versioning import EditConflict, save_versioned
from tests.builders import make_cooperative, make_user


class SaveVersionedTests(TestCase):
    def setUp(self):
        self.cooperative = make_cooperative(name="Koperasi Sawit Jaya", phone="0811")

    def edit(self, expected_version, **fields):
        copy = Cooperative.objects.get(pk=self.cooperative.pk)
        for name, value in fields.items():
            setattr(copy, name, value)
        return save_versioned(instance=copy, expected_version=expected_version, reason="uji")

    def test_save_from_current_version_bumps_it_and_keeps_history(self):
        saved = self.edit(1, name="Koperasi Sawit Jaya Makmur")
        self.assertEqual(saved.version, 2)
        latest = self.cooperative.history.first()
        self.assertEqual((latest.name, latest.version, latest.history_change_reason), (saved.name, 2, "uji"))

    def test_second_editor_from_the_same_version_is_refused(self):
        other = make_user("Petugas", first_name="Rahmat", last_name="Hidayat")
        first = Cooperative.objects.get(pk=self.cooperative.pk)
        first.phone = "0812"
        first._history_user = other
        save_versioned(instance=first, expected_version=1)
        with self.assertRaises(EditConflict) as info:
            self.edit(1, name="Nama dari editor kedua")
        conflict = info.exception
        self.assertEqual(conflict.current.version, 2)
        self.assertEqual(conflict.changed_by, other)
        self.assertEqual([(c.field, c.old, c.new) for c in conflict.changes], [("phone", "0811", "0812")])
        self.assertEqual(conflict.changes[0].label, "telepon")
        self.cooperative.refresh_from_db()
        self.assertEqual(self.cooperative.name, "Koperasi Sawit Jaya")

    def test_saving_again_from_the_new_version_is_a_deliberate_overwrite(self):
        self.edit(1, phone="0812")
        self.edit(2, phone="0813")
        self.cooperative.refresh_from_db()
        self.assertEqual((self.cooperative.phone, self.cooperative.version), ("0813", 3))
