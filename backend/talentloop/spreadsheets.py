"""Spreadsheets in and out: the one reader of an uploaded CSV or XLSX and the one writer of
every XLSX the product hands out (docs/architecture.md, "Files").

Reading is bounded before and while it happens, so no file can stall the server: the bytes
are capped; an XLSX is refused before it is opened when it holds too many zip entries, unpacks
to more than MAX_UNCOMPRESSED_BYTES or packs one entry more tightly than MAX_RATIO (a zip
bomb), or has an XML part declaring a DOCTYPE or an ENTITY or not written in UTF-8; rows are
streamed (openpyxl read-only, csv over a text stream) and reading stops at the first row past
the limit; `read_rows_off_loop` runs all of it in the file-checking process (talentloop.offload),
not in the API process.

Writing neutralises formulas: a text cell that a spreadsheet would run as a formula (one
starting with =, +, -, @, a tab or a carriage return, or a full-width ＝＋－＠) gets a
leading apostrophe, after OWASP's rules for CSV injection. Every export serialises through
`xlsx_bytes`, which does it for every cell of every sheet, so no export can forget it, or —
an export of any number of rows (the imports' exports) — through `TableWriter`, which does it
to every cell as it is appended and spools the file to disk past 1 MB, so its memory stays flat."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from talentloop import offload
from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_

__all__ = [
    "Reading",
    "TableWriter",
    "Workbook",
    "is_formula",
    "neutralise",
    "read_rows",
    "read_rows_off_loop",
    "table_csv",
    "table_xlsx",
    "template_xlsx",
    "xlsx_bytes",
]

# An XLSX's parts together, unpacked. A 100,000-row KPI file of four columns is about 22 MB;
# a 200,000-row employee file of fifteen (the widest import) about 170 MB, packed 11×.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
# Unpacked / packed size of one zip entry. Sheets that Excel or openpyxl write pack 5–30×
# (a column of one repeated value up to about 60×); a zip bomb packs hundreds or thousands×.
MAX_RATIO = 100
# Below this an entry's ratio does not matter: it cannot unpack to much.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ENTRIES = 256
# Columns read per row: wider rows are cut (the widest import has 16 columns).
MAX_COLUMNS = 64
_SHARED_VALUES = 100_000
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 64 * 1024
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

# OWASP, "CSV Injection": a cell starting with one of these is a formula to a spreadsheet.
# The full-width forms are included: some spreadsheet programs accept them as operators.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A signed number or phone number (+86 138 0000 0000, -12.5, -(0)21 …) runs no function and
# reads no cell: left as it is, so phone numbers and negative amounts stay as they were typed.
_FIRST = frozenset(FORMULA_STARTS) | {" "}
_PLAIN_NUMBER = re.compile(r"[+\-][\d\s().\-]*\d[\d\s().\-]*")


@dataclass
class Reading:
    """What a read got through, filled in as it goes (also when it is refused)."""

    rows_read: int = 0
    # (index in the rows returned, column) of every cell that reads as a formula (`is_formula`),
    # found while reading so that the caller need not scan the rows again on the event loop.
    formulas: list[tuple[int, int]] = field(default_factory=list)


def _refuse(message: str, field: str = "file", **params: Any) -> ServiceError:
    return ServiceError.one(ErrorCode.INVALID, message, field, **params)


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


# --- reading -------------------------------------------------------------------------------------


def read_rows(
    file_name: str,
    content: bytes,
    *,
    max_rows: int,
    max_bytes: int,
    kinds: tuple[str, ...] = ("csv", "xlsx"),
    reading: Reading | None = None,
) -> list[tuple[str, ...]]:
    """The rows of a CSV or of an XLSX's first sheet as text, the header first, blank rows
    left out. Refused (a ServiceError on `file`) beyond `max_bytes`, beyond `max_rows` rows
    after the header (blank rows count: reading stops at the first one too many), or when the
    file is not a safe CSV or XLSX (see the module's docstring)."""
    reading = reading if reading is not None else Reading()
    if len(content) > max_bytes:
        raise _refuse("The file is larger than {size}.", size=_mb(max_bytes))
    suffix = file_name.lower().rpartition(".")[2]
    if suffix not in kinds:
        raise _refuse(
            "Upload a {kinds} file.", "fileName", kinds=" / ".join("." + k for k in kinds)
        )
    cells = _xlsx_cells(content) if suffix == "xlsx" else _csv_cells(content)
    rows: list[tuple[str, ...]] = []
    # A file repeats its codes, periods and people row after row: one copy of each value
    # keeps a 100,000-row file to a few MB.
    seen: dict[str, str] = {}
    for row in cells:
        reading.rows_read += 1
        if reading.rows_read > max_rows + 1:
            raise _refuse("At most {rows} rows per file (blank rows count).", rows=f"{max_rows:,}")
        if any(c.strip() for c in row):
            for c, value in enumerate(row):
                if value[:1] in _FIRST and is_formula(value.strip(" ")):
                    reading.formulas.append((len(rows), c))
            if len(seen) < _SHARED_VALUES:
                rows.append(tuple(seen.setdefault(c, c) for c in row))
            else:
                rows.append(tuple(row))
    return rows


async def read_rows_off_loop(
    file_name: str,
    content: bytes,
    *,
    max_rows: int,
    max_bytes: int,
    kinds: tuple[str, ...] = ("csv", "xlsx"),
    reading: Reading | None = None,
) -> list[tuple[str, ...]]:
    """`read_rows` in the file-checking process: the API process goes on answering requests,
    and neither its interpreter lock nor its garbage collector is shared with the read."""
    rows, read = await offload.run(
        _read_rows_and_reading, file_name, content, max_rows, max_bytes, kinds
    )
    if reading is not None:
        reading.rows_read, reading.formulas = read.rows_read, read.formulas
    return rows


def _read_rows_and_reading(
    file_name: str, content: bytes, max_rows: int, max_bytes: int, kinds: tuple[str, ...]
) -> tuple[list[tuple[str, ...]], Reading]:
    reading = Reading()
    rows = read_rows(
        file_name, content, max_rows=max_rows, max_bytes=max_bytes, kinds=kinds, reading=reading
    )
    return rows, reading


def _csv_cells(content: bytes) -> Iterator[list[str]]:
    # Excel in China saves CSV as GB18030 (GBK), and attendance devices export it as often as
    # UTF-8: the first encoding that decodes the whole file is the file's.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise _refuse("The CSV is neither UTF-8 nor GB18030.")
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    try:
        for row in csv.reader(text):
            yield row[:MAX_COLUMNS]
    except csv.Error as exc:
        raise _refuse("The CSV cannot be read: {reason}.", reason=str(exc)) from exc


@contextlib.contextmanager
def _collector_skips_what_exists() -> Iterator[None]:
    """openpyxl's streamed reader keeps every row's (emptied) XML element until the sheet is
    done: 100,000 rows add 100,000 objects for the garbage collector, which then makes a full
    pass over everything the process holds again and again. Objects that exist before the
    read are set aside (gc.freeze) while it runs, so those passes walk only what the read made
    (in the file-checking process that is time saved; in a process that also answered
    requests, each pass would hold them all up). Concurrent reads may end each other's freeze
    early: that costs time, never correctness."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _xlsx_cells(content: bytes) -> Iterator[list[str]]:
    with _collector_skips_what_exists():
        yield from _xlsx_sheet_cells(content)


def _xlsx_sheet_cells(content: bytes) -> Iterator[list[str]]:
    _check_zip(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ServiceError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _refuse("The XLSX file cannot be read.") from exc
    try:
        if not book.worksheets:
            return
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet, found while streaming it
                raise _refuse("The XLSX file cannot be read.") from exc
            # A sheet without a stated size (openpyxl's write-only mode writes none) comes back
            # padded to MAX_COLUMNS: the empty cells past a row's last value are not the file's.
            end = len(row)
            while end and row[end - 1] is None:
                end -= 1
            yield [_cell_text(c) for c in row[:end]]
    finally:
        book.close()


def _check_zip(content: bytes) -> None:
    """Refuse a zip bomb, and XML that declares a DOCTYPE or an ENTITY (billion laughs,
    external entities), before openpyxl sees the file. Python's zipfile never unpacks an entry
    past its declared size (a lie is a CRC error), so the declared sizes can be trusted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _refuse("The XLSX file cannot be read.") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise _refuse("The XLSX holds more than {top} parts.", top=MAX_ENTRIES)
        total = 0
        for entry in entries:
            total += entry.file_size
            if total > MAX_UNCOMPRESSED_BYTES:
                raise _refuse(
                    "The XLSX unpacks to more than {size}.", size=_mb(MAX_UNCOMPRESSED_BYTES)
                )
            if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise _refuse(
                    "The XLSX is packed more than {ratio} times (a zip bomb?).", ratio=MAX_RATIO
                )
        for entry in entries:
            if entry.filename.lower().endswith(_XML_SUFFIXES):
                _check_xml(archive, entry)


def _check_xml(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    tail = b""
    first = True
    try:
        with archive.open(entry) as part:
            while chunk := part.read(_CHUNK):
                if first:
                    _check_encoding(chunk)
                    first = False
                if _DECLARATION.search(tail + chunk):
                    raise _refuse("The XLSX declares a DOCTYPE or an XML entity.")
                tail = chunk[-16:]
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise _refuse("The XLSX file cannot be read.") from exc


def _check_encoding(head: bytes) -> None:
    """UTF-8 only (what every spreadsheet program writes): a DOCTYPE in UTF-16 would slip past
    a byte search."""
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if start and not start.startswith(b"<"):
        raise _refuse("An XML part of the XLSX is not UTF-8.")
    declared = _ENCODING.match(start)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        raise _refuse("An XML part of the XLSX is not UTF-8.")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- formulas ------------------------------------------------------------------------------------


def is_formula(value: object) -> bool:
    """A text value a spreadsheet would run as a formula; numbers never are."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    )


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet cell that is text, never a formula (OWASP: a leading ')."""
    return "'" + value if is_formula(value) else value


FORMULA_MESSAGE = N_(
    "Starts like a spreadsheet formula (=, +, -, @, tab or CR): remove the leading character."
)


# --- writing -------------------------------------------------------------------------------------


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as an XLSX file, every formula-like text cell neutralised. Every XLSX the
    product hands out is written by this function."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and is_formula(value):
                    cell.value = neutralise(value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


Cell = str | int | float | None


def table_xlsx(title: str, header: list[str], rows: list[list[Cell]]) -> bytes:
    """One sheet named `title`: the header in bold, then the rows as given (through
    `xlsx_bytes`, so formula-like text is neutralised)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return xlsx_bytes(book)


def table_csv(header: list[str], rows: list[list[Cell]]) -> bytes:
    """The header and rows as CSV in UTF-8 with a byte-order mark (so Excel reads Chinese),
    every formula-like text cell neutralised as in `xlsx_bytes`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_title(title: str) -> str:
    """A sheet title holds at most 31 characters and none of []:*?/\\ (Excel's rule)."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet1"


def template_xlsx(
    title: str,
    header: list[str],
    rows: list[list[Cell]],
    codes_title: str,
    codes: list[tuple[str, list[str]]],
) -> bytes:
    """An import template: the header in bold and example rows on the first sheet (the one an
    import reads), and on a second sheet one column per (header, valid values) of `codes`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    _codes_sheet(book.create_sheet(sheet_title(codes_title)), codes)
    return xlsx_bytes(book)


def _codes_sheet(sheet: Any, codes: list[tuple[str, list[str]]]) -> None:
    sheet.append([name for name, _ in codes])
    longest = max((len(values) for _, values in codes), default=0)
    for i in range(longest):
        sheet.append([neutralise(values[i]) if i < len(values) else None for _, values in codes])


MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_SPOOL_BYTES = 1024 * 1024


class TableWriter:
    """One table written a row at a time as XLSX (openpyxl's write-only mode: each row goes to
    a temporary file as it is appended) or CSV (UTF-8 with a byte-order mark), into a file that
    stays in memory up to 1 MB and spills to disk beyond: an export of 200,000 rows needs no
    more memory than one of 20. Every text cell is neutralised as it is appended (`neutralise`).
    `chunks()` then hands the finished file out piece by piece."""

    def __init__(self, file_format: str, title: str, header: list[str]) -> None:
        if file_format not in MEDIA_TYPES:
            raise ValueError(file_format)
        self.format = file_format
        self.rows = 0
        self._file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        self._finished = False
        if file_format == "csv":
            self._text = io.TextIOWrapper(self._file, encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._text, lineterminator="\r\n")
            self._csv.writerow([neutralise(v) for v in header])
        else:
            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(sheet_title(title))
            bold = []
            for name in header:
                cell = WriteOnlyCell(self._sheet, value=neutralise(name))
                cell.font = Font(bold=True)
                bold.append(cell)
            self._sheet.append(bold)

    def append(self, row: list[Cell]) -> None:
        self.rows += 1
        if self.format == "csv":
            self._csv.writerow(["" if v is None else neutralise(v) for v in row])
        else:
            self._sheet.append([neutralise(v) for v in row])

    def add_codes_sheet(self, title: str, codes: list[tuple[str, list[str]]]) -> None:
        """An XLSX's second sheet of valid values, as the template's (`template_xlsx`)."""
        if self.format == "xlsx":
            _codes_sheet(self._book.create_sheet(sheet_title(title)), codes)

    def finish(self) -> int:
        """Close the file; its size in bytes."""
        if not self._finished:
            if self.format == "csv":
                self._text.flush()
                self._text.detach()
            else:
                self._book.save(self._file)
            self._finished = True
        size = self._file.seek(0, io.SEEK_END)
        self._file.seek(0)
        return size

    async def chunks(self) -> AsyncIterator[bytes]:
        """The finished file in pieces of 64 KB, closed (and its disk space freed) at the end."""
        self.finish()
        try:
            while chunk := self._file.read(_CHUNK):
                yield chunk
        finally:
            self._file.close()

    def close(self) -> None:
        self._file.close()
