"""Uploads that cannot exhaust the server: the request body limit, the archive checks before any sheet
is parsed, columns beyond the template, malformed files, the capped error list, peak memory.

Figures for the full-size cases: benchmarks/import_limits.py (docs/benchmarks.md).
"""

import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from openpyxl import load_workbook

from registry.models import ImportBatch, PendingImport
from registry.spreadsheets.commit import ImportRejected
from registry.spreadsheets.imports import ERRORS_SHOWN_PER_COLUMN
from registry.spreadsheets.kinds import SPECS
from tests import hostile_files
from tests.builders import make_user
from tests.test_imports import ImportTestCase, csv_bytes, digest

HEADERS = [str(column.header) for column in SPECS["koperasi"].all_columns()]
PROJECT = Path(__file__).resolve().parent.parent


class Unreadable(io.RawIOBase):
    """A request body that fails the test when anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


class RequestBodyLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")

    def post_declared(self, length, body=None):
        extra = {"CONTENT_LENGTH": str(length), "CONTENT_TYPE": "multipart/form-data; boundary=x"}
        if body is None:
            extra["wsgi.input"] = Unreadable()
        return self.client.generic("POST", "/impor/", body or b"", **extra)

    def test_a_body_over_the_limit_is_refused_before_it_is_read(self):
        self.client.force_login(self.petugas)
        response = self.post_declared(settings.REQUEST_MAX_BYTES + 1)
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "Berkas terlalu besar", status_code=413)
        self.assertContains(response, "(11 MB; berkas impor paling besar 10 MB)", status_code=413)
        self.assertContains(response, 'href="/impor/"', status_code=413)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertFalse(PendingImport.objects.exists())

    def test_anonymous_is_refused_the_same_way(self):
        response = self.post_declared(30 * 2**20)
        self.assertContains(response, "30,0 MB", status_code=413)

    @override_settings(REQUEST_MAX_BYTES=1000)
    def test_the_limit_itself_passes_one_byte_more_does_not(self):
        self.client.force_login(self.petugas)
        self.assertEqual(self.post_declared(1000, b"x" * 1000).status_code, 200)  # the form, with its errors
        self.assertEqual(self.post_declared(1001).status_code, 413)

    def test_an_unreadable_length_is_no_server_error(self):
        self.client.force_login(self.petugas)
        response = self.client.generic("POST", "/impor/", b"", CONTENT_LENGTH="banyak")
        self.assertEqual(response.status_code, 200)

    def test_a_file_over_the_import_limit_gets_the_forms_message(self):
        self.client.force_login(self.petugas)
        upload = SimpleUploadedFile("a.csv", b"x" * (settings.IMPORT_MAX_BYTES + 1))
        response = self.client.post("/impor/", {"kind": "anggota", "file": upload})
        self.assertContains(response, "Berkas terlalu besar (10,0 MB); batasnya 10 MB")
        self.assertFalse(PendingImport.objects.exists())

    def test_an_upload_stays_in_memory_never_in_a_temporary_file(self):
        self.client.force_login(self.petugas)
        upload = SimpleUploadedFile("a.csv", b"%PDF" + b"x" * (3 * 2**20))  # over Django's 2.5 MB default
        with mock.patch("django.core.files.uploadedfile.TemporaryUploadedFile.__init__",
                        side_effect=AssertionError("written to disk")):
            response = self.client.post("/impor/", {"kind": "anggota", "file": upload}, follow=True)
        self.assertContains(response, "bukan XLSX atau CSV")


class ArchiveCheckTests(ImportTestCase):
    """Refused from the archive's own statements, before openpyxl parses any part."""

    def refused(self, data, expected):
        with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("parsed")):
            result = self.dry(data, kind="koperasi", name="a.xlsx")
        self.assertIn(expected, result.file_error)
        return result.file_error

    def test_a_cell_expanding_a_thousandfold_is_refused_by_its_ratio(self):
        message = self.refused(hostile_files.huge_cell(HEADERS, 10 * 2**20), "tidak wajar")
        self.assertIn("xl/sharedStrings.xml", message)
        self.assertIn("kali lipat", message)

    def test_the_page_refuses_a_gigabyte_cell_without_opening_the_workbook(self):
        self.client.force_login(self.petugas)
        data = hostile_files.huge_cell(HEADERS, 64 * 2**20)
        with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("opened")):
            response = self.client.post("/impor/", {"kind": "koperasi", "file": SimpleUploadedFile("a.xlsx", data)})
        self.assertContains(response, "tidak wajar")

    def test_a_part_parsed_whole_is_limited_on_its_own(self):
        with mock.patch("registry.spreadsheets.reading.MAX_PART_BYTES", 2**20), \
                mock.patch("registry.spreadsheets.reading.MAX_RATIO", 10**6):
            self.refused(hostile_files.huge_cell(HEADERS, 2 * 2**20), "sharedStrings.xml 2,0 MB")

    def test_a_sheet_over_the_expanded_limit(self):
        with mock.patch("registry.spreadsheets.reading.MAX_EXPANDED_BYTES", 2 * 2**20), \
                mock.patch("registry.spreadsheets.reading.MAX_RATIO", 10**6):
            self.refused(hostile_files.swollen_sheet(HEADERS, 3 * 2**20), "sheet1.xml 3,0 MB")

    def test_the_whole_archive_over_the_expanded_limit(self):
        with mock.patch("registry.spreadsheets.reading.MAX_EXPANDED_BYTES", 2**20 + 2**19):
            data = hostile_files.replace_parts(hostile_files.workbook_bytes([HEADERS]), {
                f"xl/media/image{i}.bin": [bytes(range(256)) * 1024] for i in range(8)
            }, compresslevel=0)
            self.refused(data, "MB setelah dibuka")

    def test_too_many_parts(self):
        data = hostile_files.replace_parts(hostile_files.workbook_bytes([HEADERS]),
                                           {f"xl/media/p{i}.bin": [b"x"] for i in range(1001)})
        self.refused(data, "bagian")

    def test_an_encrypted_part(self):
        data = bytearray(hostile_files.workbook_bytes([HEADERS]))
        central = data.find(b"PK\x01\x02")
        struct.pack_into("<H", data, central + 8, struct.unpack_from("<H", data, central + 8)[0] | 1)
        self.refused(bytes(data), "dienkripsi")

    def test_a_part_lying_about_its_size_is_damaged_not_expanded(self):
        data = hostile_files.lying_sizes(hostile_files.swollen_sheet(HEADERS, 20 * 2**20), hostile_files.SHEET, 1024)
        result = self.dry(data, kind="koperasi", name="a.xlsx")
        self.assertIn("rusak", result.file_error)

    def test_a_cell_longer_than_excel_allows(self):
        # 300,000 letters: a part under 1 MB, so no ratio applies; its length refuses it before it is parsed.
        with mock.patch("openpyxl.worksheet._reader.WorkSheetParser", side_effect=AssertionError("parsed")):
            result = self.dry(hostile_files.huge_cell(HEADERS, 300_000), kind="koperasi", name="a.xlsx")
        self.assertIn("lebih panjang dari batas Excel", result.file_error)


