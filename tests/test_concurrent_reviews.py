"""Two Petugas deciding on the same submission or change request at once, on PostgreSQL, each through
its own connection (as two gunicorn workers would): exactly one decision is taken, the other is told
someone decided first, and the registry and the histories hold one write, never two and never none.
Then a staff edit of the record landing while a change request is accepted. The first writer is held
inside its transaction (a Gate) while the second starts, so the second really waits for the row lock.
"""

import contextlib
import datetime
from unittest import mock

import pytest
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from registry.models import (
    BoardMember,
    ChangeRequest,
    Cooperative,
    CooperativeAccount,
    Submission,
    YearlyReport,
    last_full_year,
)
from registry.services import change_requests, submissions, versioning
from tests.builders import (
    make_board_account,
    make_change_request,
    make_cooperative,
    make_report,
    make_submission,
    make_user,
)
from tests.races import Gate, Worker, blocked
from tests.test_concurrent_writes import DATABASE_TASKS
from tests.test_write_path import rendered

YEAR = last_full_year()
DECIDED_BY_SOMEONE_ELSE = "sudah ditinjau atau diubah orang lain"


@contextlib.contextmanager
def first_decision_held(gate):
    """The decision made in the thread named "first" holds the row lock of what it decides on (the
    submission or the change request) until the gate is let go; the other thread passes."""
    held = gate.wrap(versioning.lock_at_version, thread="first")
    # Both services and the shared return step lock through the name they imported.
    with mock.patch.object(submissions, "lock_at_version", held), \
            mock.patch.object(change_requests, "lock_at_version", held):
        yield


class ReviewRace:
    """Two reviewers, each with the review page opened before either decided."""

    def setUp(self):
        self.sri = make_user("Petugas", first_name="Sri", last_name="Wahyuni")
        self.rahmat = make_user("Petugas", first_name="Rahmat")

    def opened(self, user, url):
        """A decision of `user` as their page carries it: `decide(action)` posts it (with a note to return)."""
        client = Client()
        client.force_login(user)
        form = client.get(url).context["form"]
        carried = {"version": form["version"].value(), "record_version": form["record_version"].value()}

        def decide(action, **extra):
            note = "Lampirkan berita acara RAT." if action == "kembalikan" else ""
            return lambda: client.post(url, {**carried, "action": action, "note": note, **extra})
        return decide

    def race(self, first, second):
        """`first` decides and holds the row lock; `second` decides meanwhile. Both responses."""
        gate = Gate()
        with first_decision_held(gate):
            one = Worker("first", first)
            one.start()
            assert gate.reached.wait(30)
            two = Worker("second", second)
            two.start()
            self.assertTrue(blocked(two))  # waits for the first decision's row lock
            gate.go.set()
            one.finish()
            two.finish()
        self.assertEqual((one.error, two.error), (None, None))
        return one.result, two.result

    def assert_first_taken_second_refused(self, one, two):
        self.assertRedirects(one, reverse("registry:review_queue"), fetch_redirect_response=False)
        self.assertEqual(two.status_code, 200)
        self.assertContains(two, DECIDED_BY_SOMEONE_ELSE)


