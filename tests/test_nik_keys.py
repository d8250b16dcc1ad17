"""NIK keys: the key-check value stops the application on a wrong or lost key (system check, also
`check --deploy`; WSGI and worker start), and `rotate_nik_keys` re-encrypts members, history, import
rows and pending uploads under the newest key, in chunks, resumably, without touching versions."""

import io
from unittest.mock import patch

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import TestCase, override_settings

from registry import key_check
from registry import nik as nik_codec
from registry.models import ImportBatch, ImportedRow, Member, NikKeyCheck, PendingImport
from registry.services import key_rotation
from registry.services.import_jobs import pending_data, seal
from tests.builders import make_cooperative, make_member, make_user

OLD, NEW, STRANGER = (Fernet.generate_key().decode() for _ in range(3))
NIKS = [f"64080145128000{i:02d}" for i in range(1, 6)]


class KeyCheckTests(TestCase):
    def test_written_by_migrate_and_fits_the_configured_keys(self):
        self.assertEqual(NikKeyCheck.objects.count(), 1)
        self.assertEqual(key_check.key_problems(), [])
        call_command("check", stdout=io.StringIO())
        key_check.require_valid_keys()

    def test_a_wrong_encryption_key_stops_check_and_start(self):
        with override_settings(NIK_ENCRYPTION_KEYS=[STRANGER]):
            self.assertEqual(key_check.key_problems(), [key_check.WRONG_ENCRYPTION_KEY])
            for args in [(), ("--deploy",)]:
                with self.subTest(args=args), self.assertRaises(SystemCheckError) as raised:
                    call_command("check", *args, stdout=io.StringIO(), stderr=io.StringIO())
                self.assertIn("registry.E010", str(raised.exception))
                self.assertIn("NIK_ENCRYPTION_KEY cannot decrypt", str(raised.exception))
            with self.assertRaises(ImproperlyConfigured):
                key_check.require_valid_keys()

    def test_a_wrong_hash_key_stops_it_too(self):
        with override_settings(NIK_HASH_KEY="not-the-hash-key"):
            self.assertEqual(key_check.key_problems(), [key_check.WRONG_HASH_KEY])
            with self.assertRaises(SystemCheckError):
                call_command("check", stdout=io.StringIO(), stderr=io.StringIO())

    def test_without_a_check_value_the_stored_niks_are_the_test(self):
        NikKeyCheck.objects.all().delete()
        self.assertEqual(key_check.key_problems(), [])  # nothing stored: nothing to contradict
        make_member(make_cooperative(), nik=NIKS[0])
        with override_settings(NIK_ENCRYPTION_KEYS=[STRANGER]):
            self.assertEqual(key_check.key_problems(), [key_check.WRONG_ENCRYPTION_KEY])
            key_check.write_missing_key_check(sender=None)
            self.assertFalse(NikKeyCheck.objects.exists())  # a wrong key is reported, never written down
            with self.assertRaises(ImproperlyConfigured):
                key_check.write_key_check()
        key_check.write_missing_key_check(sender=None)
        self.assertEqual(NikKeyCheck.objects.count(), 1)
        self.assertEqual(key_check.key_problems(), [])

    def test_after_a_lost_key_the_new_keys_are_accepted_on_purpose(self):
        make_member(make_cooperative(), nik=NIKS[0])
        out = io.StringIO()
        call_command("nik_key_check", stdout=out)
        self.assertIn("fit the database", out.getvalue())
        with override_settings(NIK_ENCRYPTION_KEYS=[STRANGER]):
            with self.assertRaises(CommandError):
                call_command("nik_key_check", stdout=io.StringIO())
            call_command("nik_key_check", "--accept-lost-key", stdout=out)
            self.assertIn("1 stored NIKs cannot be read", out.getvalue())
            self.assertEqual(key_check.key_problems(), [])
            key_check.require_valid_keys()
        self.assertEqual(key_check.key_problems(), [key_check.WRONG_ENCRYPTION_KEY])  # the old key: no longer


def decrypts_with(key, token):
    try:
        Fernet(key.encode()).decrypt(token.encode() if isinstance(token, str) else bytes(token))
    except Exception:  # noqa: BLE001 (InvalidToken: the answer is no)
        return False
    return True


class RotationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with override_settings(NIK_ENCRYPTION_KEYS=[OLD]):
            key_check.write_key_check()
            coop = make_cooperative()
            cls.members = [make_member(coop, nik=nik, name=f"Anggota {i}") for i, nik in enumerate(NIKS)]
            edited = cls.members[0]
            edited.name = "Anggota Diubah"
            edited.save()
            user = make_user("Petugas")
            batch = ImportBatch.objects.create(kind="anggota", file_name="a.csv", user=user)
            cls.row = ImportedRow.objects.create(batch=batch, row_number=2, object_id=edited.pk, action="diubah",
                                                 version_after=2, previous={"name": "Anggota 0",
                                                                            "nik_encrypted": edited.nik_encrypted})
            cls.pending = PendingImport.objects.create(user=user, kind="anggota", file_name="b.csv", size=9,
                                                       data=seal(b"NIK;Nama\r\n"))

    def rotate(self, *args):
        out = io.StringIO()
        call_command("rotate_nik_keys", *args, stdout=out)
        return out.getvalue()

    def test_everything_is_re_encrypted_and_reads_with_the_new_key_alone(self):
        versions = dict(Member.objects.values_list("pk", "version"))
        history = Member.history.count()
        with override_settings(NIK_ENCRYPTION_KEYS=[NEW, OLD]):
            output = self.rotate("--chunk", "2")
            self.assertIn("anggota: 5 re-encrypted, 0 already", output)
            self.assertIn("riwayat anggota: 6 re-encrypted", output)
            self.assertIn("baris impor: 1 re-encrypted", output)
            self.assertIn("berkas impor tertunda: 1 re-encrypted", output)
            self.assertIn("[##############################] 100% 5/5", output)
            # A NIK written after the rotation is encrypted with the newest key.
            added = make_member(make_cooperative(), nik="6408041203900009")
            self.assertTrue(decrypts_with(NEW, added.nik_encrypted))
            self.assertFalse(decrypts_with(OLD, added.nik_encrypted))
        # Versions untouched, no history row added: nothing about the members changed.
        self.assertEqual(dict(Member.objects.filter(pk__in=versions).values_list("pk", "version")), versions)
        self.assertEqual(Member.history.count(), history + 1)  # the one member added above
        with override_settings(NIK_ENCRYPTION_KEYS=[NEW]):
            self.assertEqual(key_check.key_problems(), [])
            self.assertEqual(sorted(m.nik for m in Member.objects.filter(pk__in=versions)), NIKS)
            tokens = Member.history.values_list("nik_encrypted", flat=True)
            self.assertTrue(all(nik_codec.decrypt_nik(token) for token in tokens))
            self.row.refresh_from_db()
            self.assertEqual(nik_codec.decrypt_nik(self.row.previous["nik_encrypted"]), NIKS[0])
            self.assertEqual(self.row.previous["name"], "Anggota 0")
            self.pending.refresh_from_db()
            self.assertEqual(pending_data(self.pending), b"NIK;Nama\r\n")
        with override_settings(NIK_ENCRYPTION_KEYS=[OLD]):
            self.assertEqual(key_check.key_problems(), [key_check.WRONG_ENCRYPTION_KEY])

    def test_an_interrupted_run_continues_where_it_stopped(self):
        real_write, calls = key_rotation._write, []

        def write_then_fail(*args):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("connection lost")
            real_write(*args)

        with override_settings(NIK_ENCRYPTION_KEYS=[NEW, OLD]):
            with patch.object(key_rotation, "_write", write_then_fail), pytest.raises(RuntimeError):
                self.rotate("--chunk", "2")
            tokens = list(Member.objects.order_by("pk").values_list("nik_encrypted", flat=True))
            self.assertEqual([decrypts_with(NEW, t) for t in tokens], [True, True, False, False, False])
            output = self.rotate("--chunk", "2")
            self.assertIn("anggota: 3 re-encrypted, 2 already under the newest key", output)
        with override_settings(NIK_ENCRYPTION_KEYS=[NEW]):
            self.assertEqual(sorted(m.nik for m in Member.objects.all()), NIKS)

    def test_a_value_no_key_reads_is_reported(self):
        with override_settings(NIK_ENCRYPTION_KEYS=[STRANGER]):
            stray = Fernet(STRANGER.encode()).encrypt(b"6408041203900008").decode()
        Member.objects.filter(pk=self.members[1].pk).update(nik_encrypted=stray)
        with override_settings(NIK_ENCRYPTION_KEYS=[NEW, OLD]), self.assertRaises(CommandError) as raised:
            self.rotate()
        self.assertIn("no configured key decrypts", str(raised.exception))

    def test_a_wrong_key_rotates_nothing(self):
        with override_settings(NIK_ENCRYPTION_KEYS=[NEW]), self.assertRaises(CommandError):
            self.rotate()
        self.assertTrue(all(decrypts_with(OLD, t) for t in Member.objects.values_list("nik_encrypted", flat=True)))
