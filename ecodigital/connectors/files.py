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
from ecodigital.i18n import Msg

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
        raise InputError(
            str(path), None, Msg("rgesn.file.not_found"), Msg("rgesn.file.not_found_fix")
        ) from None
    except OSError as exc:
        raise InputError(
            str(path), None, Msg("connectors.input.cannot_read", {"reason": exc.strerror})
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            str(path), None, Msg("connectors.input.not_regular"), Msg("input.not_regular_fix")
        )
    if info.st_size > max_bytes:
        raise InputError(
            str(path),
            None,
            Msg("connectors.input.too_large", {"size": info.st_size, "limit": max_bytes}),
            Msg("connectors.input.too_large_fix"),
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(
            str(path), None, Msg("connectors.input.cannot_read", {"reason": exc.strerror})
        ) from None
    if len(data) > max_bytes:
        raise InputError(
            str(path),
            None,
            Msg("connectors.input.too_large", {"size": len(data), "limit": max_bytes}),
            Msg("connectors.input.too_large_fix"),
        )
    return data


def read_text(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> str:
    """Text in UTF-8 (a BOM is accepted), else Windows-1252 as spreadsheets save it."""
    data = read_bytes(path, max_bytes)
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(  # pragma: no cover
        str(path), None, Msg("measure.input.not_utf8_header"), Msg("input.utf8_fix")
    )


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
        raise InputError(
            str(path), None, Msg("dossier.empty"), Msg("connectors.input.header_fix")
        ) from None
    except csv.Error as exc:
        raise InputError(
            str(path),
            Msg("input.row", {"row": 1}),
            Msg("dossier.csv.unreadable", {"reason": str(exc)}),
            Msg("dossier.csv.unreadable_fix"),
        ) from None
    header = [name.strip() for name in header]
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise InputError(
                    str(path),
                    None,
                    Msg("connectors.input.too_many_rows", {"limit": MAX_ROWS}),
                    Msg("connectors.input.split_fix"),
                )
            rows.append({name: (cells[i].strip() if i < len(cells) else "")
                         for i, name in enumerate(header)})  # fmt: skip
            lines.append(number)
    except csv.Error as exc:
        raise InputError(
            str(path),
            Msg("input.row", {"row": len(rows) + 2}),
            Msg("dossier.csv.unreadable", {"reason": str(exc)}),
            Msg("dossier.csv.unreadable_fix"),
        ) from None
    return CsvTable(path, tuple(header), tuple(rows), tuple(lines), delimiter)


def read_json(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> Any:
    """A JSON document, its depth checked before it is parsed; NaN and Infinity refused."""
    from ecodigital.review.readers import json_depth

    data = read_bytes(path, max_bytes)
    if json_depth(data) > MAX_JSON_DEPTH:
        raise InputError(
            str(path),
            None,
            Msg("input.yaml.too_deep", {"limit": MAX_JSON_DEPTH}),
            Msg("measure.input.check_file"),
        )

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=refuse)
    except UnicodeDecodeError:
        raise InputError(
            str(path), None, Msg("measure.input.not_utf8_header"), Msg("input.utf8_fix")
        ) from None
    except ValueError as exc:
        raise InputError(
            str(path),
            None,
            Msg("connectors.input.bad_json", {"reason": str(exc)}),
            Msg("measure.input.check_file"),
        ) from None
