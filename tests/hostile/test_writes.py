"""The output writer under real system failures: read-only, full disk, signals, modes.

Disk full and read-only use real tmpfs mounts (root only: skipped elsewhere);
permission denied runs the CLI as the user nobody when we are root; SIGTERM
is sent to a real writing process.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ecodigital.errors import OutputError
from ecodigital.fileio import check_output, write_atomic, write_output

from .corpus import write_dossier

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


def cli(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecodigital", *args],
        cwd=cwd,
        env={**os.environ, "ECODIGITAL_LANG": "fr"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


@contextmanager
def tmpfs(options: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="ecodigital-tmpfs-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        check=False,
        capture_output=True,
    )
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
        folder.rmdir()


@ROOT_ONLY
def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    dossier = write_dossier(tmp_path)
    with tmpfs("size=16k") as disk:
        (disk / "filler").write_bytes(b"x" * 12 * 1024)
        done = cli(
            [
                "assess",
                str(dossier),
                "--deterministic",
                "--format",
                "json",
                "-o",
                str(disk / "r.json"),
            ],
            tmp_path,
        )
        left = sorted(p.name for p in disk.iterdir())
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr
        == f"Erreur : {disk}/r.json: écriture impossible : le disque est plein (rien n'a été laissé). Correction : libérez de la place, ou écrivez sur un autre disque\n"
    )
    assert left == ["filler"]


@ROOT_ONLY
def test_a_read_only_file_system_is_one_line(tmp_path: Path) -> None:
    dossier = write_dossier(tmp_path)
    with tmpfs("size=64k,ro") as disk:
        done = cli(["assess", str(dossier), "--deterministic", "-o", str(disk / "r.txt")], tmp_path)
        left = list(disk.iterdir())
    assert done.returncode == 2, done.stderr
    assert "écriture impossible : le système de fichiers est en lecture seule" in done.stderr
    assert done.stderr.count("\n") == 1 and left == []


def test_a_folder_without_write_permission_is_one_line(tmp_path: Path) -> None:
    dossier = write_dossier(tmp_path)
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:
        # root writes anywhere: run it without the capabilities that override permissions
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) is needed to drop root's capabilities")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    elif os.access(closed, os.W_OK):
        pytest.skip("this user can write in a 0555 folder")
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "ecodigital", "assess", str(dossier), "--deterministic",
         "-o", str(closed / "r.txt")],
        cwd=tmp_path, env={**os.environ, "ECODIGITAL_LANG": "fr"}, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    closed.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr
        == f"Erreur : {closed}/r.txt: écriture impossible : permission refusée. Correction : choisissez un dossier où vous pouvez écrire, ou vérifiez ses droits (ls -ld)\n"
    )
    assert list(closed.iterdir()) == []


def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path: Path) -> None:
    # A writer that stops inside write_atomic (its data is a pipe it reads slowly is not
    # possible: the data is bytes), so the test pauses it with a breakpoint in os.replace.
    program = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "import ecodigital.fileio as f\n"
        "real = os.replace\n"
        "def slow(a, b):\n"
        "    Path(sys.argv[2]).write_text('ready')\n"
        "    time.sleep(30)\n"
        "    real(a, b)\n"
        "f.os.replace = slow\n"
        "f.write_atomic(Path(sys.argv[1]), b'x' * 1000)\n"
    )
    target, ready = tmp_path / "note.html", tmp_path / "ready"
    process = subprocess.Popen([sys.executable, "-c", program, str(target), str(ready)])
    for _ in range(200):
        if ready.exists():
            break
        time.sleep(0.05)
    temps = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(temps) == 1, "the writer is inside write_atomic, its temporary file exists"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == -signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ready"]


def test_a_temporary_file_of_a_killed_writer_is_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".note.html.{dead.stdout.strip()}.abcd1234.tmp"
    stale.write_text("half a note")
    alive = tmp_path / f".note.html.{os.getppid()}.abcd1234.tmp"  # a running writer's: kept
    alive.write_text("being written")
    other = tmp_path / f".other.html.{dead.stdout.strip()}.abcd1234.tmp"  # another target's: kept
    other.write_text("x")
    write_atomic(tmp_path / "note.html", "<p>note</p>")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["note.html", alive.name, other.name]
    )


def test_an_existing_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        write_output(tmp_path / "new.txt", "a", force=False)
        assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    finally:
        os.umask(mask)
    os.umask(0o022)
    try:
        write_output(tmp_path / "default.txt", "a", force=False)
        assert stat.S_IMODE((tmp_path / "default.txt").stat().st_mode) == 0o644
        existing = tmp_path / "existing.txt"
        existing.write_text("old")
        existing.chmod(0o600)
        write_output(existing, "new", force=True)
        assert stat.S_IMODE(existing.stat().st_mode) == 0o600 and existing.read_text() == "new"
    finally:
        os.umask(mask)


def test_a_symlinked_output_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    (tmp_path / "link.txt").symlink_to("real.txt")
    write_output(tmp_path / "link.txt", "new", force=True)
    assert (tmp_path / "link.txt").is_symlink()
    assert real.read_text() == "new" and stat.S_IMODE(real.stat().st_mode) == 0o640


def test_the_system_null_device_is_refused_before_any_write() -> None:
    # Only the check runs here: it refuses before anything is opened or written.
    with pytest.raises(OutputError) as refused:
        check_output(Path("/dev/null"), force=True)
    assert refused.value.message("en") == (
        "/dev/null: is a character device, not a regular file: ecodigital replaces regular "
        "files only, even with --force. Fix: give the path of a regular file, or - for the "
        "standard output where the command allows it"
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
