"""Who may open which page: the roles, their test users, the access tables and the URL matrix.

Every test that checks access reads it from here. `MATRIX` gives every URL name of the project
(Django admin aside) its requests and the status each person gets; tests/test_access.py walks
the URL resolver and fails when a URL name has no row, then makes every request as everyone.
"""

import datetime
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, TestCase
from django.utils import timezone

from registry.models import Assessment, ExportLog, ImportBatch, PendingImport, RubricVersion
from registry.models.imports import export_storage
from registry.services.import_jobs import seal
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    make_board_account,
    make_board_member,
    make_change_request,
    make_cooperative,
    make_document,
    make_finding,
    make_member,
    make_participant,
    make_partnership,
    make_report,
    make_submission,
    make_training,
    make_user,
)

# ---------------------------------------------------------------------------------------------
# Who asks
# ---------------------------------------------------------------------------------------------

ADMIN_DINAS = "Admin Dinas"
PETUGAS = "Petugas"
PIMPINAN = "Pimpinan"
VERIFIKATOR = "Verifikator"
ROLES = [ADMIN_DINAS, PETUGAS, PIMPINAN, VERIFIKATOR]
LIMITED = "Petugas (Sangatta)"  # a Petugas whose area is two kecamatan
NO_ROLE = "tanpa peran"  # signed in, in no role group
PENGURUS = "Pengurus Koperasi"  # a cooperative's board member: the portal of their own cooperative only
ANONYMOUS = None
EVERYONE = [ANONYMOUS, *ROLES, LIMITED, NO_ROLE, PENGURUS]
LIMITED_AREA = [SANGATTA_UTARA, SANGATTA_SELATAN]
LOGIN_URL = "/accounts/login/"


def make_limited_petugas(**fields):
    """A Petugas limited to Sangatta Utara and Sangatta Selatan."""
    return make_user(PETUGAS, kecamatan=LIMITED_AREA, **fields)


def make_users():
    """One user per person of the tables (anonymous aside); Admin Dinas is staff, as real ones are."""
    users = {role: make_user(role, is_staff=(role == ADMIN_DINAS)) for role in ROLES}
    users[LIMITED] = make_limited_petugas()
    users[NO_ROLE] = make_user(None)
    users[PENGURUS] = make_board_account().user
    return users


# ---------------------------------------------------------------------------------------------
# What each kind of page answers them. 302 for anonymous = sent to the login page.
# ---------------------------------------------------------------------------------------------

# Lists, profiles, the dashboard: every role, whatever its area.
# A cooperative's board member sees only the portal: every staff URL is 404 to them, never a 403 that
# would tell them the page exists (registry/middleware.py BoardAccountReachMiddleware). A user without
# a role still gets 403.
READ = {ANONYMOUS: 302, NO_ROLE: 403, PENGURUS: 404, **{role: 200 for role in [*ROLES, LIMITED]}}
# Entering and changing records, imports: Admin Dinas and Petugas.
EDIT = {
    ANONYMOUS: 302, NO_ROLE: 403, PENGURUS: 404, PIMPINAN: 403, VERIFIKATOR: 403, ADMIN_DINAS: 200, PETUGAS: 200,
    LIMITED: 200,
}
# Reverting a change, the NIK reveal log, refreshing the summary.
ADMIN_ONLY = {
    ANONYMOUS: 302, ADMIN_DINAS: 200, PENGURUS: 404,
    **{who: 403 for who in EVERYONE if who not in (ANONYMOUS, ADMIN_DINAS, PENGURUS)},
}
# Verifying an assessment or sending it back.
VERIFY = {**ADMIN_ONLY, VERIFIKATOR: 200}
# Exports of aggregates and of lists without personal data: not for Verifikator.
EXPORT = {**READ, VERIFIKATOR: 403}
# Exports with member-level personal data: never for Pimpinan.
PERSONAL_EXPORT = {**EXPORT, PIMPINAN: 403}
# The same page for a record outside the limited Petugas's kecamatan: 404, never a 403 that confirms it
# exists. Who may not open the page at all still gets 403: the permission is checked first.
OUTSIDE_READ = {**READ, LIMITED: 404}
OUTSIDE_EDIT = {**EDIT, LIMITED: 404}
# The login page, and the front door that sends everyone on (to the login page or the dashboard).
LOGIN_PAGE = {ANONYMOUS: 200, **{who: 302 for who in EVERYONE if who is not ANONYMOUS}}
# The signed-in user's own account: everyone signed in, whatever the role.
SIGNED_IN = {ANONYMOUS: 302, **{who: 200 for who in EVERYONE if who is not ANONYMOUS}}
EVERYONE_REDIRECTED = {who: 302 for who in EVERYONE}
# The cooperatives' portal: a board member with a running account; everyone else signed in gets 403.
PORTAL = {ANONYMOUS: 302, **{who: 403 for who in EVERYONE if who not in (ANONYMOUS, PENGURUS)}, PENGURUS: 200}