class ColumnsBeyondTheTemplateTests(ImportTestCase):
    def test_a_value_right_of_the_headers_is_a_row_error(self):
        rows = self.member_rows(2)
        rows[2] += [None, "catatan"]
        result = self.dry(hostile_files.workbook_bytes(rows), name="a.xlsx")
        self.assertEqual([(e.row, e.column, e.message) for e in result.errors],
                         [(3, "K", "Ada isi di kolom tanpa judul.")])

    def test_rows_padded_to_the_last_column_refuse_the_file_at_the_first(self):
        result = self.dry(hostile_files.wide_rows(HEADERS, 2000), kind="koperasi", name="a.xlsx")
        self.assertIn("Sel XFD2 jauh di luar kolom templat (templat ini sampai kolom AA)", result.file_error)

    def test_headers_beyond_the_template_refuse_the_file(self):
        rows = [HEADERS + [f"Tambahan {i}" for i in range(20)], ["x"] * 10]
        for data, name in ((hostile_files.workbook_bytes(rows), "a.xlsx"), (csv_bytes(rows), "a.csv")):
            with self.subTest(name):
                result = self.dry(data, kind="koperasi", name=name)
                self.assertIn("jauh di luar kolom templat", result.file_error)

    def test_empty_cells_far_right_in_a_csv_are_ignored_until_they_cost(self):
        rows = self.member_rows(2)
        rows[1] += [""] * 20
        self.assertFalse(self.dry(csv_bytes(rows)).errors)
        rows[1] += [""] * 100
        self.assertIn("jauh di luar kolom templat", self.dry(csv_bytes(rows)).file_error)


