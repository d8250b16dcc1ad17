"""Changes a cooperative's board asks for (a new term, an ended term, contact details): nothing changes
before a Petugas accepts, accepting writes through the versioned write path with the history reason,
a record changed since the request is shown and needs confirming, returning keeps the registry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from registry.models import BoardMember, ChangeRequest, Cooperative, CooperativeAccount
from registry.services.change_requests import (
    ChangedSinceRequest,
    change_request_accept,
    change_request_errors,
    change_request_return,
    change_request_save,
    changed_since_request,
)
from registry.services.submissions import RecordChanged
from registry.services.versioning import EditConflict, remember_loaded, save_versioned
from tests.builders import make_board_account, make_board_member, make_change_request, make_cooperative, make_user

REASON = "Disampaikan oleh koperasi, diterima oleh Sri Wahyuni"


def today():
    return timezone.localdate()


class ChangeRequestServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", first_name="Sri", last_name="Wahyuni")
        cls.cooperative = make_cooperative(name="Koperasi Kontak", phone="0811000", email="lama@contoh.id",
                                           address="Jl. Lama 1", postcode="75611")
        cls.account = make_board_account(cls.cooperative, role="ketua")
        cls.user = cls.account.user

    def accept(self, change_request, **kwargs):
        record_version = kwargs.pop("record_version", None)
        if record_version is None:
            # The version the review page would show: the record as it is now.
            if change_request.kind == "kontak":
                record_version = Cooperative.objects.get(pk=change_request.cooperative_id).version
            elif change_request.kind == "akhir_jabatan":
                record_version = BoardMember.objects.get(pk=change_request.board_member_id).version
            else:
                record_version = 0
        change_request.refresh_from_db()
        return change_request_accept(change_request=change_request, expected_version=change_request.version,
                                     record_version=record_version, by=self.petugas, **kwargs)

    # -- contact details ---------------------------------------------------------------------

    def test_a_contact_request_changes_nothing_until_accepted_then_only_what_it_asks(self):
        request = ChangeRequest(cooperative=self.cooperative, kind="kontak", address="Jl. Lama 1", postcode="75611",
                                phone="0812999", email="lama@contoh.id")
        change_request_save(change_request=request, by=self.user)
        request = change_request_save(change_request=request, by=self.user, expected_version=1, submit=True)
        self.assertEqual(request.status, ChangeRequest.Status.SUBMITTED)
        self.assertEqual(request.base_values["phone"], "0811000")
        self.cooperative.refresh_from_db()
        self.assertEqual((self.cooperative.phone, self.cooperative.version), ("0811000", 1))
        cooperative = self.accept(request)
        cooperative.refresh_from_db()
        self.assertEqual((cooperative.phone, cooperative.email, cooperative.version), ("0812999", "lama@contoh.id", 2))
        last = cooperative.history.order_by("-history_id").first()
        self.assertEqual(last.history_change_reason, REASON)
        request.refresh_from_db()
        self.assertEqual((request.status, request.reviewed_by), (ChangeRequest.Status.ACCEPTED, self.petugas))
        self.assertEqual(request.history.order_by("-history_id").first().history_change_reason, REASON)

    def test_a_contact_request_that_changes_nothing_cannot_be_sent(self):
        request = make_change_request(self.cooperative)
        self.assertIn("__all__", change_request_errors(request))
        request.email = "baru@contoh.id"
        self.assertEqual(change_request_errors(request), {})

    def test_a_field_staff_changed_since_the_request_is_shown_and_needs_confirming(self):
        request = make_change_request(self.cooperative, status="disampaikan", phone="0812999")
        cooperative = remember_loaded(Cooperative.objects.get(pk=self.cooperative.pk))
        cooperative.phone = "0813777"
        save_versioned(instance=cooperative, expected_version=1, reason="telepon dari lapangan")
        since = changed_since_request(request)
        self.assertEqual([(s.at_request, s.now) for s in since], [("0811000", "0813777")])
        with self.assertRaises(ChangedSinceRequest):
            self.accept(request)
        cooperative.refresh_from_db()
        self.assertEqual(cooperative.phone, "0813777")
        self.accept(request, confirmed=True)
        cooperative.refresh_from_db()
        self.assertEqual(cooperative.phone, "0812999")

    def test_a_field_the_request_leaves_alone_may_change_meanwhile_and_is_kept(self):
        request = make_change_request(self.cooperative, status="disampaikan", email="baru@contoh.id")
        cooperative = remember_loaded(Cooperative.objects.get(pk=self.cooperative.pk))
        cooperative.phone = "0813777"
        save_versioned(instance=cooperative, expected_version=1)
        self.assertEqual(changed_since_request(request), [])
        self.accept(request)
        cooperative.refresh_from_db()
        self.assertEqual((cooperative.phone, cooperative.email), ("0813777", "baru@contoh.id"))

    def test_staff_having_made_the_same_change_is_no_conflict(self):
        request = make_change_request(self.cooperative, status="disampaikan", phone="0812999")
        Cooperative.objects.filter(pk=self.cooperative.pk).update(phone="0812999")
        self.assertEqual(changed_since_request(request), [])

    def test_a_record_changed_after_the_review_page_is_refused(self):
        request = make_change_request(self.cooperative, status="disampaikan", phone="0812999")
        with self.assertRaises(RecordChanged):
            self.accept(request, record_version=7)
        self.cooperative.refresh_from_db()
        self.assertEqual(self.cooperative.phone, "0811000")

    def test_a_bad_postcode_is_refused_by_the_cooperatives_own_rule(self):
        request = make_change_request(self.cooperative, status="disampaikan", postcode="7561")
        with self.assertRaises(ValidationError):
            self.accept(request)
        self.cooperative.refresh_from_db()
        self.assertEqual(self.cooperative.postcode, "75611")

    def test_one_contact_request_under_way(self):
        make_change_request(self.cooperative)
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_change_request(self.cooperative)
        make_change_request(make_cooperative())  # another cooperative's is its own

    # -- board terms -----------------------------------------------------------------------------

    def test_a_new_term_is_created_on_acceptance_with_the_history_reason(self):
        request = ChangeRequest(cooperative=self.cooperative, kind="pengurus_baru", name="Siti Aminah",
                                role="bendahara", term_start=datetime.date(2025, 1, 1))
        change_request_save(change_request=request, by=self.user, submit=True)
        self.assertFalse(BoardMember.objects.filter(name="Siti Aminah").exists())
        term = self.accept(request)
        self.assertEqual((term.name, term.role, term.cooperative), ("Siti Aminah", "bendahara", self.cooperative))
        self.assertEqual(term.history.get().history_change_reason, REASON)
        request.refresh_from_db()
        self.assertEqual(request.board_member, term)

    def test_a_new_term_needs_its_name_position_and_start(self):
        request = ChangeRequest(cooperative=self.cooperative, kind="pengurus_baru",
                                term_start=datetime.date(2025, 1, 1), term_end=datetime.date(2024, 1, 1))
        with self.assertRaises(ValidationError) as refused:
            change_request_save(change_request=request, by=self.user, submit=True)
        self.assertEqual(set(refused.exception.message_dict), {"name", "role", "term_end"})
        self.assertFalse(ChangeRequest.objects.exists())

    def test_the_same_person_already_sitting_is_shown_and_needs_confirming(self):
        request = make_change_request(self.cooperative, "pengurus_baru", status="disampaikan", name="siti aminah",
                                      role="bendahara", term_start=datetime.date(2025, 1, 1))
        make_board_member(self.cooperative, "bendahara", name="Siti Aminah")
        self.assertEqual(len(changed_since_request(request)), 1)
        with self.assertRaises(ChangedSinceRequest):
            self.accept(request)
        self.assertEqual(BoardMember.objects.filter(name__iexact="siti aminah").count(), 1)
        make_board_member(self.cooperative, "sekretaris", name="Budi")  # another position: no conflict
        self.accept(request, confirmed=True)
        self.assertEqual(BoardMember.objects.filter(name__iexact="siti aminah").count(), 2)

    def test_ending_a_term_writes_the_date_through_the_versioned_path(self):
        term = make_board_member(self.cooperative, "sekretaris", term_start=datetime.date(2023, 1, 1))
        request = make_change_request(self.cooperative, "akhir_jabatan", status="disampaikan", board_member=term,
                                      ended_on=today(), end_reason="Pindah ke luar daerah")
        term.refresh_from_db()
        self.assertIsNone(term.ended_on)
        self.accept(request)
        term.refresh_from_db()
        self.assertEqual((term.ended_on, term.version), (today(), 2))
        self.assertEqual(term.history.order_by("-history_id").first().history_change_reason, REASON)

    def test_ending_ones_own_term_ends_ones_account(self):
        own = self.account.board_member
        request = make_change_request(self.cooperative, "akhir_jabatan", status="disampaikan", board_member=own,
                                      ended_on=today(), end_reason="Mengundurkan diri")
        self.assertTrue(self.user.is_active)
        self.accept(request)
        account = CooperativeAccount.objects.get(pk=self.account.pk)
        self.assertIsNotNone(account.ended_at)
        self.user.refresh_from_db()
        self.assertFalse(self.user.is_active)

    def test_a_term_ending_later_keeps_the_account_until_then(self):
        own = self.account.board_member
        request = make_change_request(self.cooperative, "akhir_jabatan", status="disampaikan", board_member=own,
                                      ended_on=today() + datetime.timedelta(days=30), end_reason="Akhir tahun")
        self.accept(request)
        self.assertIsNone(CooperativeAccount.objects.get(pk=self.account.pk).ended_at)

    def test_a_term_changed_since_the_request_is_shown_and_needs_confirming(self):
        term = make_board_member(self.cooperative, "pengawas")
        request = make_change_request(self.cooperative, "akhir_jabatan", status="disampaikan", board_member=term,
                                      ended_on=today(), end_reason="Meninggal dunia")
        term = remember_loaded(BoardMember.objects.get(pk=term.pk))
        term.ended_on = today() - datetime.timedelta(days=3)
        save_versioned(instance=term, expected_version=1, reason="dari petugas")
        self.assertEqual([s.label for s in changed_since_request(request)], ["berhenti pada"])
        with self.assertRaises(ChangedSinceRequest):
            self.accept(request)
        term.refresh_from_db()
        self.assertEqual(term.ended_on, today() - datetime.timedelta(days=3))

    def test_an_end_needs_a_sitting_term_of_the_cooperative_a_date_after_its_start_and_a_reason(self):
        term = make_board_member(self.cooperative, "pengawas", term_start=datetime.date(2023, 1, 1),
                                 term_end=datetime.date(2030, 12, 31))
        request = ChangeRequest(cooperative=self.cooperative, kind="akhir_jabatan", board_member=term,
                                ended_on=datetime.date(2022, 12, 31))
        self.assertEqual(set(change_request_errors(request)), {"ended_on", "end_reason"})
        request.ended_on, request.end_reason = datetime.date(2023, 1, 1), "Mundur"
        self.assertEqual(change_request_errors(request), {})
        request.ended_on = datetime.date(2031, 1, 1)
        self.assertEqual(set(change_request_errors(request)), {"ended_on"})
        request.ended_on = datetime.date(2030, 12, 31)
        self.assertEqual(change_request_errors(request), {})
        request.board_member = make_board_member(make_cooperative(), "pengawas")
        self.assertEqual(set(change_request_errors(request)), {"board_member"})
        request.board_member = make_board_member(self.cooperative, "pengawas", ended_on=datetime.date(2024, 1, 1))
        self.assertEqual(set(change_request_errors(request)), {"board_member"})

    # -- the steps -------------------------------------------------------------------------------

    def test_return_keeps_the_registry_and_the_note_and_may_be_sent_again(self):
        request = make_change_request(self.cooperative, status="disampaikan", phone="0812999")
        change_request_return(change_request=request, expected_version=1, note="Nomor tidak aktif.", by=self.petugas)
        self.cooperative.refresh_from_db()
        self.assertEqual((self.cooperative.phone, self.cooperative.version), ("0811000", 1))
        request.refresh_from_db()
        self.assertEqual((request.status, request.review_note), (ChangeRequest.Status.RETURNED, "Nomor tidak aktif."))
        self.assertIn("Nomor tidak aktif.", request.history.order_by("-history_id").first().history_change_reason)
        request.phone = "0812888"
        change_request_save(change_request=request, by=self.user, expected_version=2, submit=True)
        self.assertEqual(ChangeRequest.objects.get().status, ChangeRequest.Status.SUBMITTED)

    def test_a_decision_is_taken_once_and_a_sent_request_is_not_edited(self):
        request = make_change_request(self.cooperative, status="disampaikan", phone="0812999")
        with self.assertRaises(ValidationError):
            change_request_save(change_request=request, by=self.user, expected_version=1)
        self.accept(request)
        with self.assertRaises(ValidationError):
            self.accept(request)
        with self.assertRaises(ValidationError):
            change_request_return(change_request=request, expected_version=request.version, note="x", by=self.petugas)
        with self.assertRaises(EditConflict):
            change_request_return(change_request=request, expected_version=1, note="x", by=self.petugas)
        self.assertEqual(Cooperative.objects.get(pk=self.cooperative.pk).version, 2)

    def test_a_draft_is_not_for_review(self):
        request = make_change_request(self.cooperative, phone="0812999")
        with self.assertRaises(ValidationError):
            self.accept(request)
        self.assertEqual(Cooperative.objects.get(pk=self.cooperative.pk).phone, "0811000")
