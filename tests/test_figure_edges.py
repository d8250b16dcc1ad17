"""Edges of the figures' rules that no other test touched (each found by changing one line and seeing no test fail).

A big drop is a fall of BIG_DROP (10) points or more from last year's score: exactly 10 counts, 9,99 does not,
on the assessment list's flag, its filter ?turun_tajam=true and the dashboard's summary alike. An import
commit is atomic even when it fails after its last row is written.
"""

from decimal import Decimal

from django.test import TestCase

from registry import figures
from registry.models import SummaryCell
from registry.services.summary import summary_refresh
from tests.builders import make_cooperative, make_user
from tests.test_dashboard import make_assessment

YEAR = 2024


class BigDropEdgeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.exactly = make_cooperative(name="Turun Tepat Sepuluh")
        cls.almost = make_cooperative(name="Turun Hampir Sepuluh")
        for cooperative, now in ((cls.exactly, "70.00"), (cls.almost, "70.01")):
            make_assessment(cooperative, YEAR - 1, "80", "sehat", score_kelembagaan=Decimal("80.00"))
            make_assessment(cooperative, YEAR, "75", "cukup_sehat", score_kelembagaan=Decimal(now))
        cls.pimpinan = make_user("Pimpinan")
        summary_refresh()

    def test_the_rule(self):
        self.assertEqual(figures.BIG_DROP, 10)
        self.assertTrue(figures.is_big_drop(Decimal("-10.00")))
        self.assertFalse(figures.is_big_drop(Decimal("-9.99")))

    def test_list_flag_filter_and_dashboard_agree(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/penilaian/?tahun={YEAR}")
        flagged = {
            assessment.cooperative_name: next(c for c in changes if c["code"] == "kelembagaan")["big_drop"]
            for assessment, changes, _final in response.context["rows"]
        }
        self.assertEqual(flagged, {"Turun Tepat Sepuluh": True, "Turun Hampir Sepuluh": False})
        listed = self.client.get(f"/penilaian/?tahun={YEAR}&turun_tajam=true").context["object_list"]
        self.assertEqual([a.cooperative.name for a in listed], ["Turun Tepat Sepuluh"])
        cells = SummaryCell.objects.filter(year=YEAR, dimension="")
        self.assertEqual(sum(c.big_drop for c in cells), 1)


class ImportCommitAtomicityTests(TestCase):
    """An import commit is one transaction: a failure after its last row leaves nothing of it behind."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.coop = make_cooperative(nomor_induk="6408010000001", name="Koperasi Lama")
        cls.desa = cls.coop.desa

    def test_a_failure_at_the_end_writes_nothing(self):
        from registry.models import Cooperative, ImportBatch
        from registry.spreadsheets.commit import import_commit
        from tests.test_imports import csv_bytes

        headers = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha", "Desa/kelurahan",
                   "Kecamatan", "Telepon"]
        row = ["Produsen", "Perkebunan/plasma", "perkebunan_sawit", self.desa.name, self.desa.kecamatan.name]
        data = csv_bytes([headers, ["Koperasi Baru", "6408019999999", *row, "0811"],
                          ["Koperasi Lama", "6408010000001", *row, "0812"]])
        history = Cooperative.history.count()

        def fail(batch):
            # Every row is written by now: the new cooperative, the changed one, the batch and its rows.
            self.assertTrue(Cooperative.objects.filter(nomor_induk="6408019999999").exists())
            self.assertEqual(Cooperative.objects.get(pk=self.coop.pk).phone, "0812")
            raise RuntimeError("the worker died")

        with self.assertRaises(RuntimeError):
            import_commit(kind="koperasi", data=data, file_name="k.csv", user=self.petugas, before_commit=fail)
        self.assertFalse(Cooperative.objects.filter(nomor_induk="6408019999999").exists())
        self.coop.refresh_from_db()
        self.assertEqual((self.coop.phone, self.coop.version), ("", 1))
        self.assertFalse(ImportBatch.objects.exists())
        self.assertEqual(Cooperative.history.count(), history)
        # The same file then commits whole, the changed record's version moved on by one.
        batch = import_commit(kind="koperasi", data=data, file_name="k.csv", user=self.petugas)
        self.coop.refresh_from_db()
        self.assertEqual((batch.rows_created, batch.rows_updated, self.coop.phone, self.coop.version),
                         (1, 1, "0812", 2))
