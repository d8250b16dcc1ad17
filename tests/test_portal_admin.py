"""Django admin for what cooperatives send through the portal (yearly reports, change requests):
read-only for an Admin Dinas, every change left to the review services, a NIK typed into free text
never shown, changelists in constant queries and searched on indexed columns only."""

import datetime

from django.contrib import admin
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from registry.models import ChangeRequest, Submission, SubmissionDocument, User, last_full_year
from registry.services.submissions import submission_return
from tests.builders import (
    MUARA_WAHAU,
    PASSWORD,
    SANGATTA_SELATAN,
    make_board_account,
    make_change_request,
    make_cooperative,
    make_submission,
    make_user,
)
from tests.test_admin_scale import search_column, trigram_columns

YEAR = last_full_year()
# A member's NIK a board member typed into free text (valid in form, fictitious), plainly and grouped.
NIK = "6408011508900001"
NIK_GROUPED = "6408 0115 0890 0002"


def url(model, view, *args):
    return reverse(f"admin:registry_{model._meta.model_name}_{view}", args=args)


class PortalAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = User.objects.create_superuser(username="super", email="s@contoh.id", password=PASSWORD)
        cls.petugas = make_user("Petugas", first_name="Sri", last_name="Wahyuni")
        cls.cooperative = make_cooperative(name="Koperasi Sawit Terbuka", nomor_induk="6408010000077",
                                           phone="0811000", email="lama@contoh.id")
        cls.account = make_board_account(cls.cooperative, role="sekretaris", name="Hj. Rusmini")
        cls.submission = make_submission(
            cls.cooperative, YEAR, status="disampaikan", submitted_by=cls.account.user,
            rat_decisions=f"SHU dibagi. Anggota baru: Budi (NIK {NIK}).",
        )
        SubmissionDocument.objects.create(
            submission=cls.submission, kind="foto_rat", file="uji/tanpa-isi", original_name=f"KTP {NIK_GROUPED}.jpg",
            content_type="image/jpeg", size=204_800,
        )
        # Returned with a note quoting the NIK: the note and the history's reason hold it.
        submission_return(submission=cls.submission, expected_version=1, by=cls.petugas,
                          note=f"NIK {NIK} tidak cocok dengan daftar anggota.")
        cls.contact = make_change_request(cls.cooperative, status="disampaikan", phone="0812999",
                                          submitted_by=cls.account.user)
        cls.end_of_term = make_change_request(
            cls.cooperative, "akhir_jabatan", status="disampaikan", board_member=cls.account.board_member,
            ended_on=timezone.localdate(), end_reason=f"Pindah domisili, KTP baru {NIK_GROUPED}.",
        )
        cls.new_term = make_change_request(cls.cooperative, "pengurus_baru", name="Siti Aminah", role="pengawas",
                                           term_start=datetime.date(2025, 1, 1))  # a draft

    def setUp(self):
        self.client.force_login(self.superuser)

    def assert_no_nik(self, response):
        for number in (NIK, NIK_GROUPED, NIK_GROUPED.replace(" ", "")):
            self.assertNotContains(response, number)

    # -- pages -----------------------------------------------------------------------------------

    def test_changelists_show_the_cooperative_what_and_the_step_with_who_and_when(self):
        response = self.client.get(url(Submission, "changelist"))
        self.assertContains(response, "Koperasi Sawit Terbuka")
        self.assertContains(response, "Dikembalikan untuk diperbaiki")
        self.assertContains(response, self.petugas.username)  # reviewed by
        self.assertContains(response, self.account.user.username)  # submitted by
        response = self.client.get(url(ChangeRequest, "changelist"))
        self.assertEqual(response.context["cl"].result_count, 3)
        for label in ("Alamat dan kontak", "Masa jabatan berakhir", "Pengurus baru", "Draf"):
            self.assertContains(response, label)

    def test_a_submission_page_shows_its_figures_documents_review_and_history_read_only(self):
        response = self.client.get(url(Submission, "change", self.submission.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["has_change_permission"])
        self.assertNotContains(response, 'name="_save"')
        self.assertContains(response, "Rp 1.250.000.000")  # business volume
        self.assertContains(response, "SHU dibagi. Anggota baru: Budi (NIK [NIK]).")
        self.assertContains(response, "KTP [NIK].jpg (200 KB")
        self.assertContains(response, "tidak cocok dengan daftar anggota")
        self.assertContains(response, reverse("registry:review_detail", args=[self.submission.pk]))
        # The history: made, then returned by Sri with the note (its NIK redacted too).
        self.assertContains(response, "Dikembalikan oleh Sri Wahyuni: NIK [NIK] tidak cocok")
        self.assert_no_nik(response)

    def test_a_change_request_page_shows_what_is_asked_and_the_record_at_the_request(self):
        response = self.client.get(url(ChangeRequest, "change", self.contact.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["has_change_permission"])
        self.assertContains(response, "0812999")  # asked for
        self.assertContains(response, "telepon: 0811000")  # on record when asked
        self.assertContains(response, reverse("registry:review_change", args=[self.contact.pk]))
        response = self.client.get(url(ChangeRequest, "change", self.end_of_term.pk))
        self.assertContains(response, "Pindah domisili, KTP baru [NIK].")
        self.assertContains(response, "jabatan: Sekretaris")  # the term remembered, its position by name
        self.assertContains(response, "Hj. Rusmini")
        self.assert_no_nik(response)
        response = self.client.get(url(ChangeRequest, "change", self.new_term.pk))
        self.assertContains(response, "Siti Aminah")
        self.assertContains(response, "Draf: belum dikirim ke Dinas.")  # no review page for a draft
        self.assertNotContains(response, reverse("registry:review_change", args=[self.new_term.pk]))

    def test_no_nik_typed_by_a_board_appears_on_any_page(self):
        pages = [url(Submission, "changelist"), url(ChangeRequest, "changelist"),
                 url(Submission, "change", self.submission.pk)]
        pages += [url(ChangeRequest, "change", change.pk) for change in (self.contact, self.end_of_term, self.new_term)]
        for page in pages:
            with self.subTest(page):
                response = self.client.get(page)
                self.assertEqual(response.status_code, 200)
                self.assert_no_nik(response)

    # -- nothing is written here -----------------------------------------------------------------

    def test_adding_is_refused(self):
        for model in (Submission, ChangeRequest):
            with self.subTest(model.__name__):
                self.assertFalse(self.client.get(url(model, "changelist")).context["has_add_permission"])
                self.assertEqual(self.client.get(url(model, "add")).status_code, 403)
                self.assertEqual(self.client.post(url(model, "add"), {"cooperative": self.cooperative.pk,
                                                                      "year": YEAR - 1}).status_code, 403)
        self.assertEqual((Submission.objects.count(), ChangeRequest.objects.count()), (1, 3))

    def test_deleting_is_refused_and_offered_nowhere(self):
        for obj in (self.submission, self.contact):
            model = type(obj)
            with self.subTest(model.__name__):
                self.assertEqual(self.client.get(url(model, "delete", obj.pk)).status_code, 403)
                self.assertEqual(self.client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code, 403)
                # The bulk action is not offered, and posted by hand it is ignored: the list comes back.
                response = self.client.post(url(model, "changelist"), {
                    "action": "delete_selected", "_selected_action": [obj.pk], "post": "yes",
                })
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "delete_selected")
                self.assertTrue(model.objects.filter(pk=obj.pk).exists())
                self.assertNotContains(self.client.get(url(model, "change", obj.pk)), "deletelink")

    def test_a_change_posted_to_the_page_is_refused(self):
        response = self.client.post(url(Submission, "change", self.submission.pk),
                                    {"status": "diterima", "cash": "1"})
        self.assertEqual(response.status_code, 403)
        response = self.client.post(url(ChangeRequest, "change", self.contact.pk), {"phone": "0800"})
        self.assertEqual(response.status_code, 403)
        self.submission.refresh_from_db()
        self.contact.refresh_from_db()
        self.assertEqual((self.submission.status, self.submission.version, self.contact.phone),
                         (Submission.Status.RETURNED, 2, "0812999"))

    # -- who may look ----------------------------------------------------------------------------

    def test_who_may_open_the_pages(self):
        pages = [url(Submission, "changelist"), url(Submission, "change", self.submission.pk),
                 url(ChangeRequest, "changelist"), url(ChangeRequest, "change", self.contact.pk)]
        self.client.logout()
        for page in pages:
            response = self.client.get(page)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response.url.startswith(reverse("admin:login")))
        for role in ("Petugas", "Pimpinan", "Verifikator"):  # no staff flag: the admin is not theirs
            self.client.force_login(make_user(role))
            for page in pages:
                self.assertEqual(self.client.get(page).status_code, 302, (role, page))
        self.client.force_login(make_user("Admin Dinas", is_staff=True))
        for page in pages:
            self.assertEqual(self.client.get(page).status_code, 200, page)
        self.assertEqual(self.client.get(url(Submission, "add")).status_code, 403)
        # Limited to a kecamatan: no portal records here at all (registry/admin/base.py, WholeDistrictOnlyMixin).
        self.client.force_login(make_user("Admin Dinas", is_staff=True, kecamatan=[MUARA_WAHAU]))
        for page in pages:
            self.assertEqual(self.client.get(page).status_code, 403, page)

    # -- filters and search ----------------------------------------------------------------------

    def result(self, model, query):
        response = self.client.get(url(model, "changelist"), query)
        self.assertEqual(response.status_code, 200)
        return sorted(obj.pk for obj in response.context["cl"].result_list)

    def other_cooperatives_records(self):
        other = make_cooperative(name="KUD Jauh Sekali", kecamatan=SANGATTA_SELATAN)
        submission = make_submission(other, YEAR - 1, status="disampaikan")
        change = make_change_request(other, status="disampaikan", email="baru@contoh.id")
        return submission, change

    def test_submission_filters_and_search(self):
        other, _ = self.other_cooperatives_records()
        mine = self.submission.pk
        self.assertEqual(self.result(Submission, {"status__exact": "dikembalikan"}), [mine])
        self.assertEqual(self.result(Submission, {"status__exact": "disampaikan"}), [other.pk])
        self.assertEqual(self.result(Submission, {"year__exact": str(YEAR)}), [mine])
        self.assertEqual(self.result(Submission, {"cooperative__desa__kecamatan__code__exact": SANGATTA_SELATAN}),
                         [other.pk])
        self.assertEqual(self.result(Submission, {"q": "jauh"}), [other.pk])
        self.assertEqual(self.result(Submission, {"q": "6408010000077"}), [mine])

    def test_change_request_filters_and_search(self):
        _, other = self.other_cooperatives_records()
        self.assertEqual(self.result(ChangeRequest, {"status__exact": "draf"}), [self.new_term.pk])
        self.assertEqual(self.result(ChangeRequest, {"kind__exact": "akhir_jabatan"}), [self.end_of_term.pk])
        self.assertEqual(self.result(ChangeRequest, {"kind__exact": "kontak"}), sorted([self.contact.pk, other.pk]))
        self.assertEqual(self.result(ChangeRequest, {"cooperative__desa__kecamatan__code__exact": SANGATTA_SELATAN}),
                         [other.pk])
        self.assertEqual(self.result(ChangeRequest, {"q": "jauh"}), [other.pk])

    def test_search_reads_indexed_columns_only(self):
        indexed_by_trigram = trigram_columns()
        for model in (Submission, ChangeRequest):
            for path in admin.site._registry[model].search_fields:
                table, column, field = search_column(model, path)
                self.assertTrue((table, column) in indexed_by_trigram or field.db_index or field.unique,
                                f"{model.__name__} searches {path}, which no index answers")

    # -- constant queries ------------------------------------------------------------------------

    def test_changelists_run_the_same_queries_for_one_row_and_for_many(self):
        Submission.objects.exclude(pk=self.submission.pk).delete()
        ChangeRequest.objects.exclude(pk=self.contact.pk).delete()
        self.client.get(url(Submission, "changelist"))  # the first request reads the user's access
        # session, user with the access token (registry/access.py), the kecamatan filter's choices,
        # the bounded count, the page joined with its cooperative and both users
        for model in (Submission, ChangeRequest):
            with self.subTest(model.__name__), self.assertNumQueries(5):
                self.assertEqual(len(self.client.get(url(model, "changelist")).context["cl"].result_list), 1)
        for n in range(4):
            cooperative = make_cooperative(kecamatan=SANGATTA_SELATAN if n % 2 else MUARA_WAHAU)
            account = make_board_account(cooperative)
            make_submission(cooperative, YEAR, status="disampaikan", submitted_by=account.user,
                            reviewed_by=make_user("Petugas"), reviewed_at=timezone.now())
            make_change_request(cooperative, status="disampaikan", phone=f"08{n}", submitted_by=account.user)
        self.client.get(url(Submission, "changelist"))  # new accounts gave a new access token: read it again
        for model in (Submission, ChangeRequest):
            with self.subTest(model.__name__), self.assertNumQueries(5):
                self.assertEqual(len(self.client.get(url(model, "changelist")).context["cl"].result_list), 5)
