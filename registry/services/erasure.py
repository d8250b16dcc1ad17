"""Erasure of a member's personal data (UU 27/2022 Art. 8 and 43): on request, and at the end of retention.

The member row stays as a tombstone (`TOMBSTONE_NAME`, no NIK, no birth date, no desa, `erased_at`):
the membership still counts where it counted, the reveal log and the erasure log keep their
reference, and nothing that points at the member (PROTECT) has to go. Everything else that holds the
member's data is overwritten in the same transaction:

- every history row of the member (django-simple-history copies name, birth date, NIK ciphertext);
- the values an import kept to undo its change of the member (`ImportedRow.previous`), and the
  member's name in the messages of rows a member import skipped or could not write;
- the uploads still waiting between check and commit: they are encrypted files that cannot be
  edited row by row, so every uncommitted member upload is deleted (its uploader uploads again);
- prepared member exports still downloadable (files in the export storage): deleted;
- the keyed hash in the NIK search log, unless another membership still holds that NIK.

The erasure log (`MemberErasure`) keeps who, whose (the tombstone's id), when and why: never the data.
"""

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import nik as nik_codec
from ..models import ExportLog, ImportBatch, ImportedRow, ImportKind, Member, MemberErasure, NikSearch, PendingImport
from ..models.imports import export_storage

logger = logging.getLogger(__name__)

TOMBSTONE_NAME = "[dihapus]"
# Every personal field of a member, as its tombstone holds it.
TOMBSTONE = {
    "name": TOMBSTONE_NAME, "has_nik": False, "nik_encrypted": "", "nik_hash": None, "nik_last4": "",
    "sex": "", "birth_date": None, "desa_id": None, "member_number": "",
}
REASON_MAX = 500


class AlreadyErased(Exception):
    """The member's data was erased before: nothing is left to erase."""


def _scrub(text, name):
    """A change reason of the member's history without the member's name or any NIK."""
    if not text:
        return text
    if name and len(name) > 2:
        text = text.replace(name, TOMBSTONE_NAME)
    return nik_codec.redact_niks(text)


@transaction.atomic
def erase_member(*, member_id: int, user, reason: str,
                 source: str = MemberErasure.Source.REQUEST) -> MemberErasure:
    """Erase one member's personal data everywhere it is stored; log who, when and why.

    `user` is None for the retention purge. The member is locked first, so an edit in flight either
    finishes before (and is erased with the rest) or finds a new version and is refused.
    """
    member = Member.objects.select_for_update().get(pk=member_id)
    if member.erased_at is not None:
        raise AlreadyErased
    name, nik_hash = member.name, member.nik_hash
    now = timezone.now()
    erasure = MemberErasure.objects.create(member=member, erased_by=user, erased_at=now, source=source,
                                           reason=nik_codec.redact_niks(reason)[:REASON_MAX])

    # History first: the save below adds the tombstone's own history row.
    history = Member.history.model.objects.filter(id=member.pk)
    for row in history.exclude(history_change_reason__isnull=True).exclude(history_change_reason=""):
        scrubbed = _scrub(row.history_change_reason, name)
        if scrubbed != row.history_change_reason:
            Member.history.model.objects.filter(pk=row.pk).update(history_change_reason=scrubbed)
    history.update(**TOMBSTONE)

    for field, value in TOMBSTONE.items():
        setattr(member, field, value)
    member.erased_at = now
    member.version += 1
    member._change_reason = _("Data pribadi dihapus (penghapusan #%(id)s)") % {"id": erasure.pk}
    if user is not None:
        member._history_user = user
    member.save()

    for row in ImportedRow.objects.filter(batch__kind=ImportKind.MEMBERS, object_id=member.pk,
                                          previous__isnull=False):
        row.previous = {**row.previous, **{key: value for key, value in TOMBSTONE.items() if key in row.previous}}
        row.save(update_fields=["previous"])

    if name and len(name) > 2:
        batches = ImportBatch.objects.filter(kind=ImportKind.MEMBERS).only("pk", "skipped_rows", "conflicted_rows")
        for batch in batches.iterator():
            fields = {}
            for field in ("skipped_rows", "conflicted_rows"):
                text = json.dumps(getattr(batch, field))
                if name in text:
                    fields[field] = json.loads(text.replace(json.dumps(name)[1:-1], TOMBSTONE_NAME))
            if fields:
                ImportBatch.objects.filter(pk=batch.pk).update(**fields)

    uploads = PendingImport.objects.filter(kind=ImportKind.MEMBERS).exclude(status=PendingImport.Status.COMMITTED)
    uploads_deleted = uploads.delete()[0]

    storage = export_storage()
    exports = list(ExportLog.objects.filter(kind="anggota").exclude(file="").values_list("pk", "file"))
    for pk, file_name in exports:
        transaction.on_commit(lambda file_name=file_name: storage.delete(file_name))
        ExportLog.objects.filter(pk=pk).update(file="", expires_at=now)

    if nik_hash and not Member.objects.filter(nik_hash=nik_hash).exists():
        NikSearch.objects.filter(nik_hash=nik_hash).update(nik_hash=None)

    logger.info("member %s erased (erasure %s, %s): %s uploads and %s export files removed",
                member.pk, erasure.pk, source, uploads_deleted, len(exports))
    return erasure


def retention_cutoff(today=None, years=None):
    """The day before which a member must have left for their data to be erased."""
    today = today or timezone.localdate()
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def members_past_retention(*, today=None, years=None):
    """Members not yet erased who left before the retention cutoff."""
    return Member.objects.filter(erased_at__isnull=True, left_on__lt=retention_cutoff(today, years)).order_by("pk")


def erase_past_retention(*, today=None, years=None) -> int:
    """Erase every member who left more than the retention period ago, one transaction per member
    (an interruption leaves whole erasures only; running again continues)."""
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    reason = _("Masa simpan habis: keluar lebih dari %(years)s tahun yang lalu.") % {"years": years}
    erased = 0
    for pk in members_past_retention(today=today, years=years).values_list("pk", flat=True).iterator():
        try:
            erase_member(member_id=pk, user=None, reason=reason, source=MemberErasure.Source.RETENTION)
        except AlreadyErased:
            continue
        erased += 1
    return erased
