"""Time rules: a cooperative's life from its founding to its dissolution, no events in the future,
only closed book years reported or assessed. Each rule is tested on both sides of its edge."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from registry.models import (
    Assessment,
    Cooperative,
    Partnership,
    StatusChange,
    Training,
    TrainingParticipant,
    YearlyReport,
    last_full_year,
)
from registry.models.time_rules import future_error, open_year_error
from registry.services import assessments as assessment_services
from registry.services.cooperatives import check_status_step, cooperative_change_status
from registry.spreadsheets.imports import import_dry_run
from tests.builders import (
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_finding,
    make_outside_party,
    make_participant,
    make_report,
    make_training,
    make_user,
)
from tests.test_imports import csv_bytes

DAY = datetime.timedelta(days=1)
FOUNDED = datetime.date(2021, 6, 15)


def today():
    return timezone.localdate()


def errors_of(instance):
    """{field: [messages]} of the instance's full_clean, or {} when it passes."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


class FoundingDateTests(TestCase):
    """founded_on: the legal entity date, else the day the cooperative was registered, with its source."""

    def test_legal_entity_date_is_the_founding(self):
        cooperative = make_cooperative(legal_entity_date=FOUNDED)
        self.assertEqual((cooperative.founded_on, cooperative.founded_on_source), (FOUNDED, "badan_hukum"))

    def test_without_it_the_registration_day_in_the_office_time_zone(self):
        cooperative = make_cooperative(legal_entity_date=None)
        self.assertEqual((cooperative.founded_on, cooperative.founded_on_source), (today(), "terdaftar"))
        # Registered at 23:30 UTC: already the next day in Sangatta (WITA, UTC+8).
        late = datetime.datetime(2024, 3, 9, 23, 30, tzinfo=datetime.UTC)
        Cooperative.objects.filter(pk=cooperative.pk).update(created_at=late)
        cooperative.refresh_from_db()
        cooperative.set_founded_on()
        self.assertEqual(cooperative.founded_on, datetime.date(2024, 3, 10))

    def test_form_keeps_it_in_step_with_the_legal_entity_date(self):
        petugas = make_user("Petugas")
        cooperative = make_cooperative(legal_entity_date=None, name="Koperasi Berdiri")
        self.client.force_login(petugas)
        data = {
            "name": cooperative.name, "certificate_status": "belum", "jenis": "produsen", "bentuk": "primer",
            "membership_area": "kabupaten", "kelompok": "perkebunan", "sector": "perkebunan_sawit",
            "pattern": "konvensional", "desa": cooperative.desa_id, "version": 1, "legal_entity_date": "2019-04-02",
        }
        self.assertEqual(self.client.post(f"/koperasi/{cooperative.pk}/ubah/", data).status_code, 302)
        cooperative.refresh_from_db()
        self.assertEqual((cooperative.founded_on, cooperative.founded_on_source),
                         (datetime.date(2019, 4, 2), "badan_hukum"))
        data.update(version=2, legal_entity_date="")
        self.assertEqual(self.client.post(f"/koperasi/{cooperative.pk}/ubah/", data).status_code, 302)
        cooperative.refresh_from_db()
        self.assertEqual((cooperative.founded_on, cooperative.founded_on_source), (today(), "terdaftar"))
        self.assertContains(self.client.get(f"/koperasi/{cooperative.pk}/"), "Berdiri sejak")

    def test_a_write_that_forgets_the_founding_date_is_refused_by_the_database(self):
        cooperative = make_cooperative(legal_entity_date=FOUNDED)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Cooperative.objects.filter(pk=cooperative.pk).update(legal_entity_date=FOUNDED - DAY)

    def test_legal_entity_date_in_the_future_refused(self):
        cooperative = make_cooperative(legal_entity_date=today())
        self.assertEqual(errors_of(cooperative), {})
        cooperative.legal_entity_date = today() + DAY
        self.assertIn("belum terjadi", errors_of(cooperative)["legal_entity_date"][0])

    def test_moving_the_founding_after_recorded_records_is_refused(self):
        cooperative = make_cooperative(legal_entity_date=FOUNDED)
        make_report(cooperative, 2021)
        cooperative.legal_entity_date = datetime.date(2021, 12, 31)  # same book year: still fine
        self.assertEqual(errors_of(cooperative), {})
        cooperative.legal_entity_date = datetime.date(2022, 1, 1)
        self.assertIn("laporan tahunan 2021", errors_of(cooperative)["legal_entity_date"][0])

    def test_moving_the_founding_after_a_status_step_is_refused(self):
        cooperative = make_cooperative(legal_entity_date=FOUNDED)
        cooperative_change_status(cooperative=cooperative, to_status="tidak_aktif", reason="Tidak RAT",
                                  changed_on=FOUNDED + 10 * DAY)
        cooperative.legal_entity_date = FOUNDED + 10 * DAY
        self.assertEqual(errors_of(cooperative), {})
        cooperative.legal_entity_date = FOUNDED + 11 * DAY
        self.assertIn("perubahan status", errors_of(cooperative)["legal_entity_date"][0])

    def test_dissolution_ends_the_life(self):
        cooperative = make_cooperative(status="dibubarkan", status_since=datetime.date(2023, 8, 1))
        self.assertEqual(cooperative.dissolved_on, datetime.date(2023, 8, 1))
        self.assertIsNone(cooperative.life_error_on(datetime.date(2023, 8, 1)))
        self.assertIn("dibubarkan", cooperative.life_error_on(datetime.date(2023, 8, 2)))
        self.assertIsNone(cooperative.life_error_in_year(2023))
        self.assertIn("dibubarkan", cooperative.life_error_in_year(2024))
        self.assertIsNone(make_cooperative(status="dalam_pembinaan", status_since=datetime.date(2023, 8, 1))
                          .dissolved_on)


