"""The assessment workflow beyond the entry page: who may take which step, the submitter never
verifying, the steps offered in Django admin through the same services with their reasons.

Recording and the entry page: tests/test_assessments.py. Who may open which page: tests/access.py.
"""

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from registry.models import Assessment, ExportLog, ImportBatch
from registry.services import assessments as services
from tests.access import make_limited_petugas
from tests.builders import MUARA_WAHAU, make_cooperative, make_user
from tests.test_assessments import ALL_FOURS, YEAR, assessment_for, healthy_records

CHANGELIST = reverse("admin:registry_assessment_changelist")


def submitted_by(user, cooperative=None):
    """A complete assessment submitted by `user`."""
    cooperative = cooperative or make_cooperative()
    healthy_records(cooperative)
    assessment = assessment_for(cooperative, ALL_FOURS, user=user)
    return services.assessment_submit(assessment=assessment, user=user)


class SubmitterDoesNotVerifyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")  # may submit and verify both

    def test_submitter_is_recorded_and_cleared_when_returned(self):
        assessment = submitted_by(self.admin)
        self.assertEqual(assessment.submitted_by, self.admin)
        assessment = services.assessment_return(assessment=assessment, reason="Bukti kurang", user=make_user(
            "Verifikator"))
        self.assertIsNone(assessment.submitted_by)

    def test_the_submitter_cannot_verify(self):
        assessment = submitted_by(self.admin)
        with self.assertRaisesMessage(ValidationError, "Anda sendiri yang mengajukan penilaian ini"):
            services.assessment_verify(assessment=assessment, user=self.admin)
        assessment.refresh_from_db()
        self.assertEqual((assessment.status, assessment.version), ("diajukan", 2))

    def test_another_person_verifies(self):
        assessment = submitted_by(self.admin)
        verifier = make_user("Verifikator")
        assessment = services.assessment_verify(assessment=assessment, user=verifier)
        self.assertEqual((assessment.status, assessment.verified_by, assessment.submitted_by),
                         ("diverifikasi", verifier, self.admin))

    def test_the_page_refuses_the_submitter_with_a_message(self):
        assessment = submitted_by(self.admin)
        url = reverse("registry:assessment_entry", args=[assessment.cooperative_id, YEAR])
        self.client.force_login(self.admin)
        page = self.client.get(url)
        self.assertNotContains(page, "Verifikasi dan kunci")
        self.assertContains(page, "verifikasinya oleh orang lain")
        response = self.client.post(url + "verifikasi/", {"version": assessment.version}, follow=True)
        self.assertContains(response, "Anda sendiri yang mengajukan penilaian ini")
        self.assertEqual(Assessment.objects.get().status, "diajukan")


