"""Which heavy libraries each quick command loads, in a fresh interpreter.

``--help`` loads none of them, nor pydantic. ``validate`` of a YAML dossier
(items listed inline) needs pydantic (the schema) and PyYAML, but neither
numpy nor pandas: its items are checked as records, its factor ids against
the shipped dataset read with the csv module. A CSV inventory is a table:
``validate`` of one reads it with pandas, as ``assess`` does. None of them
loads the measurement, chart or PDF libraries, which cost a second of
imports before any work. An HTML note loads neither a plotting library (its
charts are SVG written by ecodigital) nor the PDF renderer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
HEAVY = ("numpy", "pandas", "pydantic", "codecarbon", "matplotlib", "weasyprint", "jinja2", "scipy")
MARK = "loaded modules:"


def loaded_after(args: list[str], names: tuple[str, ...] = HEAVY) -> tuple[str, list[str]]:
    """What ``ecodigital args`` printed, and the modules of ``names`` it had loaded."""
    code = (
        "import sys\n"
        "from ecodigital.cli import cli\n"
        "try:\n"
        f'    cli({args!r}, prog_name="ecodigital", standalone_mode=False)\n'
        "finally:\n"
        f"    print({MARK!r}, ','.join(m for m in {names!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    printed, _, modules = out.stdout.rpartition(MARK)
    return printed, [m for m in modules.strip().split(",") if m]


def write_csv_dossier(folder: Path) -> Path:
    (folder / "inventory.csv").write_text("id,kind,quantity\npc,laptop,3\n", encoding="utf-8")
    dossier = folder / "dossier.yaml"
    dossier.write_text(
        "format: ecodigital/1\n"
        "project:\n"
        "  name: Imports\n"
        "  beneficiary: {name: Test, type: region}\n"
        "  start_year: 2026\n"
        "  duration_years: 3\n"
        "  horizon_years: 5\n"
        "  users_per_year: [10, 10, 10, 10, 10]\n"
        "inventory: {csv: inventory.csv}\n",
        encoding="utf-8",
    )
    return dossier


def test_help_loads_no_heavy_library() -> None:
    # nor hashlib: the catalogue's cache is named by a CRC-32 (hashlib would load OpenSSL)
    printed, loaded = loaded_after(["--help"], (*HEAVY, "hashlib"))
    assert "validate" in printed  # the help was shown
    assert loaded == []


def test_validate_of_a_yaml_dossier_loads_neither_numpy_nor_pandas() -> None:
    printed, loaded = loaded_after(["validate", str(EXAMPLE)])
    assert "11 éléments" in printed  # the dossier was read whole and found valid
    assert loaded == ["pydantic"]


def test_validate_of_a_csv_inventory_reads_it_with_pandas(tmp_path: Path) -> None:
    printed, loaded = loaded_after(["validate", str(write_csv_dossier(tmp_path))])
    assert "1 élément" in printed
    assert loaded == ["numpy", "pandas", "pydantic"]


def test_assess_loads_the_engine_but_no_chart_or_pdf_library(tmp_path: Path) -> None:
    # nor markupsafe: a table escapes no HTML
    args = ["assess", str(write_csv_dossier(tmp_path)), "--deterministic"]
    printed, loaded = loaded_after(args, (*HEAVY, "markupsafe"))
    assert "Total" in printed
    assert loaded == ["numpy", "pandas", "pydantic"]


def test_an_html_note_loads_no_plotting_pdf_or_measurement_library(tmp_path: Path) -> None:
    # the charts are SVG written by ecodigital: no plotting library; the PDF renderer
    # only for a PDF; CodeCarbon only to measure
    never = ("matplotlib", "weasyprint", "codecarbon", "scipy", "pypdf")
    note = tmp_path / "note.html"
    _, loaded = loaded_after(["note", str(EXAMPLE), "-o", str(note)], (*never, "jinja2"))
    assert note.is_file()
    assert "jinja2" in loaded  # the note was rendered: the check below is about the others
    assert [m for m in loaded if m in never] == []
