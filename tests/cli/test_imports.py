"""Which heavy libraries each quick command loads, in a fresh interpreter.

``--help`` loads none of them. ``validate`` of a YAML dossier needs pandas (the
inventory is a table) and pydantic (the schema), but never the measurement,
chart or PDF libraries, which cost a second of imports before any work. An HTML
note loads neither a plotting library (its charts are SVG written by ecodigital)
nor the PDF renderer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
NEVER_FOR_VALIDATE = ("codecarbon", "matplotlib", "weasyprint", "jinja2", "scipy")


def loaded_after(args: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules of ``names`` in ``sys.modules`` once ``ecodigital args`` has run."""
    code = (
        "import sys\n"
        "from ecodigital.cli import cli\n"
        "try:\n"
        f'    cli({args!r}, prog_name="ecodigital", standalone_mode=False)\n'
        "finally:\n"
        f"    print(','.join(m for m in {names!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return [m for m in out.stdout.strip().splitlines()[-1].split(",") if m]


def test_validate_loads_no_measurement_chart_or_pdf_library() -> None:
    loaded = loaded_after(["validate", str(EXAMPLE)], (*NEVER_FOR_VALIDATE, "pandas"))
    # pandas is loaded: the check below is about the others, not a run that did nothing
    assert "pandas" in loaded
    assert [m for m in loaded if m in NEVER_FOR_VALIDATE] == []


def test_an_html_note_loads_no_plotting_pdf_or_measurement_library(tmp_path: Path) -> None:
    # the charts are SVG written by ecodigital: no plotting library; the PDF renderer
    # only for a PDF; CodeCarbon only to measure
    never = ("matplotlib", "weasyprint", "codecarbon", "scipy", "pypdf")
    note = tmp_path / "note.html"
    loaded = loaded_after(["note", str(EXAMPLE), "-o", str(note)], (*never, "jinja2"))
    assert note.is_file()
    assert "jinja2" in loaded  # the note was rendered: the check below is about the others
    assert [m for m in loaded if m in never] == []
