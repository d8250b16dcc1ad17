"""Every change kept with user, time and reason; shown as differences; one change reverted by Admin Dinas."""

from django.test import TestCase

from registry.models import Cooperative
from tests.builders import make_board_member, make_cooperative, make_member, make_report, make_user


class HistoryAndRevertTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")
        cls.petugas = make_user("Petugas", first_name="Rahmat")

    def setUp(self):
        self.cooperative = make_cooperative(name="Koperasi Asli", phone="0811", legal_entity_date=None)

    def edit(self, user, version, **fields):
        cooperative = Cooperative.objects.get(pk=self.cooperative.pk)
        data = {
            "name": cooperative.name, "phone": cooperative.phone, "certificate_status": "belum", "jenis": "produsen",
            "bentuk": "primer", "membership_area": "kabupaten", "kelompok": "perkebunan", "sector": "perkebunan_sawit",
            "pattern": "konvensional", "desa": cooperative.desa_id, "palm_oil": "on", "version": version,
        }
        data.update(fields)
        self.client.force_login(user)
        response = self.client.post(f"/koperasi/{cooperative.pk}/ubah/", data)
        self.assertEqual(response.status_code, 302)

    def test_every_change_has_user_time_reason_and_readable_difference(self):
        self.edit(self.petugas, 1, name="Koperasi Baru", change_reason="Nama resmi dari akta")
        self.client.force_login(self.petugas)
        entries = self.client.get(f"/koperasi/{self.cooperative.pk}/riwayat/").context["history"]
        latest = entries[0]
        self.assertEqual(latest.record.history_user, self.petugas)
        self.assertEqual(latest.record.history_change_reason, "Nama resmi dari akta")
        self.assertEqual(latest.changes, [{"field": "name", "label": "nama koperasi",
                                           "old": "Koperasi Asli", "new": "Koperasi Baru"}])

    def test_history_covers_reports_and_status(self):
        report = make_report(self.cooperative, 2024, members_male=3)
        report.members_male = 4
        report.version = 2
        report._change_reason = "Koreksi"
        report.save()
        self.client.force_login(self.petugas)
        entries = self.client.get(f"/koperasi/{self.cooperative.pk}/riwayat/").context["history"]
        report_changes = [e for e in entries if e.kind == "laporan" and e.changes]
        self.assertEqual(report_changes[0].changes[0]["old"], "3")
        self.assertEqual(report_changes[0].subject, "Laporan tahun 2024")

    def test_admin_reverts_one_change_after_confirming(self):
        self.edit(self.petugas, 1, name="Koperasi Salah", phone="0899")
        self.edit(self.petugas, 2, email="kop@example.id")
        change = self.cooperative.history.get(version=2)
        url = f"/koperasi/{self.cooperative.pk}/riwayat/koperasi/{change.history_id}/kembalikan/"
        self.client.force_login(self.admin)
        confirm = self.client.get(url)
        self.assertContains(confirm, "Koperasi Salah")
        self.assertContains(confirm, "Koperasi Asli")
        response = self.client.post(url)
        self.assertRedirects(response, f"/koperasi/{self.cooperative.pk}/riwayat/")
        self.cooperative.refresh_from_db()
        # The reverted change's fields come back; the later, unrelated change stays.
        self.assertEqual((self.cooperative.name, self.cooperative.phone, self.cooperative.email),
                         ("Koperasi Asli", "0811", "kop@example.id"))
        self.assertEqual(self.cooperative.version, 4)
        latest = self.cooperative.history.first()
        self.assertEqual(latest.history_change_reason, f"Kembalikan perubahan #{change.history_id}")
        self.assertEqual(latest.history_user, self.admin)

    def test_a_creation_cannot_be_reverted(self):
        created = self.cooperative.history.get(history_type="+")
        self.client.force_login(self.admin)
        url = f"/koperasi/{self.cooperative.pk}/riwayat/koperasi/{created.history_id}/kembalikan/"
        response = self.client.post(url, follow=True)
        self.assertContains(response, "tidak bisa dikembalikan")

    def test_petugas_cannot_revert_and_revert_is_scoped_to_the_cooperative(self):
        self.edit(self.petugas, 1, name="Koperasi Salah")
        change = self.cooperative.history.get(version=2)
        url = f"/koperasi/{self.cooperative.pk}/riwayat/koperasi/{change.history_id}/kembalikan/"
        self.client.force_login(self.petugas)
        self.assertEqual(self.client.post(url).status_code, 403)
        other = make_cooperative()
        self.client.force_login(self.admin)
        self.assertEqual(
            self.client.get(f"/koperasi/{other.pk}/riwayat/koperasi/{change.history_id}/kembalikan/").status_code, 404
        )
        self.assertEqual(
            self.client.get(f"/koperasi/{self.cooperative.pk}/riwayat/rahasia/{change.history_id}/kembalikan/")
            .status_code, 404,
        )
        self.assertContains(self.client.get(f"/koperasi/{self.cooperative.pk}/riwayat/"), "Kembalikan perubahan ini")
        self.client.force_login(self.petugas)
        self.assertNotContains(self.client.get(f"/koperasi/{self.cooperative.pk}/riwayat/"), "Kembalikan perubahan ini")


