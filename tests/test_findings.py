"""Supervisory findings: the list and its filters, overdue follow-ups, edits with their history, constraints.

Who may open which page: tests/access.py.
"""

import datetime

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from registry.models import Finding
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
    make_cooperative,
    make_finding,
    make_user,
)


class FindingListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Verifikator")
        today = timezone.localdate()
        cls.overdue = make_finding(make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Lalai"),
                                   found_on=today - datetime.timedelta(days=90),
                                   due_date=today - datetime.timedelta(days=1),
                                   risk="tinggi", kind="pelanggaran")
        cls.done = make_finding(make_cooperative(kecamatan=MUARA_WAHAU), description="Simpanan wajib tidak dicatat",
                                follow_up_status="selesai", followed_up_on=datetime.date(2025, 2, 1), risk="rendah")
        cls.open = make_finding(make_cooperative(kecamatan=MUARA_WAHAU), found_on=today,
                                due_date=today + datetime.timedelta(days=30), follow_up_status="proses")

    def ids(self, query):
        self.client.force_login(self.user)
        return {f.pk for f in self.client.get("/temuan/" + query).context["object_list"]}

    def test_search(self):
        self.assertEqual(self.ids("?q=simpanan"), {self.done.pk})
        self.assertEqual(self.ids("?q=lalai"), {self.overdue.pk})

    def test_kecamatan(self):
        self.assertEqual(self.ids(f"?kecamatan={MUARA_WAHAU}"), {self.done.pk, self.open.pk})
        self.client.force_login(self.user)
        response = self.client.get(f"/temuan/?kecamatan={MUARA_WAHAU}")
        self.assertContains(response, f'{self.done.cooperative.name}</a><br><span class="hint">Muara Wahau</span>')

    def test_kind(self):
        self.assertEqual(self.ids("?jenis=pelanggaran"), {self.overdue.pk})

    def test_risk(self):
        self.assertEqual(self.ids("?risiko=rendah"), {self.done.pk})

    def test_follow_up_status(self):
        self.assertEqual(self.ids("?status=proses"), {self.open.pk})

    def test_overdue(self):
        self.assertEqual(self.ids("?lewat_batas=true"), {self.overdue.pk})
        self.assertEqual(self.ids("?lewat_batas=false"), {self.done.pk, self.open.pk})
        self.assertEqual(list(Finding.objects.overdue()), [self.overdue])

    def test_overdue_flagged(self):
        self.client.force_login(self.user)
        response = self.client.get("/temuan/")
        self.assertContains(response, "lewat batas</span>", count=1)
        self.assertContains(response, "1 lewat batas waktu</a>")

    def test_constant_queries(self):
        for _ in range(10):
            make_finding(make_cooperative(kecamatan=SANGATTA_UTARA))
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        self.client.get("/temuan/")
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 the page of findings
        # with the cooperative's and kecamatan's names (a list that fits on its page is counted by its rows, without a
        # COUNT query (tests/test_first_page.py)), 4 overdue count; the kecamatan choices from the cache.
        with self.assertNumQueries(4):
            response = self.client.get("/temuan/")
        self.assertEqual(len(response.context["object_list"]), 11)


class FindingEditTests(TestCase):
    def test_edits_are_shown_with_who_and_why(self):
        petugas = make_user("Petugas", first_name="Rudi")
        finding = make_finding(make_cooperative())
        self.client.force_login(petugas)
        url = f"/koperasi/{finding.cooperative_id}/temuan/{finding.pk}/ubah/"
        response = self.client.post(url, {
            "found_on": "2025-01-10", "kind": "administrasi", "risk": "sedang", "description": finding.description,
            "due_date": "2025-03-10", "follow_up_status": "selesai", "followed_up_on": "2025-03-01",
            "version": 1, "change_reason": "Buku kas sudah dimutakhirkan",
        })
        self.assertEqual(response.status_code, 302)
        response = self.client.get(url)
        self.assertContains(response, "Buku kas sudah dimutakhirkan")
        self.assertContains(response, "Status tindak lanjut: <del>Belum ditindaklanjuti</del> → <ins>Selesai</ins>")
        self.assertContains(response, "<strong>Rudi</strong>", html=True)

    def test_done_without_a_date_is_refused(self):
        finding = make_finding(make_cooperative())
        self.client.force_login(make_user("Petugas"))
        response = self.client.post(f"/koperasi/{finding.cooperative_id}/temuan/{finding.pk}/ubah/", {
            "found_on": "2025-01-10", "kind": "administrasi", "risk": "sedang", "description": "x",
            "due_date": "2025-03-10", "follow_up_status": "selesai", "version": 1,
        })
        self.assertContains(response, "Tindak lanjut selesai harus bertanggal.")


class FindingConstraintTests(TestCase):
    def test_finding_done_needs_a_date(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_finding(make_cooperative(), follow_up_status="selesai")
