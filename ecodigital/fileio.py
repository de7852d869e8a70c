"""Every file ecodigital reads or writes goes through here; the engine never does I/O.

Reading (:func:`read_input_bytes`, :func:`read_input_text`)
    A file is opened without blocking, then checked: a regular file, not a
    folder, a FIFO, a device or a socket; no larger than the limit of its kind
    (:data:`INPUT_LIMITS`, raised with ``ECODIGITAL_MAX_<KIND>_MB``); UTF-8
    text, with the line and column of a bad byte or a NUL byte. At most
    ``limit + 1`` bytes are ever read, so ``/dev/zero`` or a file that grows
    cannot exhaust memory. Each file read is recorded as an input of the run.

Writing (:func:`check_output`, :func:`write_output`, :func:`write_atomic`)
    An output is refused when it is an input of the run (same resolved path or
    same inode, symlinks followed), even with ``--force``; when it is not a
    regular file (``-`` is standard output); and, without ``--force``, when it
    exists. Data goes to a temporary file beside the target, which replaces
    the target in one rename: a failure or a signal never leaves a
    half-written file. An existing file keeps its mode (and a symlink stays a
    symlink: its target is replaced); a new file follows the umask (0644 with
    the usual 022). Temporary files are removed on SIGTERM and Ctrl-C; one left
    by a killed process is removed by the next write beside it. Write errors
    (permission, disk full, file too large, read-only file system) are one
    :class:`~ecodigital.errors.OutputError` line.

``docs/limits.md`` lists every limit and this promise.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import secrets
import signal
import stat
import sys
import threading
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Final

from ecodigital.errors import InputError, OutputError
from ecodigital.i18n import Msg

__all__ = [
    "INPUT_LIMITS",
    "MAX_INPUT_BYTES",
    "MIB",
    "RunFiles",
    "allow_outside",
    "check_output",
    "confine",
    "decode_text",
    "input_limit",
    "read_input_bytes",
    "read_input_text",
    "read_text_limited",
    "register_input",
    "run_files",
    "run_scope",
    "submitted",
    "write_atomic",
    "write_output",
]

MIB: Final = 1024 * 1024
#: Largest input of a kind with no limit of its own.
MAX_INPUT_BYTES: Final = 200 * MIB
#: Largest file of each kind read, in bytes (``docs/limits.md``).
INPUT_LIMITS: Final[dict[str, int]] = {
    "dossier": 10 * MIB,
    "inventory": 200 * MIB,
    "factors": 20 * MIB,
    "manifest": 1 * MIB,
    "grid": 5 * MIB,
    "rules": 1 * MIB,
    "template": 1 * MIB,
    "measurement": 1000 * MIB,
    "sidecar": 1 * MIB,
    "rgesn": 10 * MIB,
    "credential": 10 * MIB,
    "file": MAX_INPUT_BYTES,
}
_CHUNK: Final = 1 * MIB


def input_limit(kind: str) -> int:
    """The size limit of ``kind``, or ``$ECODIGITAL_MAX_<KIND>_MB`` megabytes when set."""
    variable = f"ECODIGITAL_MAX_{kind.upper()}_MB"
    given = os.environ.get(variable)
    if given:
        try:
            megabytes = float(given)
        except ValueError:
            megabytes = -1.0
        if not 0 < megabytes <= 1024 * 1024:
            raise InputError(
                None,
                variable,
                Msg("input.bad_limit", {"value": given}),
                Msg("input.bad_limit_fix"),
            )
        return int(megabytes * MIB)
    return INPUT_LIMITS.get(kind, MAX_INPUT_BYTES)


# --------------------------------------------------------------------------- the run


@dataclass
class RunFiles:
    """The files one command has read (its inputs) and the folders it may read outside."""

    inodes: dict[tuple[int, int], str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    outside: list[Path] = field(default_factory=list)

    def add(self, path: Path, info: os.stat_result) -> None:
        self.inodes[(info.st_dev, info.st_ino)] = str(path)
        self.paths[os.path.realpath(path)] = str(path)

    def input_named(self, path: Path, info: os.stat_result | None) -> str | None:
        """The input ``path`` is (same inode or same resolved path), if any."""
        if info is not None and (info.st_dev, info.st_ino) in self.inodes:
            return self.inodes[(info.st_dev, info.st_ino)]
        return self.paths.get(os.path.realpath(path))


_GLOBAL_RUN = RunFiles()
_RUN: ContextVar[RunFiles | None] = ContextVar("ecodigital_run_files", default=None)


def run_files() -> RunFiles:
    """The files of the current run (one command; the process outside :func:`run_scope`)."""
    return _RUN.get() or _GLOBAL_RUN


@contextlib.contextmanager
def run_scope() -> Iterator[RunFiles]:
    """A fresh record of inputs for one command (the CLI opens one per invocation)."""
    token = _RUN.set(RunFiles())
    try:
        yield run_files()
    finally:
        _RUN.reset(token)


def register_input(path: Path) -> None:
    """Record ``path`` as an input of the run (for files read by another library)."""
    with contextlib.suppress(OSError):
        run_files().add(Path(path), os.stat(path))


def allow_outside(paths: Iterable[Path]) -> None:
    """Let this run read the applicant's files under ``paths`` (``--allow-outside``)."""
    run_files().outside.extend(Path(os.path.realpath(p)) for p in paths)


