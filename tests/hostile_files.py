"""Workbooks built to cost the server: a cell of a gigabyte, parts that lie about their size, rows
padded to column XFD, a file of nothing but errors. Shared by tests/test_import_limits.py and
benchmarks/import_limits.py; each is built in a few seconds without holding its expanded size.
"""

import io
import struct
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def peak_mb():
    """This process's peak resident memory in MB since it started (or exec'd).

    /proc's VmHWM belongs to the process's own memory map. getrusage's ru_maxrss does not: Linux
    carries it over from the parent through fork and exec, so a child of a large test runner would
    report the runner's size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workbook_bytes(rows):
    """A plain XLSX of these rows (openpyxl, inline strings)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_parts(data, parts, *, compresslevel=9):
    """The XLSX `data` with the named parts replaced by (or added as) the chunks given, streamed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for entry in source.infolist():
            if entry.filename not in parts:
                target.writestr(entry, source.read(entry.filename))
        for name, chunks in parts.items():
            with target.open(name, "w") as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return buffer.getvalue()


def _header_row(headers):
    cells = "".join(f'<c r="{get_column_letter(i + 1)}1" t="inlineStr"><is><t>{header}</t></is></c>'
                    for i, header in enumerate(headers))
    return f'<row r="1">{cells}</row>'.encode()


def repeated(chunk, total):
    """`chunk` again and again up to `total` bytes, without building the whole."""
    sent = 0
    while sent < total:
        piece = chunk[: total - sent]
        sent += len(piece)
        yield piece


def huge_cell(headers, size):
    """One row whose first cell is a shared string of `size` letters (the 1 GB cell of the issue)."""
    base = workbook_bytes([headers, ["x"]])
    row = _header_row(headers) + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    shared_head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats'
                   b'.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
    return replace_parts(base, {
        **_with_shared_strings(base),
        SHEET: [_SHEET_HEAD + row + _SHEET_TAIL],
        SHARED: [shared_head, *repeated(b"a" * (1 << 20), size), b"</t></si></sst>"],
    })


def _with_shared_strings(data):
    """The content types and workbook relationships of `data` naming a shared strings part, as
    Excel writes them: openpyxl then reads that part whole when it opens the workbook."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    types = archive.read("[Content_Types].xml").replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    relations = archive.read("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", (
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    return {"[Content_Types].xml": [types], "xl/_rels/workbook.xml.rels": [relations]}


def swollen_sheet(headers, expanded):
    """A sheet of `expanded` bytes of identical rows: a small file that is a huge sheet."""
    base = workbook_bytes([headers])
    header = _header_row(headers)
    row = b'<row><c t="inlineStr"><is><t>Koperasi Sawit Makmur</t></is></c></row>'
    return replace_parts(base, {SHEET: [_SHEET_HEAD + header, *repeated(row * 2048, expanded), _SHEET_TAIL]})


def lying_sizes(data, name, stated):
    """The archive with part `name` claiming `stated` bytes expanded, in its local and central headers."""
    data = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        position = data.find(signature)
        while position >= 0:
            length = struct.unpack_from("<H", data, position + name_length_at)[0]
            if bytes(data[position + name_at:position + name_at + length]) == encoded:
                struct.pack_into("<I", data, position + size_at, stated)
            position = data.find(signature, position + 4)
    return bytes(data)


def wide_rows(headers, rows, *, last_column=16384):
    """`rows` data rows, each with a value at `last_column` (XFD): formatting dragged to the sheet's edge."""
    base = workbook_bytes([headers])
    header = _header_row(headers)
    letter = get_column_letter(last_column)

    def body():
        yield _SHEET_HEAD + header
        for number in range(2, rows + 2):
            yield (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>Koperasi {number}</t></is></c>'
                   f'<c r="{letter}{number}"><v>1</v></c></row>').encode()
        yield _SHEET_TAIL

    return replace_parts(base, {SHEET: body()})


def all_wrong(headers, rows):
    """`rows` rows whose every cell is wrong for its column, each value different (no message is shared)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(headers)
    for number in range(rows):
        sheet.append([f"{number}E+{number % 90}" if i % 2 else f"?{number}-{i}" for i in range(len(headers))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
