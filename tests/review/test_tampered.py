"""Tampered notes of the example dossier, each caught with its field or section named.

The notes are rendered once per module; each test edits a copy. A figure edited in
the visible text must be reported with the section it sits in and the figure the
recomputed results give; a payload field bent with its digest recomputed must be
reported by its field path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ecodigital.jsonio import canonical_json
from ecodigital.report.payload import compute_digest
from ecodigital.review.verify import verify_note

EXAMPLE = Path(__file__).parents[2] / "examples" / "guichet-mutualise" / "dossier.yaml"


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from ecodigital.assessment import Options, run
    from ecodigital.dossier.load import load_dossier
    from ecodigital.report.build import prepare_note, render_note

    folder = tmp_path_factory.mktemp("notes")
    results = run(load_dossier(EXAMPLE), Options())
    prepared = prepare_note(results, lang="fr")
    paths = {}
    for fmt in ("html", "md", "odt"):
        for path, content in render_note(prepared, fmt, folder / f"note.{fmt}").items():
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        paths[fmt] = folder / f"note.{fmt}"
    return paths


def test_honest_notes_hold(notes: dict[str, Path]) -> None:
    for path in notes.values():
        report = verify_note(path)
        assert report.holds, (path, report.differences[:3], report.visible[:3])
        assert report.visible_checked > 500  # the example's note shows over a thousand figures


def _edited_text(source: Path, target: Path, old: str, new: str) -> None:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_visible_figure_edited_is_caught_with_its_section(
    notes: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    source = notes[fmt]
    text = source.read_text(encoding="utf-8")
    # the first total in tCO2e the note shows, halved by hand in the text
    import re

    shown = re.search(r"(\d+,\d+)(\s?)tCO", text)
    assert shown is not None
    edited = shown.group(0).replace(shown.group(1), "0,01")
    target = tmp_path / source.name
    _edited_text(source, target, shown.group(0), edited)
    if fmt == "md":
        (tmp_path / "note.json").write_bytes(source.with_suffix(".json").read_bytes())
    report = verify_note(target)
    assert not report.holds
    assert not report.differences  # the data block is untouched
    assert len(report.visible) == 1
    mismatch = report.visible[0]
    assert mismatch.shown.startswith("0,01")
    assert mismatch.expected.startswith(shown.group(1))
    assert mismatch.location  # a section heading


def _bent(source: Path, target: Path, bend) -> None:  # type: ignore[no-untyped-def]
    payload = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    bend(payload)
    payload["digest"]["value"] = compute_digest(payload)
    target.with_suffix(".json").write_bytes(canonical_json(payload))
    target.write_bytes(source.read_bytes())


def _set(path: str, value: object):  # type: ignore[no-untyped-def]
    """A bend that sets one field of the payload (``a.b[0].c``)."""

    def key(node: object, name: str) -> object:
        return int(name) if isinstance(node, list) else name

    def bend(payload: dict) -> None:  # type: ignore[type-arg]
        node = payload
        keys = path.replace("]", "").replace("[", ".").split(".")
        for name in keys[:-1]:
            node = node[key(node, name)]
        last = key(node, keys[-1])
        node[last] = value(node[last])  # type: ignore[operator]

    return bend


# Each payload bend and the field path the report must name.
BENDS = [
    ("results.per_user_year.gwp.value", "per_user_year.gwp.value", lambda v: v / 2),
    ("results.sci.value.value", "sci.value.value", lambda v: v * 0.9),
    ("results.totals.gwp.range.p95", "totals.gwp.range.p95", lambda v: v * 0.9),
    ("results.totals.gwp.range.p5", "totals.gwp.range.p5", lambda v: v * 1.1),
    ("results.finance.passed", "finance.passed", lambda v: not v),
    (
        "results.finance.report.figures.grant_rate_percent",
        "finance.report.figures.grant_rate_percent",
        lambda v: "40.00",
    ),
    ("results.rgesn.score", "rgesn.score", lambda v: 90.0),
    ("results.rgesn.coverage", "rgesn.coverage", lambda v: 0.9),
    (
        "results.scenarios.scenarios[0].criteria.gwp.change.value",
        "scenarios.scenarios[0].criteria.gwp.change.value",
        lambda v: v * 3,
    ),
    ("results.totals.gwp.value", "totals.gwp.value", lambda v: v / 2),
    ("results.by_tier.terminals.gwp.value", "by_tier.terminals.gwp.value", lambda v: v / 2),
    ("results.by_year.2027.gwp.value", "by_year.2027.gwp.value", lambda v: v * 0.7),
    ("results.rgesn.answered", "rgesn.answered", lambda v: v + 30),
    (
        "results.finance.report.results[0].status",
        "finance.report.results[0].status",
        lambda v: "fail",
    ),
    (
        "results.indicators.gwp_per_rcr11_user.value",
        "indicators.gwp_per_rcr11_user.value",
        lambda v: v / 10,
    ),
]


@pytest.mark.parametrize(("where", "named", "change"), BENDS, ids=[b[1] for b in BENDS])
def test_a_payload_field_bent_with_its_digest_recomputed_is_named(
    notes: dict[str, Path],
    tmp_path: Path,
    where: str,
    named: str,
    change,  # type: ignore[no-untyped-def]
) -> None:
    target = tmp_path / "note.md"
    _bent(notes["md"], target, _set(where, change))
    report = verify_note(target)
    assert report.digest_ok  # the digest was recomputed: only the recomputation catches it
    assert not report.holds
    assert named in [d.figure for d in report.differences], report.differences[:5]


def test_a_faked_dataset_name_is_reported(notes: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    _bent(notes["md"], target, _set("factors_dataset.name", lambda v: "official-ademe-2026"))
    report = verify_note(target)
    assert not report.dataset_shipped
    assert "official-ademe-2026" in report.dataset_declared


def test_a_faked_dataset_version_recomputes_with_that_version_and_fails(
    notes: dict[str, Path], tmp_path: Path
) -> None:
    """The note claims the older shipped dataset 2026.1: recomputed with it, the figures
    (made with 2026.2) do not follow, and the dataset's version itself differs."""
    target = tmp_path / "note.md"
    _bent(notes["md"], target, _set("factors_dataset.version", lambda v: "2026.1"))
    report = verify_note(target)
    assert report.dataset_used.endswith("2026.1")
    assert report.verdict == "fails"
    assert "factors_dataset.version" in [d.figure for d in report.differences]


