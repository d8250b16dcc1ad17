"""The members' copy of their cooperative's kecamatan (`Member.kecamatan`) after every write path.

New members (the form, the admin, the import), a member moved to another cooperative (the admin,
a history revert), a cooperative moved to a desa of another kecamatan (its form, the admin, the
import and its undo, a history revert) and a desa moved to another kecamatan (the admin): after
each, every member holds the kecamatan its cooperative's desa is in. On PostgreSQL, a member
added while its cooperative moves ends with the new kecamatan, whichever transaction locks first.
"""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import TestCase, TransactionTestCase
from django.urls import reverse

from registry.models import Cooperative, Desa, Member, people
from registry.services import member_areas
from registry.services.history import history_revert
from registry.spreadsheets.commit import import_batch_undo, import_commit
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_cooperative,
    make_member,
    make_user,
)
from tests.races import AddedWhileTheCooperativeMoves
from tests.test_admin import form_data
from tests.test_imports import MEMBER_HEADERS, csv_bytes, nik
from tests.test_write_path import rendered

COOPERATIVE_HEADERS = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha",
                       "Desa/kelurahan", "Kecamatan"]


def misplaced():
    """Members whose kecamatan is not their cooperative's (none, always)."""
    return list(Member.objects.exclude(kecamatan=F("cooperative__desa__kecamatan")).values_list("name", flat=True))


def kecamatan_of(member):
    return Member.objects.values_list("kecamatan_id", flat=True).get(pk=member.pk)


def cooperative_row(cooperative, desa):
    return [cooperative.name, cooperative.nomor_induk, "Produsen", "Perkebunan/plasma", "perkebunan_sawit",
            desa.name, desa.kecamatan.name]


class NewMemberTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)
        cls.cooperative = make_cooperative(kecamatan=SANGATTA_SELATAN, nomor_induk="6408120000001")

    def test_the_form_sets_it_from_the_cooperative(self):
        self.client.force_login(self.petugas)
        response = self.client.post(f"/koperasi/{self.cooperative.pk}/anggota/tambah/",
                                    {"name": "Budi", "sex": "L", "version": 1, "nik": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Member.objects.get(name="Budi").kecamatan_id, SANGATTA_SELATAN)

    def test_the_admin_sets_it_from_the_cooperative(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("admin:registry_member_add"), {
            "cooperative": self.cooperative.pk, "name": "Siti", "sex": "P", "nik": "", "version": 1,
        })
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Member.objects.get(name="Siti").kecamatan_id, SANGATTA_SELATAN)

    def test_the_import_sets_it_from_each_rows_cooperative(self):
        other = make_cooperative(kecamatan=MUARA_WAHAU, nomor_induk="6408020000002")
        rows = [MEMBER_HEADERS] + [
            [c.nomor_induk, f"Anggota {i}", nik(i + 1), "P", "05/12/1980", "", "", f"A-{i}", "01/02/2015"]
            for i, c in enumerate([self.cooperative, other, self.cooperative])
        ]
        batch = import_commit(kind="anggota", data=csv_bytes(rows), file_name="anggota.csv", user=self.petugas)
        self.assertEqual(batch.rows_created, 3)
        self.assertEqual(dict(Member.objects.values_list("name", "kecamatan_id")),
                         {"Anggota 0": SANGATTA_SELATAN, "Anggota 1": MUARA_WAHAU, "Anggota 2": SANGATTA_SELATAN})

    def test_a_given_kecamatan_is_overwritten_by_the_cooperatives(self):
        member = Member(cooperative=self.cooperative, name="Salah Tempat", kecamatan_id=MUARA_WAHAU)
        member.nik = None
        member.save()
        self.assertEqual(kecamatan_of(member), SANGATTA_SELATAN)

    def test_a_bulk_insert_without_it_fails_loudly(self):
        member = Member(cooperative=self.cooperative, name="Lupa")
        member.nik = None
        with self.assertRaises(IntegrityError), transaction.atomic():
            Member.objects.bulk_create([member])

    def test_the_member_history_does_not_hold_it(self):
        member = make_member(self.cooperative)
        self.assertFalse(hasattr(member.history.first(), "kecamatan_id"))


