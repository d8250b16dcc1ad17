"""Scale mode's import history: finished spreadsheet imports, as the office's import list would hold them.

Only the batches (who, when, which kind of file, what each did), drawn from generators seeded with
the seed and the batch's number alone, so a run adds the same batches as any other and a second
run adds none. What they hold, and what they leave out on purpose:

- no uploaded file: a committed import keeps none (its PendingImport is wiped once committed), so
  no PendingImport row and nothing on disk;
- no personal data: file names say what and when, never who; the skipped and conflicting rows
  list a row number and the checker's messages as it words them ("NIK: ..."), without any cell's
  value;
- no ImportedRow: the demo's records were written by the seed, not by these imports, so the
  batches list no record they created or changed. An undo of one of them finds nothing to
  restore: benchmark data, never a district's.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import ImportBatch, ImportKind, User
from .profiles import DEFAULT_SEED

# One finished import per this many cooperatives (about 3,250 for the 130,000 of the national scale).
COOPERATIVES_PER_IMPORT = 40
YEARS = 3  # spread over the last three years
BATCH_SIZE = 1000

# (share, kind, typical rows, file stem): members come in the largest files and most often.
KINDS = [
    (0.45, ImportKind.MEMBERS, (20, 1500), "daftar_anggota"),
    (0.30, ImportKind.REPORTS, (10, 600), "laporan_tahunan"),
    (0.15, ImportKind.BOARD, (5, 300), "pengurus_pengawas"),
    (0.10, ImportKind.COOPERATIVES, (5, 250), "data_koperasi"),
]
# Who imports: the demo accounts that may (the whole-district Petugas most often).
IMPORTERS = [("petugas", 0.6), ("petugas_sangatta", 0.25), ("admin", 0.15)]
UNDOER = "admin"
# The checker's messages, as `column: message`, without the cell's value.
ROW_ERRORS = {
    ImportKind.MEMBERS: ["NIK: Hanya angka 0-9, maks. 16.", "Nama: Wajib diisi.",
                         "Tanggal lahir: Wajib diisi.", "Koperasi: Koperasi tidak ditemukan."],
    ImportKind.REPORTS: ["Tahun buku: Wajib diisi.", "Koperasi: Koperasi tidak ditemukan.",
                         "Volume usaha: Hanya angka 0-9, maks. 15."],
    ImportKind.BOARD: ["Jabatan: Wajib diisi.", "Mulai menjabat: Wajib diisi.", "Koperasi: Koperasi tidak ditemukan."],
    ImportKind.COOPERATIVES: ["Desa: Wajib diisi.", "Nomor badan hukum: Terlalu panjang (maks. 100 huruf)."],
}
CONFLICT = ("Data ini diubah orang lain setelah pratinjau: baris ini tidak disimpan, agar perubahan mereka tidak "
            "tertimpa. Unggah ulang berkas untuk meninjaunya lagi.")
WITA = datetime.timezone(datetime.timedelta(hours=8))


@dataclass(frozen=True)
class SeededImports:
    created: int
    skipped: int


def seed_import_history(*, cooperatives, seed=DEFAULT_SEED, today=None) -> SeededImports:
    """One finished import per COOPERATIVES_PER_IMPORT cooperatives (at least one) over the last YEARS years.

    Batch `n` is the same in every run; a database holding k batches gets batches k and on, up to
    the number wanted (so a second run adds none).
    """
    today = today or timezone.localdate()
    wanted = max(1, cooperatives // COOPERATIVES_PER_IMPORT)
    users = {u.username: u for u in User.objects.filter(username__in=[name for name, _share in IMPORTERS] + [UNDOER])}
    importers = [(users[name], share) for name, share in IMPORTERS if name in users]
    if not importers:
        return SeededImports(0, 0)
    have = ImportBatch.objects.count()
    batches = [_batch(n, seed, today, importers, users.get(UNDOER)) for n in range(have, wanted)]
    with transaction.atomic():
        ImportBatch.objects.bulk_create(batches, batch_size=BATCH_SIZE)
    return SeededImports(len(batches), min(have, wanted))


def _pick(rng, choices):
    draw = rng.random()
    for value, share in choices:
        if draw < share:
            return value
        draw -= share
    return choices[-1][0]


def _batch(number, seed, today, importers, undoer):
    rng = random.Random(f"{seed}:import:{number}")
    kind, (low, high), stem = _pick(rng, [((kind, rows, stem), share) for share, kind, rows, stem in KINDS])
    # A working day's hour, WITA, within the last YEARS years.
    day = today - datetime.timedelta(days=rng.randrange(1, 365 * YEARS))
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    created_at = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 16), rng.randrange(60)), tzinfo=WITA)
    total = round(low * (high / low) ** rng.random())  # many small files, a few large ones
    skipped = round(total * rng.uniform(0.01, 0.06)) if rng.random() < 0.15 else 0
    conflicted = min(total - skipped, rng.randrange(1, 4)) if rng.random() < 0.02 else 0
    rest = total - skipped - conflicted
    # Members and new cooperatives come new; reports and boards are corrected as often as added.
    mostly_new = kind in (ImportKind.MEMBERS, ImportKind.COOPERATIVES)
    new_share = rng.uniform(0.6, 1.0) if mostly_new else rng.uniform(0.2, 0.8)
    created = round(rest * new_share)
    unchanged = round((rest - created) * rng.uniform(0, 0.5))
    rows = rng.sample(range(2, total + 2), skipped + conflicted)
    user = _pick(rng, importers)
    file_name = f"{stem}_{day:%Y%m%d}{rng.choice(['', '_revisi', '_v2'])}.{rng.choice(['xlsx', 'xlsx', 'csv'])}"
    batch = ImportBatch(
        kind=kind, file_name=file_name, user=user, created_at=created_at, rows_total=total, rows_created=created,
        rows_updated=rest - created - unchanged, rows_unchanged=unchanged, rows_skipped=skipped,
        skipped_rows=[{"row": row, "errors": [rng.choice(ROW_ERRORS[kind])]} for row in sorted(rows[:skipped])],
        rows_conflicted=conflicted,
        conflicted_rows=[{"row": row, "errors": [CONFLICT]} for row in sorted(rows[skipped:])],
    )
    if rng.random() < 0.04:  # undone soon after, by whoever imported it or the Admin Dinas
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = min(created_at + datetime.timedelta(minutes=rng.randrange(5, 3 * 24 * 60)), timezone.now())
        batch.undone_by = user if undoer is None or rng.random() < 0.5 else undoer
    return batch
