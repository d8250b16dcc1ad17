"""The findings' copy of their cooperative's kecamatan (`Finding.kecamatan`) after every write path,
and the list reading it.

New findings (the entry page, the admin, a plain create, the demo seed and its scale mode), a
finding moved to another cooperative (a save, the admin, a history revert), a cooperative moved to
a desa of another kecamatan (its form, the import and its undo, a history revert) and a desa moved
to another kecamatan (the admin): after each, every finding holds the kecamatan its cooperative's
desa is in. The list filtered by kecamatan, and a kecamatan-limited Petugas's, show and count the
same rows (and overdue ones) as through the cooperatives. On PostgreSQL, a finding added while its
cooperative moves ends with the new kecamatan, whichever transaction locks first, and a limited
Petugas's counts read no cooperative.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.demo import partnerships as demo_partnerships
from registry.models import Finding, people
from registry.services.history import history_revert
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_cooperative,
    make_finding,
    make_user,
)
from tests.moves import CooperativeMovesTests
from tests.races import AddedWhileTheCooperativeMoves
from tests.test_admin import form_data

ENTRY = {
    "found_on": "2025-01-10", "kind": "administrasi", "risk": "sedang", "description": "Buku kas tidak mutakhir",
    "recommendation": "", "due_date": "2025-03-10", "follow_up_status": "belum", "followed_up_on": "",
    "follow_up_notes": "", "version": 1,
}


def misplaced():
    """Findings whose kecamatan is not their cooperative's (none, always)."""
    return list(Finding.objects.exclude(kecamatan=F("cooperative__desa__kecamatan")).values_list("pk", flat=True))


def kecamatan_of(finding):
    return Finding.objects.values_list("kecamatan_id", flat=True).get(pk=finding.pk)


