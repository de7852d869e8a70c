"""Read the payload of a submitted note (or assess a dossier), treating every file as hostile.

Every limit is checked before the costly step it protects: the file size
before any read, a ZIP's member names, sizes and compression ratios before
any decompression, a PDF's object count, page count and embedded file size
(with a time budget on the whole parse), a JSON text's size and nesting depth
before ``json.loads``. Nothing is executed, fetched or written: a note's HTML
is only searched as text for its one payload block.

Each failure is an :class:`UnreadableFile` naming the file, what is wrong and
what to do; a batch reports it in the file's row and goes on.
"""

from __future__ import annotations

import json
import re
import signal
import stat
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ecodigital.errors import InputError, UnreadableFile
from ecodigital.i18n import Count, Msg
from ecodigital.report.payload import (
    HTML_SCRIPT_ID,
    ODT_MEMBER,
    PAYLOAD_FORMAT,
    PDF_ATTACHMENT,
    build_payload,
    sidecar_path,
)

if TYPE_CHECKING:
    from ecodigital.factors.database import FactorTable

__all__ = [
    "DEFAULT_LIMITS",
    "ReadLimits",
    "Submission",
    "UnreadableFile",
    "embedded_where",
    "load_payload_json",
    "read_note_payload",
    "read_pdf_within_limits",
    "read_report_payload",
    "read_submission",
    "refuse_named_files",
]

MIB: Final = 1024 * 1024
DOSSIER_SUFFIXES: Final = (".yaml", ".yml")
_T = TypeVar("_T")


@dataclass(frozen=True)
class ReadLimits:
    """Limits applied to every submitted file (sizes in bytes)."""

    max_file_bytes: int = 50 * MIB
    max_payload_bytes: int = 20 * MIB
    max_json_depth: int = 64
    max_pdf_objects: int = 100_000
    max_pdf_pages: int = 1_000
    max_pdf_seconds: float = 20.0
    #: Characters of a PDF's text layer read at most on one page, and in all.
    max_pdf_page_chars: int = 100_000
    max_pdf_text_chars: int = 5_000_000
    max_zip_members: int = 2_000
    max_zip_total_bytes: int = 200 * MIB
    max_zip_ratio: float = 200.0
    max_dossier_bytes: int = 10 * MIB


DEFAULT_LIMITS: Final = ReadLimits()

#: Compression ratios are only checked on members larger than this (tiny files compress oddly).
_RATIO_FLOOR_BYTES: Final = MIB


@dataclass
class Submission:
    """One application as read from a file: its payload and where it came from.

    ``kind`` is ``pdf``, ``html``, ``odt``, ``md``, ``json`` or ``dossier``; a
    dossier's payload is built here from a fresh assessment, so its digest
    always holds and says nothing.
    """

    path: Path
    kind: str
    payload: dict[str, Any]


def _fail(
    path: Path | str, problem: str, fix: str | None = None, /, **params: object
) -> UnreadableFile:
    """The error of an unreadable ``path``: ``problem`` and ``fix`` are keys of ``review.read``."""
    return UnreadableFile(
        str(path),
        None,
        Msg(f"review.read.{problem}", params),
        Msg(f"review.read.{fix}", params) if fix is not None else None,
    )


# --------------------------------------------------------------------------- files


