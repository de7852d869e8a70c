"""Write a file a person keeps: a new one with the usual mode, an edited one as it was.

One function, :func:`save_file`, writes every file that ``init`` and
``rgesn`` produce, so that all of them behave the same way:

- the data go to a temporary file in the target's folder, which is then
  moved into place: a failure never leaves a half-written file;
- a new file gets the mode any program would give it (``0o666`` less the
  umask, so ``0o644`` with the usual umask ``022``), not the ``0o600`` of a
  temporary file;
- a file that already exists keeps its mode, and a symbolic link stays a
  link: the file it points to is the one replaced;
- with ``exclusive=True`` an existing file is never replaced, even by another
  process racing this one (the temporary file is hard-linked into place,
  which fails if the name is taken).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from ecodigital.errors import InputError, OutputError
from ecodigital.i18n import Msg

__all__ = ["current_umask", "read_regular_file", "save_file"]


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # Elsewhere the only way is to set it and put it back at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def save_file(path: Path, data: str | bytes, *, exclusive: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; the path of the file actually written.

    ``exclusive``: refuse (:class:`InputError`) when ``path`` exists, even as a
    dangling link. Otherwise an existing file is replaced, keeping its mode,
    and a link is followed to its target.
    """
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    path = Path(path)
    if exclusive:
        if os.path.lexists(path):
            raise _exists(path)
        target = path
        mode = 0o666 & ~current_umask()
    else:
        target = Path(os.path.realpath(path))
        try:
            info = target.stat()
        except FileNotFoundError:
            mode = 0o666 & ~current_umask()
        else:
            if not stat.S_ISREG(info.st_mode):
                raise OutputError(
                    str(path), None, Msg("starter.not_a_file"), Msg("starter.not_a_file_fix")
                )
            mode = stat.S_IMODE(info.st_mode)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            str(path), None, Msg("starter.cannot_write", {"why": _why(exc)})
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        if exclusive:
            try:
                _link_new(tmp_name, target, payload, mode)
            finally:
                Path(tmp_name).unlink(missing_ok=True)
        else:
            os.replace(tmp_name, target)
    except InputError:
        raise
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise OutputError(
            str(path), None, Msg("starter.cannot_write", {"why": _why(exc)})
        ) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _link_new(tmp_name: str, target: Path, payload: bytes, mode: int) -> None:
    """Put the finished temporary file at ``target``, which must not exist."""
    try:
        os.link(tmp_name, target)
        return
    except FileExistsError:
        raise _exists(target) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    # A file system without hard links (FAT, some network shares): O_EXCL still
    # never replaces a file, though a failure may leave a partial one.
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise _exists(target) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)


_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}
)


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, refused past ``max_bytes`` (before reading)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(
            str(path), None, Msg("rgesn.file.not_found"), Msg("rgesn.file.not_found_fix")
        ) from None
    except OSError as exc:
        raise InputError(str(path), None, Msg("starter.cannot_read", {"why": _why(exc)})) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(str(path), None, Msg("starter.not_a_file"), Msg("starter.not_a_file_fix"))
    if info.st_size > max_bytes:
        raise InputError(
            str(path), None, Msg("rgesn.file.too_large", {"size": info.st_size, "limit": max_bytes})
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(str(path), None, Msg("starter.cannot_read", {"why": _why(exc)})) from None
    if len(data) > max_bytes:  # it grew since
        raise InputError(
            str(path), None, Msg("rgesn.file.too_large", {"size": len(data), "limit": max_bytes})
        )
    return data


def _exists(path: Path) -> InputError:
    return InputError(str(path), None, Msg("starter.exists"), Msg("starter.exists_fix"))


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