class WritesTests(TestCase):
    """New findings, and one moved to another cooperative."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)
        cls.south = make_cooperative(kecamatan=SANGATTA_SELATAN, name="Koperasi Selatan")
        cls.far = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Jauh")

    def test_the_entry_page_sets_it_from_the_cooperative(self):
        self.client.force_login(self.petugas)
        response = self.client.post(f"/koperasi/{self.south.pk}/temuan/tambah/", ENTRY)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(kecamatan_of(Finding.objects.get(cooperative=self.south)), SANGATTA_SELATAN)

    def test_the_admin_sets_it_and_follows_a_change_of_cooperative(self):
        self.client.force_login(self.admin)
        response = self.client.post(reverse("admin:registry_finding_add"), {**ENTRY, "cooperative": self.south.pk})
        self.assertEqual(response.status_code, 302, response.content[:3000])
        finding = Finding.objects.get(cooperative=self.south)
        self.assertEqual(kecamatan_of(finding), SANGATTA_SELATAN)
        url = reverse("admin:registry_finding_change", args=[finding.pk])
        data = {**form_data(self.client.get(url)), "cooperative": self.far.pk}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(kecamatan_of(finding), MUARA_WAHAU)

    def test_a_given_kecamatan_is_overwritten_by_the_cooperatives(self):
        finding = make_finding(self.south, kecamatan_id=MUARA_WAHAU)
        self.assertEqual(kecamatan_of(finding), SANGATTA_SELATAN)

    def test_a_plain_save_moved_to_another_cooperative(self):
        finding = Finding.objects.get(pk=make_finding(self.south).pk)
        finding.cooperative = self.far
        finding.save()
        self.assertEqual(kecamatan_of(finding), MUARA_WAHAU)
        finding.cooperative = self.south
        finding.save(update_fields=["cooperative"])
        self.assertEqual(kecamatan_of(finding), SANGATTA_SELATAN)

    def test_a_history_revert_to_the_first_cooperative(self):
        finding = make_finding(self.south)
        moved = Finding.objects.get(pk=finding.pk)
        moved.cooperative = self.far
        moved.save()
        self.assertEqual(kecamatan_of(finding), MUARA_WAHAU)
        change = Finding.history.filter(id=finding.pk).order_by("-history_id").first()
        history_revert(record=change, instance=Finding.objects.get(pk=finding.pk), user=self.admin)
        self.assertEqual(Finding.objects.get(pk=finding.pk).cooperative_id, self.south.pk)
        self.assertEqual(kecamatan_of(finding), SANGATTA_SELATAN)
        self.assertEqual(misplaced(), [])

    def test_the_demo_seed_sets_it(self):
        demo_partnerships.seed_partnerships(today=datetime.date(2026, 11, 27))
        self.assertEqual(Finding.objects.count(), 2)
        self.assertEqual(misplaced(), [])

    def test_the_scale_seed_sets_it(self):
        # Blocks of two cooperatives: the first block is the demo's (not written here), the others
        # are scale mode's, written with bulk_create.
        for code in (SANGATTA_UTARA, MUARA_WAHAU, SANGATTA_SELATAN, MUARA_WAHAU):
            make_cooperative(kecamatan=code)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(demo_partnerships, "DEMO_BLOCK", 2)
            seeded = demo_partnerships.seed_partnerships_at_scale(today=datetime.date(2026, 11, 27))
        self.assertGreater(seeded.findings, 0)
        self.assertEqual(Finding.objects.count(), seeded.findings)
        self.assertEqual(misplaced(), [])

    def test_a_bulk_insert_without_it_fails_loudly(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Finding.objects.bulk_create([Finding(cooperative=self.south, found_on=datetime.date(2025, 1, 10),
                                                 description="Tanpa kecamatan", due_date=datetime.date(2025, 3, 10))])

    def test_the_history_does_not_hold_it(self):
        finding = make_finding(self.south)
        self.assertFalse(hasattr(finding.history.first(), "kecamatan_id"))


class MovesTests(CooperativeMovesTests, TestCase):
    """A cooperative (or its desa) moved to another kecamatan: its findings follow, others stay."""

    kecamatan_of = staticmethod(kecamatan_of)
    misplaced = staticmethod(misplaced)

    def make_rows(self, cooperative):
        return [make_finding(cooperative), make_finding(cooperative, kind="sanksi")]

    def make_bystander_row(self, cooperative):
        return make_finding(cooperative)

    def test_the_area_rule_and_the_filter_follow_the_move(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_SELATAN])
        self.assertFalse(Finding.objects.for_user(limited).exists())
        self.move_with_the_form(self.there)
        self.assertEqual(set(Finding.objects.for_user(limited)), set(self.moving))
        self.client.force_login(self.admin)
        response = self.client.get(f"/temuan/?kecamatan={SANGATTA_SELATAN}")
        self.assertEqual({f.pk for f in response.context["object_list"]}, {f.pk for f in self.moving})


class ListTests(TestCase):
    """The list filtered by kecamatan, and a limited Petugas's: the same rows, count and overdue count
    as through the cooperatives."""

    @classmethod
    def setUpTestData(cls):
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA, MUARA_WAHAU])
        today = timezone.localdate()
        late = {"found_on": today - datetime.timedelta(days=90), "due_date": today - datetime.timedelta(days=1)}
        for n, code in enumerate((SANGATTA_UTARA, SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU)):
            cooperative = make_cooperative(kecamatan=code, name=f"Koperasi {n}")
            make_finding(cooperative, **late)
            make_finding(cooperative, description="Simpanan wajib tidak dicatat", follow_up_status="selesai",
                         followed_up_on=datetime.date(2025, 2, 1))
            if n % 2:
                make_finding(cooperative, **late, follow_up_status="proses")

    def through_cooperatives(self, codes):
        return Finding.objects.filter(cooperative__desa__kecamatan__in=codes)

    def page(self, query, user):
        self.client.force_login(user)
        response = self.client.get("/temuan/" + query)
        self.assertEqual(response.status_code, 200)
        return response.context

    def assert_same(self, context, expected):
        today = timezone.localdate()
        self.assertEqual({f.pk for f in context["object_list"]}, {f.pk for f in expected})
        self.assertEqual(context["paginator"].count, expected.count())
        self.assertEqual(context["overdue_count"], expected.overdue(today).count())
        self.assertGreater(expected.overdue(today).count(), 0)

    def test_a_kecamatan(self):
        for code in (SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU):
            context = self.page(f"?kecamatan={code}", self.pimpinan)
            expected = self.through_cooperatives([code])
            self.assertEqual({f.pk for f in context["object_list"]}, {f.pk for f in expected})
            self.assertEqual(context["paginator"].count, expected.count())

    def test_a_limited_petugas(self):
        codes = [SANGATTA_UTARA, MUARA_WAHAU]
        self.assert_same(self.page("", self.limited), self.through_cooperatives(codes))
        self.assertEqual(self.page("?lewat_batas=true", self.limited)["paginator"].count,
                         self.through_cooperatives(codes).overdue().count())
        context = self.page(f"?kecamatan={MUARA_WAHAU}", self.limited)
        self.assertEqual({f.pk for f in context["object_list"]},
                         {f.pk for f in self.through_cooperatives([MUARA_WAHAU])})
        # A kecamatan outside the area: nothing, not the other kecamatan's rows.
        context = self.page(f"?kecamatan={SANGATTA_SELATAN}", self.limited)
        self.assertEqual(list(context["object_list"]), [])

    def test_the_rows_name_the_kecamatan(self):
        self.client.force_login(self.limited)
        response = self.client.get(f"/temuan/?kecamatan={MUARA_WAHAU}")
        self.assertContains(response, 'Koperasi 3</a><br><span class="hint">Muara Wahau</span>', count=3)


@pytest.mark.postgres
class FindingAddedWhileItsCooperativeMovesTests(AddedWhileTheCooperativeMoves, TransactionTestCase):
    """Two connections: a new finding and its cooperative's move to another kecamatan, at once."""

    reads = (people, "cooperative_facts")  # where KeepsCooperativeKecamatan.save reads the kecamatan

    def setUp(self):
        self.moving = make_cooperative(kecamatan=SANGATTA_UTARA)
        self.there = first_desa(SANGATTA_SELATAN)

    def add(self):
        return make_finding(self.moving)

    def assert_rewritten(self, finding):
        self.assertEqual(kecamatan_of(finding), SANGATTA_SELATAN)
        self.assertEqual(misplaced(), [])


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_limited_petugas_counts_from_the_findings_own_kecamatan_without_joining_the_cooperatives(client):
    today = timezone.localdate()
    late = {"found_on": today - datetime.timedelta(days=90), "due_date": today - datetime.timedelta(days=1)}
    # More than a page (50) in the area, so that the list counts with a COUNT statement.
    cooperative = make_cooperative(kecamatan=SANGATTA_UTARA)
    Finding.objects.bulk_create([
        Finding(cooperative=cooperative, kecamatan_id=SANGATTA_UTARA, description=f"Temuan {n}", **late)
        for n in range(60)
    ])
    # Elsewhere, many more.
    elsewhere = make_cooperative(kecamatan=MUARA_WAHAU)
    Finding.objects.bulk_create([
        Finding(cooperative=elsewhere, kecamatan_id=MUARA_WAHAU, description=f"Temuan {n}", **late)
        for n in range(300)
    ])
    # A limited Petugas's list: its bounded count and its overdue count; the district's list filtered
    # by the kecamatan: its bounded count (the overdue count beside it is the user's whole area's).
    for user, path, filtered in ((make_user("Petugas", kecamatan=[SANGATTA_UTARA]), "/temuan/", 2),
                                 (make_user("Petugas"), f"/temuan/?kecamatan={SANGATTA_UTARA}", 1)):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.context["paginator"].count == 60
        assert response.context["overdue_count"] == (60 if filtered == 2 else 360)
        counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(")]
        assert len(counts) == 2, counts  # the list's bounded count and the overdue count
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_finding")
            cursor.execute("SET LOCAL enable_seqscan = off")
            for statement in counts[:filtered]:
                cursor.execute("EXPLAIN " + statement)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                # Which index the planner takes for these few rows is its choice; that the kecamatan
                # is the finding's own column, tested without joining the cooperatives, holds at any size.
                assert "(kecamatan_id)::text = '64.08.04'::text" in plan, plan
                assert "registry_cooperative" not in plan and "registry_desa" not in plan, plan
    # An index that begins with the kecamatan in the list's order, with the follow-up status in it,
    # so that a kecamatan's findings and its overdue ones are counted from one range of it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('finding_kecamatan_due_date'::regclass)")
        definition = cursor.fetchone()[0]
    assert "(kecamatan_id, due_date, id) INCLUDE (follow_up_status)" in definition, definition
