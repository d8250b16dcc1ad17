"""Imports: parsers, dry run, commit, undo, the corpus of bad files, area limits, round trips."""

import csv
import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.test import TestCase
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from registry.models import BoardMember, Cooperative, ImportBatch, Member, YearlyReport
from registry.spreadsheets.columns import CellError, parse_date, parse_decimal
from registry.spreadsheets.commit import ImportRejected, UndoRefused, import_batch_undo, import_commit
from registry.spreadsheets.imports import import_dry_run
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_member, make_user

MEMBER_HEADERS = ["Nomor Induk Koperasi", "Nama", "NIK", "Jenis kelamin", "Tanggal lahir", "Desa/kelurahan",
                  "Kecamatan", "Nomor anggota", "Tanggal masuk"]


def csv_bytes(rows, delimiter=";", encoding="utf-8", bom=False):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, build=None):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if build:
        build(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def nik(serial, day="45", month="12", year="80"):
    return f"640801{day}{month}{year}{serial:04d}"


def digest():
    """Counts and a digest of the tables an import writes: equal before and after a refused file."""
    parts = []
    for model in (Cooperative, Member, BoardMember, YearlyReport, ImportBatch):
        rows = list(model.objects.order_by("pk").values_list())
        parts.append(repr(rows))
        parts.append(repr(list(model.history.order_by("pk").values_list("history_id")))
                     if hasattr(model, "history") else "")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class ParserTests(TestCase):
    def test_indonesian_numbers(self):
        self.assertEqual(parse_decimal("1.234.567"), Decimal("1234567"))
        self.assertEqual(parse_decimal("1.234.567,50"), Decimal("1234567.50"))
        self.assertEqual(parse_decimal("Rp 1.250.000"), Decimal("1250000"))
        self.assertEqual(parse_decimal(1234567), Decimal("1234567"))
        with self.assertRaises(CellError):
            parse_decimal("12.34.5")

    def test_dates(self):
        self.assertEqual(parse_date("05/12/1980"), datetime.date(1980, 12, 5))
        self.assertEqual(parse_date(datetime.datetime(1980, 12, 5)), datetime.date(1980, 12, 5))
        with self.assertRaises(CellError):
            parse_date("31/02/2020")
        with self.assertRaises(CellError):
            parse_date("01/01/2999")


@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_round_trip(number):
    written = f"{number:,}".replace(",", ".")
    assert parse_decimal(written) == number


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_decimal_comma_round_trip(number, cents):
    written = f"{number:,}".replace(",", ".") + f",{cents:02d}"
    assert parse_decimal(written) == Decimal(number) + Decimal(cents) / 100


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31)))
def test_date_round_trip(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day


@given(st.text(max_size=20))
def test_number_parser_never_crashes(text):
    try:
        parse_decimal(text)
    except CellError:
        pass


class ImportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.coop = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408010000001")
        cls.far = make_cooperative(kecamatan=MUARA_WAHAU, nomor_induk="6408020000002")
        cls.desa_name = cls.coop.desa.name
        cls.kecamatan_name = cls.coop.desa.kecamatan.name

    def member_rows(self, count=3, nomor="6408010000001"):
        return [list(MEMBER_HEADERS)] + [
            [nomor, f"Anggota {i}", nik(i + 1), "P", "05/12/1980", self.desa_name, self.kecamatan_name, f"A-{i}",
             "01/02/2015"]
            for i in range(count)
        ]

    def dry(self, data, kind="anggota", name="anggota.csv", user=None, **kwargs):
        return import_dry_run(kind=kind, data=data, file_name=name, user=user or self.petugas, **kwargs)

    def commit(self, data, kind="anggota", name="anggota.csv", user=None, **kwargs):
        return import_commit(kind=kind, data=data, file_name=name, user=user or self.petugas, **kwargs)


class MemberImportTests(ImportTestCase):
    def test_dry_run_writes_nothing_and_counts(self):
        before = digest()
        result = self.dry(csv_bytes(self.member_rows()))
        self.assertEqual((result.created, result.updated, result.unchanged, result.errors), (3, 0, 0, []))
        self.assertEqual(digest(), before)

    def test_commit_then_reimport_changes_nothing(self):
        data = csv_bytes(self.member_rows())
        batch = self.commit(data)
        self.assertEqual(batch.rows_created, 3)
        self.assertEqual(Member.objects.filter(cooperative=self.coop).count(), 3)
        member = Member.objects.get(name="Anggota 0")
        self.assertEqual(member.nik, nik(1))
        self.assertEqual(member.history.first().history_change_reason, batch.change_reason)
        self.assertEqual(member.history.first().history_user, self.petugas)
        again = self.dry(data)
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 3))

    def test_update_and_undo_restores_exactly(self):
        existing = make_member(self.coop, nik=nik(1), name="Nama Lama", sex="L")
        before = Member.objects.filter(pk=existing.pk).values().get()
        batch = self.commit(csv_bytes(self.member_rows(2)))
        self.assertEqual((batch.rows_created, batch.rows_updated), (1, 1))
        existing.refresh_from_db()
        self.assertEqual(existing.name, "Anggota 0")
        import_batch_undo(batch=batch, user=self.admin)
        self.assertEqual(Member.objects.filter(cooperative=self.coop).count(), 1)
        after = Member.objects.filter(pk=existing.pk).values().get()
        self.assertEqual({k: v for k, v in after.items() if k != "version"},
                         {k: v for k, v in before.items() if k != "version"})
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.UNDONE)

    def test_undo_refused_when_changed_since(self):
        batch = self.commit(csv_bytes(self.member_rows(2)))
        member = Member.objects.get(name="Anggota 0")
        member.version += 1
        member.save()
        with self.assertRaises(UndoRefused):
            import_batch_undo(batch=batch, user=self.admin)
        self.assertEqual(Member.objects.filter(cooperative=self.coop).count(), 2)

    def test_every_error_at_once_with_row_column_value(self):
        rows = self.member_rows(4)
        rows[1][2] = "640801451280001"  # 15 digits
        rows[2][4] = "31/02/1980"
        rows[3][5] = "Sangata Utaraa"
        result = self.dry(csv_bytes(rows))
        self.assertEqual(result.rows_in_error, 3)
        by_row = {error.row: error for error in result.errors}
        self.assertEqual(by_row[2].column, "C (NIK)")
        self.assertIn("16 angka", by_row[2].message)
        self.assertEqual(by_row[3].value, "31/02/1980")
        self.assertIn("Mungkin maksud Anda", by_row[4].suggestion)
        self.assertEqual(result.created, 1)

    def test_commit_refuses_errors_unless_confirmed(self):
        rows = self.member_rows(3)
        rows[2][2] = "123"
        before = digest()
        with self.assertRaises(ImportRejected):
            self.commit(csv_bytes(rows))
        self.assertEqual(digest(), before)
        batch = self.commit(csv_bytes(rows), skip_errors=True)
        self.assertEqual((batch.rows_created, batch.rows_skipped), (2, 1))
        self.assertEqual(batch.skipped_rows[0]["row"], 3)

    def test_chosen_cooperative_without_key_columns(self):
        rows = [row[1:] for row in self.member_rows(2)]
        result = self.dry(csv_bytes(rows), cooperative=self.coop)
        self.assertEqual((result.created, result.errors), (2, []))
        missing = self.dry(csv_bytes(rows))
        self.assertIn("Nomor Induk Koperasi", missing.errors[0].message)

    def test_limited_petugas_cannot_write_outside_area(self):
        result = self.dry(csv_bytes(self.member_rows(1, nomor="6408020000002")), user=self.limited)
        self.assertIn("wilayah kerja", result.errors[0].message)

    def test_separators_bom_and_windows_1252(self):
        for delimiter in (";", ",", "\t"):
            result = self.dry(csv_bytes(self.member_rows(2), delimiter=delimiter, bom=True))
            self.assertEqual((result.created, result.errors), (2, []), delimiter)
        rows = self.member_rows(1)
        rows[1][1] = "Dédé Sürya"
        result = self.dry(csv_bytes(rows, encoding="cp1252"))
        self.assertEqual(result.created, 1)
        self.assertTrue(result.warnings)

    def test_region_alias_and_xlsx_dates(self):
        rows = self.member_rows(1)
        rows[1][4] = datetime.datetime(1980, 12, 5)
        result = self.dry(xlsx_bytes(rows), name="a.xlsx")
        self.assertEqual((result.created, result.errors), (1, []))


