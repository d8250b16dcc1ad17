"""The demo district generator: `manage.py seed_demo` (domain.md section 6)."""

import datetime
import hashlib
import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Max, Min
from django.test import TestCase
from django.utils import timezone

from registry import rat_season
from registry.demo import district, profiles
from registry.figures import board_is_complete
from registry.models import (
    Assessment,
    BoardMember,
    Cooperative,
    Finding,
    IndicatorScore,
    Member,
    OfficeSettings,
    Partnership,
    StatusChange,
    Submission,
    Training,
    TrainingParticipant,
    User,
    YearlyReport,
    last_full_year,
)
from registry.models.time_rules import future_error, open_year_error
from registry.nik import KUTIM_PREFIX, validate_nik
from registry.services.submissions import submission_errors

from .builders import SANGATTA_SELATAN, SANGATTA_UTARA, make_cooperative

PROJECT = Path(__file__).resolve().parent.parent
SMALL = 60


def seed(**options):
    """Run the command (confirming, since tests run with DEBUG off); return its output."""
    out = io.StringIO()
    call_command("seed_demo", yes=True, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def district_digest(cooperatives=None):
    """A digest of everything the generator decides, apart from timestamps and the children's ids.

    `cooperatives` limits it to those ids (demo cooperative i has id i + 1).
    """
    key = "cooperative"
    coops = Cooperative.objects.all()
    rows = {
        YearlyReport: YearlyReport.objects.values_list(
            key, "year", "members_male", "members_female", "employees", "total_assets", "modal_sendiri",
            "business_volume", "revenue", "expenses", "shu", "cash", "financial_report", "rat_date",
            "rat_attendance", "rat_reported_on",
        ).order_by(key, "year"),
        BoardMember: BoardMember.objects.values_list(key, "role", "name", "sex", "term_start", "term_end", "ended_on")
        .order_by(key, "role", "term_start", "name"),
        # The NIK's keyed hash stands for the NIK: the ciphertext differs on every encryption.
        Member: Member.objects.values_list(key, "member_number", "name", "nik_hash", "birth_date", "desa", "joined_on")
        .order_by(key, "member_number"),
        StatusChange: StatusChange.objects.values_list(key, "changed_on", "from_status", "to_status", "reason")
        .order_by(key, "changed_on"),
    }
    if cooperatives is not None:
        coops = coops.filter(pk__in=cooperatives)
        rows = {model: queryset.filter(**{f"{key}__in": cooperatives}) for model, queryset in rows.items()}
    digest = hashlib.sha256()
    digest.update(repr(list(coops.values_list(
        "pk", "legal_entity_number", "name", "status", "status_since", "nomor_induk", "desa", "palm_oil", "kelompok",
        "latitude", "longitude", "certificate_status", "certificate_expiry", "ods_grade", "merah_putih", "phone",
    ).order_by("pk"))).encode())
    for queryset in rows.values():
        digest.update(repr(list(queryset)).encode())
    return digest.hexdigest()


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Cooperative, Cooperative.history.model, YearlyReport, BoardMember, Member, StatusChange, User)
    }


@pytest.fixture(scope="module")
def fresh_digest(tmp_path_factory):
    """The digest of a small district seeded by another process (another hash seed) into a new database."""
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from tests.test_seed_demo import district_digest\n"
        "call_command('migrate', verbosity=0)\n"
        f"call_command('seed_demo', cooperatives={SMALL}, verbosity=0)\n"
        "print(district_digest())\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "kutim_koperasi.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_TESTING": "1",
        "PYTHONHASHSEED": "random",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def partnerships_misplaced():
    """Partnerships whose copies of their sides' kecamatan are not the cooperatives' (none, always)."""
    from tests.test_partnership_kecamatan import misplaced

    return misplaced()


