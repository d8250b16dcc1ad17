"""Imports, the first step: check every row of a file (dry run) and plan what it would write.

The dry run and the commit (commit.py) run the same code: the commit checks the file again inside
its transaction, so what is written is exactly what the preview promised, even if records changed
in between.
"""

import difflib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..models import ImportedRow
from .columns import CellError, clean_text, normalise_header
from .fields import Context
from .kinds import SPECS
from .reading import ExcelError, FileError, Formula, bad_bytes, control_characters, open_sheet, printable

# The page lists the first errors of each column and counts the rest; the errors workbook has them all.
ERRORS_SHOWN_PER_COLUMN = 20
WARNINGS_SHOWN = 100
# Rows of the preview: the first rows that change something, and (apart) the rows to look at.
PREVIEW_ROWS = 20
# How often a check reports its progress (rows).
PROGRESS_ROWS = 250


@dataclass
class RowError:
    """One problem: row number as the user sees it, column (letter and header), the value, message."""

    row: int
    column: str
    value: str
    message: str
    suggestion: str = ""


@dataclass
class Planned:
    row: int
    action: str  # "baru" / "diubah"
    instance: object
    previous: dict = None


@dataclass
class PreviewRow:
    """A row as it will be saved: its action and, per preview column, (value, value before or None)."""

    row: int
    action: str
    cells: list
    notes: list = field(default_factory=list)

    @property
    def action_label(self):
        return _("Tetap") if self.action == UNCHANGED else ImportedRow.Action(self.action).label


@dataclass
class DryRun:
    """What an import would do: counts, the errors, warnings, a preview; the planned writes when asked for.

    `errors` keeps the first ERRORS_SHOWN_PER_COLUMN errors of each column (`error_counts` has
    every column's count, `error_total` all of them); `error_rows` has every row's messages,
    for the errors workbook and the rows a commit skips.
    """

    kind: str
    file_name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list = field(default_factory=list)
    error_rows: dict = field(default_factory=dict)  # row number -> messages
    error_counts: dict = field(default_factory=dict)  # column -> number of errors
    error_total: int = 0
    file_error: str = ""
    warnings: list = field(default_factory=list)
    row_warnings: list = field(default_factory=list)  # RowError, the first WARNINGS_SHOWN
    row_warning_total: int = 0
    headers: list = field(default_factory=list)
    plan: list = field(default_factory=list)
    preview_columns: list = field(default_factory=list)  # labels
    preview: list = field(default_factory=list)  # PreviewRow: the first rows that change something
    preview_accented: list = field(default_factory=list)  # PreviewRow: rows with accents of a Windows-1252 file
    encoding: str = ""
    header_row: int = 1
    outcomes: dict = field(default_factory=dict)  # row -> action ("tetap" when unchanged), rows without errors
    _messages: dict = field(default_factory=dict)

    @property
    def rows_in_error(self):
        return len(self.error_rows)

    @property
    def clean(self):
        return not self.file_error and not self.errors

    @property
    def committable(self):
        """Something to write: a clean file, or (after confirming) the clean rows of one with row errors."""
        return not self.file_error and not self._header_errors() and (self.created or self.updated)

    @property
    def errors_hidden(self):
        return self.error_total - len(self.errors)

    @property
    def error_columns(self):
        """(column, count) of the columns with errors, most first: the page's summary."""
        return sorted(self.error_counts.items(), key=lambda item: (-item[1], item[0]))

    def _header_errors(self):
        return any(error.row == self.header_row for error in self.errors) if self.errors else False

    def add(self, row, column, value, message, suggestion=""):
        message = self._intern(str(message))
        self.error_total += 1
        count = self.error_counts.get(column, 0)
        self.error_counts[column] = count + 1
        if count < ERRORS_SHOWN_PER_COLUMN:
            self.errors.append(RowError(row, column, _shown(value), message, str(suggestion or "")))
        self.error_rows.setdefault(row, []).append(self._intern(f"{column}: {message}" if column else message))

    def warn(self, row, column, value, message):
        self.row_warning_total += 1
        if len(self.row_warnings) < WARNINGS_SHOWN:
            self.row_warnings.append(RowError(row, column, _shown(value), str(message)))

    def retract(self, rows):
        """Take rows counted as fine back out (a check over the whole file found them wrong)."""
        rows = set(rows)
        for row in rows:
            action = self.outcomes.pop(row, None)
            if action == ImportedRow.Action.CREATED:
                self.created -= 1
            elif action == ImportedRow.Action.UPDATED:
                self.updated -= 1
            elif action == UNCHANGED:
                self.unchanged -= 1
        self.plan = [planned for planned in self.plan if planned.row not in rows]
        self.preview = [line for line in self.preview if line.row not in rows]
        self.preview_accented = [line for line in self.preview_accented if line.row not in rows]

    def _intern(self, text):
        """Messages repeat across thousands of rows: keep one copy of each."""
        return self._messages.setdefault(text, text)


