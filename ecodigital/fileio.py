"""Small file helpers used at the edges (CLI, loaders), never by the engine.

Outputs are written to a temporary file in the target folder and moved into
place, so a failure never leaves a half-written file, and inputs are read with
a size limit so a hostile file cannot exhaust memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ecodigital.errors import InputError

__all__ = ["MAX_INPUT_BYTES", "read_text_limited", "write_atomic"]

#: Largest input file read by default (dossiers, CSV inventories, factor files).
MAX_INPUT_BYTES = 200 * 1024 * 1024


def read_text_limited(path: Path, *, max_bytes: int = MAX_INPUT_BYTES, what: str = "file") -> str:
    """Read a UTF-8 text file (a BOM is tolerated) with a size limit."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(str(path), None, f"{what} not found", "check the path") from None
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read {what}: {exc.strerror}") from None
    if path.is_dir():
        raise InputError(str(path), None, f"is a folder, not a {what}", "give a file path")
    if size > max_bytes:
        raise InputError(
            str(path),
            None,
            f"{what} is {size:,} bytes, more than the limit of {max_bytes:,}",
            "split the file or check that it is the right one",
        )
    try:
        with path.open("r", encoding="utf-8-sig") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise InputError(
            str(path), None, f"is not UTF-8 text (byte {exc.start})", "save it as UTF-8"
        ) from None
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read {what}: {exc.strerror}") from None


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
