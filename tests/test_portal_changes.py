"""The pages of a change the board asks for: the portal's forms (own cooperative only, drafts, typed
dates, errors at the top and beside the field) and the review page in /tinjauan/ (beside the record,
accepted with the history reason and the reviewer as its author, returned with a note the board sees,
a record changed since the request shown and confirmed). The services: tests/test_change_requests.py."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from registry.models import BoardMember, ChangeRequest, Cooperative, CooperativeAccount
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    make_board_account,
    make_board_member,
    make_change_request,
    make_cooperative,
    make_submission,
    make_user,
)

REASON = "Disampaikan oleh koperasi, diterima oleh Sri Wahyuni"


class PortalChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(name="Koperasi Kontak", phone="0811000", email="lama@contoh.id",
                                           address="Jl. Lama 1", postcode="75611")
        cls.account = make_board_account(cls.cooperative)
        cls.other = make_cooperative(name="Koperasi Tetangga")
        cls.other_term = make_board_member(cls.other, "sekretaris", name="Orang Lain")

    def setUp(self):
        self.client.force_login(self.account.user)

    def create(self, kind, data, action="kirim"):
        return self.client.post(reverse("registry:portal_change_create", args=[kind]), {**data, "action": action})

    def test_the_contact_form_starts_from_the_record_and_changes_nothing_when_sent(self):
        response = self.client.get(reverse("registry:portal_change_create", args=["kontak"]))
        self.assertEqual(response.context["form"]["phone"].value(), "0811000")
        self.assertContains(response, "Yang tercatat di Dinas sekarang")
        response = self.create("kontak", {"address": "Jl. Baru 2", "postcode": "75611", "phone": "0811000",
                                          "email": "lama@contoh.id"})
        self.assertRedirects(response, reverse("registry:portal_home") + "#perubahan")
        request = ChangeRequest.objects.get()
        self.assertEqual((request.status, request.address, request.submitted_by),
                         (ChangeRequest.Status.SUBMITTED, "Jl. Baru 2", self.account.user))
        cooperative = Cooperative.objects.get(pk=self.cooperative.pk)
        self.assertEqual((cooperative.address, cooperative.version), ("Jl. Lama 1", 1))
        home = self.client.get(reverse("registry:portal_home"))
        self.assertContains(home, "Disampaikan, menunggu tinjauan")
        # A second contact change while one is under way: the page opens the one under way.
        response = self.client.get(reverse("registry:portal_change_create", args=["kontak"]))
        self.assertRedirects(response, reverse("registry:portal_change", args=[request.pk]))
        # ... read-only once sent.
        self.assertIsNone(self.client.get(response["Location"]).context["form"])

    def test_errors_are_listed_at_the_top_and_beside_the_field(self):
        response = self.create("kontak", {"address": "Jl. Lama 1", "postcode": "756", "phone": "0811000",
                                          "email": "bukan-email"})
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(response, 'href="#id_postcode"')
        self.assertContains(response, "Kode pos 5 angka.", count=2)
        self.assertFalse(ChangeRequest.objects.exists())
        response = self.create("kontak", {"address": "Jl. Lama 1", "postcode": "75611", "phone": "0811000",
                                          "email": "lama@contoh.id"})
        self.assertContains(response, "Tidak ada yang diubah")
        self.assertFalse(ChangeRequest.objects.exists())

    def test_a_new_term_typed_the_indonesian_way_saved_as_a_draft_then_sent(self):
        response = self.create("pengurus_baru", {"name": "Siti Aminah", "role": "bendahara",
                                                 "term_start": "01/02/2025", "term_end": ""}, action="draf")
        request = ChangeRequest.objects.get()
        self.assertRedirects(response, reverse("registry:portal_change", args=[request.pk]))
        self.assertEqual((request.status, request.term_start), (ChangeRequest.Status.DRAFT, datetime.date(2025, 2, 1)))
        url = reverse("registry:portal_change", args=[request.pk])
        response = self.client.post(url, {"name": "Siti Aminah", "role": "bendahara", "term_start": "31/02/2025",
                                          "version": 1, "action": "kirim"})
        self.assertContains(response, 'href="#id_term_start"')
        response = self.client.post(url, {"name": "Siti Aminah", "role": "bendahara", "term_start": "01/02/2025",
                                          "term_end": "31/01/2030", "version": 1, "action": "kirim"})
        self.assertRedirects(response, reverse("registry:portal_home") + "#perubahan")
        self.assertEqual(ChangeRequest.objects.get().status, ChangeRequest.Status.SUBMITTED)
        self.assertFalse(BoardMember.objects.filter(name="Siti Aminah").exists())
        page = self.client.get(url)  # read-only once sent: what was asked
        self.assertIsNone(page.context["form"])
        self.assertContains(page, "31/01/2030")
        self.assertContains(page, "Bendahara")

    def test_a_new_term_sent_without_its_person_says_what_is_missing(self):
        response = self.create("pengurus_baru", {"name": "", "role": "", "term_start": ""})
        self.assertEqual(set(response.context["form"].errors), {"name", "role", "term_start"})
        self.assertFalse(ChangeRequest.objects.exists())

    def test_only_the_cooperatives_own_sitting_terms_can_be_ended(self):
        own = self.account.board_member
        page = self.client.get(reverse("registry:portal_change_create", args=["akhir_jabatan"]))
        self.assertContains(page, own.name)
        self.assertNotContains(page, "Orang Lain")
        self.assertFalse(page.context["no_sitting_terms"])
        self.assertContains(page, "akun portal Anda ikut berakhir")
        response = self.create("akhir_jabatan", {"board_member": self.other_term.pk,
                                                 "ended_on": timezone.localdate().strftime("%d/%m/%Y"),
                                                 "end_reason": "Pindah"})
        self.assertIn("board_member", response.context["form"].errors)
        self.assertFalse(ChangeRequest.objects.exists())
        response = self.create("akhir_jabatan", {"board_member": own.pk,
                                                 "ended_on": timezone.localdate().strftime("%d/%m/%Y"),
                                                 "end_reason": "Mengundurkan diri"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ChangeRequest.objects.get().board_member, own)
        # The same term a second time while the first is under way.
        response = self.create("akhir_jabatan", {"board_member": own.pk, "ended_on": "", "end_reason": ""},
                               action="draf")
        self.assertIn("board_member", response.context["form"].errors)
        self.assertEqual(ChangeRequest.objects.count(), 1)
        self.assertIsNone(BoardMember.objects.get(pk=own.pk).ended_on)

    def test_another_cooperatives_request_is_not_found(self):
        theirs = make_change_request(self.other, "kontak", phone="0899")
        url = reverse("registry:portal_change", args=[theirs.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(url, {"phone": "0800", "version": 1, "action": "kirim"})
        self.assertEqual(response.status_code, 404)
        theirs.refresh_from_db()
        self.assertEqual((theirs.phone, theirs.status), ("0899", ChangeRequest.Status.DRAFT))
        self.assertNotContains(self.client.get(reverse("registry:portal_home")), "0899")

    def test_a_returned_request_shows_the_note_and_can_be_corrected(self):
        request = make_change_request(self.cooperative, status="dikembalikan", phone="0812",
                                      review_note="Nomor telepon tidak aktif.")
        self.assertContains(self.client.get(reverse("registry:portal_home")), "Nomor telepon tidak aktif.")
        url = reverse("registry:portal_change", args=[request.pk])
        self.assertContains(self.client.get(url), "Nomor telepon tidak aktif.")
        response = self.client.post(url, {"address": "Jl. Lama 1", "postcode": "75611", "phone": "0812345",
                                          "email": "lama@contoh.id", "version": 1, "action": "kirim"})
        self.assertEqual(response.status_code, 302)
        request.refresh_from_db()
        self.assertEqual((request.status, request.phone), (ChangeRequest.Status.SUBMITTED, "0812345"))


class ChangeReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", first_name="Sri", last_name="Wahyuni")
        cls.cooperative = make_cooperative(name="Koperasi Tinjau", phone="0811000", email="lama@contoh.id")
        cls.account = make_board_account(cls.cooperative)
        cls.contact = make_change_request(cls.cooperative, status="disampaikan", phone="0812999")

    def setUp(self):
        self.client.force_login(self.petugas)

    def decide(self, change, action, *, record_version, note="", confirmed=False):
        data = {"action": action, "note": note, "version": change.version, "record_version": record_version}
        if confirmed:
            data["confirmed"] = "on"
        return self.client.post(reverse("registry:review_change", args=[change.pk]), data)

    def test_the_page_shows_the_request_beside_the_record(self):
        response = self.client.get(reverse("registry:review_change", args=[self.contact.pk]))
        self.assertContains(response, "0812999")
        self.assertContains(response, "0811000")
        self.assertContains(response, 'class="differs"', count=1)
        self.assertNotContains(response, "changed-since-request")

    def test_accept_writes_through_the_history_with_the_reason_and_the_reviewer(self):
        response = self.decide(self.contact, "terima", record_version=1)
        self.assertRedirects(response, reverse("registry:review_queue"))
        cooperative = Cooperative.objects.get(pk=self.cooperative.pk)
        self.assertEqual((cooperative.phone, cooperative.version), ("0812999", 2))
        last = cooperative.history.order_by("-history_id").first()
        self.assertEqual((last.history_change_reason, last.history_user), (REASON, self.petugas))

    def test_return_keeps_the_registry_and_needs_a_note_the_board_sees(self):
        response = self.decide(self.contact, "kembalikan", record_version=1)
        self.assertIn("note", response.context["form"].errors)
        self.decide(self.contact, "kembalikan", record_version=1, note="Nomor tidak aktif.")
        cooperative = Cooperative.objects.get(pk=self.cooperative.pk)
        self.assertEqual((cooperative.phone, cooperative.version), ("0811000", 1))
        self.client.force_login(self.account.user)
        self.assertContains(self.client.get(reverse("registry:portal_home")), "Nomor tidak aktif.")

    def test_a_record_changed_since_the_request_is_shown_and_accepted_only_when_confirmed(self):
        Cooperative.objects.filter(pk=self.cooperative.pk).update(phone="0813777", version=2)
        url = reverse("registry:review_change", args=[self.contact.pk])
        response = self.client.get(url)
        self.assertContains(response, 'id="changed-since-request"')
        self.assertContains(response, "0811000 → 0813777")
        self.assertEqual(response.context["form"]["record_version"].value(), 2)
        response = self.decide(self.contact, "terima", record_version=2)
        self.assertContains(response, "berubah sejak koperasi membuat permintaan ini")
        self.assertEqual(Cooperative.objects.get(pk=self.cooperative.pk).phone, "0813777")
        self.decide(self.contact, "terima", record_version=2, confirmed=True)
        self.assertEqual(Cooperative.objects.get(pk=self.cooperative.pk).phone, "0812999")

    def test_a_record_changed_after_the_page_is_refused(self):
        response = self.decide(self.contact, "terima", record_version=0)
        self.assertContains(response, "berubah setelah halaman ini dibuka")
        self.assertEqual(Cooperative.objects.get(pk=self.cooperative.pk).phone, "0811000")

    def test_accepting_the_end_of_the_boards_own_term_ends_its_account(self):
        own = self.account.board_member
        change = make_change_request(self.cooperative, "akhir_jabatan", status="disampaikan", board_member=own,
                                     ended_on=timezone.localdate(), end_reason="Mengundurkan diri")
        response = self.client.get(reverse("registry:review_change", args=[change.pk]))
        self.assertContains(response, "akunnya berakhir bersama masa jabatannya")
        self.decide(change, "terima", record_version=own.version)
        own.refresh_from_db()
        self.assertEqual(own.ended_on, timezone.localdate())
        self.assertEqual(own.history.order_by("-history_id").first().history_change_reason, REASON)
        self.assertIsNotNone(CooperativeAccount.objects.get(pk=self.account.pk).ended_at)
        self.client.force_login(self.account.user)  # a session opened before: refused now
        self.assertNotEqual(self.client.get(reverse("registry:portal_home")).status_code, 200)

    def test_a_new_term_is_created_with_the_reason(self):
        change = make_change_request(self.cooperative, "pengurus_baru", status="disampaikan", name="Siti Aminah",
                                     role="pengawas", term_start=datetime.date(2025, 1, 1))
        self.assertContains(self.client.get(reverse("registry:review_change", args=[change.pk])), "Siti Aminah")
        self.decide(change, "terima", record_version=0)
        term = BoardMember.objects.get(name="Siti Aminah")
        self.assertEqual((term.role, term.cooperative), ("pengawas", self.cooperative))
        history = term.history.get()
        self.assertEqual((history.history_change_reason, history.history_user), (REASON, self.petugas))

    def test_a_draft_is_not_for_the_dinas(self):
        draft = make_change_request(self.cooperative, "akhir_jabatan", end_reason="belum selesai")
        self.assertEqual(self.client.get(reverse("registry:review_change", args=[draft.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("registry:review_queue")), "Masa jabatan berakhir")

    def test_outside_the_area_is_not_found_and_pimpinan_is_refused(self):
        outside = make_change_request(make_cooperative(kecamatan=MUARA_WAHAU), status="disampaikan", phone="0899")
        url = reverse("registry:review_change", args=[outside.pk])
        post = {"action": "terima", "version": 1, "record_version": 1}
        self.client.force_login(make_limited_petugas())
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, post).status_code, 404)
        self.assertNotContains(self.client.get(reverse("registry:review_queue")), "0899")
        self.client.force_login(make_user("Pimpinan"))
        self.assertEqual(self.client.post(url, post).status_code, 403)
        self.client.force_login(self.account.user)  # a board account: the review is not there for it
        self.assertEqual(self.client.post(url, post).status_code, 404)
        self.assertEqual(Cooperative.objects.get(pk=outside.cooperative_id).version, 1)

    def test_the_queue_lists_the_changes_waiting_in_constant_queries(self):
        make_change_request(make_cooperative(), "pengurus_baru", name="Draf Saja")  # a draft: not for the Dinas
        make_change_request(make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Jauh"), status="disampaikan",
                            phone="1")
        make_submission(self.cooperative, 2024, status="disampaikan")  # the list above it, not empty
        self.client.get(reverse("registry:review_queue"))  # the first request reads the user's access
        # session, user with the access token (permissions, roles, area: registry/access.py), the submissions'
        # count, the change requests (cooperative, desa, kecamatan and term joined), the page of submissions
        with self.assertNumQueries(5):
            response = self.client.get(reverse("registry:review_queue"))
        self.assertEqual(len(response.context["changes"]), 2)
        for role in ("ketua", "sekretaris", "bendahara"):
            cooperative = make_cooperative()
            make_change_request(cooperative, "akhir_jabatan", status="disampaikan",
                                board_member=make_board_member(cooperative, role), ended_on=timezone.localdate(),
                                end_reason="x")
        with self.assertNumQueries(5):
            response = self.client.get(reverse("registry:review_queue"))
        self.assertEqual(len(response.context["changes"]), 5)
        self.assertContains(response, "Masa jabatan berakhir", count=3)
        self.client.force_login(make_limited_petugas())
        response = self.client.get(reverse("registry:review_queue"))
        self.assertNotContains(response, "Koperasi Jauh")
        self.assertContains(response, "Koperasi Tinjau")
