"""What a cooperative's board asks to change: a new board term, the end of a term, its contact details.

As with a submitted yearly report (services/submissions.py), nothing reaches the registry before a
Petugas accepts the request; accepting writes the board term or the cooperative through the write
path of staff edits (a new term saved with its history, `save_versioned` otherwise), with the reason
"Disampaikan oleh koperasi, diterima oleh ...". A request remembers the record as it stood when it
was made (`base_values`): what changed on record since is shown to the reviewer, and accepting over
it needs their explicit confirmation, so a cooperative's old view never silently overwrites a newer
staff edit. An ended term ends its portal account through the rule of services/board_accounts.py
(the post_save of the term), as a staff edit does.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import BoardMember, Cooperative
from ..models.portal import CONTACT_FIELDS, TERM_FIELDS, ChangeRequest
from .creation import insert_once
from .submissions import RecordChanged, accepted_reason, return_to_cooperative
from .versioning import lock_at_version, remember_loaded, save_versioned


def _plain(value):
    """A field's value as JSON keeps it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def record_values(change_request, *, record=None) -> dict:
    """The values on record the request is about: the contact details, or the term that ends."""
    # Read from the database unless given: an object the caller holds may be older than the row.
    if change_request.kind == ChangeRequest.Kind.CONTACT:
        record = record or Cooperative.objects.get(pk=change_request.cooperative_id)
        return {name: _plain(getattr(record, name)) for name in CONTACT_FIELDS}
    if change_request.kind == ChangeRequest.Kind.END_TERM and (record or change_request.board_member_id):
        record = record or BoardMember.objects.get(pk=change_request.board_member_id)
        return {name: _plain(getattr(record, name)) for name in TERM_FIELDS}
    return {}


def proposed_contact(change_request) -> list[str]:
    """The contact fields the request changes: those that differ from the record when it was made."""
    base = change_request.base_values
    return [name for name in CONTACT_FIELDS if getattr(change_request, name) != base.get(name, "")]


@dataclass(frozen=True)
class SinceRequest:
    """One value on record that changed after the request was made (or a term already there)."""

    label: str
    at_request: object
    now: object


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def changed_since_request(change_request, *, record=None) -> list[SinceRequest]:
    """What on record changed since the request was made, where it matters to the request.

    Contact details: the fields the request changes that someone else changed meanwhile. An ended
    term: any change to the term (it may have ended already). A new term: a current term of the
    same person and position already on record (entered by staff meanwhile).
    """
    kind = change_request.kind
    if kind == ChangeRequest.Kind.NEW_TERM:
        same = BoardMember.objects.filter(
            cooperative=change_request.cooperative_id, role=change_request.role,
            name__iexact=change_request.name.strip(),
        ).current()
        return [SinceRequest(_label(BoardMember, "name"), None, str(term)) for term in same]
    now = record_values(change_request, record=record)
    base = change_request.base_values
    if kind == ChangeRequest.Kind.CONTACT:
        # A field someone else already set to the value asked for is no conflict.
        names = [name for name in proposed_contact(change_request) if now[name] != getattr(change_request, name)]
        model = Cooperative
    else:
        names = TERM_FIELDS
        model = BoardMember
    return [
        SinceRequest(_label(model, name), base.get(name), now.get(name))
        for name in names if now.get(name) != base.get(name)
    ]


def change_request_errors(change_request) -> dict:
    """Why the request cannot be sent yet, per field (empty when it can)."""
    errors = {}
    kind = change_request.kind
    required = _("Wajib diisi sebelum permintaan dikirim.")
    if kind == ChangeRequest.Kind.NEW_TERM:
        for name in ("name", "role", "term_start"):
            if not getattr(change_request, name):
                errors[name] = [required]
        start, end = change_request.term_start, change_request.term_end
        if start and end and end < start:
            errors["term_end"] = [_("Akhir masa jabatan harus setelah mulai menjabat.")]
    elif kind == ChangeRequest.Kind.END_TERM:
        term = change_request.board_member
        for name in ("board_member", "ended_on", "end_reason"):
            if not getattr(change_request, name):
                errors[name] = [required]
        if term is not None and (term.cooperative_id != change_request.cooperative_id or not term.is_current()):
            errors["board_member"] = [_("Pilih pengurus koperasi Anda yang sedang menjabat.")]
        elif term is not None and change_request.ended_on:
            if change_request.ended_on < term.term_start:
                errors["ended_on"] = [_("Tanggal berhenti harus setelah mulai menjabat.")]
            elif term.term_end and change_request.ended_on > term.term_end:
                errors["ended_on"] = [
                    _("Tanggal ini setelah akhir masa jabatannya: masa jabatan itu berakhir sendiri.")
                ]
    elif not proposed_contact(change_request):
        errors["__all__"] = [_("Tidak ada yang diubah: isian sama dengan yang tercatat.")]
    return errors


