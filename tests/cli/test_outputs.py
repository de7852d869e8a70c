"""The exact output of the main path of every command, against reviewed golden files.

Each command runs through the CLI (in French, the default, on a 100-column
terminal) on the bundled example or a file made here; paths of the scratch
folder are written ``TMP``. A change of wording or of a figure shows as a diff
to review: ``ECODIGITAL_UPDATE_GOLDEN=1`` rewrites the golden files once the
diff has been read.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = "examples/guichet-mutualise/dossier.yaml"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder with a copy of the examples and a note of the example."""
    folder = tmp_path_factory.mktemp("outputs")
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


def _run(work: Path, *args: str) -> tuple[int, str]:
    env: dict[str, str | None] = {"COLUMNS": "100", "ECODIGITAL_LANG": None}
    old = Path.cwd()
    os.chdir(work)
    try:
        result = CliRunner().invoke(cli, list(args), env=env)
    finally:
        os.chdir(old)
    return result.exit_code, result.output.replace(str(work), "TMP")


def _golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("ECODIGITAL_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with ECODIGITAL_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


CASES = {
    "validate": ("validate", EXAMPLE),
    "assess": ("assess", EXAMPLE, "--deterministic"),
    "assess-ranges": ("assess", EXAMPLE, "--draws", "200", "--seed", "3", "--drivers"),
    "assess-en": ("assess", EXAMPLE, "--deterministic", "--lang", "en"),
    "scenarios": ("scenarios", EXAMPLE, "--deterministic"),
    "finance": ("finance", EXAMPLE),
    "finance-en": ("finance", EXAMPLE, "--lang", "en"),
    "factors-list": ("factors", "list", "--kind", "server"),
    "factors-show": ("factors", "show", "laptop"),
    "factors-search": ("factors", "search", "réseau"),
    "measurements": ("measurements", "summarize", "examples/guichet-mutualise/measures"),
    "docs": ("docs",),
    "init": ("init", "projet"),
    "error-kind": ("validate", "latop.yaml"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_command_output_is_the_reviewed_one(work: Path, name: str) -> None:
    if name == "error-kind":
        text = (
            (work / EXAMPLE).read_text(encoding="utf-8").replace("kind: laptop", "kind: latop", 1)
        )
        (work / "latop.yaml").write_text(text, encoding="utf-8")
    code, output = _run(work, *CASES[name])
    assert code == (2 if name.startswith("error") else 0), output
    _golden(name, output)


def test_verify_and_compare_of_a_note(work: Path) -> None:
    code, output = _run(work, "note", EXAMPLE, "-o", "depot/note.html", "--draws", "100")
    assert code == 0, output
    assert output == "depot/note.html\n"
    code, output = _run(work, "verify", "depot/note.html")
    assert code == 0, output
    _golden("verify", output)
    code, output = _run(work, "compare", "depot/note.html", EXAMPLE)
    assert code == 0, output
    _golden("compare", output)
