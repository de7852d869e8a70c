"""Text for a terminal: its width, and tables that wrap to it.

Renderers of the terminal output (``assess``, ``scenarios``, ``finance``...)
lay their tables out here, so that every table fits the terminal's width
(``$COLUMNS``, else the terminal's own, else 100 characters).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence

__all__ = ["text_table", "wrap_width"]


def wrap_width() -> int:
    """The terminal's width ($COLUMNS, else the terminal's, else 100), at least 60 characters."""
    return max(shutil.get_terminal_size((100, 24)).columns, 60)


def _pieces(cell: str, column: int) -> list[str]:
    """What a cell may be wrapped between: the words of a label (first column), else the
    figure and its range (``≥ 8,88 tCO2e`` | ``[7,40 – 11,0]``), each kept whole."""
    return cell.split() if column == 0 else [p for p in re.split(r" (?=\[)", cell) if p]


def _finer(pieces: list[list[list[str]]]) -> list[list[list[str]]] | None:
    """The pieces cut at their spaces, else after their slashes (``kgCO2e/`` | ``an``).

    A number stays whole: ``≥ 4,19 × 10⁻⁴`` is never cut at its own spaces."""
    for cut in (r"(?<![×≥]) (?!×)", r"(?<=/)(?=.)"):
        finer = [[[w for p in cell for w in re.split(cut, p) if w] for cell in row]
                 for row in pieces]  # fmt: skip
        if finer != pieces:
            return finer
    return None


def _wrap(pieces: list[str], width: int) -> list[str]:
    lines: list[str] = []
    for piece in pieces:
        # a piece cut after a slash joins the next one without a space
        joint = "" if lines and lines[-1].endswith("/") else " "
        if lines and len(lines[-1]) + len(joint) + len(piece) <= width:
            lines[-1] += joint + piece
        else:
            lines.append(piece)
    return lines or [""]


def text_table(
    rows: Sequence[Sequence[str]],
    indent: str = "  ",
    width: int | None = None,
    left_columns: int = 1,
) -> list[str]:
    """Rows as aligned columns: the first ``left_columns`` left-aligned, the others right-aligned.

    A table wider than ``width`` (the terminal's by default) has its cells
    wrapped onto several lines, the labels of the first column first, then
    the column with the most room to give; a figure and its range are wrapped
    apart, never inside: a row then takes several lines, its cells top-aligned.
    """
    if not rows:
        return []
    width = wrap_width() if width is None else width
    count = len(rows[0])
    pieces = [[_pieces(cell, i) for i, cell in enumerate(row)] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(count)]
    narrowest = [max((len(p) for row in pieces for p in row[i]), default=0) for i in range(count)]

    def total() -> int:
        return len(indent) + sum(widths) + 2 * (count - 1)

    while total() > width:
        room = [widths[i] - narrowest[i] for i in range(count)]
        column = 0 if room[0] > 0 else max(range(count), key=lambda i: room[i])
        if room[column] <= 0:
            finer = _finer(pieces)
            if finer is not None:
                # every column is down to its longest piece: cut the pieces finer
                pieces = finer
                narrowest = [max((len(p) for row in pieces for p in row[i]), default=0)
                             for i in range(count)]  # fmt: skip
                continue
            break  # down to the longest word of each column
        widths[column] -= min(room[column], total() - width)
    wrapped = [[_wrap(cell, widths[i]) for i, cell in enumerate(row)] for row in pieces]
    # a column wrapped needs only its longest line: give the rest back
    widths = [max(len(line) for row in wrapped for line in row[i]) for i in range(count)]
    lines = []
    for cells in wrapped:
        for k in range(max(len(cell) for cell in cells)):
            parts = []
            for i, cell in enumerate(cells):
                part = cell[k] if k < len(cell) else ""
                parts.append(part.ljust(widths[i]) if i < left_columns else part.rjust(widths[i]))
            lines.append((indent + "  ".join(parts)).rstrip())
    return lines
