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

from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS, TERMINAL_KINDS

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
    """Change ``field`` of the items where ``rows`` is true.

    ``op`` says how: ``set`` replaces the value by ``values`` (one, or one per
    item) and drops any range the dossier gave for it; ``spread``, when given,
    makes the new value a range ``(distribution, low, mode, high)``, ``values``
    being its deterministic value. ``scale`` multiplies the value by
    ``values`` and ``add`` adds ``values`` to it: both keep the item's
    uncertainty and move it with the value, so that the variant's draws are the
    baseline's draws changed the same way (a lever scales the range, not only
    its median). ``add`` on a value the dossier left to the factor row's
    default is kept as an offset on that default (``<field>_offset``).
    """

    field: str
    rows: np.ndarray
    values: Any
    spread: tuple[str, float, float, float] | None = None
    op: str = "set"


@dataclass(frozen=True)
class Lever:
    """A standard reduction lever: a code (its name in the docs) and its changes."""

    code: str
    changes: list[Change]
    params: dict[str, Any] = field(default_factory=dict)


#: Item fields whose default, when the dossier gives none, an ``add`` change offsets.
OFFSET_FIELDS: Final = ("lifetime_years",)


def apply_changes(
    items: pd.DataFrame, ranges: pd.DataFrame | None, changes: Iterable[Change]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The items and ranges tables with ``changes`` applied in order (inputs untouched)."""
    items = items.copy()
    for change in changes:
        rows = np.asarray(change.rows, dtype=bool)
        if change.op == "set":
            items, ranges = _set(items, ranges, change, rows)
        elif change.op in ("scale", "add"):
            items, ranges = _move(items, ranges, change, rows)
        else:
            raise ValueError(f"unknown change {change.op!r}")
    return items, ranges


def _set(
    items: pd.DataFrame, ranges: pd.DataFrame | None, change: Change, rows: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
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


def _move(
    items: pd.DataFrame, ranges: pd.DataFrame | None, change: Change, rows: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Scale or shift a numeric field, its dossier range with it (or its default's offset)."""
    amount = np.zeros(len(items)) if change.op == "add" else np.ones(len(items))
    amount[rows] = change.values
    current = items[change.field].to_numpy(dtype=float)
    given = ~np.isnan(current)
    if change.op == "scale":
        items[change.field] = current * amount
    else:
        items[change.field] = np.where(given, current + amount, current)
        defaulted = rows & ~given
        if defaulted.any():
            if change.field not in OFFSET_FIELDS:
                raise ValueError(f"{change.field} has no default to offset")
            name = f"{change.field}_offset"
            offset = items[name].to_numpy(dtype=float) if name in items.columns else None
            offset = np.zeros(len(items)) if offset is None else np.nan_to_num(offset)
            items[name] = offset + np.where(defaulted, amount, 0.0)
    if ranges is not None and len(ranges):
        ranges = ranges.copy()
        of_field = (ranges["field"] == change.field).to_numpy()
        positions = ranges["item"].to_numpy(dtype=np.int64)
        moved = of_field & rows[positions]
        by = amount[positions[moved]]
        for bound in ("low", "mode", "high"):
            values = ranges[bound].to_numpy(dtype=float).copy()
            values[moved] = values[moved] * by if change.op == "scale" else values[moved] + by
            ranges[bound] = values
    return items, ranges


def compare(
    name: str,
    base: dict[str, dict[str, Any]],
    base_draws: np.ndarray | None,
    variant: dict[str, dict[str, Any]],
    variant_draws: np.ndarray | None,
    user_years: float,
) -> dict[str, Any]:
    """Per criterion: baseline, variant, change and % change, each with its P5-P95 range.

    The draws of both are paired (same seed, same inputs drawn the same way),
    so the change's range is that of the per-draw differences, much narrower
    than the difference of two independent ranges. Statistics are
    ``(p5, p50, p95, mean)`` tuples.
    """
    criteria = {}
    # every range is taken at the end, in one pass over all of them (one quantile call
    # instead of up to 32): where each goes, and the draws it is taken of
    wanted: list[tuple[dict[str, Any], str]] = []
    columns: list[np.ndarray] = []
    for c, criterion in enumerate(CRITERIA):
        before, after = base[criterion]["value"], variant[criterion]["value"]
        change = after - before if before is not None and after is not None else None
        record: dict[str, Any] = {
            "unit": CRITERION_UNITS[criterion],
            "baseline": before,
            "baseline_complete": bool(base[criterion]["complete"]),
            "value": after,
            "complete": bool(variant[criterion]["complete"]),
            "change": change,
            "change_pct": 100 * change / before if change is not None and before else None,
        }
        if base_draws is not None and variant_draws is not None and after is not None:
            b, v = base_draws[:, c], variant_draws[:, c]
            record["baseline_range"] = record["range"] = None
            if before is not None:
                wanted.append((record, "baseline_range"))
                columns.append(b)
            wanted.append((record, "range"))
            columns.append(v)
            if change is not None:
                record["change_range"] = None
                wanted.append((record, "change_range"))
                columns.append(v - b)
                with np.errstate(divide="ignore", invalid="ignore"):
                    pct = np.where(b != 0, 100 * (v - b) / b, np.nan)
                record["change_pct_range"] = None
                if np.isfinite(pct).all():
                    wanted.append((record, "change_pct_range"))
                    columns.append(pct)
        criteria[criterion] = record
    for (record, key), stats in zip(wanted, _stats(columns), strict=True):
        record[key] = stats
    return {"name": name, "criteria": criteria, "user_years": user_years}


def _stats(columns: Sequence[np.ndarray]) -> list[tuple[float, float, float, float]]:
    """``(p5, p50, p95, mean)`` of each of ``columns`` (the same bits as one by one: each
    row's quantiles and its mean, a pairwise sum along the row, do not see the others)."""
    if not columns:
        return []
    rows = np.stack(columns)
    quantiles = np.quantile(rows, (0.05, 0.5, 0.95), axis=1)
    means = rows.mean(axis=1)
    return [
        (float(p5), float(p50), float(p95), float(mean))
        for p5, p50, p95, mean in zip(*quantiles, means, strict=True)
    ]


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

    A lever changes only what the applicant controls: its own terminals
    (agents' workstations, kiosks), its hosting and the data its service
    sends. Terminals whose ``owner`` is ``users`` (citizens' own phones and
    computers) are never changed: the applicant cannot make them last longer
    nor have fewer of them.
    """
    kind = items["kind"].to_numpy()
    owner = items["owner"].to_numpy() if "owner" in items.columns else np.full(len(items), None)
    own_terminals = np.isin(kind, TERMINAL_KINDS) & (owner != "users")
    primary = components[components["component"] != "memory"].sort_values("item_index")
    effective = {name: primary[name].to_numpy(dtype=float) for name in ("lifetime_years", "pue")}

    def unused(field_name: str, kinds: Sequence[str]) -> np.ndarray:
        return np.isin(kind, [k for k in kinds if (field_name, k) not in used])

    levers = []
    terminals = (
        unused("lifetime_years", TERMINAL_KINDS)
        & own_terminals
        & ~np.isnan(effective["lifetime_years"])
    )
    if terminals.any():
        levers.append(
            Lever(
                "longer_life",
                [Change("lifetime_years", terminals, LEVER_LIFE_EXTENSION_YEARS, op="add")],
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
        levers.append(
            Lever(
                "less_data",
                [Change("gb_per_year", network, LEVER_DATA_FACTOR, op="scale")],
                {"reduction_pct": round(100 * (1 - LEVER_DATA_FACTOR))},
            )
        )
    fewer = unused("quantity", TERMINAL_KINDS) & own_terminals
    if fewer.any():
        levers.append(
            Lever(
                "fewer_terminals",
                [Change("quantity", fewer, LEVER_TERMINALS_FACTOR, op="scale")],
                {"reduction_pct": round(100 * (1 - LEVER_TERMINALS_FACTOR))},
            )
        )
    return levers