def test_an_undeclared_override_does_not_hold(notes: dict[str, Path], tmp_path: Path) -> None:
    """A factor value changed in the embedded dossier's results without being declared:
    the recomputation with the reference value gives other figures."""
    target = tmp_path / "note.md"
    _bent(
        notes["md"],
        target,
        _set("results.items.columns.gwp.values[0]", lambda v: v * 0.5),
    )
    report = verify_note(target)
    assert not report.holds
    assert any(d.figure.startswith("items[") for d in report.differences)


def test_a_visible_figure_edited_in_an_odt_is_caught(
    notes: dict[str, Path], tmp_path: Path
) -> None:
    import re
    import zipfile

    source = notes["odt"]
    target = tmp_path / "note.odt"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as edited:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "content.xml":
                text = data.decode()
                shown = re.search(r"(\d+,\d+)(\s?)tCO", text)
                assert shown is not None
                text = text.replace(
                    shown.group(0), shown.group(0).replace(shown.group(1), "0,01"), 1
                )
                data = text.encode()
            edited.writestr(info, data)
    report = verify_note(target)
    assert not report.holds
    assert not report.differences
    assert [m.shown[:4] for m in report.visible] == ["0,01"]
    assert report.visible[0].location


@pytest.fixture(scope="module")
def own_factors_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An honest Markdown note made with a declared override: the laptop's manufacturing
    footprint from a supplier's declaration (250 kgCO2e; the reference says 170)."""
    from ecodigital.assessment import Options, run
    from ecodigital.dossier.load import load_dossier
    from ecodigital.factors.database import load_factors
    from ecodigital.report.build import prepare_note, render_note

    folder = tmp_path_factory.mktemp("own")
    user = folder / "mine.csv"
    user.write_text(
        "id,gwp_manufacturing_kgco2e,source\nlaptop,250,Supplier EPD 2025\n", encoding="utf-8"
    )
    results = run(load_dossier(EXAMPLE), Options(factors=load_factors(user)))
    files = render_note(prepare_note(results, lang="fr"), "md", folder / "note.md")
    for path, content in files.items():
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder / "note.md"


