"""Read the text layer of a PDF note, page by page, within bounds.

pypdf reads the file's structure (cross-references, page tree, fonts, decoded
content streams); the content streams themselves are read here, by a small
interpreter of the text operators: it follows the text and graphics matrices,
decodes each string through its font's ``ToUnicode`` map (which PDF/A-3a, the
note's format, requires for every glyph) and measures it with the font's
widths, so that runs drawn on one baseline make one line, with a space where a
gap separates them. Nothing is rendered or executed: images are skipped, form
XObjects are read to a bounded depth.

What a reader cannot see is left out: text drawn in an invisible rendering
mode (``3 Tr`` or ``7 Tr``), and text inside a ``/Figure`` marked-content
sequence, which in a note are the charts (their labels are drawn from the
figures the tables give and are not compared; see docs/review.md). A chart
drawn as an image has no text at all.

The file is refused as unreadable (exit 2) when it is encrypted or malformed,
has more objects or pages than :attr:`ReadLimits.max_pdf_objects` and
:attr:`ReadLimits.max_pdf_pages`, more characters on a page or in all than
:attr:`ReadLimits.max_pdf_page_chars` and :attr:`ReadLimits.max_pdf_text_chars`,
or takes more than :attr:`ReadLimits.max_pdf_seconds` to read (pypdf itself
caps each decoded stream).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ecodigital.i18n import Count
from ecodigital.review.readers import DEFAULT_LIMITS, ReadLimits, _fail, read_pdf_within_limits

__all__ = ["FIGURE_TAG", "PdfText", "read_pdf_text"]

#: The marked-content tag WeasyPrint gives a chart (an SVG drawing or an image).
FIGURE_TAG: Final = "Figure"
#: Form XObjects nested at most, and drawn at most on one page (each one is read).
MAX_FORM_DEPTH: Final = 12
MAX_FORMS_PER_PAGE: Final = 5_000
#: Saved graphics states (``q``) kept at most; deeper ones are not pushed.
MAX_STATE_DEPTH: Final = 256
#: Entries read at most from one font's ``ToUnicode`` map or widths.
MAX_FONT_ENTRIES: Final = 70_000

_IDENTITY: Final = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_Matrix = tuple[float, float, float, float, float, float]

#: One token of a content stream: a hex string, a literal string (two levels of
#: balanced parentheses), a name, a number, a delimiter, an operator or keyword.
_TOKEN: Final = re.compile(
    rb"<([0-9A-Fa-f\s]*)>"
    rb"|\(((?:[^()\\]|\\.|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\))*)\)"
    rb"|/([^\s()<>\[\]{}/%]*)"
    rb"|([-+]?(?:\d+\.?\d*|\.\d+))"
    rb"|(<<|>>|\[|\]|\{|\})"
    rb"|([^\s()<>\[\]{}/%]+)"
    rb"|%[^\r\n]*|\s+|(.)",
    re.DOTALL,
)
_ESCAPE: Final = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.DOTALL)
_ESCAPES: Final = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f",
                   b"\r\n": b"", b"\r": b"", b"\n": b""}  # fmt: skip
_INLINE_IMAGE_END: Final = re.compile(rb"\sEI(?=[\s/\[<(]|\Z)")
_CMAP_HEX: Final = re.compile(
    rb"<([0-9A-Fa-f\s]*)>|\[|\]|(beginbfchar|beginbfrange|endbfchar|endbfrange)"
)


@dataclass(frozen=True)
class PdfText:
    """The text a reader sees on each page of a PDF (charts left out): one line of text
    per baseline, in the order the page draws it; and the document's language."""

    pages: tuple[str, ...]
    lang: str | None


class _TooMuchText(BaseException):
    """A page's text (or the whole text, or a page's forms) beyond its limit; a
    BaseException, so that no ``except Exception`` on the way can eat it."""

    def __init__(self, page: int, chars: int, limit: int, what: str) -> None:
        super().__init__(what)
        self.page, self.chars, self.limit, self.what = page, chars, limit, what


# --------------------------------------------------------------------------- fonts


def _hex_bytes(text: bytes) -> bytes:
    digits = bytes(c for c in text if c not in b" \t\r\n\f\x00")
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


