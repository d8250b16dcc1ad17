"""No NIK typed into what the board and the Dinas write to each other: every free-text field of the
portal's submission and change-request forms, the Petugas's review note (return) and a document's
file name refuse a 16-digit number (also grouped with spaces, dots or dashes, as `contains_nik` reads
it), through the real views; nothing of a refused entry is stored, history included. Fifteen and
seventeen digits are not a NIK and pass.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from registry.models import ChangeRequest, Submission, SubmissionDocument, last_full_year
from tests.builders import PDF, make_board_account, make_change_request, make_submission, make_user
from tests.test_write_path import rendered

YEAR = last_full_year()
NIK = "6408014107900001"
REFUSED = "tidak boleh memuat NIK"

# What a NIK looks like typed into a sentence, and the numbers beside it that are none.
TYPED_NIKS = [
    NIK,
    "6408 0141 0790 0001",
    "6408.0141.0790.0001",
    "6408-0141-0790-0001",
    f"KTP {NIK}",
]
NOT_NIKS = [
    "640801410790000",  # 15 digits
    "64080141079000012",  # 17 digits: a longer run of digits is left alone
    "6408 0141 0790 000",  # 15 digits in groups
]


class PortalFormTests(TestCase):
    """The board's own forms, as a board member signed in to the portal sends them."""

    @classmethod
    def setUpTestData(cls):
        cls.account = make_board_account(role="ketua")
        cls.cooperative = cls.account.cooperative

    def setUp(self):
        self.client.force_login(self.account.user)

    def assert_refused(self, response, field, label, model, typed):
        """The form again with the refusal on the field; the typed value stored nowhere, history included."""
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"{label} {REFUSED}.", response.context["form"].errors[field])
        self.assertFalse(model.objects.filter(**{field: typed}).exists())
        self.assertFalse(model.history.filter(**{field: typed}).exists())

    def test_the_rat_decisions_of_a_submission(self):
        url = reverse("registry:portal_submission_create")
        for value in TYPED_NIKS:
            with self.subTest(value=value):
                response = self.client.post(url, {"year": YEAR, "rat_decisions": value})
                self.assert_refused(response, "rat_decisions", "Keputusan RAT", Submission, value)
        for value in NOT_NIKS:
            with self.subTest(value=value):
                response = self.client.post(url, {"year": YEAR, "rat_decisions": value})
                submission = Submission.objects.get(cooperative=self.cooperative, year=YEAR)
                self.assertRedirects(response, reverse("registry:portal_submission", args=[submission.pk]))
                self.assertEqual(submission.rat_decisions, value)
                submission.delete()

    def test_the_rat_decisions_of_a_draft_saved_again(self):
        submission = make_submission(self.cooperative, YEAR, rat_decisions="Pembagian SHU")
        url = reverse("registry:portal_submission", args=[submission.pk])
        data = {**rendered(self.client.get(url).context["form"]), "rat_decisions": f"Pengurus baru NIK {NIK}"}
        response = self.client.post(url, {**data, "action": "kirim"})
        self.assertIn(f"Keputusan RAT {REFUSED}.", response.context["form"].errors["rat_decisions"])
        submission.refresh_from_db()
        self.assertEqual((submission.rat_decisions, submission.version, submission.status),
                         ("Pembagian SHU", 1, Submission.Status.DRAFT))

    def change_form(self, kind, **values):
        url = reverse("registry:portal_change_create", args=[kind])
        return url, {**rendered(self.client.get(url).context["form"]), **values}

    def test_the_name_of_a_new_term(self):
        url, data = self.change_form("pengurus_baru", role="pengawas", sex="P", term_start="01/01/2026")
        for value in TYPED_NIKS:
            with self.subTest(value=value):
                response = self.client.post(url, {**data, "name": value})
                self.assert_refused(response, "name", "Nama", ChangeRequest, value)
        for value in NOT_NIKS:
            with self.subTest(value=value):
                self.assertEqual(self.client.post(url, {**data, "name": value}).status_code, 302)
                self.assertEqual(ChangeRequest.objects.get(cooperative=self.cooperative).name, value)
                ChangeRequest.objects.all().delete()

    def test_the_reason_a_term_ended(self):
        term = self.account.board_member
        url, data = self.change_form("akhir_jabatan", board_member=term.pk,
                                     ended_on=datetime.date.today().strftime("%d/%m/%Y"))
        for value in TYPED_NIKS:
            with self.subTest(value=value):
                typed = f"Mengundurkan diri ({value})"
                response = self.client.post(url, {**data, "end_reason": typed})
                self.assert_refused(response, "end_reason", "Alasan berhenti", ChangeRequest, typed)
        for value in NOT_NIKS:
            with self.subTest(value=value):
                self.assertEqual(self.client.post(url, {**data, "end_reason": value}).status_code, 302)
                self.assertEqual(ChangeRequest.objects.get(cooperative=self.cooperative).end_reason, value)
                ChangeRequest.objects.all().delete()

    def test_every_contact_field(self):
        # The postcode is no free text: five digits at most, a NIK never fits it. An e-mail address
        # takes no spaces (refused as no address before any NIK is looked for).
        url, data = self.change_form("kontak")
        fields = {"address": ("Alamat", "Jl. Poros {}"), "phone": ("Telepon", "{}"),
                  "email": ("Email", "{}@contoh.id")}
        for field, (label, written) in fields.items():
            for value in TYPED_NIKS if field != "email" else [v for v in TYPED_NIKS if " " not in v]:
                with self.subTest(field=field, value=value):
                    typed = written.format(value)
                    response = self.client.post(url, {**data, field: typed})
                    self.assert_refused(response, field, label, ChangeRequest, typed)
            for value in NOT_NIKS if field != "email" else NOT_NIKS[:2]:
                with self.subTest(field=field, value=value):
                    self.assertEqual(self.client.post(url, {**data, field: written.format(value)}).status_code, 302)
                    change = ChangeRequest.objects.get(cooperative=self.cooperative)
                    self.assertEqual(getattr(change, field), written.format(value))
                    change.delete()

    def test_a_documents_file_name(self):
        submission = make_submission(self.cooperative, YEAR)
        url = reverse("registry:portal_document_upload", args=[submission.pk])
        for value in TYPED_NIKS:
            with self.subTest(value=value):
                upload = SimpleUploadedFile(f"{value}.pdf", PDF)
                response = self.client.post(url, {"kind": "berita_acara_rat", "file": upload}, follow=True)
                self.assertContains(response, "Nama berkas tidak boleh memuat NIK")
                self.assertFalse(SubmissionDocument.objects.filter(submission=submission).exists())
        for value in NOT_NIKS:
            with self.subTest(value=value):
                upload = SimpleUploadedFile(f"{value}.pdf", PDF)
                self.client.post(url, {"kind": "berita_acara_rat", "file": upload}, follow=True)
                self.assertEqual(SubmissionDocument.objects.get(submission=submission).original_name, f"{value}.pdf")
                SubmissionDocument.objects.all().delete()