BAD_FILES = {
    "empty": (b"", "a.csv", "kosong"),
    "only headers": (None, "a.csv", "hanya berisi judul"),
    "wrong header": ("wrong_header", "a.csv", "tidak dikenal"),
    "duplicated header": ("dup_header", "a.csv", "Kolom ganda"),
    "duplicate rows": ("dup_rows", "a.csv", "Baris ganda"),
    "nik 15 digits": ("nik:640801451280001", "a.csv", "16 angka"),
    "nik letters": ("nik:64080145128000AB", "a.csv", "16 angka"),
    "nik arabic-indic digits": ("nik:" + "٦٤٠٨٠١٤٥١٢٨٠٠٠١", "a.csv", "16 angka"),
    "nik impossible date": ("nik:6408013513800001", "a.csv", "tidak mungkin"),
    "future date": ("joined:01/01/2999", "a.csv", "masa depan"),
    "formula cell": ("formula", "a.xlsx", "rumus"),
    "merged cells": ("merged", "a.xlsx", "digabung"),
    "hidden sheet": ("hidden", "a.xlsx", "tersembunyi"),
    "utf-16": ("utf16", "a.csv", "UTF-16"),
    "renamed pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a.xlsx", "bukan XLSX"),
    "text renamed xlsx": (b"nama;nik\nBudi;1\n", "a.xlsx", "bukan XLSX"),
    "over the size limit": (b"x" * (10 * 1024 * 1024 + 1), "a.csv", "terlalu besar"),
}


