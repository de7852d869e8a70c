"""Dossier text is data in every format: markup, template syntax and control characters."""

from __future__ import annotations

import html
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import note_of

from ecodigital.report.build import render_note

from .conftest import HOSTILE, TODAY


@pytest.fixture(scope="module")
def hostile_note(hostile_dossier):
    return note_of(hostile_dossier, lang="fr", today=TODAY)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)


def test_html_shows_hostile_text_as_text(hostile_note):
    page = str(render_note(hostile_note, "html", Path("n.html"))[Path("n.html")])
    parser = _Collector()
    parser.feed(page)
    # The only script element is the JSON payload, which browsers do not run.
    assert parser.scripts == [{"type": "application/json", "id": "ecodigital-payload"}]
    text = " ".join(parser.text)
    assert HOSTILE in text  # project name, justification, lever title
    assert text.count(HOSTILE) >= 3
    assert "49" not in text.split(HOSTILE)[0][-5:]
    assert html.escape(HOSTILE, quote=False) in page


def test_markdown_shows_hostile_text_as_text(hostile_note):
    from markdown_it import MarkdownIt

    files = render_note(hostile_note, "md", Path("n.md"))
    markdown = str(files[Path("n.md")])
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<script" not in rendered
    assert "<em>" not in rendered and "<code>" not in rendered
    parser = _Collector()
    parser.feed(rendered)
    assert HOSTILE in " ".join(" ".join(parser.text).split())
    assert "{{ 7*7 }}" not in markdown  # escaped as \{\{ 7\*7 \}\}, shown as written


def test_odt_shows_hostile_text_as_text(hostile_note, tmp_path):
    from odfdo import Document

    path = tmp_path / "n.odt"
    path.write_bytes(render_note(hostile_note, "odt", path)[path])
    document = Document(path)
    text = document.get_formatted_text()
    assert HOSTILE in text
    with zipfile.ZipFile(path) as package:
        content = package.read("content.xml").decode()
    assert "<script>" not in content
    assert "&lt;script&gt;" in content


def test_user_template_is_sandboxed(tmp_path, hostile_dossier):
    from ecodigital.errors import InputError

    folder = tmp_path / "tpl" / "sections"
    folder.mkdir(parents=True)
    (folder / "levers.md.j2").write_text(
        "{{ meta.project.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    note = note_of(hostile_dossier, lang="fr", today=TODAY, template_dir=tmp_path / "tpl")
    with pytest.raises(InputError, match="template error: SecurityError"):
        render_note(note, "md", tmp_path / "n.md")


def test_user_template_overrides_one_section(tmp_path, example):
    folder = tmp_path / "tpl" / "sections"
    folder.mkdir(parents=True)
    (folder / "levers.md.j2").write_text(
        "## Leviers\n\n{% for l in levers.rows %}* {{ l.title }}\n{% endfor %}\n", encoding="utf-8"
    )
    note = note_of(example, lang="fr", today=TODAY, template_dir=tmp_path / "tpl")
    text = str(render_note(note, "md", tmp_path / "n.md")[tmp_path / "n.md"])
    assert "* Allonger la vie des postes des agents\n" in text
    assert "## 7. Leviers de réduction" not in text
    assert "## 8. Principes horizontaux" in text


@pytest.mark.slow
def test_pdf_shows_hostile_text_as_text(hostile_note, tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "n.pdf"
    path.write_bytes(render_note(hostile_note, "pdf", path)[path])
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "<script>alert(1)</script> {{ 7*7 }} {% raw %} \\textbf{x}" in text