class AdminWorkflowTests(TestCase):
    """In admin the status is read-only; each step is an action calling the workflow service."""

    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(None, is_staff=True, is_superuser=True)
        cls.petugas = make_user("Petugas")

    def setUp(self):
        self.client.force_login(self.superuser)

    def act(self, action, assessment, **data):
        return self.client.post(CHANGELIST, {"action": action, "_selected_action": [assessment.pk], **data},
                                follow=True)

    def test_status_cannot_be_edited_in_the_change_form(self):
        assessment = submitted_by(self.petugas)
        change = reverse("admin:registry_assessment_change", args=[assessment.pk])
        page = self.client.get(change)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="status"')
        self.client.post(change, {"status": "draf"})
        self.assertEqual(Assessment.objects.get().status, "diajukan")

    def test_return_asks_a_reason_then_goes_through_the_service(self):
        assessment = submitted_by(self.petugas)
        page = self.act("return_step", assessment)
        self.assertContains(page, "Kembalikan ke penilai")
        self.assertContains(page, 'name="reason"')
        self.assertEqual(Assessment.objects.get().status, "diajukan")
        page = self.act("return_step", assessment, apply="1", reason=" ")
        self.assertContains(page, "errornote")
        self.assertEqual(Assessment.objects.get().status, "diajukan")
        self.act("return_step", assessment, apply="1", reason="Bukti RAT kurang")
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, "dikembalikan")
        self.assertEqual(assessment.history.first().history_change_reason, "Dikembalikan: Bukti RAT kurang")
        self.assertEqual(assessment.history.first().history_user, self.superuser)

    def test_verify_and_reopen_keep_their_reasons(self):
        assessment = submitted_by(self.petugas)
        self.act("verify_step", assessment, apply="1", reason="Sesuai bukti")
        assessment.refresh_from_db()
        self.assertEqual((assessment.status, assessment.verified_by), ("diverifikasi", self.superuser))
        self.assertEqual(assessment.history.first().history_change_reason, "Diverifikasi: Sesuai bukti")
        page = self.act("reopen_step", assessment, apply="1", reason="")
        self.assertContains(page, "errornote")
        self.act("reopen_step", assessment, apply="1", reason="Temuan baru")
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, "draf")
        self.assertEqual(assessment.history.first().history_change_reason, "Dibuka kembali: Temuan baru")

    def test_a_step_from_the_wrong_status_or_by_the_submitter_is_refused_with_a_message(self):
        assessment = submitted_by(self.superuser)
        page = self.act("verify_step", assessment, apply="1", reason="")
        self.assertContains(page, "Anda sendiri yang mengajukan penilaian ini")
        page = self.act("reopen_step", assessment, apply="1", reason="Salah")
        self.assertContains(page, "tidak bisa diubah menjadi")
        self.assertEqual(Assessment.objects.get().status, "diajukan")

    def test_submit_action(self):
        cooperative = make_cooperative()
        healthy_records(cooperative)
        assessment = assessment_for(cooperative, ALL_FOURS, user=self.petugas)
        page = self.act("submit_step", assessment)
        self.assertContains(page, "Ajukan untuk verifikasi: 1 penilaian.")
        assessment.refresh_from_db()
        self.assertEqual((assessment.status, assessment.submitted_by), ("diajukan", self.superuser))

    def test_steps_offered_by_permission(self):
        admin_dinas = make_user("Admin Dinas", is_staff=True)
        self.client.force_login(admin_dinas)
        actions = [name for name, _label in self.client.get(CHANGELIST).context["action_form"].fields[
            "action"].choices if name]
        self.assertEqual(actions, ["submit_step", "verify_step", "return_step", "reopen_step"])


