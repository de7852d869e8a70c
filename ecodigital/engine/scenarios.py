"""What-if variants of an items table, their comparison, and the standard levers.

Pure: items and ranges tables in, changed tables out. A change sets one field
of some items (a value for all, one value per item, or a range); the dossier
layer checks the changes against the items before they get here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS, EU27, TERMINAL_KINDS

__all__ = [
    "DATACENTRE_KINDS",
    "LEVER_PUE",
    "Change",
    "Lever",
    "apply_changes",
    "compare",
    "standard_levers",
]

DATACENTRE_KINDS: Final = ("server", "cloud_instance", "storage")
#: The standard levers and their size.
LEVER_LIFE_EXTENSION_YEARS: Final = 2.0
LEVER_PUE: Final = 1.2
LEVER_DATA_FACTOR: Final = 0.7
LEVER_TERMINALS_FACTOR: Final = 0.8


@dataclass(frozen=True)
class Change:
    """Set ``field`` of the items where ``rows`` is true to ``values`` (one or one per item).

    ``spread``, when given, makes the new value a range: ``(distribution, low,
    mode, high)``, ``values`` then being its deterministic value.
    """

    field: str
    rows: np.ndarray
    values: Any
    spread: tuple[str, float, float, float] | None = None


@dataclass(frozen=True)
class Lever:
    """A standard reduction lever: a code (its name in the docs) and its changes."""

    code: str
    changes: list[Change]
    params: dict[str, Any] = field(default_factory=dict)


def apply_changes(
    items: pd.DataFrame, ranges: pd.DataFrame | None, changes: Iterable[Change]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The items and ranges tables with ``changes`` applied in order (inputs untouched)."""
    items = items.copy()
    for change in changes:
        rows = np.asarray(change.rows, dtype=bool)
        column = items[change.field]
        numeric = column.dtype.kind == "f"
        updated = column.to_numpy(dtype=float if numeric else object).copy()
        updated[rows] = change.values
        items[change.field] = updated
        if ranges is not None and len(ranges):
            # a value set by a scenario replaces the range the dossier gave
            replaced = (ranges["field"] == change.field).to_numpy() & rows[
                ranges["item"].to_numpy(dtype=np.int64)
            ]
            ranges = ranges[~replaced].reset_index(drop=True)
        if change.spread is not None:
            shape, low, mode, high = change.spread
            added = pd.DataFrame(
                {
                    "item": np.flatnonzero(rows).astype(np.int64),
                    "field": change.field,
                    "distribution": shape,
                    "low": low,
                    "mode": mode,
                    "high": high,
                }
            )
            ranges = (
                added
                if ranges is None or not len(ranges)
                else pd.concat([ranges, added], ignore_index=True)
            )
    return items, ranges


def compare(
    name: str,
    base: dict[str, dict[str, Any]],
    base_draws: np.ndarray | None,
    variant: dict[str, dict[str, Any]],
    variant_draws: np.ndarray | None,
    user_years: float,
) -> dict[str, Any]:
    """Per criterion: baseline, variant, change and % change, with P5-P95 ranges.

    The draws of both are paired (same seed, same inputs drawn the same way),
    so the change's range is that of the per-draw differences, much narrower
    than the difference of two independent ranges.
    """
    criteria = {}
    for c, criterion in enumerate(CRITERIA):
        before, after = base[criterion]["value"], variant[criterion]["value"]
        change = after - before if before is not None and after is not None else None
        record: dict[str, Any] = {
            "unit": CRITERION_UNITS[criterion],
            "baseline": before,
            "value": after,
            "complete": bool(variant[criterion]["complete"]),
            "change": change,
            "change_pct": 100 * change / before if change is not None and before else None,
            "per_user_year": after / user_years if after is not None and user_years else None,
            "change_per_user_year": change / user_years
            if change is not None and user_years
            else None,
        }
        if base_draws is not None and variant_draws is not None and after is not None:
            b, v = base_draws[:, c], variant_draws[:, c]
            record["range"] = _p5_p95(v)
            if change is not None:
                record["change_range"] = _p5_p95(v - b)
                with np.errstate(divide="ignore", invalid="ignore"):
                    pct = np.where(b != 0, 100 * (v - b) / b, np.nan)
                record["change_pct_range"] = _p5_p95(pct) if np.isfinite(pct).all() else None
            if user_years:
                record["per_user_year_range"] = _p5_p95(v / user_years)
        criteria[criterion] = record
    return (
        {"scenario": {"name": name, "criteria": criteria}}
        if name == "baseline"
        else {
            "name": name,
            "criteria": criteria,
        }
    )


