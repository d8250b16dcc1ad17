"""What a cooperative submits through the portal, and the Dinas's review: drafts, sending, accepting
through the write path with history, returning with a note, and who may see which submission."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from registry.models import Submission, YearlyReport, last_full_year
from registry.services.submissions import submission_accept
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    make_board_account,
    make_cooperative,
    make_report,
    make_submission,
    make_user,
)

YEAR = last_full_year()
FULL = {
    "year": YEAR, "members_male": "60", "members_female": "40", "employees": "3", "managers": "1",
    "modal_sendiri": "500.000.000", "modal_luar": "Rp 250.000.000", "total_assets": "900000000",
    "business_volume": "1.250.000.000", "revenue": "400.000.000", "expenses": "300.000.000", "shu": "-5.000.000",
    "cash": "50.000.000", "rat_date": f"15/03/{YEAR + 1}" if YEAR + 1 <= timezone.localdate().year else "",
    "rat_attendance": "70", "rat_quorum": "true", "rat_decisions": "Pembagian SHU disetujui.",
}


def rat_day():
    """A RAT day in the past, in the year after the book year where possible."""
    today = timezone.localdate()
    day = datetime.date(YEAR + 1, 3, 15)
    return day if day <= today else today


class PortalSubmissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(name="Koperasi Sawit Bersama")
        cls.account = make_board_account(cls.cooperative)

    def setUp(self):
        self.client.force_login(self.account.user)
        self.data = {**FULL, "rat_date": rat_day().strftime("%d/%m/%Y")}

    def post_new(self, data, action="draf"):
        return self.client.post(reverse("registry:portal_submission_create"), {**data, "action": action})

    def test_a_draft_keeps_what_was_typed_and_changes_nothing_in_the_registry(self):
        response = self.post_new({"year": YEAR, "members_male": "12", "business_volume": "1.250.000"})
        submission = Submission.objects.get()
        self.assertRedirects(response, reverse("registry:portal_submission", args=[submission.pk]))
        self.assertEqual(submission.status, Submission.Status.DRAFT)
        self.assertEqual(submission.business_volume, 1_250_000)
        self.assertIsNone(submission.members_female)
        self.assertEqual(submission.created_by, self.account.user)
        self.assertFalse(YearlyReport.objects.exists())
        # Finished later: the draft opens with its values, grouped as typed on paper.
        page = self.client.get(reverse("registry:portal_submission", args=[submission.pk]))
        self.assertContains(page, 'value="1.250.000"')
        self.assertContains(page, 'name="version"')

    def test_sending_an_incomplete_report_lists_every_missing_field_at_the_top_and_beside_it(self):
        response = self.post_new({"year": YEAR, "members_male": "12"}, action="kirim")
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("members_female", form.errors)
        self.assertIn("cash", form.errors)
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(response, 'href="#id_cash"')
        self.assertContains(response, 'id="id_cash_error"')
        self.assertFalse(Submission.objects.exists())

    def test_badly_typed_amounts_are_refused_with_the_reason(self):
        response = self.post_new({**self.data, "total_assets": "1,5", "cash": "1.25.0", "revenue": "-1"})
        errors = response.context["form"].errors
        self.assertIn("Koma tidak dipakai", errors["total_assets"][0])
        self.assertIn("Titik ribuan", errors["cash"][0])
        self.assertIn("tidak boleh negatif", errors["revenue"][0])

    def test_sending_a_complete_report(self):
        response = self.post_new(self.data, action="kirim")
        self.assertRedirects(response, reverse("registry:portal_home"))
        submission = Submission.objects.get()
        self.assertEqual(submission.status, Submission.Status.SUBMITTED)
        self.assertEqual(submission.shu, -5_000_000)
        self.assertEqual(submission.modal_luar, 250_000_000)
        self.assertTrue(submission.rat_quorum)
        self.assertEqual(submission.submitted_by, self.account.user)
        self.assertFalse(YearlyReport.objects.exists())
        self.assertEqual(submission.history.first().history_change_reason, "Dikirim ke Dinas")
        # Sent: read only, and a POST changes nothing.
        url = reverse("registry:portal_submission", args=[submission.pk])
        page = self.client.get(url)
        self.assertTemplateUsed(page, "registry/portal/submission_detail.html")
        self.assertContains(page, "Rp 1.250.000.000")
        self.client.post(url, {**self.data, "cash": "1", "version": submission.version, "action": "kirim"})
        submission.refresh_from_db()
        self.assertEqual(submission.cash, 50_000_000)

    def test_the_yearly_report_rules_apply_when_sending(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = self.post_new({**self.data, "rat_date": tomorrow.strftime("%d/%m/%Y")}, action="kirim")
        self.assertIn("rat_date", response.context["form"].errors)
        response = self.post_new({**self.data, "rat_attendance": "500"}, action="kirim")
        self.assertIn("melebihi jumlah anggota", response.context["form"].errors["rat_attendance"][0])
        response = self.post_new({**self.data, "year": YEAR + 1}, action="kirim")  # a year not closed
        self.assertIn("year", response.context["form"].errors)
        self.assertFalse(Submission.objects.exists())

    def test_one_submission_under_way_per_year(self):
        make_submission(self.cooperative, YEAR)
        response = self.post_new(self.data)
        self.assertIn("year", response.context["form"].errors)

    def test_two_board_members_editing_at_once_do_not_overwrite_each_other(self):
        submission = make_submission(self.cooperative, YEAR, cash=1)
        url = reverse("registry:portal_submission", args=[submission.pk])
        first = self.client.post(url, {**self.data, "cash": "2", "version": 1, "action": "draf"})
        self.assertEqual(first.status_code, 302)
        second = self.client.post(url, {**self.data, "cash": "3", "version": 1, "action": "draf"})
        self.assertContains(second, "sudah diubah pengurus lain")
        submission.refresh_from_db()
        self.assertEqual((submission.cash, submission.version), (2, 2))

    def test_another_cooperatives_submission_is_not_found(self):
        other = make_submission(make_cooperative(), YEAR)
        url = reverse("registry:portal_submission", args=[other.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {**self.data, "version": 1}).status_code, 404)

    def test_a_returned_report_shows_the_note_and_can_be_sent_again(self):
        submission = make_submission(self.cooperative, YEAR, status="dikembalikan", review_note="Kas tidak cocok.")
        home = self.client.get(reverse("registry:portal_home"))
        self.assertContains(home, "Kas tidak cocok.")
        url = reverse("registry:portal_submission", args=[submission.pk])
        self.assertContains(self.client.get(url), "Kas tidak cocok.")
        response = self.client.post(url, {**self.data, "version": submission.version, "action": "kirim"})
        self.assertRedirects(response, reverse("registry:portal_home"))
        submission.refresh_from_db()
        self.assertEqual(submission.status, Submission.Status.SUBMITTED)


class ReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", first_name="Sri", last_name="Wahyuni")
        cls.cooperative = make_cooperative(name="Koperasi Tinjau")
        make_report(cls.cooperative, YEAR - 1, members_male=50, shu=7_000_000)
        cls.submission = make_submission(cls.cooperative, YEAR, status="disampaikan", rat_date=rat_day(),
                                         rat_attendance=70, rat_quorum=True)

    def setUp(self):
        self.client.force_login(self.petugas)
        self.url = reverse("registry:review_detail", args=[self.submission.pk])

    def decide(self, action, *, record_version=0, note="", version=None):
        return self.client.post(self.url, {
            "action": action, "note": note, "version": version or self.submission.version,
            "record_version": record_version,
        })

    def test_queue_lists_what_waits_in_the_area_in_constant_queries(self):
        make_submission(make_cooperative(), YEAR)  # a draft: not yet for the Dinas
        make_submission(make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Jauh"), YEAR, status="disampaikan")
        self.client.get(reverse("registry:review_queue"))  # the first request reads the user's access
        # session, user with the access token (permissions, roles, area: registry/access.py), the count, the change
        # requests waiting (tests/test_portal_changes.py), the page of submissions
        with self.assertNumQueries(5):
            response = self.client.get(reverse("registry:review_queue"))
        self.assertEqual(len(response.context["submissions"]), 2)
        for _ in range(3):
            make_submission(make_cooperative(), YEAR, status="disampaikan")
        with self.assertNumQueries(5):
            self.assertEqual(len(self.client.get(reverse("registry:review_queue")).context["submissions"]), 5)
        self.client.force_login(make_limited_petugas())
        response = self.client.get(reverse("registry:review_queue"))
        self.assertNotContains(response, "Koperasi Jauh")
        self.assertContains(response, "Koperasi Tinjau")

    def test_the_page_shows_the_submission_beside_the_record_and_last_year(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Rp 1.250.000.000")  # submitted volume
        self.assertContains(response, "Rp 7.000.000")  # last year's SHU
        rows = {row["field"].name: row for row in response.context["rows"]}
        self.assertEqual(rows["members_male"]["last_year"], 50)
        self.assertIsNone(rows["members_male"]["on_record"])

    def test_accept_creates_the_yearly_report_with_the_history_reason(self):
        response = self.decide("terima")
        self.assertRedirects(response, reverse("registry:review_queue"))
        report = YearlyReport.objects.get(cooperative=self.cooperative, year=YEAR)
        self.assertEqual(report.business_volume, 1_250_000_000)
        self.assertEqual(report.rat_attendance, 70)
        self.assertEqual(report.rat_reported_on, timezone.localdate(self.submission.submitted_at))
        history = report.history.get()
        self.assertEqual(history.history_change_reason, "Disampaikan oleh koperasi, diterima oleh Sri Wahyuni")
        self.assertEqual(history.history_user, self.petugas)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Submission.Status.ACCEPTED)
        self.assertEqual(self.submission.yearly_report, report)
        self.assertEqual(self.submission.reviewed_by, self.petugas)

    def test_accept_over_a_report_on_record_goes_through_the_versioned_write_path(self):
        report = make_report(self.cooperative, YEAR, members_male=60, cash=1)
        self.assertContains(self.client.get(self.url), 'class="differs"')
        self.decide("terima", record_version=report.version)
        report.refresh_from_db()
        self.assertEqual((report.cash, report.version, report.members_female), (50_000_000, 2, 40))
        last = report.history.order_by("-history_id").first()
        self.assertEqual(last.history_change_reason, "Disampaikan oleh koperasi, diterima oleh Sri Wahyuni")
        self.assertEqual(last.version, 2)

    def test_accept_refuses_when_the_record_changed_since_the_page(self):
        report = make_report(self.cooperative, YEAR, cash=1)
        response = self.decide("terima", record_version=0)  # the page showed no report
        self.assertContains(response, "berubah setelah halaman ini dibuka")
        report.refresh_from_db()
        self.assertEqual((report.cash, report.version), (1, 1))
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Submission.Status.SUBMITTED)

    def test_return_keeps_the_registry_unchanged_and_needs_a_note(self):
        response = self.decide("kembalikan")
        self.assertIn("note", response.context["form"].errors)
        response = self.decide("kembalikan", note="Lampirkan berita acara RAT.")
        self.assertRedirects(response, reverse("registry:review_queue"))
        self.assertFalse(YearlyReport.objects.filter(cooperative=self.cooperative, year=YEAR).exists())
        self.assertEqual(YearlyReport.objects.count(), 1)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Submission.Status.RETURNED)
        self.assertEqual(self.submission.review_note, "Lampirkan berita acara RAT.")
        self.assertIn("Lampirkan berita acara RAT.", self.submission.history.first().history_change_reason)

    def test_a_decision_is_taken_once(self):
        self.decide("terima")
        response = self.decide("terima", version=self.submission.version)
        self.assertContains(response, "sudah ditinjau atau diubah orang lain")
        submission = Submission.objects.get(pk=self.submission.pk)
        with self.assertRaises(ValidationError):
            submission_accept(submission=submission, expected_version=submission.version, record_version=1,
                              by=self.petugas)
        self.assertEqual(YearlyReport.objects.filter(year=YEAR).count(), 1)

    def test_outside_the_area_is_not_found_and_pimpinan_is_refused(self):
        outside = make_submission(make_cooperative(kecamatan=MUARA_WAHAU), YEAR, status="disampaikan")
        self.client.force_login(make_limited_petugas())
        url = reverse("registry:review_detail", args=[outside.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        post = {"action": "terima", "version": 1, "record_version": 0}
        self.assertEqual(self.client.post(url, post).status_code, 404)
        self.assertFalse(YearlyReport.objects.filter(cooperative=outside.cooperative).exists())
        self.client.force_login(make_user("Pimpinan"))
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, post).status_code, 403)
        self.assertFalse(YearlyReport.objects.filter(year=YEAR).exists())