class AdminAreaTests(TestCase):
    """Assessments, import batches and the export log in admin: whole-district staff only, as every record."""

    def test_limited_staff_gets_none_of_them(self):
        limited = make_user("Admin Dinas", is_staff=True, kecamatan=[MUARA_WAHAU])
        assessment = submitted_by(make_user("Petugas"), make_cooperative(kecamatan=MUARA_WAHAU))
        batch = ImportBatch.objects.create(kind="anggota", file_name="a.csv", user=limited)
        export = ExportLog.objects.create(user=limited, kind="anggota", file_format="csv",
                                          status=ExportLog.Status.PREPARING)
        self.client.force_login(limited)
        for model, pk in (("assessment", assessment.pk), ("importbatch", batch.pk), ("exportlog", export.pk)):
            with self.subTest(model=model):
                self.assertEqual(self.client.get(reverse(f"admin:registry_{model}_changelist")).status_code, 403)
                self.assertEqual(self.client.get(reverse(f"admin:registry_{model}_change", args=[pk])).status_code,
                                 403)
        response = self.client.post(reverse("admin:registry_assessment_changelist"), {
            "action": "return_step", "_selected_action": [assessment.pk], "apply": "1", "reason": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Assessment.objects.get().status, "diajukan")

    def test_whole_district_staff_reads_them(self):
        admin = make_user("Admin Dinas", is_staff=True)
        ImportBatch.objects.create(kind="anggota", file_name="a.csv", user=admin)
        ExportLog.objects.create(user=admin, kind="anggota", file_format="csv", status=ExportLog.Status.PREPARING)
        self.client.force_login(admin)
        for model in ("assessment", "importbatch", "exportlog"):
            with self.subTest(model=model):
                self.assertEqual(self.client.get(reverse(f"admin:registry_{model}_changelist")).status_code, 200)

    def test_limited_petugas_is_not_staff(self):
        self.client.force_login(make_limited_petugas())
        self.assertEqual(self.client.get(CHANGELIST).status_code, 302)


class ReturnAndLockTests(TestCase):
    """A submitted assessment is locked for the assessor until the verifier returns it with a note."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", first_name="Rina", last_name="Penilai")
        cls.verifier = make_user("Verifikator", first_name="Budi", last_name="Verifikator")

    def setUp(self):
        self.assessment = submitted_by(self.petugas)
        self.url = reverse("registry:assessment_entry", args=[self.assessment.cooperative_id, YEAR])

    def save(self, levels=ALL_FOURS, **extra):
        from tests.test_assessments import entry_data

        assessment = Assessment.objects.get()
        return self.client.post(self.url, entry_data(levels, version=assessment.version, **extra), follow=True)

    def test_submitted_is_locked_for_the_assessor(self):
        self.client.force_login(self.petugas)
        page = self.client.get(self.url)
        self.assertContains(page, "terkunci sampai Verifikator mengembalikannya")
        self.assertNotContains(page, 'type="radio"')
        self.assertNotContains(page, "Simpan penilaian")
        response = self.save(dict(ALL_FOURS, R4=1))
        self.assertContains(response, "terkunci sampai Verifikator mengembalikannya")
        self.assertEqual(Assessment.objects.get().scores.get(indicator__code="R4").level, 4)
        with self.assertRaisesMessage(ValidationError, "terkunci sampai Verifikator mengembalikannya"):
            services.assessment_record(
                cooperative=self.assessment.cooperative, year=YEAR, entries={}, expected_version=2, user=self.petugas)

    def test_return_needs_a_note(self):
        for note in ("", "   "):
            with self.subTest(note=note), self.assertRaises(ValidationError):
                services.assessment_return(assessment=self.assessment, reason=note, user=self.verifier)
        self.client.force_login(self.verifier)
        response = self.client.post(self.url + "kembalikan/", {"reason": "", "version": 2}, follow=True)
        self.assertContains(response, "Alasan wajib diisi.")
        self.assertEqual(Assessment.objects.get().status, "diajukan")

    def test_who_may_return(self):
        # Verifikator and Admin Dinas (verify_assessment); the assessor, Pimpinan and no role may not.
        for role, status in (("Petugas", 403), ("Pimpinan", 403), (None, 403), ("Admin Dinas", 302),
                             ("Verifikator", 302)):
            with self.subTest(role=role):
                Assessment.objects.filter(pk=self.assessment.pk).update(status="diajukan")
                self.client.force_login(make_user(role))
                response = self.client.post(self.url + "kembalikan/", {"reason": "Bukti kurang"})
                self.assertEqual(response.status_code, status)
                self.assertEqual(Assessment.objects.get().status, "dikembalikan" if status == 302 else "diajukan")

    def test_only_a_submitted_assessment_is_returned(self):
        verified = services.assessment_verify(assessment=self.assessment, user=self.verifier)
        with self.assertRaisesMessage(ValidationError, "tidak bisa diubah menjadi Dikembalikan"):
            services.assessment_return(assessment=verified, reason="Terlambat", user=self.verifier)

    def test_returned_with_a_note_shown_to_the_assessor_then_edited_and_submitted_again(self):
        self.client.force_login(self.verifier)
        self.client.post(self.url + "kembalikan/", {"reason": "Bukti RAT 2024 belum dilampirkan", "version": 2})
        assessment = Assessment.objects.get()
        self.assertEqual((assessment.status, assessment.returned_by, assessment.return_note),
                         ("dikembalikan", self.verifier, "Bukti RAT 2024 belum dilampirkan"))
        history = list(assessment.history.order_by("history_id").values_list("status", "history_change_reason"))
        self.assertEqual(history[-1], ("dikembalikan", "Dikembalikan: Bukti RAT 2024 belum dilampirkan"))
        self.client.force_login(self.petugas)
        page = self.client.get(self.url)
        self.assertContains(page, "Dikembalikan oleh Budi Verifikator pada")
        self.assertContains(page, "Bukti RAT 2024 belum dilampirkan")
        self.assertContains(page, 'type="radio"')
        response = self.save(dict(ALL_FOURS, R4=3))
        self.assertContains(response, "Penilaian tersimpan.")
        self.client.post(self.url + "ajukan/", {"version": Assessment.objects.get().version})
        assessment = Assessment.objects.get()
        self.assertEqual((assessment.status, assessment.submitted_by), ("diajukan", self.petugas))
        self.assertNotContains(self.client.get(self.url), 'id="return-note"')