class BadFileCorpusTests(ImportTestCase):
    def build(self, spec):
        rows = self.member_rows(2)
        if spec is None:
            return csv_bytes(rows[:1])
        if isinstance(spec, bytes):
            return spec
        if spec == "wrong_header":
            rows[0][3] = "Jenis kelamn"
        elif spec == "dup_header":
            rows[0][8] = "NIK"
        elif spec == "dup_rows":
            rows.append(rows[1])
        elif spec.startswith("nik:"):
            rows[1][2] = spec[4:]
        elif spec.startswith("joined:"):
            rows[1][8] = spec[7:]
        elif spec == "formula":
            rows[1][1] = "=CONCAT(\"a\";\"b\")"
            return xlsx_bytes(rows)
        elif spec == "merged":
            return xlsx_bytes(rows, lambda wb, ws: ws.merge_cells("A2:A3"))
        elif spec == "hidden":
            def hide(workbook, sheet):
                workbook.create_sheet("Rahasia").sheet_state = "hidden"
            return xlsx_bytes(rows, hide)
        elif spec == "utf16":
            return "\ufeff".encode("utf-16-le") + csv_bytes(rows).decode().encode("utf-16-le")
        return csv_bytes(rows)

    def test_corpus(self):
        for name, (spec, file_name, expected) in BAD_FILES.items():
            with self.subTest(name):
                data = self.build(spec)
                before = digest()
                result = self.dry(data, name=file_name)
                messages = " ".join([result.file_error] + [e.message for e in result.errors])
                self.assertIn(expected, messages)
                with self.assertRaises(ImportRejected):
                    self.commit(data, name=file_name)
                self.assertEqual(digest(), before)

    def test_negative_money_in_a_report(self):
        rows = [["Nomor Induk Koperasi", "Tahun buku", "Modal sendiri"], ["6408010000001", "2024", "-1.000"]]
        result = self.dry(csv_bytes(rows), kind="laporan")
        self.assertIn("negatif", result.errors[0].message)
        before = digest()
        with self.assertRaises(ImportRejected):
            self.commit(csv_bytes(rows), kind="laporan")
        self.assertEqual(digest(), before)

    def test_over_the_row_limit(self):
        from unittest import mock

        with mock.patch("registry.spreadsheets.reading.MAX_ROWS", 2):
            result = self.dry(csv_bytes(self.member_rows(3)))
        self.assertIn("lebih dari 2 baris", result.file_error)


class OtherKindsTests(ImportTestCase):
    def test_cooperative_create_match_by_nomor_and_reimport(self):
        rows = [["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha", "Desa/kelurahan",
                 "Kecamatan"],
                ["KSU Maju", "6408019999999", "Simpan Pinjam", "Serba Usaha", "simpan_pinjam", self.desa_name,
                 self.kecamatan_name],
                [self.coop.name + " Baru", "6408010000001", "Produsen", "Perkebunan/plasma", "perkebunan_sawit",
                 self.desa_name, self.kecamatan_name]]
        batch = self.commit(csv_bytes(rows), kind="koperasi")
        self.assertEqual((batch.rows_created, batch.rows_updated), (1, 1))
        self.assertEqual(Cooperative.objects.get(nomor_induk="6408019999999").jenis, "simpan_pinjam")
        again = self.dry(csv_bytes(rows), kind="koperasi")
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 2))
        import_batch_undo(batch=batch, user=self.admin)
        self.assertFalse(Cooperative.objects.filter(nomor_induk="6408019999999").exists())
        self.coop.refresh_from_db()
        self.assertFalse(self.coop.name.endswith("Baru"))

    def test_board_and_reports(self):
        board = [["Nomor Induk Koperasi", "Nama", "Jabatan", "Mulai menjabat"],
                 ["6408010000001", "Budi", "Ketua", "01/01/2023"], ["6408010000001", "Sari", "bendahara", "01/01/2023"]]
        self.assertEqual(self.commit(csv_bytes(board), kind="pengurus").rows_created, 2)
        self.assertEqual(self.dry(csv_bytes(board), kind="pengurus").unchanged, 2)
        reports = [["Nomor Induk Koperasi", "Tahun buku", "Modal sendiri", "SHU", "Tanggal RAT"],
                   ["6408010000001", "2024", "1.250.000.000", "-5.000.000", "15/03/2025"]]
        self.commit(csv_bytes(reports), kind="laporan")
        report = YearlyReport.objects.get(cooperative=self.coop, year=2024)
        self.assertEqual((report.modal_sendiri, report.shu), (1_250_000_000, -5_000_000))
        self.assertEqual(self.dry(csv_bytes(reports), kind="laporan").unchanged, 1)


