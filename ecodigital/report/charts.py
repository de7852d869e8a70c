"""The note's charts: bar charts written as SVG text from the results' figures.

Colours are the Okabe-Ito palette, which colour-blind readers can tell apart,
and every series after the first also carries its own white marker (circle,
triangle, square...) at the middle of each of its bars and in the legend, so a
chart still reads when printed in black and white. Markers rather than hatch
patterns: a PDF renderer draws an SVG hatch pattern tile by tile, which took
seconds per note, while a marker is one small shape per bar.

The drawing is written here, element by element, with no plotting library: a
chart is a few dozen rectangles, lines, markers and texts whose looks are
presentation attributes (no style sheet, no ``id``), the same file in the HTML
note and in the PDF, where WeasyPrint draws it in milliseconds. Texts are real
text in DejaVu Sans, the note's font, placed with the font's advance widths
(``dejavu_sans_widths.csv``); a reader's browser that lacks the font falls back
on the note's other fonts. The axis steps follow the rule of most plotting
libraries: the smallest of 1, 2, 2.5 or 5 times a power of ten that gives at
most nine intervals across the axis (fewer along a short one).

Every chart has a title with its unit and an alternative text listing its
values, for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any, Final

__all__ = [
    "TIER_COLOURS",
    "Chart",
    "rgesn_chart",
    "text_width",
    "tier_phase_chart",
    "tornado_chart",
    "year_tier_chart",
]

#: Okabe & Ito (2008), "Color Universal Design", without the yellow kept for emphasis.
OKABE_ITO: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
#: Each tier's colour, in every chart of the note and of the comparison report.
TIER_COLOURS: Final = {
    "terminals": OKABE_ITO[0],
    "network": OKABE_ITO[1],
    "datacenter": OKABE_ITO[2],
}
#: One marker per series ("" for none: the first series is plain): circle, triangle up,
#: square, diamond, triangle down, plus.
MARKERS: Final = ("", "o", "^", "s", "D", "v", "P")
#: A bar narrower than this share of the axis gets no marker (it would overflow).
_MARKER_MIN_SHARE: Final = 0.035

_TEXT: Final = "#222222"
_SPINE: Final = "#888888"
_GRID: Final = "#dddddd"
_FONT: Final = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
_SIZE: Final = 9.0  # tick labels, category names and axis labels
_SMALL: Final = 8.0  # legend and annotations
_WIDTH: Final = 468.0  # the drawing's width; CSS scales it to the column
_PLOT: Final = 160.0  # the narrowest plotting area: long category names widen the drawing
_PAD: Final = 7.2  # white space around the drawing
_TICK: Final = 3.5  # length of a tick mark, and the gap between it and its label
_BAR: Final = 0.6  # a bar's thickness, as a share of its category's band
_MARGIN: Final = 0.05  # white space at both ends of a data axis, as a share of the data
_MARKER: Final = 5.5  # a marker's size (its width)
_HANDLE: Final = (16.0, 5.6)  # a legend key's width and height
_BASELINE: Final = 0.36  # from an em's centre to its baseline, in ems
_MARKER_LOOK: Final = f'fill="#ffffff" stroke="{_TEXT}" stroke-width="0.6"'
_BAR_LOOK: Final = 'stroke="#ffffff" stroke-width="0.8"'


@dataclass(frozen=True)
class Chart:
    """An SVG chart with its title and alternative text."""

    svg: str
    title: str
    alt: str


# --------------------------------------------------------------------------- text


@cache
def _advance_widths() -> dict[str, float]:
    from pathlib import Path

    text = Path(__file__).with_name("dejavu_sans_widths.csv").read_text(encoding="utf-8")
    widths = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, width = line.split(",")
            widths[chr(int(code, 16))] = int(width) / 1000
    return widths


def text_width(text: str, size: float) -> float:
    """The width of ``text`` in DejaVu Sans at ``size``; a character the table lacks
    counts as an ``M`` (never narrower than it is drawn)."""
    widths = _advance_widths()
    return sum(widths.get(char, 0.863) for char in text) * size


def _n(value: float) -> str:
    """A coordinate, to a hundredth."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class _Drawing:
    """The elements of one chart, in drawing order, one a line; a blank line before each
    text keeps its words apart from the next text's in the page's text (a tick's value
    and the unit written under the axis are two words, as a reader and the
    verification of visible figures read them)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(
        self, x: float, y: float, width: float, height: float, fill: str = "", *, edge: bool = False
    ) -> None:
        """A rectangle (its fill from its group unless given; ``edge``: a bar's white edge)."""
        attrs = f'x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"'
        if fill:
            attrs += f' fill="{fill}"'
        if edge:
            attrs += f" {_BAR_LOOK}"
        self.parts.append(f"<rect {attrs}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>')

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = _SIZE,
        anchor: str = "start",
        vertical: bool = False,
    ) -> None:
        """``text`` with its baseline through ``y`` (``x`` for a vertical text, read upwards)."""
        # the size on each text: one on the <svg> would size its box in the page too
        attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if vertical:
            attrs += f' transform="rotate(-90 {_n(x)} {_n(y)})"'
        self.parts.append(f"\n<text {attrs}>{escape(text, quote=False)}</text>")

    def marker(self, kind: str, x: float, y: float, size: float = _MARKER) -> None:
        r = size / 2
        if kind == "o":
            self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"/>')
            return
        thin = r / 3
        points = {
            "^": ((0, -r), (-r, r), (r, r)),
            "v": ((0, r), (-r, -r), (r, -r)),
            "s": ((-r, -r), (r, -r), (r, r), (-r, r)),
            "D": ((0, -r), (r, 0), (0, r), (-r, 0)),
            "P": ((-thin, -r), (thin, -r), (thin, -thin), (r, -thin), (r, thin), (thin, thin),
                  (thin, r), (-thin, r), (-thin, thin), (-r, thin), (-r, -thin), (-thin, -thin)),
        }[kind]  # fmt: skip
        path = " L ".join(f"{_n(x + dx)} {_n(y + dy)}" for dx, dy in points)
        self.parts.append(f'<path d="M {path} Z"/>')

    @contextmanager
    def group(self, attrs: str) -> Iterator[None]:
        """The elements added within, in one group sharing ``attrs`` (none if empty)."""
        start = len(self.parts)
        yield
        if len(self.parts) > start:
            self.parts.insert(start, f"<g {attrs}>")
            self.parts.append("</g>")

    def svg(self, height: float, width: float = _WIDTH) -> str:
        body = "\n".join(self.parts)
        return (
            f'<svg aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{_FONT}" fill="{_TEXT}">'
            f"\n{body}\n</svg>"
        )


# --------------------------------------------------------------------------- axes


def _steps(lowest: float, highest: float, intervals: int, *, whole: bool = False) -> list[float]:
    """The tick values of an axis showing ``lowest`` to ``highest``: the multiples of the
    smallest of 1, 2, 2.5, 5 or 10 times a power of ten that cuts the axis in at most
    ``intervals`` parts (a smaller step if fewer than two ticks would show; ``whole``:
    whole steps only, for counts)."""
    span = highest - lowest
    if not (span > 0 and math.isfinite(span)):
        return [lowest]
    scale = 10.0 ** math.floor(math.log10(span / intervals))
    candidates = [m * scale for m in (1.0, 2.0, 2.5, 5.0, 10.0)]
    if whole:
        candidates = [c for c in candidates if c >= 1 and c.is_integer()] or [1.0]
    chosen = min(
        (c for c in candidates if c >= span / intervals * (1 - 1e-9)), default=candidates[-1]
    )
    for step in sorted((c for c in candidates if c <= chosen), reverse=True):
        first = math.ceil(lowest / step - 1e-9)
        last = math.floor(highest / step + 1e-9)
        if last - first >= 1:
            break
    return [round(k * step, 12) for k in range(first, last + 1)]


def _intervals(height: float) -> int:
    """How many intervals a vertical axis of ``height`` shows readably (nine at most):
    two ems for each label. A horizontal axis of the note is always long enough for nine."""
    return max(1, min(9, int(height // (2 * _SIZE))))


def _tick_label(value: float, lang: str, digits: int | None) -> str:
    """A tick's value with ``digits`` significant figures (``None``: a whole count)."""
    from ecodigital.i18n.format import format_count, format_number

    if digits is None:
        return format_count(value, lang)
    return format_number(value, lang, digits) if value else "0"


def _legend(
    drawing: _Drawing,
    series: Sequence[_Series],
    centre: float,
    top: float,
    width: float = _WIDTH,
) -> float:
    """Each series' key and name in rows (four at most) centred on ``centre`` from ``top``,
    within a drawing ``width`` wide; returns the bottom of the legend."""
    gap, space, row_height = 0.8 * _SMALL, 2.0 * _SMALL, 1.5 * _SMALL
    entries = [_HANDLE[0] + gap + text_width(one.name, _SMALL) for one in series]
    rows: list[list[int]] = []
    for index, entry in enumerate(entries):
        row = rows[-1] if rows else []
        wanted = sum(entries[i] + space for i in row) + entry
        if not rows or len(row) == 4 or wanted > width - 2 * _PAD:
            rows.append([])
        rows[-1].append(index)
    for number, row in enumerate(rows):
        baseline = top + 0.76 * _SMALL + number * row_height
        used = sum(entries[i] for i in row) + space * (len(row) - 1)
        x = max(_PAD, min(centre - used / 2, width - _PAD - used))
        for index in row:
            one, key_top = series[index], baseline - _HANDLE[1]
            drawing.rect(x, key_top, *_HANDLE, one.colour, edge=True)
            if one.marker:
                with drawing.group(_MARKER_LOOK):
                    drawing.marker(one.marker, x + _HANDLE[0] / 2, key_top + _HANDLE[1] / 2)
            drawing.text(x + _HANDLE[0] + gap, baseline, one.name, size=_SMALL)
            x += entries[index] + space
    return top + _SMALL + (len(rows) - 1) * row_height


@dataclass(frozen=True)
class _Bar:
    """One bar: its category (0 first) and where it starts and ends on the value axis."""

    category: int
    start: float
    end: float


@dataclass(frozen=True)
class _Series:
    name: str
    bars: Sequence[_Bar]
    colour: str
    marker: str


def _axes(
    drawing: _Drawing,
    box: tuple[float, float, float, float],
    across: Sequence[float],
    down: Sequence[float],
) -> None:
    """The left and bottom spines of ``box`` (left, top, right, bottom) and the tick
    marks at ``across`` (x positions) and ``down`` (y positions)."""
    left, top, right, bottom = box
    with drawing.group(f'stroke="{_SPINE}" stroke-width="0.8"'):
        drawing.line(left, top, left, bottom)
        drawing.line(left, bottom, right, bottom)
    with drawing.group(f'stroke="{_TEXT}" stroke-width="0.8"'):
        for x in across:
            drawing.line(x, bottom, x, bottom + _TICK)
        for y in down:
            drawing.line(left - _TICK, y, left, y)


def _horizontal(
    categories: Sequence[str],
    series: Sequence[_Series],
    *,
    view: tuple[float, float],
    band: float,
    unit_label: str,
    lang: str,
    digits: int | None = 2,
    centre_line: float | None = None,
    annotations: Sequence[tuple[int, float, str]] = (),
    marker_min: float,
) -> str:
    """Bars along a horizontal value axis, one band of ``band`` per category from the top.

    ``annotations``: (category, value, text) written just after the value;
    ``marker_min``: the shortest bar that gets its series' marker.
    """
    drawing = _Drawing()
    lowest, highest = view
    ticks = _steps(lowest, highest, 9, whole=digits is None)
    labels = [_tick_label(t, lang, digits) for t in ticks]
    label_width = max((text_width(c, _SIZE) for c in categories), default=0.0)
    left, top = _PAD + label_width + 2 * _TICK, _PAD
    room = max(_PAD, text_width(labels[-1], _SIZE) / 2 + 2)
    width = max(_WIDTH, left + _PLOT + room)
    right = width - room
    rows = max(len(categories), 1)
    bottom = top + band * (rows - 1 + _BAR) * (1 + 2 * _MARGIN)
    first = top + band * ((rows - 1 + _BAR) * _MARGIN + _BAR / 2)
    scale = (right - left) / (highest - lowest)

    def x_of(value: float) -> float:
        return left + (value - lowest) * scale

    def y_of(category: int) -> float:
        return first + category * band

    with drawing.group(f'stroke="{_GRID}" stroke-width="0.6"'):
        for tick in ticks:
            drawing.line(x_of(tick), top, x_of(tick), bottom)
    for one in series:
        with drawing.group(f'fill="{one.colour}" {_BAR_LOOK}'):
            for bar in one.bars:
                if bar.end != bar.start:
                    drawing.rect(
                        x_of(min(bar.start, bar.end)), y_of(bar.category) - band * _BAR / 2,
                        abs(bar.end - bar.start) * scale, band * _BAR,
                    )  # fmt: skip
    with drawing.group(_MARKER_LOOK):
        for one in series:
            for bar in one.bars:
                if one.marker and abs(bar.end - bar.start) > marker_min:
                    drawing.marker(one.marker, x_of((bar.start + bar.end) / 2), y_of(bar.category))
    if centre_line is not None:
        with drawing.group(f'stroke="{_TEXT}" stroke-width="0.9"'):
            drawing.line(x_of(centre_line), top, x_of(centre_line), bottom)
    _axes(
        drawing,
        (left, top, right, bottom),
        [x_of(t) for t in ticks],
        [y_of(i) for i in range(len(categories))],
    )
    # the texts, in reading order: the value axis, its unit, the categories, the annotations
    tick_baseline = bottom + 2 * _TICK + 0.76 * _SIZE
    for tick, label in zip(ticks, labels, strict=True):
        drawing.text(x_of(tick), tick_baseline, label, anchor="middle")
    unit_baseline = tick_baseline + 1.45 * _SIZE
    drawing.text((left + right) / 2, unit_baseline, unit_label, anchor="middle")
    for index, category in enumerate(categories):
        drawing.text(left - 2 * _TICK, y_of(index) + _BASELINE * _SIZE, category, anchor="end")
    for index, value, text in annotations:
        drawing.text(
            x_of(value) + 0.01 * (highest - lowest) * scale,
            y_of(index) + _BASELINE * _SMALL,
            f" {text}",
            size=_SMALL,
        )
    end = _legend(
        drawing,
        series,
        (left + right) / 2,
        unit_baseline + 0.24 * _SIZE + _SMALL,
        width,
    )
    return drawing.svg(end + _PAD, width)


def _stacked(
    series: Sequence[tuple[str, Sequence[float]]], colours: Sequence[str]
) -> tuple[list[_Series], list[float]]:
    """Each series' bars stacked on the ones before, and each category's total."""
    base = [0.0] * (len(series[0][1]) if series else 0)
    stacked = []
    for index, (name, values) in enumerate(series):
        bars = [_Bar(i, base[i], base[i] + float(v)) for i, v in enumerate(values)]
        colour, marker = colours[index % len(colours)], MARKERS[index % len(MARKERS)]
        stacked.append(_Series(name, bars, colour, marker))
        base = [bar.end for bar in bars]
    return stacked, base


def _stacked_horizontal(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit_label: str,
    lang: str,
    band: float,
    colours: Sequence[str] = OKABE_ITO,
    annotations: Sequence[str] = (),
    digits: int | None = 2,
) -> str:
    stacked, totals = _stacked(series, colours)
    most = max(totals, default=0.0)
    room = 1.18 if annotations else 1 + _MARGIN  # annotations need room after the bars
    return _horizontal(
        categories,
        stacked,
        view=(0.0, most * room if most > 0 else 1.0),
        band=band,
        unit_label=unit_label,
        lang=lang,
        digits=digits,
        annotations=[(i, totals[i], text) for i, text in enumerate(annotations)],
        marker_min=_MARKER_MIN_SHARE * most,
    )


def _stacked_vertical(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit_label: str,
    lang: str,
    height: float,
    colours: Sequence[str] = OKABE_ITO,
) -> str:
    """Stacked bars standing on a horizontal category axis, the values up the left."""
    drawing = _Drawing()
    stacked, totals = _stacked(series, colours)
    most = max(totals, default=0.0)
    highest = most * (1 + _MARGIN) if most > 0 else 1.0
    ticks = _steps(0.0, highest, _intervals(height))
    labels = [_tick_label(t, lang, 2) for t in ticks]
    label_width = max((text_width(label, _SIZE) for label in labels), default=0.0)
    unit_baseline = _PAD + 0.76 * _SIZE  # the unit, read upwards, left of the tick labels
    left, top = unit_baseline + 0.24 * _SIZE + 4.0 + label_width + 2 * _TICK, _PAD
    right, bottom = _WIDTH - _PAD, _PAD + height
    columns = max(len(categories), 1)
    band = (right - left) / ((columns - 1 + _BAR) * (1 + 2 * _MARGIN))
    first = left + band * ((columns - 1 + _BAR) * _MARGIN + _BAR / 2)
    scale = height / highest

    def x_of(category: int) -> float:
        return first + category * band

    def y_of(value: float) -> float:
        return bottom - value * scale

    with drawing.group(f'stroke="{_GRID}" stroke-width="0.6"'):
        for tick in ticks:
            drawing.line(left, y_of(tick), right, y_of(tick))
    for one in stacked:
        with drawing.group(f'fill="{one.colour}" {_BAR_LOOK}'):
            for bar in one.bars:
                if bar.end > bar.start:
                    drawing.rect(
                        x_of(bar.category) - band * _BAR / 2, y_of(bar.end),
                        band * _BAR, (bar.end - bar.start) * scale,
                    )  # fmt: skip
    least = _MARKER_MIN_SHARE * most
    with drawing.group(_MARKER_LOOK):
        for one in stacked:
            for bar in one.bars:
                if one.marker and bar.end - bar.start > least:
                    drawing.marker(one.marker, x_of(bar.category), y_of((bar.start + bar.end) / 2))
    _axes(
        drawing,
        (left, top, right, bottom),
        [x_of(i) for i in range(len(categories))],
        [y_of(t) for t in ticks],
    )
    tick_baseline = bottom + 2 * _TICK + 0.76 * _SIZE
    for index, category in enumerate(categories):
        drawing.text(x_of(index), tick_baseline, category, anchor="middle")
    for tick, label in zip(ticks, labels, strict=True):
        drawing.text(left - 2 * _TICK, y_of(tick) + _BASELINE * _SIZE, label, anchor="end")
    drawing.text(unit_baseline, (top + bottom) / 2, unit_label, anchor="middle", vertical=True)
    end = _legend(
        drawing,
        stacked,
        (left + right) / 2,
        tick_baseline + 0.24 * _SIZE + _SMALL,
    )
    return drawing.svg(end + _PAD)


# --------------------------------------------------------------------------- the charts


def _details(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], lang: str, unit: str
) -> str:
    from ecodigital.i18n.format import format_count, format_number

    def number(value: float) -> str:
        return (
            format_count(value, lang) if float(value).is_integer() else format_number(value, lang)
        )

    parts = []
    for index, category in enumerate(categories):
        values = ", ".join(
            f"{name} {number(values[index])}" for name, values in series if values[index]
        )
        parts.append(f"{category} : {values}" if lang == "fr" else f"{category}: {values}")
    return "; ".join(parts) + f" ({unit})."


def tier_phase_chart(
    matrix: Mapping[str, Mapping[str, float]], t: Mapping[str, Any], lang: str, horizon: int
) -> Chart:
    """Climate change by tier (bars) and phase (stacks); ``matrix[tier][phase]`` in kgCO2e."""
    from ecodigital.i18n import label
    from ecodigital.vocabulary import PHASES, TIERS

    tiers = [tier for tier in TIERS if tier in matrix]
    categories = [label(tier, lang) for tier in tiers]
    series = [
        (label(phase, lang), [float(matrix[tier].get(phase, 0.0)) for tier in tiers])
        for phase in PHASES
    ]
    svg = _stacked_horizontal(categories, series, unit_label="kgCO2e", lang=lang, band=41.0)
    alt = t["chart_summary_alt"].format(details=_details(categories, series, lang, "kgCO2e"))
    return Chart(svg, t["chart_summary_title"].format(horizon=horizon), alt)


def year_tier_chart(
    matrix: Mapping[str, Mapping[str, float]], t: Mapping[str, Any], lang: str
) -> Chart:
    """Climate change by year (bars) and tier (stacks); ``matrix[year][tier]`` in kgCO2e,
    keyed by calendar year."""
    from ecodigital.i18n import label
    from ecodigital.vocabulary import TIERS

    categories = list(matrix)
    series = [
        (label(tier, lang), [float(matrix[year].get(tier, 0.0)) for year in categories])
        for tier in TIERS
    ]
    svg = _stacked_vertical(categories, series, unit_label="kgCO2e", lang=lang, height=145.0)
    alt = t["chart_year_alt"].format(details=_details(categories, series, lang, "kgCO2e"))
    return Chart(svg, t["chart_year_title"], alt)


def rgesn_chart(families: Sequence[Mapping[str, Any]], t: Mapping[str, Any], lang: str) -> Chart:
    """RGESN criteria per family, stacked by status, with each family's score."""
    categories = [str(f["name"]) for f in families]
    series = [
        (str(t["validated"]), [float(f["validated"]) for f in families]),
        (str(t["not_validated"]), [float(f["not_validated"]) for f in families]),
        (str(t["not_applicable"]), [float(f["not_applicable"]) for f in families]),
        (
            f"{t['to_assess']} / {t['unanswered'].lower()}",
            [float(f["to_assess"] + f["unanswered"]) for f in families],
        ),
    ]
    colours = ("#009E73", "#D55E00", "#999999", "#E69F00")
    svg = _stacked_horizontal(
        categories, series, unit_label=str(t["chart_rgesn_unit"]), lang=lang, band=18.6,
        colours=colours, annotations=[str(f["score"]) for f in families], digits=None,
    )  # fmt: skip
    details = _details(categories, series, lang, str(t["chart_rgesn_unit"]))
    return Chart(svg, t["chart_rgesn_title"], t["chart_rgesn_alt"].format(details=details))


def tornado_chart(drivers: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> Chart | None:
    """The total with each driver at its P5 and at its P95, around the deterministic total.

    ``drivers`` is :func:`ecodigital.report.note.drivers_section`: rows with
    ``input``, ``at_p5_kgco2e`` and ``at_p95_kgco2e``, and ``reference_kgco2e``.
    Each bar runs from the deterministic total to the total at the input's P5
    (first series) and at its P95 (second series), so an input that lowers the
    total when it grows (a lifetime) shows its P95 bar on the left.
    """
    from ecodigital.i18n.format import format_number, format_quantity

    rows = list(drivers.get("rows") or [])
    reference = drivers.get("reference_kgco2e")
    if not rows or reference is None:
        return None
    # the axis in the unit the note shows the total in (tCO2e above 1000 kgCO2e)
    unit = str(drivers["unit"])
    scale = 1000.0 if unit == "tCO2e" else 1.0
    categories = [str(r["input"]) for r in rows]
    ends = [(float(r["at_p5_kgco2e"]) / scale, float(r["at_p95_kgco2e"]) / scale) for r in rows]
    centre = float(reference) / scale
    names = (str(t["chart_tornado_low"]), str(t["chart_tornado_high"]))
    lowest = min(centre, *(end for pair in ends for end in pair))
    highest = max(centre, *(end for pair in ends for end in pair))
    margin = _MARGIN * (highest - lowest) if highest > lowest else 1.0
    span = max((abs(end[i] - centre) for end in ends for i in (0, 1)), default=0.0)
    svg = _horizontal(
        categories,
        [
            _Series(name, [_Bar(p, centre, end[index]) for p, end in enumerate(ends)],
                    OKABE_ITO[index], MARKERS[index + 1])
            for index, name in enumerate(names)
        ],
        view=(lowest - margin, highest + margin),
        band=21.0,
        unit_label=unit,
        lang=lang,
        digits=3,
        centre_line=centre,
        marker_min=2 * _MARKER_MIN_SHARE * span,
    )  # fmt: skip
    colon = " : " if lang == "fr" else ": "
    share = str(t["variance_share"]).lower()
    details = "; ".join(
        f"{r['input']}{colon}{format_number(low, lang)} – {format_number(high, lang)} {unit}, "
        f"{share} {r['share']}"
        for r, (low, high) in zip(rows, ends, strict=True)
    )
    alt = t["chart_tornado_alt"].format(
        n=len(rows), reference=format_quantity(float(reference), "kgCO2e", lang),
        details=f"{details}.",
    )  # fmt: skip
    return Chart(svg, t["chart_tornado_title"].format(unit=unit), alt)
