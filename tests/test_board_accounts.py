"""Board accounts of the cooperatives' portal: the invitation, its one-time code, the first sign-in,
the end with the term, and what a board member can (not) reach."""

import datetime

from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from registry.models import BOARD_ROLE, CooperativeAccount, OfficeSettings, User
from registry.services.board_accounts import (
    CODE_VALIDITY,
    CodeRefused,
    account_first_sign_in,
    account_for_code,
    account_invite,
    accounts_end_with_terms,
    code_hash,
)
from registry.services.purge import purge
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    PASSWORD,
    make_board_account,
    make_board_member,
    make_cooperative,
    make_member,
    make_report,
    make_user,
)

NEW_PASSWORD = "sawit-lestari-2024-kutim"


class InvitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative(name="Koperasi Sawit Makmur")
        cls.chair = make_board_member(cls.cooperative, "ketua", name="Budi Santoso")

    def invite(self, **data):
        self.client.force_login(self.petugas)
        url = reverse("registry:boardaccount_create", args=[self.cooperative.pk])
        return self.client.post(url, {"board_member": self.chair.pk, **data})

    def test_letter_shows_the_code_once_and_only_its_hash_is_stored(self):
        response = self.invite()
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "registry/portal/letter.html")
        code = response.context["invitation"].code
        self.assertContains(response, code)
        self.assertContains(response, "http://testserver/portal/masuk-pertama/")
        self.assertIn("no-store", response["Cache-Control"])
        account = CooperativeAccount.objects.get()
        self.assertEqual(account.code_hash, code_hash(code))
        self.assertNotIn(code.replace("-", ""), account.code_hash.upper())
        self.assertEqual(account.created_by, self.petugas)
        self.assertEqual(account.code_expires_at - account.created_at, datetime.timedelta(days=14))
        self.assertEqual(mail.outbox, [])  # no email given: the letter only
        # The history keeps the steps, never the hash.
        self.assertNotIn("code_hash", [f.name for f in account.history.model._meta.fields])

    def test_letter_carries_the_office_letterhead_and_signatory(self):
        OfficeSettings.objects.filter(pk=OfficeSettings.current().pk).update(
            office_name="Dinas Koperasi Uji", place="Sangatta Utara", signatory_name="Siti Aminah",
            signatory_title="Kepala Dinas Uji",
        )
        response = self.invite()
        for text in ("DINAS KOPERASI UJI", "Sangatta Utara, ", "Kepala Dinas Uji", "Siti Aminah"):
            self.assertContains(response, text)
        self.assertTemplateUsed(response, "includes/_letterhead.html")

    def test_an_email_carries_the_code_when_given(self):
        response = self.invite(email="budi@example.id")
        code = response.context["invitation"].code
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["budi@example.id"])
        self.assertIn(code, mail.outbox[0].body)
        self.assertIn("http://testserver/portal/masuk-pertama/", mail.outbox[0].body)

    def test_only_sitting_chair_secretary_treasurer_are_offered(self):
        supervisor = make_board_member(self.cooperative, "pengawas")
        ended = make_board_member(self.cooperative, "sekretaris", ended_on=datetime.date(2024, 1, 1))
        self.client.force_login(self.petugas)
        response = self.client.get(reverse("registry:boardaccount_create", args=[self.cooperative.pk]))
        choices = list(response.context["form"].fields["board_member"].queryset)
        self.assertEqual(choices, [self.chair])
        for term in (supervisor, ended):
            response = self.client.post(reverse("registry:boardaccount_create", args=[self.cooperative.pk]),
                                        {"board_member": term.pk})
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].errors["board_member"])
        self.assertFalse(CooperativeAccount.objects.exists())

    def test_a_new_invitation_replaces_a_pending_one(self):
        first = account_invite(board_member=self.chair, by=self.petugas)
        second = account_invite(board_member=self.chair, by=self.petugas)
        with self.assertRaises(CodeRefused) as refused:
            account_for_code(first.code)
        self.assertEqual(refused.exception.code, "ended")
        self.assertEqual(account_for_code(second.code), second.account)

    def test_a_term_with_an_account_gets_no_second_one(self):
        invitation = account_invite(board_member=self.chair, by=self.petugas)
        account_first_sign_in(code=invitation.code, username="budi", password=NEW_PASSWORD)
        response = self.invite()
        self.assertContains(response, "sudah punya akun")
        self.assertEqual(CooperativeAccount.objects.count(), 1)

    def test_petugas_outside_the_area_cannot_invite(self):
        outside = make_cooperative(kecamatan=MUARA_WAHAU)
        term = make_board_member(outside, "ketua")
        self.client.force_login(make_limited_petugas())
        url = reverse("registry:boardaccount_create", args=[outside.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"board_member": term.pk}).status_code, 404)
        self.assertFalse(CooperativeAccount.objects.exists())

    def test_pimpinan_cannot_invite(self):
        self.client.force_login(make_user("Pimpinan"))
        response = self.client.post(reverse("registry:boardaccount_create", args=[self.cooperative.pk]),
                                    {"board_member": self.chair.pk})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(CooperativeAccount.objects.exists())


class CodeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative()
        cls.chair = make_board_member(cls.cooperative, "ketua", name="Siti Aminah")
        cls.created = timezone.now()
        cls.invitation = account_invite(board_member=cls.chair, by=None, now=cls.created)

    def sign_in(self, code, username="siti", password=NEW_PASSWORD, password2=None):
        return self.client.post(reverse("registry:portal_first_sign_in"), {
            "code": code, "username": username, "password1": password, "password2": password2 or password,
        })

    def test_valid_until_exactly_fourteen_days(self):
        just_before = self.created + CODE_VALIDITY - datetime.timedelta(microseconds=1)
        self.assertEqual(account_for_code(self.invitation.code, now=just_before), self.invitation.account)
        for now in (self.created + CODE_VALIDITY, self.created + CODE_VALIDITY + datetime.timedelta(seconds=1)):
            with self.assertRaises(CodeRefused) as refused:
                account_for_code(self.invitation.code, now=now)
            self.assertEqual(refused.exception.code, "expired")
        self.assertEqual(CODE_VALIDITY, datetime.timedelta(days=14))

    def test_expired_code_is_refused_on_the_page(self):
        CooperativeAccount.objects.filter(pk=self.invitation.account.pk).update(code_expires_at=timezone.now())
        response = self.sign_in(self.invitation.code)
        self.assertContains(response, "kedaluwarsa")
        self.assertFalse(User.objects.filter(username="siti").exists())

    def test_first_sign_in_creates_the_board_user_and_signs_in(self):
        # Typed on a phone: small letters, spaces instead of dashes.
        response = self.sign_in(self.invitation.code.lower().replace("-", " "))
        self.assertRedirects(response, reverse("registry:portal_home"))
        user = User.objects.get(username="siti")
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertEqual(user.role_names, [BOARD_ROLE])
        self.assertEqual(user.cooperative_account.cooperative, self.cooperative)
        self.assertEqual(user.first_name, "Siti")
        self.assertEqual(self.client.get(reverse("registry:portal_home")).status_code, 200)

    def test_code_is_used_once(self):
        self.sign_in(self.invitation.code)
        self.client.logout()
        response = self.sign_in(self.invitation.code, username="orang_lain")
        self.assertContains(response, "sudah dipakai")
        self.assertFalse(User.objects.filter(username="orang_lain").exists())
        with self.assertRaises(CodeRefused):
            account_first_sign_in(code=self.invitation.code, username="ketiga", password=NEW_PASSWORD)

    def test_wrong_code(self):
        for code in ("ABCD-EFGH-JKMN", "", "x" * 30):
            response = self.sign_in(code)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].errors["code"])
        self.assertContains(self.sign_in("ABCD-EFGH-JKMN"), "Kode tidak dikenali")
        self.assertEqual(User.objects.filter(groups__name=BOARD_ROLE).count(), 0)

    def test_password_validators_and_taken_username(self):
        make_user(None, username="budi")
        response = self.sign_in(self.invitation.code, username="BUDI", password="12345678")
        errors = response.context["form"].errors
        self.assertIn("username", errors)
        self.assertIn("password1", errors)
        response = self.sign_in(self.invitation.code, password2="lain-sekali-123")
        self.assertIn("password2", response.context["form"].errors)
        self.assertContains(response, "error-summary")
        self.assertIsNone(CooperativeAccount.objects.get().user)

    def test_code_of_an_ended_term_is_refused(self):
        # Ended on the profile: the save ends the pending invitation too.
        self.chair.ended_on = timezone.localdate() - datetime.timedelta(days=1)
        self.chair.save()
        self.assertContains(self.sign_in(self.invitation.code), "Undangan ini sudah tidak berlaku")
        self.assertIsNotNone(CooperativeAccount.objects.get().ended_at)

    def test_code_of_a_term_run_out_by_its_date_is_refused(self):
        type(self.chair).objects.filter(pk=self.chair.pk).update(term_end=timezone.localdate() - datetime.timedelta(
            days=1))
        self.assertContains(self.sign_in(self.invitation.code), "Masa jabatan pengurus ini sudah berakhir")
        self.assertFalse(User.objects.filter(username="siti").exists())

    def test_signed_in_users_are_sent_on(self):
        self.client.force_login(make_user("Petugas"))
        self.assertRedirects(self.client.get(reverse("registry:portal_first_sign_in")), "/",
                             fetch_redirect_response=False)


class TermEndTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.account = make_board_account(username="pengurus1")
        cls.user = cls.account.user

    def test_ending_the_term_on_the_profile_deactivates_the_account(self):
        term = self.account.board_member
        self.client.force_login(make_user("Petugas"))
        url = reverse("registry:boardmember_end", args=[term.cooperative_id, term.pk])
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        response = self.client.post(url, {"ended_on": yesterday.strftime("%d/%m/%Y"), "version": term.version})
        self.assertEqual(response.status_code, 302)
        self.user.refresh_from_db()
        self.account.refresh_from_db()
        self.assertFalse(self.user.is_active)
        self.assertIsNotNone(self.account.ended_at)
        self.client.logout()
        response = self.client.post(reverse("login"), {"username": "pengurus1", "password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.wsgi_request.user.is_authenticated)

    def test_a_term_that_runs_out_by_its_date_ends_at_the_next_request(self):
        term = self.account.board_member
        type(term).objects.filter(pk=term.pk).update(term_end=timezone.localdate() - datetime.timedelta(days=1))
        self.client.force_login(self.user)
        response = self.client.get(reverse("registry:portal_home"))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.user.refresh_from_db()
        self.assertFalse(self.user.is_active)

    def test_a_term_that_runs_out_is_refused_at_sign_in(self):
        term = self.account.board_member
        type(term).objects.filter(pk=term.pk).update(term_end=timezone.localdate() - datetime.timedelta(days=1))
        response = self.client.post(reverse("login"), {"username": "pengurus1", "password": PASSWORD})
        self.assertContains(response, "Masa jabatan Anda sebagai pengurus sudah berakhir")
        self.user.refresh_from_db()
        self.assertFalse(self.user.is_active)

    def test_the_purge_ends_accounts_of_ended_terms_only(self):
        running = make_board_account()
        term = self.account.board_member
        type(term).objects.filter(pk=term.pk).update(term_end=datetime.date(2025, 12, 31))
        self.assertEqual(purge()["board_accounts"], 1)
        self.user.refresh_from_db()
        running.user.refresh_from_db()
        self.assertFalse(self.user.is_active)
        self.assertTrue(running.user.is_active)
        self.assertEqual(accounts_end_with_terms(), 0)  # idempotent


class BoardMemberReachTests(TestCase):
    """A board member sees their own cooperative only: staff pages 404, the rest of the portal theirs."""

    @classmethod
    def setUpTestData(cls):
        cls.own = make_cooperative(name="Koperasi Milik Sendiri")
        cls.other = make_cooperative(name="Koperasi Tetangga Lain")
        cls.account = make_board_account(cls.own, username="pengurus1")
        make_member(cls.own, nik="6408041203900001", name="Anggota Rahasia")
        make_report(cls.own, 2024, members_male=10, shu=1_250_000)
        make_report(cls.other, 2024)

    def setUp(self):
        self.client.force_login(self.account.user)

    def test_portal_home_shows_own_cooperative_without_member_data(self):
        response = self.client.get(reverse("registry:portal_home"))
        self.assertContains(response, "Koperasi Milik Sendiri")
        self.assertContains(response, "Rp 1.250.000")
        self.assertNotContains(response, "Koperasi Tetangga Lain")
        self.assertNotContains(response, "Anggota Rahasia")
        for digits in ("6408041203900001", "0001"):
            self.assertNotContains(response, digits)

    def test_staff_pages_exports_and_api_are_not_found(self):
        for path in [
            reverse("registry:dashboard"), reverse("registry:cooperative_list"),
            reverse("registry:cooperative_detail", args=[self.own.pk]),
            reverse("registry:cooperative_detail", args=[self.other.pk]),
            reverse("registry:boardaccount_create", args=[self.own.pk]),
            reverse("registry:member_list"), reverse("registry:summary_api"),
            reverse("registry:list_export", args=["koperasi", "csv"]),
            reverse("registry:list_export", args=["anggota", "csv"]), reverse("registry:dashboard_export"),
            reverse("registry:recap"), reverse("registry:yearlyreport_create", args=[self.own.pk]),
        ]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_front_door_and_login_lead_to_the_portal(self):
        self.assertRedirects(self.client.get("/"), reverse("registry:portal_home"))
        self.client.logout()
        response = self.client.post(reverse("login"), {"username": "pengurus1", "password": PASSWORD})
        self.assertRedirects(response, reverse("registry:portal_home"))

    def test_the_role_holds_only_the_portal_permission(self):
        codenames = set(Group.objects.get(name=BOARD_ROLE).permissions.values_list("codename", flat=True))
        self.assertEqual(codenames, {"use_portal"})

    def test_a_user_without_an_account_is_refused_the_portal(self):
        self.client.force_login(make_user(BOARD_ROLE))
        self.assertEqual(self.client.get(reverse("registry:portal_home")).status_code, 403)
