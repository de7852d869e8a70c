"""Tables for spreadsheets: CSV for French Excel and LibreOffice, XLSX and ODS, both ways.

Writing
    - CSV: ``;`` separated, UTF-8 with a byte-order mark, ``\\r\\n`` line ends:
      French Excel and LibreOffice open it as columns, accents intact. Dates
      are written ``JJ/MM/AAAA`` in French, ``YYYY-MM-DD`` in English, and
      decimals with the language's separator.
    - XLSX (xlsxwriter) and ODS (odfdo): texts are written as text cells,
      numbers as numbers, dates as dates shown ``JJ/MM/AAAA``.
    - Formula-like texts are neutralised in every format: in CSV a text that
      starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
      a leading ``'`` (OWASP's advice for CSV injection), which reading takes
      off again; in XLSX and ODS a text cell is never a formula.

Reading
    Only the first sheet, at most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS`
    columns, of a regular file of at most :data:`MAX_SHEET_BYTES`. A ZIP
    package (XLSX, ODS) is checked before it is opened: member count, total
    expanded size and compression ratio. A CSV in UTF-8 (with or without BOM)
    is read as such; one saved by Excel as "CSV (séparateur : point-virgule)"
    is in Windows-1252, and is read as that. Values come back as Python
    values: text, numbers, dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = [
    "FORMATS",
    "FORMULA_STARTS",
    "MAX_ROWS",
    "Cell",
    "neutralise",
    "read_table",
    "restore",
    "sheet_format",
    "write_table",
]

FORMATS: Final = ("csv", "xlsx", "ods")
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_BYTES: Final = 20 * 1024 * 1024
MAX_ROWS: Final = 2_000
MAX_COLUMNS: Final = 40
_MAX_ZIP_MEMBERS: Final = 1_000
_MAX_ZIP_BYTES: Final = 200 * 1024 * 1024
_MAX_ZIP_RATIO: Final = 200
_RATIO_FLOOR_BYTES: Final = 1024 * 1024

Cell = str | int | float | Decimal | dt.date | None


def sheet_format(path: Path) -> str:
    """``csv``, ``xlsx`` or ``ods`` from the file's extension; an error for anything else."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(
            str(path),
            None,
            Msg("rgesn.sheet.bad_extension", {"suffix": Path(path).suffix or "—"}),
            Msg("rgesn.sheet.bad_extension_fix"),
        )
    return fmt