class DefaultDistrictTests(TestCase):
    """The district `make run` shows: the default arguments, 1,150 cooperatives."""

    @classmethod
    def setUpTestData(cls):
        cls.output = seed()
        cls.until_year = last_full_year(timezone.localdate())

    def test_1150_cooperatives_667_active(self):
        self.assertEqual(Cooperative.objects.count(), 1150)
        self.assertEqual(Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).count(), 667)
        self.assertIn("1,150 cooperatives (667 active)", self.output)

    def test_every_other_status_occurs_with_its_history(self):
        inactive = Cooperative.objects.exclude(status=Cooperative.Status.ACTIVE)
        self.assertEqual(set(inactive.values_list("status", flat=True)), set(Cooperative.Status.values) - {"aktif"})
        for cooperative in inactive.prefetch_related("status_changes"):
            steps = sorted(cooperative.status_changes.all(), key=lambda step: step.changed_on)
            self.assertTrue(steps, cooperative)
            self.assertEqual(steps[0].from_status, Cooperative.Status.ACTIVE)
            self.assertEqual(steps[-1].to_status, cooperative.status)
            self.assertEqual(steps[-1].changed_on, cooperative.status_since)
            for step in steps:
                self.assertIn(step.to_status, Cooperative.STATUS_TRANSITIONS[step.from_status])
                self.assertTrue(step.reason)
                self.assertLessEqual(step.changed_on, timezone.localdate())

    def test_about_90_percent_palm_oil(self):
        share = Cooperative.objects.filter(palm_oil=True).count() / 1150
        self.assertTrue(0.87 <= share <= 0.93, share)
        palm = Cooperative.objects.filter(palm_oil=True)
        self.assertFalse(palm.filter(kelompok=Cooperative.Kelompok.MERAH_PUTIH).exists())
        self.assertGreater(palm.filter(sector=Cooperative.Sector.PALM_OIL).count(), 500)
        self.assertTrue(palm.filter(sector=Cooperative.Sector.TRANSPORT).exists())  # angkutan TBS
        self.assertTrue(palm.filter(jenis=Cooperative.Jenis.SAVINGS_LOANS).exists())

    def test_spread_over_all_18_kecamatan_with_sangatta_largest(self):
        per_kecamatan = Counter(Cooperative.objects.values_list("desa__kecamatan", flat=True))
        self.assertEqual(len(per_kecamatan), 18)
        self.assertEqual(per_kecamatan.most_common(1)[0][0], SANGATTA_UTARA)
        sangatta = per_kecamatan[SANGATTA_UTARA] + per_kecamatan[SANGATTA_SELATAN]
        self.assertGreater(sangatta, 1150 / 18 * 3)

    def test_names_plausible_and_nearly_unique(self):
        names = list(Cooperative.objects.values_list("name", flat=True))
        self.assertGreater(len(set(names)), 0.97 * len(names))
        self.assertTrue(all(name.startswith(("Koperasi", "KUD", "KSP", "KSU")) for name in names))

    def test_nomor_induk_for_about_60_percent_unique_and_13_digits(self):
        numbers = list(Cooperative.objects.filter(nomor_induk__isnull=False).values_list("nomor_induk", flat=True))
        self.assertTrue(0.5 <= len(numbers) / 1150 <= 0.7, len(numbers))
        self.assertEqual(len(set(numbers)), len(numbers))
        self.assertTrue(all(len(n) == 13 and n.isascii() and n.isdigit() for n in numbers))
        self.assertFalse(Cooperative.objects.filter(nomor_induk="").exists())

    def test_legal_entity_numbers_unique_in_office_formats(self):
        numbers = list(Cooperative.objects.values_list("legal_entity_number", flat=True))
        self.assertEqual(len(set(numbers)), 1150)
        self.assertTrue(all("/BH/" in n or ".AH.01.26.TAHUN " in n for n in numbers))

    def test_merah_putih_at_most_one_per_desa(self):
        per_desa = Counter(Cooperative.objects.filter(merah_putih=True).values_list("desa", flat=True))
        self.assertTrue(60 <= sum(per_desa.values()) <= 100)
        self.assertEqual(max(per_desa.values()), 1)

    def test_coordinates_inside_kutim(self):
        bounds = Cooperative.objects.aggregate(Min("latitude"), Max("latitude"), Min("longitude"), Max("longitude"))
        self.assertGreaterEqual(bounds["latitude__min"], 0.3)
        self.assertLessEqual(bounds["latitude__max"], 1.6)
        self.assertGreaterEqual(bounds["longitude__min"], 116.5)
        self.assertLessEqual(bounds["longitude__max"], 118.5)

    def test_certificates_carry_expiry_dates(self):
        valid = Cooperative.objects.filter(certificate_status=Cooperative.CertificateStatus.VALID)
        expired = Cooperative.objects.filter(certificate_status=Cooperative.CertificateStatus.EXPIRED)
        self.assertTrue(valid.exists() and expired.exists())
        self.assertFalse(valid.filter(certificate_expiry__lt=timezone.localdate()).exists())
        self.assertFalse(expired.filter(certificate_expiry__gte=timezone.localdate()).exists())

    def test_reports_from_2019_to_last_full_year(self):
        years = YearlyReport.objects.aggregate(Min("year"), Max("year"))
        self.assertEqual((years["year__min"], years["year__max"]), (2019, self.until_year))
        active = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE)
        reporting = active.filter(yearly_reports__year=self.until_year).count()
        self.assertGreater(reporting / 667, 0.85)
        self.assertTrue(YearlyReport.objects.filter(shu__lt=0).exists())
        self.assertTrue(YearlyReport.objects.filter(rat_date__isnull=False, rat_reported_on__isnull=True).exists())

    def test_some_cooperatives_held_no_rat_for_three_years(self):
        recent = range(self.until_year - 2, self.until_year + 1)
        with_recent_rat = set(
            YearlyReport.objects.filter(year__in=recent, rat_date__isnull=False).values_list("cooperative", flat=True)
        )
        without = Cooperative.objects.exclude(pk__in=with_recent_rat)
        self.assertGreater(without.exclude(status=Cooperative.Status.ACTIVE).count(), 300)

    def test_members_listed_for_a_few_hundred_cooperatives(self):
        per_cooperative = dict(Member.objects.values_list("cooperative").annotate(n=Count("id")))
        self.assertTrue(200 <= len(per_cooperative) <= 400, len(per_cooperative))
        self.assertTrue(all(10 <= n <= 60 for n in per_cooperative.values()))

    def test_members_hold_their_cooperatives_kecamatan(self):
        self.assertTrue(Member.objects.exists())
        self.assertFalse(Member.objects.exclude(kecamatan=F("cooperative__desa__kecamatan")).exists())

    def test_partnerships_hold_both_sides_kecamatan(self):
        self.assertTrue(Partnership.objects.filter(partner_cooperative__isnull=False).exists())
        self.assertEqual(partnerships_misplaced(), [])

    def test_member_niks_valid_encrypted_and_sometimes_absent(self):
        outside = 0
        for member in Member.objects.filter(has_nik=True):
            nik = member.nik
            validate_nik(nik)
            self.assertNotIn(nik, member.nik_encrypted)
            outside += not nik.startswith(KUTIM_PREFIX)
            day = int(nik[6:8])
            self.assertEqual(day > 40, member.sex == "P")
            self.assertEqual(day - 40 * (day > 40), member.birth_date.day)
        self.assertGreater(outside, 0)
        absent = Member.objects.filter(has_nik=False)
        self.assertTrue(absent.exists())
        self.assertFalse(absent.exclude(nik_hash=None).exists())

    def test_a_few_people_belong_to_two_cooperatives(self):
        shared = (
            Member.objects.filter(has_nik=True).values("nik_hash")
            .annotate(n=Count("cooperative", distinct=True)).filter(n__gt=1)
        )
        self.assertTrue(1 <= shared.count() <= 50, shared.count())

    def test_most_cooperatives_have_a_board_some_incomplete(self):
        today = timezone.localdate()
        current = {}
        for cooperative, role in BoardMember.objects.current(today).values_list("cooperative", "role"):
            current.setdefault(cooperative, set()).add(role)
        active = set(Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).values_list("pk", flat=True))
        complete = sum(1 for pk in active if board_is_complete(current.get(pk, set())))
        self.assertTrue(0.6 <= complete / len(active) <= 0.85, complete)
        self.assertGreater(BoardMember.objects.values("cooperative").distinct().count(), 1050)
        self.assertTrue(BoardMember.objects.filter(term_end__lt=today).exists())
        self.assertTrue(BoardMember.objects.filter(role=BoardMember.Role.MANAGER).exists())

    def test_cooperatives_have_a_creation_history_row(self):
        history = Cooperative.history.all()
        self.assertEqual(history.count(), 1150)
        self.assertEqual(set(history.values_list("history_change_reason", flat=True)), {profiles.CHANGE_REASON})

    def test_every_seeded_record_has_its_history_row(self):
        """So a conflict page can show what changed since the demo, on any record an officer edits."""
        models = [Cooperative, StatusChange, YearlyReport, BoardMember, Member, Assessment, IndicatorScore,
                  Partnership, Training, TrainingParticipant, Finding]
        for model in models:
            with self.subTest(model=model.__name__):
                ids = set(model.objects.values_list("pk", flat=True))
                self.assertTrue(ids)
                self.assertEqual(set(model.history.values_list("id", flat=True)), ids)

    def test_no_two_cooperatives_share_a_name_in_one_desa(self):
        twice = Cooperative.objects.values("desa", "name").annotate(n=Count("id")).filter(n__gt=1)
        self.assertFalse(twice.exists(), list(twice[:5]))
        self.assertTrue(Cooperative.objects.filter(name__endswith=" II").exists())  # a drawn name taken: numbered

    def test_demo_obeys_the_time_rules(self):
        """Nothing dated before its cooperative's founding, after its dissolution or in the future."""
        today = timezone.localdate()
        problems = []
        for report in YearlyReport.objects.select_related("cooperative"):
            problems += [(report, m) for m in (report.cooperative.life_error_in_year(report.year),
                                               open_year_error(report.year), future_error(report.rat_date),
                                               future_error(report.rat_reported_on)) if m]
        for assessment in Assessment.objects.select_related("cooperative"):
            if assessment.year_error():
                problems.append((assessment, assessment.year_error()))
        for step in StatusChange.objects.select_related("cooperative"):
            if StatusChange.date_error(step.cooperative, step.changed_on):
                problems.append((step, StatusChange.date_error(step.cooperative, step.changed_on)))
        for partnership in Partnership.objects.select_related("cooperative", "partner_cooperative"):
            problems += [(partnership, m) for m in partnership.period_errors().values()]
            if partnership.start_date and partnership.end_date and partnership.end_date <= partnership.start_date:
                problems.append((partnership, "ends on or before its first day"))
        for participant in TrainingParticipant.objects.select_related("training", "cooperative"):
            if participant.time_error():
                problems.append((participant, participant.time_error()))
        for finding in Finding.objects.select_related("cooperative"):
            problems += [(finding, m) for m in (finding.cooperative.life_error_on(finding.found_on),
                                                future_error(finding.found_on)) if m]
        for term in BoardMember.objects.select_related("cooperative"):
            if term.cooperative.founding_error_on(term.term_start) or term.term_start > today:
                problems.append((term, "term outside the life"))
        for member in Member.objects.select_related("cooperative").exclude(joined_on=None):
            if member.cooperative.founding_error_on(member.joined_on) or member.joined_on > today:
                problems.append((member, "joined outside the life"))
        self.assertEqual(problems, [])
        self.assertTrue(Partnership.objects.filter(status__in=["selesai", "dihentikan"]).exists())

    def test_demo_accounts(self):
        expected = {
            "admin": "Admin Dinas", "petugas": "Petugas", "petugas_sangatta": "Petugas",
            "pimpinan": "Pimpinan", "verifikator": "Verifikator",
        }
        for username, group in expected.items():
            user = User.objects.get(username=username)
            self.assertTrue(user.check_password("koperasi-kutim"), username)
            self.assertEqual(list(user.groups.values_list("name", flat=True)), [group])
            self.assertTrue(user.first_name and user.last_name)
        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_superuser and admin.is_staff)
        self.assertEqual(User.objects.get(username="petugas_sangatta").area_codes, [SANGATTA_UTARA, SANGATTA_SELATAN])
        self.assertIsNone(User.objects.get(username="petugas").area_codes)

    def test_a_realistic_rat_season_rising_since_2021(self):
        """About 100 of 667 active cooperatives reported their 2021 RAT (domain.md): 15%, fewer before,
        more since; many more held one without reporting it; most held none (the tracker's states)."""
        today = timezone.localdate()
        office = OfficeSettings.current()
        shares = {}
        for year in range(2019, self.until_year + 1):
            season = rat_season.season(year, office, today)
            counts = rat_season.state_counts(rat_season.season_cooperatives(Cooperative.objects.all(), season))
            shares[year] = {state: counts[state] / counts["total"] for state in rat_season.STATES}
        self.assertTrue(0.12 <= shares[2021]["dilaporkan"] <= 0.18, shares[2021])
        self.assertTrue(80 <= round(shares[2021]["dilaporkan"] * 667) <= 120)
        self.assertLess(shares[2019]["dilaporkan"], shares[2021]["dilaporkan"])
        for year in range(2019, self.until_year):  # closed seasons: the last full year's may still be under way
            with self.subTest(year=year):
                self.assertTrue(0.05 <= shares[year]["dilaporkan"] <= 0.35, shares[year])
                self.assertTrue(0.1 <= shares[year]["belum_dilaporkan"] <= 0.3, shares[year])
                self.assertTrue(0.45 <= shares[year]["terlambat"] <= 0.8, shares[year])
                self.assertEqual(shares[year]["belum"], 0)
        self.assertGreater(shares[self.until_year - 1]["dilaporkan"], shares[2021]["dilaporkan"])

    def test_the_portal_s_first_season_accepted_some_reported_rats(self):
        year = self.until_year
        reported = YearlyReport.objects.filter(year=year, cooperative__status=Cooperative.Status.ACTIVE,
                                               rat_date__isnull=False, rat_reported_on__isnull=False)
        accepted = Submission.objects.filter(status=Submission.Status.ACCEPTED)
        self.assertEqual(accepted.count(), min(150, round(reported.count() * 0.2)))
        self.assertEqual(set(accepted.values_list("year", flat=True)) - {year}, set())
        if timezone.localdate() > OfficeSettings.current().rat_due(year):  # the season is over: some came
            self.assertGreater(accepted.count(), 10)
        for submission in accepted.select_related("yearly_report"):
            report = submission.yearly_report
            self.assertEqual((report.rat_date, report.members_male), (submission.rat_date, submission.members_male))
            self.assertLessEqual(submission.submitted_at.date(), report.rat_reported_on)
            self.assertTrue(report.history.filter(
                history_change_reason__startswith="Disampaikan oleh koperasi, diterima oleh").exists())
        season = rat_season.season(year, OfficeSettings.current(), timezone.localdate())
        counts = rat_season.state_counts(rat_season.season_cooperatives(Cooperative.objects.all(), season))
        self.assertEqual(counts["portal"], accepted.count())

    def test_demo_board_account_and_submissions_waiting(self):
        user = User.objects.get(username="pengurus")
        self.assertTrue(user.check_password("koperasi-kutim"))
        self.assertEqual(list(user.groups.values_list("name", flat=True)), ["Pengurus Koperasi"])
        account = user.cooperative_account
        self.assertTrue(account.board_member.is_current())
        self.assertEqual(account.board_member.cooperative, account.cooperative)
        waiting = Submission.objects.filter(status=Submission.Status.SUBMITTED)
        self.assertGreaterEqual(waiting.count(), 2)
        self.assertFalse(waiting.filter(cooperative=account.cooperative).exists())
        for submission in waiting:  # each would pass the yearly report's checks when accepted
            self.assertEqual(submission_errors(submission), {})


