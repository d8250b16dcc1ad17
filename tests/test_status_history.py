"""The status history always agrees with the status: for every cooperative, its last dated step.

The dashboard's year-end counts are read from the steps, the badge from the status: they must
never tell two stories. A cooperative without a step has the status it was recorded with.
"""

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from registry.models import Cooperative, StatusChange
from registry.services.cooperatives import cooperative_change_status
from registry.services.versioning import save_versioned
from registry.spreadsheets.commit import ImportRejected, import_batch_undo, import_commit
from tests.builders import SANGATTA_UTARA, first_desa, make_cooperative, make_user
from tests.test_imports import csv_bytes
from tests.test_write_path import rendered


def status_disagreements():
    """Cooperatives whose status (or its date) is not what their status history ends with."""
    last = {}
    for cooperative_id, to_status, changed_on in StatusChange.objects.order_by(
        "cooperative_id", "changed_on", "id"
    ).values_list("cooperative_id", "to_status", "changed_on"):
        last[cooperative_id] = (to_status, changed_on)
    recorded_with = dict(Cooperative.history.filter(history_type="+").values_list("id", "status"))
    wrong = []
    for pk, name, status, since in Cooperative.objects.values_list("pk", "name", "status", "status_since"):
        if pk in last:
            if last[pk] != (status, since):
                wrong.append((name, status, since, "last step", *last[pk]))
        elif status != recorded_with.get(pk, Cooperative.Status.ACTIVE):
            wrong.append((name, status, "recorded with", recorded_with.get(pk)))
    return wrong


class DemoDistrictStatusHistoryTests(TestCase):
    def test_every_seeded_cooperative_ends_its_history_on_its_status(self):
        call_command("seed_demo", yes=True, cooperatives=200, stdout=io.StringIO(), stderr=io.StringIO())
        self.assertGreater(StatusChange.objects.count(), 50)
        self.assertEqual(status_disagreements(), [])


class MixedOperationsStatusHistoryTests(TestCase):
    """Every way a status or a cooperative is written, one after another; the invariant after each."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas", is_staff=True)
        cls.petugas = make_user("Petugas")

    def assertAgrees(self):
        self.assertEqual(status_disagreements(), [])

    def test_forms_services_admin_revert_imports_and_undo(self):
        day = datetime.date(2025, 1, 10)
        a = make_cooperative(name="Koperasi A", nomor_induk="6408010000001")
        b = make_cooperative(name="Koperasi B", status=Cooperative.Status.INACTIVE)  # recorded as inactive
        self.assertAgrees()

        # The status form and the service.
        self.client.force_login(self.petugas)
        response = self.client.post(f"/koperasi/{a.pk}/status/", {
            "to_status": "dalam_pembinaan", "changed_on": "2025-01-10", "reason": "Tanpa RAT", "version": 1,
        })
        self.assertEqual(response.status_code, 302)
        cooperative_change_status(cooperative=b, to_status="aktif", reason="RAT lagi", changed_on=day)
        self.assertAgrees()

        # A backdated step would leave the history ending elsewhere: refused.
        with self.assertRaises(ValidationError):
            cooperative_change_status(cooperative=a, to_status="aktif", reason="x", changed_on=day.replace(day=9))
        self.assertAgrees()

        # The admin: a status step moves the status; the cooperative's own form cannot touch it.
        self.client.force_login(self.admin)
        self.client.post(reverse("admin:registry_statuschange_add"), {
            "cooperative": b.pk, "to_status": "tidak_aktif", "changed_on": "2025-02-01", "reason": "Tanpa RAT",
        })
        url = reverse("admin:registry_cooperative_change", args=[a.pk])
        data = rendered(self.client.get(url).context["adminform"].form)
        self.client.post(url, {**data, "phone": "0811", "status": "dibubarkan"})
        a.refresh_from_db()
        self.assertEqual((a.phone, a.status), ("0811", "dalam_pembinaan"))
        self.assertAgrees()

        # Reverting the change that moved the status records a step; reverting an ordinary edit does not.
        status_change = a.history.get(version=2)
        self.client.post(f"/koperasi/{a.pk}/riwayat/koperasi/{status_change.history_id}/kembalikan/",
                         {"version": a.version})
        a.refresh_from_db()
        self.assertEqual(a.status, "aktif")
        self.assertAgrees()
        a.email = "a@example.id"
        save_versioned(instance=a, expected_version=a.version)
        edit = a.history.get(version=a.version)
        self.client.post(f"/koperasi/{a.pk}/riwayat/koperasi/{edit.history_id}/kembalikan/", {"version": a.version})
        self.assertEqual(StatusChange.objects.filter(cooperative=a).count(), 2)
        self.assertAgrees()

        # Imports: a new cooperative with its status, an existing one unchanged; a status change refused.
        desa = first_desa(SANGATTA_UTARA)
        headers = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha", "Desa/kelurahan",
                   "Kecamatan", "Status"]
        row = ["Produsen", "Perkebunan/plasma", "perkebunan_sawit", desa.name, desa.kecamatan.name]
        batch = import_commit(kind="koperasi", file_name="k.csv", user=self.petugas, data=csv_bytes([
            headers, ["Koperasi Impor", "6408010000009", *row, "Tidak aktif"], ["Koperasi A", "6408010000001", *row,
                                                                              "Aktif"]]))
        self.assertEqual((batch.rows_created, batch.rows_unchanged), (1, 1))
        self.assertAgrees()
        with self.assertRaises(ImportRejected):
            import_commit(kind="koperasi", file_name="k.csv", user=self.petugas,
                          data=csv_bytes([headers, ["Koperasi A", "6408010000001", *row, "Dibubarkan"]]))
        import_batch_undo(batch=batch, user=self.admin)
        self.assertAgrees()

    def test_a_disagreement_is_found(self):
        cooperative = make_cooperative()
        cooperative_change_status(cooperative=cooperative, to_status="tidak_aktif", reason="x",
                                  changed_on=datetime.date(2025, 1, 1))
        Cooperative.objects.filter(pk=cooperative.pk).update(status="aktif")  # what a revert used to do
        self.assertEqual(len(status_disagreements()), 1)
