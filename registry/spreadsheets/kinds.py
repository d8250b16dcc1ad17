"""One spec per kind of import: its columns (header names with variants), natural key and fields.

A spec turns one row of parsed cells into the record it creates or updates. Natural keys: a
cooperative by Nomor Induk Koperasi, else legal entity number, else name and desa; a member by NIK
within its cooperative (without NIK: member number, else name and birth date); a board term by
cooperative, role, name and start; a yearly report by cooperative and year. The same columns
serve the exports (list_exports.py), so an exported file imports back unchanged.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import nik as nik_codec
from ..models import BoardMember, Cooperative, ImportKind, Member, Sex, YearlyReport
from .columns import (
    CellError,
    RegionIndex,
    clean_text,
    normalise_header,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_money,
    parse_signed_money,
)


@dataclass
class Column:
    """A column: its model field (or helper key), header, other spellings, parser and export getter."""

    key: str
    header: str
    parse: object = None
    aliases: tuple = ()
    required: bool = False
    example: object = ""

    def names(self):
        return {normalise_header(self.header), normalise_header(self.key), *map(normalise_header, self.aliases)}


def text(max_length=None):
    def parse(value, ctx):
        result = clean_text(value)
        if max_length and len(result) > max_length:
            raise CellError(_("Terlalu panjang (maks. %(max)s huruf).") % {"max": max_length})
        return result
    return parse


def date(allow_future=False):
    def parse(value, ctx):
        return None if clean_text(value) == "" else parse_date(value, today=ctx.today, allow_future=allow_future)
    return parse


def choice(choices, default=""):
    def parse(value, ctx):
        return default if clean_text(value) == "" else parse_choice(value, choices)
    return parse


def boolean(default=False):
    def parse(value, ctx):
        return default if clean_text(value) == "" else parse_bool(value)
    return parse


def money(value, ctx):
    return 0 if clean_text(value) == "" else parse_money(value)


def signed_money(value, ctx):
    return 0 if clean_text(value) == "" else parse_signed_money(value)


def count(value, ctx):
    return 0 if clean_text(value) == "" else parse_integer(value)


def optional_count(value, ctx):
    return None if clean_text(value) == "" else parse_integer(value)


def optional_bool(value, ctx):
    return None if clean_text(value) == "" else parse_bool(value)


def coordinate(value, ctx):
    return None if clean_text(value) == "" else parse_decimal(value).quantize(Decimal("0.000001"))


def digits(max_length):
    def parse(value, ctx):
        result = clean_text(value).replace(" ", "")
        if result and not (result.isascii() and result.isdigit() and len(result) <= max_length):
            raise CellError(_("Hanya angka 0-9, maks. %(max)s.") % {"max": max_length})
        return result or None
    return parse


def parse_nik(value, ctx):
    """Empty: the member has no NIK recorded. A masked NIK (`****`) cannot be imported."""
    raw = clean_text(value)
    if raw == "" or normalise_header(raw) in {"tidak ada", "tanpa nik"}:
        return None
    if "*" in raw:
        raise CellError(_("NIK tersamar tidak bisa diimpor: ekspor ulang dengan NIK lengkap, atau isi NIK lengkap."))
    nik = nik_codec.normalise_nik(raw)
    try:
        nik_codec.validate_nik(nik)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return nik


def region_text(value, ctx):
    return clean_text(value)


COOPERATIVE_KEYS = [
    Column("cooperative_nomor_induk", gettext_lazy("Nomor Induk Koperasi"), digits(20),
           ("nik koperasi", "no induk koperasi", "nomor induk", "no induk"), example="6408010012345"),
    Column("cooperative_legal_number", gettext_lazy("Nomor badan hukum"), text(100),
           ("no badan hukum", "badan hukum", "nomor bh", "no bh"), example="006385/BH/M.KUKM.2/XI/2017"),
    Column("cooperative_name", gettext_lazy("Nama koperasi"), text(200), ("koperasi",),
           example="Koperasi Sawit Makmur"),
]


@dataclass
class Context:
    """What a dry run knows besides the rows: the user's area, regions, records already read."""

    user: object
    cooperative: object = None  # chosen on the upload form for a member/board/report file
    today: datetime.date = field(default_factory=timezone.localdate)
    regions: RegionIndex = None
    cache: dict = field(default_factory=dict)

    def __post_init__(self):
        self.regions = self.regions or RegionIndex()

    def check_area(self, kecamatan_code):
        if not self.user.covers_kecamatan(kecamatan_code):
            raise CellError(_("Di luar wilayah kerja Anda: Anda tidak bisa menambah atau mengubah data di sana."))

    def cooperative_index(self):
        if "cooperatives" not in self.cache:
            by_nomor, by_legal = {}, {}
            for row in Cooperative.objects.values("id", "nomor_induk", "legal_entity_number", "desa__kecamatan"):
                if row["nomor_induk"]:
                    by_nomor[row["nomor_induk"]] = row
                if row["legal_entity_number"]:
                    by_legal.setdefault(normalise_header(row["legal_entity_number"]), []).append(row)
            self.cache["cooperatives"] = (by_nomor, by_legal)
        return self.cache["cooperatives"]

    def find_parent(self, values):
        """The cooperative a member/board/report row belongs to: its id, by the key columns or the form."""
        nomor, legal = values.get("cooperative_nomor_induk"), values.get("cooperative_legal_number")
        by_nomor, by_legal = self.cooperative_index()
        if nomor:
            row = by_nomor.get(nomor)
            column = "cooperative_nomor_induk"
        elif legal:
            rows = by_legal.get(normalise_header(legal), [])
            if len(rows) > 1:
                raise CellError(_("Nomor badan hukum ini dipakai beberapa koperasi: isi Nomor Induk Koperasi."),
                                column="cooperative_legal_number")
            row = rows[0] if rows else None
            column = "cooperative_legal_number"
        elif self.cooperative is not None:
            return self.cooperative.pk
        else:
            raise CellError(_("Isi Nomor Induk Koperasi atau nomor badan hukum, atau pilih koperasinya saat "
                              "mengunggah."), column="cooperative_nomor_induk")
        if row is None:
            raise CellError(_("Koperasi tidak ditemukan."), column=column)
        if self.cooperative is not None and row["id"] != self.cooperative.pk:
            raise CellError(_("Baris ini untuk koperasi lain daripada yang Anda pilih."), column=column)
        try:
            self.check_area(row["desa__kecamatan"])
        except CellError as error:
            error.column = column
            raise
        return row["id"]

    def find_desa(self, values, *, required):
        desa_text, kecamatan_text = values.get("desa"), values.get("kecamatan")
        if not desa_text:
            if required:
                raise CellError(_("Wajib diisi."), column="desa")
            return None
        kecamatan = None
        if kecamatan_text:
            try:
                kecamatan = self.regions.find_kecamatan(kecamatan_text)
            except CellError as error:
                error.column = "kecamatan"
                raise
        try:
            desa = self.regions.find_desa(desa_text, kecamatan)
            self.check_area(desa.kecamatan_id)
        except CellError as error:
            error.column = "desa"
            raise
        return desa


