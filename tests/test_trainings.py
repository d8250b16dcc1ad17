"""Trainings: whose participants a limited user sees, the list, coverage per kecamatan, adding participants.

Who may open which page: tests/access.py.
"""

import datetime

from django.test import TestCase
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.models import TrainingParticipant
from registry.selectors import partnerships as selectors
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_participant,
    make_training,
    make_user,
)


class TrainingAreaTests(TestCase):
    """A training is the district's; its participants are limited to the area."""

    @classmethod
    def setUpTestData(cls):
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        inside = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Dalam")
        outside = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Luar")
        cls.training = make_training()
        make_participant(cls.training, make_board_member(inside, "ketua", name="Ibu Dalam"))
        make_participant(cls.training, make_board_member(outside, "ketua", name="Bapak Luar"))

    def test_training_participants_limited(self):
        self.client.force_login(self.limited)
        response = self.client.get(f"/pelatihan/{self.training.pk}/")
        self.assertContains(response, "Ibu Dalam")
        self.assertNotContains(response, "Bapak Luar")
        listed = self.client.get("/pelatihan/").context["object_list"]
        self.assertEqual([t.participant_count for t in listed], [1])


class TrainingListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Pimpinan")
        cls.rat = make_training(title="Bimtek RAT Koperasi", topic="rat", kind="bimtek", organiser="Dinas Koperasi")
        cls.digital = make_training(title="Pelatihan Aplikasi Kasir", topic="digital", place="Muara Wahau",
                                    start_date=datetime.date(2024, 2, 1), end_date=datetime.date(2024, 2, 3))
        make_participant(cls.rat, make_board_member(make_cooperative(kecamatan=SANGATTA_UTARA), "ketua"))

    def ids(self, query):
        self.client.force_login(self.user)
        return {t.pk for t in self.client.get("/pelatihan/" + query).context["object_list"]}

    def test_search(self):
        self.assertEqual(self.ids("?q=wahau"), {self.digital.pk})

    def test_kind(self):
        self.assertEqual(self.ids("?bentuk=bimtek"), {self.rat.pk})

    def test_topic(self):
        self.assertEqual(self.ids("?topik=digital"), {self.digital.pk})

    def test_year(self):
        self.assertEqual(self.ids("?tahun=2024"), {self.digital.pk})

    def test_kecamatan_of_participants(self):
        self.assertEqual(self.ids(f"?kecamatan={SANGATTA_UTARA}"), {self.rat.pk})

    def test_participant_count_per_row_with_none_as_zero(self):
        self.client.force_login(self.user)
        listed = self.client.get("/pelatihan/").context["object_list"]
        self.assertEqual({t.pk: t.participant_count for t in listed}, {self.rat.pk: 1, self.digital.pk: 0})

    def test_constant_queries(self):
        for _ in range(10):
            make_participant(make_training(), make_board_member(make_cooperative(), "bendahara"))
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        self.client.get("/pelatihan/")
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 the page of
        # trainings with the participants from the area counted (a list that fits on its page is counted by its rows,
        # without a COUNT query (tests/test_first_page.py)); the kecamatan choices from the cache.
        with self.assertNumQueries(3):
            response = self.client.get("/pelatihan/")
        self.assertEqual(len(response.context["object_list"]), 12)


class CoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Pimpinan")
        today = timezone.localdate()
        days = datetime.timedelta
        recent = make_training(start_date=today - days(200), end_date=today - days(199))
        old = make_training(start_date=today - days(1000), end_date=today - days(999))
        cls.trained = make_cooperative(name="Terlatih", kecamatan=SANGATTA_UTARA)
        make_participant(recent, make_board_member(cls.trained, "ketua"))
        cls.long_ago = make_cooperative(name="Dulu Terlatih", kecamatan=SANGATTA_UTARA)
        make_participant(old, make_board_member(cls.long_ago, "ketua"))
        cls.staff_only = make_cooperative(name="Hanya Staf", kecamatan=SANGATTA_UTARA)
        make_participant(recent, cooperative=cls.staff_only)
        cls.absent = make_cooperative(name="Tidak Hadir", kecamatan=MUARA_WAHAU)
        make_participant(recent, make_board_member(cls.absent, "ketua"), attended=False)
        make_cooperative(name="Tidak Aktif", kecamatan=MUARA_WAHAU, status="tidak_aktif")

    def test_share_per_kecamatan(self):
        rows, _since = selectors.training_coverage(user=self.user)
        by_code = {r["code"]: (r["active"], r["trained"]) for r in rows}
        self.assertEqual(by_code, {SANGATTA_UTARA: (3, 1), MUARA_WAHAU: (1, 0)})

    def test_never_trained(self):
        names = [c.name for c in selectors.never_trained(user=self.user)]
        self.assertEqual(sorted(names), ["Hanya Staf", "Tidak Hadir"])

    def test_never_trained_in_one_kecamatan(self):
        self.client.force_login(self.user)
        response = self.client.get(f"/pelatihan/cakupan/?kecamatan={MUARA_WAHAU}")
        self.assertEqual([c.name for c in response.context["never_trained"]], ["Tidak Hadir"])
        unknown = self.client.get("/pelatihan/cakupan/?kecamatan=64.08.99")
        self.assertEqual(len(unknown.context["never_trained"]), 2)

    def test_page(self):
        self.client.force_login(self.user)
        response = self.client.get("/pelatihan/cakupan/")
        self.assertContains(response, "33,3%")
        self.assertContains(response, "Hanya Staf")
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 coverage per
        # kecamatan, 4 never trained.
        with self.assertNumQueries(4):
            self.client.get("/pelatihan/cakupan/")


class ParticipantTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()
        cls.chair = make_board_member(cls.cooperative, "ketua", name="Ahmad Ketua")
        cls.treasurer = make_board_member(cls.cooperative, "bendahara", name="Siti Bendahara")
        make_board_member(cls.cooperative, "sekretaris", name="Sudah Berhenti", ended_on=datetime.date(2024, 1, 1))
        cls.training = make_training()

    def test_add_board_members_and_staff(self):
        self.client.force_login(self.petugas)
        url = f"/pelatihan/{self.training.pk}/peserta/tambah/"
        form = self.client.get(url, {"koperasi": self.cooperative.pk}).context["form"]
        self.assertEqual({m.name for m in form.fields["board_members"].queryset}, {"Ahmad Ketua", "Siti Bendahara"})
        response = self.client.post(url, {
            "koperasi": self.cooperative.pk, "board_members": [self.chair.pk, self.treasurer.pk],
            "staff": "Rina Kasir; kasir\n\n", "attended": "on",
        })
        self.assertRedirects(response, f"/pelatihan/{self.training.pk}/")
        rows = TrainingParticipant.objects.filter(training=self.training).order_by("name")
        self.assertEqual([(p.name, p.position, p.board_member_id is not None) for p in rows], [
            ("Ahmad Ketua", "Ketua", True), ("Rina Kasir", "kasir", False), ("Siti Bendahara", "Bendahara", True),
        ])
        # Those already recorded are not offered again.
        form = self.client.get(url, {"koperasi": self.cooperative.pk}).context["form"]
        self.assertEqual(list(form.fields["board_members"].queryset), [])

    def test_the_cooperative_is_typed_and_resolved_in_the_area(self):
        self.client.force_login(self.petugas)
        url = f"/pelatihan/{self.training.pk}/peserta/tambah/"
        page = self.client.get(url)
        self.assertContains(page, 'name="pilih_koperasi"')
        self.assertContains(page, "data-suggest-url")
        self.assertNotContains(page, "<select")  # never a list of every cooperative
        response = self.client.get(url, {"pilih_koperasi": f"{self.cooperative.name} (#{self.cooperative.pk})"})
        self.assertRedirects(response, f"{url}?koperasi={self.cooperative.pk}", fetch_redirect_response=False)
        by_name = self.client.get(url, {"pilih_koperasi": self.cooperative.name.upper()})
        self.assertRedirects(by_name, f"{url}?koperasi={self.cooperative.pk}", fetch_redirect_response=False)
        unknown = self.client.get(url, {"pilih_koperasi": "Koperasi Yang Tidak Ada"})
        self.assertEqual(unknown.status_code, 200)
        self.assertContains(unknown, "tidak ditemukan di wilayah Anda")

    def test_a_limited_petugas_cannot_pick_outside_the_area(self):
        outside = make_cooperative(name="Koperasi Luar Wilayah", kecamatan=MUARA_WAHAU)
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        url = f"/pelatihan/{self.training.pk}/peserta/tambah/"
        response = self.client.get(url, {"pilih_koperasi": f"#{outside.pk}"})
        self.assertContains(response, "tidak ditemukan di wilayah Anda")
        self.assertEqual(self.client.get(url, {"koperasi": outside.pk}).status_code, 404)

    def test_nothing_chosen_is_an_error(self):
        self.client.force_login(self.petugas)
        response = self.client.post(f"/pelatihan/{self.training.pk}/peserta/tambah/", {"koperasi": self.cooperative.pk})
        self.assertContains(response, "Pilih pengurus atau tulis nama karyawan")

    def test_record_a_training(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/pelatihan/tambah/", {
            "title": "Diklat Akuntansi", "kind": "diklat", "topic": "akuntansi", "start_date": "2026-02-02",
            "end_date": "2026-02-01", "organiser": "Dinas", "version": 1,
        })
        self.assertContains(response, "Tanggal selesai harus sama dengan atau setelah tanggal mulai.")


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=400), st.just("a" * 149 + " b; " + "c" * 99 + " d")))
def test_staff_lines_parse_to_names_and_positions(text):
    from registry.forms.partnerships import ParticipantsAddForm

    form = ParticipantsAddForm.__new__(ParticipantsAddForm)
    form.cleaned_data = {"staff": text}
    people = form.clean_staff()
    for name, position in people:
        assert name and name == name.strip() and len(name) <= 150
        assert position == position.strip() and len(position) <= 100
    assert len(people) <= len(text.splitlines())