def _damaged(part, cut):
    """A member template whose `part` is cut short after `cut` bytes (XML that never ends)."""
    data = hostile_files.workbook_bytes([["Nama", "NIK"], ["Siti", "6408014512800001"]])
    whole = zipfile.ZipFile(io.BytesIO(data)).read(part)
    return hostile_files.replace_parts(data, {part: [whole[:cut]]})


MALFORMED = {
    "zip header then noise": (b"PK\x03\x04" + b"\x00\xff" * 500, "rusak"),
    "zip cut in half": (hostile_files.workbook_bytes([["Nama"]])[:2000], "rusak"),
    "zip without a workbook": (
        hostile_files.replace_parts(b"PK\x05\x06" + b"\x00" * 18, {"word/document.xml": [b"<w/>"]}),
        "bukan lembar kerja"),
    "sheet xml cut short": (_damaged("xl/worksheets/sheet1.xml", 300), "rusak"),
    "workbook xml cut short": (_damaged("xl/workbook.xml", 100), "rusak"),
    "sheet xml with tags crossed": (hostile_files.replace_parts(
        hostile_files.workbook_bytes([["Nama"], ["Siti"]]),
        {hostile_files.SHEET: [b"<worksheet><sheetData><row><c><v>1</row></c></sheetData></worksheet>"]}), "rusak"),
    "styles not xml": (hostile_files.replace_parts(
        hostile_files.workbook_bytes([["Nama"], ["Siti"]]), {"xl/styles.xml": [b"\x00\x01 not xml"]}), "rusak"),
    "png named xlsx": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "bukan XLSX"),
}


class MalformedFileTests(ImportTestCase):
    def test_every_malformed_file_gets_a_message_and_nothing_is_written(self):
        for name, (data, expected) in MALFORMED.items():
            with self.subTest(name):
                before = digest()
                self.assertIn(expected, self.dry(data, name="a.xlsx").file_error)
                with self.assertRaises(ImportRejected):
                    self.commit(data, name="a.xlsx")
                self.assertEqual(digest(), before)

    def test_the_page_says_so_and_keeps_no_upload(self):
        self.client.force_login(self.petugas)
        for name, (data, expected) in MALFORMED.items():
            with self.subTest(name):
                response = self.client.post("/impor/", {"kind": "anggota", "file": SimpleUploadedFile("a.xlsx", data)})
                self.assertContains(response, expected)
                token = response.context["token"]
                self.assertEqual(self.client.get(f"/impor/kesalahan/{token}.xlsx").status_code, 404)
                self.client.post("/impor/simpan/", {"token": token})
        self.assertFalse(ImportBatch.objects.exists())