class Spec:
    """The shared steps; subclasses say the model, columns, key and how values reach the record."""

    kind = None
    model = None
    columns = []
    required_headers = ()  # keys of columns that must be present
    fields = []  # the model fields an import writes (attnames), compared for "unchanged"

    def column(self, key):
        return next(column for column in self.all_columns() if column.key == key)

    def all_columns(self):
        return self.columns

    def header_map(self):
        names = {}
        for column in self.all_columns():
            for name in column.names():
                names[name] = column
        return names

    def missing_headers(self, present, ctx):
        return [self.column(key) for key in self.required_headers if key not in present]

    def find(self, values, ctx):
        raise NotImplementedError

    def key(self, values, ctx):
        raise NotImplementedError

    def build(self, instance, values, ctx):
        for key, value in values.items():
            if key in self.fields:
                setattr(instance, key, value)

    @property
    def compare_fields(self):
        return self.fields

    def snapshot(self, instance, fields=None):
        return {name: getattr(instance, name) for name in fields or self.fields}

    def exclude_from_clean(self):
        return ["cooperative", "desa"]

    def finalise(self, instance):
        """Last touches before a planned record is written (only in the commit)."""


class CooperativeSpec(Spec):
    kind = ImportKind.COOPERATIVES
    model = Cooperative
    C = Cooperative
    columns = [
        Column("name", gettext_lazy("Nama koperasi"), text(200), ("nama",), required=True,
               example="Koperasi Sawit Makmur"),
        Column("nomor_induk", gettext_lazy("Nomor Induk Koperasi"), digits(20),
               ("nik koperasi", "no induk koperasi", "nomor induk", "no induk"), example="6408010012345"),
        Column("legal_entity_number", gettext_lazy("Nomor badan hukum"), text(100),
               ("no badan hukum", "badan hukum", "nomor bh", "no bh"), example="006385/BH/M.KUKM.2/XI/2017"),
        Column("legal_entity_date", gettext_lazy("Tanggal badan hukum"), date(), ("tgl badan hukum",),
               example="17/11/2017"),
        Column("amendment_number", gettext_lazy("Nomor perubahan anggaran dasar"), text(100),
               ("nomor perubahan ad", "no perubahan ad")),
        Column("amendment_date", gettext_lazy("Tanggal perubahan anggaran dasar"), date(), ("tanggal perubahan ad",)),
        Column("certificate_status", gettext_lazy("Status sertifikat NIK"),
               choice(C.CertificateStatus.choices, C.CertificateStatus.NONE), ("status sertifikat", "sertifikat nik"),
               example="Belum Bersertifikat"),
        Column("certificate_expiry", gettext_lazy("Sertifikat berlaku sampai"), date(allow_future=True)),
        Column("ods_grade", gettext_lazy("Grade ODS"), choice(C.OdsGrade.choices), ("ods",), example="B"),
        Column("jenis", gettext_lazy("Jenis"), choice(C.Jenis.choices), ("jenis koperasi",), required=True,
               example="Produsen"),
        Column("bentuk", gettext_lazy("Bentuk"), choice(C.Bentuk.choices, C.Bentuk.PRIMARY), example="Primer"),
        Column("membership_area", gettext_lazy("Wilayah keanggotaan"),
               choice(C.MembershipArea.choices, C.MembershipArea.KABUPATEN), example="Kabupaten"),
        Column("kelompok", gettext_lazy("Kelompok"), choice(C.Kelompok.choices), ("kelompok koperasi",),
               required=True, example="Perkebunan/plasma"),
        Column("sector", gettext_lazy("Sektor usaha"), choice(C.Sector.choices), ("sektor",), required=True,
               example="perkebunan_sawit"),
        Column("palm_oil", gettext_lazy("Terkait kelapa sawit"), boolean(), ("sawit",), example="Ya"),
        Column("pattern", gettext_lazy("Pola"), choice(C.Pattern.choices, C.Pattern.CONVENTIONAL),
               example="Konvensional"),
        Column("address", gettext_lazy("Alamat"), text(255), example="Jl. Poros Sangatta-Bengalon"),
        Column("desa", gettext_lazy("Desa/kelurahan"), region_text, ("desa", "kelurahan", "kode desa"), required=True,
               example="Sangatta Utara"),
        Column("kecamatan", gettext_lazy("Kecamatan"), region_text, ("kode kecamatan",), example="Sangatta Utara"),
        Column("postcode", gettext_lazy("Kode pos"), text(5), example="75611"),
        Column("latitude", gettext_lazy("Lintang"), coordinate, ("latitude",)),
        Column("longitude", gettext_lazy("Bujur"), coordinate, ("longitude",)),
        Column("phone", gettext_lazy("Telepon"), text(30), ("no hp", "hp", "nomor telepon", "no telepon")),
        Column("email", gettext_lazy("Email"), text(254), ("e mail", "surel")),
        Column("merah_putih", gettext_lazy("Koperasi Merah Putih"), boolean(), ("merah putih",), example="Tidak"),
        Column("field_verified_on", gettext_lazy("Diverifikasi di lapangan"), date()),
        Column("status", gettext_lazy("Status"), choice(C.Status.choices, C.Status.ACTIVE), example="Aktif"),
    ]
    required_headers = ("name", "jenis", "kelompok", "sector", "desa")
    fields = [
        "name", "nomor_induk", "legal_entity_number", "legal_entity_date", "amendment_number", "amendment_date",
        "certificate_status", "certificate_expiry", "ods_grade", "jenis", "bentuk", "membership_area", "kelompok",
        "sector", "palm_oil", "pattern", "address", "desa_id", "postcode", "latitude", "longitude", "phone", "email",
        "merah_putih", "field_verified_on", "status",
    ]

    def index(self, ctx):
        if "own" not in ctx.cache:
            by_nomor, by_legal, by_name = {}, {}, {}
            for cooperative in Cooperative.objects.select_related("desa"):
                if cooperative.nomor_induk:
                    by_nomor[cooperative.nomor_induk] = cooperative
                if cooperative.legal_entity_number:
                    by_legal.setdefault(normalise_header(cooperative.legal_entity_number), []).append(cooperative)
                by_name.setdefault((normalise_header(cooperative.name), cooperative.desa_id), []).append(cooperative)
            ctx.cache["own"] = (by_nomor, by_legal, by_name)
        return ctx.cache["own"]

    def prepare(self, values, ctx):
        desa = ctx.find_desa(values, required=True)
        values["desa_id"] = desa.code
        values["_kecamatan"] = desa.kecamatan_id

    def key(self, values, ctx):
        if values.get("nomor_induk"):
            return ("nomor", values["nomor_induk"])
        if values.get("legal_entity_number"):
            return ("legal", normalise_header(values["legal_entity_number"]))
        return ("name", normalise_header(values.get("name")), values.get("desa_id"))

    def find(self, values, ctx):
        by_nomor, by_legal, by_name = self.index(ctx)
        key = self.key(values, ctx)
        if key[0] == "nomor":
            found = [by_nomor[key[1]]] if key[1] in by_nomor else []
        elif key[0] == "legal":
            found = by_legal.get(key[1], [])
        else:
            found = by_name.get(key[1:], [])
        if len(found) > 1:
            raise CellError(_("Lebih dari satu koperasi cocok: isi Nomor Induk Koperasi."), column="nomor_induk")
        if found:
            try:
                ctx.check_area(found[0].desa.kecamatan_id)
            except CellError as error:
                error.column = "name"
                raise
            return found[0]
        return None

    def build(self, instance, values, ctx):
        if instance.pk and "status" in values and values["status"] != instance.status:
            raise CellError(_("Status diubah lewat halaman status koperasi (dengan tanggal dan alasan), bukan lewat "
                              "impor."), column="status")
        super().build(instance, values, ctx)
        if instance.nomor_induk == "":
            instance.nomor_induk = None


