"""Demo cooperatives: each one's classification, place, names, numbers and status lifecycle.

Everything about cooperative number `index` is drawn from random generators seeded with
`f"{seed}:{index}:..."` alone, so cooperative 17 is the same whether the district has 60 or
130,000 cooperatives. Names and legal entity numbers are invented.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Cooperative, Desa, StatusChange
from .profiles import (
    COASTAL,
    COMPANIES,
    CORE_FIRST,
    CORE_PHRASES,
    CORE_SECOND,
    DISTRICT_ACTIVE,
    DISTRICT_SIZE,
    KECAMATAN,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    MEMBER_SCALE,
    MERAH_PUTIH,
    MERAH_PUTIH_EVERY,
    MERAH_PUTIH_OFFSET,
    MIN_MEMBERS,
    OTHER_KINDS,
    PALM_KINDS,
    PESANTREN,
    J,
    Kind,
)

Status = Cooperative.Status
# The serials inside legal entity numbers are unique below this many cooperatives.
MAX_COOPERATIVES = 1_000_000


@dataclass
class CooperativePlan:
    """One demo cooperative (unsaved) and the traits its reports, board and members follow."""

    index: int
    cooperative: Cooperative
    kind: Kind
    kecamatan: str
    founded: datetime.date
    discipline: str  # "good", "fair" or "poor": how regularly RAT is held and reported
    # (date, from, to, reason) steps of the status lifecycle, oldest first.
    steps: list = field(default_factory=list)
    # Book years with no RAT because the cooperative lay dormant.
    dormant_years: range = range(0)
    # After this date the cooperative no longer reports (None: it still does).
    stopped_on: datetime.date | None = None
    members_2019: int = 0  # the size in 2019; later years change by `growth` a year
    growth: float = 0.0
    female_share: float = 0.0
    has_manager: bool = False


def day_in_year(rng, year, months=(1, 12)):
    """A random date in `year` within the months given (days up to 28: every month has them)."""
    return datetime.date(year, rng.randint(*months), rng.randint(1, 28))


def add_years(day, years):
    return day.replace(year=day.year + years)


def _serial(index, salt, modulus):
    """A serial unique per index below `modulus`, not sequential (7919 is prime to 10**k)."""
    return (index * 7919 + salt) % modulus


_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def legal_entity_number(index, founded):
    """The legal entity number in the format of the founding year's issuing office; unique per index."""
    month = _ROMAN_MONTHS[founded.month - 1]
    if founded.year >= 2019:  # AHU online: Kemenkumham, "pengesahan pendirian koperasi"
        return f"AHU-{_serial(index, 667, 10_000_000):07d}.AH.01.26.TAHUN {founded.year}"
    serial = _serial(index, 6385, 1_000_000)
    if founded.year >= 2015:
        return f"{serial:06d}/BH/M.KUKM.2/{month}/{founded.year}"
    if founded.year >= 2001:  # regional autonomy: the kabupaten office issued them
        return f"{serial:06d}/BH/DKUKM-KT/{month}/{founded.year}"
    return f"{serial:06d}/BH/KWK.17/{month}/{founded.year}"


