"""One write path for every versioned record: forms, "save again", the admin, import commit and undo, revert.

Each writer locks the row, saves only over the version it planned against, writes only the fields
it means to change and moves the version on from the stored one; every committed change queues
the summary refresh. The same races between two connections run on PostgreSQL in
tests/test_concurrent_writes.py.
"""

import datetime
from decimal import Decimal
from unittest import mock

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from registry.models import (
    BoardMember,
    Cooperative,
    ImportBatch,
    StatusChange,
    SummaryCell,
    SummaryRefresh,
    YearlyReport,
)
from registry.services.cooperatives import cooperative_change_status
from registry.services.summary import summary_refresh
from registry.services.versioning import EditConflict, remember_loaded, save_versioned
from registry.spreadsheets import commit as commit_module
from registry.spreadsheets.commit import UndoRefused, import_batch_undo, import_commit
from registry.spreadsheets.imports import import_dry_run, preview_plan
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
    first_desa,
    make_board_member,
    make_cooperative,
    make_report,
    make_user,
)
from tests.test_imports import csv_bytes

COOPERATIVE_HEADERS = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha", "Desa/kelurahan",
                       "Alamat"]


def rendered(form):
    """The POST data of a form as the page renders it: what a browser sends back on "Simpan"."""
    data = {}
    for field in form:
        widget, value = field.field.widget, field.value()
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
            continue
        shown = widget.format_value(value)
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        if shown is not None:
            data[field.html_name] = shown
    return data


def stored(cooperative, *names):
    cooperative.refresh_from_db()
    return tuple(getattr(cooperative, name) for name in names)


def active_figure():
    return SummaryCell.objects.get(year=0, kecamatan=SANGATTA_UTARA, dimension="").status_aktif


class SaveVersionedWritesOnlyChangesTests(TestCase):
    def setUp(self):
        self.cooperative = make_cooperative(name="Koperasi Sawit Jaya", phone="0811", address="Jl. Lama")

    def test_a_field_the_editor_did_not_change_is_not_written_back(self):
        copy = remember_loaded(Cooperative.objects.get(pk=self.cooperative.pk))
        # A value written meanwhile by a path that keeps no version (here: a bare UPDATE).
        Cooperative.objects.filter(pk=self.cooperative.pk).update(address="Jl. Baru")
        copy.phone = "0812"
        save_versioned(instance=copy, expected_version=1)
        self.assertEqual(stored(self.cooperative, "phone", "address", "version"), ("0812", "Jl. Baru", 2))
        self.assertEqual(self.cooperative.history.first().address, "Jl. Baru")  # the history row as saved

    def test_fields_limits_what_is_written_and_the_history_shows_what_was(self):
        copy = Cooperative.objects.get(pk=self.cooperative.pk)
        copy.phone, copy.address = "0812", "Jl. Tidak Dimaksud"
        save_versioned(instance=copy, expected_version=1, fields=["phone"])
        self.assertEqual(stored(self.cooperative, "phone", "address"), ("0812", "Jl. Lama"))
        self.assertEqual((copy.address, self.cooperative.history.first().address), ("Jl. Lama", "Jl. Lama"))

    def test_the_version_moves_on_from_the_stored_one(self):
        copy = Cooperative.objects.get(pk=self.cooperative.pk)
        copy.version = 99  # whatever the caller's copy says, the stored version decides
        copy.phone = "0812"
        save_versioned(instance=copy, expected_version=1)
        self.assertEqual(stored(self.cooperative, "version"), (2,))