# ---------------------------------------------------------------------------------------------
# Small districts: determinism, idempotence, scale-up, options
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_pass_model_validation():
    seed(cooperatives=SMALL)
    for model in (Cooperative, YearlyReport, BoardMember, Member, StatusChange, Assessment, Partnership, Training,
                  TrainingParticipant, Finding):
        for row in model.objects.all():
            row.full_clean()


@pytest.mark.django_db
def test_a_name_taken_in_a_desa_is_numbered_in_index_order():
    taken = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Sawit Jaya")
    drawn = [Cooperative(name="Koperasi Sawit Jaya", desa=taken.desa), Cooperative(name="Koperasi Sawit Jaya",
             desa=taken.desa), Cooperative(name="Koperasi Sawit Jaya", desa_id=SANGATTA_SELATAN + ".1002")]
    district._distinct_names_per_desa(drawn)
    assert [c.name for c in drawn] == ["Koperasi Sawit Jaya II", "Koperasi Sawit Jaya III", "Koperasi Sawit Jaya"]


@pytest.mark.django_db
def test_second_run_changes_nothing():
    seed(cooperatives=SMALL)
    before, digest = row_counts(), district_digest()
    output = seed(cooperatives=SMALL)
    assert "Nothing to add" in output
    assert row_counts() == before
    assert district_digest() == digest