class CooperativeDraws:
    """The cooperative itself and its status lifecycle: part of DistrictGenerator (demo/district.py),
    whose `_rng(index, stream)`, `as_of`, `until_year` and desa tables it uses."""

    # -- status ---------------------------------------------------------------------------------

    def merah_putih_desa_for(self, index):
        """The desa whose Koperasi Merah Putih cooperative `index` is, or None."""
        if index % MERAH_PUTIH_EVERY != MERAH_PUTIH_OFFSET:
            return None
        slot = index // MERAH_PUTIH_EVERY
        return self.merah_putih_desa[slot] if slot < len(self.merah_putih_desa) else None

    def _status_draw(self, index):
        return self._rng(index, "status").random()

    def _active_threshold(self):
        """The draw below which a cooperative is active: exactly 667 of the first 1,150 are.

        Taken from the draws of the first 1,150 cooperatives (each drawn per index), so the
        status of a cooperative still depends on its index only; beyond 1,150 about 58% are active.
        """
        new_ones = sum(1 for i in range(DISTRICT_SIZE) if self.merah_putih_desa_for(i))  # always active
        draws = sorted(self._status_draw(i) for i in range(DISTRICT_SIZE) if not self.merah_putih_desa_for(i))
        needed = DISTRICT_ACTIVE - new_ones
        return (draws[needed - 1] + draws[needed]) / 2

    def _status(self, index):
        draw = self._status_draw(index)
        if draw < self.active_threshold:
            return Status.ACTIVE
        share = (draw - self.active_threshold) / (1 - self.active_threshold)
        if share < 0.45:
            return Status.INACTIVE
        if share < 0.70:
            return Status.COACHING
        if share < 0.85:
            return Status.PROPOSED_DISSOLUTION
        return Status.DISSOLVED

    def _lifecycle(self, rng, status):
        """The steps that led to `status` (newest last) and the last book year with a RAT.

        Dated backwards from a recent last step; "tidak aktif" comes after three book years
        without RAT (national practice), so the last RAT year follows from its date.
        """
        if status == Status.ACTIVE:
            if rng.random() >= 0.04:
                return [], None
            # Revived: inactive for a while, then RAT held again.
            path = [Status.INACTIVE, Status.ACTIVE]
        elif status == Status.INACTIVE:
            path = [Status.INACTIVE]
        elif status == Status.COACHING:
            path = rng.choice([[Status.INACTIVE, Status.COACHING], [Status.COACHING]])
        elif status == Status.PROPOSED_DISSOLUTION:
            path = rng.choice([[Status.INACTIVE, Status.PROPOSED_DISSOLUTION],
                               [Status.INACTIVE, Status.COACHING, Status.PROPOSED_DISSOLUTION]])
        else:
            path = [Status.INACTIVE, Status.PROPOSED_DISSOLUTION, Status.DISSOLVED]
        dates = [self.as_of - datetime.timedelta(days=rng.randint(30, 1400))]
        for _ in path[1:]:
            dates.insert(0, dates[0] - datetime.timedelta(days=rng.randint(150, 540)))
        first = dates[0]
        if path[0] == Status.INACTIVE:
            last_rat_year = first.year - (4 if first.month >= 7 else 5)
        else:
            last_rat_year = first.year - rng.randint(1, 2)
        steps, previous = [], Status.ACTIVE
        for day, to_status in zip(dates, path, strict=True):
            steps.append((day, previous, to_status, self._reason(previous, to_status, last_rat_year, day)))
            previous = to_status
        return steps, last_rat_year

    @staticmethod
    def _reason(from_status, to_status, last_rat_year, day):
        if to_status == Status.INACTIVE:
            return (f"Tidak menyelenggarakan RAT tiga tahun buku berturut-turut "
                    f"({last_rat_year + 1}-{last_rat_year + 3}).")
        if to_status == Status.ACTIVE:
            return f"RAT tahun buku {day.year - 1} kembali diselenggarakan dan dilaporkan ke Dinas."
        if to_status == Status.COACHING and from_status == Status.ACTIVE:
            return "Pengurus tidak lengkap dan laporan keuangan tidak disampaikan; dibina petugas PPKL."
        if to_status == Status.COACHING:
            return "Pengurus bersedia menghidupkan kembali koperasi; masuk program pembinaan Dinas."
        if to_status == Status.PROPOSED_DISSOLUTION and from_status == Status.COACHING:
            return "Pembinaan tidak berhasil: RAT tetap tidak diselenggarakan."
        if to_status == Status.PROPOSED_DISSOLUTION:
            return "Tidak ada kegiatan usaha dan pengurus tidak dapat dihubungi; diusulkan pembubaran."
        return f"Dibubarkan dengan keputusan Menteri Koperasi tahun {day.year}."

    # -- the cooperative ------------------------------------------------------------------------

    def cooperative(self, index):
        """The plan of cooperative `index`: the unsaved Cooperative and the traits of its rows."""
        rng = self._rng(index, "cooperative")
        merah_putih_desa = self.merah_putih_desa_for(index)
        status = Status.ACTIVE if merah_putih_desa else self._status(index)
        steps, last_rat_year = self._lifecycle(rng, status)

        if merah_putih_desa:
            desa, kind = merah_putih_desa, MERAH_PUTIH
        else:
            kecamatan = rng.choices(self.kecamatan_codes, self.kecamatan_weights)[0]
            desa = rng.choice(self.desa_by_kecamatan[kecamatan])
            palm_oil = rng.random() < KECAMATAN[kecamatan].palm_oil
            kinds = PALM_KINDS if palm_oil else OTHER_KINDS
            weights = [k.weight * (4 if k.key == "nelayan" and kecamatan in COASTAL else 1) for k in kinds]
            kind = rng.choices(kinds, weights)[0]
        desa_code, desa_name, kecamatan, desa_level = desa

        founded_year = min(rng.randint(*kind.founded), self.until_year)
        if last_rat_year is not None:
            founded_year = min(founded_year, last_rat_year - rng.randint(1, 4))
        founded = day_in_year(rng, founded_year, (3, 7) if kind is MERAH_PUTIH else (1, 12))
        active = status == Status.ACTIVE

        name = self._name(rng, kind, desa_name, desa_level)
        pattern = Cooperative.Pattern.SHARIA if rng.random() < kind.sharia else Cooperative.Pattern.CONVENTIONAL
        if pattern == Cooperative.Pattern.SHARIA and kind.jenis == J.SAVINGS_LOANS:
            name = name.replace("Koperasi Simpan Pinjam", "Koperasi Simpan Pinjam dan Pembiayaan Syariah")
        nomor_induk = None
        if rng.random() < (0.9 if kind is MERAH_PUTIH else 0.7 if active else 0.45):
            nomor_induk = f"6408{kecamatan[-2:]}{_serial(index, 1, 10_000_000):07d}"
        certificate_status, certificate_expiry = self._certificate(rng, nomor_induk, active)
        amendment_number, amendment_date = "", None
        if founded_year < 2021 and rng.random() < 0.35:
            # Many amended their articles for PP 7/2021.
            amendment_date = day_in_year(rng, rng.randint(max(2019, founded_year + 1), 2024))
            amendment_number = f"AHU-{_serial(index, 27, 10_000_000):07d}.AH.01.27.TAHUN {amendment_date.year}"
        profile = KECAMATAN[kecamatan]
        latitude = min(max(profile.centre[0] + rng.uniform(-0.08, 0.08), LATITUDE_RANGE[0]), LATITUDE_RANGE[1])
        longitude = min(max(profile.centre[1] + rng.uniform(-0.08, 0.08), LONGITUDE_RANGE[0]), LONGITUDE_RANGE[1])

        cooperative = Cooperative(
            id=index + 1,
            name=name,
            nomor_induk=nomor_induk,
            certificate_status=certificate_status,
            certificate_expiry=certificate_expiry,
            ods_grade=self._ods_grade(rng, nomor_induk, active),
            legal_entity_number=legal_entity_number(index, founded),
            legal_entity_date=founded,
            founded_on=founded,
            founded_on_source=Cooperative.FoundedSource.LEGAL_ENTITY,
            amendment_number=amendment_number,
            amendment_date=amendment_date,
            jenis=kind.jenis,
            kelompok=kind.kelompok,
            sector=kind.sector,
            palm_oil=kind.palm_oil,
            pattern=pattern,
            membership_area=rng.choices(
                Cooperative.MembershipArea.values, (95, 4, 1) if kind.key == "karyawan_kebun" else (99, 1, 0)
            )[0],
            address=self._address(rng, kecamatan, desa_name),
            desa_id=desa_code,
            postcode=profile.postcode,
            latitude=Decimal(f"{latitude:.6f}"),
            longitude=Decimal(f"{longitude:.6f}"),
            phone=self._phone(rng) if rng.random() < 0.8 else "",
            email=f"kop{index}@example.com" if rng.random() < 0.3 else "",
            merah_putih=kind is MERAH_PUTIH,
            field_verified_on=(
                max(founded, self.as_of - datetime.timedelta(days=rng.randint(10, 1000)))
                if active and rng.random() < 0.35 else None
            ),
            status=status,
            status_since=steps[-1][0] if steps else founded,
        )
        stopped_on = None
        dormant_years = range(0)
        if steps:
            dormant_years = range(last_rat_year + 1, steps[-1][0].year - 1 if active else self.until_year + 1)
            if not active:
                stopped_on = steps[0][0]
        if status == Status.ACTIVE and not steps:
            discipline = rng.choices(("good", "fair", "poor"), (30, 45, 25))[0]
        else:
            discipline = rng.choices(("fair", "poor"), (30, 70))[0]
        members = max(MIN_MEMBERS, round(rng.randint(*kind.members) * MEMBER_SCALE))
        return CooperativePlan(
            index=index,
            cooperative=cooperative,
            kind=kind,
            kecamatan=kecamatan,
            founded=founded,
            discipline=discipline,
            steps=steps,
            dormant_years=dormant_years,
            stopped_on=stopped_on,
            members_2019=members,
            growth=rng.uniform(-0.02, 0.08) if active else rng.uniform(-0.12, 0.0),
            female_share=rng.uniform(*kind.female),
            has_manager=(members > 150 and rng.random() < 0.6) or rng.random() < 0.15,
        )

    @staticmethod
    def _name(rng, kind, desa_name, desa_level):
        template = rng.choice(kind.names)
        if rng.random() < 0.2:
            core = rng.choice(CORE_PHRASES)
            if "{desa}" not in template:  # few phrases: the desa keeps such names apart
                template += " {desa}"
        else:
            first = rng.choice(CORE_FIRST)
            core = f"{first} {rng.choice([w for w in CORE_SECOND if w != first])}"
        if set(core.split()) & set(desa_name.split()):  # not "Fajar Jaya Bumi Jaya"
            template = template.replace(" {desa}", "")
        name = template.format(
            core=core, desa=desa_name, company=rng.choice(COMPANIES), pesantren=rng.choice(PESANTREN)
        )
        if kind is MERAH_PUTIH and desa_level == Desa.Level.KELURAHAN:
            name = name.replace("Koperasi Desa", "Koperasi Kelurahan")
        return name

    def _certificate(self, rng, nomor_induk, active):
        CertificateStatus = Cooperative.CertificateStatus
        if not nomor_induk:
            return CertificateStatus.NONE, None
        draw = rng.random()
        if draw < (0.55 if active else 0.2):
            # Valid for more than a year after the end of the book year: still valid today.
            return CertificateStatus.VALID, self.as_of + datetime.timedelta(days=rng.randint(400, 4 * 365))
        if draw < (0.8 if active else 0.75):
            return CertificateStatus.EXPIRED, self.as_of - datetime.timedelta(days=rng.randint(1, 4 * 365))
        return CertificateStatus.NONE, None

    @staticmethod
    def _ods_grade(rng, nomor_induk, active):
        if not nomor_induk or rng.random() >= 0.45:
            return ""
        weights = (10, 25, 30, 22, 13) if active else (2, 8, 25, 35, 30)
        return rng.choices(Cooperative.OdsGrade.values, weights)[0]

    @staticmethod
    def _address(rng, kecamatan, desa_name):
        if kecamatan in ("64.08.04", "64.08.12"):
            street = rng.choice(("Yos Sudarso", "Pendidikan", "APT Pranoto", "Soekarno-Hatta", "Ahmad Yani",
                                 "Kabo Jaya", "Poros Sangatta-Bontang", "Diponegoro", "Pinang"))
            return f"Jl. {street} No. {rng.randint(1, 120)}, RT {rng.randint(1, 40):02d}"
        if rng.random() < 0.4:
            return f"SP {rng.randint(1, 9)} Blok {rng.choice('ABCDEFGH')}, RT {rng.randint(1, 20):02d}"
        return f"Jl. Poros {desa_name} Km {rng.randint(1, 45)}, RT {rng.randint(1, 20):02d}"

    @staticmethod
    def _phone(rng):
        prefix = rng.choice(("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878"))
        return f"{prefix}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"

    # -- status history -------------------------------------------------------------------------

    def status_changes(self, plan):
        """The dated, reasoned steps of the cooperative's lifecycle."""
        return [
            StatusChange(cooperative=plan.cooperative, changed_on=day, from_status=from_status, to_status=to_status,
                         reason=reason)
            for day, from_status, to_status, reason in plan.steps
        ]
