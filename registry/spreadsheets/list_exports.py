"""Exports of the lists to XLSX and CSV with the list's current filters, streamed, logged, injection-safe.

Cooperatives, board terms, members and yearly reports use the import specs' columns
(kinds.py), so an exported file imports back unchanged. Members' NIK is masked
unless a user with `reveal_nik` asks for the full column; only the full column imports back.
"""

import csv
import datetime
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from .. import nik as nik_codec
from ..filters.assessments import AssessmentFilter
from ..filters.cooperatives import CooperativeFilter
from ..filters.members import MemberFilter
from ..filters.partnerships import PartnershipFilter, TrainingFilter
from ..models import BoardMember, Cooperative, ImportKind, YearlyReport
from ..selectors.assessments import assessment_list
from ..selectors.cooperatives import cooperative_list
from ..selectors.members import member_list
from ..selectors.partnerships import partnership_list, training_list
from .columns import neutralise
from .kinds import SPECS

CHUNK = 2000


def _getter(model, key):
    """How a column reads a record, as the import reads it back: choice labels, Ya/Tidak, region names.

    Field, labels and words are looked up once per column, not once per cell: 130,000 rows x 28
    columns.
    """
    if key == "desa":
        return lambda obj, ctx: obj.desa.name if obj.desa_id else ""
    if key == "kecamatan":
        return lambda obj, ctx: obj.desa.kecamatan.name if obj.desa_id else ""
    if key.startswith("cooperative_"):
        attribute = {"cooperative_nomor_induk": "nomor_induk", "cooperative_legal_number": "legal_entity_number",
                     "cooperative_name": "name"}[key]
        return lambda obj, ctx: getattr(obj.cooperative, attribute) or ""
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:  # a property (a member's NIK): member_columns() replaces it
        return lambda obj, ctx: getattr(obj, key)
    if field.choices:
        labels = {code: str(label) for code, label in field.flatchoices}
        return lambda obj, ctx: labels.get(getattr(obj, key), getattr(obj, key))
    if field.get_internal_type() == "BooleanField":
        words = {True: _("Ya"), False: _("Tidak"), None: ""}
        return lambda obj, ctx: words[getattr(obj, key)]
    return lambda obj, ctx: getattr(obj, key)


def spec_columns(kind):
    """(header, getter) pairs from an import spec: what imports back."""
    spec = SPECS[kind]
    return [(str(column.header), _getter(spec.model, column.key)) for column in spec.all_columns()]


def member_columns():
    columns = []
    for header, getter in spec_columns(ImportKind.MEMBERS):
        if header == str(SPECS[ImportKind.MEMBERS].column("nik").header):
            getter = lambda obj, ctx: (obj.nik or "") if ctx["full_nik"] else (  # noqa: E731
                nik_codec.mask_nik_short(obj.nik) if obj.has_nik else "")
        columns.append((header, getter))
    return columns


def export_context(user, *, full_nik):
    """What the columns need to know about the export beside its rows (the same in request and worker)."""
    return {"full_nik": full_nik}


def attr(path):
    def get(obj, ctx):
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
        return obj() if callable(obj) else obj
    return get


@dataclass
class ListExport:
    """One exportable list: its rows (the list's FilterSet over the user's area) and columns."""

    slug: str
    title: str
    filterset: type
    queryset: object
    columns: object
    personal: bool = False  # member-level personal data: never for Pimpinan
    filter_model: str = ""  # rows of another model than the filterset's (board, reports: by cooperative)

    def rows(self, user, params):
        """The rows `user` exports with the list's query string `params` (a QueryDict).

        The same in the request and in the task worker, which has no request: the filters read the
        user's area from a stand-in carrying the user alone.
        """
        request = SimpleNamespace(user=user, GET=params)
        if self.filter_model:
            cooperatives = self.filterset(params, queryset=cooperative_list(user=user), request=request).qs
            queryset = self.queryset(user).filter(cooperative__in=cooperatives.order_by().values("pk"))
            if self.slug == "laporan" and params.get("tahun", "").isdigit():
                queryset = queryset.filter(year=int(params["tahun"]))
        else:
            queryset = self.filterset(params, queryset=self.queryset(user), request=request).qs
        return queryset


def _board(user):
    return BoardMember.objects.for_user(user).select_related("cooperative", "cooperative__desa").order_by(
        "cooperative__name", "cooperative_id", "role", "-term_start", "pk")


def _reports(user):
    return YearlyReport.objects.for_user(user).select_related("cooperative").order_by(
        "cooperative__name", "cooperative_id", "-year")


def _members(user):
    return member_list(user=user).select_related("cooperative", "desa__kecamatan").order_by(
        "cooperative__name", "cooperative_id", "name", "pk")


