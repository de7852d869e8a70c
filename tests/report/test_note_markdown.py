"""The Markdown note: the example against a reviewed golden file, and both languages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from support import note_of

from ecodigital import __version__
from ecodigital.report.build import render_note

from .conftest import EXAMPLE, TODAY

GOLDEN = Path(__file__).parent / "golden" / "note-example.fr.md"


def _markdown(lang: str = "fr") -> str:
    note = note_of(EXAMPLE, lang=lang, today=TODAY)
    files = render_note(note, "md", Path("note-example.md"))
    return str(files[Path("note-example.md")])


def _without_volatile(text: str) -> str:
    """The tool version and the digest change with every release, not the content."""
    text = text.replace(f"ecodigital {__version__}", "ecodigital VERSION")
    return re.sub(r"[0-9a-f]{64}", "DIGEST", text)


def test_markdown_note_of_the_example_matches_the_reviewed_golden_file():
    text = _without_volatile(_markdown("fr"))
    if os.environ.get("ECODIGITAL_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_messages_catalogues_have_the_same_keys():
    from ecodigital.report.note import load_messages

    french, english = load_messages("fr"), load_messages("en")
    assert set(french) == set(english)
    for key, value in french.items():
        assert type(value) is type(english[key]), key
        if isinstance(value, list):
            assert len(value) == len(english[key]), key


def test_english_note_is_complete_and_in_english():
    text = _markdown("en")
    for heading in (
        "## 1. Summary", "## 2. Scope and functional unit", "## 3. Method and data",
        "## 4. Results", "## 5. Measurements", "## 6. Eco-design approach (RGESN 2024)",
        "## 7. Reduction levers", "## 9. Financing and indicators",
        "## 10. Assumptions, limits and warnings", "## Annex — emission factors used",
    ):  # fmt: skip
        assert heading in text
    assert "9.61 tCO2e" in text and "≥\u00a09.61" not in text
    assert "65 %" in text
    # No French sentence leaks into the English note (dossier text is French, by design).
    for french in ("Synthèse", "Périmètre", "non disponible", "Hypothèses", "minorant"):
        assert french not in text


def test_markdown_renders_to_the_expected_structure():
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(_markdown("fr"))
    assert html.count("<h2>") == 11
    assert "<script" not in html
    assert html.count("<table>") >= 15


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_section_is_present(lang):
    text = _markdown(lang)
    assert len(re.findall(r"^## ", text, flags=re.M)) == 11