class SaveAgainAfterConflictTests(TestCase):
    """A conflict page is a save of the user's own changes over the record as it is now."""

    @classmethod
    def setUpTestData(cls):
        cls.first = make_user("Petugas", username="sari")
        cls.second = make_user("Petugas", username="rahmat")

    def setUp(self):
        self.cooperative = make_cooperative(name="Koperasi Rebutan", phone="0811", address="Jl. Lama",
                                            latitude=Decimal("0.5"))
        self.url = f"/koperasi/{self.cooperative.pk}/ubah/"

    def opened_by(self, user):
        self.client.force_login(user)
        return rendered(self.client.get(self.url).context["form"])

    def test_save_again_writes_only_what_this_user_changed(self):
        stale = self.opened_by(self.second)
        first = self.opened_by(self.first)
        self.client.post(self.url, {**first, "latitude": "0.612345"})  # the first officer saves a new latitude
        self.client.force_login(self.second)
        response = self.client.post(self.url, {**stale, "address": "Jl. Poros Km 5"})
        self.assertContains(response, "sudah diubah orang lain")
        self.assertContains(response, "Menyimpan lagi hanya menyimpan isian yang Anda ubah")
        self.assertEqual(stored(self.cooperative, "address", "latitude"), ("Jl. Lama", Decimal("0.612345")))
        again = rendered(response.context["form"])
        # Their latitude is in the form now, the second officer's address is kept, the version is the new one.
        self.assertEqual((again["latitude"], again["address"], again["version"]), ("0.612345", "Jl. Poros Km 5", "2"))
        self.assertEqual(response.context["conflict"].both, [])
        response = self.client.post(self.url, again)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(stored(self.cooperative, "address", "latitude", "version"),
                         ("Jl. Poros Km 5", Decimal("0.612345"), 3))
        self.assertEqual(self.cooperative.history.first().history_user, self.second)

    def test_a_field_both_changed_keeps_this_users_input_and_says_so(self):
        stale = self.opened_by(self.second)
        first = self.opened_by(self.first)
        self.client.post(self.url, {**first, "phone": "0812", "address": "Jl. Sari"})
        self.client.force_login(self.second)
        response = self.client.post(self.url, {**stale, "phone": "0813"})
        self.assertEqual(response.context["conflict"].both, ["Telepon"])
        self.assertContains(response, "Isian yang diubah oleh Anda dan oleh mereka: Telepon")
        again = rendered(response.context["form"])
        self.assertEqual((again["phone"], again["address"]), ("0813", "Jl. Sari"))
        self.client.post(self.url, again)
        self.assertEqual(stored(self.cooperative, "phone", "address"), ("0813", "Jl. Sari"))

    def test_a_desa_moved_by_them_brings_its_kecamatan_along(self):
        stale = self.opened_by(self.second)
        first = self.opened_by(self.first)
        elsewhere = first_desa(MUARA_WAHAU)
        self.client.post(self.url, {**first, "desa": elsewhere.code, "kecamatan": MUARA_WAHAU})
        self.client.force_login(self.second)
        response = self.client.post(self.url, {**stale, "phone": "0813"})
        again = rendered(response.context["form"])
        self.assertEqual((again["desa"], again["kecamatan"]), (elsewhere.code, MUARA_WAHAU))
        self.assertEqual(self.client.post(self.url, again).status_code, 302)
        self.assertEqual(stored(self.cooperative, "desa_id", "phone"), (elsewhere.code, "0813"))

    def test_a_checkbox_left_alone_takes_their_value(self):
        stale = self.opened_by(self.second)
        first = self.opened_by(self.first)
        self.client.post(self.url, {**{k: v for k, v in first.items() if k != "palm_oil"}, "merah_putih": "on"})
        self.client.force_login(self.second)
        response = self.client.post(self.url, {**stale, "phone": "0813"})
        self.client.post(self.url, rendered(response.context["form"]))
        self.assertEqual(stored(self.cooperative, "palm_oil", "merah_putih", "phone"), (False, True, "0813"))


