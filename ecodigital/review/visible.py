"""Check what the reader of a note sees against the note's data.

The renderers are deterministic: the note is written again from its results,
in the same format and language, and the figures a reader sees (every number
of the visible text, with the words that follow it) are compared token by
token with the ones the re-rendered note shows. Each figure shown that the
data does not give is reported with its section and the text shown beside the
text expected. Only the line that says when the note was produced is left out
(its date is not part of the data).

HTML, Markdown, ODT and PDF notes are read here; the text of an ODT comes from
its ``content.xml`` read within the readers' ZIP limits, the text of a PDF from
its text layer read page by page within the PDF limits (:mod:`.pdftext`). A follow-up
report (``ecodigital suivi``, HTML or Markdown) is checked the same way against its
own renderer (:func:`rendered_mismatches`).

A PDF is not laid out again (WeasyPrint takes seconds): it is written from the
HTML note, so its figures are compared with those of the re-rendered HTML note,
in document order. The PDF's line breaks are read as spaces, or as nothing for
a figure they cut (a unit broken at ``/`` or ``-``), and its hyphenation at line
ends is undone. What the page layout adds is checked apart: the running title
and ``ecodigital N / M`` in each page's margins, the page number of each entry
of the contents against the page its heading is on, and a table's header row
repeated at the top of a page is passed over. The charts' labels are left out on
both sides (the tables give the same figures).
"""

from __future__ import annotations

import html
import re
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

from ecodigital.review.readers import DEFAULT_LIMITS, ReadLimits

if TYPE_CHECKING:
    from ecodigital.assessment.results import Results

__all__ = [
    "VISIBLE_FORMATS",
    "Mismatch",
    "figure_tokens",
    "rendered_mismatches",
    "visible_mismatches",
]

VISIBLE_FORMATS: Final = ("html", "md", "odt", "pdf")
#: A number as the notes write it (thousands separated by a space, a decimal comma
#: or point, a power of ten in superscript), and up to 12 characters after it.
_NUMBER: Final = re.compile(
    r"[-−]?\d(?:[\d\u00a0\u202f ]*\d)?(?:[.,]\d+)*(?:\s?[×x]\s?10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"
    r"(?:[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?\s?(?:[kMGt]?g?CO2e[^\s\d|\\\[\]()<>]{0,8}|[^\s\d|\\\[\]()<>]{0,12})"
)
#: A SHA-256 digest as the notes show it: one figure, compared whole (its hex digits
#: are not read as numbers, so how many figures a note holds does not depend on it).
_FIGURE: Final = re.compile(r"\b[0-9a-f]{64}\b|" + _NUMBER.pattern)
#: Figures compared at most in a note; a longer text is cut (bounded time).
MAX_TOKENS: Final = 200_000
#: Characters of text read from a note at most.
MAX_TEXT: Final = 20_000_000


@dataclass(frozen=True)
class Mismatch:
    """A figure the reader sees that the note's data does not give (or the reverse)."""

    location: str
    shown: str
    expected: str
    #: The page of a PDF note the figure is on (None in the other formats).
    page: int | None = None
    #: Where on a PDF's page: ``text`` (the page area), ``margins`` (the running title
    #: and ``ecodigital N / M``) or ``contents`` (an entry's page number).
    part: str = "text"


@dataclass(frozen=True)
class _Token:
    text: str
    section: str


