"""Write the advance widths of DejaVu Sans that the note's charts lay their text out with.

The charts are SVG written by hand (``ecodigital/report/charts.py``): to place a
legend entry after the one before it, or to leave room for the longest category
name, they need the width of a text before any browser or PDF renderer draws it.
This script reads the font file with fontTools (a dependency of WeasyPrint) and
writes one line per character: its code point and its advance width in
thousandths of an em. Characters outside the table are counted as wide as an
``M`` (0.863 em), so an unknown character never makes a text overlap the next.

Run it from a checkout::

    python scripts/make_text_widths.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

(Debian's ``fonts-dejavu-core``; the note's PDF is laid out with the same file.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "ecodigital" / "report" / "dejavu_sans_widths.csv"
#: Basic Latin, Latin-1, Latin Extended-A, and the punctuation and signs the notes write.
CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    0x2009, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x202F, 0x2030,
    0x2070, 0x2074, 0x2075, 0x2076, 0x2077, 0x2078, 0x2079, 0x207B, 0x20AC, 0x2212,
    0x2264, 0x2265,
]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("font", type=Path, help="DejaVuSans.ttf")
    args = parser.parse_args(argv)
    font = TTFont(args.font)
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    per_em = font["head"].unitsPerEm
    family = font["name"].getDebugName(1)
    version = font["name"].getDebugName(5)
    lines = [
        f"# Advance widths of {family} ({version}) in thousandths of an em, one character a line:",
        "# code point (hexadecimal), width. Written by scripts/make_text_widths.py; read by",
        "# ecodigital/report/charts.py to lay out the text of the note's charts.",
    ]
    for code in CHARACTERS:
        glyph = cmap.get(code)
        if glyph is None:
            continue
        width = round(metrics[glyph][0] * 1000 / per_em)
        lines.append(f"{code:04X},{width}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 3} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
