"""Exports of the lists to XLSX and CSV with the list's current filters, streamed, logged, injection-safe.

Cooperatives, board terms, members and yearly reports use the import specs' columns
(kinds.py), so an exported file imports back unchanged. Members' NIK is masked
unless a user with `reveal_nik` asks for the full column; only the full column imports back.
"""

import csv
import datetime
import functools
import io
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from .. import masks
from .. import nik as nik_codec
from ..filters.assessments import AssessmentFilter
from ..filters.cooperatives import CooperativeFilter
from ..filters.members import MemberFilter
from ..filters.partnerships import FindingFilter, PartnershipFilter, TrainingFilter
from ..models import BoardMember, Cooperative, ImportKind, YearlyReport
from ..selectors.assessments import assessment_list
from ..selectors.cooperatives import cooperative_list
from ..selectors.members import member_list
from ..selectors.partnerships import finding_list, partnership_list, training_list
from .columns import FORMULA_STARTS, neutralise
from .fields import money, signed_money
from .kinds import SPECS
from .xlsx_formats import FORMATS

CHUNK = 2000


class ValueColumn(tuple):
    """(header, convert) of a spec export's column, with the `path` its value is read from.

    Spec exports read their rows as tuples (`values_list`), never as model instances: building
    three model instances per member (member, cooperative, desa and its kecamatan) cost 90% of a
    national member export. A `convert` takes the value of `path` alone.
    """

    def __new__(cls, header, path, convert, csv_cell=None):
        column = super().__new__(cls, (header, convert))
        column.path = path
        column.csv_cell = csv_cell or _csv_cell  # the converted value as CSV text, chosen once per column
        return column


def _identity(value):
    return value


def _csv_text(value):
    # neutralise() inlined: this runs for most cells of a million-row export.
    if value is None:
        return ""
    if value.__class__ is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return neutralise(value)


# A member export writes two dates a row and they repeat (birth and joining dates): formatting each
# distinct date once was a fifth of the CSV's time. Bounded, so a long export's memory stays flat.
_dmy = functools.lru_cache(maxsize=1 << 16)(lambda value: value.strftime("%d/%m/%Y"))


def _csv_date(value):
    return "" if value is None else _dmy(value)


def _csv_plain(value):
    """Our own words (labels, Ya/Tidak, masks): nothing to neutralise."""
    return "" if value is None else value


def _value_path(model, key, ctx):
    """How a column reads its value, as the import reads it back: choice labels, Ya/Tidak, region names.

    (path, convert, CSV cell): labels and words are looked up once per column, not once per cell.
    """
    if key == "desa":
        return "desa__name", _identity, _csv_text
    if key == "kecamatan":
        return "desa__kecamatan__name", _identity, _csv_text
    if key.startswith("cooperative_"):
        attribute = {"cooperative_nomor_induk": "nomor_induk", "cooperative_legal_number": "legal_entity_number",
                     "cooperative_name": "name"}[key]
        return f"cooperative__{attribute}", _identity, _csv_text
    if key == "nik":
        if ctx["full_nik"]:  # the only export that decrypts
            return "nik_encrypted", lambda token: nik_codec.decrypt_nik(token) or "", _csv_plain
        return "nik_last4", nik_codec.mask_nik, _csv_plain
    field = model._meta.get_field(key)
    if field.choices:
        labels = {code: str(label) for code, label in field.flatchoices}
        return key, lambda value: labels.get(value, value), _csv_cell
    kind = field.get_internal_type()
    if kind == "BooleanField":
        words = {True: _("Ya"), False: _("Tidak"), None: ""}
        return key, words.__getitem__, _csv_plain
    if kind in {"CharField", "TextField"}:
        return key, _identity, _csv_text
    if kind == "DateField":
        return key, _identity, _csv_date
    return key, _identity, _csv_cell


def spec_columns(kind, ctx=None):
    """The columns of an import spec, what imports back; personal ones as `masks` lets the user see them."""
    ctx = ctx or {"full_nik": False, "full_personal": True}
    spec = SPECS[kind]
    personal = {} if ctx["full_personal"] else masks.masked_fields(spec.model)
    columns = []
    for column in spec.all_columns():
        path, convert, csv_cell = _value_path(spec.model, column.key, ctx)
        if column.key in personal:
            mask, read, csv_cell = personal[column.key], convert, _csv_cell
            convert = lambda value, mask=mask, read=read: mask(read(value))  # noqa: E731
        value_column = ValueColumn(str(column.header), path, convert, csv_cell)
        value_column.kind = "rupiah" if column.parse in (money, signed_money) else None
        columns.append(value_column)
    return columns