UNCHANGED = "tetap"


def _shown(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return printable(str(value)[:200])



def import_dry_run(*, kind: str, data: bytes, file_name: str, user, cooperative=None, collect: bool = False,
                   progress=None) -> DryRun:
    """Check every row of an uploaded file without writing anything.

    `progress(rows)`, when given, is called every PROGRESS_ROWS rows checked (the task worker's
    progress page).
    """
    spec = SPECS[kind]
    result = DryRun(kind=kind, file_name=file_name)
    try:
        sheet = open_sheet(data, file_name, columns=len(spec.all_columns()))
    except FileError as error:
        result.file_error = str(error)
        return result
    result.warnings = list(sheet.warnings)
    result.header_row = sheet.header_row
    result.encoding = sheet.encoding
    result.headers = [printable(clean_text(h)) for h in sheet.headers]
    ctx = Context(user=user, cooperative=cooperative)
    mapping = _map_headers(spec, sheet, result, ctx)
    if not mapping:
        result.file_error = _no_headers(sheet, spec)
        return result
    if result.errors:
        return result
    keys = spec.preview_columns([column.key for column in mapping.values()])
    result.preview_columns = [_preview_label(spec, key) for key in keys]
    state = _State(seen={}, records={}, keys=keys, us_dates={})
    labels = {column.key: _label(index, column.header) for index, column in mapping.items()}
    try:
        for row_number, cells in sheet.rows:
            result.rows += 1
            ctx.row, ctx.notes = row_number, []
            _check_row(spec, ctx, result, mapping, labels, row_number, cells, state, collect,
                       accented=sheet.encoding == "cp1252")
            if progress is not None and result.rows % PROGRESS_ROWS == 0:
                progress(result.rows)
    except FileError as error:
        result.file_error = str(error)
    if not result.file_error and result.rows == 0:
        result.file_error = _("Berkas hanya berisi judul kolom: tidak ada baris data.")
    if result.file_error:
        return result
    refused = spec.finish(ctx)
    for row, key, message in refused:
        result.add(row, labels.get(key, ""), "", message)
    result.retract(row for row, _key, _message in refused)
    for key, rows in state.us_dates.items():
        result.warnings.append(
            _("Kolom %(column)s memuat tanggal bergaya Amerika (bulan/hari/tahun) di baris %(rows)s. Tanggal lain di "
              "kolom itu yang hari dan bulannya sama-sama 12 atau kurang (misalnya 02/03/2020) bisa saja tertukar "
              "juga: periksa semuanya di pratinjau.") % {"column": labels[key], "rows": ", ".join(map(str, rows[:5]))}
        )
    return result


@dataclass
class _State:
    seen: dict  # natural key -> first row
    records: dict  # id of a recorded record -> first row that matched it
    keys: list  # preview columns
    us_dates: dict  # column key -> rows with a US-style date
    examples: dict = None  # column key -> the template's example, parsed


def _is_example(spec, ctx, mapping, values, state):
    """A row that is the template's example row, value for value, in at least three columns: copied
    from the instructions into the data sheet, it must not become a cooperative or a member."""
    if state.examples is None:
        state.examples = {}
        for column in mapping.values():
            if column.example not in ("", None):
                try:
                    state.examples[column.key] = column.parse(column.example, ctx)
                except CellError:
                    pass
    if len(state.examples) < 3:
        return False
    return all(values.get(key) == example for key, example in state.examples.items())


def _no_headers(sheet, spec):
    where = _("lembar %(name)s") % {"name": sheet.title} if sheet.title else _("baris %(row)s") % {
        "row": sheet.header_row}
    return _("Tidak ada satu pun judul kolom yang dikenali di %(where)s (misalnya %(example)s). Pakai templat: data "
             "di lembar pertama atau lembar bernama \"Data\", judul kolom di baris pertama.") % {
        "where": where, "example": ", ".join(str(column.header) for column in spec.columns[:3])}


def _label(index, header):
    letter = get_column_letter(index + 1)
    header = printable(clean_text(header))
    return f"{letter} ({header})" if header else letter


def _preview_label(spec, key):
    if key == "cooperative":
        return _("Koperasi")
    return str(spec.column(key).header)


def _map_headers(spec, sheet, result, ctx):
    names = spec.header_map()
    mapping = {}
    for index, header in enumerate(sheet.headers):
        column = names.get(normalise_header(header)) if not bad_bytes(header) else None
        if column is None:
            close = difflib.get_close_matches(normalise_header(header), list(names), n=1, cutoff=0.6)
            suggestion = _("Mungkin maksud Anda: %(name)s") % {"name": names[close[0]].header} if close else ""
            message = _("Judul kolom kosong.") if not clean_text(header) else _("Kolom tidak dikenal.")
            result.add(sheet.header_row, _label(index, header), header, message, suggestion)
        elif column in mapping.values():
            result.add(sheet.header_row, _label(index, header), header,
                       _("Kolom ganda: kolom %(name)s sudah ada.") % {"name": column.header})
        else:
            mapping[index] = column
    if mapping:
        for column in spec.missing_headers({c.key for c in mapping.values()}, ctx):
            result.add(sheet.header_row, "", "", _("Kolom wajib tidak ada: %(name)s.") % {"name": column.header})
    return mapping


def _cell_problem(raw):
    """A message for a cell no parser should see, or ''."""
    if isinstance(raw, Formula):
        return _("Sel berisi rumus: ketik nilainya saja (salin, lalu Tempel Nilai).")
    if isinstance(raw, ExcelError):
        return _("Sel berisi galat Excel (%(error)s), bukan nilai. Perbaiki sel itu.") % {"error": raw}
    if isinstance(raw, str):
        if found := bad_bytes(raw):
            return _("Ada byte yang bukan UTF-8 (%(bytes)s), ditunjukkan sebagai <..>: hurufnya tidak bisa dibaca "
                     "dengan pasti. Ketik ulang huruf itu, atau simpan berkas sebagai \"CSV UTF-8\".") % {
                "bytes": found}
        if control_characters(raw):
            return _("Ada karakter kontrol (tak terlihat) di sel ini, ditunjukkan sebagai <..>. Hapus karakter itu.")
    return ""


def _check_row(spec, ctx, result, mapping, labels, row_number, cells, state, collect, accented=False):
    values = {}
    before = result.error_total
    for index, column in mapping.items():
        raw = cells[index] if index < len(cells) else None
        if problem := _cell_problem(raw):
            result.add(row_number, labels[column.key], raw, problem)
            continue
        try:
            value = column.parse(raw, ctx)
        except CellError as error:
            result.add(row_number, labels[column.key], raw, error.message, error.suggestion)
            if getattr(error, "code", "") == "us_date":
                state.us_dates.setdefault(column.key, []).append(row_number)
            continue
        if column.required and value in ("", None):
            result.add(row_number, labels[column.key], raw, _("Wajib diisi."))
        values[column.key] = value
    if result.error_total == before and _is_example(spec, ctx, mapping, values, state):
        result.warnings.append(_("Baris %(row)s sama dengan baris contoh templat, jadi tidak diimpor.")
                               % {"row": row_number})
        return
    beyond = next((index for index in range(max(mapping, default=-1) + 1, len(cells)) if clean_text(cells[index])),
                  None)
    if beyond is not None:
        result.add(row_number, get_column_letter(beyond + 1), cells[beyond], _("Ada isi di kolom tanpa judul."))
    try:
        # Regions and the cooperative are looked up even when a cell failed: every problem at once.
        spec.prepare(values, ctx)
    except CellError as error:
        result.add(row_number, labels.get(error.column, ""), values.get(error.column, "") if error.column else "",
                   error.message, error.suggestion)
        return
    if result.error_total > before:
        return
    try:
        instance = spec.find(values, ctx)
        key = (values.get("cooperative_id"), spec.key(values, ctx))
        if key in state.seen:
            raise CellError(_("Baris ganda: data yang sama sudah ada di baris %(row)s.") % {"row": state.seen[key]})
        if instance is not None and instance.pk in state.records:
            raise CellError(_("Baris ganda: baris %(row)s juga menunjuk %(name)s yang sudah tercatat.")
                            % {"row": state.records[instance.pk], "name": instance})
        state.seen[key] = row_number
        if instance is None:
            instance = spec.model()
        else:
            state.records[instance.pk] = row_number
        previous = spec.snapshot(instance) if instance.pk else None
        compared = spec.snapshot(instance, spec.compare_fields) if instance.pk else None
        spec.build(instance, values, ctx)
        instance.full_clean(exclude=spec.exclude_from_clean(), validate_unique=False, validate_constraints=False)
    except CellError as error:
        column = labels.get(error.column, "")
        result.add(row_number, column, values.get(error.column, "") if error.column else "", error.message,
                   error.suggestion)
        return
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = {"nik_hash": "nik", "desa_id": "desa"}.get(name, name)
            for message in messages:
                result.add(row_number, labels.get(key, ""), values.get(key, ""), message)
        return
    if previous is None:
        result.created += 1
        action = ImportedRow.Action.CREATED
    elif spec.snapshot(instance, spec.compare_fields) != compared:
        result.updated += 1
        action = ImportedRow.Action.UPDATED
    else:
        result.unchanged += 1
        action = UNCHANGED
    result.outcomes[row_number] = action
    for column_key, message in ctx.notes:
        result.warn(row_number, labels.get(column_key, ""), values.get(column_key, ""), message)
    _preview(spec, ctx, result, state, row_number, action, instance, previous, cells, accented)
    if collect and action != UNCHANGED:
        result.plan.append(Planned(row_number, action, instance, previous))


def _preview(spec, ctx, result, state, row_number, action, instance, previous, cells, accented):
    """Keep the row as it will be saved when the preview shows it: one of the first that change
    something, one with a warning, or (a Windows-1252 file) one with accented letters."""
    wanted = []
    if (action != UNCHANGED or ctx.notes) and len(result.preview) < PREVIEW_ROWS:
        wanted.append(result.preview)
    if accented and len(result.preview_accented) < PREVIEW_ROWS and any(
        isinstance(cell, str) and not cell.isascii() for cell in cells
    ):
        wanted.append(result.preview_accented)
    if not wanted:
        return
    line = PreviewRow(row_number, action, [], [message for _key, message in ctx.notes])
    for key in state.keys:
        value = spec.preview_value(instance, key, ctx)
        before = None
        if previous is not None and any(
            previous.get(name, getattr(instance, name)) != getattr(instance, name) for name in spec.preview_fields(key)
        ):
            before = _previous_value(spec, instance, previous, key, ctx)
        line.cells.append((value, before))
    for target in wanted:
        target.append(line)


def _previous_value(spec, instance, previous, key, ctx):
    """The preview value of the record before this row changes it."""
    old = spec.model()
    for name, value in previous.items():
        setattr(old, name, value)
    if hasattr(instance, "cooperative_id"):
        old.cooperative_id = instance.cooperative_id
    return spec.preview_value(old, key, ctx)


def preview_plan(result: DryRun) -> dict:
    """What a dry run with `collect` promises, row by row: {row: [action, record id, version read]}.

    Kept with the upload between the preview and the commit (JSON), so the commit can tell a row
    whose record someone changed since the user saw the preview.
    """
    return {str(planned.row): promise(planned) for planned in result.plan}


def promise(planned):
    """What the plan of one row was read against: [action, record id, version]."""
    return [planned.action, planned.instance.pk, planned.instance.version if planned.instance.pk else None]