class AdminChangeFormTests(TestCase):
    """Django admin saves through the same path: a stale change form is refused, readably."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas", username="admin-dinas", is_staff=True)
        cls.petugas = make_user("Petugas", first_name="Rahmat")

    def setUp(self):
        self.cooperative = make_cooperative(name="Koperasi Admin", phone="0811", address="Jl. Lama")
        self.url = reverse("admin:registry_cooperative_change", args=[self.cooperative.pk])

    def admin_form(self):
        self.client.force_login(self.admin)
        response = self.client.get(self.url)
        self.assertContains(response, f'<input type="hidden" name="version" value="{self.cooperative.version}"')
        return rendered(response.context["adminform"].form)

    def petugas_saves(self, **fields):
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/ubah/"
        data = rendered(self.client.get(url).context["form"])
        self.assertEqual(self.client.post(url, {**data, **fields}).status_code, 302)

    def test_a_stale_admin_save_is_refused_with_who_and_what(self):
        stale = self.admin_form()
        self.petugas_saves(address="Jl. Baru dari Petugas")
        self.client.force_login(self.admin)
        response = self.client.post(self.url, {**stale, "phone": "0549 21000"})
        self.assertEqual(response.status_code, 200)
        message = " ".join(response.context["adminform"].form.non_field_errors())
        self.assertIn("Tidak disimpan: Rahmat mengubah data ini", message)
        self.assertIn("alamat", message)
        self.assertEqual(stored(self.cooperative, "address", "phone", "version"), ("Jl. Baru dari Petugas", "0811", 2))
        # Opened again, the admin's save goes through and writes only the phone.
        response = self.client.post(self.url, {**self.admin_form(), "phone": "0549 21000"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(stored(self.cooperative, "address", "phone", "version"),
                         ("Jl. Baru dari Petugas", "0549 21000", 3))
        self.assertEqual(self.cooperative.history.first().history_user, self.admin)

    def test_a_form_without_its_version_is_refused(self):
        data = self.admin_form()
        del data["version"]
        response = self.client.post(self.url, {**data, "phone": "0549 21000"})
        self.assertIn("tidak membawa versi", " ".join(response.context["adminform"].form.non_field_errors()))
        self.assertEqual(stored(self.cooperative, "phone"), ("0811",))

    def test_every_versioned_admin_carries_the_version_hidden(self):
        report = make_report(self.cooperative, 2024, members_male=5)
        term = make_board_member(self.cooperative, BoardMember.Role.CHAIR)
        self.client.force_login(self.admin)
        for model, record in ((YearlyReport, report), (BoardMember, term)):
            with self.subTest(model=model.__name__):
                url = reverse(f"admin:registry_{model._meta.model_name}_change", args=[record.pk])
                data = rendered(self.client.get(url).context["adminform"].form)
                self.assertEqual(data["version"], "1")
                record.version += 1
                record.save()  # someone saved meanwhile
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn("Tidak disimpan", " ".join(response.context["adminform"].form.non_field_errors()))

    def test_an_admin_save_brings_the_figures_up_to_date(self):
        summary_refresh()
        data = self.admin_form()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.client.post(self.url, {**data, "certificate_status": "sudah", "certificate_expiry": "31/12/2030"})
        self.assertTrue(callbacks)
        self.assertEqual(SummaryCell.objects.get(year=0, kecamatan=SANGATTA_UTARA, dimension="").certificate_valid, 1)


class StatusOnlyThroughItsServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas", is_staff=True)

    def setUp(self):
        self.cooperative = make_cooperative()

    def step(self, to_status, day, **kwargs):
        return cooperative_change_status(cooperative=self.cooperative, to_status=to_status, reason="Uji",
                                         changed_on=day, **kwargs)

    def revert_url(self, record):
        return f"/koperasi/{self.cooperative.pk}/riwayat/koperasi/{record.history_id}/kembalikan/"

    def test_reverting_a_status_change_records_a_dated_reasoned_step(self):
        self.step("dalam_pembinaan", datetime.date(2025, 3, 1))
        change = self.cooperative.history.get(version=2)
        self.client.force_login(self.admin)
        confirm = self.client.get(self.revert_url(change))
        self.assertContains(confirm, "langkah baru di riwayat status")
        self.assertContains(confirm, 'name="version" value="2"')
        with self.captureOnCommitCallbacks() as callbacks:
            self.client.post(self.revert_url(change), {"version": 2})
        self.assertTrue(callbacks)
        self.assertEqual(stored(self.cooperative, "status", "status_since", "version"),
                         ("aktif", timezone.localdate(), 3))
        last = self.cooperative.status_changes.order_by("-changed_on", "-id").first()
        self.assertEqual((last.from_status, last.to_status, last.changed_on, last.changed_by),
                         ("dalam_pembinaan", "aktif", timezone.localdate(), self.admin))
        self.assertEqual(last.reason, f"Kembalikan perubahan #{change.history_id}")

    def test_a_revert_against_the_lifecycle_is_refused_and_changes_nothing(self):
        self.step("dalam_pembinaan", datetime.date(2025, 1, 1))
        self.step("diusulkan_bubar", datetime.date(2025, 2, 1))
        self.step("dibubarkan", datetime.date(2025, 3, 1))
        change = self.cooperative.history.get(version=4)
        self.client.force_login(self.admin)
        response = self.client.post(self.revert_url(change), {"version": 4}, follow=True)
        self.assertContains(response, "tidak bisa langsung menjadi")
        self.assertEqual(stored(self.cooperative, "status", "version"), ("dibubarkan", 4))
        self.assertEqual(self.cooperative.status_changes.count(), 3)

    def test_a_revert_confirmed_on_a_stale_page_is_refused(self):
        self.cooperative.phone = "0812"
        save_versioned(instance=self.cooperative, expected_version=1)
        change = self.cooperative.history.get(version=2)
        self.cooperative.email = "kop@example.id"
        save_versioned(instance=self.cooperative, expected_version=2)
        self.client.force_login(self.admin)
        response = self.client.post(self.revert_url(change), {"version": 2}, follow=True)
        self.assertContains(response, "sudah diubah orang lain setelah halaman konfirmasi dibuka")
        self.assertEqual(stored(self.cooperative, "phone", "version"), ("0812", 3))
        self.client.post(self.revert_url(change), {"version": 3})
        self.assertEqual(stored(self.cooperative, "phone", "email", "version"), ("", "kop@example.id", 4))

    def test_a_step_dated_before_the_last_one_is_refused(self):
        self.step("tidak_aktif", datetime.date(2025, 3, 1))
        with self.assertRaises(ValidationError) as error:
            self.step("aktif", datetime.date(2025, 2, 28))
        self.assertIn("tidak boleh sebelum langkah status terakhir (01/03/2025)", str(error.exception))
        self.step("aktif", datetime.date(2025, 3, 1))  # the same day is fine: recorded later, so it is the last
        self.assertEqual(stored(self.cooperative, "status"), ("aktif",))
        self.client.force_login(self.admin)
        response = self.client.post(reverse("admin:registry_statuschange_add"), {
            "cooperative": self.cooperative.pk, "to_status": "tidak_aktif", "changed_on": "2025-01-01", "reason": "x",
        })
        self.assertIn("tidak boleh sebelum", " ".join(response.context["adminform"].form.errors["changed_on"]))
        self.assertEqual(self.cooperative.status_changes.count(), 2)

    def test_the_admin_change_form_has_no_status_field(self):
        self.client.force_login(self.admin)
        url = reverse("admin:registry_cooperative_change", args=[self.cooperative.pk])
        data = rendered(self.client.get(url).context["adminform"].form)
        self.assertNotIn("status", data)
        self.client.post(url, {**data, "status": "dibubarkan", "status_since": "2025-01-01"})
        self.assertEqual(stored(self.cooperative, "status"), ("aktif",))


class ImportWritePathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", first_name="Rahmat")
        cls.admin = make_user("Admin Dinas")

    def setUp(self):
        self.cooperative = make_cooperative(nomor_induk="6408010000001", name="Koperasi Impor", address="Jl. Lama",
                                            latitude=Decimal("0.5"), phone="0811")
        self.desa = self.cooperative.desa.name

    def file(self, address="Jl. Dari Berkas", name="Koperasi Impor"):
        return csv_bytes([COOPERATIVE_HEADERS, [name, "6408010000001", "Produsen", "Perkebunan/plasma",
                                                "perkebunan_sawit", self.desa, address]])

    def commit(self, data, **kwargs):
        return import_commit(kind="koperasi", data=data, file_name="koperasi.csv", user=self.petugas, **kwargs)

    def edit(self, **fields):
        copy = Cooperative.objects.get(pk=self.cooperative.pk)
        for name, value in fields.items():
            setattr(copy, name, value)
        save_versioned(instance=copy, expected_version=copy.version)

    def test_only_the_files_columns_are_written_and_the_version_moves_on(self):
        Cooperative.objects.filter(pk=self.cooperative.pk).update(version=5)
        batch = self.commit(self.file())
        self.assertEqual(batch.rows_updated, 1)
        self.assertEqual(stored(self.cooperative, "address", "latitude", "phone", "version"),
                         ("Jl. Dari Berkas", Decimal("0.5"), "0811", 6))
        row = batch.rows.get()
        self.assertEqual((row.version_after, row.previous["address"]), (6, "Jl. Lama"))
        latest = self.cooperative.history.first()
        self.assertEqual((latest.version, latest.address, latest.history_change_reason), (6, "Jl. Dari Berkas",
                                                                                         batch.change_reason))

    def test_a_record_changed_since_the_preview_is_a_conflict_not_an_overwrite(self):
        preview = import_dry_run(kind="koperasi", data=self.file(), file_name="koperasi.csv", user=self.petugas,
                                 collect=True)
        self.edit(latitude=Decimal("0.7"), address="Jl. Petugas")
        batch = self.commit(self.file(), previewed=preview_plan(preview))
        self.assertEqual((batch.rows_updated, batch.rows_conflicted), (0, 1))
        self.assertIn("setelah pratinjau", batch.conflicted_rows[0]["errors"][0])
        self.assertEqual(batch.conflicted_rows[0]["row"], 2)
        self.assertEqual(stored(self.cooperative, "address", "latitude", "version"),
                         ("Jl. Petugas", Decimal("0.7"), 2))
        self.assertFalse(batch.rows.exists())

    def test_a_row_unchanged_in_the_preview_but_changed_since_is_not_written(self):
        preview = import_dry_run(kind="koperasi", data=self.file(address="Jl. Lama"), file_name="koperasi.csv",
                                 user=self.petugas, collect=True)
        self.assertEqual(preview.unchanged, 1)
        self.edit(address="Jl. Petugas")
        batch = self.commit(self.file(address="Jl. Lama"), previewed=preview_plan(preview))
        self.assertEqual(batch.rows_conflicted, 1)
        self.assertEqual(stored(self.cooperative, "address"), ("Jl. Petugas",))

    def test_a_record_saved_between_the_commits_read_and_its_lock_is_a_conflict(self):
        real = commit_module.import_dry_run

        def read_then_someone_saves(**kwargs):
            result = real(**kwargs)
            self.edit(latitude=Decimal("0.9"))  # committed by another officer after the commit read the row
            return result

        with mock.patch.object(commit_module, "import_dry_run", read_then_someone_saves):
            batch = self.commit(self.file())
        self.assertEqual((batch.rows_updated, batch.rows_conflicted), (0, 1))
        self.assertIn("sementara impor disimpan", batch.conflicted_rows[0]["errors"][0])
        self.assertEqual(stored(self.cooperative, "address", "latitude", "version"), ("Jl. Lama", Decimal("0.9"), 2))

    def test_the_other_rows_are_written_and_the_page_says_which_were_not(self):
        other = make_cooperative(nomor_induk="6408010000002", name="Koperasi Lain", address="Jl. A")
        rows = [COOPERATIVE_HEADERS,
                ["Koperasi Impor", "6408010000001", "Produsen", "Perkebunan/plasma", "perkebunan_sawit", self.desa,
                 "Jl. Dari Berkas"],
                ["Koperasi Lain", "6408010000002", "Produsen", "Perkebunan/plasma", "perkebunan_sawit",
                 other.desa.name, "Jl. B"]]
        self.client.force_login(self.petugas)
        upload = SimpleUploadedFile("koperasi.csv", csv_bytes(rows), content_type="text/csv")
        token = self.client.post("/impor/", {"kind": "koperasi", "file": upload}).context["token"]
        self.edit(address="Jl. Petugas")
        response = self.client.post("/impor/simpan/", {"token": token}, follow=True)
        batch = ImportBatch.objects.get()
        self.assertEqual((batch.rows_updated, batch.rows_conflicted), (1, 1))
        self.assertContains(response, "1 baris tidak disimpan karena datanya diubah orang lain")
        self.assertContains(response, "Baris yang tidak disimpan karena diubah orang lain")
        self.assertEqual(stored(self.cooperative, "address"), ("Jl. Petugas",))
        self.assertEqual(stored(other, "address"), ("Jl. B",))

    def test_undo_restores_only_what_the_import_changed_and_moves_the_version_on(self):
        batch = self.commit(self.file())
        Cooperative.objects.filter(pk=self.cooperative.pk).update(phone="0899")  # a path keeping no version
        with self.captureOnCommitCallbacks() as callbacks:
            import_batch_undo(batch=batch, user=self.admin)
        self.assertTrue(callbacks)
        self.assertEqual(stored(self.cooperative, "address", "phone", "version"), ("Jl. Lama", "0899", 3))
        latest = self.cooperative.history.first()
        self.assertEqual(latest.history_change_reason, f"Batal impor #{batch.pk}: koperasi.csv")

    def test_undo_is_refused_when_a_record_moved_on_and_changes_nothing(self):
        batch = self.commit(self.file())
        self.edit(latitude=Decimal("0.7"))
        with self.assertRaises(UndoRefused):
            import_batch_undo(batch=batch, user=self.admin)
        self.assertEqual(stored(self.cooperative, "address", "latitude", "version"),
                         ("Jl. Dari Berkas", Decimal("0.7"), 3))

    def test_commit_and_undo_bring_the_figures_up_to_date(self):
        summary_refresh()
        self.assertEqual(active_figure(), 1)
        rows = [COOPERATIVE_HEADERS, ["Koperasi Baru", "6408010000009", "Produsen", "Perkebunan/plasma",
                                      "perkebunan_sawit", self.desa, ""]]
        with self.captureOnCommitCallbacks(execute=True):
            batch = self.commit(csv_bytes(rows))
        self.assertEqual(active_figure(), 2)
        with self.captureOnCommitCallbacks(execute=True):
            import_batch_undo(batch=batch, user=self.admin)
        self.assertEqual(active_figure(), 1)


class FiguresFollowEveryWriteTests(TestCase):
    """Every committed change queues the refresh: the paths that are not a service call too."""

    def setUp(self):
        self.cooperative = make_cooperative()
        summary_refresh()

    def test_a_status_change_a_report_and_a_deleted_board_term(self):
        with self.captureOnCommitCallbacks(execute=True):
            cooperative_change_status(cooperative=self.cooperative, to_status="tidak_aktif", reason="Tanpa RAT",
                                      changed_on=datetime.date(2025, 1, 1))
        self.assertEqual(active_figure(), 0)
        with self.captureOnCommitCallbacks(execute=True):
            make_report(self.cooperative, 2024, members_male=7)
        self.assertEqual(SummaryCell.objects.get(year=2024, kecamatan=SANGATTA_UTARA, dimension="").members_male, 7)
        term = make_board_member(self.cooperative, BoardMember.Role.CHAIR)
        with self.captureOnCommitCallbacks() as callbacks:
            term.delete()
        self.assertTrue(callbacks)

    def test_a_transaction_saving_many_counted_rows_refreshes_once(self):
        before = SummaryRefresh.objects.count()
        with self.captureOnCommitCallbacks(execute=True) as callbacks, transaction.atomic():
            for role in (BoardMember.Role.CHAIR, BoardMember.Role.SECRETARY, BoardMember.Role.TREASURER):
                make_board_member(self.cooperative, role)
        self.assertEqual(len(callbacks), 3)
        self.assertEqual(SummaryRefresh.objects.count(), before + 1)  # tasks run in the request here

    def test_fixture_loading_queues_nothing(self):
        from registry.services.summary import _counted_record_changed

        with self.captureOnCommitCallbacks() as callbacks:
            _counted_record_changed(Cooperative, instance=self.cooperative, raw=True, using="default")
        self.assertEqual(callbacks, [])

    def test_no_write_of_a_figure_queues_another_refresh(self):
        with self.captureOnCommitCallbacks() as callbacks:
            summary_refresh()
        self.assertEqual(callbacks, [])
        self.assertFalse(StatusChange.objects.exists())


class EditConflictCarriesTheOpenedVersionTests(TestCase):
    def test_opened_is_the_record_at_the_forms_version(self):
        cooperative = make_cooperative(phone="0811")
        copy = Cooperative.objects.get(pk=cooperative.pk)
        copy.phone = "0812"
        save_versioned(instance=copy, expected_version=1)
        stale = Cooperative.objects.get(pk=cooperative.pk)
        stale.name = "Nama lain"
        with self.assertRaises(EditConflict) as info:
            save_versioned(instance=stale, expected_version=1)
        self.assertEqual((info.exception.opened.phone, info.exception.current.phone), ("0811", "0812"))


class AssessmentsWrittenOnlyOnTheirPagesTests(TestCase):
    def test_the_admin_shows_an_assessment_but_cannot_change_it(self):
        from tests.test_assessments import assessment_for

        assessment = assessment_for(make_cooperative())
        self.client.force_login(make_user("Admin Dinas", is_staff=True))
        url = reverse("admin:registry_assessment_change", args=[assessment.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        self.assertEqual(self.client.post(url, {"status": "draf", "notes": "diubah"}).status_code, 403)
        assessment.refresh_from_db()
        self.assertEqual((assessment.version, assessment.notes), (1, ""))

    def test_preparing_a_year_brings_the_figures_up_to_date(self):
        from registry.services.assessments import assessment_prepare_year

        make_cooperative()
        with self.captureOnCommitCallbacks() as callbacks:
            prepared = assessment_prepare_year(user=make_user("Petugas"), year=2024)
        self.assertEqual((prepared.created, len(callbacks) > 0), (1, True))

    def test_a_verifier_verifies_only_the_scores_they_read(self):
        from registry.services import assessments as services
        from tests.test_assessments import ALL_FOURS, YEAR, assessment_for

        cooperative = make_cooperative()
        assessment = services.assessment_submit(assessment=assessment_for(cooperative))
        self.client.force_login(make_user("Verifikator"))
        page = self.client.get(reverse("registry:assessment_entry", args=[cooperative.pk, YEAR]))
        self.assertContains(page, f'name="version" value="{assessment.version}"')
        # After the verifier opened the page, another verifier returns it, the assessor changes a
        # level and submits it again (a submitted assessment is locked for the assessor until returned).
        opened_at = assessment.version
        assessment = services.assessment_return(assessment=assessment, reason="Cek K1", user=make_user("Verifikator"))
        assessment_for_levels = {**ALL_FOURS, "K1": 3}
        services.assessment_record(
            cooperative=cooperative, year=YEAR, expected_version=assessment.version, reason="Koreksi K1",
            entries={e.indicator_id: services.Entry(level=assessment_for_levels.get(e.indicator.code),
                                                    checklist_met=e.indicator.checklist_items,
                                                    override_reason="Dinilai di lapangan.")
                     for e in assessment.scores.select_related("indicator")},
        )
        assessment = services.assessment_submit(assessment=assessment)
        url = reverse("registry:assessment_verify", args=[cooperative.pk, YEAR])
        response = self.client.post(url, {"version": opened_at}, follow=True)
        self.assertContains(response, "sudah diubah orang lain setelah halaman dibuka")
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, "diajukan")
        self.client.post(url, {"version": assessment.version})
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, "diverifikasi")