def neutralise(value: str) -> str:
    """A CSV text no spreadsheet evaluates: a formula-like start gets a leading ``'``.

    >>> neutralise('=HYPERLINK("http://x")'), neutralise("- point"), neutralise("a")
    ('\\'=HYPERLINK("http://x")', "'- point", 'a')
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def restore(value: str) -> str:
    """The text :func:`neutralise` was given (a ``'`` before a formula-like start taken off)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _csv_cell(value: Cell, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return text.replace(".", ",") if lang == "fr" else text
    return neutralise(str(value))


def write_table(
    fmt: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    lang: str = "fr",
    sheet_name: str = "Sheet1",
    widths: Sequence[int] = (),
    choices: dict[int, Sequence[str]] | None = None,
) -> bytes:
    """The table as a file in ``fmt``; ``choices`` adds drop-down lists (XLSX) by column."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutralise(name) for name in header])
        for row in rows:
            writer.writerow([_csv_cell(value, lang) for value in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        return _write_xlsx(header, rows, sheet_name, widths, choices or {})
    if fmt == "ods":
        return _write_ods(header, rows, sheet_name)
    raise ValueError(f"unknown spreadsheet format {fmt!r}")


def _write_xlsx(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    sheet_name: str,
    widths: Sequence[int],
    choices: dict[int, Sequence[str]],
) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "bottom": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    sheet = workbook.add_worksheet(sheet_name[:31])
    for col, name in enumerate(header):
        sheet.write_string(0, col, name, bold)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                sheet.write_number(r, col, float(value), wrap)
            else:
                sheet.write_string(r, col, str(value), wrap)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for col, values in choices.items():
        sheet.data_validation(
            1, col, max(len(rows), 1), col, {"validate": "list", "source": list(values)}
        )
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _write_ods(header: Sequence[str], rows: Sequence[Sequence[Cell]], sheet_name: str) -> bytes:
    from odfdo import Cell as OdsCell
    from odfdo import Document, Row, Table

    document = Document("spreadsheet")
    body = document.body
    body.clear()
    table = Table(sheet_name)
    for values in [list(header), *rows]:
        row = Row()
        for value in values:
            if value is None or value == "":
                row.append_cell(OdsCell())
            elif isinstance(value, dt.date):
                row.append_cell(OdsCell(value, text=value.strftime("%d/%m/%Y")))
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                row.append_cell(OdsCell(value))
            else:
                row.append_cell(OdsCell(str(value), cell_type="string"))
        table.append_row(row)
    body.append(table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading


def read_table(path: Path) -> list[list[Cell]]:
    """The first sheet of the CSV, XLSX or ODS file at ``path``, as rows of values."""
    from ecodigital.fileio import read_input_bytes

    fmt = sheet_format(path)
    data = read_input_bytes(path, "rgesn", max_bytes=MAX_SHEET_BYTES)
    if fmt == "csv":
        return _read_csv(path, data)
    _check_package(path, fmt)
    rows = _read_xlsx(path) if fmt == "xlsx" else _read_ods(path)
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    return rows


def _read_csv(path: Path, data: bytes) -> list[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's "CSV (séparateur : point-virgule)"
        except UnicodeDecodeError as exc:
            raise InputError(
                str(path),
                None,
                Msg("rgesn.file.not_utf8", {"byte": exc.start}),
                Msg("rgesn.file.not_utf8_fix"),
            ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            break
        rows.append([restore(cell) for cell in row[:MAX_COLUMNS]])
    return rows


def _check_package(path: Path, fmt: str) -> None:
    """Refuse a ZIP package that is not one, or that would expand far beyond its size."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputError(
            str(path),
            None,
            Msg("rgesn.sheet.not_package", {"format": fmt.upper()}),
            Msg("rgesn.sheet.not_package_fix", {"format": fmt.upper()}),
        ) from None
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR_BYTES and ratio > _MAX_ZIP_RATIO:
            raise InputError(str(path), None, Msg("rgesn.sheet.zip_bomb"))
    if len(infos) > _MAX_ZIP_MEMBERS or total > _MAX_ZIP_BYTES:
        raise InputError(str(path), None, Msg("rgesn.sheet.zip_bomb"))


def _read_xlsx(path: Path) -> list[list[Cell]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise InputError(
            str(path),
            None,
            Msg("rgesn.sheet.not_package", {"format": "XLSX"}),
            Msg("rgesn.sheet.not_package_fix", {"format": "XLSX"}),
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Cell]] = []
        for row in sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell(value) for value in row])
        return rows
    finally:
        workbook.close()


def _read_ods(path: Path) -> list[list[Cell]]:
    from odfdo import Document

    try:
        document = Document(str(path))
        tables = document.body.get_tables()
    except Exception:  # odfdo and lxml raise many kinds on a damaged file
        raise InputError(
            str(path),
            None,
            Msg("rgesn.sheet.not_package", {"format": "ODS"}),
            Msg("rgesn.sheet.not_package_fix", {"format": "ODS"}),
        ) from None
    if not tables:
        return []
    rows: list[list[Cell]] = []
    # Row by row, never expanding the million empty rows a sheet may declare.
    for row in tables[0].traverse():
        if len(rows) >= MAX_ROWS:
            break
        repeated = min(row.repeated or 1, MAX_ROWS - len(rows))
        values = [_cell(cell.value) for cell in _ods_cells(row)]
        if repeated > 1 and not any(v not in (None, "") for v in values):
            continue  # a run of empty rows, usually the end of the data
        rows.extend([values] * repeated)
    return rows


def _ods_cells(row: Any) -> list[Any]:
    cells: list[Any] = []
    for cell in row.traverse():
        repeated = min(cell.repeated or 1, MAX_COLUMNS - len(cells))
        cells.extend([cell] * repeated)
        if len(cells) >= MAX_COLUMNS:
            break
    return cells


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | dt.date | int | float | Decimal):
        if isinstance(value, bool):
            return str(value).lower()
        return value
    return str(value)
