"""The note's charts, drawn with matplotlib as self-contained SVG text.

Colours are the Okabe-Ito palette, which colour-blind readers can tell apart,
and every series after the first also carries its own white marker (circle,
triangle, square...) at the middle of each of its bars and in the legend, so a
chart still reads when printed in black and white. Markers rather than hatch
patterns: a PDF renderer draws an SVG hatch pattern tile by tile, which took
seconds per note, while a marker is one small path per bar. Every chart has a
title with its unit and an alternative text listing its values, for screen
readers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "TIER_COLOURS",
    "Chart",
    "rgesn_chart",
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
#: One matplotlib marker per series ("" for none: the first series is plain).
MARKERS: Final = ("", "o", "^", "s", "D", "v", "P")
#: A bar narrower than this share of the axis gets no marker (it would overflow).
_MARKER_MIN_SHARE: Final = 0.035
_TEXT: Final = "#222222"


@dataclass(frozen=True)
class Chart:
    """An SVG chart with its title and alternative text."""

    svg: str
    title: str
    alt: str


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _style() -> dict[str, Any]:
    return {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "svg.fonttype": "none",
        "text.parse_math": False,
        "axes.edgecolor": "#888888",
        "axes.labelcolor": _TEXT,
        "xtick.color": _TEXT,
        "ytick.color": _TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _to_svg(fig: Any, salt: str) -> str:
    import matplotlib

    plt = _pyplot()
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # Let CSS size the drawing: keep the viewBox, drop the fixed size in points.
    text = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", text, count=1)
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _fmt_axis(lang: str, digits: int = 2) -> Any:
    from matplotlib.ticker import FuncFormatter

    from ecodigital.i18n.format import format_number

    return FuncFormatter(lambda value, _pos: format_number(value, lang, digits) if value else "0")


def _mark(ax: Any, centres: Sequence[tuple[float, float]], marker: str) -> None:
    """One white marker with a dark edge at each of a series' bar centres."""
    if not marker or not centres:
        return
    ax.scatter(
        [c[0] for c in centres],
        [c[1] for c in centres],
        marker=marker,
        s=30,
        facecolor="#ffffff",
        edgecolor=_TEXT,
        linewidth=0.6,
        zorder=3,
    )


def _handles(ax: Any, colours: Sequence[str], count: int) -> list[Any]:
    """Legend keys: the series colour with its marker drawn over it."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for index in range(count):
        patch = Patch(facecolor=colours[index % len(colours)], edgecolor="#ffffff")
        marker = MARKERS[index % len(MARKERS)]
        if marker:
            handles.append(
                (
                    patch,
                    Line2D(
                        [], [], linestyle="none", marker=marker, markersize=5.5,
                        markerfacecolor="#ffffff", markeredgecolor=_TEXT, markeredgewidth=0.6,
                    ),
                )
            )  # fmt: skip
        else:
            handles.append(patch)
    return handles


def _stacked_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    horizontal: bool,
    unit_label: str,
    lang: str,
    height: float,
    colours: Sequence[str] = OKABE_ITO,
    annotations: Sequence[str] | None = None,
    salt: str,
) -> str:
    plt = _pyplot()
    import matplotlib

    with matplotlib.rc_context(_style()):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(6.6, height))
        positions = list(range(len(categories)))
        base = [0.0] * len(categories)
        totals = [sum(column) for column in zip(*(values for _, values in series), strict=True)]
        least = _MARKER_MIN_SHARE * max(totals, default=0.0)
        for index, (name, values) in enumerate(series):
            kwargs = {
                "color": colours[index % len(colours)],
                "edgecolor": "#ffffff",
                "linewidth": 0.8,
                "label": name,
            }
            if horizontal:
                ax.barh(positions, values, left=base, height=0.6, **kwargs)
            else:
                ax.bar(positions, values, bottom=base, width=0.6, **kwargs)
            centres = [
                (b + v / 2, p) if horizontal else (p, b + v / 2)
                for p, b, v in zip(positions, base, values, strict=True)
                if v > least
            ]
            _mark(ax, centres, MARKERS[index % len(MARKERS)])
            base = [b + v for b, v in zip(base, values, strict=True)]
        if horizontal:
            ax.set_yticks(positions, categories)
            ax.invert_yaxis()
            ax.xaxis.set_major_formatter(_fmt_axis(lang))
            ax.set_xlabel(unit_label)
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        else:
            ax.set_xticks(positions, categories)
            ax.yaxis.set_major_formatter(_fmt_axis(lang))
            ax.set_ylabel(unit_label)
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        if annotations:
            top = max(base) if base else 0
            for position, (total, text) in enumerate(zip(base, annotations, strict=True)):
                if horizontal:
                    ax.text(total + top * 0.01, position, f" {text}", va="center", fontsize=8)
            if horizontal:
                ax.set_xlim(0, top * 1.18 if top else 1)
        ax.legend(
            _handles(ax, colours, len(series)),
            [name for name, _ in series],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22 if horizontal else -0.12),
            ncol=min(len(series), 4),
            frameon=False,
            fontsize=8,
        )
        fig.tight_layout()
        return _to_svg(fig, salt)


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
    svg = _stacked_bars(
        categories, series, horizontal=True, unit_label="kgCO2e", lang=lang, height=2.6,
        salt="tier-phase",
    )  # fmt: skip
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
    svg = _stacked_bars(
        categories, series, horizontal=False, unit_label="kgCO2e", lang=lang, height=2.8,
        salt="year-tier",
    )  # fmt: skip
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
    svg = _stacked_bars(
        categories, series, horizontal=True, unit_label=str(t["chart_rgesn_unit"]), lang=lang,
        height=3.6, colours=colours, annotations=[str(f["score"]) for f in families],
        salt="rgesn",
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
    plt = _pyplot()
    import matplotlib

    with matplotlib.rc_context(_style()):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(6.6, 0.5 + 0.42 * len(rows)))
        positions = list(range(len(rows)))
        for index, name in enumerate(names):
            ax.barh(
                positions,
                [end[index] - centre for end in ends],
                left=centre,
                height=0.6,
                color=OKABE_ITO[index],
                edgecolor="#ffffff",
                linewidth=0.8,
                label=name,
            )
            span = max((abs(end[i] - centre) for end in ends for i in (0, 1)), default=0.0)
            _mark(
                ax,
                [
                    (centre + (end[index] - centre) / 2, p)
                    for p, end in zip(positions, ends, strict=True)
                    if abs(end[index] - centre) > 2 * _MARKER_MIN_SHARE * span
                ],
                MARKERS[index + 1],
            )
        ax.axvline(centre, color=_TEXT, linewidth=0.9)
        ax.set_yticks(positions, categories)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_fmt_axis(lang, digits=3))
        ax.set_xlabel(unit)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        tornado_colours = (OKABE_ITO[0], OKABE_ITO[1])
        keys = _handles(ax, ("#000000", *tornado_colours), 3)[1:]
        ax.legend(
            keys,
            list(names),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.45 if len(rows) < 4 else -0.3),
            ncol=2,
            frameon=False,
            fontsize=8,
        )
        fig.tight_layout()
        svg = _to_svg(fig, "tornado")
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
