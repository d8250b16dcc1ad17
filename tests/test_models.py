"""Database constraints and model rules of the registry."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import TestCase

from registry.figures import board_is_complete
from registry.models import BoardMember, Cooperative, Member, StatusChange, YearlyReport
from registry.services.cooperatives import cooperative_change_status
from tests.builders import make_board_member, make_cooperative, make_member, make_report, make_user

NIK = "6408011508900001"


class CooperativeConstraintTests(TestCase):
    def test_nomor_induk_unique_when_present(self):
        make_cooperative(nomor_induk="6408000000001")
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_cooperative(nomor_induk="6408000000001")

    def test_many_cooperatives_without_nomor_induk(self):
        make_cooperative(nomor_induk=None)
        make_cooperative(nomor_induk=None)
        self.assertEqual(Cooperative.objects.filter(nomor_induk__isnull=True).count(), 2)

    def test_blank_nomor_induk_is_not_stored(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_cooperative(nomor_induk="")

    def test_clean_turns_blank_nomor_induk_into_none(self):
        cooperative = make_cooperative()
        cooperative.nomor_induk = ""
        cooperative.full_clean()
        self.assertIsNone(cooperative.nomor_induk)

    def test_nomor_induk_keeps_leading_zeros_and_twenty_digits(self):
        cooperative = make_cooperative(nomor_induk="00012345678901234567")
        cooperative.refresh_from_db()
        self.assertEqual(cooperative.nomor_induk, "00012345678901234567")

    def test_nomor_induk_digits_only(self):
        cooperative = make_cooperative()
        for bad in ("12345A", "١٢٣٤٥", "123456789012345678901"):
            cooperative.nomor_induk = bad
            with self.assertRaises(ValidationError, msg=bad) as info:
                cooperative.full_clean()
            self.assertIn("nomor_induk", info.exception.message_dict)

    def test_duplicate_nomor_induk_has_readable_message(self):
        make_cooperative(nomor_induk="6408000000002")
        other = make_cooperative()
        other.nomor_induk = "6408000000002"
        with self.assertRaises(ValidationError) as info:
            other.full_clean()
        self.assertIn("sudah dipakai koperasi lain", str(info.exception))

    def test_valid_certificate_needs_expiry(self):
        cooperative = make_cooperative()
        cooperative.certificate_status = Cooperative.CertificateStatus.VALID
        with self.assertRaises(ValidationError) as info:
            cooperative.full_clean()
        self.assertIn("certificate_expiry", info.exception.message_dict)

    def test_unknown_status_rejected_by_database(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_cooperative(status="hilang")

    def test_cooperative_is_never_deleted_while_it_has_records(self):
        cooperative = make_cooperative()
        make_report(cooperative, 2024)
        with self.assertRaises(ProtectedError):
            cooperative.delete()

    def test_region_cannot_be_deleted_under_a_cooperative(self):
        cooperative = make_cooperative()
        with self.assertRaises(ProtectedError):
            cooperative.desa.delete()

    def test_changes_are_kept_in_history_with_user(self):
        user = make_user("Petugas")
        cooperative = make_cooperative(name="Koperasi Lama")
        cooperative.name = "Koperasi Baru"
        cooperative._history_user = user
        cooperative._change_reason = "Salah ketik nama"
        cooperative.save()
        latest = cooperative.history.first()
        self.assertEqual(latest.name, "Koperasi Baru")
        self.assertEqual(latest.history_user, user)
        self.assertEqual(latest.history_change_reason, "Salah ketik nama")
        self.assertEqual(cooperative.history.count(), 2)


class StatusLifecycleTests(TestCase):
    def setUp(self):
        self.user = make_user("Petugas")
        self.cooperative = make_cooperative()

    def change(self, to_status, reason="Tidak RAT tiga tahun berturut-turut"):
        return cooperative_change_status(
            cooperative=self.cooperative, to_status=to_status, reason=reason,
            changed_on=datetime.date(2026, 3, 1), user=self.user,
        )

    def test_status_values_are_the_stored_codes(self):
        self.assertEqual(Cooperative.Status.ACTIVE, "aktif")

    def test_step_is_recorded_with_date_reason_and_user(self):
        step = self.change(Cooperative.Status.INACTIVE)
        self.assertEqual(self.cooperative.status, Cooperative.Status.INACTIVE)
        self.assertEqual(self.cooperative.status_since, datetime.date(2026, 3, 1))
        self.assertEqual((step.from_status, step.to_status), ("aktif", "tidak_aktif"))
        self.assertEqual(step.changed_by, self.user)
        self.assertEqual(self.cooperative.history.first().history_change_reason, step.reason)

    def test_full_lifecycle_and_back_to_active(self):
        for status in ("tidak_aktif", "dalam_pembinaan", "diusulkan_bubar", "dibubarkan", "aktif"):
            self.change(status)
        self.assertEqual(StatusChange.objects.filter(cooperative=self.cooperative).count(), 5)
        self.assertEqual(self.cooperative.version, 6)

    def test_reason_required(self):
        with self.assertRaises(ValidationError) as info:
            self.change(Cooperative.Status.INACTIVE, reason="   ")
        self.assertIn("reason", info.exception.message_dict)
        self.assertEqual(self.cooperative.status, Cooperative.Status.ACTIVE)

    def test_cannot_skip_to_dissolved(self):
        with self.assertRaises(ValidationError) as info:
            self.change(Cooperative.Status.DISSOLVED)
        self.assertIn("tidak bisa langsung", info.exception.message_dict["to_status"][0])
        self.assertFalse(StatusChange.objects.exists())

    def test_same_status_rejected(self):
        with self.assertRaises(ValidationError):
            self.change(Cooperative.Status.ACTIVE)

    def test_database_refuses_step_without_reason(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            StatusChange.objects.create(
                cooperative=self.cooperative, changed_on=datetime.date(2026, 1, 1),
                from_status="aktif", to_status="tidak_aktif", reason="",
            )


class MemberTests(TestCase):
    def setUp(self):
        self.cooperative = make_cooperative()

    def test_nik_encrypted_at_rest_and_readable(self):
        member = make_member(self.cooperative, nik=NIK)
        with connection.cursor() as cursor:
            cursor.execute("SELECT nik_encrypted, nik_hash FROM registry_member WHERE id = %s", [member.pk])
            raw, digest = cursor.fetchone()
        self.assertNotIn(NIK, raw)
        self.assertNotIn(NIK[-8:], raw)
        self.assertNotIn(NIK, digest)
        self.assertEqual(Member.objects.get(pk=member.pk).nik, NIK)

    def test_history_holds_no_plain_nik(self):
        member = make_member(self.cooperative, nik=NIK)
        record = member.history.first()
        self.assertNotIn(NIK, record.nik_encrypted)

    def test_masked(self):
        member = make_member(self.cooperative, nik=NIK)
        self.assertEqual((member.nik_masked, member.nik_last4), ("************0001", "0001"))
        member.nik = None
        self.assertEqual((member.nik_masked, member.nik_last4), ("", ""))

    def test_nik_unique_within_cooperative(self):
        make_member(self.cooperative, nik=NIK)
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_member(self.cooperative, nik=NIK)

    def test_same_person_in_two_cooperatives(self):
        make_member(self.cooperative, nik=NIK)
        make_member(make_cooperative(), nik=NIK)
        self.assertEqual(Member.objects.filter(nik_hash=Member.objects.first().nik_hash).count(), 2)

    def test_member_without_nik_is_explicit(self):
        first = make_member(self.cooperative, nik=None)
        second = make_member(self.cooperative, nik="")
        for member in (first, second):
            member.refresh_from_db()
            self.assertFalse(member.has_nik)
            self.assertIsNone(member.nik_hash)
            self.assertEqual(member.nik_encrypted, "")
            self.assertIsNone(member.nik)

    def test_database_refuses_nik_flag_without_number(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Member.objects.create(cooperative=self.cooperative, name="Tanpa NIK", has_nik=True)

    def test_invalid_nik_rejected_by_setter(self):
        member = Member(cooperative=self.cooperative, name="Salah")
        with self.assertRaises(ValidationError):
            member.nik = "6408011513900001"  # month 13
        with self.assertRaises(ValidationError):
            member.nik = "0"

    def test_left_before_joined_rejected(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_member(self.cooperative, joined_on=datetime.date(2024, 5, 1), left_on=datetime.date(2024, 1, 1))


class BoardTests(TestCase):
    def setUp(self):
        self.cooperative = make_cooperative()

    def test_term_end_before_start_rejected(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_board_member(
                self.cooperative, "ketua", term_start=datetime.date(2024, 1, 1), term_end=datetime.date(2023, 1, 1)
            )

    def test_clean_reports_term_error_on_field(self):
        member = BoardMember(
            cooperative=self.cooperative, name="A", role="ketua",
            term_start=datetime.date(2024, 1, 1), term_end=datetime.date(2023, 1, 1),
        )
        with self.assertRaises(ValidationError) as info:
            member.full_clean()
        self.assertIn("term_end", info.exception.message_dict)

    @property
    def board(self):
        return BoardMember.objects.filter(cooperative=self.cooperative)

    def test_current_terms_and_completeness(self):
        today = datetime.date(2026, 6, 1)
        for role in ("ketua", "sekretaris", "bendahara"):
            make_board_member(self.cooperative, role, term_start=datetime.date(2024, 1, 1))
        make_board_member(
            self.cooperative, "pengawas", term_start=datetime.date(2020, 1, 1), term_end=datetime.date(2024, 12, 31)
        )
        current = set(self.board.current(today).values_list("role", flat=True))
        self.assertFalse(board_is_complete(current))
        make_board_member(self.cooperative, "pengawas", term_start=datetime.date(2025, 1, 1))
        current = set(self.board.current(today).values_list("role", flat=True))
        self.assertTrue(board_is_complete(current))

    def test_ended_term_is_not_current(self):
        member = make_board_member(
            self.cooperative, "ketua", term_start=datetime.date(2024, 1, 1), ended_on=datetime.date(2025, 1, 1)
        )
        self.assertTrue(member.is_current(datetime.date(2024, 6, 1)))
        self.assertFalse(member.is_current(datetime.date(2025, 1, 1)))
        current = BoardMember.objects.current(datetime.date(2026, 1, 1))
        self.assertFalse(current.filter(pk=member.pk).exists())
        self.assertTrue(BoardMember.objects.current(datetime.date(2024, 6, 1)).filter(pk=member.pk).exists())


class YearlyReportTests(TestCase):
    def setUp(self):
        self.cooperative = make_cooperative()

    def test_one_report_per_year(self):
        make_report(self.cooperative, 2024)
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_report(self.cooperative, 2024)

    def test_year_range(self):
        for year in (1900, 2101):
            with self.subTest(year=year), self.assertRaises(IntegrityError), transaction.atomic():
                make_report(self.cooperative, year)

    def test_negative_money_rejected_but_loss_allowed(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_report(self.cooperative, 2023, total_assets=-1)
        report = make_report(self.cooperative, 2024, shu=-5_000_000)
        self.assertEqual(report.shu, -5_000_000)

    def test_negative_counts_rejected(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_report(self.cooperative, 2023, members_male=-3)

    def test_reported_rat_needs_a_rat(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_report(self.cooperative, 2023, rat_reported_on=datetime.date(2024, 4, 1))

    def test_clean_checks_rat_dates_and_attendance(self):
        report = YearlyReport(
            cooperative=self.cooperative, year=2024, members_male=10, members_female=5,
            rat_date=datetime.date(2023, 12, 1), rat_reported_on=datetime.date(2023, 11, 1), rat_attendance=40,
        )
        with self.assertRaises(ValidationError) as info:
            report.full_clean()
        self.assertEqual(set(info.exception.message_dict), {"rat_date", "rat_reported_on", "rat_attendance"})

    def test_ratios(self):
        report = make_report(
            self.cooperative, 2024, modal_sendiri=500, total_assets=1000, shu=120, revenue=200, expenses=150,
            members_male=30, members_female=20,
            rat_date=datetime.date(2025, 3, 1), rat_reported_on=datetime.date(2025, 3, 20),
        )
        self.assertEqual(report.members_total, 50)
        self.assertEqual(report.equity_ratio, 0.5)
        self.assertEqual(report.return_on_assets, 0.12)
        self.assertEqual(report.efficiency, 0.75)
        self.assertTrue(report.rat_reported_within_month)
        self.assertIsNone(make_report(self.cooperative, 2023).equity_ratio)


@pytest.mark.django_db
def test_area_queryset_limits_to_user_kecamatan():
    inside = make_cooperative(kecamatan="64.08.04")
    outside = make_cooperative(kecamatan="64.08.02")
    limited = make_user("Petugas", kecamatan=["64.08.04"])
    district = make_user("Petugas")
    assert list(Cooperative.objects.for_user(limited)) == [inside]
    assert set(Cooperative.objects.for_user(district)) == {inside, outside}
    make_report(outside, 2024)
    make_report(inside, 2024)
    assert [r.cooperative for r in YearlyReport.objects.for_user(limited)] == [inside]


@pytest.mark.django_db
def test_area_queryset_gives_anonymous_nothing():
    from django.contrib.auth.models import AnonymousUser

    make_cooperative()
    assert not Cooperative.objects.for_user(AnonymousUser()).exists()