def export_context(user, *, full_nik):
    """What the columns need to know about the export beside its rows (the same in request and worker):
    the full NIK column or its mask, and whether `user` sees personal fields in full (`masks`)."""
    return {"full_nik": full_nik, "full_personal": masks.sees_personal_data(user)}


def attr(path):
    def get(obj, ctx):
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
        return obj() if callable(obj) else obj
    return get


class InvalidFilter(Exception):
    """A filter value the list's form refuses: the export is refused, never widened by dropping it."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def _checked(filterset):
    """`filterset` when every value it was given is valid, else InvalidFilter naming the fields."""
    if filterset.is_bound and not filterset.is_valid():
        form = filterset.form
        raise InvalidFilter([
            _("%(field)s: %(error)s") % {"field": form.fields[name].label if name in form.fields else name,
                                         "error": " ".join(errors)}
            for name, errors in form.errors.items()
        ])
    return filterset


@dataclass
class ListExport:
    """One exportable list: its rows (the list's FilterSet over the user's area) and columns."""

    slug: str
    title: str
    filterset: type
    queryset: object
    columns: object  # ctx -> the columns (ValueColumn for the import specs, else (header, getter))
    personal: bool = False  # member-level personal data: never for Pimpinan
    filter_model: str = ""  # rows of another model than the filterset's (board, reports: by cooperative)

    def rows(self, user, params, session=None):
        """The rows `user` exports with the list's query string `params` (a QueryDict).

        The same in the request and in the task worker, which has no request: the filters read the
        user's area from a stand-in carrying the user alone. The session (the request's only) holds
        the last NIK search (`?hasil_nik=1`); without it that filter selects nothing, never more.
        A NIK search finds a handful of rows, so its export is always answered in the request.
        A value the list's filter form refuses (a kecamatan outside the area, an unknown choice)
        raises InvalidFilter: django-filter would drop it and export more than the list shows.
        """
        request = SimpleNamespace(user=user, GET=params, session=session or {})
        if self.filter_model:
            cooperatives = _checked(self.filterset(params, queryset=cooperative_list(user=user), request=request)).qs
            queryset = self.queryset(user).filter(cooperative__in=cooperatives.order_by().values("pk"))
            if self.slug == "laporan" and params.get("tahun", "").isdigit():
                queryset = queryset.filter(year=int(params["tahun"]))
        else:
            queryset = _checked(self.filterset(params, queryset=self.queryset(user), request=request)).qs
        return queryset


def _board(user):
    return BoardMember.objects.for_user(user).select_related("cooperative", "cooperative__desa").order_by(
        "cooperative__name", "cooperative_id", "role", "-term_start", "pk")


def _reports(user):
    return YearlyReport.objects.for_user(user).select_related("cooperative").order_by(
        "cooperative__name", "cooperative_id", "-year")


def _members(user):
    return member_list(user=user).select_related("cooperative", "desa__kecamatan").order_by(
        "cooperative_name", "cooperative_id", "name", "pk")


EXPORTS = {
    export.slug: export for export in [
        ListExport("koperasi", gettext_lazy("Koperasi"), CooperativeFilter,
                   lambda user: cooperative_list(user=user), partial(spec_columns, ImportKind.COOPERATIVES)),
        ListExport("pengurus", gettext_lazy("Pengurus dan pengawas"), CooperativeFilter, _board,
                   partial(spec_columns, ImportKind.BOARD), personal=True, filter_model="cooperative"),
        ListExport("anggota", gettext_lazy("Anggota"), MemberFilter, _members,
                   partial(spec_columns, ImportKind.MEMBERS), personal=True),
        ListExport("laporan", gettext_lazy("Laporan tahunan"), CooperativeFilter, _reports,
                   partial(spec_columns, ImportKind.REPORTS), filter_model="cooperative"),
        ListExport("penilaian", gettext_lazy("Penilaian"), AssessmentFilter, lambda user: assessment_list(user=user),
                   lambda ctx: [
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
                   lambda user: partnership_list(user=user), lambda ctx: [
                       (_("Nomor Induk Koperasi"), attr("cooperative.nomor_induk")),
                       (_("Koperasi"), attr("cooperative.name")),
                       (_("Kecamatan"), attr("cooperative.desa.kecamatan.name")),
                       (_("Mitra koperasi"), attr("partner_cooperative.name")),
                       (_("Mitra lain"), attr("outside_party.name")),
                       (_("Jenis kemitraan"), attr("get_kind_display")), (_("Status"), attr("get_status_display")),
                       (_("Mulai"), attr("start_date")), (_("Berakhir"), attr("end_date")),
                       (_("Nilai (Rp)"), attr("value")), (_("Nomor perjanjian"), attr("agreement_number")),
                   ]),
        ListExport("temuan", gettext_lazy("Temuan pengawasan"), FindingFilter, lambda user: finding_list(user=user),
                   lambda ctx: [
                       (_("Nomor Induk Koperasi"), attr("cooperative.nomor_induk")),
                       (_("Koperasi"), attr("cooperative.name")),
                       (_("Kecamatan"), attr("cooperative.desa.kecamatan.name")),
                       (_("Tanggal temuan"), attr("found_on")), (_("Jenis temuan"), attr("get_kind_display")),
                       (_("Risiko"), attr("get_risk_display")), (_("Uraian"), attr("description")),
                       (_("Rekomendasi"), attr("recommendation")), (_("Batas waktu"), attr("due_date")),
                       (_("Tindak lanjut"), attr("get_follow_up_status_display")),
                       (_("Tanggal tindak lanjut"), attr("followed_up_on")),
                       (_("Catatan tindak lanjut"), attr("follow_up_notes")),
                   ]),
        ListExport("pelatihan", gettext_lazy("Pelatihan"), TrainingFilter, lambda user: training_list(user=user),
                   lambda ctx: [
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
        return _dmy(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value).replace(".", ",")
    if isinstance(value, int | float):
        return str(value)  # numbers stay numbers: a negative SHU is not a formula
    return neutralise("" if value is None else str(value))


def _compose(outer, inner):
    return lambda value: outer(inner(value))


def _reads_values(columns):
    return bool(columns) and all(isinstance(column, ValueColumn) for column in columns)


def export_records(queryset, columns, ctx, *, cells=None):
    """The rows as lists of cells; `cells` (one function per column) turns each value into its cell."""
    if _reads_values(columns):
        converts = [convert for _header, convert in columns]
        if cells is not None:
            converts = [cell if convert is _identity else _compose(cell, convert)
                        for convert, cell in zip(converts, cells, strict=True)]
        rows = queryset.values_list(*[column.path for column in columns]).iterator(chunk_size=CHUNK)
        for values in rows:
            yield [convert(value) for convert, value in zip(converts, values, strict=False)]
        return
    for obj in queryset.iterator(chunk_size=CHUNK):
        row = [getter(obj, ctx) for _header, getter in columns]
        yield row if cells is None else [cell(value) for cell, value in zip(cells, row, strict=False)]


CSV_BOM = "\ufeff"
CSV_FLUSH = 64 * 1024  # characters per chunk: one write per row cost more than the rows themselves


def _csv_chunks(queryset, columns, ctx, counter):
    """CSV in UTF-8 with BOM and `;` (what Excel in Indonesian settings opens directly), in chunks of text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write(CSV_BOM)
    writer.writerow([column[0] for column in columns])
    cells = [getattr(column, "csv_cell", _csv_cell) for column in columns]
    for row in export_records(queryset, columns, ctx, cells=cells):
        counter[0] += 1
        writer.writerow(row)
        if buffer.tell() >= CSV_FLUSH:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_stream(queryset, columns, ctx, on_done):
    """The CSV streamed to the response; `on_done(rows)` once the last row is out."""
    counter = [0]
    yield from _csv_chunks(queryset, columns, ctx, counter)
    on_done(counter[0])