def redirected(table):
    """A POST that redirects where the page would open: 200 becomes 302."""
    return {who: 302 if status == 200 else status for who, status in table.items()}


def not_found(table):
    """A page that answers 404 to everyone who may open its kind (an unknown token, an unknown kind)."""
    return {who: 404 if status == 200 else status for who, status in table.items()}


def post_only(table):
    """A GET on a POST-only URL: 405 for who may post; login and permission are checked first."""
    return {who: 405 if status in (200, 302) and who is not ANONYMOUS else status for who, status in table.items()}


class AccessTestCase(TestCase):
    """A TestCase with the users of the tables and the one `check()`; call super().setUpTestData()."""

    @classmethod
    def setUpTestData(cls):
        cls.users = make_users()

    def check(self, method, path, expected, data=None, *, to_login=LOGIN_URL):
        """Request `path` as each person of `expected` and compare the status.

        Each request runs in its own client and its own rolled-back transaction, so one person's
        successful POST changes nothing for the next. An anonymous 302 must lead to the login
        page `to_login` (None: a page that sends everyone elsewhere). Whatever a signed-in person
        gets is never kept in a cache (`no-store`): so walking the matrix checks every page for it.
        """
        for who, status in expected.items():
            with self.subTest(method=method, path=path, who=who):
                client = Client()
                if who is not ANONYMOUS:
                    client.force_login(self.users[who])
                with transaction.atomic():
                    response = getattr(client, method)(path, data or {})
                    transaction.set_rollback(True)
                self.assertEqual(response.status_code, status)
                if who is not ANONYMOUS:
                    self.assertIn("no-store", response.get("Cache-Control", ""), path)
                    self.assertIn("private", response.get("Cache-Control", ""), path)
                if who is ANONYMOUS and status == 302 and to_login:
                    self.assertTrue(response["Location"].startswith(to_login), response["Location"])


# ---------------------------------------------------------------------------------------------
# The matrix: every URL name, its requests, the answer per person inside and outside the area
# ---------------------------------------------------------------------------------------------

YEAR = 2024  # the book year of the assessment pages


@dataclass(frozen=True)
class Ask:
    """One request of a URL: the status per person for the records inside the limited Petugas's area.

    `args` and `query` are built from the records of one side (`make_area_records`); `outside`,
    when given, is the status per person for the same request on the records outside the area.
    """

    expected: dict
    args: object = None  # records -> URL arguments
    method: str = "get"
    query: object = None  # records -> query string
    data: dict | None = None
    outside: dict | None = None
    to_login: str | None = LOGIN_URL


def form(expected, args=None, *, outside=None, query=None):
    """A form page: GET opens it, an empty POST shows it again with its errors (same statuses)."""
    return [
        Ask(expected, args, query=query, outside=outside),
        Ask(expected, args, method="post", query=query, outside=outside),
    ]


def post(expected, args=None, *, data=None, outside=None):
    """A POST-only URL: a GET is refused with 405, a POST does its work and redirects."""
    return [
        Ask(post_only(expected), args),
        Ask(redirected(expected), args, method="post", data=data, outside=outside and redirected(outside)),
    ]


def cooperative(r):
    return {"pk": r.cooperative}


def of_cooperative(**names):
    """URL arguments of a page under a cooperative: its pk and the named records'."""
    return lambda r: {"cooperative_pk": r.cooperative, **{arg: getattr(r, name) for arg, name in names.items()}}


def cooperative_pk_of(r):
    return {"cooperative_pk": r.cooperative}


def assessment(year=YEAR):
    return lambda r: {"cooperative_pk": r.cooperative, "year": year}


def export(kind):
    return lambda r: {"kind": kind, "fmt": "csv"}


