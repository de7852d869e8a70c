"""Edit the text a PDF note shows, as a PDF editor does, leaving its embedded data alone;
read a PDF with poppler; write a small PDF by hand.

A note's PDF (WeasyPrint) draws each run of text with ``TJ`` and two-byte glyph
codes of a subset font; the font's ``ToUnicode`` map says which character each
code is. :func:`edit_text` finds a string among the runs a page draws, puts the
codes of the new characters in place of the old ones (same length: the layout
does not move) and writes the PDF again with pypdf, the embedded payload and
everything else copied as they were. Nothing of ``ecodigital.review`` is used:
the edit does not lean on the reader it is meant to fool.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

__all__ = ["edit_text", "hide_text", "page_of", "pdf_bytes", "pdftotext"]

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RUN = re.compile(rb"/(\S+) [\d.]+ Tf\s*\[((?:<[0-9A-Fa-f]*>|[-\d.\s])*)\] TJ")
_GLYPH = re.compile(rb"<([0-9A-Fa-f]*)>")


def _codes(font: object) -> dict[str, bytes]:
    """Character -> glyph code (hex) of a font, from its ``ToUnicode`` bfchar entries."""
    cmap = font["/ToUnicode"].get_object().get_data()  # type: ignore[index]
    found: dict[str, bytes] = {}
    for block in _BFCHAR.findall(cmap):
        for code, text in _PAIR.findall(block):
            found.setdefault(bytes.fromhex(text.decode()).decode("utf-16-be"), code.lower())
    return found


def _runs(
    page: object, fonts: object, data: bytes
) -> list[tuple[re.Match[bytes], str, dict[str, bytes]]]:
    """Each ``TJ`` run a page draws: the match, its text and its font's codes."""
    runs = []
    for run in _RUN.finditer(data):
        codes = _codes(fonts["/" + run.group(1).decode()].get_object())  # type: ignore[index]
        chars = {code: char for char, code in codes.items()}
        glyphs = _GLYPH.finditer(run.group(2))
        runs.append((run, "".join(chars.get(g.group(1).lower(), "\ufffd") for g in glyphs), codes))
    return runs


def _rewrite(source: Path, target: Path, page: int, edit) -> None:  # type: ignore[no-untyped-def]
    writer = PdfWriter(clone_from=PdfReader(source))
    sheet = writer.pages[page - 1]
    fonts = sheet["/Resources"]["/Font"].get_object()  # type: ignore[index]
    data = sheet.get_contents().get_data()  # type: ignore[union-attr]
    contents = ContentStream(None, writer)
    contents.set_data(edit(_runs(sheet, fonts, data), data))
    sheet.replace_contents(contents)
    with target.open("wb") as handle:
        writer.write(handle)


def _find(runs, page: int, old: str, nth: int, whole: bool):  # type: ignore[no-untyped-def]
    found = [r for r in runs if (r[1].strip() == old if whole else old in r[1])]
    assert len(found) > nth, f"page {page} draws no run with {old!r}"
    return found[nth]


def edit_text(
    source: Path, target: Path, page: int, old: str, new: str, nth: int = 0, whole: bool = False
) -> None:
    """Write ``source`` to ``target`` with the ``nth`` run of ``page`` (1-based) that shows
    ``old`` (or, ``whole``, shows only ``old``) showing ``new`` in its place (as many
    characters: the layout does not move)."""
    assert len(old) == len(new)

    def edit(runs, data: bytes) -> bytes:  # type: ignore[no-untyped-def]
        run, text, codes = _find(runs, page, old, nth, whole)
        at = text.find(old)
        array = bytearray(run.group(2))
        glyphs = list(_GLYPH.finditer(run.group(2)))
        for index in reversed(range(at, at + len(old))):
            wanted = new[index - at]
            assert wanted in codes, f"the font has no glyph for {wanted!r}"
            array[glyphs[index].start(1) : glyphs[index].end(1)] = codes[wanted]
        start, end = run.span(2)
        return data[:start] + bytes(array) + data[end:]

    _rewrite(source, target, page, edit)


def hide_text(source: Path, target: Path, page: int, old: str, nth: int = 0) -> str:
    """Write ``source`` to ``target`` with the ``nth`` run of ``page`` that shows ``old``
    drawn in the invisible rendering mode (``3 Tr``): still in the file, seen by no one.
    The text of the run hidden is returned."""
    hidden: list[str] = []

    def edit(runs, data: bytes) -> bytes:  # type: ignore[no-untyped-def]
        run, text, _ = _find(runs, page, old, nth, False)
        hidden.append(text)
        return (
            data[: run.start()]
            + b"3 Tr "
            + data[run.start() : run.end()]
            + b" 0 Tr"
            + data[run.end() :]
        )

    _rewrite(source, target, page, edit)
    return hidden[0]


def pdftotext(pdf: Path) -> list[str]:
    """Each page's text as poppler reads it (another reader than ecodigital's)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return out.split("\f")[:-1]


def page_of(pdf: Path, text: str, nth: int = 0) -> int:
    """The page (1-based) poppler finds the ``nth`` page holding ``text`` on."""
    pages = [n for n, page in enumerate(pdftotext(pdf), start=1) if text in " ".join(page.split())]
    return pages[nth]


def pdf_bytes(objects: list[bytes], trailer: bytes) -> bytes:
    """A PDF with a correct cross-reference table (objects numbered from 1)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()
