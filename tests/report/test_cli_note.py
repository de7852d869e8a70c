"""ecodigital note and ecodigital demo, driven through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import payload_of

from ecodigital.cli import cli
from ecodigital.i18n.format import format_number
from ecodigital.report.payload import verify_digest

from .conftest import EXAMPLE


def test_note_markdown_writes_the_note_and_its_sidecar(tmp_path):
    out = tmp_path / "note.md"
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{out}\n{tmp_path / 'note.json'}\n"
    assert out.read_text(encoding="utf-8").startswith("# Note numérique responsable\n")
    assert verify_digest(payload_of(out))


def test_note_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "note.html"
    out.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 2
    assert result.output == (
        f"Erreur : {out}: existe déjà. Correction : choisissez un autre chemin ou ajoutez --force pour le remplacer\n"
    )
    assert out.read_text(encoding="utf-8") == "keep me"
    result = CliRunner().invoke(
        cli, ["note", str(EXAMPLE), "-o", str(out), "--force", "--lang", "en"]
    )
    assert result.exit_code == 0
    assert '<html lang="en">' in out.read_text(encoding="utf-8")


def test_note_never_writes_over_its_dossier(tmp_path):
    dossier = tmp_path / "dossier.md"
    dossier.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["note", str(dossier), "-o", str(dossier), "--force"])
    assert result.exit_code == 2
    assert "est une entrée de cette commande" in result.output


def test_note_format_comes_from_the_extension(tmp_path):
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(tmp_path / "note.docx")])
    assert result.exit_code == 2
    assert result.output.startswith("Erreur : ")
    assert "impossible de déduire le format de l'extension « .docx »" in result.output
    assert "--format" in result.output
    out = tmp_path / "note.txt"
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(out), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "note.json").exists()


@pytest.mark.slow
def test_demo_writes_pdf_and_html_and_says_where(tmp_path):
    args = ["demo", "-o", str(tmp_path / "demo"), "--draws", "200", "--seed", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1. validation : OK :")
    assert f"   {tmp_path / 'demo' / 'note.pdf'}\n" in result.output
    assert f"   {tmp_path / 'demo' / 'note.html'}\n" in result.output
    payload = payload_of(tmp_path / "demo" / "note.pdf")
    assert verify_digest(payload)
    ranges = payload["results"]["uncertainty"]
    assert (ranges["draws"], ranges["seed"]) == (200, 2)
    # the assess step shows the same range as the note: 9 605.7 kgCO2e, complete (dataset
    # 2026.2 gives every phase of the data-centre items; tests/support.py has the arithmetic)
    gwp = payload["results"]["totals"]["gwp"]["range"]
    low, high = (format_number(gwp[k] / 1000, "fr") for k in ("p5", "p95"))
    assert f"  9,61 tCO2e [{low} – {high}]" in result.output


def test_demo_deterministic_has_no_range(tmp_path):
    args = ["demo", "-o", str(tmp_path / "demo"), "--deterministic", "--lang", "en"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert " 9.61 tCO2e\n" in result.output and "≥ 9.61" not in result.output
    html = (tmp_path / "demo" / "note.html").read_text(encoding="utf-8")
    assert "No uncertainty range was computed for this note" in html


def test_demo_example_is_found_through_the_data_folder():
    from ecodigital.demo import example_dossier

    assert example_dossier().read_bytes() == Path(EXAMPLE).read_bytes()


def test_new_commands_are_documented():
    root = Path(__file__).resolve().parents[2]
    note_doc = (root / "docs" / "note.md").read_text(encoding="utf-8")
    rgesn_doc = (root / "docs" / "rgesn.md").read_text(encoding="utf-8")
    for option in (
        "--format", "--lang", "--template-dir", "--factors", "--rules", "--force", "--draws",
        "--seed", "--deterministic",
    ):  # fmt: skip
        assert option in note_doc
    assert "ecodigital demo" in note_doc
    for option in ("--export FILE", "--import FILE", ".xlsx", ".ods"):
        assert option in rgesn_doc