@pytest.mark.parametrize("value", ["640801451280001", "٦٤٠٨٠١٤٥١٢٨٠٠٠١"])
def test_parse_nik_rejects(value):
    from registry.spreadsheets.fields import parse_nik

    with pytest.raises(CellError):
        parse_nik(value, None)


class MemberNikRulesTests(ImportTestCase):
    def test_new_member_without_nik_is_recorded_as_such(self):
        rows = self.member_rows(1)
        rows[1][2] = ""
        self.commit(csv_bytes(rows))
        member = Member.objects.get(name="Anggota 0")
        self.assertEqual((member.has_nik, member.nik_hash, member.nik_encrypted), (False, None, ""))
        self.assertEqual(self.dry(csv_bytes(rows)).unchanged, 1)

    def test_empty_nik_cell_never_clears_a_recorded_nik(self):
        make_member(self.coop, nik=nik(1), name="Anggota 0", member_number="A-0")
        rows = self.member_rows(1)
        rows[1][2] = ""
        result = self.dry(csv_bytes(rows))
        self.assertEqual((result.created, result.errors), (0, []))
        self.commit(csv_bytes(rows))
        self.assertEqual(Member.objects.get(name="Anggota 0").nik, nik(1))

    def test_masked_nik_is_refused_with_a_hint(self):
        rows = self.member_rows(1)
        rows[1][2] = "************0001"
        self.assertIn("tersamar", self.dry(csv_bytes(rows)).errors[0].message)


class UndoHistoryTests(ImportTestCase):
    def test_undo_deletes_with_a_history_row_naming_the_batch(self):
        batch = self.commit(csv_bytes(self.member_rows(2)))
        ids = list(Member.objects.values_list("pk", flat=True))
        import_batch_undo(batch=batch, user=self.admin)
        deleted = Member.history.filter(id__in=ids, history_type="-")
        self.assertEqual(deleted.count(), 2)
        self.assertEqual({(h.history_user, h.history_change_reason) for h in deleted},
                         {(self.admin, f"Batal impor #{batch.pk}: anggota.csv")})
        with self.assertRaises(UndoRefused):
            import_batch_undo(batch=batch, user=self.admin)

    def test_undo_refused_when_a_created_record_is_used(self):
        from registry.models import NikReveal

        batch = self.commit(csv_bytes(self.member_rows(1)))
        NikReveal.objects.create(user=self.petugas, member=Member.objects.get())
        with self.assertRaises(UndoRefused):
            import_batch_undo(batch=batch, user=self.admin)
        self.assertEqual(Member.objects.count(), 1)


class EveryProblemAtOnceTests(ImportTestCase):
    def test_a_bad_cell_and_an_unknown_desa_in_one_row_both_reported(self):
        rows = self.member_rows(1)
        rows[1][2] = "123"
        rows[1][5] = self.desa_name + "x"
        columns = {error.column for error in self.dry(csv_bytes(rows)).errors}
        self.assertEqual(columns, {"C (NIK)", "F (Desa/kelurahan)"})


def test_choices_by_code_or_label_in_either_language():
    from django.utils import translation

    from registry.spreadsheets.columns import parse_choice

    choices = Cooperative.Jenis.choices
    assert parse_choice("simpan_pinjam", choices) == "simpan_pinjam"
    assert parse_choice("SIMPAN PINJAM", choices) == "simpan_pinjam"
    with translation.override("en"):
        assert parse_choice("Simpan Pinjam", Cooperative.Jenis.choices) == "simpan_pinjam"
    with pytest.raises(CellError):
        parse_choice("Koperasi Bulan", choices)