STEP = {"reason": "uji"}  # the reason a workflow step asks for

MATRIX = {
    # Signing in and out, the language, the front door
    "login": [Ask(LOGIN_PAGE)],
    "logout": [Ask({who: 405 for who in EVERYONE}), Ask(EVERYONE_REDIRECTED, method="post")],
    "set_language": [
        Ask(EVERYONE_REDIRECTED, to_login=None),
        Ask(EVERYONE_REDIRECTED, method="post", data={"language": "en"}, to_login=None),
    ],
    "registry:home": [Ask(EVERYONE_REDIRECTED)],
    # The admin's login page is ours; a signed-in member of staff goes on to the admin.
    # A board member: 404, as on every staff URL.
    "admin_login": [Ask({
        ANONYMOUS: 302, ADMIN_DINAS: 302, PENGURUS: 404,
        **{who: 403 for who in EVERYONE if who not in (ANONYMOUS, ADMIN_DINAS, PENGURUS)},
    })],
    # One's own account: password, second factor (tests/test_second_factor.py has the steps)
    "registry:account": [Ask(SIGNED_IN)],
    # The cooperatives' portal: the board member's own cooperative; the first sign-in with the letter's code
    "registry:portal_home": [Ask(PORTAL)],
    "registry:portal_first_sign_in": form(LOGIN_PAGE),
    # What the cooperative submits: its own draft; another cooperative's submission is not found
    "registry:portal_submission_create": form(PORTAL),
    "registry:portal_submission": [
        *form(PORTAL, lambda r: {"pk": r.own_submission}),
        Ask({**PORTAL, PENGURUS: 404}, lambda r: {"pk": r.submission}, outside={**PORTAL, PENGURUS: 404}),
    ],
    # Documents of a submission: the board adds and removes its own while it may change; the board and
    # the reviewers of the area download them (tests/test_submission_documents.py)
    "registry:portal_document_upload": [
        *post(PORTAL, lambda r: {"pk": r.own_submission}),
        Ask({**redirected(PORTAL), PENGURUS: 404}, lambda r: {"pk": r.submission}, method="post",
            outside={**redirected(PORTAL), PENGURUS: 404}),
    ],
    "registry:portal_document_delete": [
        *post(PORTAL, lambda r: {"pk": r.own_submission, "document_pk": r.own_document}),
        Ask({**redirected(PORTAL), PENGURUS: 404}, lambda r: {"pk": r.submission, "document_pk": r.document},
            method="post", outside={**redirected(PORTAL), PENGURUS: 404}),
    ],
    # Changes the board asks for (a new term, an end of a term, contact details): its own requests only;
    # an empty new request is a draft saved (tests/test_portal_changes.py)
    "registry:portal_change_create": [
        Ask(PORTAL, lambda r: {"kind": "pengurus_baru"}),
        Ask(redirected(PORTAL), lambda r: {"kind": "pengurus_baru"}, method="post"),
        Ask(not_found(PORTAL), lambda r: {"kind": "lainnya"}),
    ],
    "registry:portal_change": [
        *form(PORTAL, lambda r: {"pk": r.own_change_request}),
        Ask({**PORTAL, PENGURUS: 404}, lambda r: {"pk": r.change_request}, outside={**PORTAL, PENGURUS: 404}),
        Ask({**PORTAL, PENGURUS: 404}, lambda r: {"pk": r.change_request}, method="post",
            outside={**PORTAL, PENGURUS: 404}),
    ],
    "registry:document_download": [
        Ask({**EDIT, PENGURUS: 200}, lambda r: {"pk": r.own_document}),
        Ask({**EDIT, PENGURUS: 404}, lambda r: {"pk": r.document}, outside={**OUTSIDE_EDIT, PENGURUS: 404}),
    ],
    # The Dinas's review of submissions: Petugas of the area (tests/test_submissions.py)
    "registry:review_queue": [Ask(EDIT)],
    "registry:review_detail": [
        Ask(EDIT, lambda r: {"pk": r.submission}, outside=OUTSIDE_EDIT),
        Ask(redirected(EDIT), lambda r: {"pk": r.submission}, method="post", outside=redirected(OUTSIDE_EDIT),
            data={"action": "kembalikan", "note": "uji", "version": 1, "record_version": 0}),
    ],
    "registry:review_change": [
        Ask(EDIT, lambda r: {"pk": r.change_request}, outside=OUTSIDE_EDIT),
        Ask(redirected(EDIT), lambda r: {"pk": r.change_request}, method="post", outside=redirected(OUTSIDE_EDIT),
            data={"action": "kembalikan", "note": "uji", "version": 1, "record_version": 0}),
    ],
    "registry:password_change": form(SIGNED_IN),
    "registry:second_factor_setup": form(SIGNED_IN),
    # Without a code owed the verification page sends on.
    "registry:second_factor_verify": [Ask(EVERYONE_REDIRECTED), Ask(EVERYONE_REDIRECTED, method="post")],
    # Without an authenticator app there are no backup codes to make: back to the account page.
    "registry:backup_codes": post(SIGNED_IN),
    "registry:second_factor_disable": post(SIGNED_IN),
    # The health check: open to everyone and to monitors, no login, no personal data (tests/test_operations.py)
    "healthz": [Ask({who: 200 for who in EVERYONE}, to_login=None)],
    # The dashboard, its export and API: a kecamatan outside the area is not found
    "registry:dashboard": [Ask(READ), Ask(READ, query=lambda r: f"kecamatan={r.kecamatan}", outside=OUTSIDE_READ)],
    "registry:dashboard_export": [
        Ask(EXPORT), Ask(EXPORT, query=lambda r: f"kecamatan={r.kecamatan}", outside={**EXPORT, LIMITED: 404}),
    ],
    "registry:summary_api": [Ask(READ), Ask(READ, query=lambda r: f"kecamatan={r.kecamatan}", outside=OUTSIDE_READ)],
    "registry:summary_refresh": post(ADMIN_ONLY),
    # Cooperatives, their board, reports and history
    "registry:cooperative_list": [Ask(READ)],
    # Suggestions as one types: the area rule limits what is suggested (tests/test_cooperative_choice.py)
    "registry:cooperative_suggest": [Ask(READ), Ask(READ, query=lambda r: "q=Koperasi")],
    "registry:cooperative_create": form(EDIT),
    "registry:cooperative_detail": [Ask(READ, cooperative, outside=OUTSIDE_READ)],
    "registry:cooperative_update": form(EDIT, cooperative, outside=OUTSIDE_EDIT),
    "registry:cooperative_status": form(EDIT, of_cooperative(), outside=OUTSIDE_EDIT),
    "registry:boardmember_create": form(EDIT, of_cooperative(), outside=OUTSIDE_EDIT),
    "registry:boardmember_update": form(EDIT, of_cooperative(pk="board"), outside=OUTSIDE_EDIT),
    "registry:boardmember_end": form(EDIT, of_cooperative(pk="board"), outside=OUTSIDE_EDIT),
    "registry:yearlyreport_create": form(EDIT, of_cooperative(), outside=OUTSIDE_EDIT),
    "registry:yearlyreport_update": form(EDIT, of_cooperative(pk="report"), outside=OUTSIDE_EDIT),
    "registry:member_create": form(EDIT, of_cooperative(), outside=OUTSIDE_EDIT),
    # A board member's portal account: invited by a Petugas of the area (tests/test_board_accounts.py)
    "registry:boardaccount_create": form(EDIT, of_cooperative(), outside=OUTSIDE_EDIT),
    # The change history of a cooperative (its record, board, reports, members), linked from its profile
    "registry:cooperative_history": [Ask(READ, cooperative_pk_of, outside=OUTSIDE_READ)],
    "registry:history_revert": [
        Ask(ADMIN_ONLY, lambda r: {"cooperative_pk": r.cooperative, "kind": "koperasi", "history_id": r.change},
            outside=ADMIN_ONLY),
        Ask(redirected(ADMIN_ONLY), lambda r: {"cooperative_pk": r.cooperative, "kind": "koperasi",
                                               "history_id": r.change}, method="post",
            outside=redirected(ADMIN_ONLY)),
    ],
    # Members
    "registry:member_list": [Ask(READ)],
    # The search by full NIK: a form (GET), its POST with the NIK in the body (tests/test_personal_data.py)
    # Who may reveal is sent on to the list narrowed to it; the others read where the NIK is listed.
    "registry:member_nik_search": [*form(READ), Ask(
        {**READ, ADMIN_DINAS: 302, PETUGAS: 302, LIMITED: 302}, method="post", data={"nik": "6408041203900001"},
    )],
    "registry:member_duplicates": [Ask(READ)],
    "registry:data_quality": [Ask(ADMIN_ONLY)],
    # The RAT season: reading for every role; reminder emails for who enters reports.
    "registry:rat_season": [Ask(READ), Ask(READ, query=lambda r: f"kecamatan={r.kecamatan}", outside=OUTSIDE_READ)],
    "registry:rat_export": [Ask(EXPORT), Ask(EXPORT, query=lambda r: f"kecamatan={r.kecamatan}",
                                         outside={**EXPORT, LIMITED: 404})],
    "registry:rat_letters": [Ask(READ), Ask(READ, query=lambda r: f"kecamatan={r.kecamatan}", outside=OUTSIDE_READ)],
    "registry:rat_letter": [Ask(READ, cooperative_pk_of, outside=OUTSIDE_READ)],
    "registry:rat_reminders": post(EDIT, data={"tahun": YEAR}),
    "registry:nikreveal_list": [Ask(ADMIN_ONLY)],
    "registry:member_detail": [Ask(READ, lambda r: {"pk": r.member}, outside=OUTSIDE_READ)],
    # The reveal answers with the page of the full NIK (200), logged.
    "registry:member_reveal": [
        Ask(post_only(EDIT), lambda r: {"pk": r.member}),
        Ask(EDIT, lambda r: {"pk": r.member}, method="post", data={"purpose": "Pencocokan data bantuan"},
            outside=OUTSIDE_EDIT),
    ],
    "registry:member_update": form(EDIT, lambda r: {"pk": r.member}, outside=OUTSIDE_EDIT),
    # Erasing a member's personal data on request: Admin Dinas (tests/test_erasure.py has what goes).
    "registry:member_erase": [
        *form(ADMIN_ONLY, lambda r: {"pk": r.member}, outside=ADMIN_ONLY),
        Ask(redirected(ADMIN_ONLY), lambda r: {"pk": r.member}, method="post",
            data={"reason": "Permintaan tertulis anggota"}, outside=redirected(ADMIN_ONLY)),
    ],
    "registry:member_end": form(EDIT, lambda r: {"pk": r.member}, outside=OUTSIDE_EDIT),
    # Assessments and recommendations
    "registry:assessment_list": [Ask(READ)],
    "registry:assessment_prepare": post(EDIT, data={"year": 2030}),
    "registry:recommendation_list": [Ask(READ)],
    "registry:recommendation_export": [
        Ask(EXPORT), Ask(EXPORT, query=lambda r: f"kecamatan={r.kecamatan}", outside={**EXPORT, LIMITED: 404}),
    ],
    # Letters to the helping parties (tests/test_party_letters.py has them with recommendations behind
    # them): the matrix's assessments are drafts, so the run of letters is empty and a party's letter,
    # with nothing asked of it, is not found.
    "registry:recommendation_letters": [
        Ask(READ), Ask(READ, query=lambda r: f"kecamatan={r.kecamatan}", outside=OUTSIDE_READ),
    ],
    "registry:recommendation_letter": [Ask(not_found(READ), lambda r: {"helper": "bank"})],
    "registry:assessment_entry": [
        Ask(READ, assessment(), outside=OUTSIDE_READ),
        Ask(READ, assessment(YEAR + 1), outside=OUTSIDE_READ),  # a year not assessed yet: the empty form
        Ask(EDIT, assessment(), method="post", outside=OUTSIDE_EDIT),
    ],
    # The live totals: a POST of the entry form answered with JSON, saving nothing
    "registry:assessment_totals": [
        Ask(post_only(EDIT), assessment()),
        Ask(EDIT, assessment(), method="post", outside=OUTSIDE_EDIT),
    ],
    "registry:assessment_submit": post(EDIT, assessment(), data=STEP, outside=OUTSIDE_EDIT),
    "registry:assessment_verify": post(VERIFY, assessment(), data=STEP, outside=VERIFY),
    "registry:assessment_return": post(VERIFY, assessment(), data=STEP, outside=VERIFY),
    "registry:assessment_reopen": post(ADMIN_ONLY, assessment(), data=STEP, outside=ADMIN_ONLY),
    "registry:assessment_recommendations": [Ask(READ, assessment(), outside=OUTSIDE_READ)],
    "registry:assessment_recommendations_export": [Ask(EXPORT, assessment(), outside={**EXPORT, LIMITED: 404})],
    # Partnerships: a partnership is in the area when either side is
    "registry:partnership_list": [Ask(READ)],
    "registry:partnership_create": form(EDIT),
    "registry:partnership_network": [
        Ask(READ), Ask(READ, query=lambda r: f"kecamatan={r.kecamatan}", outside=OUTSIDE_READ),
    ],
    "registry:partnership_update": form(EDIT, lambda r: {"pk": r.partnership}, outside=OUTSIDE_EDIT),
    "registry:partnership_suggestions": [Ask(READ, of_cooperative(), outside=OUTSIDE_READ)],
    "registry:partnership_propose": post(EDIT, of_cooperative(partner_pk="partner"), outside=OUTSIDE_EDIT),
    # Trainings: district records; their participants are limited to the area
    "registry:training_list": [Ask(READ)],
    "registry:training_create": form(EDIT),
    "registry:training_coverage": [Ask(READ)],
    "registry:training_coverage_export": [Ask(EXPORT)],
    "registry:training_detail": [Ask(READ, lambda r: {"pk": r.training})],
    # Changing a training: one held in the kecamatan of the records' side, and the district-wide one
    # that only whole-district staff change (Training.editable_by)
    "registry:training_update": [
        *form(EDIT, lambda r: {"pk": r.local_training}, outside=OUTSIDE_EDIT),
        *form({**EDIT, LIMITED: 404}, lambda r: {"pk": r.training}),
    ],
    "registry:trainingparticipant_add": [
        # Without a cooperative the page asks for one (a GET form); a POST without one is sent back to it.
        Ask(EDIT, lambda r: {"pk": r.training}),
        Ask(redirected(EDIT), lambda r: {"pk": r.training}, method="post"),
        *form(EDIT, lambda r: {"pk": r.training}, query=lambda r: f"koperasi={r.cooperative}", outside=OUTSIDE_EDIT),
    ],
    "registry:trainingparticipant_update": form(
        EDIT, lambda r: {"training_pk": r.training, "pk": r.participant}, outside=OUTSIDE_EDIT
    ),
    # Findings
    "registry:finding_list": [Ask(READ)],
    "registry:finding_create": form(EDIT, of_cooperative(), outside=OUTSIDE_EDIT),
    "registry:finding_update": form(EDIT, of_cooperative(pk="finding"), outside=OUTSIDE_EDIT),
    # Imports: a batch holds no area; the limited Petugas sees only the batches they made
    "registry:importbatch_create": form(EDIT),
    # Without a checked file of one's own the commit sends back to the upload page.
    "registry:importbatch_commit": post(EDIT),
    # A large file's check or commit under way: its uploader's own (here the Petugas's); anyone else
    # who may import gets 404.
    "registry:pendingimport_detail": [Ask({**not_found(EDIT), PETUGAS: 200}, lambda r: {"pk": r.pending})],
    # A token that is not this session's: not found.
    "registry:importbatch_errors": [Ask(not_found(EDIT), lambda r: {"token": "tidak-ada"})],
    "registry:importbatch_template": [
        Ask(EDIT, lambda r: {"kind": "anggota"}), Ask(not_found(EDIT), lambda r: {"kind": "tidak-ada"}),
    ],
    "registry:importbatch_list": [Ask(EDIT)],
    "registry:importbatch_detail": [Ask({**EDIT, LIMITED: 404}, lambda r: {"pk": r.batch})],
    # The batch is the Petugas's own: they may undo it, as the Admin Dinas may any; the limited
    # Petugas does not see it (tests/test_import_templates.py: another Petugas's batch is 403).
    "registry:importbatch_undo": [
        Ask({**EDIT, LIMITED: 404}, lambda r: {"pk": r.batch}),
        Ask(redirected({**EDIT, LIMITED: 404}), lambda r: {"pk": r.batch}, method="post"),
    ],
    # Exports
    "registry:recap": [Ask(EXPORT)],
    # One's own exports; a prepared file is downloaded by its owner only (here the Petugas's): anyone
    # else who may export gets 404, as for a record outside the area.
    "registry:exportlog_list": [Ask(EXPORT)],
    "registry:exportlog_download": [Ask({**not_found(EXPORT), PETUGAS: 200}, lambda r: {"pk": r.export})],
    "registry:list_export": [
        *(Ask(EXPORT, export(kind)) for kind in ["koperasi", "laporan", "penilaian", "kemitraan", "pelatihan",
                                                   "temuan"]),
        *(Ask(PERSONAL_EXPORT, export(kind)) for kind in ["anggota", "pengurus"]),
        Ask(not_found(EXPORT), export("tidak-ada")),
    ],
    # Members with the full NIK column: a permission of its own (Admin Dinas), the page asks the
    # purpose, the POST exports (tests/test_full_nik_export.py has the limit, the log, the filters).
    "registry:member_full_nik_export": [
        *form(ADMIN_ONLY),
        Ask(ADMIN_ONLY, method="post", data={"purpose": "Pencocokan data bantuan sosial", "file_format": "csv"}),
    ],
}


