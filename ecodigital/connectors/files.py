"""Reading the files users bring, as hostile input: regular files, size limits, no network.

Every reader of :mod:`ecodigital.connectors` goes through here: a file must be
a regular file (not a folder, a FIFO or a device) under a size limit, text
must decode, a CSV has at most :data:`MAX_ROWS` rows and a JSON document at
most :data:`MAX_JSON_DEPTH` levels, checked before it is parsed.
"""

from __future__ import annotations

import csv
import io
import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_ROWS",
    "CsvTable",
    "read_bytes",
    "read_csv",
    "read_json",
    "read_text",
]

MAX_IMPORT_BYTES: Final = 100 * 1024 * 1024
MAX_ROWS: Final = 1_000_000
MAX_JSON_DEPTH: Final = 100
_ENCODINGS: Final = ("utf-8-sig", "cp1252")


def read_bytes(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of a regular file no larger than ``max_bytes``."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(str(path), None, "file not found", "check the path") from None
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(str(path), None, "is not a regular file", "give the path of a file")
    if info.st_size > max_bytes:
        raise InputError(
            str(path),
            None,
            f"is {info.st_size:,} bytes, more than the limit of {max_bytes:,}",
            "split the file or check that it is the right one",
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise InputError(str(path), None, f"is more than the limit of {max_bytes:,} bytes")
    return data


def read_text(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> str:
    """Text in UTF-8 (a BOM is accepted), else Windows-1252 as spreadsheets save it."""
    data = read_bytes(path, max_bytes)
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(str(path), None, "is not UTF-8 text", "save it as UTF-8")  # pragma: no cover


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's header and rows; ``lines`` are the rows' numbers as a spreadsheet shows them."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    lines: tuple[int, ...]
    delimiter: str

    def column(self, aliases: list[str]) -> str | None:
        """The first header among ``aliases`` (without regard to case and spaces)."""
        from ecodigital.connectors.mapping import normalise

        present = {normalise(name): name for name in self.header}
        for alias in aliases:
            found = present.get(normalise(alias))
            if found is not None:
                return found
        return None


def read_csv(path: Path, delimiter: str | None = None) -> CsvTable:
    """A CSV file separated by ``;``, ``,`` or a tab (guessed from the header line)."""
    text = read_text(path)
    first = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = max(";,\t", key=first.count) if first else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(str(path), None, "is empty", "export the list with its header") from None
    except csv.Error as exc:
        raise InputError(str(path), "row 1", f"is not CSV ({exc})") from None
    header = [name.strip() for name in header]
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise InputError(
                    str(path), None, f"has more than {MAX_ROWS:,} rows", "split the file"
                )
            rows.append({name: (cells[i].strip() if i < len(cells) else "")
                         for i, name in enumerate(header)})  # fmt: skip
            lines.append(number)
    except csv.Error as exc:
        raise InputError(str(path), f"row {len(rows) + 2}", f"is not valid CSV ({exc})") from None
    return CsvTable(path, tuple(header), tuple(rows), tuple(lines), delimiter)


def read_json(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> Any:
    """A JSON document, its depth checked before it is parsed; NaN and Infinity refused."""
    from ecodigital.review.readers import json_depth

    data = read_bytes(path, max_bytes)
    if json_depth(data) > MAX_JSON_DEPTH:
        raise InputError(
            str(path), None, f"is nested more than {MAX_JSON_DEPTH} levels deep", "check the file"
        )

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=refuse)
    except UnicodeDecodeError:
        raise InputError(str(path), None, "is not UTF-8 text", "save it as UTF-8") from None
    except ValueError as exc:
        raise InputError(str(path), None, f"is not valid JSON ({exc})", "check the file") from None