def test_an_honest_note_with_declared_overrides_holds_with_the_second_verdict(
    own_factors_note: Path,
) -> None:
    from ecodigital.review.verify import verify_lines

    report = verify_note(own_factors_note)
    assert report.holds, (report.differences[:3], report.visible[:3])
    assert report.verdict == "holds_own_factors"
    # the value and the source column both differ from the reference row: both are named
    assert ("laptop", "gwp_manufacturing_kgco2e", 250.0, 170.0, "Supplier EPD 2025") in (
        report.overrides
    )
    assert {o[1] for o in report.overrides} == {"gwp_manufacturing_kgco2e", "source"}
    lines = verify_lines(report, "en")
    assert any("laptop" in line and "250" in line and "170" in line for line in lines)
    assert lines[-1].endswith("the note holds, with the applicant's own factors.")
    assert report.to_json()["verdict"] == "holds_own_factors"


def test_an_override_undeclared_in_the_payload_does_not_hold(
    own_factors_note: Path, tmp_path: Path
) -> None:
    """The overrides list emptied (digest recomputed): the recomputation uses the reference
    value 170 for the laptop and the note's figures no longer follow."""
    target = tmp_path / "note.md"
    _bent(own_factors_note, target, _set("results.factors_dataset.overrides", lambda v: []))
    report = verify_note(target)
    assert report.digest_ok
    assert report.verdict == "fails"
    assert any(d.figure.startswith("totals.gwp") for d in report.differences)


def test_the_honest_note_holds_with_the_first_verdict(notes: dict[str, Path]) -> None:
    report = verify_note(notes["html"])
    assert report.verdict == "holds"
    assert report.to_json()["visible"]["mismatches"] == []


# --------------------------------------------------------------------------- PDF
#
# A PDF note is tampered with as a PDF editor does it (tests/pdf_edit.py): in the content
# stream of a real note written by ``ecodigital note``, the glyph codes of a figure are
# replaced by those of other digits of the same font, and the file is written again with
# pypdf, its embedded payload untouched. A doctored HTML laid out again by WeasyPrint
# would be a new note rather than an edited one (other page breaks, a new file), and
# takes seconds each. The new figure is made of the old one's digits in another order,
# so that the font's subset holds every glyph. Where each figure sits is read with
# poppler (``pdftotext``), another reader than ecodigital's, which also shows that the
# edit is what a reader sees.


def _permuted(figure: str) -> str:
    """``figure`` with its digits in another order (a different figure, same glyphs)."""
    digits = [c for c in figure if c.isdigit()]
    for shift in range(1, len(digits)):
        turned = iter(digits[shift:] + digits[:shift])
        other = "".join(next(turned) if c.isdigit() else c for c in figure)
        if other != figure:
            return other
    raise AssertionError(f"{figure} has one digit only")


