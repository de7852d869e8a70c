"""The OpenDocument (ODT) note, for applicants who edit the note before submitting it.

It is the HTML note's body laid out again with odfdo: the same sections,
headings, paragraphs, lists and tables, so the ODT cannot say something the
HTML does not. Text is inserted as text nodes, so nothing a dossier says is
interpreted; the charts are left out (their figures are in the tables beside
them). The payload is the package member ``ecodigital/payload.json``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any, Final

__all__ = ["html_blocks", "render_odt"]

#: Elements whose content is not part of the text of the note.
_SKIPPED: Final = frozenset({"script", "style", "svg", "nav", "head", "title"})
_BLOCKS: Final = frozenset({"h1", "h2", "h3", "h4", "p", "li", "caption", "figcaption"})


class _Blocks(HTMLParser):
    """The note's body as blocks: ``("h", level, text)``, ``("p", text)``,
    ``("list", [text...])`` and ``("table", [[cell...]...], header_rows)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[Any, ...]] = []
        self._skip = 0
        self._text: list[str] | None = None
        self._tag = ""
        self._list: list[str] | None = None
        self._table: list[list[str]] | None = None
        self._header_rows = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in _SKIPPED or "running-title" in classes:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "br":
            self._write("\n")
        elif tag in ("ul", "ol"):
            self._list = []
        elif tag == "table":
            self._table, self._header_rows = [], 0
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in _BLOCKS and self._cell is None:
            self._text, self._tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED or (self._skip and tag == "div"):
            self._skip = max(self._skip - 1, 0)
            return
        if self._skip:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(_clean("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table.append(self._row)
            if self._in_head:
                self._header_rows += 1
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table" and self._table is not None:
            self.blocks.append(("table", self._table, self._header_rows))
            self._table = None
        elif tag in ("ul", "ol") and self._list is not None:
            self.blocks.append(("list", self._list))
            self._list = None
        elif tag == self._tag and self._text is not None:
            text = _clean("".join(self._text))
            self._text = None
            if not text:
                return
            if tag.startswith("h"):
                self.blocks.append(("h", int(tag[1]), text))
            elif tag == "li" and self._list is not None:
                self._list.append(text)
            else:
                self.blocks.append(("p", text))

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._write(data)

    def _write(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._text is not None:
            self._text.append(data)


_ASCII_SPACE: Final = re.compile(r"[ \t\r\f]+")


def _clean(text: str) -> str:
    """Spaces folded as a browser shows them; no-break spaces and line breaks kept."""
    lines = (_ASCII_SPACE.sub(" ", line).strip(" ") for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def html_blocks(html: str) -> list[tuple[Any, ...]]:
    """The blocks of an HTML note's body, in order (headings, paragraphs, lists, tables)."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def render_odt(html: str, context: Mapping[str, Any], payload: Mapping[str, Any]) -> bytes:
    """The ODT bytes of the note laid out from its HTML, with the payload inside the package."""
    from odfdo import Cell, Document, Header, List, ListItem, Paragraph, Row, Table

    from ecodigital.jsonio import canonical_json
    from ecodigital.report.payload import ODT_MEMBER

    meta = context["meta"]
    document = Document("text")
    document.meta.title = f"{meta['title']} — {meta['project']}"
    document.meta.language = context["lang"]
    body = document.body
    body.clear()
    tables = 0
    for block in html_blocks(html):
        kind = block[0]
        if kind == "h":
            body.append(Header(block[1], block[2]))
        elif kind == "p":
            body.append(Paragraph(block[1]))
        elif kind == "list":
            items = List()
            for line in block[1]:
                items.append(ListItem(line))
            body.append(items)
        elif kind == "table":
            tables += 1
            table = Table(f"Table{tables}")
            for position, cells in enumerate(block[1]):
                row = Row()
                style = "Table_20_Heading" if position < block[2] else "Table_20_Contents"
                for value in cells:
                    cell = Cell()
                    cell.append(Paragraph(value, style=style))
                    row.append_cell(cell)
                table.append_row(row)
            body.append(table)
    container = document.container
    assert container is not None  # a new document always has its package
    container.set_part(ODT_MEMBER, canonical_json(payload))
    document.manifest.add_full_path(ODT_MEMBER, "application/json")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