_SUBMITTED: ContextVar[bool] = ContextVar("ecodigital_submitted", default=False)


@contextlib.contextmanager
def submitted() -> Iterator[None]:
    """Read a submitted file (instructors' tools): every file it names must lie in its folder.

    Inside this scope :func:`confine` allows no other folder, ``--allow-outside`` or not.
    """
    token = _SUBMITTED.set(True)
    try:
        yield
    finally:
        _SUBMITTED.reset(token)


def confine(
    folder: Path, relative: str, *, where: str, field_name: str, allow_outside: bool = True
) -> Path:
    """``folder/relative``, refused (with ``where`` and ``field_name``) when it leaves ``folder``.

    Symlinks are followed, so a link pointing out of the folder is outside too.
    With ``allow_outside``, the folders given with ``--allow-outside`` are allowed as well,
    except for a submitted file (:func:`submitted`).
    """
    allow_outside = allow_outside and not _SUBMITTED.get()
    base = Path(os.path.realpath(folder))
    target = Path(os.path.realpath(base / relative))
    allowed = [base, *(run_files().outside if allow_outside else [])]
    if not any(target.is_relative_to(root) for root in allowed):
        raise InputError(
            where,
            field_name,
            Msg("input.outside", {"path": relative, "folder": str(base)}),
            Msg("input.outside_fix" if allow_outside else "input.inside_fix"),
        )
    return target


# --------------------------------------------------------------------------- reading


def _what(kind: str) -> Msg:
    return Msg(f"input.kind.{kind}" if kind in INPUT_LIMITS else "input.kind.file")


def _node_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode):
        return "char_device"
    if stat.S_ISBLK(mode):
        return "block_device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"


def _not_regular(path: Path, mode: int, what: Msg) -> InputError:
    node = _node_kind(mode)
    return InputError(
        str(path),
        None,
        Msg("input.not_regular", {"node": Msg(f"input.node.{node}"), "what": what}),
        Msg("input.folder_fix" if node == "folder" else "input.not_regular_fix"),
    )


def _size(count: int) -> Msg:
    """A size in words: megabytes from 1 MB, bytes below."""
    if count >= MIB:
        return Msg("input.size_mb", {"n": count / MIB})
    return Msg("input.size_bytes", {"n": count})


def _too_large(path: Path, size: int | None, limit: int, kind: str) -> InputError:
    megabytes = limit / MIB
    wanted = math.ceil(size / MIB) + 1 if size is not None else 2 * math.ceil(megabytes)
    return InputError(
        str(path),
        None,
        Msg(
            "input.too_large" if size is not None else "input.too_large_stream",
            {"size": _size(size or 0), "limit": _size(limit), "what": _what(kind)},
        ),
        Msg("input.too_large_fix", {"variable": f"ECODIGITAL_MAX_{kind.upper()}_MB", "mb": wanted}),
    )


def _read_error(path: Path, exc: OSError, kind: str) -> InputError:
    what = _what(kind)
    if isinstance(exc, FileNotFoundError):
        return InputError(
            str(path), None, Msg("input.not_found", {"what": what}), Msg("input.path_fix")
        )
    if isinstance(exc, PermissionError):
        return InputError(
            str(path), None, Msg("input.no_permission", {"what": what}), Msg("input.permission_fix")
        )
    if exc.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
        return InputError(
            str(path),
            None,
            Msg("input.not_regular", {"node": Msg("input.node.special"), "what": what}),
            Msg("input.not_regular_fix"),
        )
    if exc.errno == errno.ELOOP:
        return InputError(str(path), None, Msg("input.symlink_loop"), Msg("input.path_fix"))
    return InputError(
        str(path),
        None,
        Msg("input.cannot_read", {"what": what, "reason": exc.strerror or str(exc)}),
    )


