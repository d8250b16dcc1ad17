"""One spec per kind of import: its columns (header names with variants), natural key and fields.

A spec turns one row of parsed cells into the record it creates or updates. Natural keys: a
cooperative by Nomor Induk Koperasi, else legal entity number, else name and desa; a member by NIK
within its cooperative (without NIK: member number, else name and birth date); a board term by
cooperative, role, name and start; a yearly report by cooperative and year. The same columns
serve the exports (list_exports.py), so an exported file imports back unchanged. The columns'
parsers and the row context are in fields.py.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import nik as nik_codec
from ..formats import angka, rupiah
from ..models import BoardMember, Cooperative, ImportKind, Member, Sex, YearlyReport
from ..models.people import stamp_cooperative_kecamatan
from ..services.member_areas import area_copies_follow_cooperatives, name_copies_follow_cooperatives
from .columns import CellError, normalise_header, parse_integer
from .fields import (
    COOPERATIVE_KEYS,
    Column,
    boolean,
    choice,
    coordinate,
    count,
    date,
    digits,
    money,
    optional_bool,
    optional_count,
    parse_nik,
    region_text,
    signed_money,
    text,
)


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

    def before_insert(self, instances):
        """Last touches to the new records, all at once, just before they are inserted in bulk."""

    def after_update(self, changes):
        """What follows from records updated in bulk (by the commit or its undo), in their transaction.

        `changes` is [(record, the attnames written)], the records locked since the start.
        """

    def finish(self, ctx):
        """Checks over the whole file once every row is read: [(row, column key, message)] to refuse."""
        return []

    def preview_columns(self, keys):
        """The columns of the dry run's preview for the file's columns (keys in file order)."""
        shown = []
        for key in keys:
            if key.startswith("cooperative_"):
                key = "cooperative"
            if key not in shown:
                shown.append(key)
        return shown

    def preview_value(self, instance, key, ctx):
        """A value as it will be saved, written as the pages write it."""
        if key == "cooperative":
            return ctx.cooperative_name(instance.cooperative_id)
        if key in ("desa", "kecamatan"):
            desa = ctx.regions.desa_by_code.get(instance.desa_id) if instance.desa_id else None
            if desa is None:
                return ""
            return desa.name if key == "desa" else desa.kecamatan.name
        field = self.model._meta.get_field(key)
        value = getattr(instance, field.attname)
        if value is None or value == "":
            return ""
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Ya") if value else _("Tidak")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        column = self.column(key)
        if column.parse in (money, signed_money):
            return rupiah(value)
        if isinstance(value, int) and column.parse in (count, optional_count):
            return angka(value)
        return str(value)

    def preview_fields(self, key):
        """The model fields a preview column shows, to mark the ones an update changes."""
        return {"cooperative": ["cooperative_id"], "desa": ["desa_id"], "kecamatan": ["desa_id"]}.get(key, [key])


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
        "merah_putih", "field_verified_on", "status", "founded_on", "founded_on_source",
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
            self._check_agreement(found[0], values, key, ctx)
            return found[0]
        return None

    def _check_agreement(self, cooperative, values, key, ctx):
        """A row found by its number must not name another cooperative: a wrong number would
        otherwise rename one cooperative after another. A plain rename is shown, not refused."""
        by_nomor, by_legal, by_name = self.index(ctx)
        legal = values.get("legal_entity_number")
        if key[0] == "nomor" and legal:
            others = [c for c in by_legal.get(normalise_header(legal), []) if c.pk != cooperative.pk]
            if others:
                raise CellError(
                    _("Nomor badan hukum ini milik koperasi lain: %(other)s (Nomor Induk %(nomor)s). Nomor Induk di "
                      "baris ini adalah %(name)s.") % {"other": others[0].name, "nomor": others[0].nomor_induk or "-",
                                                         "name": cooperative.name},
                    column="legal_entity_number",
                )
        name = values.get("name")
        if key[0] != "name" and name and normalise_header(name) != normalise_header(cooperative.name):
            others = [c for c in by_name.get((normalise_header(name), values.get("desa_id")), [])
                      if c.pk != cooperative.pk]
            if others:
                raise CellError(
                    _("%(by)s di baris ini adalah %(found)s, tetapi nama %(name)s adalah koperasi lain di desa yang "
                      "sama (Nomor Induk %(nomor)s). Periksa nomornya.") % {
                        "by": _("Nomor Induk") if key[0] == "nomor" else _("Nomor badan hukum"),
                        "found": cooperative.name, "name": name, "nomor": others[0].nomor_induk or "-"},
                    column="name",
                )
            ctx.warn("name", _("Nama koperasi akan diganti: %(old)s menjadi %(new)s. Pastikan Nomor Induk-nya benar.")
                     % {"old": cooperative.name, "new": name})

    def build(self, instance, values, ctx):
        if instance.pk and "status" in values and values["status"] != instance.status:
            raise CellError(_("Status diubah lewat halaman status koperasi (dengan tanggal dan alasan), bukan lewat "
                              "impor."), column="status")
        super().build(instance, values, ctx)
        if instance.nomor_induk == "":
            instance.nomor_induk = None

    def after_update(self, changes):
        # A cooperative moved to another desa: its members' and partnerships' copies of the kecamatan follow.
        moved = [record.pk for record, names in changes if "desa_id" in names]
        if moved:
            area_copies_follow_cooperatives(cooperative_ids=moved)
        # A cooperative renamed: its members' copy of the name follows.
        renamed = [record.pk for record, names in changes if "name" in names]
        if renamed:
            name_copies_follow_cooperatives(cooperative_ids=renamed)


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
        # The cooperative itself, read once per import: the model's time rules check its life.
        instance.cooperative = ctx.parent_cooperative(values["cooperative_id"])
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
    fields = ["name", "has_nik", "nik_hash", "nik_encrypted", "nik_last4", "nik_birth_agrees", "sex", "birth_date",
              "desa_id", "member_number", "joined_on", "left_on"]
    compare_fields = ["name", "nik_hash", "sex", "birth_date", "desa_id", "member_number", "joined_on", "left_on"]

    def prepare(self, values, ctx):
        super().prepare(values, ctx)
        desa = ctx.find_desa(values, required=False)
        values["desa_id"] = desa.code if desa else None
        if "nik" in values:
            nik = values.pop("nik")
            values["_nik"] = nik
            values["nik_hash"] = nik_codec.hash_nik(nik) if nik else None
            if nik:
                ctx.cache.setdefault("nik_tails", []).append((ctx.row, nik.endswith("0")))

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

    def members(self, cooperative_id, ctx):
        """The cooperative's members by key ([members] each) and by name, read once per cooperative."""
        cache = ctx.cache.setdefault("members", {})
        if cooperative_id not in cache:
            by_key, by_name = {}, {}
            for member in Member.objects.filter(cooperative_id=cooperative_id):
                for key in self.record_keys(member):
                    by_key.setdefault(key, []).append(member)
                by_name.setdefault(normalise_header(member.name), []).append(member)
            cache[cooperative_id] = (by_key, by_name)
        return cache[cooperative_id]

    def find(self, values, ctx):
        """By NIK; a row with an NIK no member has yet is the member recorded earlier without one
        when name and birth date (or member number) agree. Otherwise a new member, with a warning
        when someone of that name is already recorded or appears earlier in the file."""
        by_key, by_name = self.members(values["cooperative_id"], ctx)
        found = by_key.get(self.key(values, ctx), [])
        if len(found) > 1:  # a member number or a name and birth date shared by several members
            raise CellError(
                _("%(count)s anggota tercatat cocok dengan baris ini (%(who)s): tidak jelas yang mana. Isi NIK-nya.")
                % {"count": len(found), "who": "; ".join(self._describe(m, ctx) for m in found[:3])},
                column="member_number" if values.get("member_number") else "name",
            )
        if found:
            return found[0]
        name = normalise_header(values.get("name"))
        if values.get("nik_hash"):
            same = [m for m in by_name.get(name, []) if not m.has_nik and (
                (values.get("birth_date") and m.birth_date == values["birth_date"])
                or (values.get("member_number") and m.member_number == values["member_number"]))]
            if len(same) > 1:
                raise CellError(
                    _("%(count)s anggota tanpa NIK cocok dengan nama dan tanggal lahir ini (%(who)s): tidak jelas "
                      "siapa yang diberi NIK ini. Bedakan dulu dengan nomor anggota.")
                    % {"count": len(same), "who": "; ".join(self._describe(m, ctx) for m in same[:3])},
                    column="nik",
                )
            if same:
                return same[0]
        self._likely_duplicates(values, name, by_name.get(name, []), ctx)
        return None

    def _likely_duplicates(self, values, name, same_name, ctx):
        birth = values.get("birth_date")

        def alike(other_birth):
            return other_birth is None or birth is None or other_birth == birth

        recorded = [m for m in same_name if alike(m.birth_date)]
        if recorded:
            ctx.warn("name", _("Mungkin orang yang sama dengan anggota yang sudah tercatat: %(who)s. Bila benar, "
                               "samakan nama, tanggal lahir dan NIK-nya agar tidak tercatat dua kali.")
                     % {"who": "; ".join(self._describe(m, ctx) for m in recorded[:3])})
        earlier = ctx.cache.setdefault("new_members", {}).setdefault((values["cooperative_id"], name), [])
        rows = [str(row) for row, other_birth in earlier if alike(other_birth)]
        if rows:
            ctx.warn("name", _("Mungkin orang yang sama dengan baris %(rows)s di berkas ini.")
                     % {"rows": ", ".join(rows[:5])})
        earlier.append((ctx.row, birth))

    def _describe(self, member, ctx):
        """A recorded member as a likely-duplicate warning names them: the birth date in full only
        to those who may see it, the NIK masked."""
        parts = [member.name]
        if member.birth_date:
            parts.append(_("lahir %(date)s") % {
                "date": member.birth_date.strftime("%d/%m/%Y") if ctx.user.has_perm("registry.reveal_nik")
                else member.birth_date.year})
        parts.append(_("NIK %(nik)s") % {"nik": nik_codec.mask_nik_short(member.nik)} if member.has_nik
                     else _("tanpa NIK"))
        if member.member_number:
            parts.append(_("nomor %(number)s") % {"number": member.member_number})
        return ", ".join(parts)

    def finish(self, ctx):
        """Every NIK of the file ends in 0: the sign of a column Excel held as numbers (it keeps 15
        digits and writes the 16th as 0), even when saved to CSV as text. One NIK in ten ends in 0,
        so five or more all doing so is almost never chance."""
        tails = ctx.cache.get("nik_tails", [])
        if len(tails) < 5 or not all(zero for _row, zero in tails):
            return []
        message = _("Semua %(count)s NIK di berkas ini berakhiran 0: tanda kolom NIK pernah berformat angka di Excel, "
                    "yang hanya menyimpan 15 digit dan mengganti digit terakhir dengan 0. Format kolom NIK sebagai "
                    "Teks, ketik ulang NIK-nya, lalu unggah lagi.") % {"count": angka(len(tails))}
        return [(row, "nik", message) for row, _zero in tails]

    def preview_value(self, instance, key, ctx):
        if key == "nik":
            if not instance.has_nik:
                return _("tanpa NIK")
            return nik_codec.mask_nik_short(getattr(instance, "_pending_nik", None) or instance.nik)
        return super().preview_value(instance, key, ctx)

    def preview_fields(self, key):
        return ["nik_hash"] if key == "nik" else super().preview_fields(key)

    def build(self, instance, values, ctx):
        """An empty NIK cell records a new member without NIK; it never clears a recorded NIK."""
        if instance.pk and values.get("name") and normalise_header(values["name"]) != normalise_header(instance.name):
            ctx.warn("name", _("Nama anggota akan diganti: %(old)s menjadi %(new)s (dicocokkan lewat NIK atau nomor "
                               "anggota). Pastikan orangnya sama.") % {"old": instance.name, "new": values["name"]})
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

    def before_insert(self, instances):
        # The bulk insert bypasses Member.save(): the cooperatives' kecamatan, read under a share lock.
        stamp_cooperative_kecamatan(instances)


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
