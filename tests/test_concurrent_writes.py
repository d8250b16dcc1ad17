"""Writers racing on PostgreSQL: each thread has its own connection, as two gunicorn workers would.

Import commit against a form save, the admin against a form, import undo against a form; then many
editors and imports at once, checked against the history: every save reported as successful is in
the final state or was deliberately changed later by another reported save, versions never go
back or repeat, and no write happens that nobody reported. PostgreSQL only (the marker): SQLite
serialises writers, so it cannot lose an update this way (tests/test_write_path.py runs the same
interleavings on one connection).
"""

import random
import threading
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse

from registry.models import Cooperative, ImportBatch, SummaryCell
from registry.services import versioning
from registry.services.cooperatives import cooperative_change_status
from registry.services.summary import summary_refresh
from registry.services.versioning import EditConflict, remember_loaded, save_versioned
from registry.spreadsheets import commit as commit_module
from registry.spreadsheets.commit import UndoRefused, import_batch_undo, import_commit
from registry.spreadsheets.imports import import_dry_run, preview_plan
from tests.builders import SANGATTA_UTARA, make_cooperative, make_user
from tests.races import Gate, Worker, blocked
from tests.test_imports import csv_bytes
from tests.test_write_path import rendered

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADERS = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha", "Desa/kelurahan",
           "Kecamatan", "Alamat"]
IMPORT_FIELDS = {"name", "nomor_induk", "jenis", "kelompok", "sector", "desa", "address"}


def cooperative_file(cooperative, address):
    return csv_bytes([HEADERS, [cooperative.name, cooperative.nomor_induk, "Produsen", "Perkebunan/plasma",
                                "perkebunan_sawit", cooperative.desa.name, cooperative.desa.kecamatan.name,
                                address]])