@pytest.mark.django_db
def test_same_district_in_a_fresh_database_of_another_process(fresh_digest):
    seed(cooperatives=SMALL)
    assert district_digest() == fresh_digest


@pytest.mark.django_db
def test_larger_run_adds_only_the_missing_cooperatives(fresh_digest):
    seed(cooperatives=40)
    first = list(Cooperative.objects.values_list("pk", flat=True))
    first_digest = district_digest(first)
    output = seed(cooperatives=SMALL)
    assert "Added 20 cooperatives" in output and "40 already present" in output
    assert Cooperative.objects.count() == SMALL
    assert district_digest(first) == first_digest
    assert district_digest() == fresh_digest  # cooperative i is the same whatever the district size


@pytest.mark.django_db
def test_other_arguments_leave_present_cooperatives_alone():
    """Cooperatives are known by their id: another seed or year neither duplicates nor fails."""
    seed(cooperatives=20)
    before = row_counts()
    assert "Nothing to add" in seed(cooperatives=20, until_year=2021, seed=7)
    assert row_counts() == before


@pytest.mark.django_db
def test_cooperatives_entered_later_get_the_next_id():
    seed(cooperatives=5)
    assert make_cooperative().pk == 6


@pytest.mark.django_db
def test_scale_mode_lists_m_members_everywhere_without_history():
    output = seed(cooperatives=8, members_per_cooperative=5)
    assert "Added 8 cooperatives" in output
    assert set(Member.objects.values_list("cooperative").annotate(n=Count("id")).values_list("n", flat=True)) == {5}
    assert Cooperative.objects.count() == 8
    assert not Cooperative.history.exists()