class ChildSpec(Spec):
    """Members, board terms and yearly reports: rows of a cooperative, found by its key columns."""

    parent_required = True

    def all_columns(self):
        return COOPERATIVE_KEYS + self.columns

    def missing_headers(self, present, ctx):
        missing = super().missing_headers(present, ctx)
        if ctx.cooperative is None and not {"cooperative_nomor_induk", "cooperative_legal_number"} & present:
            missing.insert(0, self.column("cooperative_nomor_induk"))
        return missing

    def prepare(self, values, ctx):
        values["cooperative_id"] = ctx.find_parent(values)

    def existing(self, cooperative_id, ctx):
        """The cooperative's records by key, read once per cooperative."""
        cache = ctx.cache.setdefault(self.kind, {})
        if cooperative_id not in cache:
            records = {}
            for record in self.model.objects.filter(cooperative_id=cooperative_id):
                for key in self.record_keys(record):
                    records.setdefault(key, record)
            cache[cooperative_id] = records
        return cache[cooperative_id]

    def find(self, values, ctx):
        return self.existing(values["cooperative_id"], ctx).get(self.key(values, ctx))

    def build(self, instance, values, ctx):
        instance.cooperative_id = values["cooperative_id"]
        super().build(instance, values, ctx)


class MemberSpec(ChildSpec):
    kind = ImportKind.MEMBERS
    model = Member
    columns = [
        Column("name", gettext_lazy("Nama"), text(150), ("nama anggota", "nama lengkap"), required=True,
               example="Siti Aminah"),
        Column("nik", gettext_lazy("NIK"), parse_nik, ("nomor induk kependudukan", "no ktp", "nomor ktp", "ktp"),
               example="6408014512800001"),
        Column("sex", gettext_lazy("Jenis kelamin"), choice(Sex.choices), ("l p", "jk", "kelamin"), example="P"),
        Column("birth_date", gettext_lazy("Tanggal lahir"), date(), ("tgl lahir",), example="05/12/1980"),
        Column("desa", gettext_lazy("Desa/kelurahan"), region_text, ("desa", "kelurahan", "kode desa"),
               example="Sangatta Utara"),
        Column("kecamatan", gettext_lazy("Kecamatan"), region_text, ("kode kecamatan",), example="Sangatta Utara"),
        Column("member_number", gettext_lazy("Nomor anggota"), text(30), ("no anggota",), example="A-001"),
        Column("joined_on", gettext_lazy("Tanggal masuk"), date(), ("tgl masuk", "tanggal bergabung"),
               example="01/02/2015"),
        Column("left_on", gettext_lazy("Tanggal keluar"), date(), ("tgl keluar",)),
    ]
    required_headers = ("name",)
    fields = ["name", "has_nik", "nik_hash", "nik_encrypted", "sex", "birth_date", "desa_id", "member_number",
              "joined_on", "left_on"]
    compare_fields = ["name", "nik_hash", "sex", "birth_date", "desa_id", "member_number", "joined_on", "left_on"]

    def prepare(self, values, ctx):
        super().prepare(values, ctx)
        desa = ctx.find_desa(values, required=False)
        values["desa_id"] = desa.code if desa else None
        if "nik" in values:
            nik = values.pop("nik")
            values["_nik"] = nik
            values["nik_hash"] = nik_codec.hash_nik(nik) if nik else None

    def record_keys(self, member):
        keys = [("nik", member.nik_hash)] if member.nik_hash else []
        if member.member_number:
            keys.append(("number", member.member_number))
        return keys + [("name", normalise_header(member.name), member.birth_date)]

    def key(self, values, ctx):
        if values.get("nik_hash"):
            return ("nik", values["nik_hash"])
        if values.get("member_number"):
            return ("number", values["member_number"])
        return ("name", normalise_header(values.get("name")), values.get("birth_date"))

    def build(self, instance, values, ctx):
        """An empty NIK cell records a new member without NIK; it never clears a recorded NIK."""
        instance.cooperative_id = values["cooperative_id"]
        for key, value in values.items():
            if key in self.fields and key != "nik_hash":
                setattr(instance, key, value)
        nik = values.get("_nik")
        if nik and values["nik_hash"] != instance.nik_hash:
            # The hash now; encryption (the slow part) only when the row is written: see finalise().
            instance.has_nik, instance.nik_hash, instance.nik_encrypted = True, values["nik_hash"], "-"
            instance._pending_nik = nik
        elif instance.pk is None and not nik:
            instance.nik = None

    def finalise(self, instance):
        if getattr(instance, "_pending_nik", None):
            instance.nik = instance._pending_nik


