"""Render a comparison: terminal table, HTML report, CSV, XLSX and JSON.

Every value from a submitted file is data: autoescaped in HTML (the report
has a strict Content-Security-Policy and makes no request), neutralised in CSV
(a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading
``'`` so no spreadsheet reads it as a formula), written with ``write_string``
in XLSX.
"""

# SVG markup and the word tables read better on one line each.
# ruff: noqa: E501

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any, Final

from ecodigital.report.charts import TIER_COLOURS
from ecodigital.review.compare import COLUMNS, ApplicationRow
from ecodigital.review.flags import FLAG_CODES, explain, flag_text

__all__ = [
    "COMPARISON_FORMAT",
    "neutralise_cell",
    "render_comparison",
    "render_csv",
    "render_html",
    "render_json",
    "render_table",
    "render_xlsx",
]

COMPARISON_FORMAT: Final = "ecodigital-comparison/1"
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
#: Okabe-Ito colours, as in the note's charts (terminals, data centres, networks).


def words(lang: str) -> dict[str, str]:
    """The comparison report's words in ``lang``."""
    from ecodigital.i18n import catalogue

    return {key: str(value) for key, value in catalogue(lang).section("compare").items()}


# --------------------------------------------------------------------------- numbers


def _fmt(value: float | None, lang: str, digits: int = 3) -> str:
    """A number with ``digits`` significant figures, in the language's style."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{round(value, decimals):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _pct(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    text = f"{value * 100:.0f}"
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


def _split(shares: Sequence[float | None], lang: str) -> str:
    """Shares as "74 / 23 / 3 %" (— where unknown)."""
    if all(s is None for s in shares):
        return "—"
    text = " / ".join("—" if s is None else f"{s * 100:.0f}" for s in shares)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


def _score(value: float | None, lang: str) -> str:
    return "—" if value is None else _pct(value / 100, lang)


def _display(row: ApplicationRow, index: int, lang: str) -> dict[str, Any]:
    w = words(lang)
    tiers = (row.terminals_share, row.datacenter_share, row.network_share)
    quality = (row.measured_share, row.modelled_share, row.declared_share)
    return {
        "n": index,
        "file": row.file,
        "file_name": row.file.replace("\\", "/").rsplit("/", 1)[-1],
        "project": row.project or "—",
        "applicant": row.applicant or "—",
        "type": row.beneficiary_type or "—",
        "horizon": "—" if row.horizon_years is None else str(row.horizon_years),
        "gwp": _fmt(row.gwp_kgco2e, lang),
        "range": "—"
        if row.gwp_low_kgco2e is None
        else f"{_fmt(row.gwp_low_kgco2e, lang)} – {_fmt(row.gwp_high_kgco2e, lang)}",
        "per_user": _fmt(row.gwp_per_user_year_kgco2e, lang),
        "per_keur": _fmt(row.gwp_per_keur_kgco2e, lang),
        "embodied": _pct(row.embodied_share, lang),
        "tiers": _split(tiers, lang),
        "quality": _split(quality, lang),
        "rgesn": _score(row.rgesn_score, lang)
        + ("" if row.rgesn_coverage is None else f" ({_pct(row.rgesn_coverage, lang)})"),
        "finance": w.get(row.finance_verdict, row.finance_verdict),
        "finance_class": row.finance_verdict,
        "dataset": row.factors_dataset_version or "—",
        "flags": [flag_text(flag, lang) for flag in row.flags],
        "flag_codes": row.flag_codes,
        "error": row.error,
    }


# --------------------------------------------------------------------------- terminal


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(rows: Sequence[ApplicationRow], lang: str = "fr") -> str:
    """A readable fixed-width table, one line per application, then the errors."""
    w = words(lang)
    header = (w["n"], w["project"], w["applicant"], w["gwp"], w["per_user"], w["rgesn"],
              w["finance"], w["flags"])  # fmt: skip
    widths = (3, 30, 24, 10, 17, 18, 14, 0)
    lines = [
        "  ".join(_cut(h, n).ljust(n) if n else h for h, n in zip(header, widths, strict=True))
    ]
    lines.append("  ".join("-" * (n or 20) for n in widths))
    errors = []
    for index, row in enumerate(rows, 1):
        if row.error:
            errors.append(f"{index:>3}  {row.error}")
            cells = (str(index), _cut(row.file, 30), "", "", "", "", "", w["error"].upper())
        else:
            d = _display(row, index, lang)
            cells = (str(index), d["project"], d["applicant"], d["gwp"], d["per_user"],
                     d["rgesn"], d["finance"], " ".join(row.flag_codes) or "—")  # fmt: skip
        lines.append(
            "  ".join(
                (_cut(c, n).rjust(n) if 3 <= i <= 5 else _cut(c, n).ljust(n)) if n else c
                for i, (c, n) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
    if errors:
        lines += ["", w["errors_heading"].format(n=len(errors)), *errors]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- CSV / XLSX / JSON


def neutralise_cell(value: Any) -> Any:
    """A CSV cell no spreadsheet evaluates: text starting a formula gets a leading ``'``.

    >>> neutralise_cell('=HYPERLINK("http://x")'), neutralise_cell(-3.5), neutralise_cell("a")
    ('\\'=HYPERLINK("http://x")', -3.5, 'a')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _flat(row: ApplicationRow, lang: str = "en") -> dict[str, Any]:
    data = row.as_dict()
    data["flags"] = " ".join(row.flag_codes)
    data["flag_details"] = " | ".join(flag_text(flag, lang) for flag in row.flags)
    return data


#: Number formats of the XLSX columns that hold numbers (the unit is in the column's name).
XLSX_FORMATS: Final = {
    "horizon_years": "0", "user_years": "#,##0", "gwp_kgco2e": "#,##0.0",
    "gwp_low_kgco2e": "#,##0.0", "gwp_high_kgco2e": "#,##0.0",
    "gwp_per_user_year_kgco2e": "#,##0.000", "gwp_per_keur_kgco2e": "#,##0.000",
    "eligible_cost_eur": "#,##0.00", "embodied_share": "0.0%", "terminals_share": "0.0%",
    "datacenter_share": "0.0%", "network_share": "0.0%", "measured_share": "0.0%",
    "modelled_share": "0.0%", "declared_share": "0.0%", "rgesn_score": "0.0", "rgesn_coverage": "0.0%",
    "intensity_z": "0.00",
}  # fmt: skip


FLAT_COLUMNS: Final = (*COLUMNS, "flag_details")


def render_csv(rows: Sequence[ApplicationRow]) -> str:
    """CSV (comma, UTF-8 with BOM for spreadsheets), one row per application."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FLAT_COLUMNS)
    for row in rows:
        flat = _flat(row)
        writer.writerow([neutralise_cell("" if flat[c] is None else flat[c]) for c in FLAT_COLUMNS])
    return "\ufeff" + out.getvalue()


def render_xlsx(rows: Sequence[ApplicationRow], lang: str = "fr") -> bytes:
    """An XLSX workbook; every text is written as a string, so nothing becomes a formula.

    Numbers (amounts in EUR included) are stored as numbers with a number format, and the
    flags' details are in ``lang``.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}  # fmt: skip
    workbook = xlsxwriter.Workbook(buffer, options)
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "bottom": 2})
    formats = {name: workbook.add_format({"num_format": f}) for name, f in XLSX_FORMATS.items()}
    sheet = workbook.add_worksheet("comparison")
    for col, name in enumerate(FLAT_COLUMNS):
        sheet.write_string(0, col, name, bold)
    for r, row in enumerate(rows, 1):
        flat = _flat(row, lang)
        if row.eligible_cost_eur is not None:
            flat["eligible_cost_eur"] = float(row.eligible_cost_eur)
        for col, name in enumerate(FLAT_COLUMNS):
            value = flat[name]
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, col, value)
            elif isinstance(value, int | float) and math.isfinite(value):
                sheet.write_number(r, col, value, formats.get(name))
            else:
                sheet.write_string(r, col, str(value))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 30)
    sheet.set_column(2, 3, 32)
    legend = workbook.add_worksheet("flags")
    legend.write_string(0, 0, "code", bold)
    legend.write_string(0, 1, "title", bold)
    legend.write_string(0, 2, "meaning", bold)
    for r, code in enumerate(FLAG_CODES, 1):
        title, meaning = explain(code, lang)
        legend.write_string(r, 0, code)
        legend.write_string(r, 1, title)
        legend.write_string(r, 2, meaning)
    legend.set_column(0, 0, 22)
    legend.set_column(1, 1, 28)
    legend.set_column(2, 2, 100)
    workbook.close()
    return buffer.getvalue()