def _utf16(data: bytes) -> str:
    return (
        data.decode("utf-16-be", errors="replace")
        if len(data) > 1
        else chr(data[0] if data else 0xFFFD)
    )


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """The ``bfchar`` and ``bfrange`` entries of a ``ToUnicode`` CMap, bounded."""
    mapping: dict[int, str] = {}
    section: bytes | None = None
    values: list[bytes | list[bytes]] = []
    array: list[bytes] | None = None
    for match in _CMAP_HEX.finditer(cmap):
        if len(mapping) > MAX_FONT_ENTRIES:
            break
        keyword = match.group(2)
        if keyword is not None:
            section = keyword[5:] if keyword.startswith(b"begin") else None
            values = []
            continue
        if section is None:
            continue
        token = match.group(0)
        if token == b"[":
            array = []
            continue
        if token == b"]":
            if array is not None:
                values.append(array)
            array = None
        elif array is not None:
            array.append(_hex_bytes(match.group(1)))
            continue
        else:
            values.append(_hex_bytes(match.group(1)))
        if section == b"bfchar" and len(values) == 2:
            source, target = values
            if isinstance(source, bytes) and isinstance(target, bytes):
                mapping[int.from_bytes(source, "big")] = _utf16(target)
            values = []
        elif section == b"bfrange" and len(values) == 3:
            low, high, target = values
            values = []
            if not isinstance(low, bytes) or not isinstance(high, bytes):
                continue
            first, last = int.from_bytes(low, "big"), int.from_bytes(high, "big")
            last = min(last, first + MAX_FONT_ENTRIES - len(mapping))
            if isinstance(target, list):
                for code, each in zip(range(first, last + 1), target, strict=False):
                    mapping[code] = _utf16(each)
            elif target:
                # the last byte of the target counts up across the range
                head, tail = target[:-1], target[-1]
                for offset, code in enumerate(range(first, last + 1)):
                    mapping[code] = _utf16(head + bytes([(tail + offset) & 0xFF]))
    return mapping


