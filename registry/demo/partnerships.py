"""Demo partnerships, kecamatan neighbours, trainings with participants and supervisory findings.

Deterministic (random generators seeded with the seed and a stream name alone) and idempotent:
neighbours and outside parties are looked up by name; partnerships, trainings and findings are
added only to a database that holds none of them yet. Fast: a few bulk inserts.

Scale mode (seed_partnerships_at_scale) gives every further block of DEMO_BLOCK cooperatives
what the demo district's first block has, drawn the same way with the block's own generators.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import reset_queries, transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..models import (
    BoardMember,
    Cooperative,
    Finding,
    Kecamatan,
    KecamatanNeighbour,
    OutsideParty,
    Partnership,
    Training,
    TrainingParticipant,
)
from .profiles import CHANGE_REASON, DEFAULT_SEED, DISTRICT_SIZE

TRAININGS = 40
FINDINGS_PER_BLOCK = 130
# The demo district's partnerships, trainings and findings are drawn for its cooperatives by id, this
# many at a time: the demo writes the first block; scale mode writes every further one the same way.
DEMO_BLOCK = DISTRICT_SIZE
FIRST_TRAINING_YEAR = 2023

NEIGHBOURS = [
    ("Sangatta Utara", "Sangatta Selatan"), ("Sangatta Utara", "Bengalon"), ("Sangatta Utara", "Rantau Pulung"),
    ("Sangatta Selatan", "Teluk Pandan"), ("Sangatta Selatan", "Rantau Pulung"), ("Bengalon", "Kaliorang"),
    ("Kaliorang", "Kaubun"), ("Kaliorang", "Sangkulirang"), ("Kaubun", "Karangan"), ("Karangan", "Sangkulirang"),
    ("Sangkulirang", "Sandaran"), ("Muara Wahau", "Kombeng"), ("Muara Wahau", "Telen"), ("Kombeng", "Telen"),
    ("Kombeng", "Long Mesangat"), ("Muara Ancalong", "Long Mesangat"), ("Muara Ancalong", "Busang"),
    ("Muara Ancalong", "Muara Bengkal"), ("Muara Bengkal", "Batu Ampar"), ("Batu Ampar", "Rantau Pulung"),
    ("Batu Ampar", "Long Mesangat"),
]

# Fictitious names in the style of the district's partners.
PARTIES = {
    OutsideParty.Kind.PLANTATION: [
        "PT Kaltim Prima Sawit", "PT Sangatta Agro Lestari", "PT Wahau Inti Plantation", "PT Bengalon Sawit Nusantara",
        "PT Telen Hijau Perkasa", "PT Karangan Agro Mandiri", "PT Kutai Timur Palma Lestari", "PT Mesangat Jaya Abadi",
    ],
    OutsideParty.Kind.BANK: [
        "Bank Kaltimtara Cabang Sangatta", "Bank Kaltimtara Cabang Muara Wahau", "BRI Unit Sangatta",
        "BRI Cabang Sangatta", "BNI KCP Sangatta", "Bank Syariah Indonesia KCP Sangatta",
    ],
    OutsideParty.Kind.BUYER: ["PKS Muara Wahau Mill", "CV Sawit Makmur Sangatta", "PT Borneo Palm Trading"],
    OutsideParty.Kind.GOVERNMENT: ["Dinas Perkebunan Kutai Timur", "Dinas Pertanian Kutai Timur"],
}
ORGANISERS = [
    "Dinas Koperasi dan UKM Kabupaten Kutai Timur", "Dinas Koperasi dan UKM Provinsi Kalimantan Timur",
    "LPDB-KUMKM", "Bank Kaltimtara", "PT Kaltim Prima Sawit (program CSR)",
]
PLACES = ["Aula Dinas Koperasi, Sangatta", "Balai Desa Wahau Baru", "Gedung Serba Guna Bengalon",
          "Hotel di Sangatta", "Balai Pelatihan Samarinda", "Daring (Zoom)"]
TOPIC_TITLES = {
    Training.Topic.ACCOUNTING: "Bimtek Akuntansi Koperasi (SAK EP)",
    Training.Topic.MANAGEMENT: "Pelatihan Manajemen Koperasi",
    Training.Topic.RAT: "Bimtek Penyelenggaraan RAT",
    Training.Topic.PARTNERSHIP: "Pelatihan Kemitraan Plasma dan Usaha Bersama",
    Training.Topic.DIGITAL: "Pelatihan Digitalisasi Koperasi",
    Training.Topic.PLANTATION: "Pelatihan Replanting Sawit Rakyat",
    Training.Topic.GOVERNANCE: "Diklat Pengawas Koperasi",
}
FINDINGS = [
    (Finding.Kind.ADMINISTRATIVE, "Buku daftar anggota tidak mutakhir.", "Mutakhirkan buku daftar anggota."),
    (Finding.Kind.ADMINISTRATIVE, "Neraca tahun lalu belum disusun.", "Susun neraca dan laporkan ke Dinas."),
    (Finding.Kind.ADMINISTRATIVE, "Notulen RAT tidak ditandatangani.", "Lengkapi notulen dan tanda tangan."),
    (Finding.Kind.VIOLATION, "Pinjaman kepada bukan anggota.", "Hentikan pinjaman kepada bukan anggota."),
    (Finding.Kind.VIOLATION, "Masa jabatan pengurus habis tanpa RAT pemilihan.", "Adakan RAT pemilihan pengurus."),
    (Finding.Kind.SANCTION, "Teguran tertulis: tidak melapor dua tahun.", "Sampaikan laporan tahunan."),
]


@dataclass(frozen=True)
class SeededPartnerships:
    neighbours: int
    parties: int
    partnerships: int
    trainings: int
    participants: int
    findings: int


def _date_in(rng, year, last):
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    return min(day, last)


def _day_between(rng, first, last):
    """A day from `first` to `last`, both included (None when the span is empty)."""
    if last < first:
        return None
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


# A recorded partnership ran at least a month; one that ended ran at least this long.
SHORTEST_RUN = datetime.timedelta(days=30)
FIRST_PARTNERSHIP_YEAR = 2012


def _neighbours():
    names = {k.name: k.code for k in Kecamatan.objects.all()}
    created = 0
    for a, b in NEIGHBOURS:
        if a in names and b in names:
            low, high = sorted((names[a], names[b]))
            _pair, new = KecamatanNeighbour.objects.get_or_create(a_id=low, b_id=high)
            created += new
    return created


def _parties():
    created = 0
    parties = {}
    for kind, names in PARTIES.items():
        for name in names:
            party, new = OutsideParty.objects.get_or_create(name=name, defaults={"kind": kind})
            parties.setdefault(kind, []).append(party)
            created += new
    return parties, created


def _partnerships(rng, cooperatives, parties, today):
    rows = []
    kinds = [
        (0.28, Partnership.Kind.PLASMA, OutsideParty.Kind.PLANTATION, (2_000_000_000, 40_000_000_000)),
        (0.09, Partnership.Kind.FFB_TRANSPORT, OutsideParty.Kind.PLANTATION, (300_000_000, 3_000_000_000)),
        (0.07, Partnership.Kind.FINANCING, OutsideParty.Kind.BANK, (100_000_000, 2_000_000_000)),
        (0.04, Partnership.Kind.OFFTAKE, OutsideParty.Kind.BUYER, (200_000_000, 5_000_000_000)),
        (0.015, Partnership.Kind.SUPPLY, OutsideParty.Kind.GOVERNMENT, (50_000_000, 500_000_000)),
    ]
    for cooperative in cooperatives:
        if cooperative.status in (Cooperative.Status.DISSOLVED, Cooperative.Status.PROPOSED_DISSOLUTION):
            continue
        draw = rng.random()
        for share, kind, party_kind, (low, high) in kinds:
            if draw < share and (cooperative.palm_oil or kind == Partnership.Kind.FINANCING):
                # Started within the cooperative's life, and long enough ago to have run a while.
                first = max(cooperative.founded_on, datetime.date(FIRST_PARTNERSHIP_YEAR, 1, 1))
                start = _day_between(rng, first, today - SHORTEST_RUN)
                if start is None:
                    break
                status = Partnership.Status.ACTIVE
                end = None
                if cooperative.status != Cooperative.Status.ACTIVE or rng.random() < 0.12:
                    # Ended after a run of a month to seven years, by today: never on its first day.
                    status = rng.choice([Partnership.Status.FINISHED, Partnership.Status.STOPPED])
                    end = _day_between(rng, start + SHORTEST_RUN, min(start + datetime.timedelta(days=2500), today))
                rows.append(Partnership(
                    cooperative=cooperative, kecamatan_id=cooperative.desa.kecamatan_id,
                    outside_party=rng.choice(parties[party_kind]), kind=kind, status=status,
                    start_date=start, end_date=end, value=rng.randrange(low, high, 1_000_000),
                    agreement_number=f"{rng.randrange(1, 999):03d}/PKS/{start.year}",
                ))
                break
            draw -= share
    # Between cooperatives: pairs in the same kecamatan, an active one with another active one.
    active = [c for c in cooperatives if c.status == Cooperative.Status.ACTIVE]
    by_kecamatan = {}
    for c in active:
        by_kecamatan.setdefault(c.desa.kecamatan_id, []).append(c)
    for members in by_kecamatan.values():
        for _ in range(min(4, len(members) // 12)):
            a, b = rng.sample(members, 2)
            status = rng.choice([Partnership.Status.ACTIVE, Partnership.Status.ACTIVE, Partnership.Status.PROPOSED])
            # Agreed within the last two years, once both cooperatives existed.
            first = max(a.founded_on, b.founded_on, datetime.date(today.year - 2, 1, 1))
            start = None if status == Partnership.Status.PROPOSED else _day_between(rng, first, today - SHORTEST_RUN)
            if start is None and status != Partnership.Status.PROPOSED:
                continue
            # Both sides' kecamatan set here: bulk_create bypasses Partnership.save().
            rows.append(Partnership(
                cooperative=a, kecamatan_id=a.desa.kecamatan_id, partner_cooperative=b,
                partner_kecamatan_id=b.desa.kecamatan_id, kind=Partnership.Kind.BETWEEN_COOPERATIVES, status=status,
                start_date=start, notes="Usaha bersama angkutan dan pemasaran TBS.",
            ))
    return rows


def _trainings(rng, today, count=TRAININGS, first_cohort=1):
    """`count` trainings from FIRST_TRAINING_YEAR to today; each topic's cohorts are numbered from
    `first_cohort` (scale mode numbers on from the blocks before, so titles repeat less)."""
    rows = []
    topics = list(TOPIC_TITLES)
    for number in range(count):
        year = FIRST_TRAINING_YEAR + number * (today.year - FIRST_TRAINING_YEAR + 1) // count
        start = _date_in(rng, year, today - datetime.timedelta(days=3))
        topic = topics[number % len(topics)]
        kind = Training.Kind.BIMTEK if "Bimtek" in TOPIC_TITLES[topic] else (
            Training.Kind.DIKLAT if "Diklat" in TOPIC_TITLES[topic] else Training.Kind.TRAINING)
        rows.append(Training(
            title=f"{TOPIC_TITLES[topic]} {start.year} angkatan {number % 3 + first_cohort}", kind=kind, topic=topic,
            start_date=start, end_date=start + datetime.timedelta(days=rng.randrange(0, 3)),
            organiser=rng.choice(ORGANISERS), place=rng.choice(PLACES),
        ))
    return rows


def _participants(rng, trainings, cooperatives):
    active = [c for c in cooperatives if c.status == Cooperative.Status.ACTIVE]
    chosen = {}
    for training in trainings:
        # Only cooperatives that existed when the training ended can have sent someone.
        founded = [c for c in active if c.founded_on <= training.end_date]
        chosen[training.pk] = rng.sample(founded, min(len(founded), rng.randrange(6, 12)))
    ids = {c.pk for picked in chosen.values() for c in picked}
    board = {}
    for member in BoardMember.objects.filter(cooperative_id__in=ids).exclude(role=BoardMember.Role.MANAGER):
        board.setdefault(member.cooperative_id, []).append(member)
    rows = []
    for training in trainings:
        for cooperative in chosen[training.pk]:
            current = [m for m in board.get(cooperative.pk, []) if m.is_current(training.start_date)]
            for member in rng.sample(current, min(len(current), rng.randrange(1, 3))):
                rows.append(TrainingParticipant(
                    training=training, cooperative=cooperative, board_member=member, name=member.name,
                    position=member.get_role_display(), attended=rng.random() < 0.9,
                ))
            if rng.random() < 0.15:
                rows.append(TrainingParticipant(
                    training=training, cooperative=cooperative, name=f"Staf {cooperative.name[:40]}",
                    position="kasir", attended=True,
                ))
    return rows


def _findings(rng, cooperatives, today, count=FINDINGS_PER_BLOCK):
    rows = []
    pool = [c for c in cooperatives if c.status != Cooperative.Status.DISSOLVED]
    for cooperative in rng.sample(pool, min(len(pool), count)):
        kind, description, recommendation = rng.choice(FINDINGS)
        # Found while the cooperative existed: never before its founding.
        found = max(_date_in(rng, rng.randrange(2023, today.year + 1), today), cooperative.founded_on)
        due = found + datetime.timedelta(days=rng.choice([30, 60, 90]))
        draw = rng.random()
        status, done_on = Finding.FollowUp.OPEN, None
        if draw < 0.55 and due <= today:
            status, done_on = Finding.FollowUp.DONE, due - datetime.timedelta(days=rng.randrange(0, 25))
        elif draw < 0.7 and due + datetime.timedelta(days=40) <= today:
            status, done_on = Finding.FollowUp.DONE, due + datetime.timedelta(days=rng.randrange(5, 40))
        elif draw < 0.8:
            status = Finding.FollowUp.IN_PROGRESS
        # The cooperative's kecamatan copied here: bulk_create bypasses Finding.save().
        rows.append(Finding(
            cooperative=cooperative, kecamatan_id=cooperative.desa.kecamatan_id, found_on=found, kind=kind,
            description=description,
            risk=rng.choice([Finding.Risk.LOW, Finding.Risk.MEDIUM, Finding.Risk.MEDIUM, Finding.Risk.HIGH]),
            recommendation=recommendation, due_date=due, follow_up_status=status,
            followed_up_on=max(done_on, found) if done_on else None,
        ))
    return rows


@transaction.atomic
def seed_partnerships(*, seed=DEFAULT_SEED, today=None) -> SeededPartnerships:
    """The demo's partnerships, neighbours, trainings with participants and findings (once per database)."""
    today = today or timezone.localdate()
    neighbours = _neighbours()
    parties, new_parties = _parties()
    if Partnership.objects.exists() or Training.objects.exists() or Finding.objects.exists():
        return SeededPartnerships(neighbours, new_parties, 0, 0, 0, 0)
    # The demo district's first 1,150 cooperatives: the same few hundred records at any --cooperatives.
    cooperatives = list(Cooperative.objects.select_related("desa").order_by("pk")[:DEMO_BLOCK])
    history = {"default_change_reason": CHANGE_REASON}
    partnerships = _partnerships(random.Random(f"{seed}:partnerships"), cooperatives, parties, today)
    bulk_create_with_history(partnerships, Partnership, batch_size=500, **history)
    bulk_create_with_history(_trainings(random.Random(f"{seed}:trainings"), today), Training, **history)
    trainings = list(Training.objects.order_by("pk"))  # with their ids on every database
    participants = _participants(random.Random(f"{seed}:participants"), trainings, cooperatives)
    bulk_create_with_history(participants, TrainingParticipant, batch_size=500, **history)
    findings = _findings(random.Random(f"{seed}:findings"), cooperatives, today)
    bulk_create_with_history(findings, Finding, batch_size=500, **history)
    return SeededPartnerships(neighbours, new_parties, len(partnerships), len(trainings), len(participants),
                              len(findings))


