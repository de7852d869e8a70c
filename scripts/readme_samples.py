#!/usr/bin/env python3
"""Rewrite the sample outputs of README.md by running the commands they show.

    python scripts/readme_samples.py          # rewrite README.md's samples
    python scripts/readme_samples.py --check  # exit 1 if one is out of date

A sample is a ``console`` block just after a ``<!-- sample: NAME -->`` line.
Each command of the sample runs for real, in a scratch folder holding a copy
of ``examples/``, in French (the default language) on a 100-column terminal;
its output is cut to the lines the sample keeps, with ``...`` where lines are
left out. Paths of the scratch folder and of the checkout are written
``...``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLE = "examples/guichet-mutualise/dossier.yaml"


@dataclass(frozen=True)
class Command:
    """One command of a sample and the runs of its output's lines it keeps (``None``: every
    line). A run is ``(start, count)``: ``start`` is a line number (1-based, negative from the
    end) or the first line that contains a text; ``count`` lines are kept from there."""

    args: str
    keep: tuple[tuple[int | str, int], ...] | None = None
    shown_as: str | None = None  # the command line as the README shows it, when shorter


@dataclass(frozen=True)
class Sample:
    commands: tuple[Command, ...]
    setup: tuple[str, ...] = field(default=())  # commands run first, output not shown


SAMPLES: dict[str, Sample] = {
    "demo": Sample((Command("demo", ((1, 4), ("3. note :", 4))),)),
    "init-validate": Sample(
        (
            Command("init mon-projet"),
            Command(f"validate {EXAMPLE}"),
            Command("validate dossier.yaml"),
            Command("validate dossier.yaml --lang en"),
        ),
        setup=("make-french-kind",),
    ),
    "docs": Sample((Command("docs", ((1, 5),)),)),
    "assess": Sample(
        (
            Command(
                f"assess {EXAMPLE} --drivers",
                (
                    (1, 13),
                    ("Principaux facteurs", 5),
                    ("Principaux contributeurs", 7),
                    ("Hypothèses et avertissements", 3),
                ),
            ),
        )
    ),
    "scenarios": Sample((Command(f"scenarios {EXAMPLE}", (("Leviers standard", 7),)),)),
    "finance": Sample((Command(f"finance {EXAMPLE}", ((1, 18), ("Verdict", 1))),)),
    "verify": Sample(
        (Command("verify depot/note-cc-haut-doubs.html"),),
        setup=(f"note {EXAMPLE} -o depot/note-cc-haut-doubs.html",),
    ),
    "factors": Sample((Command("factors list --kind server"),)),
}

_MARKER = re.compile(r"<!-- sample: ([a-z-]+) -->\n```console\n(.*?)```\n", re.S)


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECODIGITAL_")}
    env.update(COLUMNS="100", LINES="50", PYTHONDONTWRITEBYTECODE="1")
    return env


def _run(args: str, work: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ecodigital", *args.split()],
        cwd=work,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result.stdout + result.stderr


def _setup(step: str, work: Path) -> None:
    if step == "make-french-kind":
        # a dossier whose item's kind is written in French (the test of the README's
        # validate samples, tests/cli/test_misc.py, writes the same one)
        (work / "dossier.yaml").write_text(
            "format: ecodigital/1\nproject:\n  name: X\n  beneficiary: {name: X, type: commune}\n"
            "  start_year: 2026\n  duration_years: 1\n  horizon_years: 1\n  users_per_year: [10]\n"
            "inventory:\n  - {id: postes, kind: ordinateur portable}\n",
            encoding="utf-8",
        )
        return
    (work / "depot").mkdir(exist_ok=True)
    _run(step, work)


def _kept(lines: list[str], keep: tuple[tuple[int | str, int], ...] | None) -> list[str]:
    if keep is None:
        return lines
    out: list[str] = []
    last = 0
    for anchor, count in keep:
        if isinstance(anchor, str):
            found = [i for i, line in enumerate(lines, 1) if anchor in line and i > last]
            if not found:
                raise SystemExit(f"no line contains {anchor!r} in:\n" + "\n".join(lines))
            start = found[0]
        else:
            start = anchor if anchor > 0 else len(lines) + anchor + 1
        if start > last + 1:
            out.append("...")
        out.extend(lines[start - 1 : start - 1 + count])
        last = start - 1 + count
    if last < len(lines):
        out.append("...")
    return out


def render(name: str, sample: Sample) -> str:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copytree(ROOT / "examples", work / "examples")
        for step in sample.setup:
            _setup(step, work)
        out: list[str] = []
        for command in sample.commands:
            text = _run(command.args, work)
            for path in (str(work.resolve()), folder, str(ROOT)):
                text = text.replace(path, "...")
            out.append(f"$ ecodigital {command.shown_as or command.args}")
            out.extend(
                line.rstrip() for line in _kept(text.rstrip("\n").splitlines(), command.keep)
            )
    return "\n".join(out) + "\n"


def updated(readme: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in SAMPLES:
            raise SystemExit(f"README.md names an unknown sample {name!r}")
        return f"<!-- sample: {name} -->\n```console\n{render(name, SAMPLES[name])}```\n"

    return _MARKER.sub(replace, readme)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    current = README.read_text(encoding="utf-8")
    names = {match.group(1) for match in _MARKER.finditer(current)}
    missing = set(SAMPLES) - names
    if missing:
        print(f"README.md has no block for the samples {sorted(missing)}")
        return 1
    text = updated(current)
    if "--check" in sys.argv[1:]:
        if text != current:
            print(
                "README.md's sample outputs are out of date: run python scripts/readme_samples.py"
            )
            return 1
        print("README.md's sample outputs are up to date")
        return 0
    README.write_text(text, encoding="utf-8")
    print("README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