# Each PDF edit: the heading of the section it is in (``h2``/``h3``; poppler finds its
# page), and the figure edited: the first that the regular expression (its group is the
# figure) finds after the heading on that page, and the unit after it.
PDF_EDITS = [
    ("a total in the summary", "1. Synthèse", r"émet (\d+,\d+) tCO2e", " tCO2e"),
    ("a figure of the results table", "Par critère d'impact", r"≥ (\d+) GJ", " GJ"),
    ("a figure on a later page", "Indicateurs", r"(\d+,\d+) kgCO2e/usager", " kgCO2e/usager"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("what", "section", "pattern", "unit"), PDF_EDITS, ids=[e[0] for e in PDF_EDITS]
)
def test_a_visible_figure_edited_in_a_pdf_is_caught_with_its_page(
    pdf_note: Path, tmp_path: Path, what: str, section: str, pattern: str, unit: str
) -> None:
    from pdf_edit import edit_text, page_of, pdftotext

    from ecodigital.review.verify import verify_lines

    page = page_of(pdf_note, section)
    text = " ".join(pdftotext(pdf_note)[page - 1].split())
    found = re.compile(pattern).search(text, text.index(section))
    assert found is not None, pattern
    old, new = found.group(1), _permuted(found.group(1))
    target = tmp_path / "note.pdf"
    edit_text(pdf_note, target, page, old + unit, new + unit)
    # what a reader of the page sees now
    assert found.group(0).replace(old, new) in " ".join(pdftotext(target)[page - 1].split())
    report = verify_note(target)
    assert report.digest_ok and not report.differences  # the data is untouched
    assert [(m.page, m.part, m.location, m.shown, m.expected) for m in report.visible] == [
        (page, "text", section, new + unit, old + unit)
    ]
    assert report.verdict == "fails"
    row = f"  page {page}, section « {section} » : affiché {new}{unit}, attendu {old}{unit}"
    assert row in verify_lines(report, "fr")


@pytest.mark.slow
def test_a_page_number_edited_in_the_contents_or_a_footer_is_caught(
    pdf_note: Path, tmp_path: Path
) -> None:
    """What the page layout adds is checked too: the contents' page numbers against the
    pages their headings are on, and ``ecodigital N / M`` at the foot of each page."""
    from pdf_edit import edit_text, page_of, pdftotext

    pages = pdftotext(pdf_note)
    contents = page_of(pdf_note, "Sommaire")
    annex = page_of(pdf_note, "Annexe — facteurs d'émission utilisés", nth=1)
    entry = "Annexe — facteurs d'émission utilisés"
    moved = tmp_path / "contents.pdf"
    shown = _permuted(str(annex))  # the annex comes after page 10: two digits
    edit_text(pdf_note, moved, contents, str(annex), shown, whole=True)
    report = verify_note(moved)
    assert [(m.page, m.part, m.location, m.shown, m.expected) for m in report.visible] == [
        (contents, "contents", entry, f"{entry} {shown}", f"{entry} {annex}")
    ]
    footer = f"3 / {len(pages)}"
    renumbered = tmp_path / "footer.pdf"
    edit_text(pdf_note, renumbered, 3, footer, "5" + footer[1:], whole=True)
    assert f"5 / {len(pages)}" in pdftotext(renumbered)[2]
    (mismatch,) = verify_note(renumbered).visible
    assert (mismatch.page, mismatch.part) == (3, "margins")
    assert mismatch.shown.endswith(f"ecodigital 5 / {len(pages)}")
    assert mismatch.expected.endswith(f"ecodigital {footer}")


def _drawn(pdf: Path, page: int) -> bytes:
    """The pixels of a page of ``pdf`` as poppler draws it (greyscale, 40 dpi)."""
    import subprocess

    return subprocess.run(
        ["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout


@pytest.mark.slow
def test_a_figure_drawn_invisible_in_a_pdf_is_missing(pdf_note: Path, tmp_path: Path) -> None:
    """The summary's total still in the file, drawn in the invisible rendering mode
    (``3 Tr``): no reader sees it, so the note does not show it."""
    from pdf_edit import hide_text, pdftotext

    found = re.search(r"émet (\d+,\d+ tCO2e)", " ".join(pdftotext(pdf_note)[0].split()))
    assert found is not None
    target = tmp_path / "note.pdf"
    hidden = hide_text(pdf_note, target, 1, found.group(1))
    # the page looks otherwise: drawn at 40 dpi by poppler, the two first pages differ
    # (poppler's text would not tell: it reads invisible text, as OCR layers use it)
    assert _drawn(pdf_note, 1) != _drawn(target, 1)
    report = verify_note(target)
    # every figure of the run hidden ("9,61 tCO2e [8,07 – 11,9]": the total and its range)
    # is missing, each with the words the note shows after it
    figures = re.findall(r"\d+,\d+(?: tCO2e| –)?", " ".join(hidden.split()))
    assert figures[0] == found.group(1)
    assert [(m.page, m.location, m.shown, m.expected) for m in report.visible] == [
        (1, "1. Synthèse", "", figure) for figure in figures
    ]


@pytest.mark.slow
def test_honest_pdf_notes_hold(pdf_note: Path, own_factors_pdf: Path) -> None:
    """The example's PDF in French holds; in English, made with a declared override, it
    holds with the second verdict."""
    from ecodigital.review.verify import verify_lines

    report = verify_note(pdf_note)
    assert report.verdict == "holds", report.visible[:5]
    assert report.visible_checked > 500  # the note shows some nine hundred figures
    own = verify_note(own_factors_pdf)
    assert own.verdict == "holds_own_factors", own.visible[:5]
    assert own.visible_checked > 500
    assert ("laptop", "gwp_manufacturing_kgco2e", 250.0, 170.0, "Supplier EPD 2025") in (
        own.overrides
    )
    lines = verify_lines(own, "en")
    assert lines[-1].endswith("the note holds, with the applicant's own factors.")
    assert any(line.startswith("Visible text: the ") for line in lines)


@pytest.mark.slow
def test_an_encrypted_pdf_note_is_unreadable(pdf_note: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner
    from pypdf import PdfReader, PdfWriter

    from ecodigital.cli import cli

    writer = PdfWriter(clone_from=PdfReader(pdf_note))
    writer.encrypt("", "owner")
    target = tmp_path / "locked.pdf"
    with target.open("wb") as handle:
        writer.write(handle)
    result = CliRunner().invoke(cli, ["verify", str(target), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {target}: is encrypted")
