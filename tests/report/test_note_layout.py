"""The example's note, in French and English, checked by machine as a reader gets it.

- no word of the PDF's text layer leaves the printable area of its page
  (``pdftotext -bbox-layout``), so no column is cut off;
- no table leaves one of its rows alone on a page (WeasyPrint's own layout);
- the PDF is tagged (a structure tree with headings, tables and described
  figures, the document's language) and still PDF/A-3, its payload attached.

The detectors themselves are checked first, on documents made to fail them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_layout import lonely_rows, structure, words, words_outside

from ecodigital.cli import cli
from ecodigital.report.payload import PAYLOAD_FORMAT

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
#: The note's @page margins (templates/note/note.css), and a printer's unprintable border.
MARGINS = {"left_mm": 16, "right_mm": 16, "top_mm": 5, "bottom_mm": 5}


@pytest.fixture(scope="module", params=["fr", "en"])
def note(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    lang = request.param
    folder = tmp_path_factory.mktemp(f"note-{lang}")
    for suffix in ("pdf", "html"):
        result = CliRunner().invoke(
            cli, ["note", str(EXAMPLE), "-o", str(folder / f"note.{suffix}"), "--lang", lang]
        )
        assert result.exit_code == 0, result.output
    return {"lang": lang, "pdf": folder / "note.pdf", "html": folder / "note.html"}


# --------------------------------------------------------------------------- the detectors


def _pdf(tmp_path: Path, html: str) -> Path:
    import weasyprint

    path = tmp_path / "made.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    return path


@pytest.mark.slow
def test_the_margin_detector_sees_a_cell_cut_off_by_the_page(tmp_path: Path) -> None:
    style = "<style>@page { size: A4; margin: 16mm } td { white-space: nowrap }</style>"
    fits = f"<html>{style}<body><table><tr><td>Complétude</td></tr></table></body></html>"
    cells = "".join(f"<td>cellule{n}</td>" for n in range(30))
    overflows = f"<html>{style}<body><table><tr>{cells}</tr></table></body></html>"
    assert words_outside(_pdf(tmp_path, fits), **MARGINS) == []
    outside = words_outside(_pdf(tmp_path, overflows), **MARGINS)
    # the cells past the page's edge are cut: the text layer keeps the word across the edge
    assert outside and all(word.text.startswith("cellule") for word in outside)


def _long_table(rows_before: int, css: str = "") -> str:
    filler = "".join(f"<p>ligne {i}</p>" for i in range(rows_before))
    rows = "".join(f"<tr><td>rang {i}</td></tr>" for i in range(6))
    style = (
        "@page { size: A4; margin: 20mm } p { margin: 0; line-height: 20px } td { height: 14px }"
    )
    return (
        f"<html><head><style>{style} {css}</style></head><body>{filler}"
        f"<table><thead><tr><th>en-tête</th></tr></thead><tbody>{rows}</tbody></table>"
        "</body></html>"
    )


@pytest.mark.slow
def test_the_lonely_row_detector_sees_a_last_row_alone_and_the_css_keeps_it_company() -> None:
    # 41 lines of 20 px leave room for 5 rows of 6 on an A4 page with 20 mm margins
    assert lonely_rows(_long_table(41)) == ["table starting 'en-tête': rows per page {1: 5, 2: 1}"]
    css = (ROOT / "templates" / "note" / "note.css").read_text(encoding="utf-8")
    rules = css[css.index("tbody tr:first-child") : css.index("}", css.index("tr:last-child")) + 1]
    assert lonely_rows(_long_table(41, rules)) == []
    assert lonely_rows(_long_table(45, rules)) == []  # a first row alone, too


@pytest.mark.slow
def test_a_url_run_longer_than_its_column_wraps_inside_the_page(tmp_path: Path) -> None:
    """Printed URLs wrap at their slashes and hyphens; a longer run with neither, here 160
    letters in the annex's source column, wraps at the pieces the annex gives it."""
    from ecodigital.report.note.annex import url_parts
    from ecodigital.report.templating import note_environment

    run = "z" * 160
    env = note_environment("html")
    css = env.loader.get_source(env, "note.css")[0]
    t = {key: key for key in ("annex_title", "annex_intro", "factor", "factor_values",
                              "uncertainty", "source", "basis", "colon", "machine_title")}  # fmt: skip
    t["machine_text"] = "{format} {digest}"
    url = f"https://example.org/{run}"
    row = {"id": "f", "label": "f", "basis": "b", "values": "1 kgCO2e", "uncertainty": "×2",
           "source": "Source", "year": 2024, "licence": "CC-BY", "url": url,
           "url_parts": url_parts(url)}  # fmt: skip
    section = env.get_template("sections/annex.html.j2").render(
        t=t, annex=[row], meta={"payload_format": "p", "digest": "d"}
    )
    path = _pdf(tmp_path, f"<html><head><style>{css}</style></head><body>{section}</body></html>")
    assert words_outside(path, **MARGINS) == []
    found, _ = words(path)
    lines = [word.text for word in found if "z" in word.text]
    assert len(lines) > 1 and "".join(lines).count("z") == len(run), lines


def test_a_url_is_cut_only_in_its_runs_longer_than_the_limit() -> None:
    from ecodigital.report.note.annex import url_parts

    assert url_parts("") == [""]
    plain = "https://www.cloudcarbonfootprint.org/docs/methodology"
    assert url_parts(plain, 32) == [plain]  # runs of 28 letters at most
    assert url_parts("https://x.org/" + "a" * 70, 32) == [
        "https://x.org/" + "a" * 32,
        "a" * 32,
        "a" * 6,
    ]
    assert url_parts("ab-cdef", 2) == ["ab-cd", "ef"]


# --------------------------------------------------------------------------- the note


@pytest.mark.slow
def test_no_text_leaves_the_printable_area(note: dict) -> None:
    outside = words_outside(note["pdf"], **MARGINS)
    assert outside == [], [(w.page, w.text, round(w.x_max)) for w in outside[:10]]


@pytest.mark.slow
def test_no_table_row_is_alone_on_a_page(note: dict) -> None:
    assert lonely_rows(note["html"].read_text(encoding="utf-8")) == []


@pytest.mark.slow
def test_the_pdf_is_tagged_and_stays_pdf_a_3_with_its_payload(note: dict) -> None:
    found = structure(note["pdf"])
    assert found["marked"] is True
    assert found["lang"] == note["lang"]
    roles = found["roles"]
    for role in ("/Document", "/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Table", "/TR", "/TH",
                 "/TD", "/Figure", "/Caption"):  # fmt: skip
        assert roles[role] > 0, role
    # every chart is described: its alternative text is the chart's own description
    assert len(found["figures_alt"]) == 4
    assert all(alt and len(alt) > 40 for alt in found["figures_alt"])
    metadata = found["metadata"]
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="A"' in metadata
    payload = json.loads(found["attachments"]["ecodigital-payload.json"][0])
    assert payload["format"] == PAYLOAD_FORMAT
    assert set(found["af"]) == {"/Data"}