def make_export_file(user, kind="koperasi", content=b"\xef\xbb\xbfNama;Kecamatan\r\n"):
    """A prepared export of `user` with its file in the export storage, ready to download."""
    log = ExportLog.objects.create(user=user, kind=kind, file_format="csv", status=ExportLog.Status.PREPARING)
    name = export_storage().save(f"{uuid.uuid4().hex}.csv", ContentFile(content))
    now = timezone.now()
    ExportLog.objects.filter(pk=log.pk).update(
        status=ExportLog.Status.DONE, row_count=0, file=name, finished_at=now, expires_at=now + datetime.timedelta(
            hours=1))
    log.refresh_from_db()
    return log


def make_pending_import(user, data=b"NIK;Nama\r\n"):
    """An upload of `user` waiting for the worker's check (its progress page)."""
    return PendingImport.objects.create(user=user, kind="anggota", file_name="anggota.csv", size=len(data),
                                        data=seal(data), rows_total=1)


def make_area_records(kecamatan, *, training, batch, export, pending, own_submission, own_document, own_change_request):
    """The records the matrix names, for a cooperative in `kecamatan` (the shared ones passed in)."""
    record = make_cooperative(kecamatan=kecamatan, jenis="produsen")
    submission = make_submission(record, YEAR + 1, status="disampaikan")
    board = make_board_member(record, "ketua")
    record.phone = "0811"
    record._change_reason = "uji"
    record.save()
    return SimpleNamespace(
        kecamatan=kecamatan,
        cooperative=record.pk,
        partner=make_cooperative(kecamatan=kecamatan, jenis="pemasaran").pk,
        board=board.pk,
        report=make_report(record, YEAR).pk,
        member=make_member(record, nik="6408041203900001").pk,
        change=record.history.order_by("-history_id").first().history_id,
        assessment=Assessment.objects.create(
            cooperative=record, year=YEAR, rubric=RubricVersion.objects.order_by("-year").first()
        ).pk,
        partnership=make_partnership(record).pk,
        participant=make_participant(training, board).pk,
        finding=make_finding(record, found_on=datetime.date(2025, 1, 10)).pk,
        submission=submission.pk,
        document=make_document(submission).pk,
        own_submission=own_submission.pk,
        own_document=own_document.pk,
        change_request=make_change_request(record, "kontak", status="disampaikan", phone="0812").pk,
        own_change_request=own_change_request.pk,
        training=training.pk,
        local_training=make_training(kecamatan_id=kecamatan).pk,
        batch=batch.pk,
        export=export.pk,
        pending=pending.pk,
    )


def make_matrix_records(users):
    """Records inside the limited Petugas's area (Sangatta Utara) and outside it (Muara Wahau)."""
    training = make_training()
    batch = ImportBatch.objects.create(kind="anggota", file_name="a.csv", user=users[PETUGAS])
    export, pending = make_export_file(users[PETUGAS]), make_pending_import(users[PETUGAS])
    # The board member's own draft: the same on both sides (their cooperative is theirs wherever it lies).
    own_submission = make_submission(users[PENGURUS].cooperative_account.cooperative, YEAR)
    shared = {"training": training, "batch": batch, "export": export, "pending": pending,
              "own_submission": own_submission, "own_document": make_document(own_submission),
              "own_change_request": make_change_request(own_submission.cooperative, "pengurus_baru", name="Calon")}
    return {
        "inside": make_area_records(SANGATTA_UTARA, **shared),
        "outside": make_area_records(MUARA_WAHAU, **shared),
    }