class BoardMemberSpec(ChildSpec):
    kind = ImportKind.BOARD
    model = BoardMember
    columns = [
        Column("name", gettext_lazy("Nama"), text(150), ("nama pengurus",), required=True, example="Budi Santoso"),
        Column("role", gettext_lazy("Jabatan"), choice(BoardMember.Role.choices), required=True, example="Ketua"),
        Column("sex", gettext_lazy("Jenis kelamin"), choice(Sex.choices), ("l p", "jk"), example="L"),
        Column("phone", gettext_lazy("Telepon"), text(30), ("no hp", "hp")),
        Column("term_start", gettext_lazy("Mulai menjabat"), date(), ("awal masa jabatan", "tmt"), required=True,
               example="01/01/2023"),
        Column("term_end", gettext_lazy("Akhir masa jabatan"), date(allow_future=True), example="31/12/2027"),
        Column("ended_on", gettext_lazy("Berhenti pada"), date(), ("tanggal berhenti",)),
    ]
    required_headers = ("name", "role", "term_start")
    fields = ["name", "role", "sex", "phone", "term_start", "term_end", "ended_on"]

    def record_keys(self, term):
        return [(term.role, normalise_header(term.name), term.term_start)]

    def key(self, values, ctx):
        return (values.get("role"), normalise_header(values.get("name")), values.get("term_start"))