def render_json(rows: Sequence[ApplicationRow]) -> str:
    """Every row as JSON, with the flags' explanations."""
    data = {
        "format": COMPARISON_FORMAT,
        "rows": [row.as_dict() for row in rows],
        "flags": {
            code: {
                lang: dict(zip(("title", "meaning"), explain(code, lang), strict=True))
                for lang in ("fr", "en")
            }
            for code in FLAG_CODES
        },
        "errors": sum(1 for row in rows if row.error),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# --------------------------------------------------------------------------- HTML charts


def _esc(text: Any) -> str:
    from markupsafe import escape

    return str(escape(str(text)))


def _log_ticks(low: float, high: float) -> list[float]:
    start, stop = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return [10.0**e for e in range(start, stop + 1)]


def users_chart(rows: Sequence[tuple[int, ApplicationRow]], lang: str) -> str:
    """Scatter of kgCO2e per user-year against user-years, both on log scales."""
    w = words(lang)
    points = [
        (n, r.user_years, r.gwp_per_user_year_kgco2e, bool(r.flags))
        for n, r in rows
        if r.user_years and r.gwp_per_user_year_kgco2e and r.user_years > 0
        and r.gwp_per_user_year_kgco2e > 0
    ]  # fmt: skip
    width, height, left, right, top, bottom = 720, 320, 70, 20, 16, 46
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{_esc(w["chart_users"])}" font-family="DejaVu Sans, sans-serif" font-size="11">']  # fmt: skip
    if not points:
        svg.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">{_esc(w["no_data"])}</text></svg>'
        )
        return "".join(svg)
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    xt, yt = _log_ticks(min(xs), max(xs)), _log_ticks(min(ys), max(ys))
    if len(xt) < 2:
        xt = [xt[0], xt[0] * 10]
    if len(yt) < 2:
        yt = [yt[0], yt[0] * 10]

    def sx(v: float) -> float:
        a, b = math.log10(xt[0]), math.log10(xt[-1])
        return left + (math.log10(v) - a) / (b - a) * (width - left - right)

    def sy(v: float) -> float:
        a, b = math.log10(yt[0]), math.log10(yt[-1])
        return height - bottom - (math.log10(v) - a) / (b - a) * (height - top - bottom)

    for t in xt:
        svg.append(f'<line x1="{sx(t):.1f}" y1="{top}" x2="{sx(t):.1f}" y2="{height - bottom}" stroke="#e3e8ee"/>'
                   f'<text x="{sx(t):.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="#5b6673">{_esc(_fmt(t, lang))}</text>')  # fmt: skip
    for t in yt:
        svg.append(f'<line x1="{left}" y1="{sy(t):.1f}" x2="{width - right}" y2="{sy(t):.1f}" stroke="#e3e8ee"/>'
                   f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end" fill="#5b6673">{_esc(_fmt(t, lang))}</text>')  # fmt: skip
    svg.append(f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle" fill="#1d2733">{_esc(w["user_years"])}</text>'
               f'<text x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" fill="#1d2733" '
               f'transform="rotate(-90 14 {(top + height - bottom) / 2})">{_esc(w["per_user"])}</text>')  # fmt: skip
    for n, x, y, flagged in points:
        colour = "#D55E00" if flagged else "#1f4e79"
        svg.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="{colour}" fill-opacity="0.8"/>'
                   f'<text x="{sx(x) + 7:.1f}" y="{sy(y) - 6:.1f}" fill="#1d2733">{n}</text>')  # fmt: skip
    svg.append("</svg>")
    return "".join(svg)