class ErrorListCapTests(ImportTestCase):
    """The page shows the first errors of each column and the counts; the errors workbook has them all."""

    ROWS = 60

    def file(self):
        rows = self.member_rows(self.ROWS)
        for number, row in enumerate(rows[1:]):
            row[2] = f"64080{number:03d}"  # NIK too short
            row[3] = f"X{number}"  # sex unknown
            row[4] = f"32/13/{number}"  # no date
        return csv_bytes(rows)

    def test_dry_run_keeps_the_first_of_each_column_and_counts_all(self):
        result = self.dry(self.file())
        self.assertEqual(result.error_total, 3 * self.ROWS)
        self.assertEqual(len(result.errors), 3 * ERRORS_SHOWN_PER_COLUMN)
        self.assertEqual([count for _column, count in result.error_columns], [self.ROWS] * 3)
        self.assertEqual(len(result.error_rows), self.ROWS)

    def test_page_and_errors_workbook(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/impor/", {"kind": "anggota", "file": SimpleUploadedFile("a.csv", self.file())})
        page = response.content.decode()
        self.assertIn("180 kesalahan", page)
        self.assertIn("120 kesalahan lain ada di berkas kesalahan", page)
        self.assertEqual(page.count("<tr><th scope=\"row\">"), 3 * ERRORS_SHOWN_PER_COLUMN + 3)  # errors + columns
        self.assertNotIn("6408059", page)  # row 61's NIK is only in the workbook
        errors = self.client.get(f"/impor/kesalahan/{response.context['token']}.xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
        messages = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(len(messages), self.ROWS)
        self.assertTrue(all(message.count(";") == 2 for message in messages), messages[:2])


MEASURE = """
import json, os, sys
sys.path.insert(0, {project!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "kutim_koperasi.settings"
os.environ.setdefault("DJANGO_DEBUG", "1")
import django
django.setup()
from registry.spreadsheets.kinds import SPECS
from registry.spreadsheets.reading import FileError, open_sheet
from tests import hostile_files as h
from tests.hostile_files import peak_mb
headers = [str(column.header) for column in SPECS["koperasi"].all_columns()]
cases = {{
    "cell of 256 MB": lambda: h.huge_cell(headers, 256 * 2**20),
    "sheet of 150 MB": lambda: h.swollen_sheet(headers, 150 * 2**20),
    "sheet lying about 40 MB": lambda: h.lying_sizes(h.swollen_sheet(headers, 40 * 2**20), h.SHEET, 1024),
    "2,000 rows to XFD": lambda: h.wide_rows(headers, 2000),
    "3,000 rows all wrong": lambda: h.all_wrong(headers, 3000),
}}
out = {{}}
for name, build in cases.items():
    data = build()
    try:
        sheet = open_sheet(data, "a.xlsx", columns=len(headers))
        outcome = sum(1 for _row in sheet.rows)
    except FileError as error:
        outcome = str(error)[:80]
    out[name] = outcome
out["peak_mb"] = peak_mb()
print(json.dumps(out))
"""


class PeakMemoryTests(ImportTestCase):
    def test_reading_crafted_workbooks_stays_under_300_mb(self):
        """In a process of its own, so the peak is this reading's (Django's baseline included)."""
        done = subprocess.run([sys.executable, "-c", MEASURE.format(project=str(PROJECT))], capture_output=True,
                              text=True, timeout=600, cwd=PROJECT)
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        out = json.loads(done.stdout.strip().splitlines()[-1])
        self.assertIn("tidak wajar", out["cell of 256 MB"])
        self.assertIn("tidak wajar", out["sheet of 150 MB"])
        self.assertIn("rusak", out["sheet lying about 40 MB"])
        self.assertIn("jauh di luar kolom", out["2,000 rows to XFD"])
        self.assertEqual(out["3,000 rows all wrong"], 3000)
        self.assertLess(out["peak_mb"], 300)

    def test_a_file_of_errors_checked_and_shown_stays_under_300_mb(self):
        import tracemalloc

        data = hostile_files.all_wrong(HEADERS, 2000)  # 54,000 errors, each message its own
        self.client.force_login(self.petugas)
        tracemalloc.start()
        try:
            response = self.client.post("/impor/", {"kind": "koperasi", "file": SimpleUploadedFile("a.xlsx", data)})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        self.assertContains(response, "kesalahan lain ada di berkas kesalahan")
        self.assertLess(len(response.content), 2 * 2**20)
        self.assertLess(peak, 300 * 2**20)
