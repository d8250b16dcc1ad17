"""The demo cooperatives' portal: the board account `pengurus`, a few reports and a contact change waiting
for review, and the portal's first season: some of the last book year's reported RATs came through it
and were accepted.

Deterministic (the cooperatives are the first that qualify, by id, or drawn with the seed) and
idempotent: the account is made only when the username is free, the submissions only for
cooperatives that have none, the accepted ones only up to their share.
"""

import datetime
import random

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from ..models import (
    BOARD_ROLE,
    BoardMember,
    Cooperative,
    CooperativeAccount,
    Submission,
    User,
    YearlyReport,
    last_full_year,
)
from ..models.portal import REPORT_FIELDS, ChangeRequest
from ..services.board_accounts import CODE_VALIDITY, code_hash, new_code
from ..services.change_requests import record_values
from ..services.submissions import submission_accept
from .accounts import DEMO_PASSWORD
from .profiles import DEFAULT_SEED, PORTAL_ACCEPTED_MAX, PORTAL_ACCEPTED_SHARE

BOARD_USERNAME = "pengurus"
# Sangatta Utara first: `petugas_sangatta` reviews them too.
PREFERRED_KECAMATAN = ("64.08.04", "64.08.12")
WAITING = 3  # submissions waiting in the review queue


def _sitting_board(today):
    """Active cooperatives with a sitting ketua, sekretaris or bendahara, Sangatta first, by id."""
    terms = BoardMember.objects.current(today).filter(role__in=CooperativeAccount.ELIGIBLE_ROLES)
    cooperatives = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE, board_members__in=terms).distinct()
    preferred = list(cooperatives.filter(desa__kecamatan__in=PREFERRED_KECAMATAN).order_by("pk")[:WAITING + 1])
    return preferred or list(cooperatives.order_by("pk")[:WAITING + 1])


def _board_account(cooperative, today):
    if User.objects.filter(username=BOARD_USERNAME).exists():
        return None
    eligible = BoardMember.objects.current(today).filter(role__in=CooperativeAccount.ELIGIBLE_ROLES)
    term = eligible.filter(cooperative=cooperative).order_by("role", "pk").first()
    first, _sep, last = term.name.partition(" ")
    user = User.objects.create_user(username=BOARD_USERNAME, password=DEMO_PASSWORD, first_name=first,
                                    last_name=last or first)
    user.groups.add(Group.objects.get(name=BOARD_ROLE))
    now = timezone.now()
    account = CooperativeAccount(
        cooperative=cooperative, board_member=term, user=user, code_hash=code_hash(new_code()),
        code_expires_at=now + CODE_VALIDITY, code_used_at=now,
    )
    account._change_reason = "Data demo"
    account.save()
    return account


def _submission(cooperative, year, today):
    """A plausible report for `year`: last year's figures grown a little, a RAT held in the spring."""
    if Submission.objects.filter(cooperative=cooperative).exists():
        return None
    base = YearlyReport.objects.filter(cooperative=cooperative, year__lt=year).order_by("-year").first()
    values = {name: getattr(base, name) for name in REPORT_FIELDS} if base else {}
    for name in ("modal_sendiri", "total_assets", "business_volume", "revenue", "expenses", "cash"):
        values[name] = int((values.get(name) or 100_000_000) * 1.06)
    values["shu"] = values["revenue"] - values["expenses"]
    for name in ("members_male", "members_female", "employees", "managers", "modal_luar"):
        values[name] = values.get(name) or 0
    members = values["members_male"] + values["members_female"]
    values["rat_date"] = min(datetime.date(year + 1, 3, 20), today)
    values["rat_attendance"] = members * 3 // 4
    values["rat_quorum"] = True
    submitted = timezone.now() - datetime.timedelta(days=2)
    submission = Submission(
        cooperative=cooperative, year=year, status=Submission.Status.SUBMITTED, submitted_at=submitted,
        rat_decisions="Laporan pertanggungjawaban pengurus diterima; SHU dibagi sesuai AD/ART.", **values,
    )
    submission._change_reason = "Data demo"
    submission.save()
    return submission