def _bars(items: list[tuple[int, list[tuple[float, str]]]], label: str, scale_max: float,
          unit: str, legend: list[tuple[str, str]]) -> str:  # fmt: skip
    """Horizontal (stacked) bars, one per application number."""
    bar, gap, left, width = 16, 6, 40, 720
    top = 26 if legend else 8
    height = top + len(items) * (bar + gap) + 26
    plot = width - left - 60
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{_esc(label)}" font-family="DejaVu Sans, sans-serif" font-size="11">']  # fmt: skip
    x = left
    for name, colour in legend:
        svg.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="14" fill="#1d2733">{_esc(name)}</text>')  # fmt: skip
        x += 22 + 7 * len(name)
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        tx = left + tick * plot
        svg.append(f'<line x1="{tx:.1f}" y1="{top - 2}" x2="{tx:.1f}" y2="{height - 22}" stroke="#e3e8ee"/>'
                   f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="middle" fill="#5b6673">{tick * scale_max:g}{unit}</text>')  # fmt: skip
    for i, (n, segments) in enumerate(items):
        y = top + i * (bar + gap)
        svg.append(
            f'<text x="{left - 6}" y="{y + bar - 4}" text-anchor="end" fill="#1d2733">{n}</text>'
        )
        x0 = float(left)
        for value, colour in segments:
            length = max(0.0, min(1.0, value / scale_max)) * plot
            svg.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>'
            )
            x0 += length
    svg.append("</svg>")
    return "".join(svg)