class HistoryPageTests(TestCase):
    """The change history on a page of its own, linked from the profile: a bounded read whatever the history."""

    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(name="Koperasi Berubah")
        cls.editor = make_user("Petugas", first_name="Rahmat")
        for n in range(55):
            make_member(cls.cooperative, nik=f"64080412039{n:05d}", name=f"Anggota {n:02d}")

    def test_constant_queries_and_the_latest_fifty_of_the_count(self):
        url = f"/koperasi/{self.cooperative.pk}/riwayat/"
        self.client.force_login(make_user("Pimpinan"))
        self.client.get(url)
        make_report(self.cooperative, 2024, members_male=3)
        make_board_member(self.cooperative, "ketua").history.update(history_user=self.editor)
        # 1 session, 2 user with the access token, 3 cooperative with desa, kecamatan and its history count,
        # 4-7 history of cooperative, board, reports, members (each with its user), 8 the full names shared
        # by two accounts (registry_people.person).
        with self.assertNumQueries(8):
            response = self.client.get(url)
        self.assertEqual(len(response.context["history"]), 50)
        self.assertEqual(response.context["cooperative"].history_count, 58)
        self.assertContains(response, "50 perubahan terbaru dari 58, yang terbaru di atas.")
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)
        self.assertContains(response, "<strong>Rahmat</strong>", html=True)

    def test_the_profile_links_the_page_by_id_only(self):
        self.client.force_login(make_user("Petugas"))
        profile = self.client.get(f"/koperasi/{self.cooperative.pk}/")
        self.assertContains(profile, f'href="/koperasi/{self.cooperative.pk}/riwayat/"')
        self.assertContains(profile, "Lihat riwayat perubahan (56)")


class RevertOtherRecordsTests(TestCase):
    def test_revert_a_yearly_report_change(self):
        cooperative = make_cooperative()
        report = make_report(cooperative, 2024, members_male=10)
        petugas = make_user("Petugas")
        self.client.force_login(petugas)
        data = {"year": 2024, "members_male": 99, "members_female": 0, "employees": 0, "managers": 0,
                "modal_sendiri": 0, "modal_luar": 0, "total_assets": 0, "business_volume": 0, "revenue": 0,
                "expenses": 0, "shu": 0, "cash": 0, "financial_report": "tidak_ada", "version": 1,
                "rat_quorum": "unknown"}
        self.client.post(f"/koperasi/{cooperative.pk}/laporan/{report.pk}/ubah/", data)
        change = report.history.get(version=2)
        self.client.force_login(make_user("Admin Dinas"))
        url = f"/koperasi/{cooperative.pk}/riwayat/laporan/{change.history_id}/kembalikan/"
        self.assertContains(self.client.get(url), "99")
        self.client.post(url)
        report.refresh_from_db()
        self.assertEqual((report.members_male, report.version), (10, 3))
        # The same change through another cooperative's URL is not found.
        other = make_cooperative()
        self.assertEqual(
            self.client.post(f"/koperasi/{other.pk}/riwayat/laporan/{change.history_id}/kembalikan/").status_code, 404
        )