@transaction.atomic
def change_request_save(*, change_request, by, expected_version=None, submit=False) -> ChangeRequest:
    """Save a board member's draft of a request (new, or over the version their form was opened at);
    `submit` also sends it to the Dinas, refused with the fields to fix while it is incomplete.

    A new request remembers the record as it stands now; an end of a term chosen again (on a
    draft) remembers that term as it stands now.
    """
    if change_request.pk is None:
        change_request.created_by = by
        change_request.base_values = record_values(change_request)
    else:
        current = lock_at_version(ChangeRequest, change_request.pk, expected_version)
        if current.status not in ChangeRequest.EDITABLE:
            raise ValidationError(_("Permintaan ini sudah dikirim dan tidak dapat diubah lagi."))
        chose_another = current.board_member_id != change_request.board_member_id
        if change_request.kind == ChangeRequest.Kind.END_TERM and chose_another:
            change_request.base_values = record_values(change_request)
        change_request.version = current.version + 1
    if submit:
        errors = change_request_errors(change_request)
        if errors:
            raise ValidationError(errors)
        change_request.status = ChangeRequest.Status.SUBMITTED
        change_request.submitted_by, change_request.submitted_at = by, timezone.now()
        change_request._change_reason = _("Dikirim ke Dinas")
    else:
        change_request._change_reason = _("Draf disimpan")
    if change_request.pk is None:
        # A second contact change, or a second end of the same term, started at once by another board member.
        return insert_once(instance=change_request, message=_(
            "Permintaan yang sama baru saja dibuat pengurus lain ketika Anda menyimpan."))
    change_request.save()
    return change_request


def record_of(change_request):
    """The record the request changes, for the review page's version (None for a new term)."""
    if change_request.kind == ChangeRequest.Kind.CONTACT:
        return change_request.cooperative
    if change_request.kind == ChangeRequest.Kind.END_TERM:
        return change_request.board_member
    return None


class ChangedSinceRequest(RecordChanged):
    """The record changed after the request was made, and the reviewer has not confirmed accepting over it."""


@transaction.atomic
def change_request_accept(*, change_request, expected_version, record_version, by, confirmed=False):
    """Write the request into the registry through the write path of staff edits; returns the record.

    `record_version` is the version of the record the reviewer saw (0 for a new term): if it moved
    since, RecordChanged. If the record changed since the request was made, ChangedSinceRequest
    unless the reviewer `confirmed` accepting over what they were shown.
    """
    current = lock_at_version(ChangeRequest, change_request.pk, expected_version)
    if current.status != ChangeRequest.Status.SUBMITTED:
        raise ValidationError(_("Permintaan ini tidak sedang menunggu tinjauan."))
    reason = accepted_reason(by)
    record = None
    if current.kind == ChangeRequest.Kind.CONTACT:
        record = Cooperative.objects.select_for_update().get(pk=current.cooperative_id)
    elif current.kind == ChangeRequest.Kind.END_TERM:
        record = BoardMember.objects.select_for_update().get(pk=current.board_member_id)
    if (record.version if record else 0) != record_version:
        raise RecordChanged(_("Data yang tercatat berubah setelah halaman ini dibuka. Periksa lagi."))
    if changed_since_request(current, record=record) and not confirmed:
        raise ChangedSinceRequest(_(
            "Data yang tercatat berubah sejak koperasi membuat permintaan ini. Periksa perbedaannya, lalu "
            "centang konfirmasi bila permintaan tetap diterima."
        ))
    if current.kind == ChangeRequest.Kind.NEW_TERM:
        record = BoardMember(
            cooperative=current.cooperative, name=current.name.strip(), role=current.role, sex=current.sex,
            term_start=current.term_start, term_end=current.term_end,
        )
        record.full_clean()
        record._change_reason = reason
        record.save()
        current.board_member = record
    elif current.kind == ChangeRequest.Kind.END_TERM:
        remember_loaded(record)
        record.ended_on = current.ended_on
        record.full_clean()
        # post_save of the term ends its portal account once the term is over (services/board_accounts.py).
        save_versioned(instance=record, expected_version=record_version, reason=reason, fields=["ended_on"])
    else:
        names = proposed_contact(current)
        remember_loaded(record)
        for name in names:
            setattr(record, name, getattr(current, name))
        # Only the fields written are checked: an old flaw elsewhere in the profile is not the cooperative's request.
        record.clean_fields(exclude=[field.name for field in Cooperative._meta.fields if field.name not in names])
        save_versioned(instance=record, expected_version=record_version, reason=reason, fields=names)
    current.status = ChangeRequest.Status.ACCEPTED
    current.reviewed_by, current.reviewed_at = by, timezone.now()
    current.version += 1
    current._change_reason = reason
    current.save()
    return record


@transaction.atomic
def change_request_return(*, change_request, expected_version, note, by) -> ChangeRequest:
    """Send the request back to the cooperative with a note it sees; the registry stays as it is."""
    return return_to_cooperative(ChangeRequest, change_request.pk, expected_version=expected_version, note=note,
                                 by=by, not_waiting=_("Permintaan ini tidak sedang menunggu tinjauan."))