def _regular_file_size(path: Path, max_bytes: int, what: str = "file") -> int:
    """The size of ``path``, refused if it is not a regular file or is too large."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(path, f"not_found_{what}", "not_found_fix") from None
    except OSError as exc:
        raise _fail(path, f"cannot_read_{what}", reason=exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block or never end.
        raise _fail(path, "not_regular", "not_regular_fix")
    if info.st_size > max_bytes:
        raise _fail(
            path, "too_large", "as_produced_fix", size=Count(info.st_size), limit=Count(max_bytes)
        )
    return info.st_size


def _read_bytes(path: Path, max_bytes: int, what: str = "file") -> bytes:
    _regular_file_size(path, max_bytes, what)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _fail(path, f"cannot_read_{what}", reason=exc.strerror or str(exc)) from None
    if len(data) > max_bytes:  # the file grew while being read
        raise _fail(path, "grew", limit=Count(max_bytes))
    return data


# --------------------------------------------------------------------------- JSON

_KEEP_FOR_DEPTH: Final = bytes(b for b in range(256) if b not in b'[]{}"')


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON ``data`` (strings skipped).

    Escaped backslashes and quotes are dropped first, so string boundaries are
    the remaining quotes; then only brackets and quotes are kept (C-speed
    ``bytes`` methods). A bracket is inside a string when an odd number of
    quotes comes before it; the others are summed (+1 opening, -1 closing), all
    in numpy, so a payload of a few megabytes takes milliseconds.

    >>> json_depth(b'{"a": [1, {"b": "[[[\\\\\\"{"}]}')
    3
    >>> json_depth(b'"[[["'), json_depth(b"[[[]]]")
    (0, 3)
    """
    import numpy as np

    if b"\\" in data:  # most payloads have no escape at all: two copies saved
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    codes = np.frombuffer(data.translate(None, _KEEP_FOR_DEPTH), dtype=np.uint8)
    outside = (np.cumsum(codes == ord('"'), dtype=np.int32) & 1) == 0
    opens = ((codes == ord("[")) | (codes == ord("{"))) & outside
    closes = ((codes == ord("]")) | (codes == ord("}"))) & outside
    if not opens.any() and not closes.any():
        return 0
    steps = opens.astype(np.int32) - closes.astype(np.int32)
    return int(np.cumsum(steps).max())


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _parse_payload(data: bytes | str, where: str, limits: ReadLimits) -> Any:
    """A payload's JSON text parsed after checking its size and depth."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > limits.max_payload_bytes:
        raise _fail(
            where, "payload_too_large", size=Count(len(raw)), limit=Count(limits.max_payload_bytes)
        )
    depth = json_depth(raw)
    if depth > limits.max_json_depth:
        raise _fail(
            where, "too_deep", "not_ecodigital_fix", depth=depth, limit=limits.max_json_depth
        )
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        problem = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise _fail(where, "not_json", reason=problem) from None


def _note_shaped(value: Any, where: str, member: str = "") -> dict[str, Any]:
    """``value`` if it has the shape of a note's payload (``member`` names it in a report)."""
    if not isinstance(value, dict) or value.get("format") != PAYLOAD_FORMAT:
        from ecodigital.suivi.report import SUIVI_PAYLOAD_FORMAT

        if isinstance(value, dict) and value.get("format") == SUIVI_PAYLOAD_FORMAT:
            raise _fail(where, "follow_up_report", "follow_up_report_fix")
        raise _fail(where, "not_payload", format=PAYLOAD_FORMAT)
    for name in ("dossier", "results", "factors_dataset", "tool"):
        if not isinstance(value.get(name), Mapping):
            raise _fail(where, "no_member", member=f"{member}.{name}" if member else name)
    return value