def _contact_change(cooperative):
    """A new phone number and email the board asks for (none when the cooperative asked for anything already)."""
    if ChangeRequest.objects.filter(cooperative=cooperative).exists():
        return None
    change = ChangeRequest(
        cooperative=cooperative, kind=ChangeRequest.Kind.CONTACT, status=ChangeRequest.Status.SUBMITTED,
        address=cooperative.address, postcode=cooperative.postcode, phone=f"0812{cooperative.pk:08d}"[:13],
        email=cooperative.email or f"koperasi{cooperative.pk}@contoh.id",
        submitted_at=timezone.now() - datetime.timedelta(days=1),
    )
    change.base_values = record_values(change, record=cooperative)
    change._change_reason = "Data demo"
    change.save()
    return change


# The demo Petugas who accepted the portal's reports.
REVIEWER_USERNAME = "petugas"
WITA = datetime.timezone(datetime.timedelta(hours=8))


def _accepted_through_portal(year, seed, exclude):
    """Reported RATs of `year` the boards sent through the portal: PORTAL_ACCEPTED_SHARE of the active
    cooperatives' reported RATs, drawn with the seed among those without any submission, each sent on
    the day the Dinas received the report and accepted by the demo Petugas through the review's service
    (so the yearly report's history says "Disampaikan oleh koperasi, diterima oleh ...")."""
    reviewer = User.objects.filter(username=REVIEWER_USERNAME).first()
    if reviewer is None:
        return 0
    reported = YearlyReport.objects.filter(
        year=year, cooperative__status=Cooperative.Status.ACTIVE, rat_date__isnull=False, rat_reported_on__isnull=False,
    )
    wanted = min(PORTAL_ACCEPTED_MAX, round(reported.count() * PORTAL_ACCEPTED_SHARE))
    missing = wanted - Submission.objects.filter(year=year, status=Submission.Status.ACCEPTED).count()
    if missing <= 0:
        return 0
    candidates = sorted(reported.filter(cooperative__submissions__isnull=True).exclude(cooperative__in=exclude)
                        .values_list("pk", flat=True))
    random.Random(f"{seed}:portal-accepted:{year}").shuffle(candidates)
    accepted = 0
    for report in YearlyReport.objects.filter(pk__in=candidates[:missing]).order_by("pk"):
        values = {name: getattr(report, name) for name in REPORT_FIELDS}
        submission = Submission(
            cooperative_id=report.cooperative_id, year=year, status=Submission.Status.SUBMITTED,
            submitted_at=datetime.datetime.combine(report.rat_reported_on, datetime.time(9, 0), tzinfo=WITA),
            rat_decisions="Laporan pertanggungjawaban pengurus diterima; SHU dibagi sesuai AD/ART.", **values,
        )
        submission._change_reason = "Data demo"
        submission.save()
        submission_accept(submission=submission, expected_version=submission.version,
                          record_version=report.version, by=reviewer)
        accepted += 1
    return accepted


@transaction.atomic
def seed_portal(*, today=None, seed=DEFAULT_SEED):
    """The board account `pengurus` on the first qualifying cooperative, reports from the next ones
    waiting for review, and the last book year's RATs accepted through the portal."""
    today = today or timezone.localdate()
    cooperatives = _sitting_board(today)
    if not cooperatives:
        return "no cooperative with a sitting board: no portal demo"
    account = _board_account(cooperatives[0], today)
    year = last_full_year(today)
    waiting = [s for s in (_submission(c, year, today) for c in cooperatives[1:]) if s]
    changes = [c for c in (_contact_change(c) for c in cooperatives[1:2]) if c]
    accepted = _accepted_through_portal(year, seed, exclude=[c.pk for c in cooperatives])
    return (f"portal: account {'pengurus' if account else 'already present'}, "
            f"{len(waiting)} submissions and {len(changes)} contact change waiting for review, "
            f"{accepted} RAT reports accepted through the portal")
