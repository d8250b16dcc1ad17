"""No NIK in clear anywhere the system stores or logs: every table (outside the encrypted column),
the sessions, the log lines. The NIKs are used as staff use them: typed into forms, searched,
revealed, exported, imported, mistyped into URLs and the admin's search box."""

import io
import json
import logging

from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase

from registry.models import ImportBatch, Member
from tests.builders import make_cooperative, make_user
from tests.test_imports import csv_bytes

TYPED = "6408044508900001"  # typed into the member form
REPLACED = "6408041203900002"  # typed later over it
IMPORTED = "6408014512800003"  # in an imported file
MISTYPED = "6408010512800004"  # in URLs, the name search, the admin's search box
NIKS = [TYPED, REPLACED, IMPORTED, MISTYPED]
# The columns that hold a NIK encrypted (Fernet: base64 of random bytes, never the digits).
ENCRYPTED_COLUMNS = {"nik_encrypted"}


def stored_text():
    """Every value of every table as text (the encrypted columns left out), and the decoded sessions."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names)
            names = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for name, value in zip(names, row, strict=True):
                    if name in ENCRYPTED_COLUMNS or value is None:
                        continue
                    if isinstance(value, str) and value.startswith("{") and '"nik_encrypted"' in value:
                        data = json.loads(value)  # an import row's values before: its ciphertext too
                        data.pop("nik_encrypted", None)
                        value = json.dumps(data)
                    chunks.append(f"{table}.{name}={value}")
    for session in Session.objects.all():
        chunks.append(json.dumps(session.get_decoded(), default=str))
    return "\n".join(chunks)


class NoNikAtRestTests(TestCase):
    def test_every_way_in_leaves_no_nik_in_the_database_or_the_logs(self):
        console = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
        log = io.StringIO()
        previous = console.setStream(log)
        # django.request logs 4xx at WARNING, the level the console shows.
        try:
            self.use_the_niks()
        finally:
            console.setStream(previous)
        self.assertEqual(Member.objects.filter(has_nik=True).count(), 2)
        stored = stored_text()
        self.assertIn("registry_member.nik_last4=0002", stored)  # the scan reads the tables
        for nik in NIKS:
            with self.subTest(nik=nik):
                self.assertNotIn(nik, stored)
                self.assertNotIn(nik, log.getvalue())
        self.assertIn("[NIK]", log.getvalue())

    def use_the_niks(self):
        cooperative = make_cooperative(nomor_induk="6408010000001")
        petugas, pimpinan = make_user("Petugas"), make_user("Pimpinan")
        admin = make_user("Admin Dinas", is_staff=True)
        self.client.force_login(petugas)
        # Typed into the form, then replaced by another.
        response = self.client.post(f"/koperasi/{cooperative.pk}/anggota/tambah/",
                                    {"name": "Siti", "sex": "P", "nik": TYPED, "version": 1})
        self.assertEqual(response.status_code, 302)
        member = Member.objects.get(name="Siti")
        response = self.client.post(f"/anggota/{member.pk}/ubah/",
                                    {"name": "Siti", "sex": "P", "nik": REPLACED, "version": 1})
        self.assertEqual(response.status_code, 302)
        # Searched, revealed, exported.
        self.client.post("/anggota/cari-nik/", {"nik": REPLACED})
        self.client.get("/anggota/?hasil_nik=1")
        self.assertContains(self.client.post(f"/anggota/{member.pk}/buka-nik/", {"purpose": "Pencocokan data bantuan"}),
                            REPLACED)
        b"".join(self.client.get("/ekspor/anggota/csv/", {"hasil_nik": "1"}).streaming_content)
        self.client.get("/ekspor/anggota/xlsx/", {"q": MISTYPED})
        # Imported (dry run, then commit).
        upload = SimpleUploadedFile("anggota.csv", csv_bytes([
            ["Nomor Induk Koperasi", "Nama", "NIK", "Jenis kelamin"], ["6408010000001", "Budi", IMPORTED, "L"],
        ]), content_type="text/csv")
        token = self.client.post("/impor/", {"kind": "anggota", "file": upload}).context["token"]
        self.client.post("/impor/simpan/", {"token": token})
        self.assertTrue(ImportBatch.objects.exists())
        # Mistyped where it does not belong: addresses, the name search, a wrong NIK, the admin.
        self.client.get(f"/anggota/?nik={MISTYPED}")
        self.client.get(f"/anggota/?q={MISTYPED}")
        self.client.get(f"/anggota/{MISTYPED}/")
        self.client.get(f"/tidak-ada/{MISTYPED}/")
        self.client.post("/anggota/cari-nik/", {"nik": MISTYPED + "9"})
        self.client.force_login(pimpinan)
        self.client.post("/anggota/cari-nik/", {"nik": TYPED})
        self.client.force_login(admin)
        self.client.get("/admin/registry/member/", {"q": MISTYPED})
        self.client.get(f"/admin/registry/member/{member.pk}/change/")
        self.client.get(f"/admin/registry/member/{member.pk}/history/")