def write_csv(handle, queryset, columns, ctx):
    """The CSV written to a binary file; the number of rows."""
    counter = [0]
    for chunk in _csv_chunks(queryset, columns, ctx, counter):
        handle.write(chunk.encode())
    return counter[0]


def _column_kind(column):
    """How Excel should show a column: Rupiah for money (spec columns know it; other lists say "(Rp)")."""
    return getattr(column, "kind", None) or ("rupiah" if "(Rp)" in str(column[0]) else None)


def _xlsx_styled(sheet, value, kind):
    """Dates as dd/mm/yyyy and money as Rupiah; every other cell a plain value (a styled cell per
    cell would cost a million-row export dearly, so only these two get one)."""
    value = _xlsx_cell(value)
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = FORMATS["tanggal"]
        return cell
    if kind == "rupiah" and isinstance(value, int | float):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = FORMATS["rupiah"]
        return cell
    return value


def write_xlsx(handle, queryset, columns, ctx, title):
    """A write-only workbook (rows are not kept in memory) saved to a binary file; the number of rows.

    The header is frozen and each column as wide as its header (10 to 40 characters)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(40, max(10, len(str(column[0])) + 2))
    sheet.append([column[0] for column in columns])
    kinds = [_column_kind(column) for column in columns]
    count = 0
    for row in export_records(queryset, columns, ctx):
        count += 1
        sheet.append([_xlsx_styled(sheet, value, kind) for value, kind in zip(row, kinds, strict=True)])
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
