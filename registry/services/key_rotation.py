"""Re-encryption of every stored NIK under the newest NIK_ENCRYPTION_KEY (`manage.py rotate_nik_keys`).

Rotation: put the new key first in NIK_ENCRYPTION_KEY (`new,old`), restart, run the command, then
drop the old key. From the restart on, every NIK written is encrypted with the new key (the first
encrypts, all decrypt); the command re-encrypts what was written before.

Safe while the site is up: each chunk is one short transaction that locks its rows (SELECT ... FOR
UPDATE), so an edit of one of them waits for the chunk, and a chunk never writes over a value
changed since it was read. Re-encryption changes no data, so members keep their version (an edit
opened before stays valid) and no history row is added. Resumable: a value that already decrypts
with the newest key alone is left as it is, so a run that stopped continues where it was.
"""

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.db import transaction

from .. import nik as nik_codec
from ..key_check import write_key_check
from ..models import ImportedRow, ImportKind, Member, PendingImport

CHUNK = 1000


@dataclass
class Counts:
    rotated: int = 0
    current: int = 0
    unreadable: list = field(default_factory=list)  # ids whose value no configured key decrypts


def _is_current(token: bytes) -> bool:
    try:
        nik_codec.newest_fernet().decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate_token(token: bytes) -> bytes | None:
    """`token` under the newest key; the same token when it already is; None when no key reads it."""
    if _is_current(token):
        return token
    try:
        return nik_codec.fernet().rotate(token)
    except InvalidToken:
        return None


def _text(rotate):
    def rotate_text(value):
        new = rotate(value.encode("ascii"))
        return None if new is None else new.decode("ascii")
    return rotate_text


@dataclass(frozen=True)
class Target:
    """A table holding values encrypted with the NIK keys, and how to rotate one row's values."""

    name: str
    queryset: object  # callable -> QuerySet of the rows to look at
    fields: tuple  # the columns read and written
    rotate: object  # callable(row values dict) -> {field: new value} | None (unreadable); {} when current


def _member_values(row):
    new = _text(rotate_token)(row["nik_encrypted"])
    if new is None:
        return None
    return {} if new == row["nik_encrypted"] else {"nik_encrypted": new}


def _imported_values(row):
    previous = row["previous"]
    token = previous.get("nik_encrypted") if isinstance(previous, dict) else None
    if not token:
        return {}
    new = _text(rotate_token)(token)
    if new is None:
        return None
    return {} if new == token else {"previous": {**previous, "nik_encrypted": new}}


def _pending_values(row):
    changed = {}
    for name in ("data", "result"):
        value = row[name]
        if not value:
            continue
        new = rotate_token(bytes(value))
        if new is None:
            return None
        if new != bytes(value):
            changed[name] = new
    return changed


TARGETS = [
    Target("anggota", lambda: Member.objects.exclude(nik_encrypted=""), ("nik_encrypted",), _member_values),
    Target("riwayat anggota", lambda: Member.history.model.objects.exclude(nik_encrypted=""), ("nik_encrypted",),
           _member_values),
    Target("baris impor", lambda: ImportedRow.objects.filter(batch__kind=ImportKind.MEMBERS, previous__isnull=False),
           ("previous",), _imported_values),
    Target("berkas impor tertunda", lambda: PendingImport.objects.all(), ("data", "result"), _pending_values),
]


def _write(model, pk, fields, updates):
    """One UPDATE per chunk where every row changes the same single column, else one per row."""
    if len(fields) == 1:
        model._base_manager.bulk_update([model(**{pk: key, **changed}) for key, changed in updates], fields)
        return
    for key, changed in updates:
        model._base_manager.filter(**{pk: key}).update(**changed)


def rotate_target(target: Target, *, chunk: int = CHUNK, progress=None) -> Counts:
    """Rotate every row of `target`, `chunk` rows per transaction, in primary-key order."""
    counts = Counts()
    queryset = target.queryset()
    pk = queryset.model._meta.pk.attname
    total = queryset.count()
    done, last = 0, None
    while True:
        with transaction.atomic():
            rows = queryset.order_by(pk)
            if last is not None:
                rows = rows.filter(**{f"{pk}__gt": last})
            # Locked until the chunk commits: an edit of these rows waits, and none changed since read.
            rows = list(rows.select_for_update(of=("self",)).values(pk, *target.fields)[:chunk])
            if not rows:
                break
            updates = []
            for row in rows:
                changed = target.rotate(row)
                if changed is None:
                    counts.unreadable.append(row[pk])
                elif changed:
                    updates.append((row[pk], changed))
                else:
                    counts.current += 1
            _write(queryset.model, pk, target.fields, updates)
            counts.rotated += len(updates)
            last = rows[-1][pk]
        done += len(rows)
        if progress:
            progress(target.name, done, total)
    return counts


def rotate_all(*, chunk: int = CHUNK, progress=None) -> dict:
    """Rotate every target, then the key-check value (when every value was readable); {target name: Counts}."""
    results = {target.name: rotate_target(target, chunk=chunk, progress=progress) for target in TARGETS}
    if not any(counts.unreadable for counts in results.values()):
        write_key_check()
    return results