@pytest.mark.django_db
def test_until_year_bounds_the_reports():
    seed(cooperatives=20, until_year=2021)
    assert YearlyReport.objects.aggregate(Max("year"))["year__max"] == 2021
    assert not YearlyReport.objects.filter(year__lt=2019).exists()
    with pytest.raises(CommandError, match="until-year"):
        seed(cooperatives=20, until_year=2018)


@pytest.mark.django_db
def test_refuses_without_yes_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--yes"):
        call_command("seed_demo", cooperatives=5, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Cooperative.objects.exists()

    settings.DEBUG = True
    call_command("seed_demo", cooperatives=5, stdout=io.StringIO())
    assert Cooperative.objects.count() == 5


@pytest.mark.django_db
def test_existing_accounts_keep_their_password():
    User.objects.create_user(username="petugas", password="sandi-pilihan-sendiri")
    output = seed(cooperatives=5)
    assert "admin, petugas_sangatta, pimpinan, verifikator" in output
    petugas = User.objects.get(username="petugas")
    assert petugas.check_password("sandi-pilihan-sendiri")
    assert not petugas.groups.exists()  # left as found
    assert Group.objects.get(name="Pimpinan").user_set.filter(username="pimpinan").exists()


def test_status_threshold_gives_667_of_1150_for_any_seed():
    desa = [(f"64.08.{k:02d}.{d:04d}", f"Desa {d}", f"64.08.{k:02d}", "desa") for k in range(1, 19) for d in range(8)]
    today = datetime.date(2026, 3, 1)
    for seed_value in (1, 2021, 99999):
        generator = district.DistrictGenerator(seed=seed_value, until_year=2025, today=today, desa=desa)
        statuses = Counter(generator.cooperative(i).cooperative.status for i in range(profiles.DISTRICT_SIZE))
        assert statuses[Cooperative.Status.ACTIVE] == profiles.DISTRICT_ACTIVE



@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_cooperatives_alone():
    make_cooperative(name="Koperasi Nyata")
    output = seed(cooperatives=5, if_empty=True)
    assert "already holds 1 cooperatives" in output
    assert Cooperative.objects.count() == 1
    assert not User.objects.exists()

    Cooperative.objects.all().delete()  # no demo assessments: --if-empty stopped before writing any
    seed(cooperatives=5, if_empty=True)
    assert Cooperative.objects.count() == 5


@pytest.mark.django_db
def test_scale_mode_seeds_assessments_partnerships_trainings_findings_and_imports_in_proportion(monkeypatch):
    """Scale mode gives every block of cooperatives what the demo district's first has (blocks of 10 here,
    the last one of 5), the last book year's assessments and one finished import per N cooperatives."""
    from registry.demo import imports, partnerships
    from registry.demo.assessments import STATUS_MEAN
    from registry.models import ImportBatch, PendingImport
    from registry.services.assessments import outcome_of, rubric_indicators

    monkeypatch.setattr(partnerships, "DEMO_BLOCK", 10)
    monkeypatch.setattr(imports, "COOPERATIVES_PER_IMPORT", 5)
    seed(cooperatives=25, members_per_cooperative=1)
    year = last_full_year(timezone.localdate())

    # Assessments: one for every cooperative alive and not dissolved, with every indicator scored
    # and totals that are those of its scores.
    assessed = [c for c in Cooperative.objects.filter(status__in=list(STATUS_MEAN))
                if c.life_error_in_year(year) is None]
    assert sorted(Assessment.objects.values_list("cooperative", flat=True)) == sorted(c.pk for c in assessed)
    assert set(Assessment.objects.values_list("year", flat=True)) == {year}
    assert {Assessment.Status.VERIFIED, Assessment.Status.SUBMITTED, Assessment.Status.DRAFT} >= set(
        Assessment.objects.values_list("status", flat=True))
    for assessment in Assessment.objects.select_related("rubric"):
        indicators = rubric_indicators(assessment.rubric)
        levels = dict(assessment.scores.values_list("indicator", "level"))
        assert len(levels) == len(indicators)
        outcome = outcome_of(indicators, levels)
        assert (assessment.overall_score, assessment.predicate) == (outcome.overall, outcome.predicate or "")
    assert not Assessment.history.exists()  # scale mode writes no history rows

    # Partnerships, trainings and findings in every block; trainings and findings in proportion.
    def block(pk):
        return (pk - 1) // 10
    assert {block(pk) for pk in Partnership.objects.values_list("cooperative", flat=True)} == {0, 1, 2}
    assert partnerships_misplaced() == []
    assert {block(pk) for pk in TrainingParticipant.objects.values_list("cooperative", flat=True)} == {0, 1, 2}
    assert Training.objects.count() == 40 + 40 + 20
    alive = Cooperative.objects.exclude(status=Cooperative.Status.DISSOLVED)
    assert Finding.objects.count() == alive.count()  # fewer than 130 per block: every one has a finding

    # Finished imports, one per 5 cooperatives, their counts adding up, no uploaded file kept.
    assert ImportBatch.objects.count() == 5
    for batch in ImportBatch.objects.all():
        assert batch.rows_total == (batch.rows_created + batch.rows_updated + batch.rows_unchanged
                                    + batch.rows_skipped + batch.rows_conflicted)
        assert len(batch.skipped_rows) == batch.rows_skipped and len(batch.conflicted_rows) == batch.rows_conflicted
        assert batch.created_at < timezone.now()
    assert not PendingImport.objects.exists()

    # A second run adds nothing.
    counts = {model: model.objects.count() for model in (Assessment, IndicatorScore, Partnership, Training,
                                                          TrainingParticipant, Finding, ImportBatch)}
    seed(cooperatives=25, members_per_cooperative=1)
    assert {model: model.objects.count() for model in counts} == counts