def seed_partnerships_at_scale(*, seed=DEFAULT_SEED, today=None) -> SeededPartnerships:
    """Scale mode: partnerships, trainings with participants and findings for every block of DEMO_BLOCK
    cooperatives after the first (which seed_partnerships writes), at the demo district's rates.

    Block `n` holds the cooperatives with ids n * DEMO_BLOCK + 1 to (n + 1) * DEMO_BLOCK (demo cooperative
    `index` has the id `index + 1`) and draws from generators seeded with the seed, the stream and `n`
    alone, so a block gets the same records in every run and at every --cooperatives. A block already
    holding a partnership, a participant or a finding is left as it is (each block is written in one
    transaction: a stopped run resumes at the next). A last, partial block gets trainings and findings in
    proportion to its size. Without history rows, as seed_district writes scale mode.
    """
    today = today or timezone.localdate()
    parties, _new = _parties()
    last_id = Cooperative.objects.aggregate(last=Max("pk"))["last"] or 0
    totals = [0, 0, 0, 0]
    for block in range(1, -(-last_id // DEMO_BLOCK)):
        low, high = block * DEMO_BLOCK + 1, (block + 1) * DEMO_BLOCK
        ids = {"cooperative__pk__range": (low, high)}
        if (Partnership.objects.filter(**ids).exists() or TrainingParticipant.objects.filter(**ids).exists()
                or Finding.objects.filter(**ids).exists()):
            continue
        cooperatives = list(Cooperative.objects.select_related("desa").filter(pk__range=(low, high)).order_by("pk"))
        if not cooperatives:
            continue
        with transaction.atomic():
            for index, count in enumerate(_write_block(block, cooperatives, parties, seed, today)):
                totals[index] += count
        reset_queries()  # under DEBUG Django keeps every query's SQL: bounded per block, not per run
    return SeededPartnerships(0, 0, *totals)


def _write_block(block, cooperatives, parties, seed, today):
    share = len(cooperatives) / DEMO_BLOCK
    partnerships = _partnerships(random.Random(f"{seed}:partnerships:{block}"), cooperatives, parties, today)
    Partnership.objects.bulk_create(partnerships, batch_size=500)
    trainings = Training.objects.bulk_create(_trainings(
        random.Random(f"{seed}:trainings:{block}"), today, count=max(1, round(TRAININGS * share)),
        first_cohort=3 * block + 1,
    ))
    participants = _participants(random.Random(f"{seed}:participants:{block}"), trainings, cooperatives)
    TrainingParticipant.objects.bulk_create(participants, batch_size=500)
    findings = _findings(random.Random(f"{seed}:findings:{block}"), cooperatives, today,
                         count=max(1, round(FINDINGS_PER_BLOCK * share)))
    Finding.objects.bulk_create(findings, batch_size=500)
    return len(partnerships), len(trainings), len(participants), len(findings)