class TrainingChangeAreaTests(TestCase):
    """A limited Petugas changes only the trainings held in their kecamatan (Training.editable_by)."""

    @classmethod
    def setUpTestData(cls):
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.district = make_user("Petugas")
        cls.inside = make_training(title="Bimtek Sangatta", kecamatan_id=SANGATTA_UTARA)
        cls.outside = make_training(title="Bimtek Wahau", kecamatan_id=MUARA_WAHAU)
        cls.district_wide = make_training(title="Diklat Kabupaten")

    def data(self, training, **changes):
        return {"title": training.title, "kind": training.kind, "topic": training.topic,
                "start_date": training.start_date.isoformat(), "end_date": training.end_date.isoformat(),
                "organiser": training.organiser, "kecamatan": training.kecamatan_id or "", "version": 1, **changes}

    def test_limited_petugas_changes_a_training_held_in_their_area(self):
        self.client.force_login(self.limited)
        response = self.client.post(f"/pelatihan/{self.inside.pk}/ubah/", self.data(self.inside, place="Balai Desa"))
        self.assertEqual(response.status_code, 302)
        self.inside.refresh_from_db()
        self.assertEqual(self.inside.place, "Balai Desa")

    def test_outside_or_district_wide_is_not_found_for_the_limited_petugas(self):
        self.client.force_login(self.limited)
        for training in (self.outside, self.district_wide):
            with self.subTest(training=training.title):
                self.assertEqual(self.client.get(f"/pelatihan/{training.pk}/ubah/").status_code, 404)
                response = self.client.post(f"/pelatihan/{training.pk}/ubah/", self.data(training, place="X"))
                self.assertEqual(response.status_code, 404)
                training.refresh_from_db()
                self.assertEqual(training.place, "")
                # Still seen by all, without the change button.
                page = self.client.get(f"/pelatihan/{training.pk}/")
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, f"/pelatihan/{training.pk}/ubah/")

    def test_limited_petugas_cannot_move_a_training_out_of_their_area(self):
        self.client.force_login(self.limited)
        for kecamatan in (MUARA_WAHAU, ""):
            with self.subTest(kecamatan=kecamatan):
                response = self.client.post(f"/pelatihan/{self.inside.pk}/ubah/",
                                            self.data(self.inside, kecamatan=kecamatan))
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors["kecamatan"])
        self.inside.refresh_from_db()
        self.assertEqual(self.inside.kecamatan_id, SANGATTA_UTARA)

    def test_limited_petugas_records_a_training_in_their_area(self):
        self.client.force_login(self.limited)
        base = {"title": "Diklat RAT", "kind": "diklat", "topic": "rat", "start_date": "2025-02-02",
                "end_date": "2025-02-03", "organiser": "Dinas", "version": 1}
        response = self.client.post("/pelatihan/tambah/", base)
        self.assertTrue(response.context["form"].errors["kecamatan"])
        response = self.client.post("/pelatihan/tambah/", {**base, "kecamatan": SANGATTA_UTARA})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Ubah pelatihan")

    def test_whole_district_petugas_changes_any_and_may_leave_it_district_wide(self):
        self.client.force_login(self.district)
        for training in (self.outside, self.district_wide):
            with self.subTest(training=training.title):
                response = self.client.post(f"/pelatihan/{training.pk}/ubah/", self.data(training, place="Aula"))
                self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(f"/pelatihan/{self.district_wide.pk}/"), "Tingkat kabupaten")


class CoverageExportTests(TestCase):
    def test_the_workbook_shows_the_page_s_figures_with_formats(self):
        import io

        from openpyxl import load_workbook

        trained = make_cooperative(name="Koperasi Terlatih")
        chair = make_board_member(trained, "ketua", name="Ketua Terlatih")
        make_participant(make_training(), chair)
        make_cooperative(name="Koperasi Belum Dilatih")
        self.client.force_login(make_user("Petugas"))
        page = self.client.get("/pelatihan/cakupan/")
        self.assertContains(page, 'href="/pelatihan/cakupan.xlsx"')
        response = self.client.get("/pelatihan/cakupan.xlsx")
        workbook = load_workbook(io.BytesIO(response.content))
        table = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows(min_row=2)]
        total = table[-1]
        self.assertEqual(total[1:4], ["Jumlah", page.context["total_active"], page.context["total_trained"]])
        self.assertAlmostEqual(total[4], float(page.context["total_share"]))
        self.assertEqual(workbook.worksheets[0].cell(2, 5).number_format, "0.0%")
        never = [row[1] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
        self.assertEqual(never, [c.name for c in page.context["never_trained"]])
        self.assertIn("Koperasi Belum Dilatih", never)