def read_input_bytes(
    path: Path | str, kind: str = "file", *, max_bytes: int | None = None
) -> bytes:
    """The bytes of the regular file ``path``, within the limit of ``kind``.

    The file is opened with ``O_NONBLOCK``, so a FIFO is refused instead of
    waiting for a writer; at most ``limit + 1`` bytes are read.
    """
    path = Path(path)
    limit = max_bytes if max_bytes is not None else input_limit(kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise _not_regular(path, stat.S_IFDIR, _what(kind)) from None
    except OSError as exc:
        raise _read_error(path, exc, kind) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode, _what(kind))
        if info.st_size > limit:
            raise _too_large(path, info.st_size, limit, kind)
        # a regular file opened non-blocking still reads normally; clear the flag anyway
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # the file grew while being read
                raise _too_large(path, None, limit, kind)
    except OSError as exc:
        raise _read_error(path, exc, kind) from None
    finally:
        os.close(fd)
    run_files().add(path, info)
    return b"".join(chunks)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def decode_text(data: bytes, file: str, kind: str = "file") -> str:
    """UTF-8 text (a BOM is dropped); a NUL byte or a bad byte is refused with its position."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            file, None, Msg("input.utf16", {"what": _what(kind)}), Msg("input.utf8_fix")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        raise InputError(
            f"{file}:{line}",
            None,
            Msg("input.nul_byte", {"line": line, "column": column, "what": _what(kind)}),
            Msg("input.nul_fix"),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise InputError(
            f"{file}:{line}",
            None,
            Msg(
                "input.not_utf8",
                {
                    "byte": f"0x{data[exc.start]:02X}",
                    "line": line,
                    "column": column,
                    # what the byte is in the encoding spreadsheets save in on Windows
                    "char": data[exc.start : exc.start + 1].decode("cp1252", errors="replace"),
                },
            ),
            Msg("input.utf8_fix"),
        ) from None


def read_input_text(path: Path | str, kind: str = "file", *, max_bytes: int | None = None) -> str:
    """The UTF-8 text of ``path`` (see :func:`read_input_bytes` and :func:`decode_text`)."""
    return decode_text(read_input_bytes(path, kind, max_bytes=max_bytes), str(path), kind)


_WHAT_TO_KIND: Final = {
    "dossier": "dossier",
    "CSV inventory": "inventory",
    "factor file": "factors",
    "factor manifest": "manifest",
    "rules file": "rules",
    "measure sidecar": "sidecar",
    "CSV file": "rgesn",
}


def read_text_limited(path: Path, *, max_bytes: int | None = None, what: str = "file") -> str:
    """:func:`read_input_text` under the older name: ``what`` names the kind of file.

    Without ``max_bytes``, or with the default limit of the kind, the limit is
    that of the kind (raised by its environment variable).
    """
    kind = _WHAT_TO_KIND.get(what, "file")
    if max_bytes == INPUT_LIMITS.get(kind, MAX_INPUT_BYTES):
        max_bytes = None
    return read_input_text(path, kind, max_bytes=max_bytes)


# --------------------------------------------------------------------------- writing

#: Standard output, for the commands that accept ``-o -``.
STDOUT: Final = "-"


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(
                str(path), None, Msg("input.symlink_loop"), Msg("output.other_fix")
            ) from None
        return None


def check_output(path: Path, force: bool, inputs: Iterable[Path | str] = ()) -> None:
    """Refuse ``path`` if it is an input of the run, not a regular file, or (no ``force``) a file.

    ``inputs`` are files the command knows it reads (before reading them);
    the files it has read already are in :func:`run_files`.
    """
    if str(path) == STDOUT:
        return
    path = Path(path)
    info = _stat_or_none(path)
    known = RunFiles()
    for given in inputs:
        with contextlib.suppress(OSError):
            known.add(Path(given), os.stat(given))
        known.paths.setdefault(os.path.realpath(given), str(given))
    same = known.input_named(path, info) or run_files().input_named(path, info)
    if same is not None:
        raise OutputError(
            str(path), None, Msg("output.is_input", {"input": same}), Msg("output.other_fix")
        )
    if info is None:
        if os.path.islink(path):  # a dangling symlink: where would it write?
            raise OutputError(str(path), None, Msg("output.dangling_link"), Msg("output.other_fix"))
        return
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(str(path), None, Msg("output.is_folder"), Msg("output.file_fix"))
    if not stat.S_ISREG(info.st_mode):
        node = Msg(f"input.node.{_node_kind(info.st_mode)}")
        raise OutputError(
            str(path),
            None,
            Msg("output.not_regular", {"node": node}),
            Msg("output.not_regular_fix"),
        )
    if not force:
        raise OutputError(str(path), None, Msg("output.exists"), Msg("output.exists_fix"))


def write_output(
    path: Path | str,
    data: str | bytes | Iterable[str | bytes],
    force: bool,
    inputs: Iterable[Path | str] = (),
) -> None:
    """Check ``path`` (:func:`check_output`) and write ``data`` to it atomically (``-``: stdout).

    ``data`` may be chunks, written as they come (a long table of millions of
    rows is never held whole).
    """
    if str(path) == STDOUT:
        for payload in _encoded(data):
            sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    check_output(Path(path), force, inputs)
    write_atomic(Path(path), data)


# Temporary files being written, removed by the signal handler.
_TEMPS: set[str] = set()
_TEMPS_LOCK = threading.Lock()
_TMP_SUFFIX: Final = ".tmp"


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no other way to read it; set back at once
    os.umask(mask)
    return mask


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Remove temporary files of ``name`` left by processes that are gone (a SIGKILL)."""
    prefix = f".{name}."
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(_TMP_SUFFIX)):
            continue
        pid_text = entry.name[len(prefix) :].split(".", 1)[0]
        if not pid_text.isdigit() or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(pid_text)
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # its writer is still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # alive, someone else's
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    with _TEMPS_LOCK:
        for name in list(_TEMPS):
            with contextlib.suppress(OSError):
                os.unlink(name)
        _TEMPS.clear()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """While a temporary file exists, SIGTERM and SIGINT remove it before ending the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            previous[signum] = current
            signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


_WRITE_ERRORS: Final = {
    errno.EACCES: "output.no_permission",
    errno.EPERM: "output.no_permission",
    errno.ENOSPC: "output.disk_full",
    errno.EDQUOT: "output.disk_full",
    errno.EFBIG: "output.too_large",
    errno.EROFS: "output.read_only",
    errno.ENOTDIR: "output.parent_not_folder",
    errno.EEXIST: "output.parent_not_folder",  # mkdir of a folder that is a file
}


def _write_error(path: Path, exc: OSError) -> OutputError:
    key = _WRITE_ERRORS.get(exc.errno or 0)
    if key is None:
        return OutputError(
            str(path),
            None,
            Msg("output.cannot_write", {"reason": exc.strerror or str(exc)}),
            Msg("output.other_fix"),
        )
    return OutputError(str(path), None, Msg(key), Msg(f"{key}_fix"))


def _encoded(data: str | bytes | Iterable[str | bytes]) -> Iterator[bytes]:
    """``data`` (text, bytes or chunks of either) as UTF-8 chunks."""
    chunks = [data] if isinstance(data, str | bytes) else data
    for chunk in chunks:
        yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")


def write_atomic(
    path: Path, data: str | bytes | Iterable[str | bytes], *, exclusive: bool = False
) -> None:
    """Write ``data`` (or its chunks, as they come) over ``path`` through a temporary file in
    the same folder.

    A symlink stays a symlink (its target is replaced) and an existing file
    keeps its mode; a new file gets ``0666`` less the umask. This does not
    check that ``path`` may be replaced: :func:`write_output` does.
    ``exclusive`` never replaces anything, even a file another process creates
    meanwhile: the finished temporary file is hard-linked into place, which
    fails if the name is taken (:class:`OutputError`).
    """
    path = Path(path)
    if exclusive and os.path.lexists(path):
        raise OutputError(str(path), None, Msg("output.exists"), Msg("output.exists_new_fix"))
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    folder = target.parent if str(target.parent) else Path(".")
    if exclusive and not isinstance(data, str | bytes):
        raise TypeError("an exclusive write takes the whole content, not chunks")
    payload = (
        data if isinstance(data, bytes) else data.encode("utf-8") if isinstance(data, str) else b""
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(path, exc) from None
    existing = _stat_or_none(target)
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    _remove_stale_temps(folder, target.name)
    tmp = str(folder / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    with _cleanup_on_signals():
        try:
            with _TEMPS_LOCK:
                _TEMPS.add(tmp)
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600
            )
            try:
                for chunk in [payload] if isinstance(data, str | bytes) else _encoded(data):
                    view = memoryview(chunk)
                    while view:
                        written = os.write(fd, view)
                        view = view[written:]
                os.fsync(fd)
                os.fchmod(fd, mode)
                if existing is not None and (existing.st_uid, existing.st_gid) != (
                    os.getuid(),
                    os.getgid(),
                ):
                    with contextlib.suppress(OSError):
                        os.fchown(fd, existing.st_uid, existing.st_gid)
            finally:
                os.close(fd)
            if exclusive:
                _link_new(tmp, target, payload, mode)
                os.unlink(tmp)
            else:
                os.replace(tmp, target)
        except OutputError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise _write_error(path, exc) from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        finally:
            with _TEMPS_LOCK:
                _TEMPS.discard(tmp)


#: Errors of a file system that cannot make hard links (FAT, some network shares).
_NO_HARD_LINKS: Final = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}
)


def _link_new(tmp: str, target: Path, payload: bytes, mode: int) -> None:
    """Put the finished temporary file at ``target``, which must not exist."""
    try:
        os.link(tmp, target)
        return
    except FileExistsError:
        raise OutputError(
            str(target), None, Msg("output.exists"), Msg("output.exists_new_fix")
        ) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    # no hard links here: O_EXCL still never replaces a file
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise OutputError(
            str(target), None, Msg("output.exists"), Msg("output.exists_new_fix")
        ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)
