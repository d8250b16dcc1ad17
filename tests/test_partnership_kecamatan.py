"""Both sides' kecamatan copied onto the partnership (`Partnership.kecamatan`, `partner_kecamatan`)
after every write path, and the area rule reading them.

New partnerships (the form, the admin, a proposal from a suggestion), a side changed (the form, the
admin, a history revert), a cooperative moved to a desa of another kecamatan (its form, the admin,
the import and its undo, a history revert) and a desa moved to another kecamatan (the admin): after
each, every partnership holds its cooperatives' kecamatan, NULL for an outside party. On
PostgreSQL, a partnership added while one of its cooperatives moves ends with the new kecamatan,
whichever transaction locks first, and an area's count reads the two indexes without joining the
cooperatives. The demo seed: tests/test_seed_demo.py.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Kecamatan, Partnership, partnerships
from registry.services.history import history_revert
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_cooperative,
    make_outside_party,
    make_partnership,
    make_user,
)
from tests.moves import CooperativeMovesTests
from tests.races import AddedWhileTheCooperativeMoves
from tests.test_admin import form_data

KENDARAAN = "64.08.01"


def misplaced():
    """Partnerships whose copies are not their cooperatives' kecamatan (none, always)."""
    wrong = Partnership.objects.exclude(kecamatan=F("cooperative__desa__kecamatan")) | Partnership.objects.filter(
        Q(partner_cooperative__isnull=True, partner_kecamatan__isnull=False)
        | Q(partner_cooperative__isnull=False, partner_kecamatan__isnull=True)
        | (Q(partner_cooperative__isnull=False) & ~Q(partner_kecamatan=F("partner_cooperative__desa__kecamatan")))
    )
    return list(wrong.values_list("pk", flat=True))


def sides_of(partnership):
    return Partnership.objects.values_list("kecamatan_id", "partner_kecamatan_id").get(pk=partnership.pk)


def edit_data(partnership, **changes):
    data = {
        "cooperative": partnership.cooperative_id, "partner_cooperative": partnership.partner_cooperative_id or "",
        "outside_party": partnership.outside_party_id or "", "kind": partnership.kind, "status": partnership.status,
        "start_date": "2024-01-01", "version": partnership.version,
    }
    data.update(changes)
    return data