EXPORTS = {
    export.slug: export for export in [
        ListExport("koperasi", gettext_lazy("Koperasi"), CooperativeFilter,
                   lambda user: cooperative_list(user=user), lambda: spec_columns(ImportKind.COOPERATIVES)),
        ListExport("pengurus", gettext_lazy("Pengurus dan pengawas"), CooperativeFilter, _board,
                   lambda: spec_columns(ImportKind.BOARD), personal=True, filter_model="cooperative"),
        ListExport("anggota", gettext_lazy("Anggota"), MemberFilter, _members, member_columns, personal=True),
        ListExport("laporan", gettext_lazy("Laporan tahunan"), CooperativeFilter, _reports,
                   lambda: spec_columns(ImportKind.REPORTS), filter_model="cooperative"),
        ListExport("penilaian", gettext_lazy("Penilaian"), AssessmentFilter, lambda user: assessment_list(user=user),
                   lambda: [
                       (_("Nomor Induk Koperasi"), attr("cooperative.nomor_induk")),
                       (_("Nama koperasi"), attr("cooperative.name")),
                       (_("Kecamatan"), attr("cooperative.desa.kecamatan.name")),
                       (_("Tahun"), attr("year")), (_("Status"), attr("get_status_display")),
                       (_("Nilai kelembagaan"), attr("score_kelembagaan")),
                       (_("Nilai keuangan usaha"), attr("score_keuangan")),
                       (_("Nilai operasional usaha"), attr("score_operasional")),
                       (_("Nilai reputasi"), attr("score_reputasi")), (_("Nilai akhir"), attr("overall_score")),
                       (_("Indikator belum dinilai"), attr("unscored")),
                       (_("Predikat"), attr("get_predicate_display")),
                       (_("Label RAT Kutim"), attr("get_kutim_label_display")),
                   ]),
        ListExport("kemitraan", gettext_lazy("Kemitraan"), PartnershipFilter,
                   lambda user: partnership_list(user=user), lambda: [
                       (_("Nomor Induk Koperasi"), attr("cooperative.nomor_induk")),
                       (_("Koperasi"), attr("cooperative.name")),
                       (_("Kecamatan"), attr("cooperative.desa.kecamatan.name")),
                       (_("Mitra koperasi"), attr("partner_cooperative.name")),
                       (_("Mitra lain"), attr("outside_party.name")),
                       (_("Jenis kemitraan"), attr("get_kind_display")), (_("Status"), attr("get_status_display")),
                       (_("Mulai"), attr("start_date")), (_("Berakhir"), attr("end_date")),
                       (_("Nilai (Rp)"), attr("value")), (_("Nomor perjanjian"), attr("agreement_number")),
                   ]),
        ListExport("pelatihan", gettext_lazy("Pelatihan"), TrainingFilter, lambda user: training_list(user=user),
                   lambda: [
                       (_("Judul"), attr("title")), (_("Bentuk kegiatan"), attr("get_kind_display")),
                       (_("Topik"), attr("get_topic_display")), (_("Mulai"), attr("start_date")),
                       (_("Selesai"), attr("end_date")), (_("Penyelenggara"), attr("organiser")),
                       (_("Tempat"), attr("place")), (_("Peserta"), attr("participant_count")),
                   ]),
    ]
}


def _xlsx_cell(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return neutralise(value)


def _csv_cell(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value).replace(".", ",")
    if isinstance(value, int | float):
        return str(value)  # numbers stay numbers: a negative SHU is not a formula
    return neutralise("" if value is None else str(value))


def export_records(queryset, columns, ctx):
    for obj in queryset.iterator(chunk_size=CHUNK):
        yield [getter(obj, ctx) for _header, getter in columns]


class _Echo:
    def write(self, value):
        return value


CSV_BOM = "\ufeff"


def _csv_lines(queryset, columns, ctx, counter):
    """CSV in UTF-8 with BOM and `;` (what Excel in Indonesian settings opens directly), row by row."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield CSV_BOM + writer.writerow([header for header, _getter in columns])
    for row in export_records(queryset, columns, ctx):
        counter[0] += 1
        yield writer.writerow([_csv_cell(value) for value in row])


def csv_stream(queryset, columns, ctx, on_done):
    """The CSV streamed to the response; `on_done(rows)` once the last row is out."""
    counter = [0]
    yield from _csv_lines(queryset, columns, ctx, counter)
    on_done(counter[0])


def write_csv(handle, queryset, columns, ctx):
    """The CSV written to a binary file; the number of rows."""
    counter, lines = [0], []
    for line in _csv_lines(queryset, columns, ctx, counter):
        lines.append(line)
        if len(lines) >= CHUNK:
            handle.write("".join(lines).encode())
            lines.clear()
    handle.write("".join(lines).encode())
    return counter[0]


def write_xlsx(handle, queryset, columns, ctx, title):
    """A write-only workbook (rows are not kept in memory) saved to a binary file; the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([header for header, _getter in columns])
    count = 0
    for row in export_records(queryset, columns, ctx):
        count += 1
        sheet.append([_xlsx_cell(value) for value in row])
    workbook.save(handle)
    return count


def xlsx_file(queryset, columns, ctx, title):
    """The workbook spooled to a temporary file (openpyxl cannot stream to the socket), and its rows."""
    handle = tempfile.TemporaryFile()
    count = write_xlsx(handle, queryset, columns, ctx, title)
    handle.seek(0)
    return handle, count


def recap_headers():
    return [
        _("Kode"), _("Kecamatan"), _("Jumlah koperasi"),
        *[_("Jenis %(label)s") % {"label": label} for label in Cooperative.Jenis.labels],
        _("Koperasi aktif"), _("Menyampaikan laporan"), _("RAT diadakan"), _("Anggota laki-laki"),
        _("Anggota perempuan"), _("Jumlah anggota"), _("Modal sendiri (Rp)"), _("Modal luar (Rp)"),
        _("Aset (Rp)"), _("Volume usaha (Rp)"), _("SHU (Rp)"),
    ]


def recap_values(row, label=None):
    return [row.code, label or row.name, row.cooperatives, *row.jenis_values, row.active, row.reported,
            row.rat_held, row.members_male, row.members_female, row.members_total, *row.money_values]


def recap_workbook(rows, total, year):
    """The recap as one XLSX sheet: numbers as numbers, a total row at the end."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Rekap %(year)s") % {"year": year})
    sheet.append([_("Rekapitulasi data koperasi per kecamatan, Kabupaten Kutai Timur, tahun buku %(year)s")
                  % {"year": year}])
    sheet.append(recap_headers())
    for row in rows:
        sheet.append([neutralise(value) for value in recap_values(row)])
    sheet.append(recap_values(total, _("Jumlah")))
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle
