"""The members' copy of their cooperative's name (`Member.cooperative_name`) after every write path.

New members (the form, the admin, the import), a member moved to another cooperative (the admin,
a history revert, a plain save) and a cooperative renamed (its form, the admin, the import and its
undo, a history revert): after each, every member holds its cooperative's name, and the member
list shows and orders them by it. On PostgreSQL, a member added while its cooperative is renamed
ends with the new name, whichever transaction locks first.
"""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import TestCase, TransactionTestCase
from django.urls import reverse

from registry.models import Cooperative, Member, people
from registry.services import member_areas, versioning
from registry.services.history import history_revert
from registry.services.versioning import remember_loaded, save_versioned
from registry.spreadsheets.commit import import_batch_undo, import_commit
from tests.builders import MUARA_WAHAU, SANGATTA_SELATAN, SANGATTA_UTARA, make_cooperative, make_member, make_user
from tests.moves import COOPERATIVE_HEADERS, cooperative_row
from tests.races import AddedWhileTheCooperativeMoves, Worker
from tests.test_admin import form_data
from tests.test_imports import MEMBER_HEADERS, csv_bytes, nik
from tests.test_write_path import rendered


def misnamed():
    """Members whose copy is not their cooperative's name (none, always)."""
    return list(Member.objects.exclude(cooperative_name=F("cooperative__name")).values_list("name", flat=True))


def name_of(member):
    return Member.objects.values_list("cooperative_name", flat=True).get(pk=member.pk)


class NewMemberTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)
        cls.cooperative = make_cooperative(name="KSU Sawit Makmur", kecamatan=SANGATTA_SELATAN,
                                           nomor_induk="6408120000001")

    def test_the_form_sets_it_from_the_cooperative(self):
        self.client.force_login(self.petugas)
        response = self.client.post(f"/koperasi/{self.cooperative.pk}/anggota/tambah/",
                                    {"name": "Budi", "sex": "L", "version": 1, "nik": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Member.objects.get(name="Budi").cooperative_name, "KSU Sawit Makmur")

    def test_the_admin_sets_it_from_the_cooperative(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("admin:registry_member_add"), {
            "cooperative": self.cooperative.pk, "name": "Siti", "sex": "P", "nik": "", "version": 1,
        })
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Member.objects.get(name="Siti").cooperative_name, "KSU Sawit Makmur")

    def test_the_import_sets_it_from_each_rows_cooperative(self):
        other = make_cooperative(name="Koperasi Wahau Jaya", kecamatan=MUARA_WAHAU, nomor_induk="6408020000002")
        rows = [MEMBER_HEADERS] + [
            [c.nomor_induk, f"Anggota {i}", nik(i + 1), "P", "05/12/1980", "", "", f"A-{i}", "01/02/2015"]
            for i, c in enumerate([self.cooperative, other, self.cooperative])
        ]
        batch = import_commit(kind="anggota", data=csv_bytes(rows), file_name="anggota.csv", user=self.petugas)
        self.assertEqual(batch.rows_created, 3)
        self.assertEqual(dict(Member.objects.values_list("name", "cooperative_name")), {
            "Anggota 0": "KSU Sawit Makmur", "Anggota 1": "Koperasi Wahau Jaya", "Anggota 2": "KSU Sawit Makmur"})

    def test_a_given_name_is_overwritten_by_the_cooperatives(self):
        member = Member(cooperative=self.cooperative, name="Salah Nama", cooperative_name="Koperasi Lain")
        member.nik = None
        member.save()
        self.assertEqual(name_of(member), "KSU Sawit Makmur")

    def test_a_bulk_insert_without_it_fails_loudly(self):
        member = Member(cooperative=self.cooperative, name="Lupa", kecamatan_id=SANGATTA_SELATAN)
        member.nik = None
        with self.assertRaises(IntegrityError), transaction.atomic():
            Member.objects.bulk_create([member])

    def test_the_member_history_does_not_hold_it(self):
        member = make_member(self.cooperative)
        self.assertFalse(hasattr(member.history.first(), "cooperative_name"))


class RenameTests(TestCase):
    """A cooperative renamed through each write path: its members follow, a bystander's stay."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)

    def setUp(self):
        self.cooperative = make_cooperative(name="Koperasi Zaitun", kecamatan=SANGATTA_UTARA,
                                            nomor_induk="6408040000001")
        self.bystander = make_cooperative(name="Koperasi Maju", kecamatan=SANGATTA_UTARA)
        self.renamed = [make_member(self.cooperative, name="Budi"), make_member(self.cooperative, name="Ani")]
        self.stays = make_member(self.bystander, name="Citra")

    def assert_named(self, name):
        self.assertEqual({name_of(member) for member in self.renamed}, {name})
        self.assertEqual(name_of(self.stays), "Koperasi Maju")
        self.assertEqual(misnamed(), [])

    def rename_with_the_form(self, name):
        self.cooperative.refresh_from_db()
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/ubah/"
        data = {**rendered(self.client.get(url).context["form"]), "name": name}
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_the_cooperative_form(self):
        self.rename_with_the_form("Koperasi Alam Hijau")
        self.assert_named("Koperasi Alam Hijau")

    def test_the_admin(self):
        self.client.force_login(self.admin)
        url = reverse("admin:registry_cooperative_change", args=[self.cooperative.pk])
        data = {**form_data(self.client.get(url)), "name": "Koperasi Alam Hijau"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assert_named("Koperasi Alam Hijau")

    def test_the_import_and_its_undo(self):
        self.cooperative.name = "Koperasi Alam Hijau"
        data = csv_bytes([COOPERATIVE_HEADERS, cooperative_row(self.cooperative, self.cooperative.desa)])
        batch = import_commit(kind="koperasi", data=data, file_name="koperasi.csv", user=self.petugas)
        self.assertEqual(batch.rows_updated, 1)
        self.assert_named("Koperasi Alam Hijau")
        import_batch_undo(batch=batch, user=self.admin)
        self.assert_named("Koperasi Zaitun")

    def test_a_history_revert(self):
        self.rename_with_the_form("Koperasi Alam Hijau")
        change = self.cooperative.history.get(version=2)
        history_revert(record=change, instance=Cooperative.objects.get(pk=self.cooperative.pk), user=self.admin)
        self.assert_named("Koperasi Zaitun")

    def test_an_edit_keeping_the_name_rewrites_no_member(self):
        self.assertEqual(member_areas.name_copies_follow_cooperatives(cooperative_ids=[self.cooperative.pk]), 0)
        cooperative = remember_loaded(Cooperative.objects.get(pk=self.cooperative.pk))
        cooperative.address = "Jl. Poros Sangatta"
        save_versioned(instance=cooperative, expected_version=cooperative.version)
        self.assert_named("Koperasi Zaitun")

    def test_the_list_shows_and_orders_by_the_new_name(self):
        self.client.force_login(self.petugas)

        def listed():
            rows = self.client.get("/anggota/").context["object_list"]
            return [(row.cooperative_name, row.name) for row in rows]

        self.assertEqual(listed(), [("Koperasi Maju", "Citra"), ("Koperasi Zaitun", "Ani"),
                                    ("Koperasi Zaitun", "Budi")])
        self.rename_with_the_form("Koperasi Alam Hijau")
        self.assertEqual(listed(), [("Koperasi Alam Hijau", "Ani"), ("Koperasi Alam Hijau", "Budi"),
                                    ("Koperasi Maju", "Citra")])

    def test_a_member_moved_to_another_cooperative_in_the_admin_and_back_by_a_revert(self):
        member = self.renamed[0]
        far = make_cooperative(name="Koperasi Wahau Jaya", kecamatan=MUARA_WAHAU)
        self.client.force_login(self.admin)
        url = reverse("admin:registry_member_change", args=[member.pk])
        data = {**form_data(self.client.get(url)), "cooperative": far.pk}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(name_of(member), "Koperasi Wahau Jaya")
        change = Member.history.filter(id=member.pk).order_by("-history_id").first()
        history_revert(record=change, instance=Member.objects.get(pk=member.pk), user=self.admin)
        self.assertEqual(name_of(member), "Koperasi Zaitun")
        self.assertEqual(misnamed(), [])

    def test_a_plain_save_of_a_member_moved_to_another_cooperative(self):
        member = Member.objects.get(pk=self.renamed[0].pk)
        member.cooperative = make_cooperative(name="Koperasi Wahau Jaya", kecamatan=MUARA_WAHAU)
        member.save()
        self.assertEqual(name_of(member), "Koperasi Wahau Jaya")

    def test_a_save_of_the_cooperative_only_among_its_fields(self):
        member = Member.objects.get(pk=self.renamed[0].pk)
        member.cooperative = self.bystander
        member.save(update_fields=["cooperative"])
        self.assertEqual((name_of(member), Member.objects.get(pk=member.pk).kecamatan_id),
                         ("Koperasi Maju", SANGATTA_UTARA))


@pytest.mark.postgres
class MemberAddedWhileTheCooperativeIsRenamedTests(AddedWhileTheCooperativeMoves, TransactionTestCase):
    """Two connections: a new member and its cooperative's rename, at once (and its move, as every copy)."""

    reads = (people, "cooperative_facts")

    def setUp(self):
        self.moving = make_cooperative(name="Koperasi Lama", kecamatan=SANGATTA_UTARA)
        self.there = people.Desa.objects.filter(kecamatan_id=SANGATTA_SELATAN).first()

    def add(self):
        return make_member(self.moving, name="Anggota Baru")

    def rename(self):
        cooperative = remember_loaded(Cooperative.objects.get(pk=self.moving.pk))
        cooperative.name = "Koperasi Baru"
        return save_versioned(instance=cooperative, expected_version=cooperative.version)

    def assert_rewritten(self, member):
        self.assertEqual(Member.objects.values_list("kecamatan_id", flat=True).get(pk=member.pk), SANGATTA_SELATAN)
        self.assertEqual(misnamed(), [])

    def assert_renamed(self, member):
        self.assertEqual(name_of(member), "Koperasi Baru")
        self.assertEqual(misnamed(), [])

    def test_a_member_reading_the_cooperative_first_makes_the_rename_wait_and_is_rewritten(self):
        adder = Worker("add", self.add_in_a_transaction)
        self.race(first=adder, then=Worker("rename", self.rename), held_after=self.reads)
        self.assert_renamed(adder.result)

    def test_a_rename_holding_the_cooperative_makes_the_new_member_wait_and_read_the_new_name(self):
        adder = Worker("add", self.add_in_a_transaction)
        self.race(first=Worker("rename", self.rename), then=adder,
                  held_after=(versioning, "name_copies_follow_cooperatives"))
        self.assert_renamed(adder.result)