@pytest.mark.postgres
@override_settings(TASKS=DATABASE_TASKS)
class TwoReviewersOnOneSubmissionTests(ReviewRace, TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        super().setUp()
        self.cooperative = make_cooperative(name="Koperasi Rebutan Laporan")
        self.submission = make_submission(self.cooperative, YEAR, status="disampaikan", cash=77_000_000)
        self.url = reverse("registry:review_detail", args=[self.submission.pk])

    def submission_now(self):
        submission = Submission.objects.get(pk=self.submission.pk)
        versions = list(submission.history.order_by("history_id").values_list("version", flat=True))
        return submission, versions

    def reports(self):
        return list(YearlyReport.objects.filter(cooperative=self.cooperative, year=YEAR))

    def test_two_accepts_create_the_yearly_report_once(self):
        sri, rahmat = self.opened(self.sri, self.url), self.opened(self.rahmat, self.url)
        one, two = self.race(sri("terima"), rahmat("terima"))
        self.assert_first_taken_second_refused(one, two)
        [report] = self.reports()
        self.assertEqual((report.cash, report.version), (77_000_000, 1))
        history = list(report.history.all())
        self.assertEqual([(h.history_type, h.history_user) for h in history], [("+", self.sri)])
        submission, versions = self.submission_now()
        self.assertEqual((submission.status, submission.reviewed_by, submission.yearly_report),
                         (Submission.Status.ACCEPTED, self.sri, report))
        self.assertEqual(versions, [1, 2])

    def test_two_accepts_over_a_report_on_record_update_it_once(self):
        report = make_report(self.cooperative, YEAR, cash=1)
        sri, rahmat = self.opened(self.sri, self.url), self.opened(self.rahmat, self.url)
        one, two = self.race(sri("terima"), rahmat("terima"))
        self.assert_first_taken_second_refused(one, two)
        report.refresh_from_db()
        self.assertEqual((report.cash, report.version), (77_000_000, 2))
        self.assertEqual(list(report.history.order_by("history_id").values_list("version", flat=True)), [1, 2])
        self.assertEqual(self.submission_now()[1], [1, 2])

    def test_an_accept_holding_the_submission_makes_a_return_refused(self):
        sri, rahmat = self.opened(self.sri, self.url), self.opened(self.rahmat, self.url)
        one, two = self.race(sri("terima"), rahmat("kembalikan"))
        self.assert_first_taken_second_refused(one, two)
        self.assertEqual(len(self.reports()), 1)
        submission, versions = self.submission_now()
        self.assertEqual((submission.status, submission.review_note), (Submission.Status.ACCEPTED, ""))
        self.assertEqual(versions, [1, 2])

    def test_a_return_holding_the_submission_makes_an_accept_refused(self):
        sri, rahmat = self.opened(self.sri, self.url), self.opened(self.rahmat, self.url)
        one, two = self.race(sri("kembalikan"), rahmat("terima"))
        self.assert_first_taken_second_refused(one, two)
        self.assertEqual(self.reports(), [])
        submission, versions = self.submission_now()
        self.assertEqual((submission.status, submission.reviewed_by, submission.review_note),
                         (Submission.Status.RETURNED, self.sri, "Lampirkan berita acara RAT."))
        self.assertEqual(versions, [1, 2])

    def test_a_report_created_by_staff_while_the_accept_runs_is_a_conflict_not_an_error(self):
        # The accept looked for this year's report (none: nothing to lock) and checked its new one;
        # a Petugas's "Tambah laporan tahunan" commits the year's report before the accept's insert.
        decide = self.opened(self.sri, self.url)
        gate = Gate()
        checked = gate.wrap(YearlyReport.full_clean, thread="reviewer")
        with mock.patch.object(YearlyReport, "full_clean", checked):
            reviewer = Worker("reviewer", decide("terima"))
            reviewer.start()
            assert gate.reached.wait(30)
            staff_report = make_report(self.cooperative, YEAR, cash=5)
            gate.go.set()
            reviewer.finish()
        self.assertIsNone(reviewer.error)
        self.assertEqual(reviewer.result.status_code, 200)
        self.assertContains(reviewer.result, "berubah setelah halaman ini dibuka")
        self.assertEqual(self.reports(), [staff_report])
        staff_report.refresh_from_db()
        self.assertEqual((staff_report.cash, staff_report.version, staff_report.history.count()), (5, 1, 1))
        submission, versions = self.submission_now()
        self.assertEqual((submission.status, versions), (Submission.Status.SUBMITTED, [1]))
        # Opened again, the page shows the staff's report and the submission can be accepted over it.
        decide = self.opened(self.sri, self.url)
        self.assertRedirects(decide("terima")(), reverse("registry:review_queue"), fetch_redirect_response=False)
        staff_report.refresh_from_db()
        self.assertEqual((staff_report.cash, staff_report.version), (77_000_000, 2))


@pytest.mark.postgres
@override_settings(TASKS=DATABASE_TASKS)
class TwoReviewersOnOneChangeRequestTests(ReviewRace, TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        super().setUp()
        self.cooperative = make_cooperative(name="Koperasi Rebutan Kontak", phone="0811000", email="lama@contoh.id",
                                            address="Jl. Lama 1")
        self.account = make_board_account(self.cooperative, role="bendahara")

    def url(self, change):
        return reverse("registry:review_change", args=[change.pk])

    def versions(self, record):
        return list(record.history.order_by("history_id").values_list("version", flat=True))

    def test_two_accepts_of_a_contact_change_write_the_cooperative_once(self):
        change = make_change_request(self.cooperative, status="disampaikan", phone="0812999")
        sri, rahmat = self.opened(self.sri, self.url(change)), self.opened(self.rahmat, self.url(change))
        one, two = self.race(sri("terima"), rahmat("terima"))
        self.assert_first_taken_second_refused(one, two)
        cooperative = Cooperative.objects.get(pk=self.cooperative.pk)
        self.assertEqual((cooperative.phone, cooperative.version), ("0812999", 2))
        self.assertEqual(self.versions(cooperative), [1, 2])
        self.assertEqual(cooperative.history.order_by("-history_id").first().history_user, self.sri)
        change.refresh_from_db()
        self.assertEqual((change.status, change.reviewed_by), (ChangeRequest.Status.ACCEPTED, self.sri))
        self.assertEqual(self.versions(change), [1, 2])

    def end_of_term(self):
        term = self.account.board_member
        return term, make_change_request(self.cooperative, "akhir_jabatan", status="disampaikan", board_member=term,
                                         ended_on=timezone.localdate(), end_reason="Mengundurkan diri")

    def test_an_accepted_end_of_term_makes_a_return_refused(self):
        term, change = self.end_of_term()
        sri, rahmat = self.opened(self.sri, self.url(change)), self.opened(self.rahmat, self.url(change))
        one, two = self.race(sri("terima"), rahmat("kembalikan"))
        self.assert_first_taken_second_refused(one, two)
        term.refresh_from_db()
        self.assertEqual((term.ended_on, term.version), (timezone.localdate(), 2))
        self.assertEqual(self.versions(term), [1, 2])
        self.assertIsNotNone(CooperativeAccount.objects.get(pk=self.account.pk).ended_at)
        change.refresh_from_db()
        self.assertEqual((change.status, change.review_note), (ChangeRequest.Status.ACCEPTED, ""))
        self.assertEqual(self.versions(change), [1, 2])

    def test_a_returned_end_of_term_makes_an_accept_refused(self):
        term, change = self.end_of_term()
        sri, rahmat = self.opened(self.sri, self.url(change)), self.opened(self.rahmat, self.url(change))
        one, two = self.race(sri("kembalikan"), rahmat("terima"))
        self.assert_first_taken_second_refused(one, two)
        term.refresh_from_db()
        self.assertEqual((term.ended_on, term.version), (None, 1))
        self.assertIsNone(CooperativeAccount.objects.get(pk=self.account.pk).ended_at)
        change.refresh_from_db()
        self.assertEqual((change.status, change.reviewed_by), (ChangeRequest.Status.RETURNED, self.sri))
        self.assertEqual(self.versions(change), [1, 2])

    def test_two_accepts_of_a_new_term_create_it_once(self):
        change = make_change_request(self.cooperative, "pengurus_baru", status="disampaikan", name="Siti Aminah",
                                     role="pengawas", term_start=datetime.date(2025, 1, 1))
        sri, rahmat = self.opened(self.sri, self.url(change)), self.opened(self.rahmat, self.url(change))
        one, two = self.race(sri("terima"), rahmat("terima"))
        self.assert_first_taken_second_refused(one, two)
        [term] = BoardMember.objects.filter(cooperative=self.cooperative, name="Siti Aminah")
        self.assertEqual(term.history.count(), 1)
        change.refresh_from_db()
        self.assertEqual((change.status, change.board_member), (ChangeRequest.Status.ACCEPTED, term))


@pytest.mark.postgres
@override_settings(TASKS=DATABASE_TASKS)
class StaffEditDuringAContactChangeTests(TransactionTestCase):
    """A Petugas edits the cooperative's contact details (its edit form) while another accepts the
    cooperative's own request to change them: neither overwrites the other unseen."""

    serialized_rollback = True

    def setUp(self):
        self.reviewer = make_user("Petugas", first_name="Sri")
        self.editor = make_user("Petugas", first_name="Rahmat")
        self.cooperative = make_cooperative(name="Koperasi Kontak Ganda", phone="0811000", email="lama@contoh.id",
                                            address="Jl. Lama 1")
        self.change = make_change_request(self.cooperative, status="disampaikan", phone="0812999")
        self.review_url = reverse("registry:review_change", args=[self.change.pk])
        self.form_url = reverse("registry:cooperative_update", args=[self.cooperative.pk])

    def client_for(self, user):
        client = Client()
        client.force_login(user)
        return client

    def review_page(self):
        client = self.client_for(self.reviewer)
        response = client.get(self.review_url)
        form = response.context["form"]
        carried = {"version": form["version"].value(), "record_version": form["record_version"].value()}
        return client, response, carried

    def staff_form(self):
        client = self.client_for(self.editor)
        return client, rendered(client.get(self.form_url).context["form"])

    def cooperative_now(self):
        cooperative = Cooperative.objects.get(pk=self.cooperative.pk)
        versions = list(cooperative.history.order_by("history_id").values_list("version", flat=True))
        return cooperative.phone, cooperative.version, versions

    def test_a_staff_edit_holding_the_cooperative_makes_the_accept_refused_then_confirmed_over_it(self):
        reviewer, _, carried = self.review_page()
        editor, form = self.staff_form()
        gate = Gate()
        # save_versioned locks through the module's name; the accept's own lock is not held.
        with mock.patch.object(versioning, "lock_at_version", gate.wrap(versioning.lock_at_version, thread="staff")):
            staff = Worker("staff", lambda: editor.post(self.form_url, {**form, "phone": "0813777"}))
            staff.start()
            assert gate.reached.wait(30)
            accept = Worker("accept", lambda: reviewer.post(self.review_url, {**carried, "action": "terima"}))
            accept.start()
            self.assertTrue(blocked(accept))  # waits for the cooperative's row lock
            gate.go.set()
            staff.finish()
            accept.finish()
        self.assertEqual((staff.error, accept.error), (None, None))
        self.assertEqual(staff.result.status_code, 302)
        self.assertContains(accept.result, "berubah setelah halaman ini dibuka")
        self.assertEqual(self.cooperative_now(), ("0813777", 2, [1, 2]))
        self.change.refresh_from_db()
        self.assertEqual((self.change.status, self.change.version), (ChangeRequest.Status.SUBMITTED, 1))
        # Opened again: the staff's phone is shown beside the one at the request, and accepting needs confirming.
        reviewer, response, carried = self.review_page()
        self.assertContains(response, "0811000 → 0813777")
        self.assertEqual(carried["record_version"], 2)
        response = reviewer.post(self.review_url, {**carried, "action": "terima"})
        self.assertContains(response, "berubah sejak koperasi membuat permintaan ini")
        self.assertEqual(self.cooperative_now(), ("0813777", 2, [1, 2]))
        response = reviewer.post(self.review_url, {**carried, "action": "terima", "confirmed": "on"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.cooperative_now(), ("0812999", 3, [1, 2, 3]))

    def test_an_accept_holding_the_cooperative_makes_the_staff_edit_a_conflict(self):
        reviewer, _, carried = self.review_page()
        editor, form = self.staff_form()
        gate = Gate()
        # Held once the accept has locked the request and the cooperative and compared them.
        checked = gate.wrap(change_requests.changed_since_request, thread="accept")
        with mock.patch.object(change_requests, "changed_since_request", checked):
            accept = Worker("accept", lambda: reviewer.post(self.review_url, {**carried, "action": "terima"}))
            accept.start()
            assert gate.reached.wait(30)
            staff = Worker("staff", lambda: editor.post(self.form_url, {**form, "phone": "0813777"}))
            staff.start()
            self.assertTrue(blocked(staff))
            gate.go.set()
            accept.finish()
            staff.finish()
        self.assertEqual((staff.error, accept.error), (None, None))
        self.assertEqual(accept.result.status_code, 302)
        self.assertContains(staff.result, "sudah diubah orang lain")
        self.assertEqual(self.cooperative_now(), ("0812999", 2, [1, 2]))
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, ChangeRequest.Status.ACCEPTED)
