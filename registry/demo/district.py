"""The demo district of Kutai Timur: plausible, fictitious cooperatives with their people and figures.

DistrictGenerator draws cooperative number `index` and its rows from random generators seeded
with `f"{seed}:{index}:..."` alone, so a larger run extends a smaller one, and `seed_district`
writes what is missing. What is drawn lives by kind: demo/cooperatives.py (the cooperative and its
status lifecycle), demo/reports.py (yearly reports and RAT), demo/people.py (board and members);
the district's shape in demo/profiles.py.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, reset_queries, transaction
from simple_history.utils import bulk_create_with_history

from ..models import BoardMember, Cooperative, Desa, Member, StatusChange, YearlyReport
from .cooperatives import CooperativeDraws
from .people import PeopleDraws
from .profiles import CHANGE_REASON, DEFAULT_SEED, KECAMATAN
from .reports import ReportDraws

BATCH_SIZE = 1000
CHUNK_SIZE = 2000  # cooperatives per transaction: bounds memory at any size


class DistrictGenerator(CooperativeDraws, ReportDraws, PeopleDraws):
    """Draws the demo cooperatives and their rows; every draw depends on (seed, index) only.

    The district is the registry as it stood at the end of `until_year`: dates are counted from
    31 December of that year, so a run in March and one in November draw the same district.
    `today` only decides which RATs and RAT reports falling after that date have happened by now.
    `desa` is the region table as (code, name, kecamatan code, level) rows.
    """

    def __init__(self, *, seed, until_year, today, desa):
        self.seed = seed
        self.until_year = until_year
        self.today = today
        self.as_of = datetime.date(until_year, 12, 31)
        self.desa = sorted(desa)
        self.desa_by_kecamatan = {}
        for row in self.desa:
            self.desa_by_kecamatan.setdefault(row[2], []).append(row)
        self.kecamatan_codes = sorted(self.desa_by_kecamatan)
        self.kecamatan_weights = [KECAMATAN[code].weight for code in self.kecamatan_codes]
        merah_putih_order = list(self.desa)
        random.Random(f"{seed}:merah-putih").shuffle(merah_putih_order)
        self.merah_putih_desa = merah_putih_order
        self.active_threshold = self._active_threshold()
        self._shared_people = {}

    def _rng(self, index, stream):
        return random.Random(f"{self.seed}:{index}:{stream}")


@dataclass
class SeedResult:
    created: Counter  # rows written per kind ("cooperatives", "active", model names)
    skipped: int  # cooperatives already present


def seed_district(*, cooperatives, members_per_cooperative=None, seed=DEFAULT_SEED, until_year, today,
                  chunk_size=CHUNK_SIZE, progress=None):
    """Write demo cooperatives 0..`cooperatives`-1 that are not in the database yet.

    Demo cooperative `index` has the id `index + 1`: the demo district owns those ids, and an id
    that exists counts as present and is left as it is, whatever wrote it (another seed, another
    `until_year`, an older generator). So seed only an empty or demo database (`--if-empty`).
    Each chunk is written in one transaction with bulk inserts, so a run can stop and resume and
    memory stays bounded at any size; `progress(done, created)` is called after each.

    History: the default district gives every record it writes its creation row (change reason
    "Data demo"), so history pages have a start and a conflict page can show what changed since.
    Scale mode (`members_per_cooperative` given, for benchmarks) writes none: millions of history
    rows would only double the time and copy the encrypted NIKs once more.

    Names: two cooperatives in one desa never share a name; a drawn name already taken there gets
    the next number ("... II"), decided in index order, so a larger district extends a smaller one.
    """
    generator = DistrictGenerator(
        seed=seed, until_year=until_year, today=today,
        desa=Desa.objects.values_list("code", "name", "kecamatan_id", "level"),
    )
    with_history = members_per_cooperative is None
    created, skipped = Counter(), 0
    for start in range(0, cooperatives, chunk_size):
        indexes = range(start, min(start + chunk_size, cooperatives))
        existing = set(Cooperative.objects.filter(pk__in=[i + 1 for i in indexes]).values_list("pk", flat=True))
        missing = [i for i in indexes if i + 1 not in existing]
        skipped += len(indexes) - len(missing)
        if missing:
            with transaction.atomic():
                plans = [generator.cooperative(i) for i in missing]
                _distinct_names_per_desa([plan.cooperative for plan in plans])
                _write_chunk(generator, plans, members_per_cooperative, with_history, created)
            if progress:
                progress(indexes.stop, created)
        # Under DEBUG Django keeps every query's SQL: bounded per chunk, not per run.
        reset_queries()
    return SeedResult(created=created, skipped=skipped)


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _numbered(name, number):
    return f"{name} {ROMAN[number - 1] if number <= len(ROMAN) else number}"


def _distinct_names_per_desa(cooperatives):
    """Number the second and later cooperatives of one name in one desa (the earlier ones keep theirs).

    The cooperatives are new (unsaved) and in index order; the names already in the database
    count as taken, so a resumed or extended run numbers the same way as one run.
    """
    desa = {c.desa_id for c in cooperatives}
    taken = set(Cooperative.objects.filter(desa__in=desa).values_list("desa_id", "name"))
    for cooperative in cooperatives:
        name, number = cooperative.name, 1
        while (cooperative.desa_id, name) in taken:
            number += 1
            name = _numbered(cooperative.name, number)
        cooperative.name = name
        taken.add((cooperative.desa_id, name))


def _write_chunk(generator, plans, members_per_cooperative, with_history, created):
    cooperatives = [plan.cooperative for plan in plans]
    if with_history:
        bulk_create_with_history(cooperatives, Cooperative, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)
    else:
        Cooperative.objects.bulk_create(cooperatives, batch_size=BATCH_SIZE)
    # Explicit ids leave PostgreSQL's sequence behind: the next cooperative entered in the
    # registry must not get id 1. (SQLite's AUTOINCREMENT follows by itself.)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Cooperative]):
            cursor.execute(statement)
    created["cooperatives"] += len(cooperatives)
    created["active"] += sum(1 for c in cooperatives if c.status == Cooperative.Status.ACTIVE)
    rows = {StatusChange: [], YearlyReport: [], BoardMember: [], Member: []}
    for plan in plans:
        rows[StatusChange] += generator.status_changes(plan)
        rows[YearlyReport] += generator.reports(plan)
        rows[BoardMember] += generator.board(plan)
        rows[Member] += generator.members(plan, generator.member_count(plan, members_per_cooperative))
    for model, objects in rows.items():
        if with_history:
            bulk_create_with_history(objects, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)
        else:
            model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        created[model._meta.model_name] += len(objects)
