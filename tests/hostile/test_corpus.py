"""Run the hostile corpus through the real CLI: exit code, one-line message, inputs intact.

For each case: a fresh folder ``work`` (the case's files) beside ``outside``
(files the case must not reach); a snapshot of the whole tree (content,
mode, inode, symlink target) before and after; the command run in ``work``,
in-process with click's runner, or in a subprocess when it needs a process
limit. Every entry must be unchanged afterwards and the only new files are
the case's declared outputs; no temporary file may remain.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli

from .corpus import CASES, V3_EMISSIONS, Case

#: A case that takes longer than this hangs (a FIFO read, say): fail, do not wait.
TIMEOUT_S = 60

Entry = tuple[int, int, str, str]


def snapshot(root: Path) -> dict[str, Entry]:
    """Every entry under ``root``: (mode, inode, symlink target, content digest)."""
    entries: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            info = path.lstat()
            target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else ""
            digest = ""
            if stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            entries[str(path.relative_to(root))] = (info.st_mode, info.st_ino, target, digest)
    return entries


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"the command did not finish in {seconds} s (a blocking read?)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def prepare(tmp_path: Path, case: Case) -> Path:
    work, outside = tmp_path / "work", tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    shutil.copy(V3_EMISSIONS, outside / "emissions.csv")
    (outside / "items.csv").write_text("id,kind\nsecret,laptop\n", encoding="utf-8")
    (outside / "secret.j2").write_text("secret", encoding="utf-8")
    (outside / "x.json").write_text('{"format": "not a sidecar"}', encoding="utf-8")
    case.setup(work)
    return work


def run(case: Case, work: Path) -> tuple[int, str, str]:
    env = {"ECODIGITAL_LANG": "fr", **case.env}
    if case.subprocess:
        limit = int(env.pop("HOSTILE_FSIZE", "0"))
        program = (
            "import resource, sys\n"
            f"if {limit}: resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
            "from ecodigital.cli import main\n"
            "sys.argv[0] = 'ecodigital'\n"
            "main()\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", program, *case.args],
            cwd=work,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr
    cwd = Path.cwd()
    os.chdir(work)
    try:
        with deadline(TIMEOUT_S):
            result = CliRunner(env=env).invoke(cli, list(case.args), catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


def params() -> list[object]:
    return [
        pytest.param(case, id=case.id, marks=[pytest.mark.slow] if case.slow else [])
        for case in CASES
    ]


@pytest.mark.parametrize("case", params())
def test_case(tmp_path: Path, case: Case) -> None:
    work = prepare(tmp_path, case)
    before = snapshot(tmp_path)
    code, stdout, stderr = run(case, work)
    after = snapshot(tmp_path)

    assert code in (0, 1, 2), f"exit {code} (3 is a bug, never a user's input): {stderr}"
    assert code == case.code, stderr or stdout
    assert "Traceback" not in stderr
    if case.code == 0:
        shown = stdout + stderr
        for fragment in case.message:
            assert fragment in shown, shown
    else:
        assert stderr.startswith(("Erreur : ", "Error: ")), stderr
        assert stderr.count("\n") == 1, f"not one line: {stderr!r}"
        for fragment in case.message:
            assert fragment in stderr, stderr
    changed = {name for name in before if after.get(name) != before[name]}
    assert changed == set(), f"inputs changed: {sorted(changed)}"
    created = set(after) - set(before)
    allowed = {f"work/{name}" for name in case.outputs}
    assert created <= allowed, f"written outside the outputs: {sorted(created - allowed)}"
    assert not [name for name in after if name.endswith(".tmp")], "a temporary file was left"
    for name in allowed & created:
        assert stat.S_IMODE(after[name][0]) == 0o666 & ~_umask(), "a new file follows the umask"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_the_corpus_is_large_and_never_expects_an_internal_error() -> None:
    assert len(CASES) >= 80
    assert len({case.id for case in CASES}) == len(CASES), "case ids are unique"
    assert {case.code for case in CASES} <= {0, 1, 2}