def load_payload_json(
    data: bytes | str, where: str, limits: ReadLimits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """Parse a payload's JSON text after checking its size and depth, then its shape."""
    return _note_shaped(_parse_payload(data, where, limits), where)


def _note_or_report(data: bytes, where: str, limits: ReadLimits) -> dict[str, Any]:
    """A note's payload, or a follow-up report's (its forecast shaped as a note's)."""
    from ecodigital.suivi.report import SUIVI_PAYLOAD_FORMAT

    value = _parse_payload(data, where, limits)
    if not isinstance(value, dict) or value.get("format") != SUIVI_PAYLOAD_FORMAT:
        return _note_shaped(value, where)
    _note_shaped(value.get("forecast"), where, "forecast")
    for name in ("actuals", "follow_up", "tool"):
        if not isinstance(value.get(name), Mapping):
            raise _fail(where, "no_member", member=name)
    return value


# --------------------------------------------------------------------------- HTML

_SCRIPT_OPEN: Final = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
_SCRIPT_CLOSE: Final = re.compile(r"</script\s*>", re.IGNORECASE)
_COMMENT: Final = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_PAYLOAD_ID: Final = re.compile(r"\bid\s*=\s*[\"']?" + HTML_SCRIPT_ID + r"[\"'\s/>]", re.IGNORECASE)


def _html_payload(path: Path, limits: ReadLimits) -> bytes:
    """The text of the one payload block of an HTML note (read as text, never rendered)."""
    try:
        text = _read_bytes(path, limits.max_file_bytes).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(path, "not_utf8", byte=exc.start) from None
    tags = list(_SCRIPT_OPEN.finditer(text))
    blocks = [tag for tag in tags if _PAYLOAD_ID.search(tag.group(0))]
    others = len(tags) - len(blocks)
    if not blocks:
        raise _fail(path, "no_payload", "note_fix")
    if len(blocks) > 1:
        raise _fail(path, "two_blocks", "altered_fix", n=len(blocks))
    if others:
        raise _fail(path, "scripts", "altered_fix", n=others)
    block = blocks[0]
    if any(c.start() < block.start() < c.end() for c in _COMMENT.finditer(text)):
        raise _fail(path, "commented", "altered_fix")
    if "application/json" not in block.group(0).lower():
        raise _fail(path, "not_json_type", "altered_fix")
    end = _SCRIPT_CLOSE.search(text, block.end())
    if end is None:
        raise _fail(path, "not_closed", "as_produced_fix")
    return text[block.end() : end.start()].encode("utf-8")


# --------------------------------------------------------------------------- ODT (ZIP)


def _unsafe_member_name(name: str) -> bool:
    """Whether a ZIP member name could point outside a folder it is extracted to."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def _zip_payload(path: Path, limits: ReadLimits) -> bytes:
    """The payload member of an ODT package, after checking every member's name and size."""
    import zipfile

    _regular_file_size(path, limits.max_file_bytes)
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            if len(infos) > limits.max_zip_members:
                raise _fail(
                    path,
                    "zip_members",
                    "not_opened_fix",
                    n=Count(len(infos)),
                    limit=Count(limits.max_zip_members),
                )
            total = 0
            for info in infos:
                if _unsafe_member_name(info.filename):
                    raise _fail(path, "zip_outside", "not_opened_fix", name=info.filename[:80])
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise _fail(path, "zip_link", "not_opened_fix", name=info.filename[:80])
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > _RATIO_FLOOR_BYTES and ratio > limits.max_zip_ratio:
                    raise _fail(
                        path,
                        "zip_ratio",
                        "not_opened_fix",
                        name=info.filename[:80],
                        ratio=Count(round(ratio)),
                        limit=Count(round(limits.max_zip_ratio)),
                    )
            if total > limits.max_zip_total_bytes:
                raise _fail(
                    path,
                    "zip_total",
                    "not_opened_fix",
                    size=Count(total),
                    limit=Count(limits.max_zip_total_bytes),
                )
            members = [info for info in infos if info.filename == ODT_MEMBER]
            if not members:
                raise _fail(path, "no_odt_member", "note_fix", member=ODT_MEMBER)
            if len(members) > 1:
                raise _fail(path, "odt_members", "altered_fix", n=len(members), member=ODT_MEMBER)
            member = members[0]
            if member.file_size > limits.max_payload_bytes:
                raise _fail(
                    path,
                    "payload_too_large",
                    size=Count(member.file_size),
                    limit=Count(limits.max_payload_bytes),
                )
            with package.open(member) as handle:
                # Declared sizes can lie: never read more than the limit.
                data = handle.read(limits.max_payload_bytes + 1)
            if len(data) > limits.max_payload_bytes:
                raise _fail(path, "zip_lies", "not_opened_fix")
            return data
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise _fail(path, "not_zip", reason=str(exc)[:200]) from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or unknown compression
        raise _fail(path, "zip_member_unreadable", reason=str(exc)[:200]) from None
    except OSError as exc:
        raise _fail(path, "cannot_read_file", reason=exc.strerror or str(exc)) from None


# --------------------------------------------------------------------------- PDF


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no library ``except Exception`` eats it."""


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread on POSIX only; elsewhere no budget)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _name_tree_entries(node: Any, budget: list[int], depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(name, value) pairs of a PDF name tree, with bounds on depth and node count."""
    from pypdf.generic import ArrayObject, DictionaryObject

    node = node.get_object()
    budget[0] -= 1
    if budget[0] < 0 or depth > 32 or not isinstance(node, DictionaryObject):
        raise ValueError("the embedded-files tree is too large or malformed")
    names = node.get("/Names")
    if isinstance(names, ArrayObject):
        for index in range(0, len(names) - 1, 2):
            yield str(names[index]), names[index + 1]
    kids = node.get("/Kids")
    if isinstance(kids, ArrayObject):
        for kid in kids:
            yield from _name_tree_entries(kid, budget, depth + 1)


def _pdf_embedded(reader: Any, path: Path, limits: ReadLimits) -> bytes:
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        raise _fail(path, "no_attachment", "note_fix", name=PDF_ATTACHMENT)
    specs = [spec for name, spec in _name_tree_entries(tree, [10_000]) if name == PDF_ATTACHMENT]
    if not specs:
        raise _fail(path, "no_attachment", "note_fix", name=PDF_ATTACHMENT)
    if len(specs) > 1:
        raise _fail(path, "attachments", "altered_fix", n=len(specs), name=PDF_ATTACHMENT)
    stream = specs[0].get_object()["/EF"]["/F"].get_object()
    params = stream.get("/Params")
    declared = params.get_object().get("/Size") if params is not None else None
    if isinstance(declared, int) and declared > limits.max_payload_bytes:
        raise _fail(
            path, "declares_too_large", size=Count(declared), limit=Count(limits.max_payload_bytes)
        )
    # pypdf keeps a stream's encoded bytes in ``_data``; decoding them here lets
    # the size limit stop a compression bomb while it inflates.
    raw = bytes(getattr(stream, "_data", b""))
    if len(raw) > limits.max_file_bytes:
        raise _fail(path, "stream_too_large", limit=Count(limits.max_file_bytes))
    filters = stream.get("/Filter")
    filters = [str(f) for f in filters] if isinstance(filters, list) else [str(filters or "")]
    if filters in ([""], []):
        data = raw
    elif filters == ["/FlateDecode"]:
        inflater = zlib.decompressobj()
        data = inflater.decompress(raw, limits.max_payload_bytes + 1)
        if len(data) > limits.max_payload_bytes or inflater.unconsumed_tail:
            raise _fail(path, "inflates", "not_opened_fix", limit=Count(limits.max_payload_bytes))
    else:
        raise _fail(path, "filter", "altered_fix", filters=" ".join(filters)[:80])
    return data


@lru_cache(maxsize=1)
def _parsed_pdf(path: str, identity: tuple[int, int, int, int]) -> Any:
    from pypdf import PdfReader

    return PdfReader(path, strict=False)


def _pdf_reader(path: Path) -> Any:
    """pypdf's reader of the PDF at ``path`` (call it within a time budget). The last one
    is kept while the file stays the same (device, inode, size, modification time):
    ``verify`` reads a PDF note's payload, then its text, from one parse of one read."""
    info = path.stat()
    return _parsed_pdf(str(path), (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns))


def read_pdf_within_limits(
    path: Path,
    limits: ReadLimits,
    work: Callable[[Any], _T],
    malformed_fix: str | None = None,
) -> _T:
    """``work`` applied to pypdf's reader of the PDF at ``path``, once the file is a regular
    file within the size limit and the PDF is not encrypted and within the object and page
    limits, all within the PDF time budget. Whatever pypdf raises on a malformed file
    becomes one :class:`UnreadableFile` (its fix the ``review.read`` key ``malformed_fix``);
    a ``BaseException`` that ``work`` raises goes through as it is."""
    import logging
    import warnings

    _regular_file_size(path, limits.max_file_bytes)
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # a malformed file is reported once, as our error
    try:
        with warnings.catch_warnings(), _time_budget(limits.max_pdf_seconds):
            warnings.simplefilter("ignore")
            reader = _pdf_reader(path)
            if reader.is_encrypted:
                raise _fail(path, "pdf_encrypted", "not_opened_fix")
            size = reader.trailer.get("/Size")
            if not isinstance(size, int) or size > limits.max_pdf_objects:
                raise _fail(
                    path,
                    "pdf_objects",
                    "not_opened_fix",
                    n=size,
                    limit=Count(limits.max_pdf_objects),
                )
            pages = len(reader.pages)
            if pages > limits.max_pdf_pages:
                raise _fail(
                    path,
                    "pdf_pages",
                    "not_opened_fix",
                    n=Count(pages),
                    limit=Count(limits.max_pdf_pages),
                )
            return work(reader)
    except UnreadableFile:
        raise
    except _OutOfTime:
        raise _fail(
            path, "pdf_slow", "pdf_slow_fix", seconds=float(limits.max_pdf_seconds)
        ) from None
    except Exception as exc:  # pypdf raises many types on malformed files
        problem = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise _fail(
            path, "not_pdf", malformed_fix, reason=f"{type(exc).__name__}: {problem}"
        ) from None
    finally:
        logger.setLevel(level)


def _pdf_payload(path: Path, limits: ReadLimits) -> bytes:
    """The embedded payload of a PDF note, parsed with limits and a time budget."""
    return read_pdf_within_limits(path, limits, lambda reader: _pdf_embedded(reader, path, limits))


# --------------------------------------------------------------------------- dispatch


def _sniff(path: Path) -> str:
    """The kind of a submitted file, by its first bytes, then its name."""
    _regular_file_size(path, 1 << 62)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _fail(path, "cannot_read_file", reason=exc.strerror or str(exc)) from None
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "odt"
    if suffix in (".md", ".markdown"):
        return "md"
    if suffix == ".json":
        return "json"
    if suffix in DOSSIER_SUFFIXES:
        return "dossier"
    if suffix in (".html", ".htm") or head.lstrip().startswith(b"<"):
        return "html"
    raise _fail(path, "unknown_kind", "note_fix")


def _payload_of(
    path: Path, limits: ReadLimits, load: Callable[[bytes, str, ReadLimits], dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    kind = _sniff(path)
    if kind == "pdf":
        return kind, load(_pdf_payload(path, limits), str(path), limits)
    if kind == "odt":
        return kind, load(_zip_payload(path, limits), str(path), limits)
    if kind == "md":
        sidecar = sidecar_path(path)
        if not sidecar.exists():
            raise _fail(path, "no_sidecar", "no_sidecar_fix", name=sidecar.name)
        return kind, load(_read_bytes(sidecar, limits.max_payload_bytes), str(sidecar), limits)
    if kind == "json":
        return kind, load(_read_bytes(path, limits.max_payload_bytes), str(path), limits)
    if kind == "html":
        return kind, load(_html_payload(path, limits), str(path), limits)
    raise _fail(path, "dossier_not_note", "note_fix")


def embedded_where(path: str | Path) -> Path:
    """How errors name the dossier embedded in the note at ``path``: ``note.pdf#dossier``."""
    return Path(f"{path}#dossier")


def refuse_named_files(dossier: Mapping[str, Any], where: str) -> None:
    """A note's embedded dossier stands alone: a CSV inventory or measurement files it
    names are refused before anything is opened (``ecodigital note`` never writes them)."""
    inventory = dossier.get("inventory")
    named: tuple[str, str] | None = None
    if isinstance(inventory, Mapping) and "csv" in inventory:
        named = ("inventory.csv", str(inventory["csv"]))
    measurements = dossier.get("measurements")
    for index, measurement in enumerate(measurements if isinstance(measurements, list) else []):
        if named is None and isinstance(measurement, Mapping) and measurement.get("files"):
            files = measurement["files"]
            first = files[0] if isinstance(files, list) and files else files
            named = (f"measurements[{index}].files", str(first))
    if named is not None:
        field, name = named
        raise InputError(
            where,
            field,
            Msg("verify.error.names_file", {"name": name[:200]}),
            Msg("verify.error.names_file_fix"),
        )


def read_note_payload(
    path: str | Path, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[str, dict[str, Any]]:
    """``(kind, payload)`` of a note in PDF, HTML, ODT, Markdown (its sidecar) or JSON."""
    return _payload_of(Path(path), limits, load_payload_json)


def read_report_payload(
    path: str | Path, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[str, dict[str, Any]]:
    """``(kind, payload)`` of a note or of a follow-up report (``ecodigital suivi``), read
    like a note; a report's payload has the format of :mod:`ecodigital.suivi.report`."""
    return _payload_of(Path(path), limits, _note_or_report)


def read_submission(
    path: str | Path,
    limits: ReadLimits = DEFAULT_LIMITS,
    factors: FactorTable | None = None,
) -> Submission:
    """A note's payload, or a dossier assessed now with the reference factors."""
    path = Path(path)
    if _sniff(path) != "dossier":
        kind, payload = read_note_payload(path, limits)
        dossier = payload.get("dossier")
        if isinstance(dossier, Mapping):
            refuse_named_files(dossier, str(embedded_where(path)))
        return Submission(path, kind, payload)
    return Submission(path, "dossier", _assess_dossier_file(path, limits, factors))


def _assess_dossier_file(
    path: Path, limits: ReadLimits, factors: FactorTable | None
) -> dict[str, Any]:
    """The payload a note of this dossier would carry (point figures, reference factors)."""
    from ecodigital.assessment import Options, run
    from ecodigital.dossier.load import parse_dossier_text
    from ecodigital.factors.database import load_reference_factors
    from ecodigital.fileio import read_text_limited, submitted

    _regular_file_size(path, limits.max_dossier_bytes, "dossier")
    text = read_text_limited(path, max_bytes=limits.max_dossier_bytes, what="dossier")
    reference = factors if factors is not None else load_reference_factors()
    with submitted():  # the files it names: inside its own folder only
        loaded = parse_dossier_text(text, path)
        results = run(loaded, Options(factors=reference, deterministic=True, scenarios=False))
    return build_payload(results)
