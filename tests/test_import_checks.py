"""Imports never save wrong data without a word: the same person matched when the NIK arrives later,
likely duplicates shown, NIKs rounded by Excel refused, stray bytes kept apart from Windows-1252
files, cooperatives named two ways that must agree, US dates explained, and a preview of the rows
as they will be saved."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from registry.models import Cooperative, Member
from registry.spreadsheets.imports import PREVIEW_ROWS
from tests.builders import make_cooperative, make_member, make_user
from tests.test_imports import ImportTestCase, csv_bytes, digest, nik, xlsx_bytes

BUDI = datetime.date(1990, 1, 1)
HEADERS = ["Nomor Induk Koperasi", "Nama", "NIK", "Tanggal lahir", "Nomor anggota"]


def member_file(*rows, headers=HEADERS, **kwargs):
    return csv_bytes([headers, *[list(row) for row in rows]], **kwargs)


class SamePersonTests(ImportTestCase):
    """A member recorded without an NIK, then imported again with one."""

    nomor = "6408010000001"

    def test_nik_arriving_later_completes_the_member_recorded_without_one(self):
        self.commit(member_file([self.nomor, "Budi Hartono", "", "01/01/1990", ""]))
        member = Member.objects.get()
        self.assertFalse(member.has_nik)
        data = member_file([self.nomor, "BUDI  HARTONO", nik(7, day="01", month="01", year="90"), "01/01/1990", ""])
        result = self.dry(data)
        self.assertEqual((result.created, result.updated, result.errors, result.row_warnings), (0, 1, [], []))
        self.commit(data)
        member.refresh_from_db()
        self.assertEqual((Member.objects.count(), member.nik), (1, nik(7, day="01", month="01", year="90")))
        self.assertEqual(self.dry(data).unchanged, 1)

    def test_matched_by_member_number_when_the_birth_date_is_not_in_the_file(self):
        make_member(self.coop, name="Budi Hartono", member_number="A-7", birth_date=BUDI)
        result = self.dry(member_file([self.nomor, "Budi Hartono", nik(7), "", "A-7"]))
        self.assertEqual((result.created, result.updated), (0, 1))

    def test_same_name_other_birth_date_is_another_person(self):
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI)
        result = self.dry(member_file([self.nomor, "Budi Hartono", nik(7), "02/01/1990", ""]))
        self.assertEqual((result.created, result.updated, result.row_warnings), (1, 0, []))

    def test_same_name_without_birth_date_is_created_with_a_warning(self):
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI)
        result = self.dry(member_file([self.nomor, "Budi Hartono", nik(7), "", ""]))
        self.assertEqual((result.created, result.updated), (1, 0))
        self.assertEqual(len(result.row_warnings), 1)
        self.assertIn("Mungkin orang yang sama", result.row_warnings[0].message)
        self.assertIn("Budi Hartono, lahir 01/01/1990, tanpa NIK", result.row_warnings[0].message)
        self.assertEqual(result.preview[0].notes, [result.row_warnings[0].message])

    def test_a_recorded_member_with_another_nik_is_a_likely_duplicate(self):
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI, nik=nik(8))
        result = self.dry(member_file([self.nomor, "Budi Hartono", nik(7), "01/01/1990", ""]))
        self.assertEqual(result.created, 1)
        self.assertIn("NIK ************0008", result.row_warnings[0].message)

    def test_birth_date_in_a_warning_only_for_those_who_may_see_it(self):
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI)
        reader = make_user("Petugas")
        reader.user_permissions.clear()
        for group in reader.groups.all():
            group.permissions.remove(*group.permissions.filter(codename="reveal_nik"))
        reader = type(reader).objects.get(pk=reader.pk)  # permission cache
        result = self.dry(member_file([self.nomor, "Budi Hartono", nik(7), "", ""]), user=reader)
        self.assertIn("lahir 1990", result.row_warnings[0].message)
        self.assertNotIn("01/01/1990", result.row_warnings[0].message)

    def test_two_recorded_without_nik_alike_is_an_error_not_a_guess(self):
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI)
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI)
        result = self.dry(member_file([self.nomor, "Budi Hartono", nik(7), "01/01/1990", ""]))
        self.assertEqual((result.created, result.updated), (0, 0))
        self.assertIn("2 anggota tanpa NIK", result.errors[0].message)
        self.assertEqual(result.errors[0].column, "C (NIK)")

    def test_a_member_with_an_nik_is_never_given_another(self):
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI, nik=nik(8))
        self.commit(member_file([self.nomor, "Budi Hartono", nik(7), "01/01/1990", ""]))
        self.assertEqual(sorted(m.nik for m in Member.objects.all()), [nik(7), nik(8)])

    def test_same_person_twice_in_one_file(self):
        rows = [[self.nomor, "Budi Hartono", "", "01/01/1990", ""],
                [self.nomor, "Budi Hartono", nik(7), "01/01/1990", ""]]
        result = self.dry(member_file(*rows))
        self.assertEqual(result.created, 2)
        self.assertEqual([(w.row, w.message) for w in result.row_warnings],
                         [(3, "Mungkin orang yang sama dengan baris 2 di berkas ini.")])
        # Recorded already: both rows point at the one member, which is refused, not written twice.
        make_member(self.coop, name="Budi Hartono", birth_date=BUDI)
        result = self.dry(member_file(*rows))
        self.assertEqual((result.updated, result.unchanged), (0, 1))
        self.assertIn("Baris ganda: baris 2", result.errors[0].message)

    def test_a_rename_through_the_nik_is_shown(self):
        make_member(self.coop, name="Budi Hartono", nik=nik(7))
        result = self.dry(member_file([self.nomor, "Sri Wahyuni", nik(7), "", ""]))
        self.assertEqual(result.updated, 1)
        self.assertIn("Budi Hartono menjadi Sri Wahyuni", result.row_warnings[0].message)


class RoundedNikTests(ImportTestCase):
    headers = ["Nomor Induk Koperasi", "Nama", "NIK"]

    def messages(self, result):
        return " ".join(error.message for error in result.errors)

    def test_numbers_in_an_xlsx_are_refused_with_the_reason(self):
        for value in (6408014512800000, 6408014512800001, 6.408014512800001e15):
            with self.subTest(value=value):
                data = xlsx_bytes([self.headers, ["6408010000001", "Budi", value]])
                result = self.dry(data, name="a.xlsx")
                self.assertEqual(result.created, 0)
                self.assertIn("tersimpan sebagai angka", self.messages(result))
                self.assertIn("15 digit", self.messages(result))

    def test_scientific_notation_is_explained(self):
        for text in ("6,40801E+15", "6.40801E+15", "6,40801e15"):
            with self.subTest(text=text):
                result = self.dry(csv_bytes([self.headers, ["6408010000001", "Budi", text]]))
                self.assertIn("notasi ilmiah", self.messages(result))
                self.assertIn(text, self.messages(result))

    def test_serial_0000_is_refused(self):
        result = self.dry(csv_bytes([self.headers, ["6408010000001", "Budi", "6408014512800000"]]))
        self.assertIn("0000", self.messages(result))

    def test_a_whole_file_of_niks_ending_in_zero(self):
        rows = [["6408010000001", f"Anggota {i}", nik(i * 10 + 10)] for i in range(5)]
        result = self.dry(csv_bytes([self.headers, *rows]))
        self.assertEqual((result.created, result.rows_in_error), (0, 5))
        self.assertIn("Semua 5 NIK", self.messages(result))
        before = digest()
        batch_rows = [*rows, ["6408010000001", "Lain", nik(11)]]
        # One NIK not ending in 0 is enough to believe the column: all six are saved.
        self.assertEqual(self.dry(csv_bytes([self.headers, *batch_rows])).created, 6)
        # Four are not enough evidence.
        self.assertEqual(self.dry(csv_bytes([self.headers, *rows[:4]])).created, 4)
        self.assertEqual(digest(), before)

    def test_commit_of_a_zero_column_with_confirmation_saves_nothing_of_it(self):
        rows = [["6408010000001", f"Anggota {i}", nik(i * 10 + 10)] for i in range(5)]
        rows.append(["6408010000001", "Tanpa NIK", ""])
        batch = self.commit(csv_bytes([self.headers, *rows]), skip_errors=True)
        self.assertEqual((batch.rows_created, batch.rows_skipped), (1, 5))
        self.assertEqual(list(Member.objects.values_list("name", flat=True)), ["Tanpa NIK"])

    def test_nomor_induk_koperasi_numbers(self):
        headers = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha", "Desa/kelurahan"]
        row = ["KSU Baru", 6408019999999, "Produsen", "Perkebunan/plasma", "perkebunan_sawit", self.desa_name]
        self.assertEqual(self.dry(xlsx_bytes([headers, row]), kind="koperasi", name="a.xlsx").created, 1)
        row[1] = 64080199999990001
        result = self.dry(xlsx_bytes([headers, row]), kind="koperasi", name="a.xlsx")
        self.assertIn("15 digit", self.messages(result))
        row[1] = "6,40802E+12"
        result = self.dry(csv_bytes([headers, row]), kind="koperasi")
        self.assertIn("notasi ilmiah", self.messages(result))
        result = self.dry(csv_bytes([["Nomor Induk Koperasi", "Nama", "NIK"], ["6,40801E+12", "Budi", nik(1)]]))
        self.assertIn("notasi ilmiah", self.messages(result))


class EncodingTests(ImportTestCase):
    headers = ["Nomor Induk Koperasi", "Nama", "NIK"]

    def test_utf8_with_a_stray_byte_keeps_utf8_and_refuses_the_row(self):
        data = ("\n".join([";".join(self.headers), f"6408010000001;André;{nik(1)}", f"6408010000001;Zoë;{nik(2)}"])
                .encode() + f"\n6408010000001;Andr\xe9 K;{nik(3)}\n".encode("cp1252"))
        result = self.dry(data)
        self.assertEqual((result.created, result.rows_in_error), (2, 1))
        self.assertEqual(result.encoding, "utf-8")
        error = result.errors[0]
        self.assertEqual((error.row, error.column, error.value), (4, "B (Nama)", "Andr<E9> K"))
        self.assertIn("E9", error.message)
        self.assertIn("1 byte yang bukan UTF-8", result.warnings[0])
        self.commit(data, skip_errors=True)
        self.assertEqual(sorted(Member.objects.values_list("name", flat=True)), ["André", "Zoë"])

    def test_windows_1252_throughout_is_read_with_its_accented_rows_shown(self):
        rows = [self.headers, ["6408010000001", "Dédé Sürya", nik(1)], ["6408010000001", "Budi", nik(2)],
                ["6408010000001", "Zoë", nik(3)]]
        result = self.dry(csv_bytes(rows, encoding="cp1252"))
        self.assertEqual((result.created, result.errors, result.encoding), (3, [], "cp1252"))
        self.assertIn("Windows-1252", result.warnings[0])
        self.assertEqual([(line.row, line.cells[1][0]) for line in result.preview_accented],
                         [(2, "Dédé Sürya"), (4, "Zoë")])

    def test_a_byte_undefined_in_windows_1252_is_a_row_error(self):
        data = ";".join(self.headers).encode() + f"\n6408010000001;D\xe9d\xe9;{nik(1)}\n".encode("cp1252") + \
            f"6408010000001;Ab\x81c;{nik(2)}\n".encode("latin-1")
        result = self.dry(data)
        self.assertEqual((result.created, result.rows_in_error, result.encoding), (1, 1, "cp1252"))
        self.assertEqual(result.errors[0].value, "Ab<81>c")

    def test_control_characters_and_excel_errors(self):
        result = self.dry(csv_bytes([self.headers, ["6408010000001", "Bu\x01di", nik(1)]]))
        self.assertEqual(result.errors[0].value, "Bu<01>di")
        self.assertIn("karakter kontrol", result.errors[0].message)

        def error_cell(workbook, sheet):
            sheet["B2"].value = "#N/A"
            sheet["B2"].data_type = "e"

        result = self.dry(xlsx_bytes([self.headers, ["6408010000001", "x", nik(1)]], error_cell), name="a.xlsx")
        self.assertIn("galat Excel (#N/A)", result.errors[0].message)

    def test_page_and_errors_workbook_show_the_bytes(self):
        data = (";".join(self.headers) + f"\n6408010000001;André;{nik(1)}\n").encode() + \
            f"6408010000001;Andr\xe9;{nik(2)}\n".encode("cp1252")
        self.client.force_login(self.petugas)
        response = self.client.post("/impor/", {"kind": "anggota", "file": SimpleUploadedFile("a.csv", data)})
        self.assertContains(response, "Andr&lt;E9&gt;")
        errors = self.client.get(f"/impor/kesalahan/{response.context['token']}.xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
        self.assertEqual(sheet.cell(3, 2).value, "Andr<E9>")
        self.assertIn("E9", sheet.cell(3, 4).value)


class CooperativeNamedTwiceTests(ImportTestCase):
    def test_number_and_name_of_different_cooperatives(self):
        headers = ["Nomor Induk Koperasi", "Nama koperasi", "Nama", "NIK"]
        result = self.dry(csv_bytes([headers, ["6408010000001", self.far.name, "Budi", nik(1)]]))
        self.assertEqual(result.created, 0)
        self.assertEqual(result.errors[0].column, "B (Nama koperasi)")
        self.assertIn(f"Nomor Induk 6408010000001 adalah {self.coop.name}, bukan {self.far.name}",
                      result.errors[0].message)
        same = self.coop.name.upper().replace(" ", "  ")
        self.assertEqual(self.dry(csv_bytes([headers, ["6408010000001", same, "Budi", nik(1)]])).created, 1)

    def test_number_and_legal_number_must_agree(self):
        Cooperative.objects.filter(pk=self.coop.pk).update(legal_entity_number="001/BH/2017")
        Cooperative.objects.filter(pk=self.far.pk).update(legal_entity_number="002/BH/2018")
        headers = ["Nomor Induk Koperasi", "Nomor badan hukum", "Nama", "NIK"]
        result = self.dry(csv_bytes([headers, ["6408010000001", "002/BH/2018", "Budi", nik(1)]]))
        self.assertIn("menunjuk koperasi yang berbeda", result.errors[0].message)
        self.assertEqual(self.dry(csv_bytes([headers, ["6408010000001", "001/bh/2017", "Budi", nik(1)]])).created, 1)

    def test_chosen_cooperative_and_a_name_column(self):
        headers = ["Nama koperasi", "Nama", "NIK"]
        result = self.dry(csv_bytes([headers, [self.far.name, "Budi", nik(1)]]), cooperative=self.coop)
        self.assertIn("Koperasi yang dipilih adalah", result.errors[0].message)

    def test_cooperative_import_number_of_one_name_of_another(self):
        neighbour = make_cooperative(desa=self.coop.desa, nomor_induk="6408010000009", name="KSU Tetangga")
        headers = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha", "Desa/kelurahan"]
        row = ["KSU Tetangga", "6408010000001", "Produsen", "Perkebunan/plasma", "perkebunan_sawit", self.desa_name]
        result = self.dry(csv_bytes([headers, row]), kind="koperasi")
        self.assertEqual(result.updated, 0)
        self.assertIn("koperasi lain di desa yang sama (Nomor Induk 6408010000009)", result.errors[0].message)
        row[0] = "Koperasi Nama Baru"
        result = self.dry(csv_bytes([headers, row]), kind="koperasi")
        self.assertEqual(result.updated, 1)
        self.assertIn(f"{self.coop.name} menjadi Koperasi Nama Baru", result.row_warnings[0].message)
        legal = ["Nama koperasi", "Nomor Induk Koperasi", "Nomor badan hukum", "Jenis", "Kelompok", "Sektor usaha",
                 "Desa/kelurahan"]
        Cooperative.objects.filter(pk=neighbour.pk).update(legal_entity_number="009/BH/2020")
        row = [self.coop.name, "6408010000001", "009/BH/2020", "Produsen", "Perkebunan/plasma", "perkebunan_sawit",
               self.desa_name]
        result = self.dry(csv_bytes([legal, row]), kind="koperasi")
        self.assertIn("milik koperasi lain: KSU Tetangga", result.errors[0].message)


class UsDateTests(ImportTestCase):
    def test_us_dates_are_explained_and_the_column_flagged(self):
        rows = self.member_rows(3)
        rows[1][4] = "12/25/1980"
        rows[2][4] = "02/03/1980"
        result = self.dry(csv_bytes(rows))
        error = result.errors[0]
        self.assertIn("gaya Amerika", error.message)
        self.assertEqual(error.suggestion, "Mungkin maksud Anda: 25/12/1980")
        self.assertIn("E (Tanggal lahir)", result.warnings[0])
        self.assertIn("02/03/2020", result.warnings[0])
        rows[1][4] = "31/13/1980"
        self.assertIn("tidak ada di kalender", self.dry(csv_bytes(rows)).errors[0].message)


class PreviewTests(ImportTestCase):
    def test_rows_as_they_will_be_saved(self):
        existing = make_member(self.coop, nik=nik(1), name="Anggota 0", sex="L", member_number="A-0")
        rows = self.member_rows(2)
        rows[1][5] = rows[2][5] = "Sengata Utara"
        rows[1][6] = rows[2][6] = ""
        result = self.dry(csv_bytes(rows))
        self.assertEqual(result.preview_columns, ["Koperasi", "Nama", "NIK", "Jenis kelamin", "Tanggal lahir",
                                                  "Desa/kelurahan", "Kecamatan", "Nomor anggota", "Tanggal masuk"])
        updated, created = result.preview
        self.assertEqual((updated.row, updated.action_label, created.action_label), (2, "Diubah", "Baru"))
        cells = dict(zip(result.preview_columns, created.cells, strict=True))
        self.assertEqual(cells["Koperasi"], (self.coop.name, None))
        self.assertEqual(cells["NIK"], ("************0002", None))
        self.assertEqual(cells["Jenis kelamin"], ("Perempuan", None))
        self.assertEqual(cells["Tanggal lahir"], ("05/12/1980", None))
        # The alias typed in the file, saved as the region's name.
        self.assertEqual((cells["Desa/kelurahan"][0], cells["Kecamatan"][0]), ("Sangatta Utara", "Sangatta Utara"))
        changed = dict(zip(result.preview_columns, updated.cells, strict=True))
        self.assertEqual(changed["Jenis kelamin"], ("Perempuan", "Laki-laki"))
        self.assertEqual(changed["Tanggal lahir"], ("05/12/1980", ""))
        self.assertEqual(changed["NIK"], ("************0001", None))
        self.assertEqual(changed["Nama"], ("Anggota 0", None))
        existing.refresh_from_db()
        self.assertEqual(existing.sex, "L")  # the dry run wrote nothing

    def test_unchanged_rows_stay_out_and_the_preview_is_bounded(self):
        rows = self.member_rows(PREVIEW_ROWS + 5)
        self.commit(csv_bytes(self.member_rows(2)))
        result = self.dry(csv_bytes(rows))
        self.assertEqual(len(result.preview), PREVIEW_ROWS)
        self.assertEqual(result.preview[0].row, 4)

    def test_page_shows_the_preview(self):
        self.client.force_login(self.petugas)
        rows = self.member_rows(1)
        upload = SimpleUploadedFile("a.csv", csv_bytes(rows))
        response = self.client.post("/impor/", {"kind": "anggota", "file": upload})
        self.assertContains(response, "Pratinjau: baris seperti akan disimpan")
        self.assertContains(response, "************0001")
        self.assertNotContains(response, nik(1))
        self.assertContains(response, "05/12/1980")

    def test_report_money_in_the_preview(self):
        rows = [["Nomor Induk Koperasi", "Tahun buku", "Modal sendiri", "Anggota laki-laki"],
                ["6408010000001", "2024", "1250000000", "1200"]]
        result = self.dry(csv_bytes(rows), kind="laporan")
        self.assertEqual([cell[0] for cell in result.preview[0].cells],
                         [self.coop.name, "2024", "Rp 1.250.000.000", "1.200"])