class _HtmlText(HTMLParser):
    """The text a reader sees of an HTML note, by section (``h1``–``h3`` headings)."""

    _HIDDEN: ClassVar[frozenset[str]] = frozenset({"script", "style", "title", "head"})
    _HEADINGS: ClassVar[frozenset[str]] = frozenset({"h1", "h2", "h3"})
    _BLOCKS: ClassVar[frozenset[str]] = frozenset(
        {"p", "div", "li", "tr", "td", "th", "br", "h1", "h2", "h3", "h4"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str]] = []  # (section, text)
        self._hidden = 0
        self._heading: list[str] | None = None
        self._section = ""
        self._size = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._HEADINGS:
            self._heading = []
        if tag in self._BLOCKS:
            self.parts.append((self._section, "\n"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._HEADINGS and self._heading is not None:
            self._section = " ".join("".join(self._heading).split())[:120]
            self._heading = None
        if tag in self._BLOCKS:
            self.parts.append((self._section, "\n"))

    def handle_data(self, data: str) -> None:
        if self._hidden or self._size > MAX_TEXT:
            return
        self._size += len(data)
        if self._heading is not None:
            self._heading.append(data)
        self.parts.append((self._section, data))


def _html_sections(text: str) -> list[tuple[str, str]]:
    parser = _HtmlText()
    parser.feed(text[:MAX_TEXT])
    parser.close()
    return parser.parts


def _markdown_sections(text: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    section = ""
    for line in text[:MAX_TEXT].splitlines():
        if line.startswith("#"):
            section = " ".join(line.lstrip("#").split())[:120]
        parts.append((section, line + "\n"))
    return parts


def _odt_content(path: Path, limits: ReadLimits) -> str:
    """The ``content.xml`` of an ODT note, read within the ZIP limits."""
    from ecodigital.i18n import Count
    from ecodigital.review.readers import _fail

    too_large = _fail(
        path, "odt_content_too_large", "not_opened_fix", limit=Count(limits.max_zip_total_bytes)
    )
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo("content.xml")
            if info.file_size > limits.max_zip_total_bytes:
                raise too_large
            with package.open(info) as member:
                data = member.read(limits.max_zip_total_bytes + 1)
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise _fail(path, "odt_content_unreadable", "as_produced_fix", reason=reason) from None
    if len(data) > limits.max_zip_total_bytes:
        raise too_large
    return data.decode("utf-8", errors="replace")


def _odt_sections(xml: str) -> list[tuple[str, str]]:
    """The text of an ODT's body, by heading (``text:h``)."""
    parts: list[tuple[str, str]] = []
    section = ""
    for match in re.finditer(r"<text:h\b[^>]*>(.*?)</text:h>|<[^>]+>|([^<]+)", xml[:MAX_TEXT]):
        if match.group(1) is not None:
            heading = html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
            section = " ".join(heading.split())[:120]
            parts.append((section, "\n" + heading + "\n"))
        elif match.group(2) is not None:
            parts.append((section, html.unescape(match.group(2))))
        elif match.group(0).startswith(("<text:p", "<text:h", "</text:p", "<table:table-cell")):
            parts.append((section, "\n"))
        elif match.group(0).startswith(("<text:s", "<text:tab")):
            parts.append((section, " "))
    return parts


def _without_production_line(text: str, lang_patterns: list[re.Pattern[str]]) -> str:
    for pattern in lang_patterns:
        text = pattern.sub("", text)
    return text


def _production_patterns() -> list[re.Pattern[str]]:
    """The line that says when and with which version a note was produced, in each language."""
    from ecodigital.i18n import catalogue

    patterns = []
    for lang in ("fr", "en"):
        template = str(catalogue(lang).raw("note.generated_on"))
        template = template.replace("{date}", "\x00").replace("{version}", "\x01")
        escaped = re.escape(template).replace("\x00", r".{1,40}?").replace("\x01", r"\S+")
        patterns.append(re.compile(escaped))
    return patterns


def figure_tokens(parts: list[tuple[str, str]]) -> list[_Token]:
    """Every figure of a text, with its section (whitespace made plain)."""
    patterns = _production_patterns()
    tokens: list[_Token] = []
    for section, chunk in _joined(parts):
        chunk = _without_production_line(chunk, patterns)
        for match in _FIGURE.finditer(chunk):
            text = " ".join(match.group(0).replace("\u00a0", " ").replace("\u202f", " ").split())
            tokens.append(_Token(text, section))
            if len(tokens) >= MAX_TOKENS:
                return tokens
    return tokens


def _joined(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive parts of the same section as one text."""
    joined: list[tuple[str, list[str]]] = []
    for section, text in parts:
        if joined and joined[-1][0] == section:
            joined[-1][1].append(text)
        else:
            joined.append((section, [text]))
    return [(section, "".join(texts)) for section, texts in joined]


def _sections(fmt: str, content: str) -> list[tuple[str, str]]:
    if fmt == "html":
        return _html_sections(content)
    if fmt == "md":
        return _markdown_sections(content)
    return _odt_sections(content)


def _shown(path: Path, fmt: str, limits: ReadLimits) -> str:
    from ecodigital.review.readers import _read_bytes

    if fmt == "odt":
        return _odt_content(path, limits)
    return _read_bytes(path, limits.max_file_bytes).decode("utf-8", errors="replace")


def _rendered(results: Results, fmt: str, lang: str) -> str:
    from ecodigital.report.build import prepare_note, render_note

    files = render_note(prepare_note(results, lang=lang), fmt, Path("note." + fmt))
    content = files[Path("note." + fmt)]
    if isinstance(content, bytes):  # ODT
        import io

        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return package.read("content.xml").decode("utf-8")
    return content


def _compare(shown: list[_Token], expected: list[_Token]) -> list[Mismatch]:
    mismatches: list[Mismatch] = []
    matcher = SequenceMatcher(None, [t.text for t in shown], [t.text for t in expected], False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        count = max(a2 - a1, b2 - b1)
        for k in range(count):
            a = shown[a1 + k] if a1 + k < a2 else None
            b = expected[b1 + k] if b1 + k < b2 else None
            location = (a or b).section if (a or b) is not None else ""  # type: ignore[union-attr]
            mismatches.append(Mismatch(location, a.text if a else "", b.text if b else ""))
    return mismatches


def rendered_mismatches(
    path: Path, fmt: str, render: Callable[[str], str], limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[list[Mismatch], int, str]:
    """The figures of the document at ``path`` that ``render(lang)`` (the same document
    written again from its data in ``fmt``) does not show, how many figures were compared,
    and the language the document is written in (the one whose figures fit best)."""
    shown = figure_tokens(_sections(fmt, _shown(path, fmt, limits)))

    def attempt(lang: str) -> tuple[list[Mismatch], int]:
        expected = figure_tokens(_sections(fmt, render(lang)))
        return _compare(shown, expected), max(len(shown), len(expected))

    return _best_language(("fr", "en"), attempt)


def _best_language(
    languages: Sequence[str], attempt: Callable[[str], tuple[list[Mismatch], int]]
) -> tuple[list[Mismatch], int, str]:
    """``attempt(lang)`` (the mismatches and how many figures were compared) of the first of
    ``languages`` with the fewest mismatches, and that language; none is tried after one
    with no mismatch."""
    best: tuple[list[Mismatch], int, str] | None = None
    for lang in languages:
        mismatches, compared = attempt(lang)
        if best is None or len(mismatches) < len(best[0]):
            best = (mismatches, compared, lang)
        if not mismatches:
            break
    assert best is not None
    return best


def visible_mismatches(
    path: Path, fmt: str, results: Results, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[list[Mismatch], int, str]:
    """The figures of the note at ``path`` that the results do not give, how many figures were
    compared, and the language the note is written in (the one whose figures fit best)."""
    if fmt == "pdf":
        return _pdf_mismatches(path, results, limits)
    return rendered_mismatches(path, fmt, lambda lang: _rendered(results, fmt, lang), limits)


# --------------------------------------------------------------------------- PDF

#: Characters a PDF reader drops or that only mark where a line may break.
_INVISIBLE: Final = dict.fromkeys(map(ord, "\u00ad\u200b\u2060"))
#: A run of whitespace (not a no-break space: it belongs to the figure it sits in).
_SPACES: Final = re.compile(r"[ \t\r\f\v\n]+")


class _PrintedHtml(_HtmlText):
    """The text of an HTML note as its PDF prints it: charts left out, every block element
    apart; the running title kept apart, the contents' entries and the tables' header rows
    noted (the page layout repeats or numbers them)."""

    _HIDDEN = _HtmlText._HIDDEN | {"svg"}
    _BLOCKS = _HtmlText._BLOCKS | {
        "h5", "h6", "ul", "ol", "dl", "dt", "dd", "table", "caption", "thead", "tbody",
        "tfoot", "figure", "figcaption", "section", "nav", "header", "footer", "main",
        "aside", "article", "blockquote", "pre", "hr",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.contents: list[str] = []
        self.heads: list[str] = []
        self._catch: str | None = None  # "title", "entry" or "head"
        self._caught: list[str] = []
        self._in_contents = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._catch is None:
            if tag == "div" and "running-title" in classes:
                self._catch, self._caught = "title", []
                return
            if tag == "a" and self._in_contents:
                self._catch, self._caught = "entry", []
            elif tag == "thead":
                self._catch, self._caught = "head", []
        if tag == "nav" and "contents" in classes:
            self._in_contents = True
        if self._catch is not None:
            self._caught.append(" ")
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        ends = {"title": "div", "entry": "a", "head": "thead"}
        if self._catch is not None and tag == ends[self._catch]:
            caught = " ".join("".join(self._caught).translate(_INVISIBLE).split())
            catch, self._catch = self._catch, None
            if catch == "title":
                self.title = caught
                return
            (self.contents if catch == "entry" else self.heads).append(caught)
        elif self._catch is not None:
            self._caught.append(" ")
        if tag == "nav":
            self._in_contents = False
        super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._catch is not None:
            self._caught.append(data)
            if self._catch == "title":
                return
        super().handle_data(data)


@dataclass(frozen=True)
class _Located:
    """A figure of a text: what it reads, where it starts, and its page or section."""

    text: str
    start: int
    label: str | int


def _blank(text: str, patterns: list[re.Pattern[str]]) -> str:
    """``text`` with each production line blanked out (its length, so offsets hold)."""
    for pattern in patterns:
        text = pattern.sub(lambda match: " " * len(match.group(0)), text)
    return text


def _figures(
    text: str, starts: list[int], labels: list[str] | list[int], patterns: list[re.Pattern[str]]
) -> list[_Located]:
    """The figures of ``text`` (line breaks read as spaces), each with the label of the
    piece of text it starts in (pieces start at ``starts``)."""
    spaced = _blank(text.replace("\n", " "), patterns)
    found: list[_Located] = []
    for match in _FIGURE.finditer(spaced):
        label = labels[max(0, bisect_right(starts, match.start()) - 1)] if labels else ""
        shown = " ".join(match.group(0).replace("\u00a0", " ").replace("\u202f", " ").split())
        found.append(_Located(shown, match.start(), label))
        if len(found) >= MAX_TOKENS:
            break
    return found


def _printed_stream(bodies: list[str]) -> tuple[str, list[int]]:
    """The pages' text as one string, each run of whitespace one line break if it holds
    one, else one space; and where each page starts in it."""
    pieces: list[str] = []
    starts: list[int] = []
    length = 0
    for body in bodies:
        text = _SPACES.sub(
            lambda run: "\n" if "\n" in run.group(0) else " ", body.translate(_INVISIBLE)
        ).strip()
        starts.append(length)
        pieces.append(text + "\n")
        length += len(text) + 1
    return "".join(pieces)[:MAX_TEXT], starts


def _html_stream(parts: list[tuple[str, str]]) -> tuple[str, list[int], list[str]]:
    """The HTML note's text as one string, each run of whitespace one space; and where
    each section's text starts in it."""
    pieces: list[str] = []
    starts: list[int] = []
    labels: list[str] = []
    length = 0
    spaced = True
    for section, chunk in _joined(parts):
        text = _SPACES.sub(" ", chunk.translate(_INVISIBLE))
        if spaced and text.startswith(" "):
            text = text[1:]
        if not text:
            continue
        starts.append(length)
        labels.append(section)
        pieces.append(text)
        length += len(text)
        spaced = text.endswith(" ")
    return "".join(pieces)[:MAX_TEXT], starts, labels


def _reads_as(text: str, start: int, expected: str) -> int | None:
    """Where the figure at ``text[start:]`` ends when, each line break in it read as a
    space or as nothing, it reads ``expected`` (a figure as :func:`_figures` gives it); or
    None. A line break may cut a figure anywhere (a unit at ``/`` or ``-``, a long word)."""
    at = start
    reading: list[str] = []
    for char in expected:
        while at < len(text) and text[at] == "\n" and char != " ":
            at += 1  # the break read as nothing
        if at >= len(text):
            return None
        shown = " " if text[at] in " \n\u00a0\u202f" else text[at]
        if shown != char:
            return None
        reading.append(shown)
        at += 1
    # the figure must end there: read on, and the figure found must be the one expected
    rest = text[at : at + 40].replace("\n", " ")
    match = _FIGURE.match("".join(reading) + rest)
    if match is None:
        return None
    read = " ".join(match.group(0).replace("\u00a0", " ").replace("\u202f", " ").split())
    return at if read == expected else None


def _compare_printed(text: str, shown: list[_Located], expected: list[_Located]) -> list[Mismatch]:
    """As :func:`_compare`, a figure cut by a line break matching when it reads as the
    one expected; each mismatch named by its page and its section in the HTML note."""
    mismatches: list[Mismatch] = []
    matcher = SequenceMatcher(None, [t.text for t in shown], [t.text for t in expected], False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        page = int(shown[min(a1, len(shown) - 1)].label) if shown else None
        section = str(expected[min(b1, len(expected) - 1)].label) if expected else ""
        a, b = a1, b1
        while a < a2 or b < b2:
            here = shown[a] if a < a2 else None
            there = expected[b] if b < b2 else None
            end = _reads_as(text, here.start, there.text) if here and there else None
            if end is not None:
                a += 1
                while a < a2 and shown[a].start < end:  # the pieces of the figure cut
                    a += 1
                b += 1
                continue
            mismatches.append(
                Mismatch(
                    str(there.label) if there is not None else section,
                    here.text if here is not None else "",
                    there.text if there is not None else "",
                    int(here.label) if here is not None else page,
                )
            )
            a, b = a + (here is not None), b + (there is not None)
    return mismatches


def _pdf_mismatches(
    path: Path, results: Results, limits: ReadLimits
) -> tuple[list[Mismatch], int, str]:
    """:func:`visible_mismatches` of a PDF note: its text layer against the HTML note."""
    from ecodigital.review.pdftext import page_bodies, read_pdf_text

    layer = read_pdf_text(path, limits)
    patterns = _production_patterns()

    def attempt(lang: str) -> tuple[list[Mismatch], int]:
        printed = _PrintedHtml()
        printed.feed(_rendered(results, "html", lang)[:MAX_TEXT])
        printed.close()
        bodies, problems = page_bodies(layer, printed.title, printed.heads, printed.contents)
        mismatches = [Mismatch(p.location, p.shown, p.expected, p.page, p.part) for p in problems]
        text, pages = _printed_stream(bodies)
        shown = _figures(text, pages, list(range(1, len(pages) + 1)), patterns)
        html_text, starts, sections = _html_stream(printed.parts)
        expected = _figures(html_text, starts, sections, patterns)
        mismatches += _compare_printed(text, shown, expected)
        return mismatches, max(len(shown), len(expected))

    return _best_language(sorted(("fr", "en"), key=lambda lang: lang != layer.lang), attempt)
