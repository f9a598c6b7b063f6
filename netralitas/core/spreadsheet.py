"""Read uploaded CSV/XLSX bytes safely into header + rows; write template files and streamed, formula-safe exports."""
from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import IO, Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from netralitas.core.messages import lazy_message as _l

MAX_ROWS = 200_000
MAX_COLUMNS = 200
HEADER_SCAN_CHARS = 64 * 1024
#: SIMPEG/SIASN exports put report titles ("DAFTAR PEGAWAI ...", "Per tanggal ...") above the header row.
HEADER_SCAN_ROWS = 15
#: Limits checked on the zip directory before openpyxl decompresses anything (zip bombs).
MAX_ZIP_MEMBERS = 500
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FLOOR = 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Prefixes that still start a formula after leading whitespace (some importers trim cells before reading them).
FORMULA_SIGNS = ("=", "+", "-", "@")
#: C0 control characters other than tab, LF and CR: XML 1.0 has no way to write them.
XLSX_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
CSV_BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"

#: (row number as the spreadsheet shows it, cell values) from the first row on.
RawRows = Generator[tuple[int, Sequence[Any]], None, None]


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; str() is a message for the admin in their language (lazy)."""


@dataclass
class Sheet:
    """A parsed sheet: recognised columns, and the non-blank data rows keyed by column name."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    ignored_columns: list[str] = field(default_factory=list)


def normalize_header(value: Any) -> str:
    """Header cell as a column key: trimmed, lower-cased, inner spaces as underscores."""
    return "_".join(str(value if value is not None else "").lower().split())


def read_sheet(content: bytes, filename: str, *, known_columns: Sequence[str], required_columns: Sequence[str],
               max_bytes: int | None = None, max_rows: int = MAX_ROWS) -> Sheet:
    """Parse CSV or XLSX bytes; the header is searched in the first rows; row numbers are those the spreadsheet shows."""
    if not content:
        raise SpreadsheetError(_l("Berkas kosong."))
    if max_bytes is not None and len(content) > max_bytes:
        raise SpreadsheetError(_l("Berkas terlalu besar: maksimal %(mb)s MB. Pecah menjadi beberapa berkas lalu "
                                  "impor satu per satu.", mb=_megabytes(max_bytes)))
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".csv":
        raw_rows = _csv_rows(content, known_columns)
    elif extension == ".xlsx":
        raw_rows = _xlsx_rows(content)
    elif extension == ".xls":
        raise SpreadsheetError(_l("Format .xls (Excel 97-2003) tidak didukung. Simpan ulang sebagai .xlsx atau CSV "
                                  "UTF-8."))
    else:
        raise SpreadsheetError(_l("Jenis berkas tidak didukung (%(extension)s). Unggah berkas .csv atau .xlsx.",
                                  extension=extension or _l("tanpa ekstensi")))
    return _build_sheet(raw_rows, known_columns, required_columns, max_rows)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _build_sheet(raw_rows: RawRows, known_columns: Sequence[str],
                 required_columns: Sequence[str], max_rows: int) -> Sheet:
    try:
        return _collect_rows(raw_rows, known_columns, required_columns, max_rows)
    finally:
        raw_rows.close()  # releases the xlsx archive even when a check fails half-way


def _collect_rows(raw_rows: RawRows, known_columns: Sequence[str],
                  required_columns: Sequence[str], max_rows: int) -> Sheet:
    first_rows = list(itertools.islice(raw_rows, HEADER_SCAN_ROWS))
    if not first_rows:
        raise SpreadsheetError(_l("Berkas kosong: tidak ada baris judul kolom maupun data."))
    position = _header_position(first_rows, known_columns, required_columns)
    header = [normalize_header(cell) for cell in first_rows[position][1]]
    _check_header(header, known_columns, required_columns)
    positions = {name: index for index, name in enumerate(header) if name in known_columns}
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in itertools.chain(first_rows[position + 1:], raw_rows):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue  # blank rows between or after the data are not records
        if len(rows) >= max_rows:
            raise SpreadsheetError(_l("Berkas berisi lebih dari %(rows)s baris data; pecah menjadi beberapa berkas.",
                                      rows=f"{max_rows:,}".replace(",", ".")))
        rows.append((number, {name: cells[i] if i < len(cells) else None for name, i in positions.items()}))
    if not rows:
        raise SpreadsheetError(_l("Berkas hanya berisi baris judul kolom, tanpa baris data."))
    ignored = [name for name in header if name and name not in known_columns]
    return Sheet(columns=list(positions), rows=rows, ignored_columns=ignored)