class CommonRuleTests(TestCase):
    def test_future_dates(self):
        on = datetime.date(2026, 5, 1)
        self.assertIsNone(future_error(on, today=on))
        self.assertIn("01/05/2026", future_error(on + DAY, today=on))
        self.assertIsNone(future_error(None, today=on))

    def test_closed_book_years(self):
        on = datetime.date(2026, 1, 1)  # 2025 closed at midnight
        self.assertIsNone(open_year_error(2025, today=on))
        self.assertIn("belum ditutup", open_year_error(2026, today=on))
        self.assertIn("belum ditutup", open_year_error(2025, today=datetime.date(2025, 12, 31)))


class YearlyReportRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(legal_entity_date=FOUNDED)
        cls.registered = make_cooperative(legal_entity_date=None)

    def report(self, year, cooperative=None, **fields):
        return YearlyReport(cooperative=cooperative or self.cooperative, year=year, **fields)

    def test_book_year_must_be_closed(self):
        self.assertNotIn("year", errors_of(self.report(last_full_year())))
        self.assertIn("belum ditutup", errors_of(self.report(last_full_year() + 1))["year"][0])

    def test_not_before_the_founding_year(self):
        self.assertEqual(errors_of(self.report(FOUNDED.year)), {})
        message = errors_of(self.report(FOUNDED.year - 1))["year"][0]
        self.assertIn("sebelum", message)
        self.assertIn("15/06/2021, menurut tanggal badan hukum", message)

    def test_registration_date_founding_says_how_to_go_back(self):
        message = errors_of(self.report(last_full_year(), cooperative=self.registered))["year"][0]
        self.assertIn("menurut tanggal didaftarkan di sistem", message)
        self.assertIn("isi dulu tanggal badan hukumnya", message)

    def test_not_after_the_dissolution_year(self):
        dissolved = make_cooperative(legal_entity_date=FOUNDED, status="dibubarkan",
                                     status_since=datetime.date(2023, 3, 1))
        self.assertEqual(errors_of(self.report(2023, cooperative=dissolved)), {})
        self.assertIn("dibubarkan", errors_of(self.report(2024, cooperative=dissolved))["year"][0])

    def test_rat_and_its_report_not_in_the_future(self):
        year = last_full_year()
        ok = self.report(year, rat_date=today(), rat_reported_on=today())
        self.assertEqual(errors_of(ok), {})
        late = self.report(year, rat_date=today() + DAY)
        self.assertIn("belum terjadi", errors_of(late)["rat_date"][0])
        reported = self.report(year, rat_date=today(), rat_reported_on=today() + DAY)
        self.assertIn("belum terjadi", errors_of(reported)["rat_reported_on"][0])

    def test_form_shows_the_reason(self):
        self.client.force_login(make_user("Petugas"))
        url = f"/koperasi/{self.cooperative.pk}/laporan/tambah/"
        response = self.client.post(url, {"year": FOUNDED.year - 1, "version": 1, "financial_report": "tidak_ada",
                                          **dict.fromkeys(["members_male", "members_female", "employees", "managers",
                                                           "modal_sendiri", "modal_luar", "total_assets",
                                                           "business_volume", "revenue", "expenses", "shu",
                                                           "cash"], 0)})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "sebelum")
        self.assertFalse(YearlyReport.objects.filter(cooperative=self.cooperative).exists())
        form = self.client.get(url).context["form"]
        self.assertEqual(form.fields["year"].widget.attrs["max"], last_full_year())
        self.assertEqual(form.fields["year"].widget.attrs["min"], FOUNDED.year)

    def test_import_rows_outside_the_life_are_row_errors(self):
        cooperative = make_cooperative(kecamatan=SANGATTA_UTARA, legal_entity_date=FOUNDED, nomor_induk="6408017777777")
        rows = [["Nomor Induk Koperasi", "Tahun buku", "Modal sendiri"],
                ["6408017777777", str(FOUNDED.year), "1.000.000"],
                ["6408017777777", str(FOUNDED.year - 1), "1.000.000"],
                ["6408017777777", str(last_full_year() + 1), "1.000.000"]]
        result = import_dry_run(kind="laporan", data=csv_bytes(rows), file_name="laporan.csv",
                                user=make_user("Petugas"))
        self.assertEqual(result.created, 1)
        by_row = {error.row: error.message for error in result.errors}
        self.assertEqual(sorted(by_row), [3, 4])
        self.assertIn("sebelum", by_row[3])
        self.assertIn("belum ditutup", by_row[4])
        self.assertFalse(YearlyReport.objects.filter(cooperative=cooperative).exists())


class StatusStepRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")

    def setUp(self):
        self.cooperative = make_cooperative(legal_entity_date=FOUNDED)

    def change(self, changed_on, to_status="tidak_aktif"):
        return cooperative_change_status(cooperative=self.cooperative, to_status=to_status, reason="Uji",
                                         changed_on=changed_on)

    def test_dated_today_applies(self):
        self.change(today())
        self.cooperative.refresh_from_db()
        self.assertEqual((self.cooperative.status, self.cooperative.status_since), ("tidak_aktif", today()))

    def test_dated_in_the_future_refused_not_applied(self):
        with self.assertRaises(ValidationError) as caught:
            self.change(today() + DAY)
        self.assertIn("belum terjadi", caught.exception.message_dict["changed_on"][0])
        self.cooperative.refresh_from_db()
        self.assertEqual((self.cooperative.status, self.cooperative.version), ("aktif", 1))
        self.assertFalse(StatusChange.objects.filter(cooperative=self.cooperative).exists())

    def test_not_before_the_founding(self):
        with self.assertRaises(ValidationError) as caught:
            self.change(FOUNDED - DAY)
        self.assertIn("sebelum", caught.exception.message_dict["changed_on"][0])
        self.change(FOUNDED)

    def test_not_before_the_last_step(self):
        self.change(datetime.date(2023, 5, 10))
        with self.assertRaises(ValidationError) as caught:
            self.change(datetime.date(2023, 5, 9), to_status="aktif")
        self.assertIn("10/05/2023", caught.exception.message_dict["changed_on"][0])
        self.change(datetime.date(2023, 5, 10), to_status="aktif")  # the same day, after it
        self.assertEqual(self.cooperative.status_changes.count(), 2)

    def test_status_page_shows_the_error_on_the_date(self):
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/status/"
        self.assertEqual(self.client.get(url).context["form"].fields["changed_on"].widget.attrs["max"],
                         today().isoformat())
        response = self.client.post(url, {"to_status": "tidak_aktif", "reason": "Uji", "version": 1,
                                          "changed_on": (today() + DAY).isoformat()})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["changed_on"])
        self.cooperative.refresh_from_db()
        self.assertEqual(self.cooperative.status, "aktif")

    def test_admin_step_form_refuses_it_too(self):
        with self.assertRaises(ValidationError) as caught:
            check_status_step(self.cooperative, to_status="tidak_aktif", changed_on=FOUNDED - DAY)
        self.assertIn("sebelum", caught.exception.message_dict["changed_on"][0])
        check_status_step(self.cooperative, to_status="tidak_aktif", changed_on=FOUNDED)


class AssessmentRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative(legal_entity_date=FOUNDED)

    def record(self, year, cooperative=None):
        return assessment_services.assessment_record(
            cooperative=cooperative or self.cooperative, year=year, entries={}, expected_version=None,
        )

    def test_closed_year_within_the_life_is_accepted(self):
        self.assertEqual(self.record(FOUNDED.year).year, FOUNDED.year)
        self.assertEqual(self.record(last_full_year()).year, last_full_year())

    def test_open_year_refused(self):
        with self.assertRaisesMessage(ValidationError, "belum ditutup"):
            self.record(last_full_year() + 1)
        self.assertFalse(Assessment.objects.exists())

    def test_year_before_founding_refused(self):
        with self.assertRaisesMessage(ValidationError, "sebelum"):
            self.record(FOUNDED.year - 1)

    def test_year_after_dissolution_refused(self):
        dissolved = make_cooperative(legal_entity_date=FOUNDED, status="dibubarkan",
                                     status_since=datetime.date(2022, 2, 1))
        self.record(2022, cooperative=dissolved)
        with self.assertRaisesMessage(ValidationError, "dibubarkan"):
            self.record(2023, cooperative=dissolved)

    def test_entry_page_explains_and_offers_no_form(self):
        self.client.force_login(self.petugas)
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/penilaian/{FOUNDED.year - 1}/")
        self.assertContains(response, 'id="year-refused"')
        self.assertFalse(response.context["editable"])
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/penilaian/{FOUNDED.year}/")
        self.assertNotContains(response, 'id="year-refused"')
        self.assertTrue(response.context["editable"])

    def test_profile_offers_the_last_year_only_to_a_cooperative_alive_in_it(self):
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/"
        self.assertEqual(self.client.get(url).context["assessment_next_year"], last_full_year())
        new = make_cooperative(legal_entity_date=datetime.date(last_full_year() + 1, 1, 1))
        self.assertIsNone(self.client.get(f"/koperasi/{new.pk}/").context["assessment_next_year"])
        founded_in_it = make_cooperative(legal_entity_date=datetime.date(last_full_year(), 12, 31))
        self.assertEqual(self.client.get(f"/koperasi/{founded_in_it.pk}/").context["assessment_next_year"],
                         last_full_year())


class PrepareYearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.year = last_full_year()
        cls.in_year = make_cooperative(legal_entity_date=datetime.date(cls.year, 12, 31))
        cls.after = make_cooperative(legal_entity_date=datetime.date(cls.year + 1, 1, 1))

    def test_offers_closed_book_years_only(self):
        self.client.force_login(self.petugas)
        field = str(self.client.get("/penilaian/").context["prepare_year_field"])
        years = [int(year) for year in re.findall(r'<option value="(\d+)"', field)]
        self.assertEqual(years[0], self.year)
        self.assertNotIn(self.year + 1, years)

    def test_open_year_posted_anyway_is_refused(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/penilaian/siapkan/", {"year": self.year + 1}, follow=True)
        self.assertContains(response, "Tahun tidak valid")
        self.assertFalse(Assessment.objects.exists())
        with self.assertRaisesMessage(ValidationError, "belum ditutup"):
            assessment_services.assessment_prepare_year(user=self.petugas, year=self.year + 1)

    def test_only_cooperatives_founded_by_the_year_end(self):
        result = assessment_services.assessment_prepare_year(user=self.petugas, year=self.year)
        assessed = set(Assessment.objects.values_list("cooperative", flat=True))
        self.assertIn(self.in_year.pk, assessed)
        self.assertNotIn(self.after.pk, assessed)
        self.assertEqual(result.created, len(assessed))


class PartnershipRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(legal_entity_date=FOUNDED)
        cls.younger = make_cooperative(legal_entity_date=datetime.date(2023, 2, 1))
        cls.party = make_outside_party()

    def partnership(self, **fields):
        defaults = {"cooperative": self.cooperative, "outside_party": self.party, "kind": "plasma_inti",
                    "status": "aktif", "start_date": FOUNDED}
        defaults.update(fields)
        return Partnership(**defaults)

    def test_starts_within_the_life(self):
        self.assertEqual(errors_of(self.partnership()), {})
        self.assertIn("sebelum", errors_of(self.partnership(start_date=FOUNDED - DAY))["start_date"][0])

    def test_either_cooperative_founded_later_refuses_it(self):
        both = self.partnership(outside_party=None, partner_cooperative=self.younger, kind="antar_koperasi",
                                start_date=datetime.date(2023, 1, 31))
        self.assertIn(self.younger.name, errors_of(both)["start_date"][0])
        both.start_date = datetime.date(2023, 2, 1)
        self.assertEqual(errors_of(both), {})

    def test_not_after_a_dissolution(self):
        dissolved = make_cooperative(legal_entity_date=FOUNDED, status="dibubarkan",
                                     status_since=datetime.date(2024, 4, 4))
        self.assertEqual(errors_of(self.partnership(cooperative=dissolved, start_date=datetime.date(2024, 4, 4))), {})
        late = self.partnership(cooperative=dissolved, start_date=datetime.date(2024, 4, 5))
        self.assertIn("dibubarkan", errors_of(late)["start_date"][0])

    def test_agreed_start_not_in_the_future_a_proposal_may_plan_one(self):
        self.assertEqual(errors_of(self.partnership(start_date=today())), {})
        self.assertIn("belum terjadi", errors_of(self.partnership(start_date=today() + DAY))["start_date"][0])
        self.assertEqual(errors_of(self.partnership(status="diusulkan", start_date=today() + DAY)), {})

    def test_an_ended_one_ended_by_today_a_running_one_may_run_on(self):
        self.assertEqual(errors_of(self.partnership(status="selesai", end_date=today())), {})
        self.assertIn("belum terjadi", errors_of(self.partnership(status="selesai",
                                                                  end_date=today() + DAY))["end_date"][0])
        self.assertIn("end_date", errors_of(self.partnership(status="dihentikan", end_date=today() + DAY)))
        self.assertEqual(errors_of(self.partnership(end_date=today() + 365 * DAY)), {})

    def test_form_refuses_with_the_message(self):
        self.client.force_login(make_user("Petugas"))
        response = self.client.post("/kemitraan/tambah/", {
            "cooperative": self.cooperative.pk, "outside_party": self.party.pk, "kind": "plasma_inti",
            "status": "aktif", "start_date": (FOUNDED - DAY).isoformat(), "version": 1,
        })
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["start_date"])
        self.assertFalse(Partnership.objects.exists())


class TrainingAttendanceRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(legal_entity_date=FOUNDED)
        cls.chair = make_board_member(cls.cooperative, "ketua", term_start=FOUNDED)

    def participant(self, training, **fields):
        return TrainingParticipant(training=training, cooperative=self.cooperative, board_member=self.chair,
                                   name=self.chair.name, **fields)

    def test_training_that_ended_before_the_founding_refused(self):
        before = make_training(start_date=FOUNDED - 3 * DAY, end_date=FOUNDED - DAY)
        self.assertIn("sebelum", errors_of(self.participant(before))["__all__"][0])
        on_the_day = make_training(start_date=FOUNDED - 3 * DAY, end_date=FOUNDED)
        self.assertEqual(errors_of(self.participant(on_the_day)), {})

    def test_attendance_only_once_the_training_started(self):
        started = make_training(start_date=today(), end_date=today() + DAY)
        self.assertEqual(errors_of(self.participant(started)), {})
        planned = make_training(start_date=today() + DAY, end_date=today() + 2 * DAY)
        self.assertIn("belum terjadi", errors_of(self.participant(planned))["__all__"][0])
        self.assertEqual(errors_of(self.participant(planned, attended=False)), {})  # registered, not yet there

    def test_training_after_the_dissolution_refused(self):
        dissolved = make_cooperative(legal_entity_date=FOUNDED, status="dibubarkan",
                                     status_since=datetime.date(2024, 6, 1))
        training = make_training(start_date=datetime.date(2024, 6, 2), end_date=datetime.date(2024, 6, 3))
        staff = TrainingParticipant(training=training, cooperative=dissolved, name="Staf")
        self.assertIn("dibubarkan", errors_of(staff)["__all__"][0])
        training.start_date = datetime.date(2024, 6, 1)
        self.assertEqual(errors_of(staff), {})

    def test_moving_a_training_keeps_its_participants_within_the_rules(self):
        training = make_training(start_date=datetime.date(2024, 5, 5), end_date=datetime.date(2024, 5, 6))
        make_participant(training, self.chair)
        training.start_date, training.end_date = FOUNDED - 2 * DAY, FOUNDED - DAY
        self.assertIn("end_date", errors_of(training))
        training.start_date, training.end_date = today() + DAY, today() + 2 * DAY
        self.assertIn("start_date", errors_of(training))
        self.assertFalse(Training.objects.filter(start_date__gt=today()).exists())


class FindingRuleTests(TestCase):
    def test_found_within_the_life_and_not_in_the_future(self):
        cooperative = make_cooperative(legal_entity_date=FOUNDED)
        finding = make_finding(cooperative, found_on=FOUNDED, due_date=FOUNDED + 30 * DAY)
        self.assertEqual(errors_of(finding), {})
        finding.found_on = FOUNDED - DAY
        self.assertIn("sebelum", errors_of(finding)["found_on"][0])
        finding.found_on, finding.due_date = today() + DAY, today() + 60 * DAY
        self.assertIn("belum terjadi", errors_of(finding)["found_on"][0])
