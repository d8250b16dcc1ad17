"""Data-quality warnings: shown on save, in the profile's panel and on the Admin Dinas list; never refusals."""

import datetime

from django.test import TestCase
from django.utils import timezone

from registry import data_quality
from registry.models import Member
from registry.services.import_jobs import import_commit
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_member,
    make_report,
    make_user,
)
from tests.test_imports import MEMBER_HEADERS, csv_bytes

BORN = datetime.date(1980, 12, 5)
WOMAN_NIK = "6408014512800001"  # day 05 + 40: a woman born 05/12/1980
MAN_NIK = "6408010512800002"


class NikBirthRuleTests(TestCase):
    def test_a_woman_s_day_is_written_plus_forty(self):
        self.assertIs(data_quality.nik_birth_agrees(WOMAN_NIK, BORN, "P"), True)
        self.assertIs(data_quality.nik_birth_agrees(MAN_NIK, BORN, "L"), True)

    def test_the_sex_part_must_agree_when_a_sex_is_entered(self):
        self.assertIs(data_quality.nik_birth_agrees(WOMAN_NIK, BORN, "L"), False)
        self.assertIs(data_quality.nik_birth_agrees(MAN_NIK, BORN, "P"), False)
        self.assertIs(data_quality.nik_birth_agrees(WOMAN_NIK, BORN, ""), True)

    def test_day_month_and_year_each_count(self):
        self.assertIs(data_quality.nik_birth_agrees(MAN_NIK, datetime.date(1980, 12, 6), "L"), False)
        self.assertIs(data_quality.nik_birth_agrees(MAN_NIK, datetime.date(1980, 11, 5), "L"), False)
        self.assertIs(data_quality.nik_birth_agrees(MAN_NIK, datetime.date(1981, 12, 5), "L"), False)
        # Two digits of the year: 1980 and 2080 read alike, as on the card.
        self.assertIs(data_quality.nik_birth_agrees(MAN_NIK, datetime.date(2080, 12, 5), "L"), True)

    def test_31_december_and_the_highest_woman_s_day(self):
        self.assertIs(data_quality.nik_birth_agrees("6408017112990003", datetime.date(1999, 12, 31), "P"), True)
        self.assertIs(data_quality.nik_birth_agrees("6408013112990003", datetime.date(1999, 12, 31), "L"), True)

    def test_nothing_to_compare_is_none(self):
        self.assertIsNone(data_quality.nik_birth_agrees(MAN_NIK, None, "L"))
        self.assertIsNone(data_quality.nik_birth_agrees(None, BORN, "L"))
        self.assertIsNone(data_quality.nik_birth_agrees("64080105128000", BORN, "L"))


class MembersApartRuleTests(TestCase):
    def test_more_than_five_people_and_more_than_ten_percent(self):
        self.assertFalse(data_quality.members_far_apart(100, 100))
        self.assertFalse(data_quality.members_far_apart(10, 15))  # 5 people: not more than 5
        self.assertTrue(data_quality.members_far_apart(10, 16))
        self.assertFalse(data_quality.members_far_apart(60, 66))  # 6 of 66 is 9.1 %
        self.assertFalse(data_quality.members_far_apart(99, 110))  # 11 people, exactly 10 % of 110: not more
        self.assertTrue(data_quality.members_far_apart(98, 110))
        self.assertFalse(data_quality.members_far_apart(None, 10))


class MemberFlagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coop = make_cooperative()

    def test_the_flag_follows_the_nik_and_the_birth_date(self):
        member = make_member(self.coop, nik=WOMAN_NIK, sex="P", birth_date=BORN)
        self.assertIs(member.nik_birth_agrees, True)
        member.birth_date = datetime.date(1980, 12, 6)
        member.full_clean(validate_unique=False, validate_constraints=False)
        self.assertIs(member.nik_birth_agrees, False)
        member.nik = None
        self.assertIsNone(member.nik_birth_agrees)

    def test_an_import_sets_the_flag_of_each_row(self):
        coop = make_cooperative(nomor_induk="6408019999001")
        desa, kecamatan = coop.desa.name, coop.desa.kecamatan.name
        rows = [MEMBER_HEADERS,
                ["6408019999001", "Siti", WOMAN_NIK, "P", "05/12/1980", desa, kecamatan, "A-1", "01/02/2015"],
                ["6408019999001", "Budi", MAN_NIK, "L", "06/12/1980", desa, kecamatan, "A-2", "01/02/2015"]]
        import_commit(kind="anggota", data=csv_bytes(rows), file_name="anggota.csv", user=make_user("Petugas"))
        flags = dict(Member.objects.filter(cooperative=coop).values_list("name", "nik_birth_agrees"))
        self.assertEqual(flags, {"Siti": True, "Budi": False})


class SaveWarningTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.coop = make_cooperative(name="Koperasi Sawit Maju")

    def setUp(self):
        self.client.force_login(self.petugas)

    def messages(self, response):
        return [str(m) for m in response.context["messages"]]

    def test_a_member_whose_nik_disagrees_is_saved_with_a_warning(self):
        url = f"/koperasi/{self.coop.pk}/anggota/tambah/"
        data = {"name": "Siti", "nik": MAN_NIK, "sex": "P", "birth_date": "1980-12-05", "version": 1}
        response = self.client.post(url, data, follow=True)
        member = Member.objects.get(name="Siti")
        self.assertIs(member.nik_birth_agrees, False)
        self.assertTrue(any("digit 7-12" in m for m in self.messages(response)), self.messages(response))
        data = {"name": "Sari", "nik": WOMAN_NIK, "sex": "P", "birth_date": "1980-12-05", "version": 1}
        response = self.client.post(url, data, follow=True)
        self.assertIs(Member.objects.get(name="Sari").nik_birth_agrees, True)
        self.assertFalse(any("digit 7-12" in m for m in self.messages(response)))

    def test_a_second_cooperative_of_the_same_name_in_the_desa_is_saved_with_a_warning(self):
        twin = make_cooperative(name="KOPERASI  sawit maju", desa=self.coop.desa)
        warnings = data_quality.cooperative_save_warnings(twin)
        self.assertEqual(len(warnings), 1)
        self.assertIn("Koperasi Sawit Maju", warnings[0])
        elsewhere = make_cooperative(name="Koperasi Sawit Maju", kecamatan=MUARA_WAHAU)
        self.assertEqual(data_quality.cooperative_save_warnings(elsewhere), [])

    def test_a_second_sitting_ketua_is_saved_with_a_warning(self):
        make_board_member(self.coop, "ketua", name="Pak Lama")
        url = f"/koperasi/{self.coop.pk}/pengurus/tambah/"
        data = {"name": "Pak Baru", "role": "ketua", "sex": "L", "term_start": "2024-01-01", "version": 1}
        response = self.client.post(url, data, follow=True)
        self.assertTrue(any("2 ketua menjabat bersamaan" in m for m in self.messages(response)),
                        self.messages(response))

    def test_an_ended_term_is_not_a_second_ketua(self):
        today = timezone.localdate()
        make_board_member(self.coop, "ketua", name="Pak Lama", ended_on=today)
        make_board_member(self.coop, "ketua", name="Pak Baru", term_start=today)
        self.assertEqual(data_quality.board_save_warnings(self.coop, today), [])


class ProfileAndListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")
        cls.limited_admin = make_user("Admin Dinas", kecamatan=[MUARA_WAHAU])
        cls.coop = make_cooperative(name="Koperasi Kembar")
        cls.twin = make_cooperative(name="Koperasi Kembar", desa=cls.coop.desa)
        make_board_member(cls.coop, "ketua", name="Ketua Satu")
        make_board_member(cls.coop, "ketua", name="Ketua Dua")
        make_member(cls.coop, nik=MAN_NIK, sex="L", birth_date=datetime.date(1981, 1, 1))
        make_member(cls.coop, nik=WOMAN_NIK, sex="P", birth_date=BORN)
        make_report(cls.coop, 2024, members_male=40, members_female=10)

    def test_the_profile_panel_names_each_warning(self):
        self.client.force_login(self.admin)
        issues = self.client.get(f"/koperasi/{self.coop.pk}/").context["quality"].issues
        text = " ".join(str(i) for i in issues)
        self.assertIn("2 ketua menjabat bersamaan", text)
        self.assertIn("1 koperasi lain bernama sama", text)
        self.assertIn("1 anggota dengan NIK", text)
        self.assertIn("Anggota dilaporkan 50", text)

    def test_the_district_list_shows_each_kind_in_a_fixed_number_of_queries(self):
        self.client.force_login(self.admin)
        url = "/mutu-data/"
        self.client.get(url)
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3-4 same names
        # (keys, then the groups), 5 sitting ketua, 6 NIK disagreements, 7-9 members far apart (listed,
        # reports, the cooperatives).
        with self.assertNumQueries(9):
            response = self.client.get(url)
        context = response.context
        self.assertEqual([{c.pk for c in group} for group in context["same_names"]], [{self.coop.pk, self.twin.pk}])
        self.assertEqual([(c.pk, c.chairs) for c in context["chairs"]], [(self.coop.pk, 2)])
        self.assertEqual([(c.pk, c.disagreeing) for c in context["nik_disagreements"]], [(self.coop.pk, 1)])
        self.assertEqual([(c.pk, year, reported, listed) for c, year, reported, listed in context["far_apart"]],
                         [(self.coop.pk, 2024, 50, 2)])
        self.assertNotContains(response, WOMAN_NIK)
        self.assertNotContains(response, MAN_NIK)

    def test_an_admin_limited_to_an_area_sees_only_it(self):
        self.client.force_login(self.limited_admin)
        context = self.client.get("/mutu-data/").context
        self.assertEqual(
            (context["same_names"], context["chairs"], context["nik_disagreements"], context["far_apart"]),
            ([], [], [], []),
        )
        self.assertEqual(SANGATTA_UTARA, self.coop.desa.kecamatan_id)