@pytest.mark.postgres
@override_settings(TASKS=DATABASE_TASKS)
class TwoConnectionTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.petugas = make_user("Petugas", first_name="Rahmat")
        self.admin = make_user("Admin Dinas", first_name="Dina", is_staff=True)
        self.cooperative = make_cooperative(nomor_induk="6408010000001", name="Koperasi Rebutan", phone="0811",
                                            address="Jl. Lama", latitude=Decimal("0.5"))
        self.form_url = f"/koperasi/{self.cooperative.pk}/ubah/"
        self.admin_url = reverse("admin:registry_cooperative_change", args=[self.cooperative.pk])

    def opened(self, user, url):
        """A client signed in as `user` and the form at `url` as its page showed it."""
        client = Client()
        client.force_login(user)
        form = client.get(url).context["adminform" if "admin" in url else "form"]
        return client, rendered(form.form if "admin" in url else form)

    def state(self):
        self.cooperative.refresh_from_db()
        c = self.cooperative
        return c.address, c.latitude, c.phone, c.version

    def versions(self):
        return list(self.cooperative.history.order_by("history_id").values_list("version", flat=True))

    def import_file(self):
        return cooperative_file(self.cooperative, "Jl. Dari Berkas")

    def commit(self, **kwargs):
        return import_commit(kind="koperasi", data=self.import_file(), file_name="koperasi.csv", user=self.petugas,
                             **kwargs)

    # -- import commit against a form save ------------------------------------------------------

    def test_a_form_saved_after_the_import_read_the_row_makes_that_row_a_conflict(self):
        client, form = self.opened(self.petugas, self.form_url)
        gate = Gate()
        with mock.patch.object(commit_module, "import_dry_run", gate.wrap(commit_module.import_dry_run)):
            importer = Worker("import", self.commit)
            importer.start()
            assert gate.reached.wait(30)
            # The import has read the row (version 1) inside its transaction; an officer saves now.
            editor = Worker("form", lambda: client.post(self.form_url, {**form, "latitude": "0.777777"}))
            editor.start()
            editor.finish()
            gate.go.set()
            importer.finish()
        self.assertIsNone(importer.error)
        self.assertEqual(editor.result.status_code, 302)
        batch = importer.result
        self.assertEqual((batch.rows_updated, batch.rows_conflicted), (0, 1))
        self.assertEqual(self.state(), ("Jl. Lama", Decimal("0.777777"), "0811", 2))
        self.assertEqual(self.versions(), [1, 2])

    def test_a_form_save_waits_for_the_import_holding_the_row_and_then_reports_a_conflict(self):
        client, form = self.opened(self.petugas, self.form_url)
        gate = Gate()
        with mock.patch.object(commit_module, "_lock", gate.wrap(commit_module._lock)):
            importer = Worker("import", self.commit)
            importer.start()
            assert gate.reached.wait(30)
            editor = Worker("form", lambda: client.post(self.form_url, {**form, "latitude": "0.777777"}))
            editor.start()
            self.assertTrue(blocked(editor))  # the import holds the row lock
            gate.go.set()
            importer.finish()
            editor.finish()
        self.assertEqual(importer.result.rows_updated, 1)
        self.assertEqual(editor.result.status_code, 200)
        self.assertContains(editor.result, "sudah diubah orang lain")
        # The import's address is kept; the officer's latitude was refused, not silently lost.
        self.assertEqual(self.state(), ("Jl. Dari Berkas", Decimal("0.5"), "0811", 2))
        self.assertEqual(self.versions(), [1, 2])

    def test_a_form_saved_after_the_preview_makes_the_commit_report_the_row(self):
        preview = preview_plan(import_dry_run(kind="koperasi", data=self.import_file(), file_name="koperasi.csv",
                                              user=self.petugas, collect=True))
        client, form = self.opened(self.petugas, self.form_url)
        editor = Worker("form", lambda: client.post(self.form_url, {**form, "address": "Jl. Petugas"}))
        editor.start()
        editor.finish()
        importer = Worker("import", lambda: self.commit(previewed=preview))
        importer.start()
        importer.finish()
        self.assertEqual(importer.result.rows_conflicted, 1)
        self.assertEqual(self.state(), ("Jl. Petugas", Decimal("0.5"), "0811", 2))

    # -- the admin against a form ---------------------------------------------------------------

    def test_an_admin_save_holding_the_row_makes_the_form_report_a_conflict(self):
        admin_client, admin_form = self.opened(self.admin, self.admin_url)
        client, form = self.opened(self.petugas, self.form_url)
        gate = Gate()
        with mock.patch("registry.admin.base.lock_at_version", gate.wrap(versioning.lock_at_version)):
            admin = Worker("admin", lambda: admin_client.post(self.admin_url, {**admin_form, "phone": "0549 1"}))
            admin.start()
            assert gate.reached.wait(30)  # the admin's form is checked, the row locked
            editor = Worker("form", lambda: client.post(self.form_url, {**form, "address": "Jl. Petugas"}))
            editor.start()
            self.assertTrue(blocked(editor))
            gate.go.set()
            admin.finish()
            editor.finish()
        self.assertEqual(admin.result.status_code, 302)
        self.assertEqual(editor.result.status_code, 200)
        self.assertContains(editor.result, "sudah diubah orang lain")
        self.assertEqual(self.state(), ("Jl. Lama", Decimal("0.5"), "0549 1", 2))

    def test_a_form_save_holding_the_row_makes_the_admin_refuse_its_stale_form(self):
        admin_client, admin_form = self.opened(self.admin, self.admin_url)
        client, form = self.opened(self.petugas, self.form_url)
        gate = Gate()
        with mock.patch.object(versioning, "lock_at_version", gate.wrap(versioning.lock_at_version, thread="form")):
            editor = Worker("form", lambda: client.post(self.form_url, {**form, "address": "Jl. Petugas"}))
            editor.start()
            assert gate.reached.wait(30)
            admin = Worker("admin", lambda: admin_client.post(self.admin_url, {**admin_form, "phone": "0549 1"}))
            admin.start()
            self.assertTrue(blocked(admin))
            gate.go.set()
            editor.finish()
            admin.finish()
        self.assertEqual(editor.result.status_code, 302)
        self.assertEqual(admin.result.status_code, 200)
        self.assertContains(admin.result, "Tidak disimpan: Rahmat mengubah data ini")
        self.assertEqual(self.state(), ("Jl. Petugas", Decimal("0.5"), "0811", 2))

    # -- import undo against a form -------------------------------------------------------------

    def committed_batch(self):
        batch = self.commit()
        self.assertEqual(self.state(), ("Jl. Dari Berkas", Decimal("0.5"), "0811", 2))
        return batch

    def test_an_undo_holding_the_rows_makes_the_form_report_a_conflict(self):
        batch = self.committed_batch()
        client, form = self.opened(self.petugas, self.form_url)
        gate = Gate()
        with mock.patch.object(commit_module, "_lock", gate.wrap(commit_module._lock)):
            undo = Worker("undo", lambda: import_batch_undo(batch=batch, user=self.admin))
            undo.start()
            assert gate.reached.wait(30)
            editor = Worker("form", lambda: client.post(self.form_url, {**form, "latitude": "0.777777"}))
            editor.start()
            self.assertTrue(blocked(editor))
            gate.go.set()
            undo.finish()
            editor.finish()
        self.assertIsNone(undo.error)
        self.assertEqual(editor.result.status_code, 200)
        self.assertEqual(self.state(), ("Jl. Lama", Decimal("0.5"), "0811", 3))
        self.assertEqual(ImportBatch.objects.get().status, ImportBatch.Status.UNDONE)

    def test_a_form_save_holding_the_row_makes_the_undo_refuse(self):
        batch = self.committed_batch()
        client, form = self.opened(self.petugas, self.form_url)
        gate = Gate()
        with mock.patch.object(versioning, "lock_at_version", gate.wrap(versioning.lock_at_version, thread="form")):
            editor = Worker("form", lambda: client.post(self.form_url, {**form, "latitude": "0.777777"}))
            editor.start()
            assert gate.reached.wait(30)
            undo = Worker("undo", lambda: import_batch_undo(batch=batch, user=self.admin))
            undo.start()
            self.assertTrue(blocked(undo))
            gate.go.set()
            editor.finish()
            undo.finish()
        self.assertEqual(editor.result.status_code, 302)
        self.assertIsInstance(undo.error, UndoRefused)
        self.assertEqual(self.state(), ("Jl. Dari Berkas", Decimal("0.777777"), "0811", 3))
        self.assertEqual(ImportBatch.objects.get().status, ImportBatch.Status.COMMITTED)


