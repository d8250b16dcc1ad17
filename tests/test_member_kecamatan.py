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

from registry.models import Desa, Member, people
from registry.services import member_areas
from registry.services.history import history_revert
from registry.spreadsheets.commit import import_commit
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_cooperative,
    make_member,
    make_user,
)
from tests.moves import CooperativeMovesTests
from tests.races import AddedWhileTheCooperativeMoves
from tests.test_admin import form_data
from tests.test_imports import MEMBER_HEADERS, csv_bytes, nik


def misplaced():
    """Members whose kecamatan is not their cooperative's (none, always)."""
    return list(Member.objects.exclude(kecamatan=F("cooperative__desa__kecamatan")).values_list("name", flat=True))


def kecamatan_of(member):
    return Member.objects.values_list("kecamatan_id", flat=True).get(pk=member.pk)


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


class MovesTests(CooperativeMovesTests, TestCase):
    """A cooperative (or a desa, or a member) moved to another kecamatan."""

    kecamatan_of = staticmethod(kecamatan_of)
    misplaced = staticmethod(misplaced)

    def make_rows(self, cooperative):
        return [make_member(cooperative), make_member(cooperative)]

    def make_bystander_row(self, cooperative):
        return make_member(cooperative)

    def assert_moved_with_the_desa(self, desa):
        # The bystander's cooperative is in the same desa (make_cooperative gives a kecamatan's first
        # desa): its member moves too.
        super().assert_moved_with_the_desa(desa)
        self.assertEqual(kecamatan_of(self.stays), SANGATTA_SELATAN)

    def test_the_list_names_the_kecamatan_moved_to(self):
        """The list's rows name the kecamatan from the member's copy (selectors.members.with_row_names)."""
        def named():
            rows = self.client.get("/anggota/").context["object_list"]
            return {row.pk: row.kecamatan_name for row in rows}

        self.move_with_the_form(self.there)
        names = named()
        self.assertEqual({names[m.pk] for m in self.moving}, {"Sangatta Selatan"})
        self.assertEqual(names[self.stays.pk], "Sangatta Utara")

    def test_a_move_within_the_kecamatan_rewrites_nothing(self):
        other = Desa.objects.filter(kecamatan_id=SANGATTA_UTARA).exclude(pk=self.cooperative.desa_id).first()
        self.cooperative.desa = other
        self.assertEqual(member_areas.area_copies_follow_cooperatives(cooperative_ids=[self.cooperative.pk]), 0)
        self.move_with_the_form(other)
        self.assert_moved(SANGATTA_UTARA)

    def test_the_area_rule_follows_the_move(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_SELATAN])
        self.client.force_login(limited)
        member = self.moving[0]
        self.assertEqual(self.client.get(f"/anggota/{member.pk}/").status_code, 404)
        self.move_with_the_form(self.there)
        self.client.force_login(limited)
        self.assertEqual(self.client.get(f"/anggota/{member.pk}/").status_code, 200)
        listed = self.client.get("/anggota/").context["paginator"].count
        self.assertEqual(listed, 2)

    def test_a_member_moved_to_another_cooperative_in_the_admin_and_back_by_a_revert(self):
        member = self.moving[0]
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
        member = Member.objects.get(pk=self.moving[0].pk)
        member.cooperative = make_cooperative(kecamatan=MUARA_WAHAU)
        member.save()
        self.assertEqual(kecamatan_of(member), MUARA_WAHAU)


@pytest.mark.postgres
class MemberAddedWhileTheCooperativeMovesTests(AddedWhileTheCooperativeMoves, TransactionTestCase):
    """Two connections: a new member and its cooperative's move to another kecamatan, at once."""

    reads = (people, "cooperative_facts")

    def setUp(self):
        self.moving = make_cooperative(kecamatan=SANGATTA_UTARA)
        self.there = first_desa(SANGATTA_SELATAN)

    def add(self):
        return make_member(self.moving, name="Anggota Baru")

    def assert_rewritten(self, member):
        self.assertEqual(kecamatan_of(member), SANGATTA_SELATAN)
        self.assertEqual(misplaced(), [])
