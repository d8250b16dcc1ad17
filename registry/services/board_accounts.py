"""Board accounts: the invitation with its one-time code, the first sign-in, the end with the term.

The code is shown once (on the printed letter and in the e-mail) and stored only as a keyed hash,
so it can be looked up without keeping it: 12 characters of a 32-letter alphabet (60 bits) leave
nothing to guess in 14 days, even without the login lockout, which does not cover this page.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ..models import BoardMember, User
from ..models.portal import BOARD_ROLE, CooperativeAccount

CODE_VALIDITY = timedelta(days=14)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper and typed on a phone
CODE_LENGTH = 12
CODE_SALT = "registry.board-account-code"


def new_code():
    """`ABCD-EFGH-JKMN`: the one-time code as printed."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code):
    """What was typed, without spaces and dashes, in capitals (a typed `o` is read as the letter)."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def code_hash(code):
    return salted_hmac(CODE_SALT, normalise_code(code), algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Invitation:
    account: CooperativeAccount
    code: str  # in clear: only for the letter of this request, never stored
    emailed: bool


def eligible_board(cooperative, *, on=None):
    """The board terms of `cooperative` that may receive an account: ketua, sekretaris, bendahara, sitting."""
    return BoardMember.objects.filter(cooperative=cooperative, role__in=CooperativeAccount.ELIGIBLE_ROLES).current(on)


@transaction.atomic
def account_invite(*, board_member, by, email="", site_url="", now=None) -> Invitation:
    """An account for a sitting board member, waiting for its first sign-in with a new one-time code.

    A pending invitation of the same term is ended and replaced (a lost letter); a term that
    already has a running account is refused.
    """
    now = now or timezone.now()
    board_member = BoardMember.objects.select_for_update().get(pk=board_member.pk)
    sitting = board_member.is_current(timezone.localdate(now))
    if board_member.role not in CooperativeAccount.ELIGIBLE_ROLES or not sitting:
        raise ValidationError(_("Akun hanya untuk ketua, sekretaris atau bendahara yang sedang menjabat."))
    for running in CooperativeAccount.objects.filter(board_member=board_member, ended_at__isnull=True):
        if running.user_id is not None:
            raise ValidationError(_("Pengurus ini sudah punya akun."))
        running.ended_at = now
        running._change_reason = _("Diganti undangan baru")
        running.save(update_fields=["ended_at"])
    code = new_code()
    account = CooperativeAccount(
        cooperative_id=board_member.cooperative_id, board_member=board_member, email=email, created_by=by,
        created_at=now, code_hash=code_hash(code), code_expires_at=now + CODE_VALIDITY,
    )
    account._change_reason = _("Undangan dibuat")
    account.save()
    emailed = False
    if email:
        send_mail(
            _("Undangan akun koperasi %(name)s") % {"name": board_member.cooperative.name},
            _(
                "Yth. %(person)s,\n\nDinas Koperasi dan UKM Kabupaten Kutai Timur membuka akun untuk %(cooperative)s.\n"
                "Buka %(url)s lalu masukkan kode sekali pakai berikut: %(code)s\n"
                "Kode berlaku sampai %(until)s dan hanya dapat dipakai sekali.\n"
            ) % {
                "person": board_member.name, "cooperative": board_member.cooperative.name, "url": site_url,
                "code": code, "until": timezone.localtime(account.code_expires_at).strftime("%d/%m/%Y %H:%M"),
            },
            None, [email],
        )
        emailed = True
    return Invitation(account=account, code=code, emailed=emailed)


class CodeRefused(ValidationError):
    pass


def account_for_code(code, *, now=None, lock=False) -> CooperativeAccount:
    """The pending account of a one-time code, or CodeRefused saying why (unknown, used, expired, term ended)."""
    now = now or timezone.now()
    accounts = CooperativeAccount.objects.select_related("board_member", "cooperative")
    if lock:
        accounts = accounts.select_for_update(of=("self",))
    account = accounts.filter(code_hash=code_hash(code)).first() if normalise_code(code) else None
    if account is None:
        raise CodeRefused(_("Kode tidak dikenali. Periksa lagi kode pada surat undangan."), code="unknown")
    if account.code_used_at is not None or account.user_id is not None:
        raise CodeRefused(_("Kode ini sudah dipakai. Masuk dengan nama pengguna dan kata sandi Anda."), code="used")
    if account.ended_at is not None:
        raise CodeRefused(_("Undangan ini sudah tidak berlaku. Minta undangan baru ke Dinas."), code="ended")
    if account.code_expired(now):
        raise CodeRefused(_("Kode ini sudah kedaluwarsa. Minta undangan baru ke Dinas."), code="expired")
    if not account.board_member.is_current(timezone.localdate(now)):
        raise CodeRefused(_("Masa jabatan pengurus ini sudah berakhir."), code="term_ended")
    return account


@transaction.atomic
def account_first_sign_in(*, code, username, password, now=None) -> User:
    """Use the one-time code: the board member's user, in the board role, bound to the cooperative."""
    now = now or timezone.now()
    account = account_for_code(code, now=now, lock=True)
    person = account.board_member
    first, _sep, last = person.name.partition(" ")
    user = User.objects.create_user(username=username, password=password, first_name=first[:150],
                                    last_name=last[:150], email=account.email)
    user.groups.add(Group.objects.get(name=BOARD_ROLE))
    account.user = user
    account.code_used_at = now
    account._change_reason = _("Masuk pertama dengan kode undangan")
    account.save(update_fields=["user", "code_used_at"])
    return user


def _end(account, now, reason):
    account.ended_at = now
    account._change_reason = reason
    account.save(update_fields=["ended_at"])
    if account.user_id and account.user.is_active:
        account.user.is_active = False
        account.user._change_reason = reason
        account.user.save(update_fields=["is_active"])


@transaction.atomic
def accounts_end_with_terms(*, now=None, board_member=None) -> int:
    """End the running accounts whose board term is over (of one term, or all); their users are deactivated."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    running = CooperativeAccount.objects.filter(ended_at__isnull=True).select_related("board_member", "user")
    if board_member is not None:
        running = running.filter(board_member=board_member)
    else:
        running = running.exclude(board_member__in=BoardMember.objects.current(today))
    ended = 0
    for account in running.select_for_update(of=("self",)):
        if not account.board_member.is_current(today):
            _end(account, now, _("Masa jabatan berakhir"))
            ended += 1
    return ended


def board_member_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of a board term: a term ended (early or by its dates) ends its account at once."""
    if raw or created:
        return
    if not instance.is_current() and CooperativeAccount.objects.filter(
        board_member=instance, ended_at__isnull=True
    ).exists():
        accounts_end_with_terms(board_member=instance)
