"""``ecodigital note`` says on stderr what the note cannot say, and --strict makes it an error."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from support import base_dossier, write_yaml

from ecodigital.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


def note(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"ECODIGITAL_LANG": None}).invoke(cli, ["note", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_bare_dossier_gets_a_note_and_each_gap_on_stderr(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "dossier.yaml", base_dossier(institutions=None))
    out = tmp_path / "note.md"
    code, stdout, stderr = note(str(path), "-o", str(out), "--deterministic")
    assert code == 0, stderr
    assert stdout == f"{out}\n{tmp_path / 'note.json'}\n"  # the files written, on stdout
    assert out.exists()
    assert stderr.splitlines() == [
        "Avertissement : la section 9 (financement) est vide : le dossier n'a pas de budget "
        "(ajoutez budget, voir ecodigital docs finance)",
        "Avertissement : la section 8 (principes horizontaux, données personnelles, critères "
        "techniques) est vide : ajoutez applicant au dossier",
        "Avertissement : la section 6 (écoconception) est vide : remplissez l'autoévaluation "
        "avec ecodigital rgesn",
        "Avertissement : la section 7 n'a aucun levier de réduction : ajoutez levers au dossier",
        "Avertissement : l'indicateur RCO 14 n'est pas renseigné : ajoutez project.institutions",
    ]


def test_strict_makes_a_gap_an_error_after_writing_the_draft(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "dossier.yaml", base_dossier())
    out = tmp_path / "note.md"
    code, _, stderr = note(str(path), "-o", str(out), "--deterministic", "--strict")
    assert code == 1
    assert stderr.splitlines()[-1] == "Erreur : 4 manques dans la note (--strict)"
    assert out.exists()  # the draft is written: a user reads what is missing in it


def test_a_failing_financing_plan_is_said(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "{source: feder, amount: 160000}", "{source: feder, amount: 260000}"
    )
    shutil.copytree(EXAMPLE.parent / "measures", tmp_path / "measures")
    path = tmp_path / "dossier.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, stderr = note(str(path), "-o", str(tmp_path / "n.md"), "--deterministic", "--strict")
    assert code == 1
    assert "Avertissement : le plan de financement ne respecte pas 3 règles : " in stderr
    assert "grant-rate" in stderr


def test_the_example_has_no_gap() -> None:
    # every section of the example is filled, and its financing passes
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "note.md"
        code, _, stderr = note(str(EXAMPLE), "-o", str(out), "--deterministic", "--strict")
    assert (code, stderr) == (0, "")


def test_gaps_in_english(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "dossier.yaml", base_dossier())
    result = CliRunner().invoke(
        cli, ["note", str(path), "-o", str(tmp_path / "n.md"), "--deterministic", "--lang", "en"]
    )
    assert result.exit_code == 0
    assert "Warning: section 9 (financing) is empty: the dossier has no budget" in result.stderr