class MovesTests(TestCase):
    """A cooperative (or a desa, or a member) moved to another kecamatan."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)
        cls.there = first_desa(SANGATTA_SELATAN)

    def setUp(self):
        self.cooperative = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408040000001")
        self.bystander = make_cooperative(kecamatan=SANGATTA_UTARA)
        self.members = [make_member(self.cooperative), make_member(self.cooperative)]
        self.stays = make_member(self.bystander)

    def assert_moved(self, kecamatan=SANGATTA_SELATAN):
        self.assertEqual({kecamatan_of(m) for m in self.members}, {kecamatan})
        self.assertEqual(kecamatan_of(self.stays), SANGATTA_UTARA)
        self.assertEqual(misplaced(), [])

    def move_with_the_form(self, desa):
        self.cooperative.refresh_from_db()
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/ubah/"
        data = {**rendered(self.client.get(url).context["form"]), "kecamatan": desa.kecamatan_id, "desa": desa.code}
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_the_cooperative_form(self):
        self.move_with_the_form(self.there)
        self.assert_moved()

    def test_the_list_names_the_kecamatan_moved_to(self):
        """The list's rows name the kecamatan from the member's copy (selectors.members.with_row_names)."""
        def named():
            rows = self.client.get("/anggota/").context["object_list"]
            return {row.pk: row.kecamatan_name for row in rows}

        self.move_with_the_form(self.there)
        names = named()
        self.assertEqual({names[m.pk] for m in self.members}, {"Sangatta Selatan"})
        self.assertEqual(names[self.stays.pk], "Sangatta Utara")

    def test_a_move_within_the_kecamatan_rewrites_nothing(self):
        other = Desa.objects.filter(kecamatan_id=SANGATTA_UTARA).exclude(pk=self.cooperative.desa_id).first()
        self.cooperative.desa = other
        self.assertEqual(member_areas.area_copies_follow_cooperatives(cooperative_ids=[self.cooperative.pk]), 0)
        self.move_with_the_form(other)
        self.assert_moved(SANGATTA_UTARA)

    def test_the_admin(self):
        self.client.force_login(self.admin)
        url = reverse("admin:registry_cooperative_change", args=[self.cooperative.pk])
        data = {**form_data(self.client.get(url)), "desa": self.there.code}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assert_moved()

    def test_the_import_and_its_undo(self):
        data = csv_bytes([COOPERATIVE_HEADERS, cooperative_row(self.cooperative, self.there)])
        batch = import_commit(kind="koperasi", data=data, file_name="koperasi.csv", user=self.petugas)
        self.assertEqual(batch.rows_updated, 1)
        self.assert_moved()
        import_batch_undo(batch=batch, user=self.admin)
        self.assert_moved(SANGATTA_UTARA)

    def test_the_area_rule_follows_the_move(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_SELATAN])
        self.client.force_login(limited)
        member = self.members[0]
        self.assertEqual(self.client.get(f"/anggota/{member.pk}/").status_code, 404)
        self.move_with_the_form(self.there)
        self.client.force_login(limited)
        self.assertEqual(self.client.get(f"/anggota/{member.pk}/").status_code, 200)
        listed = self.client.get("/anggota/").context["paginator"].count
        self.assertEqual(listed, 2)

    def test_a_history_revert(self):
        self.move_with_the_form(self.there)
        self.assert_moved()
        change = self.cooperative.history.get(version=2)
        history_revert(record=change, instance=Cooperative.objects.get(pk=self.cooperative.pk), user=self.admin)
        self.assert_moved(SANGATTA_UTARA)

    def test_a_desa_moved_to_another_kecamatan_in_the_admin(self):
        desa = self.cooperative.desa
        self.client.force_login(self.admin)
        url = reverse("admin:registry_desa_change", args=[desa.pk])
        data = {**form_data(self.client.get(url)), "kecamatan": SANGATTA_SELATAN}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        # The bystander's cooperative is in the same desa: its member moves too.
        self.assertEqual({kecamatan_of(m) for m in [*self.members, self.stays]}, {SANGATTA_SELATAN})
        self.assertEqual(misplaced(), [])

    def test_a_member_moved_to_another_cooperative_in_the_admin_and_back_by_a_revert(self):
        member = self.members[0]
        far = make_cooperative(kecamatan=MUARA_WAHAU)
        self.client.force_login(self.admin)
        url = reverse("admin:registry_member_change", args=[member.pk])
        data = {**form_data(self.client.get(url)), "cooperative": far.pk}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(kecamatan_of(member), MUARA_WAHAU)
        change = Member.history.filter(id=member.pk).order_by("-history_id").first()
        history_revert(record=change, instance=Member.objects.get(pk=member.pk), user=self.admin)
        self.assertEqual(kecamatan_of(member), SANGATTA_UTARA)
        self.assertEqual(misplaced(), [])

    def test_a_plain_save_of_a_member_moved_to_another_cooperative(self):
        member = Member.objects.get(pk=self.members[0].pk)
        member.cooperative = make_cooperative(kecamatan=MUARA_WAHAU)
        member.save()
        self.assertEqual(kecamatan_of(member), MUARA_WAHAU)


@pytest.mark.postgres
class MemberAddedWhileTheCooperativeMovesTests(AddedWhileTheCooperativeMoves, TransactionTestCase):
    """Two connections: a new member and its cooperative's move to another kecamatan, at once."""

    reads = people

    def setUp(self):
        self.moving = make_cooperative(kecamatan=SANGATTA_UTARA)
        self.there = first_desa(SANGATTA_SELATAN)

    def add(self):
        return make_member(self.moving, name="Anggota Baru")

    def assert_rewritten(self, member):
        self.assertEqual(kecamatan_of(member), SANGATTA_SELATAN)
        self.assertEqual(misplaced(), [])