def _number(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


@dataclass
class _Font:
    """What the interpreter needs of a font: code length, Unicode text and widths of codes."""

    two_bytes: bool
    unicode: dict[int, str]
    widths: dict[int, float]
    default_width: float
    #: Text-space units per glyph-space unit (1/1000, or a Type 3 font's matrix).
    scale: float = 0.001
    fallback: str = "latin-1"

    def decode(self, data: bytes) -> Iterator[tuple[str, float, bool]]:
        """Each code of ``data``: its text, its width in text space (before the size),
        and whether it is the single-byte code 32 (where word spacing applies)."""
        step = 2 if self.two_bytes else 1
        for index in range(0, len(data) - step + 1, step):
            code = int.from_bytes(data[index : index + step], "big")
            text = self.unicode.get(code)
            if text is None:
                text = (
                    "\ufffd" if self.two_bytes else bytes([code]).decode(self.fallback, "replace")
                )
            width = self.widths.get(code, self.default_width) * self.scale
            yield text, width, step == 1 and code == 32


def _widths_cid(array: Any) -> dict[int, float]:
    """A CID font's ``/W`` array: ``c [w1 w2 ...]`` and ``c_first c_last w`` entries."""
    widths: dict[int, float] = {}
    items = list(array) if isinstance(array, list) else []
    index = 0
    while index < len(items) and len(widths) < MAX_FONT_ENTRIES:
        first = items[index]
        following = items[index + 1].get_object() if index + 1 < len(items) else None
        if isinstance(following, list):
            start = int(_number(first))
            for offset, width in enumerate(following[:MAX_FONT_ENTRIES]):
                widths[start + offset] = _number(width)
            index += 2
        elif index + 2 < len(items):
            low, high = int(_number(first)), int(_number(following))
            width = _number(items[index + 2])
            for code in range(low, min(high, low + MAX_FONT_ENTRIES) + 1):
                widths[code] = width
            index += 3
        else:
            break
    return widths


def _font(font: Any) -> _Font:
    font = font.get_object()
    subtype = str(font.get("/Subtype", ""))
    unicode: dict[int, str] = {}
    cmap = font.get("/ToUnicode")
    if cmap is not None and hasattr(cmap.get_object(), "get_data"):
        unicode = _to_unicode(cmap.get_object().get_data())
    if subtype == "/Type0":
        descendants = font.get("/DescendantFonts")
        descendant = descendants.get_object()[0].get_object() if descendants else {}
        widths = _widths_cid(descendant.get("/W", []).get_object() if "/W" in descendant else [])
        return _Font(True, unicode, widths, _number(descendant.get("/DW"), 1000.0))
    first = int(_number(font.get("/FirstChar")))
    listed = font.get("/Widths")
    listed = listed.get_object() if listed is not None else []
    simple = {first + i: _number(w) for i, w in enumerate(list(listed)[:256])}
    descriptor = font.get("/FontDescriptor")
    missing = _number(descriptor.get_object().get("/MissingWidth")) if descriptor else 0.0
    scale = 0.001
    if subtype == "/Type3":
        matrix = font.get("/FontMatrix")
        scale = _number(matrix.get_object()[0], 0.001) if matrix is not None else 0.001
    encoding = str(font.get("/Encoding", ""))
    fallback = "cp1252" if encoding == "/WinAnsiEncoding" else "latin-1"
    return _Font(False, unicode, simple, missing, scale, fallback)


# --------------------------------------------------------------------------- content streams


def _literal(raw: bytes) -> bytes:
    def escape(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(escape, raw) if b"\\" in raw else raw


def _operations(data: bytes) -> Iterator[tuple[bytes, list[Any]]]:
    """``(operator, operands)`` of a content stream: strings as bytes, names as ``str``
    (with their slash), numbers as ``float``, arrays as lists; dictionaries are kept as
    lists (the text operators never need them). Inline images are skipped."""
    operands: list[Any] = []
    stack: list[list[Any]] = []
    position = 0
    while True:
        for match in _TOKEN.finditer(data, position):
            kind = match.lastindex
            if kind is None or kind == 7:
                continue  # whitespace, a comment, a stray byte
            if kind == 1:
                value: Any = _hex_bytes(match.group(1))
            elif kind == 2:
                value = _literal(match.group(2))
            elif kind == 3:
                value = "/" + match.group(3).decode("latin-1")
            elif kind == 4:
                value = float(match.group(4))
            elif kind == 5:
                if match.group(5) in (b"[", b"<<", b"{"):
                    stack.append(operands)
                    operands = []
                elif stack:
                    inner, operands = operands, stack.pop()
                    operands.append(inner)
                continue
            else:
                word = match.group(6)
                if word in (b"true", b"false", b"null"):
                    operands.append(word == b"true" if word != b"null" else None)
                    continue
                while stack:  # an operator inside an unclosed array: close it
                    inner, operands = operands, stack.pop()
                    operands.append(inner)
                if word == b"BI":
                    end = _INLINE_IMAGE_END.search(data, match.end())
                    position = end.end() if end is not None else len(data)
                    operands = []
                    break
                yield word, operands
                operands = []
                continue
            operands.append(value)
        else:
            return


def _multiply(m: _Matrix, n: _Matrix) -> _Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)  # fmt: skip


def _matrix(operands: list[Any]) -> _Matrix | None:
    if len(operands) < 6:
        return None
    values = [_number(v) for v in operands[-6:]]
    return (values[0], values[1], values[2], values[3], values[4], values[5])


@dataclass
class _Page:
    """The interpreter's state for one page, and the lines it has read."""

    number: int
    limits: ReadLimits
    used: int
    fonts: dict[int, _Font]
    lines: list[list[str]] = field(default_factory=list)
    chars: int = 0
    forms: int = 0
    #: The last run: its baseline y, end x, font size (device space), direction.
    last: tuple[float, float, float] | None = None
    tags: list[str] = field(default_factory=list)

    def add(self, text: str, x0: float, y0: float, x1: float, size: float, upright: bool) -> None:
        if not text:
            return
        last = self.last
        if upright and last is not None and abs(y0 - last[0]) <= 0.25 * max(size, last[2]):
            # on the same baseline: apart by a gap, or drawn leftwards (the contents' leaders
            # are drawn from the page number back), the runs read with a space between them
            if x0 - last[1] > 0.15 * size or x0 < last[1] - 0.5 * size:
                self.lines[-1].append(" ")
            self.lines[-1].append(text)
        else:
            self.lines.append([text])
        self.last = (y0, x1, size) if upright else None
        self.chars += len(text)
        if self.chars > self.limits.max_pdf_page_chars:
            raise _TooMuchText(
                self.number, self.chars, self.limits.max_pdf_page_chars, "page_chars"
            )
        if self.used + self.chars > self.limits.max_pdf_text_chars:
            total = self.used + self.chars
            raise _TooMuchText(self.number, total, self.limits.max_pdf_text_chars, "text_chars")

    def font(self, resources: Any, name: Any) -> _Font | None:
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get_object().get(name) if fonts is not None and isinstance(name, str) else None
        if font is None:
            return None
        reference = getattr(font, "idnum", None)
        if reference is None:  # a direct object: read each time (its id may be reused)
            return _font(font)
        if reference not in self.fonts:
            self.fonts[reference] = _font(font)
        return self.fonts[reference]

    def run(self, data: bytes, resources: Any, ctm: _Matrix, depth: int = 0) -> None:
        """Interpret one content stream (a page's, or a form's) from the matrix ``ctm``."""
        resources = resources.get_object() if resources is not None else None
        states: list[_Matrix] = []
        tm = tlm = _IDENTITY
        font: _Font | None = None
        size = spacing = words = rise = leading = 0.0
        scale = 1.0
        mode = 0
        for operator, operands in _operations(data):
            if operator == b"q":
                if len(states) < MAX_STATE_DEPTH:
                    states.append(ctm)
            elif operator == b"Q":
                if states:
                    ctm = states.pop()
            elif operator == b"cm":
                matrix = _matrix(operands)
                if matrix is not None:
                    ctm = _multiply(matrix, ctm)
            elif operator == b"BT":
                tm = tlm = _IDENTITY
            elif operator == b"Tf" and len(operands) >= 2:
                font = self.font(resources, operands[-2])
                size = _number(operands[-1])
            elif operator == b"Tc" and operands:
                spacing = _number(operands[-1])
            elif operator == b"Tw" and operands:
                words = _number(operands[-1])
            elif operator == b"Tz" and operands:
                scale = _number(operands[-1], 100.0) / 100.0
            elif operator == b"TL" and operands:
                leading = _number(operands[-1])
            elif operator == b"Ts" and operands:
                rise = _number(operands[-1])
            elif operator == b"Tr" and operands:
                mode = int(_number(operands[-1]))
            elif operator in (b"Td", b"TD") and len(operands) >= 2:
                tx, ty = _number(operands[-2]), _number(operands[-1])
                if operator == b"TD":
                    leading = -ty
                tm = tlm = _multiply((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
            elif operator == b"Tm":
                matrix = _matrix(operands)
                if matrix is not None:
                    tm = tlm = matrix
            elif operator in (b"T*", b"'", b'"'):
                tm = tlm = _multiply((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
                if operator == b'"' and len(operands) >= 3:
                    words, spacing = _number(operands[0]), _number(operands[1])
            elif operator in (b"BMC", b"BDC"):
                self.tags.append(str(operands[0])[1:] if operands else "")
            elif operator == b"EMC":
                if self.tags:
                    self.tags.pop()
            elif operator == b"Do" and operands and FIGURE_TAG not in self.tags:
                self.form(resources, operands[-1], ctm, depth)
            if operator not in (b"Tj", b"TJ", b"'", b'"') or font is None or not operands:
                continue
            shown = operands[-1] if operator != b"TJ" else None
            items = [shown] if shown is not None else operands[-1]
            if not isinstance(items, list):
                continue
            visible = mode not in (3, 7) and FIGURE_TAG not in self.tags
            start = _multiply(tm, ctm)
            pieces: list[str] = []
            for item in items:
                if isinstance(item, float):
                    tm = _multiply((1.0, 0.0, 0.0, 1.0, -item / 1000.0 * size * scale, 0.0), tm)
                    if visible and -item > 200.0 and pieces and pieces[-1] != " ":
                        pieces.append(" ")  # a gap of a fifth of an em or more reads as a space
                    continue
                if not isinstance(item, bytes):
                    continue
                advance = 0.0
                for text, width, space in font.decode(item):
                    advance += (width * size + spacing + (words if space else 0.0)) * scale
                    if visible:
                        pieces.append(text)
                tm = _multiply((1.0, 0.0, 0.0, 1.0, advance, 0.0), tm)
            if not visible:
                continue
            end = _multiply(tm, ctm)
            device = _multiply((size * scale, 0.0, 0.0, size, 0.0, rise), start)
            upright = device[0] > 0 and abs(device[1]) <= 0.01 * device[0]
            height = math.hypot(device[2], device[3])
            self.add("".join(pieces), start[4], start[5], end[4], height, upright)

    def form(self, resources: Any, name: Any, ctm: _Matrix, depth: int) -> None:
        """Read a form XObject drawn with ``Do`` (an image has no text: it is skipped)."""
        objects = resources.get("/XObject") if resources is not None else None
        target = (
            objects.get_object().get(name)
            if objects is not None and isinstance(name, str)
            else None
        )
        if target is None or depth >= MAX_FORM_DEPTH:
            return
        target = target.get_object()
        if str(target.get("/Subtype", "")) != "/Form" or not hasattr(target, "get_data"):
            return
        self.forms += 1
        if self.forms > MAX_FORMS_PER_PAGE:
            raise _TooMuchText(self.number, self.forms, MAX_FORMS_PER_PAGE, "forms")
        matrix = target.get("/Matrix")
        form_ctm = ctm
        if matrix is not None:
            values = _matrix(list(matrix.get_object()))
            form_ctm = _multiply(values, ctm) if values is not None else ctm
        inner = target.get("/Resources")
        self.run(target.get_data(), inner if inner is not None else resources, form_ctm, depth + 1)

    def text(self) -> str:
        return "\n".join("".join(line) for line in self.lines)


def _page_text(
    page: Any, number: int, limits: ReadLimits, used: int, fonts: dict[int, _Font]
) -> str:
    reader = _Page(number, limits, used, fonts)
    contents = page.get_contents()
    if contents is not None:
        reader.run(contents.get_data(), page.get("/Resources"), _IDENTITY)
    return reader.text()


def read_pdf_text(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> PdfText:
    """Every page's text of the PDF at ``path``, read within ``limits``."""

    def text_of(reader: Any) -> PdfText:
        pages: list[str] = []
        used = 0
        fonts: dict[int, _Font] = {}
        for number, page in enumerate(reader.pages, start=1):
            pages.append(_page_text(page, number, limits, used, fonts))
            used += len(pages[-1])
        lang = reader.trailer["/Root"].get_object().get("/Lang")
        language = str(lang)[:2].lower() if isinstance(lang, str) and lang else None
        return PdfText(tuple(pages), language)

    try:
        return read_pdf_within_limits(path, limits, text_of, "as_produced_fix")
    except _TooMuchText as exc:
        raise _fail(
            path, f"pdf_{exc.what}", "not_opened_fix", page=exc.page,
            n=Count(exc.chars), limit=Count(exc.limit),
        ) from None  # fmt: skip


# --------------------------------------------------------------------------- page layout

#: What the note's stylesheet (templates/note/note.css, ``@page``) writes in each page's
#: margins: the running title at the top of every page but the first, and at the bottom
#: ``ecodigital`` and ``N / M``. The page draws them after its page area.
FOOTER: Final = "ecodigital"
#: WeasyPrint's hyphen at the end of a line it hyphenated (U+2010, never in a note's
#: text), or a soft hyphen a reader shows there.
_HYPHENATED: Final = re.compile("[\u2010\u00ad][ \t]*\n")
#: The leader and page number that the stylesheet adds to each entry of the contents.
_LEADER: Final = re.compile(r"[ \t]+(?:\.[ \t]*){3,}(\d{1,5})[ \t]*(?=\n|\Z)")


@dataclass(frozen=True)
class LayoutProblem:
    """Text the page layout adds that is not what it should be: a page's margins, or the
    page number of an entry of the contents (``location`` names the entry)."""

    page: int
    #: ``margins`` or ``contents``.
    part: str
    location: str
    shown: str
    expected: str


def _words(text: str) -> str:
    """A regular expression for ``text`` with any whitespace (line breaks too) between words."""
    return r"\s+".join(re.escape(word) for word in text.split())


def _last_line(text: str) -> str:
    return next(
        (" ".join(line.split()) for line in reversed(text.splitlines()) if line.strip()), ""
    )


def page_bodies(
    layer: PdfText, title: str, heads: list[str], entries: list[str]
) -> tuple[list[str], list[LayoutProblem]]:
    """Each page's text in its page area, as the HTML note it was laid out from says it,
    and what the layout adds that is not right.

    ``title`` is the running title, ``heads`` the text of each table's header row and
    ``entries`` those of the contents, from the HTML note. Taken out of each page: its
    margins (checked against ``title``, ``ecodigital`` and ``N / M``), the running title's
    own block on the first page (drawn clipped to no height), a header row repeated at the
    top of a page by the table it heads, the leaders and page numbers of the contents
    (each number checked against the page its heading is on), and hyphenation at line ends.
    """
    count = len(layer.pages)
    bodies: list[str] = []
    problems: list[LayoutProblem] = []
    shown_numbers: list[tuple[int, str]] = []
    searchable: list[str] = []
    patterns = [(head, re.compile(_words(head))) for head in dict.fromkeys(heads) if head.split()]
    current: re.Pattern[str] | None = None
    for number, raw in enumerate(layer.pages, start=1):
        text = _HYPHENATED.sub("", raw)
        margin = " ".join(
            [*([title] if number > 1 and title else []), FOOTER, f"{number} / {count}"]
        )
        found = re.search(r"(?:\A|\n)\s*" + _words(margin) + r"\s*\Z", text)
        if found is None:
            # margins other than they should be: the last line with a page number, and the
            # running title before it, are taken as the margins shown
            running = r"(?:\s*" + _words(title) + r"\s+)?" if number > 1 and title else ""
            found = re.search(r"(?:\A|\n)" + running + r"[^\n]*?\d+\s*/\s*\d+\s*\Z", text)
            shown = " ".join(text[found.start() :].split()) if found else _last_line(text)
            problems.append(LayoutProblem(number, "margins", "", shown[:160], margin))
        if found is not None:
            text = text[: found.start()]
        if number == 1 and title:
            lines = [m for m in re.finditer(r"(?:^|(?<=\n))" + _words(title) + r"(?=\n|\Z)", text)]
            if lines:
                text = text[: lines[-1].start()] + text[lines[-1].end() :]
        if current is not None:
            text = re.sub(r"\A\s*" + current.pattern + r"(?=\s|\Z)", "", text, count=1)
        last = max(
            ((m.start(), pattern) for _, pattern in patterns for m in pattern.finditer(text)),
            default=None,
            key=lambda found: found[0],
        )
        if last is not None:
            current = last[1]
        shown_numbers += [(number, m.group(1)) for m in _LEADER.finditer(text)]
        searchable.append(re.sub(r"[^\n]*" + _LEADER.pattern, "", text))
        bodies.append(_LEADER.sub("", text))
    for index in range(max(len(shown_numbers), len(entries))):
        at, shown = shown_numbers[index] if index < len(shown_numbers) else (0, "")
        entry = " ".join(entries[index].split()) if index < len(entries) else ""
        heading = re.compile(r"(?:\A|\n)\s*" + _words(entry) + r"\s*(?=\n|\Z)") if entry else None
        pages = [n for n, text in enumerate(searchable, 1) if heading and heading.search(text)]
        if shown and pages and int(shown) == pages[0]:
            continue
        expected = f"{entry} {pages[0]}" if pages else entry
        problems.append(
            LayoutProblem(at or 1, "contents", entry, f"{entry} {shown}".strip(), expected)
        )
    return bodies, problems
