"""The PDF note: key figures in its text, its embedded payload, page 1 as an image."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import require_missing_tool
from support import EXAMPLE_DATACENTRE_ADDED_KG, payload_of

from ecodigital.i18n.format import format_number
from ecodigital.jsonio import canonical_json
from ecodigital.report.build import render_note
from ecodigital.report.payload import verify_digest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pdf(prepared, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "note.pdf"
    path.write_bytes(render_note(prepared, "pdf", path)[path])
    return path


def _text(path: Path) -> str:
    from pypdf import PdfReader

    raw = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(raw.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_pdf_text_holds_the_key_figures(prepared, pdf):
    rows = [r for r in prepared.results.inputs.table.records() if r["criterion"] == "gwp"]
    total_kg = sum(r["value"] for r in rows if r["value"] is not None)
    user_years = sum(prepared.results.project.users_per_year)
    last_year_users = prepared.results.project.users_per_year[-1]
    # Computed here from the rows, not by the note's code. With dataset 2026.1 the example
    # modelled 10 423 kg; 2026.2 adds 197.2 kg to its data-centre items (distribution, end
    # of life, unrounded and per-drive factors: support.EXAMPLE_DATACENTRE_ADDED_KG), and
    # its app servers' use phase is measured: 76.9 kg over 5 years instead of the 1 091 kg
    # modelled, which leaves 9 606 kg (9.61 t, 0.256 kg per user-year). Every phase now has
    # a figure: the total is complete, with no "≥".
    assert total_kg == pytest.approx(9_408.42309516956 + EXAMPLE_DATACENTRE_ADDED_KG, rel=1e-9)
    expected = [
        f"{format_number(total_kg / 1000, 'fr')} tCO2e",
        f"{format_number(total_kg / 5 / 1000, 'fr')} tCO2e/an",
        f"{format_number(total_kg / user_years, 'fr')} kgCO2e/utilisateur-année",
        f"{format_number(total_kg / last_year_users, 'fr')} kgCO2e/usager",
        "65 %",
        "14 institutions publiques",
    ]
    text = _text(pdf).replace("\u202f", " ")
    for figure in expected:
        assert figure.replace("\u202f", " ") in text, figure
    assert "Note numérique responsable" in text
    assert "Guichet numérique mutualisé du Haut-Doubs" in text


def test_pdf_is_pdfa3_with_the_payload_embedded(prepared, pdf):
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert list(reader.attachments) == ["ecodigital-payload.json"]
    metadata = reader.xmp_metadata
    assert metadata is not None
    xml = metadata.stream.get_data().decode()
    assert 'pdfaid:part="3" pdfaid:conformance="A"' in xml
    payload = payload_of(pdf)
    assert verify_digest(payload)
    assert payload == json.loads(canonical_json(prepared.payload))


def test_page_one_renders_to_png(pdf, tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        require_missing_tool("pdftoppm", "poppler-utils")
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(tmp_path / "page1")],
        check=True,
    )  # fmt: skip
    png = (tmp_path / "page1.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == pytest.approx((496, 702), abs=2)  # A4 at 60 dpi


def test_missing_pdf_libraries_give_one_line_and_suggest_html(monkeypatch):
    import builtins

    from ecodigital.report import pdf as pdf_module

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(pdf_module.PdfUnavailable) as error:
        pdf_module.render_pdf("<p>x</p>", {}, {})
    message = error.value.message()
    assert "\n" not in message
    assert "libpango" in message and "--format html" in message
