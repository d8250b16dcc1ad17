"""Reads compiled to SQL once and run by a cooperative's id (registry/selectors/compiled.py): the same
instances as their queryset, for any id, in one query each."""

import datetime

from django.db.models import Count, Q
from django.test import TestCase

from registry.models import BoardMember, Cooperative, Partnership, StatusChange
from registry.selectors.compiled import CompiledRead
from tests.builders import make_board_member, make_cooperative, make_outside_party, make_partnership, make_user


def fields(instance, names):
    return tuple(getattr(instance, name) for name in names)


class CompiledReadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = make_cooperative(name="Koperasi Satu")
        cls.second = make_cooperative(name="Koperasi Dua")
        make_board_member(cls.first, "ketua", name="Budi", term_start=datetime.date(2024, 1, 1))
        make_board_member(cls.first, "pengawas", name="Ani", term_start=datetime.date(2023, 5, 2))
        make_board_member(cls.second, "sekretaris", name="Citra", term_start=datetime.date(2022, 7, 3))
        make_partnership(cls.first, outside_party=make_outside_party(name="PT Mitra"))
        make_partnership(cls.second, partner=cls.first)
        StatusChange.objects.create(cooperative=cls.first, from_status="aktif", to_status="tidak_aktif",
                                    changed_on=datetime.date(2025, 6, 1), reason="Tidak RAT",
                                    changed_by=make_user("Petugas", first_name="Rahmat"))

    def test_each_id_reads_what_its_queryset_reads(self):
        def board_of(key):
            return BoardMember.objects.filter(cooperative_id=key).order_by("role", "-term_start", "id")

        read = CompiledRead(board_of)
        names = ["id", "name", "role", "term_start", "term_end", "ended_on"]
        for cooperative in (self.first, self.second, self.first):
            with self.subTest(cooperative=cooperative.name), self.assertNumQueries(1):
                rows = read(cooperative.pk)
            self.assertEqual([fields(r, names) for r in rows], [fields(r, names) for r in board_of(cooperative.pk)])
            self.assertTrue(all(isinstance(r.term_start, datetime.date) for r in rows))  # converted, on SQLite too
        self.assertEqual(read(0), [])

    def test_select_related_and_only_as_the_queryset_has_them(self):
        read = CompiledRead(
            lambda key: Partnership.objects.filter(Q(cooperative_id=key) | Q(partner_cooperative_id=key))
            .select_related("cooperative", "partner_cooperative", "outside_party")
            .only("id", "status", "cooperative__name", "partner_cooperative__name", "outside_party__name")
            .order_by("id")
        )
        with self.assertNumQueries(1):
            rows = read(self.first.pk)
            sides = [(p.cooperative.name, p.partner_cooperative and p.partner_cooperative.name,
                      p.outside_party and p.outside_party.name) for p in rows]
        self.assertEqual(sides, [("Koperasi Satu", None, "PT Mitra"), ("Koperasi Dua", "Koperasi Satu", None)])
        self.assertIn("kind", rows[0].get_deferred_fields())  # a field left out stays deferred, as with only()

    def test_the_related_user_of_a_status_step(self):
        read = CompiledRead(lambda key: StatusChange.objects.filter(cooperative_id=key).select_related("changed_by"))
        with self.assertNumQueries(1):
            steps = read(self.first.pk)
            self.assertEqual([(s.to_status, s.changed_by.first_name) for s in steps], [("tidak_aktif", "Rahmat")])

    def test_annotations_and_a_shape_compiled_once_each(self):
        read = CompiledRead(
            lambda key, role: Cooperative.objects.filter(pk=key)
            .annotate(terms=Count("board_members", filter=Q(board_members__role=role)))
        )
        with self.assertNumQueries(1):
            self.assertEqual([c.terms for c in read(self.first.pk, shape=("ketua",))], [1])
        self.assertEqual([c.terms for c in read(self.first.pk, shape=("sekretaris",))], [0])
        self.assertEqual([c.terms for c in read(self.second.pk, shape=("sekretaris",))], [1])
        self.assertEqual(len(read._compiled), 2)

    def test_text_keys_reach_the_statement_as_they_are(self):
        read = CompiledRead(lambda name, pk: Cooperative.objects.filter(name=name).exclude(pk=pk), keys=(str, int))
        self.assertEqual([c.pk for c in read("Koperasi Satu", 0)], [self.first.pk])
        self.assertEqual(read("Koperasi Satu", self.first.pk), [])
        self.assertEqual(read("Koperasi%", 0), [])  # a text, never a pattern

    def test_no_query_for_an_id_no_row_can_have_or_an_empty_queryset(self):
        read = CompiledRead(lambda key, empty: (Cooperative.objects.none() if empty else Cooperative.objects)
                            .filter(pk=key))
        with self.assertNumQueries(0):
            self.assertEqual(read(2**70, shape=(False,)), [])
            self.assertEqual(read(self.first.pk, shape=(True,)), [])
        self.assertEqual([c.pk for c in read(self.first.pk, shape=(False,))], [self.first.pk])

    def test_values_list_tuples_and_no_keys(self):
        read = CompiledRead(lambda key: Cooperative.objects.filter(pk=key).values_list("name", "status"))
        self.assertEqual(read(self.first.pk), [("Koperasi Satu", "aktif")])
        read = CompiledRead(
            lambda: Cooperative.objects.values("status").annotate(n=Count("id")).values_list("status", "n"), keys=()
        )
        with self.assertNumQueries(1):
            self.assertEqual(read(), [("aktif", 2)])

    def test_refuses_a_query_it_cannot_run_by_its_keys(self):
        for build in (
            lambda key: Cooperative.objects.all(),  # no key among the parameters
            lambda key: Cooperative.objects.filter(pk=key, name=key),  # the name's field makes the key a text
            lambda key: Cooperative.objects.filter(pk=key).values("name"),
            lambda key: Cooperative.objects.filter(pk=key).prefetch_related("members"),
        ):
            with self.assertRaises(ValueError):
                CompiledRead(build)(self.first.pk)
        with self.assertRaises(ValueError):  # a LIKE pattern of the key, escaped while compiling
            CompiledRead(lambda name: Cooperative.objects.filter(name__contains=name), keys=(str,))("x")
