"""A new record that a unique constraint allows once, saved by two people at the same moment: the second
is told the record was just made by someone else, with a link to it, and gets their form back with
their input, never an error page.

On PostgreSQL each person has their own connection (as two gunicorn workers would): the first holds
its insert uncommitted (a Gate) while the second posts the real form, whose insert waits on the
unique index; the first commits and the second meets the constraint. On SQLite the same collision is
simulated: the other person's record lands just before the form's own insert.
"""

import contextlib
import datetime
from unittest import mock

import pytest
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.urls import reverse

from registry import mixins
from registry.admin import base as admin_base
from registry.models import (
    Assessment,
    ChangeRequest,
    Cooperative,
    IndicatorScore,
    Member,
    OutsideParty,
    RubricCondition,
    RubricIndicator,
    RubricVersion,
    Submission,
    TrainingParticipant,
    YearlyReport,
    last_full_year,
)
from registry.services import assessments as assessment_services
from registry.services import creation, rubrics
from tests.builders import (
    make_board_account,
    make_board_member,
    make_cooperative,
    make_member,
    make_outside_party,
    make_report,
    make_submission,
    make_training,
    make_user,
)
from tests.races import Gate, Worker, blocked
from tests.test_concurrent_writes import DATABASE_TASKS
from tests.test_write_path import rendered

YEAR = last_full_year()
NIK = "6408014107900001"
NOMOR_INDUK = "6408010000777"
JUST_RECORDED = "baru saja dicatat orang lain"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(client, url, **values):
    """What the page's form sends back on "Simpan", with `values` typed in."""
    return {**rendered(client.get(url).context["form"]), **values}


def report_values():
    return {"year": YEAR, "members_male": "40", "members_female": "35", "modal_sendiri": "1.250.000",
            "cash": "75.000", "change_reason": "Dari buku RAT"}


def member_values(cooperative):
    return {"name": "Siti Rahmawati", "nik": NIK, "sex": "P", "desa": cooperative.desa_id}


def cooperative_values():
    return {"name": "Koperasi Sawit Baru", "nomor_induk": NOMOR_INDUK, "jenis": Cooperative.Jenis.PRODUCER,
            "kelompok": Cooperative.Kelompok.PLANTATION, "sector": Cooperative.Sector.PALM_OIL}


class Assertions:
    def assert_refused_with_link(self, response, link, *typed):
        """The form again (200, not saved), the refusal naming a link to what is on record, the input kept."""
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, JUST_RECORDED)
        self.assertContains(response, f'href="{link}"')
        for value in typed:
            self.assertContains(response, value)


# PostgreSQL: two connections


def insert_held(gate, model, thread="first"):
    """The new `model` row saved in the thread named `thread` stays uncommitted until the gate is let go
    (held right after the INSERT and its history row, inside the transaction of the write path)."""
    return mock.patch.object(model, "save", gate.wrap(model.save, thread=thread))