class ReviewNoteTests(TestCase):
    """The note a Petugas returns a submission or a change request with, on the /tinjauan/ pages."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.account = make_board_account(role="ketua")
        cls.cooperative = cls.account.cooperative

    def setUp(self):
        self.client.force_login(self.petugas)

    def returned(self, url, note):
        form = self.client.get(url).context["form"]
        return self.client.post(url, {"version": form["version"].value(),
                                      "record_version": form["record_version"].value(),
                                      "action": "kembalikan", "note": note})

    def assert_note_refused(self, response, record):
        self.assertIn(f"Catatan untuk koperasi {REFUSED}.", response.context["form"].errors["note"])
        record.refresh_from_db()
        self.assertEqual((record.status, record.review_note, record.version), ("disampaikan", "", 1))
        self.assertFalse(record.history.filter(review_note__contains="0001").exists())

    def test_returning_a_submission(self):
        for year, value in enumerate(TYPED_NIKS, start=YEAR - len(TYPED_NIKS)):
            with self.subTest(value=value):
                submission = make_submission(self.cooperative, year, status="disampaikan")
                response = self.returned(reverse("registry:review_detail", args=[submission.pk]),
                                         f"Lampirkan KTP anggota {value}")
                self.assert_note_refused(response, submission)
        for year, value in enumerate(NOT_NIKS, start=YEAR - 2 * len(TYPED_NIKS)):
            with self.subTest(value=value):
                submission = make_submission(self.cooperative, year, status="disampaikan")
                response = self.returned(reverse("registry:review_detail", args=[submission.pk]), value)
                self.assertRedirects(response, reverse("registry:review_queue"), fetch_redirect_response=False)
                submission.refresh_from_db()
                self.assertEqual((submission.status, submission.review_note), ("dikembalikan", value))

    def test_returning_a_change_request(self):
        def change():
            return make_change_request(self.cooperative, "pengurus_baru", status="disampaikan", name="Siti Aminah",
                                       role="pengawas", term_start=datetime.date(2025, 1, 1))
        for value in TYPED_NIKS:
            with self.subTest(value=value):
                request = change()
                response = self.returned(reverse("registry:review_change", args=[request.pk]), value)
                self.assert_note_refused(response, request)
        for value in NOT_NIKS:
            with self.subTest(value=value):
                request = change()
                response = self.returned(reverse("registry:review_change", args=[request.pk]), value)
                self.assertEqual(response.status_code, 302)
                request.refresh_from_db()
                self.assertEqual((request.status, request.review_note), ("dikembalikan", value))

    def test_the_refusal_in_english(self):
        submission = make_submission(self.cooperative, YEAR, status="disampaikan")
        self.client.cookies["django_language"] = "en"
        response = self.returned(reverse("registry:review_detail", args=[submission.pk]), NIK)
        self.assertIn("Note to the cooperative must not contain a NIK.", response.context["form"].errors["note"])