class WritesTests(TestCase):
    """New partnerships and a side changed."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)
        cls.north = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Utara")
        cls.south = make_cooperative(kecamatan=SANGATTA_SELATAN, name="Koperasi Selatan")
        cls.far = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Jauh")
        cls.party = make_outside_party()

    def test_a_plain_create_sets_both_sides(self):
        between = make_partnership(self.north, partner=self.south)
        outside = make_partnership(self.far, outside_party=self.party)
        self.assertEqual(sides_of(between), (SANGATTA_UTARA, SANGATTA_SELATAN))
        self.assertEqual(sides_of(outside), (MUARA_WAHAU, None))

    def test_the_form_sets_both_sides(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/kemitraan/tambah/", {
            "cooperative": self.north.pk, "partner_cooperative": self.far.pk, "kind": "antar_koperasi",
            "status": "aktif", "start_date": "2024-01-01", "version": 1,
        })
        self.assertEqual(response.status_code, 302)
        self.assertEqual(sides_of(Partnership.objects.get()), (SANGATTA_UTARA, MUARA_WAHAU))

    def test_the_admin_sets_both_sides(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("admin:registry_partnership_add"), {
            "cooperative": self.south.pk, "partner_cooperative": self.north.pk, "kind": "antar_koperasi",
            "status": "aktif", "start_date": "2024-01-01", "version": 1,
        })
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(sides_of(Partnership.objects.get()), (SANGATTA_SELATAN, SANGATTA_UTARA))

    def test_a_proposal_from_a_suggestion_sets_both_sides(self):
        self.client.force_login(self.petugas)
        self.client.post(f"/koperasi/{self.north.pk}/saran-mitra/{self.south.pk}/usulkan/")
        self.assertEqual(sides_of(Partnership.objects.get()), (SANGATTA_UTARA, SANGATTA_SELATAN))

    def test_the_form_changing_either_side_rewrites_it(self):
        partnership = make_partnership(self.north, partner=self.south)
        self.client.force_login(self.petugas)
        url = f"/kemitraan/{partnership.pk}/ubah/"
        self.assertEqual(self.client.post(url, edit_data(partnership, partner_cooperative=self.far.pk)).status_code,
                         302)
        self.assertEqual(sides_of(partnership), (SANGATTA_UTARA, MUARA_WAHAU))
        partnership.refresh_from_db()
        self.assertEqual(self.client.post(url, edit_data(partnership, cooperative=self.south.pk)).status_code, 302)
        self.assertEqual(sides_of(partnership), (SANGATTA_SELATAN, MUARA_WAHAU))
        partnership.refresh_from_db()
        data = edit_data(partnership, partner_cooperative="", outside_party=self.party.pk, kind="plasma_inti")
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(sides_of(partnership), (SANGATTA_SELATAN, None))
        self.assertEqual(misplaced(), [])

    def test_the_admin_changing_a_side_and_a_history_revert(self):
        partnership = make_partnership(self.north, partner=self.south)
        self.client.force_login(self.admin)
        url = reverse("admin:registry_partnership_change", args=[partnership.pk])
        data = {**form_data(self.client.get(url)), "partner_cooperative": self.far.pk}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(sides_of(partnership), (SANGATTA_UTARA, MUARA_WAHAU))
        change = Partnership.history.filter(id=partnership.pk).order_by("-history_id").first()
        history_revert(record=change, instance=Partnership.objects.get(pk=partnership.pk), user=self.admin)
        self.assertEqual(sides_of(partnership), (SANGATTA_UTARA, SANGATTA_SELATAN))
        self.assertEqual(misplaced(), [])

    def test_a_plain_save_of_a_changed_side(self):
        partnership = Partnership.objects.get(pk=make_partnership(self.north, partner=self.south).pk)
        partnership.partner_cooperative = self.far
        partnership.save()
        self.assertEqual(sides_of(partnership), (SANGATTA_UTARA, MUARA_WAHAU))

    def test_a_given_kecamatan_is_overwritten_by_the_cooperatives(self):
        partnership = Partnership(cooperative=self.north, outside_party=self.party, kind="plasma_inti",
                                  kecamatan_id=MUARA_WAHAU, partner_kecamatan_id=MUARA_WAHAU)
        partnership.save()
        self.assertEqual(sides_of(partnership), (SANGATTA_UTARA, None))

    def test_a_bulk_insert_without_it_fails_loudly(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Partnership.objects.bulk_create([Partnership(cooperative=self.north, outside_party=self.party,
                                                         kind="plasma_inti")])

    def test_the_history_does_not_hold_them(self):
        partnership = make_partnership(self.north, partner=self.south)
        record = partnership.history.first()
        self.assertFalse(hasattr(record, "kecamatan_id") or hasattr(record, "partner_kecamatan_id"))


class AreaTests(TestCase):
    """The area rule and `?kecamatan=` read the copies: the same partnerships as through the cooperatives."""

    @classmethod
    def setUpTestData(cls):
        cooperatives = [make_cooperative(kecamatan=code) for code in
                        (SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU, KENDARAAN)]
        for a in cooperatives:
            make_partnership(a)
            for b in cooperatives:
                if a != b:
                    make_partnership(a, partner=b, status="diusulkan", start_date=None)

    def test_the_same_rows_as_through_the_cooperatives(self):
        for codes in ([SANGATTA_UTARA], [SANGATTA_SELATAN, MUARA_WAHAU], [KENDARAAN], []):
            through = Partnership.objects.filter(
                Q(cooperative__desa__kecamatan__in=codes) | Q(partner_cooperative__desa__kecamatan__in=codes))
            self.assertEqual(set(Partnership.objects.in_kecamatan(codes)), set(through), codes)
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.assertEqual(Partnership.objects.for_user(limited).count(), 1 + 3 + 3)


class BusiestKecamatanTests(TestCase):
    """Where the network page opens (`busiest_kecamatan`), read from the copies: the same kecamatan as
    counted through the cooperatives' desa, each active partnership for its own cooperative's side."""

    @classmethod
    def setUpTestData(cls):
        utara = [make_cooperative(kecamatan=SANGATTA_UTARA) for _ in range(2)]
        wahau = make_cooperative(kecamatan=MUARA_WAHAU)
        ancalong = make_cooperative(kecamatan=KENDARAAN)
        make_cooperative(kecamatan=SANGATTA_SELATAN)  # no partnership
        # Active, by the own side: Muara Wahau 3, Muara Ancalong 2, Sangatta Utara 1. By both sides
        # Sangatta Utara would lead with 4, by the partner's side with 3, and with its ended ones too.
        for partner in (*utara, ancalong):
            make_partnership(wahau, partner=partner)
        make_partnership(ancalong, partner=utara[0])
        make_partnership(ancalong)
        make_partnership(utara[0])
        for status in ("selesai", "selesai", "dihentikan"):
            make_partnership(utara[1], status=status)

    @staticmethod
    def through_the_cooperatives(*, user, choices):
        """The grouping before the copies: by the own cooperative's desa's kecamatan."""
        codes = [k.code for k in choices]
        counts = dict(
            Partnership.objects.for_user(user).filter(status="aktif", cooperative__desa__kecamatan__in=codes)
            .order_by().values("cooperative__desa__kecamatan").annotate(n=Count("id"))
            .values_list("cooperative__desa__kecamatan", "n")
        )
        if not counts:
            return choices[0] if choices else None
        best = max(codes, key=lambda code: (counts.get(code, 0), -codes.index(code)))
        return next(k for k in choices if k.code == best)

    def test_the_same_kecamatan_as_through_the_cooperatives(self):
        from registry.selectors.partnerships import busiest_kecamatan

        users = [make_user("Pimpinan"), *(make_user("Petugas", kecamatan=codes) for codes in
                                         ([SANGATTA_UTARA], [SANGATTA_UTARA, KENDARAAN], [SANGATTA_SELATAN]))]
        expected = [MUARA_WAHAU, SANGATTA_UTARA, KENDARAAN, SANGATTA_SELATAN]
        for user, busiest in zip(users, expected, strict=True):
            choices = list(Kecamatan.objects.for_user(user).order_by("name"))
            for chosen in (choices, [k for k in choices if k.code != MUARA_WAHAU], choices[::-1], []):
                with self.subTest(user=user.username, choices=[k.code for k in chosen]):
                    self.assertEqual(busiest_kecamatan(user=user, choices=chosen),
                                     self.through_the_cooperatives(user=user, choices=chosen))
            self.assertEqual(busiest_kecamatan(user=user, choices=choices).code, busiest)

    def test_one_query_without_the_cooperatives(self):
        from registry.selectors.partnerships import busiest_kecamatan

        user = make_user("Pimpinan")
        choices = list(Kecamatan.objects.order_by("name"))
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(busiest_kecamatan(user=user, choices=choices).code, MUARA_WAHAU)
        # The other statement reads the user's kecamatan, for the area rule.
        (statement,) = [q["sql"] for q in captured.captured_queries if "registry_partnership" in q["sql"]]
        self.assertNotIn("registry_cooperative", statement)
        self.assertNotIn("registry_desa", statement)


class MovesTests(CooperativeMovesTests, TestCase):
    """A cooperative (or its desa) moved to another kecamatan: the partnerships on both its sides follow."""

    # Both sides of a partnership hold a copy: the shared tests run on four partnerships (the moving
    # cooperative on either side, with an outside partner, and one it is not in), checked by
    # `assert_moved` below instead of the one-sided rows of the mixin.

    def setUp(self):
        self.cooperative = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408040000001")
        self.other = make_cooperative(kecamatan=MUARA_WAHAU)
        self.own = make_partnership(self.cooperative, partner=self.other)
        self.as_partner = make_partnership(self.other, partner=self.cooperative)
        self.outside = make_partnership(self.cooperative)
        self.bystander = make_partnership(self.other)

    def assert_moved(self, kecamatan=SANGATTA_SELATAN):
        self.assertEqual(sides_of(self.own), (kecamatan, MUARA_WAHAU))
        self.assertEqual(sides_of(self.as_partner), (MUARA_WAHAU, kecamatan))
        self.assertEqual(sides_of(self.outside), (kecamatan, None))
        self.assertEqual(sides_of(self.bystander), (MUARA_WAHAU, None))
        self.assertEqual(misplaced(), [])

    def assert_moved_with_the_desa(self, desa):
        # The other cooperative is in Muara Wahau: only the moving cooperative's sides follow its desa.
        self.assert_moved()

    def test_the_area_rule_follows_the_move(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_SELATAN])
        self.assertFalse(Partnership.objects.for_user(limited).exists())
        self.move_with_the_form(self.there)
        self.assertEqual(set(Partnership.objects.for_user(limited)), {self.own, self.as_partner, self.outside})


@pytest.mark.postgres
class PartnershipAddedWhileACooperativeMovesTests(AddedWhileTheCooperativeMoves, TransactionTestCase):
    """Two connections: a new partnership and its partner cooperative's move to another kecamatan, at once."""

    reads = (partnerships, "cooperative_kecamatans")

    def setUp(self):
        self.cooperative = make_cooperative(kecamatan=MUARA_WAHAU)
        self.moving = make_cooperative(kecamatan=SANGATTA_UTARA)
        self.there = first_desa(SANGATTA_SELATAN)

    def add(self):
        return make_partnership(self.cooperative, partner=self.moving)

    def assert_rewritten(self, partnership):
        self.assertEqual(sides_of(partnership), (MUARA_WAHAU, SANGATTA_SELATAN))
        self.assertEqual(misplaced(), [])


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_areas_active_count_reads_the_two_indexes_without_joining_the_cooperatives():
    from registry.selectors.dashboard import active_partnership_count

    cooperatives = [make_cooperative(kecamatan=code) for code in (SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU)]
    for a in cooperatives:
        make_partnership(a)
        for b in cooperatives:
            if a != b:
                make_partnership(a, partner=b)
    # Elsewhere, many more (written in bulk, with their copies): the kecamatan's few are worth an index.
    elsewhere = [make_cooperative(kecamatan=KENDARAAN) for _ in range(2)]
    Partnership.objects.bulk_create([
        Partnership(cooperative=elsewhere[n % 2], kecamatan_id=KENDARAAN, partner_cooperative=elsewhere[1 - n % 2],
                    partner_kecamatan_id=KENDARAAN, kind="antar_koperasi", status="aktif")
        for n in range(2000)
    ])
    for user, codes, chosen in ((make_user("Petugas"), [SANGATTA_UTARA], True),
                                (make_user("Petugas", kecamatan=[SANGATTA_UTARA]), [SANGATTA_UTARA], False)):
        with CaptureQueriesContext(connection) as captured:
            assert active_partnership_count(user=user, codes=codes, chosen=chosen, refresh={"partnerships": 1}) == 5
        (statement,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_partnership")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "BitmapOr" in plan, plan
        assert "Index Cond: (((kecamatan_id)::text = '64.08.04'::text) AND" in plan, plan
        assert "Index Cond: (((partner_kecamatan_id)::text = '64.08.04'::text) AND" in plan, plan
        assert "partnership_kecamatan_status" in plan and "partnership_partner_kec_status" in plan, plan
        assert "registry_cooperative" not in plan and "registry_desa" not in plan, plan