class YearlyReportSpec(ChildSpec):
    kind = ImportKind.REPORTS
    model = YearlyReport
    R = YearlyReport
    columns = [
        Column("year", gettext_lazy("Tahun buku"), lambda value, ctx: parse_integer(value, minimum=1945), ("tahun",),
               required=True, example=2024),
        Column("members_male", gettext_lazy("Anggota laki-laki"), count, ("anggota l",), example=120),
        Column("members_female", gettext_lazy("Anggota perempuan"), count, ("anggota p",), example=45),
        Column("employees", gettext_lazy("Karyawan"), count, example=3),
        Column("managers", gettext_lazy("Manajer"), count, example=1),
        Column("modal_sendiri", gettext_lazy("Modal sendiri"), money, ("modal sendiri rp",), example="1.250.000.000"),
        Column("modal_luar", gettext_lazy("Modal luar"), money, ("modal luar rp",), example="300.000.000"),
        Column("total_assets", gettext_lazy("Total aset"), money, ("aset", "total aset rp"), example="1.550.000.000"),
        Column("business_volume", gettext_lazy("Volume usaha"), money, ("volume usaha rp",), example="2.000.000.000"),
        Column("revenue", gettext_lazy("Pendapatan"), money, ("pendapatan rp",), example="450.000.000"),
        Column("expenses", gettext_lazy("Biaya"), money, ("biaya rp",), example="380.000.000"),
        Column("shu", gettext_lazy("SHU"), signed_money, ("shu rp", "sisa hasil usaha"), example="70.000.000"),
        Column("cash", gettext_lazy("Kas"), money, ("kas rp",), example="25.000.000"),
        Column("financial_report", gettext_lazy("Laporan keuangan"),
               choice(R.FinancialReport.choices, R.FinancialReport.NONE), example="Disampaikan"),
        Column("rat_date", gettext_lazy("Tanggal RAT"), date(), example="15/03/2025"),
        Column("rat_attendance", gettext_lazy("Hadir dalam RAT"), optional_count, ("hadir rat",), example=110),
        Column("rat_quorum", gettext_lazy("RAT kuorum"), optional_bool, ("kuorum",), example="Ya"),
        Column("rat_reported_on", gettext_lazy("RAT dilaporkan ke Dinas"), date(), ("rat dilaporkan",),
               example="01/04/2025"),
    ]
    required_headers = ("year",)
    fields = ["year", "members_male", "members_female", "employees", "managers", "modal_sendiri", "modal_luar",
              "total_assets", "business_volume", "revenue", "expenses", "shu", "cash", "financial_report", "rat_date",
              "rat_attendance", "rat_quorum", "rat_reported_on"]

    def record_keys(self, report):
        return [report.year]

    def key(self, values, ctx):
        return values.get("year")


SPECS = {spec.kind: spec for spec in (CooperativeSpec(), BoardMemberSpec(), MemberSpec(), YearlyReportSpec())}
