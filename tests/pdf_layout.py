"""How a PDF note is laid out, read back by machine: text boxes, table rows per page, tags.

- :func:`words_outside` reads every word's box with poppler's ``pdftotext
  -bbox-layout`` (the text layer a reader, a printer or a screen reader gets)
  and returns those that leave the page's printable area.
- :func:`lonely_rows` lays the HTML out with WeasyPrint, as the PDF is, and
  returns the tables that leave one row alone on a page.
- :func:`structure` reads the tagged PDF's structure tree with pypdf.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MM", "Word", "lonely_rows", "structure", "words_outside"]

#: Points in a millimetre.
MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(pdf: Path) -> tuple[list[Word], list[tuple[float, float]]]:
    """Every word of ``pdf`` with its box (points, origin top left), and each page's size."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    root = ET.fromstring(out)
    found: list[Word] = []
    sizes = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        sizes.append((float(page.get("width", 0)), float(page.get("height", 0))))
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            found.append(
                Word(
                    number,
                    word.text or "",
                    *(float(word.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")),
                )
            )
    return found, sizes


def words_outside(
    pdf: Path, *, left_mm: float, right_mm: float, top_mm: float, bottom_mm: float
) -> list[Word]:
    """Words of ``pdf`` that leave the printable area (the page less these margins).

    The margins are those of the content box horizontally; vertically, the
    running header and footer sit in the page margins, so only a printer's
    unprintable border is kept out (``top_mm``, ``bottom_mm``).
    """
    found, sizes = words(pdf)
    tolerance = 0.5  # a glyph's side bearing
    outside = []
    for word in found:
        width, height = sizes[word.page - 1]
        if (
            word.x_min < left_mm * MM - tolerance
            or word.x_max > width - right_mm * MM + tolerance
            or word.y_min < top_mm * MM
            or word.y_max > height - bottom_mm * MM
        ):
            outside.append(word)
    return outside


def lonely_rows(html: str) -> list[str]:
    """Tables whose body rows leave one row alone on a page (first or last), in words."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    document = weasyprint.HTML(string=html).render()
    rows: dict[Any, Counter[int]] = defaultdict(Counter)
    totals: dict[Any, int] = {}

    def visit(box: Any, page: int, table: Any, in_body: bool) -> None:
        if isinstance(box, boxes.TableBox) and box.element is not None:
            table = box.element
            totals.setdefault(table, len(table.findall("./tbody/tr")))
        if isinstance(box, boxes.TableRowGroupBox):
            in_body = box.element_tag == "tbody"
        if isinstance(box, boxes.TableRowBox) and in_body and table is not None:
            rows[table][page] += 1
            return
        for child in getattr(box, "children", ()):
            visit(child, page, table, in_body)

    for number, page in enumerate(document.pages, start=1):
        visit(page._page_box, number, None, False)
    lonely = []
    for table, per_page in rows.items():
        if len(per_page) > 1 and totals.get(table, 0) > 2 and 1 in per_page.values():
            first = next((cell for cell in table.iter() if cell.tag in ("th", "td")), None)
            name = "".join(first.itertext()).strip() if first is not None else "?"
            lonely.append(f"table starting {name!r}: rows per page {dict(per_page)}")
    return lonely


def structure(pdf: Path) -> dict[str, Any]:
    """The tagged PDF's catalogue entries and the count of each structure role."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]
    roles: Counter[str] = Counter()
    figures_alt: list[str | None] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                roles[str(node["/S"])] += 1
                if node["/S"] == "/Figure":
                    alt = node.get("/Alt")
                    figures_alt.append(str(alt) if alt is not None else None)
            kids = node.get("/K")
            if isinstance(kids, list):
                for kid in kids:
                    walk(kid)
            elif kids is not None:
                walk(kids)

    tree = root.get("/StructTreeRoot")
    if tree is not None:
        walk(tree)
    metadata = root["/Metadata"].get_object().get_data().decode("utf-8")
    return {
        "lang": str(root.get("/Lang", "")),
        "marked": bool((root.get("/MarkInfo") or {}).get("/Marked")),
        "roles": roles,
        "figures_alt": figures_alt,
        "metadata": metadata,
        "attachments": {name: data for name, data in reader.attachments.items()},
        "af": [str(a.get_object().get("/AFRelationship")) for a in root.get("/AF", [])],
    }
