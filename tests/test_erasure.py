"""Erasure of a member's personal data: on request (Admin Dinas, with a reason) and at the end of
retention (`purge_personal_data`). After it, the name, NIK (digits, ciphertext, hash), birth date and
member number are nowhere in the database: member, history, import rows, uploads, search log.
Who may open the erasure page: tests/access.py."""

import datetime
import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone

from registry.models import (
    ExportLog,
    ImportBatch,
    ImportedRow,
    Member,
    MemberErasure,
    NikReveal,
    NikSearch,
    PendingImport,
)
from registry.models.imports import export_storage
from registry.services.erasure import TOMBSTONE_NAME, AlreadyErased, erase_member, retention_cutoff
from registry.services.import_jobs import seal
from tests.builders import make_cooperative, make_member, make_user
from tests.test_imports import csv_bytes

NIK = "6408044508900001"
NAME = "Siti Rahmawati Erasa"
BIRTH = datetime.date(1990, 8, 5)


def database_text():
    """Every value of every table as text, JSON and encrypted columns included."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names)
            names = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for name, value in zip(names, row, strict=True):
                    if value is not None:
                        chunks.append(f"{table}.{name}={bytes(value) if isinstance(value, memoryview) else value}")
    return "\n".join(chunks)


class ErasureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coop = make_cooperative(nomor_induk="6408010000001")
        cls.admin = make_user("Admin Dinas", is_staff=True)
        cls.petugas = make_user("Petugas")

    def make_traces(self):
        """The member as staff leave it: typed, edited with a reason naming them, revealed, searched,
        imported over, an upload and an export waiting."""
        self.client.force_login(self.petugas)
        response = self.client.post(f"/koperasi/{self.coop.pk}/anggota/tambah/", {
            "name": NAME, "sex": "P", "nik": NIK, "birth_date": "05/08/1990", "member_number": "A-777",
            "version": 1, "change_reason": f"Anggota baru {NAME}",
        })
        self.assertEqual(response.status_code, 302)
        member = Member.objects.get(name=NAME)
        self.assertEqual(member.birth_date, BIRTH)
        self.client.post(f"/anggota/{member.pk}/buka-nik/", {"purpose": "Pencocokan data bantuan"})
        self.client.post("/anggota/cari-nik/", {"nik": NIK})
        # An import changes the member (its undo keeps the values before).
        upload = SimpleUploadedFile("anggota.csv", csv_bytes([
            ["Nomor Induk Koperasi", "Nama", "NIK", "Jenis kelamin", "Nomor anggota"],
            ["6408010000001", NAME, NIK, "P", "A-778"],
        ]), content_type="text/csv")
        token = self.client.post("/impor/", {"kind": "anggota", "file": upload}).context["token"]
        self.client.post("/impor/simpan/", {"token": token})
        self.assertTrue(ImportedRow.objects.filter(object_id=member.pk, previous__isnull=False).exists())
        # A member import that skipped a row, its message quoting the name.
        ImportBatch.objects.create(kind="anggota", file_name="c.csv", user=self.petugas, rows_skipped=1,
                                   skipped_rows=[{"row": 3, "errors": [f"Nama: {NAME} tercatat dua kali"]}])
        # An upload checked, not committed; a prepared export still downloadable.
        data = f"Nama;NIK\r\n{NAME};{NIK}\r\n".encode()
        PendingImport.objects.create(user=self.petugas, kind="anggota", file_name="a.csv", size=len(data),
                                     data=seal(data), status=PendingImport.Status.CHECKED)
        name = export_storage().save("erasure-test.csv", ContentFile(f"{NAME};{NIK}".encode()))
        self.export = ExportLog.objects.create(
            user=self.petugas, kind="anggota", file_format="csv", status=ExportLog.Status.DONE, row_count=1,
            file=name, expires_at=timezone.now() + datetime.timedelta(hours=1),
        )
        self.addCleanup(export_storage().delete, name)
        member.refresh_from_db()
        return member

    def assert_gone(self, member, ciphertexts):
        text = database_text()
        self.assertIn(f"registry_member.name={TOMBSTONE_NAME}", text)  # the scan reads the tables
        for needle in [NIK, NAME, "Rahmawati", "A-777", "A-778", "1990-08-05", member_hash(NIK), *ciphertexts]:
            with self.subTest(needle=needle):
                self.assertNotIn(needle, text)

    def test_erasure_on_request_leaves_nothing_but_the_tombstone_and_the_log(self):
        member = self.make_traces()
        ciphertexts = set(Member.history.filter(id=member.pk).exclude(nik_encrypted="")
                          .values_list("nik_encrypted", flat=True))
        self.assertTrue(ciphertexts)
        self.client.force_login(self.admin)
        page = self.client.get(f"/anggota/{member.pk}/hapus-data-pribadi/")
        self.assertContains(page, 'name="reason"')
        waiting = PendingImport.objects.exclude(status=PendingImport.Status.COMMITTED)
        self.assertEqual(waiting.count(), 1)
        response = self.client.post(f"/anggota/{member.pk}/hapus-data-pribadi/",
                                    {"reason": "Permintaan tertulis anggota, surat 12/2026"})
        self.assertRedirects(response, f"/anggota/{member.pk}/", fetch_redirect_response=False)
        member.refresh_from_db()
        self.assertEqual((member.name, member.has_nik, member.birth_date, member.cooperative_id, member.desa_id),
                         (TOMBSTONE_NAME, False, None, self.coop.pk, None))
        self.assertIsNotNone(member.erased_at)
        erasure = MemberErasure.objects.get()
        self.assertEqual((erasure.member, erasure.erased_by, erasure.source, erasure.reason),
                         (member, self.admin, "permintaan", "Permintaan tertulis anggota, surat 12/2026"))
        # The reveal log keeps its reference, now to the tombstone; the upload and the export file are gone.
        self.assertEqual(NikReveal.objects.get().member, member)
        self.assertFalse(waiting.exists())
        self.assertEqual(PendingImport.objects.get().data, b"")  # the committed one was wiped by its commit
        self.export.refresh_from_db()
        self.assertEqual(self.export.file.name, "")
        self.assertEqual(NikSearch.objects.exclude(nik_hash=None).count(), 0)
        self.assert_gone(member, ciphertexts)
        self.assertContains(self.client.get(f"/anggota/{member.pk}/"), "data-dihapus")
        self.client.force_login(make_user("Admin Dinas", is_staff=True))
        log_page = self.client.get("/admin/registry/membererasure/")
        self.assertContains(log_page, "Permintaan tertulis anggota, surat 12/2026")
        self.assertNotContains(log_page, NAME)
        self.client.force_login(self.admin)
        # Nothing more to erase; a tombstone is not edited.
        self.assertEqual(self.client.get(f"/anggota/{member.pk}/hapus-data-pribadi/").status_code, 404)
        self.assertEqual(self.client.get(f"/anggota/{member.pk}/ubah/").status_code, 404)
        with self.assertRaises(AlreadyErased):
            erase_member(member_id=member.pk, user=self.admin, reason="lagi")

    def test_reason_required_without_a_nik(self):
        member = make_member(self.coop, nik=NIK, name=NAME)
        self.client.force_login(self.admin)
        for reason in ("", "singkat", f"hapus {NIK}"):
            with self.subTest(reason=reason):
                response = self.client.post(f"/anggota/{member.pk}/hapus-data-pribadi/", {"reason": reason})
                self.assertContains(response, "errorlist")
        self.assertFalse(MemberErasure.objects.exists())
        self.assertEqual(Member.objects.get(pk=member.pk).name, NAME)

    def test_a_search_hash_stays_while_another_membership_holds_the_nik(self):
        first = make_member(self.coop, nik=NIK, name=NAME)
        make_member(make_cooperative(), nik=NIK, name=NAME)
        NikSearch.objects.create(user=self.petugas, nik_hash=first.nik_hash, found=2)
        erase_member(member_id=first.pk, user=self.admin, reason="Permintaan anggota")
        self.assertTrue(NikSearch.objects.filter(nik_hash=first.nik_hash).exists())

    def test_admin_never_deletes_a_member(self):
        member = make_member(self.coop, nik=NIK, name=NAME)
        self.client.force_login(make_user("Admin Dinas", is_staff=True, is_superuser=True))
        self.assertEqual(self.client.get(f"/admin/registry/member/{member.pk}/delete/").status_code, 403)
        self.assertTrue(Member.objects.filter(pk=member.pk).exists())


def member_hash(nik):
    from registry.nik import hash_nik

    return hash_nik(nik)


class RetentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coop = make_cooperative()
        today = timezone.localdate()
        cls.old = make_member(cls.coop, nik=NIK, name=NAME, birth_date=BIRTH, joined_on=datetime.date(2000, 1, 1),
                              left_on=today.replace(year=today.year - 6))
        cls.edge = make_member(cls.coop, nik="6408041203900002", name="Tepat Lima Tahun",
                               joined_on=datetime.date(2000, 1, 1), left_on=retention_cutoff(today, 5))
        cls.recent = make_member(cls.coop, nik="6408041203900003", name="Baru Keluar",
                                 left_on=today.replace(year=today.year - 1))
        cls.active = make_member(cls.coop, nik="6408041203900004", name="Masih Aktif")

    def run_command(self, *args):
        out = io.StringIO()
        call_command("purge_personal_data", *args, stdout=out)
        return out.getvalue()

    def test_members_who_left_more_than_the_retention_ago_are_erased(self):
        self.assertIn("would erase 1 members", self.run_command("--dry-run"))
        self.assertEqual(MemberErasure.objects.count(), 0)
        self.assertIn("erased 1 members", self.run_command())
        erasure = MemberErasure.objects.get()
        self.assertEqual((erasure.member_id, erasure.erased_by, erasure.source), (self.old.pk, None, "retensi"))
        names = set(Member.objects.values_list("name", flat=True))
        self.assertEqual(names, {TOMBSTONE_NAME, "Tepat Lima Tahun", "Baru Keluar", "Masih Aktif"})
        self.old.refresh_from_db()
        self.assertEqual(self.old.left_on.year, timezone.localdate().year - 6)  # the membership stays
        text = database_text()
        for needle in (NIK, NAME, "1990-08-05"):
            self.assertNotIn(needle, text)
        self.assertIn("erased 0 members", self.run_command())  # idempotent

    @override_settings(PERSONAL_DATA_RETENTION_YEARS=1)
    def test_the_retention_is_configurable(self):
        # Left exactly one year ago today: on the edge, kept until tomorrow.
        self.assertIn("erased 2 members", self.run_command())
        self.assertIn("erased 0 members", self.run_command("--years", "1"))
        self.assertEqual(Member.objects.get(pk=self.recent.pk).name, "Baru Keluar")
        self.assertEqual(Member.objects.get(pk=self.active.pk).name, "Masih Aktif")