def _p5_p95(values: np.ndarray) -> list[float]:
    low, high = np.quantile(values, (0.05, 0.95))
    return [float(low), float(high)]


def standard_levers(
    components: pd.DataFrame,
    items: pd.DataFrame,
    lowest_carbon_country: str | None,
    used: set[tuple[str, str]],
) -> list[Lever]:
    """The standard levers that apply to the items and that no scenario already studies.

    ``used`` holds the ``(field, kind)`` pairs the dossier's scenarios change.
    ``components`` (from the engine) gives the values actually used, defaults
    included. Levers: terminals kept 2 years longer; data-centre items moved to
    ``lowest_carbon_country``; PUE 1.2; 30 % less data transferred; 20 % fewer
    terminals.
    """
    kind = items["kind"].to_numpy()
    primary = components[components["component"] != "memory"].sort_values("item_index")
    effective = {name: primary[name].to_numpy(dtype=float) for name in ("lifetime_years", "pue")}

    def unused(field_name: str, kinds: Sequence[str]) -> np.ndarray:
        return np.isin(kind, [k for k in kinds if (field_name, k) not in used])

    levers = []
    terminals = unused("lifetime_years", TERMINAL_KINDS) & ~np.isnan(effective["lifetime_years"])
    if terminals.any():
        longer = effective["lifetime_years"][terminals] + LEVER_LIFE_EXTENSION_YEARS
        levers.append(
            Lever(
                "longer_life",
                [Change("lifetime_years", terminals, longer)],
                {"years": LEVER_LIFE_EXTENSION_YEARS},
            )
        )
    hosted = unused("location", DATACENTRE_KINDS)
    if lowest_carbon_country is not None:
        moved = hosted & (items["location"].to_numpy() != lowest_carbon_country)
        if moved.any():
            levers.append(
                Lever(
                    "location",
                    [Change("location", moved, lowest_carbon_country)],
                    {"country": lowest_carbon_country},
                )
            )
    with np.errstate(invalid="ignore"):
        better_pue = unused("pue", DATACENTRE_KINDS) & (effective["pue"] > LEVER_PUE)
    if better_pue.any():
        levers.append(Lever("pue", [Change("pue", better_pue, LEVER_PUE)], {"pue": LEVER_PUE}))
    network = unused("gb_per_year", ("network",))
    if network.any():
        less = items["gb_per_year"].to_numpy(dtype=float)[network] * LEVER_DATA_FACTOR
        levers.append(
            Lever(
                "less_data",
                [Change("gb_per_year", network, less)],
                {"reduction_pct": round(100 * (1 - LEVER_DATA_FACTOR))},
            )
        )
    fewer = unused("quantity", TERMINAL_KINDS)
    if fewer.any():
        quantity = items["quantity"].to_numpy(dtype=float)[fewer] * LEVER_TERMINALS_FACTOR
        levers.append(
            Lever(
                "fewer_terminals",
                [Change("quantity", fewer, quantity)],
                {"reduction_pct": round(100 * (1 - LEVER_TERMINALS_FACTOR))},
            )
        )
    return levers


def eu_countries() -> tuple[str, ...]:
    """The EU member states, candidates of the lower-carbon location lever."""
    return tuple(sorted(EU27))