@pytest.mark.postgres
@override_settings(TASKS=DATABASE_TASKS)
class ConcurrentCreateTests(Assertions, TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.sri = make_user("Petugas", first_name="Sri")
        self.rahmat = make_user("Petugas", first_name="Rahmat")
        self.cooperative = make_cooperative(name="Koperasi Laporan Ganda")

    def race(self, first, second, model):
        """`first` inserts and holds its transaction open; `second` posts meanwhile and waits on the index."""
        gate = Gate()
        with insert_held(gate, model):
            one = Worker("first", first)
            one.start()
            assert gate.reached.wait(30)
            two = Worker("second", second)
            two.start()
            self.assertTrue(blocked(two))  # waits on the unique index for the first transaction
            gate.go.set()
            one.finish()
            two.finish()
        self.assertEqual((one.error, two.error), (None, None))
        return one.result, two.result

    def test_a_staff_report_meeting_an_accepted_submission_is_refused_with_a_link_and_the_input_kept(self):
        submission = make_submission(self.cooperative, YEAR, status="disampaikan", cash=77_000_000)
        review_url = reverse("registry:review_detail", args=[submission.pk])
        reviewer = client_for(self.sri)
        form = reviewer.get(review_url).context["form"]
        accept = {"version": form["version"].value(), "record_version": form["record_version"].value(),
                  "action": "terima", "note": ""}
        staff = client_for(self.rahmat)
        create_url = reverse("registry:yearlyreport_create", args=[self.cooperative.pk])
        data = form_data(staff, create_url, **report_values())
        one, two = self.race(lambda: reviewer.post(review_url, accept), lambda: staff.post(create_url, data),
                             YearlyReport)
        self.assertRedirects(one, reverse("registry:review_queue"), fetch_redirect_response=False)
        [report] = YearlyReport.objects.filter(cooperative=self.cooperative, year=YEAR)
        self.assert_refused_with_link(
            two, reverse("registry:yearlyreport_update", args=[self.cooperative.pk, report.pk]), "1.250.000",
            "Dari buku RAT")
        self.assertEqual((report.cash, report.version, report.history.count()), (77_000_000, 1, 1))
        submission.refresh_from_db()
        self.assertEqual(submission.status, Submission.Status.ACCEPTED)

    def test_two_staff_creating_the_same_report_year_make_it_once(self):
        create_url = reverse("registry:yearlyreport_create", args=[self.cooperative.pk])
        sri, rahmat = client_for(self.sri), client_for(self.rahmat)
        first = form_data(sri, create_url, **{**report_values(), "cash": "10.000"})
        second = form_data(rahmat, create_url, **report_values())
        one, two = self.race(lambda: sri.post(create_url, first), lambda: rahmat.post(create_url, second),
                             YearlyReport)
        self.assertEqual(one.status_code, 302)
        [report] = YearlyReport.objects.filter(cooperative=self.cooperative, year=YEAR)
        self.assert_refused_with_link(
            two, reverse("registry:yearlyreport_update", args=[self.cooperative.pk, report.pk]), "75.000")
        self.assertEqual((report.cash, report.history.count()), (10_000, 1))

    def test_two_staff_adding_the_same_nik_to_a_cooperative_make_one_member(self):
        url = reverse("registry:member_create", args=[self.cooperative.pk])
        sri, rahmat = client_for(self.sri), client_for(self.rahmat)
        first = form_data(sri, url, **member_values(self.cooperative))
        second = form_data(rahmat, url, **{**member_values(self.cooperative), "name": "Siti R."})
        one, two = self.race(lambda: sri.post(url, first), lambda: rahmat.post(url, second), Member)
        self.assertEqual(one.status_code, 302)
        [member] = Member.objects.filter(cooperative=self.cooperative)
        self.assert_refused_with_link(two, reverse("registry:member_detail", args=[member.pk]), "Siti R.")
        self.assertEqual((member.name, member.history.count()), ("Siti Rahmawati", 1))

    def test_two_staff_recording_cooperatives_with_one_nomor_induk_make_one(self):
        url = reverse("registry:cooperative_create")
        sri, rahmat = client_for(self.sri), client_for(self.rahmat)
        first = form_data(sri, url, **cooperative_values(), desa=self.cooperative.desa_id)
        second = form_data(rahmat, url, **{**cooperative_values(), "name": "Koperasi Sawit Kedua"},
                           desa=self.cooperative.desa_id)
        one, two = self.race(lambda: sri.post(url, first), lambda: rahmat.post(url, second), Cooperative)
        self.assertEqual(one.status_code, 302)
        [recorded] = Cooperative.objects.filter(nomor_induk=NOMOR_INDUK)
        self.assert_refused_with_link(two, reverse("registry:cooperative_detail", args=[recorded.pk]),
                                      "Koperasi Sawit Kedua")
        self.assertEqual(recorded.name, "Koperasi Sawit Baru")

    def test_two_staff_adding_one_board_member_to_a_training_record_them_once(self):
        training = make_training(start_date=datetime.date(YEAR, 5, 1), end_date=datetime.date(YEAR, 5, 2))
        term = make_board_member(self.cooperative, "ketua", name="Budi Santoso",
                                 term_start=datetime.date(YEAR - 2, 1, 1))
        url = reverse("registry:trainingparticipant_add", args=[training.pk]) + f"?koperasi={self.cooperative.pk}"
        sri, rahmat = client_for(self.sri), client_for(self.rahmat)
        data = {"koperasi": self.cooperative.pk, "board_members": [term.pk], "attended": "on"}
        staff = {**data, "staff": "Ani Lestari; kasir"}
        one, two = self.race(lambda: sri.post(url, data), lambda: rahmat.post(url, staff), TrainingParticipant)
        self.assertEqual(one.status_code, 302)
        self.assert_refused_with_link(two, reverse("registry:training_detail", args=[training.pk]), "Ani Lestari")
        self.assertContains(two, "Budi Santoso baru saja dicatat orang lain sebagai peserta pelatihan ini.")
        # Nothing of the refused batch stays, the staff member typed beside it included.
        self.assertEqual(list(TrainingParticipant.objects.filter(training=training).values_list("name", flat=True)),
                         ["Budi Santoso"])

    def test_two_board_members_starting_the_same_year_make_one_submission(self):
        ketua = make_board_account(self.cooperative, role="ketua")
        bendahara = make_board_account(self.cooperative, role="bendahara")
        url = reverse("registry:portal_submission_create")
        first, second = client_for(ketua.user), client_for(bendahara.user)
        data = {"year": YEAR, "rat_decisions": "Pembagian SHU"}
        one, two = self.race(lambda: first.post(url, data), lambda: second.post(url, {**data, "cash": "5.000"}),
                             Submission)
        self.assertEqual(one.status_code, 302)
        [submission] = Submission.objects.filter(cooperative=self.cooperative, year=YEAR)
        self.assertEqual(two.status_code, 200)
        self.assertContains(two, "baru saja dibuat pengurus lain")
        self.assertContains(two, f'href="{reverse("registry:portal_submission", args=[submission.pk])}"')
        self.assertContains(two, "5.000")
        self.assertEqual((submission.created_by, submission.cash), (ketua.user, None))

    def test_two_board_members_starting_a_contact_change_make_one_request(self):
        ketua = make_board_account(self.cooperative, role="ketua")
        bendahara = make_board_account(self.cooperative, role="bendahara")
        url = reverse("registry:portal_change_create", args=["kontak"])
        first, second = client_for(ketua.user), client_for(bendahara.user)
        data = form_data(first, url, phone="0812111")
        other = form_data(second, url, phone="0812222")
        one, two = self.race(lambda: first.post(url, data), lambda: second.post(url, other), ChangeRequest)
        self.assertEqual(one.status_code, 302)
        [change] = ChangeRequest.objects.filter(cooperative=self.cooperative)
        self.assertEqual(two.status_code, 200)
        self.assertContains(two, "baru saja dibuat pengurus lain")
        self.assertContains(two, f'href="{reverse("registry:portal_change", args=[change.pk])}"')
        self.assertContains(two, "0812222")
        self.assertEqual(change.phone, "0812111")


    def test_two_staff_preparing_the_same_year_prepare_it_once(self):
        year = YEAR - 1
        url = reverse("registry:assessment_prepare")
        sri, rahmat = client_for(self.sri), client_for(self.rahmat)
        gate = Gate()
        held = gate.wrap(assessment_services.bulk_create_with_history, thread="first")
        with mock.patch.object(assessment_services, "bulk_create_with_history", held):
            one = Worker("first", lambda: sri.post(url, {"year": year}, follow=True))
            one.start()
            assert gate.reached.wait(30)
            two = Worker("second", lambda: rahmat.post(url, {"year": year}, follow=True))
            two.start()
            self.assertTrue(blocked(two))  # waits on the unique index for the first run's assessments
            gate.go.set()
            one.finish()
            two.finish()
        self.assertEqual((one.error, two.error), (None, None))
        self.assertContains(one.result, f"Tahun {year}: 1 penilaian draf dibuat")
        self.assertContains(two.result, f"Sebagian penilaian tahun {year} baru saja dibuat orang lain bersamaan")
        [assessment] = Assessment.objects.filter(year=year)
        self.assertEqual((assessment.cooperative, assessment.assessed_by), (self.cooperative, self.sri))
        self.assertEqual(assessment.history.count(), 1)

    def test_two_admins_adding_one_outside_party_add_it_once(self):
        first, second = make_user("Admin Dinas", is_staff=True), make_user("Admin Dinas", is_staff=True)
        url = reverse("admin:registry_outsideparty_add")
        data = {"name": "PT Sawit Timur", "kind": "perusahaan_perkebunan"}
        dina, rudi = client_for(first), client_for(second)
        one, two = self.race(lambda: dina.post(url, data), lambda: rudi.post(url, {**data, "notes": "Kaliorang"}),
                             OutsideParty)
        self.assertEqual(one.status_code, 302)
        self.assertEqual(two.status_code, 200)
        self.assertContains(two, "Data yang sama baru saja dicatat orang lain.")
        self.assertIn("name", two.context["adminform"].form.errors)
        self.assertContains(two, "Kaliorang")
        [party] = OutsideParty.objects.all()
        self.assertEqual([h.history_user for h in party.history.all()], [first])

    def test_two_admins_adding_one_rubric_version_add_it_once(self):
        first, second = make_user("Admin Dinas", is_staff=True), make_user("Admin Dinas", is_staff=True)
        url = reverse("admin:registry_rubricversion_add")
        dina, rudi = client_for(first), client_for(second)
        one, two = self.race(lambda: dina.post(url, rubric_version_values()),
                             lambda: rudi.post(url, rubric_version_values(notes="Usulan Rudi")), RubricVersion)
        self.assertEqual(one.status_code, 302)
        self.assertEqual(two.status_code, 200)
        self.assertContains(two, "Data yang sama baru saja dicatat orang lain.")
        self.assertContains(two, "Usulan Rudi")
        [version] = RubricVersion.objects.filter(year=RUBRIC_YEAR)
        self.assertEqual([h.history_user for h in version.history.all()], [first])

# SQLite (and PostgreSQL): the other person's record lands just before the form's own insert


@contextlib.contextmanager
def recorded_meanwhile(module, make):
    """`make()` records the competing row (committed, as far as this connection can tell) just before
    the insert of the form's own record, which `module` makes through its `insert_once`."""
    made = []

    def insert(**kwargs):
        if not made:
            made.append(make())
        return creation.insert_once(**kwargs)

    with mock.patch.object(module, "insert_once", insert):
        yield made


class CollisionMessageTests(Assertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative(name="Koperasi Satu Tahun")

    def setUp(self):
        self.client.force_login(self.petugas)

    def test_a_report_recorded_meanwhile(self):
        url = reverse("registry:yearlyreport_create", args=[self.cooperative.pk])
        data = form_data(self.client, url, **report_values())
        with recorded_meanwhile(mixins, lambda: make_report(self.cooperative, YEAR, cash=5)) as made:
            response = self.client.post(url, data)
        [report] = YearlyReport.objects.filter(cooperative=self.cooperative)
        self.assertEqual(made, [report])
        self.assert_refused_with_link(
            response, reverse("registry:yearlyreport_update", args=[self.cooperative.pk, report.pk]), "1.250.000",
            "Dari buku RAT")
        self.assertContains(response, f"Laporan tahun {YEAR} koperasi ini baru saja dicatat orang lain")
        self.assertEqual(report.cash, 5)
        # The form as shown saves nothing more: its year is now taken, which the form itself says.
        response = self.client.post(url, rendered(response.context["form"]))
        self.assertContains(response, "Laporan tahun ini sudah ada untuk koperasi ini.")

    def test_a_report_recorded_meanwhile_in_english(self):
        url = reverse("registry:yearlyreport_create", args=[self.cooperative.pk])
        data = form_data(self.client, url, **report_values())
        self.client.cookies["django_language"] = "en"
        with recorded_meanwhile(mixins, lambda: make_report(self.cooperative, YEAR)):
            response = self.client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, f"The {YEAR} report of this cooperative was just recorded by someone else")

    def test_a_member_recorded_meanwhile(self):
        url = reverse("registry:member_create", args=[self.cooperative.pk])
        data = form_data(self.client, url, **member_values(self.cooperative))
        other = lambda: make_member(self.cooperative, nik=NIK, name="Siti Lain")  # noqa: E731
        with recorded_meanwhile(mixins, other):
            response = self.client.post(url, data)
        [member] = Member.objects.filter(cooperative=self.cooperative)
        self.assert_refused_with_link(response, reverse("registry:member_detail", args=[member.pk]), "Siti Lain",
                                      "Siti Rahmawati")

    def test_a_cooperative_recorded_meanwhile_in_the_area_is_named(self):
        url = reverse("registry:cooperative_create")
        data = form_data(self.client, url, **cooperative_values(), desa=self.cooperative.desa_id)
        with recorded_meanwhile(mixins, lambda: make_cooperative(nomor_induk=NOMOR_INDUK, name="Koperasi Dulu")):
            response = self.client.post(url, data)
        recorded = Cooperative.objects.get(nomor_induk=NOMOR_INDUK)
        self.assert_refused_with_link(response, reverse("registry:cooperative_detail", args=[recorded.pk]),
                                      "Koperasi Dulu", "Koperasi Sawit Baru")

    def test_a_cooperative_recorded_meanwhile_outside_the_area_is_not_named(self):
        limited = make_user("Petugas", kecamatan=[self.cooperative.desa.kecamatan_id])
        self.client.force_login(limited)
        url = reverse("registry:cooperative_create")
        data = form_data(self.client, url, **cooperative_values(), desa=self.cooperative.desa_id)
        elsewhere = lambda: make_cooperative(kecamatan="64.08.01", nomor_induk=NOMOR_INDUK,  # noqa: E731
                                             name="Koperasi Seberang")
        with recorded_meanwhile(mixins, elsewhere):
            response = self.client.post(url, data)
        recorded = Cooperative.objects.get(nomor_induk=NOMOR_INDUK)
        self.assertNotEqual(recorded.desa.kecamatan_id, self.cooperative.desa.kecamatan_id)
        self.assertContains(response, "Nomor Induk Koperasi ini baru saja dicatat orang lain untuk koperasi lain")
        self.assertNotContains(response, "Koperasi Seberang")
        self.assertNotContains(response, reverse("registry:cooperative_detail", args=[recorded.pk]))
        self.assertContains(response, "Koperasi Sawit Baru")

    def test_a_collision_with_no_row_in_its_place_is_not_hidden(self):
        # Only a row that took the place is the conflict; another integrity error stays an error.
        report = YearlyReport(cooperative=self.cooperative, year=YEAR, cash=-1)
        with self.assertRaises(creation.IntegrityError):
            creation.insert_once(instance=report)

    def test_preparing_a_year_that_meets_an_assessment_made_meanwhile_saves_nothing_and_says_why(self):
        year = YEAR - 1
        others = [make_cooperative() for _ in range(2)]
        original = assessment_services.bulk_create_with_history

        def assessed_meanwhile(objs, model, **kwargs):
            if model is Assessment and not Assessment.objects.filter(year=year).exists():
                rubric = assessment_services.rubric_for_year(year)
                Assessment.objects.create(cooperative=others[0], year=year, rubric=rubric)
            return original(objs, model, **kwargs)

        url = reverse("registry:assessment_prepare")
        with mock.patch.object(assessment_services, "bulk_create_with_history", assessed_meanwhile):
            response = self.client.post(url, {"year": year}, follow=True)
        self.assertContains(response, f"Sebagian penilaian tahun {year} baru saja dibuat orang lain bersamaan")
        # Nothing of this run (nor its indicator scores) is kept. (Simulated in the same connection,
        # the assessment made "meanwhile" goes with it; PreparingAYearTwiceTests has it committed.)
        self.assertFalse(Assessment.objects.filter(year=year).exists())
        self.assertFalse(IndicatorScore.objects.filter(assessment__year=year).exists())
        response = self.client.post(url, {"year": year}, follow=True)
        self.assertContains(response, f"Tahun {year}: 3 penilaian draf dibuat, 0 koperasi dilewati")
        self.assertEqual(Assessment.objects.filter(year=year).count(), 1 + len(others))


RUBRIC_YEAR = 2031


@contextlib.contextmanager
def checked_before_the_other_commit(model):
    """The add form's check of `model`'s unique rules passes once, as it would have before another
    admin's row was committed; the insert then meets that row, and the form's second check sees it."""
    checks = []
    original = model.validate_constraints

    def check(instance, *args, **kwargs):
        checks.append(instance)
        return None if len(checks) == 1 else original(instance, *args, **kwargs)

    with mock.patch.object(model, "validate_constraints", check):
        yield checks


def rubric_version_values(**values):
    """The add page of a rubric version, its conditions' inline left empty."""
    return {"year": RUBRIC_YEAR, "revision": 1, "name": "Rubrik 2031", "notes": "",
            "conditions-TOTAL_FORMS": 0, "conditions-INITIAL_FORMS": 0, "conditions-MIN_NUM_FORMS": 0,
            "conditions-MAX_NUM_FORMS": 1000, **values}


class AdminAddTests(TestCase):
    """Django admin's add pages insert through the same service: a record added meanwhile is the
    model's own refusal on the form, the input kept."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas", is_staff=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_an_outside_party_added_meanwhile(self):
        url = reverse("admin:registry_outsideparty_add")
        data = {"name": "PT Sawit Timur", "kind": "perusahaan_perkebunan", "notes": "Mitra plasma Kaliorang"}
        # The form's check ran before the other party was committed; the insert then meets it.
        make_outside_party(name="PT Sawit Timur")
        checks = []
        original = OutsideParty.validate_unique

        def checked_before_the_other_commit(party, *args, **kwargs):
            checks.append(party.name)
            return None if len(checks) == 1 else original(party, *args, **kwargs)

        with mock.patch.object(OutsideParty, "validate_unique", checked_before_the_other_commit):
            response = self.client.post(url, data)
        self.assertEqual(checks, ["PT Sawit Timur", "PT Sawit Timur"])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Data yang sama baru saja dicatat orang lain.")
        self.assertIn("name", response.context["adminform"].form.errors)
        self.assertContains(response, "Mitra plasma Kaliorang")
        self.assertEqual(OutsideParty.objects.filter(name="PT Sawit Timur").count(), 1)

    def test_a_record_the_form_cannot_see_as_taken_is_refused_on_the_add_page(self):
        url = reverse("admin:registry_outsideparty_add")
        data = {"name": "PT Sawit Timur", "kind": "perusahaan_perkebunan"}
        taken = creation.AlreadyRecorded("Data yang sama baru saja dicatat orang lain.", existing=None)
        with mock.patch.object(admin_base, "insert_once", side_effect=taken):
            response = self.client.post(url, data, follow=True)
        self.assertRedirects(response, url)
        self.assertContains(response, "Data yang sama baru saja dicatat orang lain.")
        self.assertFalse(OutsideParty.objects.exists())

    def test_a_rubric_version_added_meanwhile(self):
        url = reverse("admin:registry_rubricversion_add")
        RubricVersion.objects.create(year=RUBRIC_YEAR, revision=1, name="Rubrik lain")
        with checked_before_the_other_commit(RubricVersion) as checks:
            response = self.client.post(url, rubric_version_values(notes="Bobot keuangan dinaikkan"))
        self.assertEqual(len(checks), 2)  # passed, then met on the second look after the refused insert
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Data yang sama baru saja dicatat orang lain.")
        self.assertTrue(response.context["adminform"].form.errors)
        self.assertContains(response, "Bobot keuangan dinaikkan")
        self.assertEqual(list(RubricVersion.objects.filter(year=RUBRIC_YEAR).values_list("name", flat=True)),
                         ["Rubrik lain"])

    def test_an_indicator_code_added_meanwhile_to_the_same_condition(self):
        condition = RubricCondition.objects.filter(rubric__assessments__isnull=True).first()
        data = {"condition": condition.pk, "code": "K9", "text": "Indikator baru", "weight": "1", "order": "0",
                "method": "manual", "level_1": "1", "level_2": "2", "level_3": "3", "level_4": "4",
                "recommendation": "Pendampingan", "helper": "dinas", "bands": "[]", "checklist_items": "[]"}
        RubricIndicator.objects.create(
            condition=condition, code="K9", text="Indikator lain", weight=1, method="manual",
            level_1="1", level_2="2", level_3="3", level_4="4", recommendation="-", helper="dinas")
        with checked_before_the_other_commit(RubricIndicator) as checks:
            response = self.client.post(reverse("admin:registry_rubricindicator_add"), data)
        self.assertEqual(len(checks), 2)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Data yang sama baru saja dicatat orang lain.")
        self.assertContains(response, "Indikator baru")
        self.assertEqual(list(RubricIndicator.objects.filter(condition=condition, code="K9").values_list(
            "text", flat=True)), ["Indikator lain"])

    def test_a_rubric_copied_meanwhile_to_the_same_revision_is_copied_as_the_next(self):
        source = RubricVersion.objects.order_by("year", "revision").first()
        other = lambda: RubricVersion.objects.create(year=source.year, revision=source.revision + 1,  # noqa: E731
                                                     name="Salinan admin lain")
        with recorded_meanwhile(rubrics, other):
            copy = rubrics.rubric_copy(rubric=source)
        self.assertEqual(copy.revision, source.revision + 2)
        self.assertEqual(copy.conditions.count(), source.conditions.count())
        self.assertEqual(RubricIndicator.objects.filter(condition__rubric=copy).count(),
                         RubricIndicator.objects.filter(condition__rubric=source).count())
        self.assertEqual(RubricVersion.objects.filter(year=source.year).count(), 3 if source.revision == 1 else 4)

    def test_an_add_that_meets_nothing_is_saved_with_its_history(self):
        url = reverse("admin:registry_outsideparty_add")
        response = self.client.post(url, {"name": "Bank Kaltimtara", "kind": "bank"})
        self.assertEqual(response.status_code, 302)
        party = OutsideParty.objects.get(name="Bank Kaltimtara")
        self.assertEqual([(h.history_type, h.history_user) for h in party.history.all()], [("+", self.admin)])
