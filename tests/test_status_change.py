"""A status change over the version its form was opened at: the same conflict as every other edit."""

import datetime

from django.test import TestCase

from registry.models import Cooperative, StatusChange
from registry.services.cooperatives import cooperative_change_status
from registry.services.versioning import EditConflict

from .access import PETUGAS
from .builders import make_cooperative, make_user


class StatusChangeVersionTests(TestCase):
    def setUp(self):
        self.user = make_user(PETUGAS)
        self.cooperative = make_cooperative()

    def change(self, to_status, expected_version):
        return cooperative_change_status(
            cooperative=self.cooperative, to_status=to_status, reason="Tanpa RAT tiga tahun",
            changed_on=datetime.date(2026, 3, 1), expected_version=expected_version, user=self.user,
        )

    def test_from_the_current_version_the_step_is_recorded(self):
        self.change(Cooperative.Status.INACTIVE, expected_version=1)
        self.assertEqual((self.cooperative.status, self.cooperative.version), (Cooperative.Status.INACTIVE, 2))

    def test_from_an_older_version_it_is_an_edit_conflict_and_nothing_is_written(self):
        self.change(Cooperative.Status.INACTIVE, expected_version=1)
        stale = Cooperative.objects.get(pk=self.cooperative.pk)
        stale.version = 1
        self.cooperative = stale
        with self.assertRaises(EditConflict) as info:
            self.change(Cooperative.Status.COACHING, expected_version=1)
        self.assertEqual(info.exception.current.version, 2)
        self.assertEqual(info.exception.current.status, Cooperative.Status.INACTIVE)
        self.assertIn("status", [change.field for change in info.exception.changes])
        self.assertEqual(StatusChange.objects.filter(cooperative_id=stale.pk).count(), 1)
