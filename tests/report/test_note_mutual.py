"""The PDF note of the mutualised example: the members' section is there, whole, on the page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_layout import lonely_rows, words_outside

from ecodigital.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "epci-communes" / "dossier.yaml"
MARGINS = {"left_mm": 16, "right_mm": 16, "top_mm": 5, "bottom_mm": 5}


@pytest.fixture(scope="module")
def pdf_note(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("mutual-note")
    for suffix in ("pdf", "html"):
        out = folder / f"note.{suffix}"
        result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(out), "--draws", "200"])
        assert result.exit_code == 0, result.output
    return folder / "note.pdf", folder / "note.html"


def test_the_pdf_shows_each_member_and_its_cost(pdf_note: tuple[Path, Path]) -> None:
    pdf, _ = pdf_note
    text = (
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        )
        .stdout.replace("\u202f", " ")
        .replace("\u00a0", " ")
    )
    # the contents list the section, and the section is there
    assert text.count("Mutualisation : part de chaque membre") == 2
    # each commune's population and its part of 191 316 EUR (191 316 × population / 10 000)
    for name, population, cost in (
        ("Commune d'Exemple-sur-Loue", "4 200", "80 352,72 €"),
        ("Commune de Fictive-le-Bourg", "2 600", "49 742,16 €"),
        ("Commune de Modèle-les-Bois", "1 500", "28 697,40 €"),
        ("Commune de Spécimen", "1 100", "21 044,76 €"),
        ("Commune d'Essai-la-Côte", "600", "11 478,96 €"),
    ):
        line = next(line for line in text.splitlines() if line.strip().startswith(name))
        assert population in line and cost in line, line
    assert "191 316 €" in text


@pytest.mark.slow
def test_the_members_tables_stay_on_the_page(pdf_note: tuple[Path, Path]) -> None:
    pdf, html = pdf_note
    outside = words_outside(pdf, **MARGINS)
    assert outside == [], [(w.page, w.text, round(w.x_max)) for w in outside[:10]]
    assert lonely_rows(html.read_text(encoding="utf-8")) == []


def test_the_odt_note_has_the_members_table(tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "note.odt"
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(out), "--draws", "100"])
    assert result.exit_code == 0, result.output
    content = zipfile.ZipFile(out).read("content.xml").decode("utf-8")
    start = content.index("Mutualisation : part de chaque membre")
    section = content[start:].replace("\u202f", " ")
    assert "Commune de Spécimen" in section and "21 044,76 €" in section