def tiers_chart(rows: Sequence[tuple[int, ApplicationRow]], lang: str) -> str:
    w = words(lang)
    items = [
        (
            n,
            [
                ((getattr(r, f"{tier}_share") or 0.0) * 100, TIER_COLOURS[tier])
                for tier in TIER_COLOURS
            ],
        )
        for n, r in rows
        if r.terminals_share is not None
    ]
    legend = [(w[tier], colour) for tier, colour in TIER_COLOURS.items()]
    return _bars(items, w["chart_tiers"], 100.0, "%", legend)


def rgesn_chart(rows: Sequence[tuple[int, ApplicationRow]], lang: str) -> str:
    w = words(lang)
    items = [(n, [(r.rgesn_score or 0.0, "#1f4e79")]) for n, r in rows if r.rgesn_score is not None]
    return _bars(items, w["chart_rgesn"], 100.0, "%", [])


def render_html(rows: Sequence[ApplicationRow], lang: str = "fr") -> str:
    """The HTML report: summary, charts, table, flag legend and unread files."""
    from markupsafe import Markup

    from ecodigital.report.templating import note_environment
    from ecodigital.resources import data_dir

    numbered = [(n, r) for n, r in enumerate(rows, 1) if not r.error]
    env = note_environment("html", (data_dir("templates") / "review",))
    css = env.loader.get_source(env, "note.css")[0] + env.loader.get_source(env, "review.css")[0]
    charts = {
        "users": Markup(users_chart(numbered, lang)),
        "tiers": Markup(tiers_chart(numbered, lang)),
        "rgesn": Markup(rgesn_chart(numbered, lang)),
    }
    return str(
        env.get_template("compare.html.j2").render(
            lang=lang,
            w=words(lang),
            rows=[_display(r, n, lang) for n, r in enumerate(rows, 1)],
            show={
                "range": any(r.gwp_low_kgco2e is not None for r in rows),
                "per_keur": any(r.gwp_per_keur_kgco2e is not None for r in rows),
            },
            counts={
                "files": len(rows),
                "unreadable": sum(1 for r in rows if r.error),
                "flagged": sum(1 for r in rows if r.flags),
            },
            legend=[(code, *explain(code, lang)) for code in FLAG_CODES],
            charts=charts,
            css=Markup(css.replace("</", "<\\/")),
        )
    )


def render_comparison(rows: Sequence[ApplicationRow], fmt: str, lang: str = "fr") -> str | bytes:
    """The comparison in ``fmt``: table, html, csv, xlsx or json."""
    if fmt == "html":
        return render_html(rows, lang)
    if fmt == "csv":
        return render_csv(rows)
    if fmt == "xlsx":
        return render_xlsx(rows, lang)
    if fmt == "json":
        return render_json(rows)
    return render_table(rows, lang)
