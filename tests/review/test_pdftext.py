"""The text layer of a PDF, read page by page within limits (ecodigital/review/pdftext.py).

A small PDF written by hand gives the reader's rules one by one (runs on one baseline
make a line, a gap reads as a space, invisible text and charts are left out, form
XObjects are read, inline images skipped); the example's real PDF note is read against
poppler's ``pdftotext``, another reader; hostile files are refused as unreadable.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from pdf_edit import pdf_bytes, pdftotext

from ecodigital.errors import UnreadableFile
from ecodigital.review.pdftext import read_pdf_text
from ecodigital.review.readers import ReadLimits

#: Helvetica with every width 500 (half an em): at 10 pt a character is 5 pt wide.
SIMPLE_FONT = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding"
    b" /FirstChar 32 /LastChar 126 /Widths [" + b"500 " * 95 + b"] >>"
)
#: A Type 0 font with two-byte codes: 1, 2, 3 are "0", "1", "2" (a bfrange), 4 a space.
CID_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H"
    b" /DescendantFonts [8 0 R] /ToUnicode 9 0 R >>"
)
CID_DESCENDANT = (
    b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /W [1 [600 600 600] 4 [300]] /DW 1000 >>"
)
TO_UNICODE = (
    b"begincmap\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
    b"1 beginbfrange\n<0001> <0003> <0030>\nendbfrange\n"
    b"1 beginbfchar\n<0004> <0020>\nendbfchar\nendcmap"
)

PAGE = rb"""BT /F1 10 Tf 72 700 Td (Total 9,61) Tj ET
BT /F1 10 Tf 130 700 Td (tCO2e) Tj ET
BT /F1 10 Tf 72 686 Td [(1)-1000(2)] TJ ET
BT /F1 10 Tf 3 Tr 72 672 Td (hidden 5) Tj 0 Tr ET
/Figure <</MCID 0>> BDC BT /F1 10 Tf 72 658 Td (chart 42) Tj ET q /X0 Do Q EMC
BT /F1 10 Tf 72 644 Td (\(a \(b\)\) \101) Tj ET
q 1 0 0 1 72 630 cm /X0 Do Q
BI /W 1 /H 1 /CS /G /BPC 8 ID ) Tj EI
BT /F2 10 Tf 72 616 Td <00020003000400020002> Tj ET
BT /F1 10 Tf 72 602 Td (end) Tj ET"""
FORM = b"BT /F1 10 Tf 0 0 Td (form 7) Tj ET"


def _stream(data: bytes, head: bytes = b"") -> bytes:
    return b"<< " + head + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _page_pdf(content: bytes, pages: int = 1) -> bytes:
    kids = b" ".join(b"3 0 R" for _ in range(pages))
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Lang (fr-FR) >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R /F2 7 0 R >> /XObject << /X0 6 0 R >> >> >>",
            _stream(content),
            SIMPLE_FONT,
            _stream(FORM, b"/Type /XObject /Subtype /Form /BBox [0 0 100 20] "
                    b"/Resources << /Font << /F1 5 0 R >> >> "),
            CID_FONT,
            CID_DESCENDANT,
            _stream(TO_UNICODE),
        ],
        b"<< /Root 1 0 R /Size 10 >>",
    )  # fmt: skip


def test_the_text_a_reader_sees_line_by_line(tmp_path: Path) -> None:
    """Line 1: two runs on one baseline, 8 pt apart (the first ends at 72 + 10 characters
    x 5 pt = 122, the second starts at 130): one space. Line 2: a kerning of -1000 (an em)
    between two digits: a space. The invisible run (``3 Tr``) and the run inside a
    ``/Figure`` sequence (with the form it draws there) are left out. Line 3: a literal
    string with escaped parentheses and an octal escape (\\101 is "A"). Line 4: the form
    XObject's text. The inline image's data, which looks like ``) Tj``, is skipped.
    Line 5: two-byte codes through a ToUnicode bfrange (2, 3 -> "1", "2"; 4 -> space)."""
    path = tmp_path / "small.pdf"
    path.write_bytes(_page_pdf(PAGE))
    text = read_pdf_text(path)
    assert text.pages == ("Total 9,61 tCO2e\n1 2\n(a (b)) A\nform 7\n12 11\nend",)
    assert text.lang == "fr"


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (
            ReadLimits(max_pdf_page_chars=20),
            r"its page 1 holds 27 characters of text, more than 20",
        ),
        (ReadLimits(max_pdf_text_chars=60), r"its text goes beyond 60 characters \(page 2\)"),
        (ReadLimits(max_pdf_pages=2), r"has 3 pages, more than 2"),
        (ReadLimits(max_pdf_seconds=1e-6), r"took more than 1 × 10⁻⁶ s to parse"),
    ],
    ids=["page-chars", "text-chars", "pages", "time"],
)
def test_limits_refuse_the_file_as_unreadable(
    tmp_path: Path, limits: ReadLimits, message: str
) -> None:
    """The runs of the page hold 41 characters: 10 + 5 ("Total 9,61", "tCO2e"), 3 ("1 2",
    its kerning read as a space), 9, 6 (the form), 5 and 3; the characters of a run are
    counted as it is read. The page limit of 20 is passed at 27, the end of the fourth run;
    on three pages, the total of 60 is passed on the second (41 + 10 + 5 + 3 + 9 = 68)."""
    path = tmp_path / "three.pdf"
    path.write_bytes(_page_pdf(PAGE, pages=3))
    with pytest.raises(UnreadableFile) as caught:
        read_pdf_text(path, limits)
    assert re.search(message, caught.value.message("en")), caught.value.message("en")


def test_malformed_encrypted_and_unreadable_files(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    with pytest.raises(UnreadableFile) as caught:
        read_pdf_text(junk)
    assert "is not a readable PDF note" in caught.value.message("en")
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(_page_pdf(PAGE))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("", "owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(UnreadableFile) as caught:
        read_pdf_text(locked)
    assert "is encrypted; a PDF note is not" in caught.value.message("en")
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile) as caught:
        read_pdf_text(fifo)  # refused before it is opened: a FIFO would block
    assert "is not a regular file" in caught.value.message("en")


def _characters(text: str) -> Counter[str]:
    """The characters of a text, whitespace and hyphens aside (where lines break and how
    words are hyphenated is each reader's own reading)."""
    return Counter(re.sub(r"[\s\-\u2010]", "", text))


@pytest.mark.slow
def test_the_example_note_reads_as_poppler_reads_it(pdf_note: Path) -> None:
    """Page by page, the same characters as poppler's ``pdftotext``; on the pages with a
    chart, poppler reads the chart's labels too (digits among them) and ecodigital not."""
    from pypdf import PdfReader

    mine = read_pdf_text(pdf_note)
    theirs = pdftotext(pdf_note)
    assert len(mine.pages) == len(theirs) > 10
    assert mine.lang == "fr"
    charts = [b"/Figure" in p.get_contents().get_data() for p in PdfReader(pdf_note).pages]
    assert 0 < sum(charts) < len(charts)
    for number, (page, other, chart) in enumerate(zip(mine.pages, theirs, charts, strict=True), 1):
        if not chart:
            assert _characters(page) == _characters(other), number
            continue
        left_out = _characters(other) - _characters(page)
        assert not _characters(page) - _characters(other), number
        assert sum(left_out[d] for d in "0123456789") > 0, number
