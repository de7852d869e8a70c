"""The readable terminal table of ``ecodigital assess``."""

from __future__ import annotations

from typing import Any

from ecodigital.i18n import and_more, label, warning_text
from ecodigital.i18n.format import format_number, format_quantity, format_range, format_share
from ecodigital.report.data import uncertainty_stats as _stats

__all__ = ["assessment_table"]

_MAX_ITEMS_LISTED = 5


def _figure(figure: dict[str, Any], lang: str, stats: dict[str, Any] | None = None) -> str:
    """A figure; a partial sum (lower bound) is marked with ≥; its P5–P95 range when known."""
    text = format_quantity(figure["value"], figure["unit"], lang)
    if figure["value"] is not None and not figure["complete"]:
        text = f"≥ {text}"
    if stats and stats.get("p5") is not None and figure["value"] is not None:
        text += " " + format_range(stats["p5"], stats["p95"], figure["unit"], figure["value"], lang)
    return text


def _criterion(criterion: str, lang: str) -> str:
    return f"{label(criterion + '_short', lang)} ({criterion})"


def _table(rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append(indent + "  ".join(cells).rstrip())
    return lines


def _has_partial(data: dict[str, Any]) -> bool:
    return any(f["value"] is not None and not f["complete"] for f in data["totals"].values())


def _ratio(ratio: float | None, lang: str) -> str:
    if ratio is None:
        return ""
    return f"× {format_number(ratio, lang, 2)}"


def assessment_table(data: dict[str, Any], lang: str = "fr") -> str:
    """Totals, tiers, phases, years, per user-year, top items and warnings."""
    project = data["project"]
    dataset = data["factors_dataset"]
    start = project["start_year"]
    horizon = project["horizon_years"]
    per_user = data["per_functional_unit"]["per_user_year"]
    colon = " : " if lang == "fr" else ": "
    out = [
        f"{project['name']} — {project['beneficiary']['name']} ({project['beneficiary']['type']})",
        f"{label('horizon', lang)}{colon}{horizon} {label('years', lang)}"
        f" ({start}-{start + horizon - 1})"
        f" · {format_quantity(per_user['user_years']['value'], label('user_years', lang), lang)}"
        f" · {label('factors', lang)} {dataset['name']} {dataset['version']}",
        "",
        label("totals", lang),
    ]
    out += _table(
        [
            (
                _criterion(criterion, lang),
                _figure(figure, lang, _stats(data, "totals", criterion=criterion)),
            )
            for criterion, figure in data["totals"].items()
        ]
    )
    total_gwp = data["totals"]["gwp"]["value"] or 0.0

    def gwp_rows(
        records: list[dict[str, Any]], key: str, key_section: str
    ) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = []
        for record in records:
            if record["criterion"] != "gwp":
                continue
            name = str(record[key]) if key == "year" else label(str(record[key]), lang)
            share = (
                record["value"] / total_gwp if record["value"] is not None and total_gwp else None
            )
            stats = _stats(data, key_section, **{key: record[key], "criterion": "gwp"})
            rows.append((name, _figure(record, lang, stats), format_share(share, lang)))
        return rows

    for section, key in (("by_tier", "tier"), ("by_phase", "phase"), ("by_year", "year")):
        rows = gwp_rows(data[section], key, section)
        if key == "year":
            rows = [(str(start + int(r[0]) - 1), *r[1:]) for r in rows]
        out += ["", label(section, lang), *_table(rows)]

    out += ["", label("per_user_year", lang)]
    out += _table(
        [
            (
                _criterion(criterion, lang),
                _figure(
                    per_user[criterion], lang, _stats(data, "per_user_year", criterion=criterion)
                ),
            )
            for criterion in data["totals"]
        ]
    )
    sci = data["per_functional_unit"]["sci"]
    out.append(f"  {label('sci', lang)}{colon}{_figure(sci, lang, _stats(data, 'sci'))}")
    if data.get("uncertainty"):
        ranges = data["uncertainty"]
        out += ["", label("ranges_note", lang).format(draws=ranges["draws"], seed=ranges["seed"])]
    if data.get("drivers"):
        out += ["", *_drivers_table(data["drivers"], lang)]

    items = [r for r in data["by_item"] if r["criterion"] == "gwp"][:_MAX_ITEMS_LISTED]
    out += ["", label("top_items", lang)]
    out += _table(
        [
            (
                str(r["item"]),
                label(str(r["tier"]), lang),
                _figure(r, lang, _stats(data, "by_item", item=r["item"])),
                format_share(r["value"] / total_gwp if r["value"] and total_gwp else None, lang),
            )
            for r in items
        ]
    )
    shares = data["quality_shares"].get("gwp", {})
    if shares:
        out.append(
            f"  {label('quality', lang)}{colon}"
            + ", ".join(f"{label(q, lang)} {format_share(s, lang)}" for q, s in shares.items())
        )
    if data.get("measurements"):
        out += ["", label("measured_vs_modelled", lang)]
        out += _table(
            [
                (
                    str(m["item"]),
                    f"{label('measured_short', lang)} "
                    f"{format_quantity(m['use_energy_kwh_per_year'], 'kWh', lang)}"
                    f" ({label(m['quality'], lang)})",
                    f"{label('modelled_short', lang)} "
                    f"{format_quantity(m['modelled_energy_kwh_per_year'], 'kWh', lang)}"
                    f" ({label(m['modelled_quality'], lang)})",
                    _ratio(m["measured_to_modelled"], lang),
                )
                for m in data["measurements"]
            ]
        )
        for m in data["measurements"]:
            out.append(
                f"  {m['item']} : {label('gwp_use_year', lang)} "
                f"{format_quantity(m['gwp_kgco2e_per_year'], 'kgCO2e', lang)} "
                f"({label('grid_of', lang)} {m['location']}) · CodeCarbon "
                f"{format_quantity(m['codecarbon_gwp_kgco2e_per_year'], 'kgCO2e', lang)}"
                f" · {m['runs']} {label('runs', lang)}"
            )
    if _has_partial(data):
        out += ["", label("partial_note", lang)]
    out += ["", label("warnings", lang)]
    if not data["warnings"]:
        out.append(f"  {label('none', lang)}")
    for warning in data["warnings"]:
        text = warning_text(warning["code"], warning["params"], lang)
        items_text = ""
        if warning["items"]:
            shown = warning["items"][:_MAX_ITEMS_LISTED]
            items_text = ", ".join(shown)
            hidden = len(warning["items"]) - len(shown)
            if hidden:
                items_text += " " + and_more(hidden, lang)
            items_text = f" ({label('items', lang)}{colon}{items_text})"
        out.append(f"  [{warning['code']}] {text}{items_text}")
    return "\n".join(out) + "\n"


def _drivers_table(drivers: dict[str, Any], lang: str) -> list[str]:
    """The inputs that drive the total: share of variance and tornado ends."""
    unit = drivers["unit"]
    reference = drivers["deterministic"]
    rows: list[tuple[str, ...]] = [
        (
            label("driver", lang),
            label("variance_share", lang),
            label("at_p5", lang),
            label("at_p95", lang),
        )
    ]
    for record in drivers["inputs"]:
        ends = format_range(record["output_at_p5"], record["output_at_p95"], unit, reference, lang)
        low, _, high = ends.strip("[]").partition(" – ")
        rows.append(
            (
                f"{label('input_' + record['kind'], lang)} {record['label']}",
                format_share(record["share"], lang),
                low,
                high,
            )
        )
    heading = label("drivers", lang).format(
        unit=format_quantity(reference, unit, lang).split(" ", 1)[-1] if reference else unit
    )
    lines = [heading, *_table(rows)]
    if drivers.get("unranked_item_inputs"):
        lines.append(
            "  "
            + label("unranked", lang).format(n=format_number(drivers["unranked_item_inputs"], lang))
        )
    return lines