def _header_position(first_rows: list[tuple[int, Sequence[Any]]], known_columns: Sequence[str],
                     required_columns: Sequence[str]) -> int:
    """Index of the row naming the most required, then known, columns; the first such row on a tie."""
    def score(index: int) -> tuple[int, int, int]:
        names = {normalize_header(cell) for cell in first_rows[index][1]}
        return len(names.intersection(required_columns)), len(names.intersection(known_columns)), -index

    return max(range(len(first_rows)), key=score)


def _check_header(header: list[str], known_columns: Sequence[str], required_columns: Sequence[str]) -> None:
    duplicates = sorted({name for name in header if name and header.count(name) > 1 and name in known_columns})
    if duplicates:
        raise SpreadsheetError(_l("Kolom %(columns)s muncul lebih dari sekali di baris judul.",
                                  columns=", ".join(duplicates)))
    missing = [name for name in required_columns if name not in header]
    if missing:
        raise SpreadsheetError(_l(
            "Kolom wajib tidak ditemukan: %(missing)s. Salah satu dari %(rows)s baris pertama harus berisi judul kolom "
            "(%(known)s); unduh templat untuk contoh.", missing=", ".join(missing), rows=HEADER_SCAN_ROWS,
            known=", ".join(known_columns)))


def _csv_rows(content: bytes, known_columns: Sequence[str]) -> RawRows:
    if content.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_l("Berkas ini berkas Excel (.xlsx), bukan CSV; ganti ekstensinya menjadi .xlsx."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        raise SpreadsheetError(_l(
            "Berkas bukan teks UTF-8 (karakter tidak dikenal di baris %(line)s). Di Excel pilih Simpan Sebagai → "
            "'CSV UTF-8 (dipisahkan koma)' lalu unggah lagi.", line=line)) from None
    if "\x00" in text:
        raise SpreadsheetError(_l("Berkas berisi data biner, bukan teks CSV."))
    delimiter = _guess_delimiter(text, known_columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _numbered_csv(reader)


def _numbered_csv(reader: Iterator[list[str]]) -> RawRows:
    # reader.line_num counts physical lines; a quoted cell may span several, so count records instead.
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except csv.Error:
        raise SpreadsheetError(_l("CSV rusak di baris %(line)s: ada sel yang terlalu panjang atau tanda kutip yang "
                                  "tidak ditutup.", line=number + 1)) from None


def _guess_delimiter(text: str, known_columns: Sequence[str]) -> str:
    """Semicolon (Indonesian Excel) or comma: whichever splits a header line (of the first rows) into more known columns."""
    first_lines = text[:HEADER_SCAN_CHARS].lstrip("\r\n").split("\n", HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]

    def known_in(line: str, delimiter: str) -> int:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:  # e.g. an oversized field; the real read reports it
            cells = []
        return sum(normalize_header(cell) in known_columns for cell in cells)

    def score(delimiter: str) -> tuple[int, int]:
        best = max(known_in(line, delimiter) for line in first_lines)
        return best, sum(line.count(delimiter) for line in first_lines)

    return max((",", ";"), key=score)


def _xlsx_rows(content: bytes) -> RawRows:
    _check_zip(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores; not the admin's concern
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for broken files
        raise SpreadsheetError(_l("Berkas .xlsx rusak atau tidak bisa dibaca (%(error)s).",
                                  error=exc.__class__.__name__)) from None
    if not workbook.worksheets:
        raise SpreadsheetError(_l("Berkas .xlsx tidak berisi lembar kerja."))
    return _xlsx_numbered(workbook)


def _xlsx_numbered(workbook) -> RawRows:
    sheet = workbook.worksheets[0]
    try:
        # Exporters often write a wrong <dimension>; without this openpyxl would stop early.
        sheet.reset_dimensions()
        first_rows = [_trimmed(row) for row in sheet.iter_rows(max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS,
                                                               values_only=True)]
        yield from enumerate(first_rows, start=1)
        # Bounding the width (by the widest row the header is searched in) stops one far-right cell from
        # padding every row to 16,384 columns.
        width = max((len(row) for row in first_rows), default=1) or 1
        rows = sheet.iter_rows(min_row=HEADER_SCAN_ROWS + 1, max_col=width, values_only=True)
        yield from enumerate(rows, start=HEADER_SCAN_ROWS + 1)
    except SpreadsheetError:
        raise
    except Exception as exc:  # a corrupt sheet surfaces only while streaming it
        raise SpreadsheetError(_l("Isi berkas .xlsx rusak (%(error)s).", error=exc.__class__.__name__)) from None
    finally:
        workbook.close()


def _trimmed(cells: Sequence[Any]) -> list[Any]:
    values = list(cells)
    while values and values[-1] is None:
        values.pop()
    return values


def _check_zip(content: bytes) -> None:
    """Refuse non-zip files and zip bombs by reading only the zip directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise SpreadsheetError(_l("Berkas bukan berkas Excel .xlsx yang sah (bukan arsip zip). Bila isinya CSV, "
                                  "ganti ekstensinya menjadi .csv.")) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(_l("Berkas .xlsx berisi terlalu banyak bagian; ini bukan lembar kerja biasa."))
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(_l("Isi berkas .xlsx terlalu besar setelah dibuka (lebih dari %(mb)s MB).",
                                  mb=_megabytes(MAX_UNCOMPRESSED_BYTES)))
    for member in members:
        if member.file_size > RATIO_CHECK_FLOOR and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise SpreadsheetError(_l("Berkas .xlsx mencurigakan (rasio kompresi tidak wajar); impor ditolak."))


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass.

    Also text whose formula sign follows leading whitespace (" =1+1", "\\n@SUM"): importers that trim cells
    would otherwise see the sign first. Control characters that XLSX (XML 1.0) cannot hold are dropped: openpyxl
    would refuse the whole file for one of them (an event name pasted from a word processor, say).
    """
    if not isinstance(value, str):
        return value
    value = XLSX_ILLEGAL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_SIGNS):
        return "'" + value
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel detects the encoding), comma-separated, formula-safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in columns])
    for row in rows:
        writer.writerow([safe_cell(_csv_text(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, text_columns: Sequence[str] = (),
               title: str = "Data") -> bytes:
    """One-sheet XLSX; text_columns are formatted as Text so Excel keeps long numbers' digits."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([safe_cell(name) for name in columns])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(name) + 4)
        if name in text_columns:
            sheet.column_dimensions[letter].width = 22
            sheet.column_dimensions[letter].number_format = "@"
            for (cell,) in sheet.iter_rows(min_col=index, max_col=index):
                cell.number_format = "@"
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_chunk(rows: Iterable[Sequence[Any]], delimiter: str = ";") -> str:
    """CSV text of rows for a streamed export: every cell formula-safe, None empty, dates ISO; no BOM or header logic."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow([safe_cell(_csv_text(value)) for value in row])
    return buffer.getvalue()


@dataclass
class XlsxSheet:
    """One sheet of a streamed workbook: its title, header, rows (any iterable, read once) and column widths."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = ()


def write_xlsx_stream(handle: IO[bytes], sheets: Iterable[XlsxSheet]) -> list[int]:
    """Write an XLSX into a seekable binary file in openpyxl's write-only mode; the data rows written per sheet.

    Write-only mode serialises each row as it is appended (to a temporary file per sheet, strings inline), so
    memory stays flat however many rows come; the zip is assembled when the workbook is saved. Every cell goes
    through safe_cell; the header is bold and frozen. Datetimes must be naive (Excel has no time zones).
    """
    workbook = openpyxl.Workbook(write_only=True)
    counts = []
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        sheet.freeze_panes = "A2"
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_bold(sheet, name) for name in spec.columns])
        count = 0
        for row in spec.rows:
            sheet.append([safe_cell(value) for value in row])
            count += 1
        counts.append(count)
    workbook.save(handle)
    return counts


def _bold(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, safe_cell(value))
    cell.font = Font(bold=True)
    return cell
