"""The comparison of ``ecodigital scenarios``: a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ecodigital.i18n import and_more, label
from ecodigital.i18n.format import (
    format_change,
    format_change_pct,
    format_change_pct_range,
    format_quantity,
    format_range,
)

__all__ = ["lever_name", "render_scenarios"]


#: Items named in a lever's title at most; more are counted.
_ITEMS_NAMED = 3


def lever_name(lever: Mapping[str, Any], lang: str) -> str:
    """A standard lever's title in ``lang``, with the items it changes."""
    name = label("lever_" + str(lever["lever"]), lang).format(**lever["params"])
    items = [str(i) for i in lever.get("items") or []]
    if not items:
        return name
    shown = ", ".join(items[:_ITEMS_NAMED])
    if len(items) > _ITEMS_NAMED:
        shown += " " + and_more(len(items) - _ITEMS_NAMED, lang)
    return f"{name} ({shown})"


def render_scenarios(data: dict[str, Any], output_format: str, lang: str = "fr") -> str:
    """The text of ``scenarios --format output_format``."""
    if output_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return _table_text(data, lang)


def _rows(record: dict[str, Any], criteria: list[str], lang: str) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for criterion in criteria:
        r = record["criteria"][criterion]
        if r["value"] is None:
            continue
        unit = r["unit"]
        value = format_quantity(r["value"], unit, lang)
        if not r["complete"]:
            value = f"≥ {value}"
        if r.get("range"):
            value += " " + format_range(r["range"][0], r["range"][1], unit, r["value"], lang)
        per_user = format_quantity(r["per_user_year"], f"{unit}/user-year", lang)
        rows.append(
            (
                f"{label(criterion + '_short', lang)} ({criterion})",
                value,
                format_change(r["change"], unit, lang),
                " ".join(
                    part
                    for part in (
                        format_change_pct(r["change_pct"], lang),
                        format_change_pct_range(r.get("change_pct_range"), lang),
                    )
                    if part
                ),
                per_user,
            )
        )
    return rows


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _table_text(data: dict[str, Any], lang: str) -> str:
    colon = " : " if lang == "fr" else ": "
    criteria = list(data["baseline"]["criteria"])
    header = (
        label("criterion", lang),
        label("value", lang),
        label("change", lang),
        "%",
        label("per_user_year_short", lang),
    )
    out = [data["project"], ""]
    base = data["baseline"]["criteria"]
    out.append(f"{label('baseline', lang)}")
    base_rows: list[tuple[str, ...]] = []
    for criterion in criteria:
        r = base[criterion]
        if r["value"] is None:
            continue
        value = format_quantity(r["value"], r["unit"], lang)
        if not r["complete"]:
            value = f"≥ {value}"
        if r.get("range"):
            value += " " + format_range(r["range"][0], r["range"][1], r["unit"], r["value"], lang)
        base_rows.append((f"{label(criterion + '_short', lang)} ({criterion})", value))
    out += _table(base_rows)
    for record in data["scenarios"]:
        out += ["", f"{label('scenario', lang)}{colon}{record['name']}"]
        out += _table([header, *_rows(record, criteria, lang)])
    if data["levers"]:
        out += ["", label("levers", lang)]
        rows: list[tuple[str, ...]] = [(label("scenario", lang), *header[1:])]
        for lever in data["levers"]:
            name = lever_name(lever, lang)
            rows += [(name, *row[1:]) for row in _rows(lever, ["gwp"], lang)]
        out += _table(rows)
    if data["draws"]:
        out += ["", label("ranges_note", lang).format(draws=data["draws"], seed=data["seed"])]
    return "\n".join(out) + "\n"