@pytest.mark.postgres
class FiguresUnderConcurrentWritesTests(TransactionTestCase):
    """Writes committing at once, each running its refresh in the request (the immediate backend)."""

    serialized_rollback = True

    def test_refreshes_triggered_by_concurrent_status_changes_never_fail_and_end_exact(self):
        cooperatives = [make_cooperative(kecamatan=SANGATTA_UTARA) for _ in range(8)]
        summary_refresh()
        barrier = threading.Barrier(4)

        def officer(mine):
            barrier.wait()
            for cooperative in mine:
                cooperative_change_status(cooperative=cooperative, to_status="tidak_aktif", reason="Tanpa RAT",
                                          changed_on=cooperative.created_at.date())

        workers = [Worker(f"officer-{i}", lambda i=i: officer(cooperatives[i::4])) for i in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.finish()
        self.assertEqual([worker.error for worker in workers], [None] * 4)
        cell = SummaryCell.objects.get(year=0, kecamatan=SANGATTA_UTARA, dimension="")
        self.assertEqual((cell.status_aktif, cell.status_tidak_aktif), (0, 8))


@pytest.mark.postgres
@override_settings(TASKS=DATABASE_TASKS)
class ManyWritersLoseNothingTests(TransactionTestCase):
    """Editors and imports (with undo) at once; every reported success checked against the history."""

    serialized_rollback = True
    EDITORS, EDITS, IMPORTERS, IMPORTS, COOPERATIVES = 6, 15, 3, 5, 10
    EDITED = {"phone": lambda e, i: f"08{e}{i:04d}", "email": lambda e, i: f"e{e}-{i}@contoh.id",
              "postcode": lambda e, i: f"7{e}{i:03d}", "latitude": lambda e, i: Decimal(f"1.{e:02d}{i:04d}"),
              "address": lambda e, i: f"Jl. Petugas {e}-{i}"}

    def setUp(self):
        self.petugas = make_user("Petugas")
        self.cooperatives = [make_cooperative(nomor_induk=f"64080100000{n:02d}", name=f"Koperasi Ramai {n}")
                             for n in range(self.COOPERATIVES)]
        self.successes, self.refused, self.lock = [], [], threading.Lock()

    def report(self, pk, version, fields, values, *, base):
        """A save reported as successful: the version it made, from which version, what it meant to write."""
        with self.lock:
            self.successes.append((pk, version, frozenset(fields), values, base))

    def editor(self, number):
        rng = random.Random(f"editor-{number}")
        for i in range(self.EDITS):
            cooperative = rng.choice(self.cooperatives)
            field = rng.choice(list(self.EDITED))
            record = remember_loaded(Cooperative.objects.get(pk=cooperative.pk))  # what an edit page loads
            value = self.EDITED[field](number, i)
            setattr(record, field, value)
            time.sleep(rng.random() * 0.02)  # the officer types
            opened = record.version
            try:
                save_versioned(instance=record, expected_version=opened)
            except EditConflict:
                with self.lock:
                    self.refused.append(("edit", record.pk))
                continue
            self.report(record.pk, record.version, {field}, {field: value}, base=opened)

    def importer(self, number):
        rng = random.Random(f"importer-{number}")
        for j in range(self.IMPORTS):
            chosen = rng.sample(self.cooperatives, 4)
            rows = [HEADERS] + [
                [c.name, c.nomor_induk, "Produsen", "Perkebunan/plasma", "perkebunan_sawit", c.desa.name,
                 c.desa.kecamatan.name, f"Jl. Impor {number}-{j}"]
                for c in chosen
            ]
            data = csv_bytes(rows)
            plan = preview_plan(import_dry_run(kind="koperasi", data=data, file_name="f.csv", user=self.petugas,
                                               collect=True))
            time.sleep(rng.random() * 0.05)  # the officer reads the preview
            batch = import_commit(kind="koperasi", data=data, file_name="f.csv", user=self.petugas, previewed=plan)
            written = list(batch.rows.all())
            for row in written:
                self.report(row.object_id, row.version_after, IMPORT_FIELDS, {"address": f"Jl. Impor {number}-{j}"},
                            base=plan[str(row.row_number)][2])  # the version the preview showed
            if written and rng.random() < 0.4:
                try:
                    import_batch_undo(batch=batch, user=self.petugas)
                except UndoRefused:
                    with self.lock:
                        self.refused.append(("undo", batch.pk))
                    continue
                for row in written:
                    self.report(row.object_id, row.version_after + 1, set(row.previous), row.previous,
                                base=row.version_after)

    def test_no_save_reported_successful_is_lost(self):
        workers = [Worker(f"editor-{n}", lambda n=n: self.editor(n)) for n in range(self.EDITORS)]
        workers += [Worker(f"importer-{n}", lambda n=n: self.importer(n)) for n in range(self.IMPORTERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=300)
        self.assertEqual([(w.name, w.error) for w in workers if w.error or w.is_alive()], [])
        by_version = {(pk, version): (fields, values, base) for pk, version, fields, values, base in self.successes}
        self.assertEqual(len(by_version), len(self.successes), "two successes reported the same version")
        self.assertGreater(len(self.successes), self.EDITORS * self.EDITS // 3)
        for cooperative in self.cooperatives:
            current = Cooperative.objects.get(pk=cooperative.pk)
            history = list(current.history.order_by("history_id"))
            # Versions one after another: never back, never twice, no write nobody reported.
            self.assertEqual([h.version for h in history], list(range(1, current.version + 1)))
            for before, after in zip(history, history[1:], strict=False):
                self.assertIn((current.pk, after.version), by_version, "a write nobody reported")
                fields, values, base = by_version[(current.pk, after.version)]
                # Each save was made over the version its writer had seen: nothing it did not see is overwritten.
                self.assertEqual(base, before.version, f"version {after.version} of {current.pk} was not based on "
                                                       f"the one before it")
                changed = set(after.diff_against(before).changed_fields)
                # Each save changed only what it meant to: nothing it merely read came back stale.
                self.assertLessEqual(changed, fields, f"version {after.version} of {current.pk}")
                for name, value in values.items():
                    self.assertEqual(str(getattr(after, name) or ""), str(value or ""))
            last = history[-1]
            for name in [*self.EDITED, "address"]:
                self.assertEqual(getattr(current, name), getattr(last, name))
        conflicts = sum(ImportBatch.objects.values_list("rows_conflicted", flat=True))
        refused = {kind: len([k for k, _ in self.refused if k == kind]) for kind in ("edit", "undo")}
        print(f"\n{len(self.successes)} saves reported successful, all kept; refused as conflicts: "
              f"{refused['edit']} edits, {conflicts} import rows, {refused['undo']} undos")
