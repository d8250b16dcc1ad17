"""Documents of a submission: type checked by content, size-limited, stored sealed through Django's
storage, served only through the permission-checked view."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from registry.models import SubmissionDocument, last_full_year
from registry.models.portal import document_storage
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    PDF,
    make_board_account,
    make_cooperative,
    make_document,
    make_submission,
    make_user,
)

YEAR = last_full_year()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 32


class UploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.account = make_board_account()
        cls.submission = make_submission(cls.account.cooperative, YEAR)

    def setUp(self):
        self.client.force_login(self.account.user)
        self.url = reverse("registry:portal_document_upload", args=[self.submission.pk])

    def upload(self, data, name="berita-acara.pdf", kind="berita_acara_rat"):
        return self.client.post(self.url, {"kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True)

    def test_pdf_jpeg_png_are_stored_sealed_under_a_random_name(self):
        for data, name, content_type in [(PDF, "ba.pdf", "application/pdf"), (JPEG, "foto.jpg", "image/jpeg"),
                                         (PNG, "foto.png", "image/png")]:
            response = self.upload(data, name)
            self.assertContains(response, "Dokumen tersimpan.")
            document = SubmissionDocument.objects.get(original_name=name)
            self.assertEqual((document.content_type, document.size), (content_type, len(data)))
            self.assertNotIn(name, document.file.name)
            with document_storage().open(document.file.name, "rb") as stored:
                raw = stored.read()
            self.assertNotIn(data, raw)  # sealed: nothing of the document in clear on disk
            self.assertEqual(document.uploaded_by, self.account.user)

    def test_type_comes_from_the_content_not_the_name(self):
        response = self.upload(EXE, "laporan.pdf")
        self.assertContains(response, "Hanya berkas PDF, JPEG atau PNG")
        self.upload(PNG, "foto.pdf")
        self.assertEqual(SubmissionDocument.objects.get().content_type, "image/png")

    @override_settings(DOCUMENT_MAX_BYTES=64)
    def test_size_is_limited(self):
        self.assertContains(self.upload(PDF + b"x" * 64), "Berkas terlalu besar")
        self.assertContains(self.upload(b""), "kosong")
        self.assertFalse(SubmissionDocument.objects.exists())

    def test_a_sent_submission_takes_no_more_documents(self):
        self.submission.status = "disampaikan"
        self.submission.save()
        self.assertContains(self.upload(PDF), "sudah dikirim")
        self.assertFalse(SubmissionDocument.objects.exists())

    def test_another_cooperatives_submission_is_not_found(self):
        other = make_submission(make_cooperative(), YEAR)
        url = reverse("registry:portal_document_upload", args=[other.pk])
        response = self.client.post(url, {"kind": "foto_rat", "file": SimpleUploadedFile("a.pdf", PDF)})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(SubmissionDocument.objects.exists())

    def test_removing_a_document_deletes_its_file_once_committed(self):
        document = make_document(self.submission)
        name = document.file.name
        url = reverse("registry:portal_document_delete", args=[self.submission.pk, document.pk])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url)
        self.assertFalse(SubmissionDocument.objects.exists())
        self.assertFalse(document_storage().exists(name))

    def test_the_submission_page_lists_documents_with_their_link(self):
        document = make_document(self.submission, name="ba-rat.pdf")
        page = self.client.get(reverse("registry:portal_submission", args=[self.submission.pk]))
        self.assertContains(page, reverse("registry:document_download", args=[document.pk]))
        self.assertContains(page, 'enctype="multipart/form-data"')


class DownloadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.account = make_board_account()
        cls.document = make_document(make_submission(cls.account.cooperative, YEAR, status="disampaikan"),
                                     name="ba rat 2025.pdf")
        outside = make_submission(make_cooperative(kecamatan=MUARA_WAHAU), YEAR, status="disampaikan")
        cls.outside_document = make_document(outside)
        cls.url = reverse("registry:document_download", args=[cls.document.pk])

    def test_the_board_and_the_reviewer_get_the_bytes_as_an_attachment(self):
        for user in (self.account.user, make_user("Petugas"), make_limited_petugas()):
            self.client.force_login(user)
            response = self.client.get(self.url)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, PDF)
            self.assertEqual(response["Content-Type"], "application/pdf")
            self.assertTrue(response["Content-Disposition"].startswith("attachment"))
            self.assertIn("no-store", response["Cache-Control"])

    def test_others_are_refused(self):
        self.client.force_login(make_board_account().user)  # another cooperative's board
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(make_limited_petugas())
        outside = reverse("registry:document_download", args=[self.outside_document.pk])
        self.assertEqual(self.client.get(outside).status_code, 404)
        for role in ("Pimpinan", "Verifikator", None):
            self.client.force_login(make_user(role))
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_the_review_page_lists_the_documents(self):
        self.client.force_login(make_user("Petugas"))
        page = self.client.get(reverse("registry:review_detail", args=[self.document.submission_id]))
        self.assertContains(page, "ba rat 2025.pdf")
        self.assertContains(page, self.url)
