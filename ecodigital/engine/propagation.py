"""Monte Carlo propagation of the inputs' uncertainty to every aggregate.

Pure and vectorised (numpy and pandas, no I/O). Every uncertain input is one
random quantity:

* each **factor row** used: one multiplicative ratio on every impact value of
  the row, lognormal with the row's ``uncertainty_low``/``uncertainty_high`` as
  P5/P95 ratios, **shared by every item using the row** (their draws are
  perfectly correlated: the row is one uncertain number, not one per item);
* the **grid factor of each country**: one ratio on its intensity per kWh,
  the ``electricity-<iso3>`` row's spread or :data:`DEFAULT_GRID_SPREAD`;
* each **default parameter** a factor row gave (lifetime, power, hours a day,
  days a year, PUE): one ratio per row and parameter, shared by the items
  that took that default, with :data:`DEFAULT_PARAMETER_SPREADS` (the PUE
  rows' own spread, clipped at 1.0);
* each **dossier value given as a range**: one quantity per item and field.

Values a dossier gives as plain numbers are taken as exact. The formulas are
those of :mod:`ecodigital.engine.compute`, fed with arrays that carry a
leading draws axis; per-item annual values are summed straight into the
aggregates, chunk by chunk over the items, so memory stays bounded and the
long table is never built per draw.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from ecodigital.engine.compute import (
    SIZE_PARAMETERS,
    USE_PARAMETERS,
    EngineResult,
    add_use_impacts,
    component_model,
    component_size,
    embodied_scale,
    use_energy_kwh,
)
from ecodigital.notices import Notice
from ecodigital.vocabulary import (
    CRITERIA,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    PHASES,
    TIER_BY_KIND,
    TIERS,
)

__all__ = [
    "DEFAULT_FACTOR_SPREAD",
    "DEFAULT_GRID_SPREAD",
    "DEFAULT_PARAMETER_SPREADS",
    "MAX_DRAWS_BYTES",
    "Z95",
    "Plan",
    "Propagation",
    "Spreads",
    "Sums",
    "UncertainInput",
    "check_draws_memory",
    "draws_memory_bytes",
    "evaluate",
    "lognormal_parameters",
    "make_plan",
    "percentile_value",
    "propagate",
    "stream",
    "transform",
]

#: Standard normal quantile of 0.95: P5 and P95 are mu -/+ Z95 sigma.
Z95: Final = 1.6448536269514722
#: P5/P95 ratios of a country's grid factor when no factor row gives its own.
DEFAULT_GRID_SPREAD: Final = (0.8, 1.2)
#: P5/P95 ratios of a factor row that gives none (docs/factors.md, "weak data").
DEFAULT_FACTOR_SPREAD: Final = (0.5, 2.0)
#: P5/P95 ratios of the parameters a factor row supplies when the dossier gives none.
DEFAULT_PARAMETER_SPREADS: Final = {
    "lifetime_years": (1 / 1.4, 1.4),
    "power_w": (1 / 1.3, 1.3),
    "hours_per_day": (1 / 1.5, 1.5),
    "days_per_year": (1 / 1.2, 1.2),
}
#: Physical ceilings applied to drawn values.
_CEILINGS: Final = {"hours_per_day": 24.0, "days_per_year": 366.0, "hours_per_year": 8784.0}
#: Values of one chunk's per-draw impacts array (draws x components x 16), about 64 MB.
_CHUNK_VALUES: Final = 8_000_000
#: Item ranges beyond this count are propagated but not ranked one by one as drivers.
MAX_RANKED_ITEM_INPUTS: Final = 500

_ITEM_FIELDS: Final = ("quantity", "allocation", *SIZE_PARAMETERS, *USE_PARAMETERS)
_GWP: Final = CRITERIA.index("gwp")
_USE: Final = PHASES.index("use")
_LOGNORMAL, _TRIANGULAR, _UNIFORM = 0, 1, 2
_SHAPES: Final = {"lognormal": _LOGNORMAL, "triangular": _TRIANGULAR, "uniform": _UNIFORM}


@dataclass(frozen=True)
class Spreads:
    """The default spreads (P5/P95 ratios) of inputs that carry none of their own."""

    grid: tuple[float, float] = DEFAULT_GRID_SPREAD
    factor: tuple[float, float] = DEFAULT_FACTOR_SPREAD
    parameters: dict[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_PARAMETER_SPREADS)
    )
    #: Use factor rows' own ratios (False: treat them as exact, for tests).
    factor_rows: bool = True


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain quantity: a factor row, a grid, a default parameter or a dossier range.

    ``low``/``high`` are P5/P95 (lognormal) or the bounds (triangular,
    uniform); ``baseline`` is the deterministic value (1 for ratios).
    """

    key: str
    kind: str
    label: str
    distribution: str
    low: float
    high: float
    mode: float
    baseline: float
    items: int

    def as_dict(self) -> dict[str, Any]:
        out = {
            "key": self.key,
            "kind": self.kind,
            "label": self.label,
            "distribution": self.distribution,
            "low": self.low,
            "high": self.high,
            "baseline": self.baseline,
            "items": self.items,
        }
        if not math.isnan(self.mode):
            out["mode"] = self.mode
        return out


def lognormal_parameters(low: Any, high: Any) -> tuple[Any, Any]:
    """``(mu, sigma)`` of the lognormal whose P5 is ``low`` and P95 is ``high``."""
    log_low, log_high = np.log(low), np.log(high)
    return (log_low + log_high) / 2, (log_high - log_low) / (2 * Z95)


def transform(shape: Any, low: Any, high: Any, mode: Any, z: Any, u: Any) -> np.ndarray:
    """Values of the distributions from standard normal ``z`` (lognormal) or uniform ``u``."""
    mu, sigma = lognormal_parameters(low, high)
    out = np.exp(mu + sigma * z)
    if np.any(shape != _LOGNORMAL):
        width = high - low
        with np.errstate(invalid="ignore", divide="ignore"):
            cut = np.where(width > 0, (mode - low) / width, 0.0)
            rising = low + np.sqrt(u * width * (mode - low))
            falling = high - np.sqrt((1 - u) * width * (high - mode))
        triangular = np.where(u < cut, rising, falling)
        out = np.where(shape == _TRIANGULAR, triangular, out)
        out = np.where(shape == _UNIFORM, low + u * width, out)
    return np.asarray(out)


def stream(seed: int, *words: str | int) -> np.random.Generator:
    """A PCG64 generator keyed by the seed and a stable name, so that each input keeps its
    own stream whatever the other inputs are (paired draws between scenarios)."""
    entropy = [int(seed)]
    for word in words:
        if isinstance(word, int):
            entropy.append(word)
        else:
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            entropy.append(int.from_bytes(digest, "little"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


@dataclass
class Propagation:
    """Draws of every aggregate, and what they were drawn from.

    ``cube`` holds, per draw, the sums by tier, horizon year, phase and
    criterion (unknown values count as zero: the same partial sums as the
    point figures); ``known`` counts the known item values in each cell so
    that a sum with none is reported as not available.
    """

    draws: int
    seed: int
    cube: np.ndarray
    known: np.ndarray
    users_per_year: list[float]
    inputs: list[UncertainInput]
    input_draws: np.ndarray
    item_ids: np.ndarray
    item_gwp: dict[str, np.ndarray]
    warnings: list[Notice] = field(default_factory=list)
    independent: bool = False
    unranked_item_inputs: int = 0
    tiers_present: list[int] = field(default_factory=list)
    #: What the draws were evaluated on (kept for the tornado's extra evaluations).
    plan: Plan | None = field(default=None, repr=False)

    def totals(self) -> np.ndarray:
        """Horizon totals per draw and criterion, shape ``(draws, criteria)``."""
        return np.asarray(self.cube.sum(axis=(1, 2, 3)))


# --------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    """Everything fixed across draws, components sorted by item."""

    model: Any
    base: dict[str, np.ndarray]
    kind: np.ndarray
    component: np.ndarray
    comp_item: np.ndarray
    factor_col: np.ndarray
    grid_col: np.ndarray
    default_cols: dict[str, np.ndarray]
    offsets: dict[str, np.ndarray]
    measured: np.ndarray
    measured_energy: np.ndarray
    tier: np.ndarray
    active: np.ndarray
    #: Items × years multiplier of the annual values (``active``, times users per user).
    weights: np.ndarray
    n_items: int
    shared: list[UncertainInput]
    ranges: pd.DataFrame
    range_inputs: list[UncertainInput]
    warnings: list[Notice]


def make_plan(
    result: EngineResult,
    items: pd.DataFrame,
    factors: pd.DataFrame,
    grid: pd.DataFrame,
    ranges: pd.DataFrame | None,
    spreads: Spreads,
) -> Plan:
    components = result.components
    order = np.argsort(components["item_index"].to_numpy(), kind="stable")
    components = components.iloc[order].reset_index(drop=True)
    model = component_model(components, factors, grid)
    base = {name: components[name].to_numpy(dtype=float) for name in _ITEM_FIELDS}
    shared: list[UncertainInput] = []
    warnings: list[Notice] = []
    keys: dict[str, int] = {}

    def add(key: str, kind: str, label: str, low: float, high: float, users: int) -> int:
        if key not in keys:
            keys[key] = len(shared)
            shared.append(
                UncertainInput(key, kind, label, "lognormal", low, high, math.nan, 1.0, users)
            )
        return keys[key]

    n = len(components)
    factor_ids = components["factor_id"].astype(str).to_numpy()
    factor_col = np.full(n, -1)
    no_spread: list[str] = []
    for factor_id in dict.fromkeys(factor_ids):
        low, high = (
            _row_spread(factors, factor_id) if spreads.factor_rows else (1.0, 1.0)
        ) or spreads.factor
        if spreads.factor_rows and _row_spread(factors, factor_id) is None:
            no_spread.append(factor_id)
        uses = factor_ids == factor_id
        factor_col[uses] = add(
            f"factor:{factor_id}", "factor", factor_id, low, high, _count_items(components, uses)
        )
    if no_spread:
        warnings.append(
            Notice(
                code="DEFAULT_SPREAD",
                message="factor rows without uncertainty_low/uncertainty_high: the default "
                f"P5/P95 ratios {spreads.factor[0]:g}-{spreads.factor[1]:g} were used",
                params={
                    "factors": no_spread,
                    "low": spreads.factor[0],
                    "high": spreads.factor[1],
                },
            )
        )

    locations = components["location"].astype(str).to_numpy()
    energy_based = ~model.direct_use
    grid_col = np.full(n, -1)
    for country in dict.fromkeys(locations[energy_based]):
        row = grid["factor_id"].get(country) if "factor_id" in grid.columns else None
        spread = _row_spread(factors, row) if isinstance(row, str) else None
        if spread is None or not spreads.factor_rows:
            spread = spreads.grid
        uses = energy_based & (locations == country)
        grid_col[uses] = add(
            f"grid:{country}", "grid", country, *spread, _count_items(components, uses)
        )

    default_cols: dict[str, np.ndarray] = {}
    for parameter, spread in spreads.parameters.items():
        flag = f"{parameter}_from_factor"
        cols = np.full(n, -1)
        if flag in components.columns:
            from_factor = components[flag].to_numpy(dtype=bool)
            for factor_id in dict.fromkeys(factor_ids[from_factor]):
                uses = from_factor & (factor_ids == factor_id)
                own = (
                    _parameter_spread(factors, factor_id, parameter)
                    if spreads.factor_rows
                    else None
                )
                cols[uses] = add(
                    f"default:{factor_id}:{parameter}",
                    "default",
                    f"{factor_id} {parameter}",
                    *(own or spread),
                    _count_items(components, uses),
                )
        default_cols[parameter] = cols
    pue_cols = np.full(n, -1)
    if "pue_from_factor" in components.columns:
        pue_rows = components["pue_from_factor"].to_numpy()
        for row_id in dict.fromkeys(r for r in pue_rows if isinstance(r, str)):
            uses = pue_rows == row_id
            spread = _row_spread(factors, row_id) if spreads.factor_rows else (1.0, 1.0)
            pue_cols[uses] = add(
                f"default:{row_id}:pue",
                "default",
                f"{row_id} pue",
                *(spread or spreads.factor),
                _count_items(components, uses),
            )
    default_cols["pue"] = pue_cols

    measured = (
        components["energy_measured"].to_numpy(dtype=bool)
        if "energy_measured" in components.columns
        else np.zeros(n, dtype=bool)
    )
    horizon = result.horizon_years
    first = items["first_year"].fillna(1).to_numpy(dtype=np.int64)
    last = items["last_year"].fillna(horizon).to_numpy(dtype=np.int64)
    years = np.arange(1, horizon + 1)
    active = (years[None, :] >= first[:, None]) & (years[None, :] <= last[:, None])
    weights = result.year_weights if result.year_weights is not None else active.astype(float)
    tiers = items["kind"].map(TIER_BY_KIND)
    if "tier" in items.columns:
        tiers = tiers.where(items["kind"] != "custom", items["tier"])
    tier = pd.Categorical(tiers, categories=TIERS).codes.astype(np.int64)

    range_table = _range_table(ranges, items)
    range_inputs = [
        UncertainInput(
            f"range:{row.item_id}:{row.field}",
            "range",
            f"{row.item_id} {row.field}",
            str(row.distribution),
            float(cast(float, row.low)),
            float(cast(float, row.high)),
            float(cast(float, row.mode)),
            float(cast(float, row.central)),
            1,
        )
        for row in range_table.itertuples(index=False)
    ]
    return Plan(
        model=model,
        base=base,
        kind=components["kind"].to_numpy(),
        component=components["component"].to_numpy(),
        comp_item=components["item_index"].to_numpy(dtype=np.int64),
        factor_col=factor_col,
        grid_col=grid_col,
        default_cols=default_cols,
        offsets={
            name[: -len("_offset")]: np.nan_to_num(components[name].to_numpy(dtype=float))
            for name in components.columns
            if name.endswith("_offset")
        },
        measured=measured,
        measured_energy=components["energy_kwh_per_year"].to_numpy(dtype=float),
        tier=tier,
        active=active,
        weights=weights,
        n_items=len(items),
        shared=shared,
        ranges=range_table,
        range_inputs=range_inputs,
        warnings=warnings,
    )


def _row_spread(factors: pd.DataFrame, factor_id: Any) -> tuple[float, float] | None:
    if factor_id is None or factor_id not in factors.index:
        return None
    low = float(cast(float, factors.at[factor_id, "uncertainty_low"]))
    high = float(cast(float, factors.at[factor_id, "uncertainty_high"]))
    if math.isnan(low) or math.isnan(high) or low <= 0 or high < low:
        return None
    return low, high


def _parameter_spread(
    factors: pd.DataFrame, factor_id: str, parameter: str
) -> tuple[float, float] | None:
    """A factor row's own P5/P95 ratios for a default parameter (``power_w_low``/``_high``)."""
    low_column, high_column = f"{parameter}_low", f"{parameter}_high"
    if low_column not in factors.columns or high_column not in factors.columns:
        return None
    value = float(cast(float, factors.at[factor_id, parameter]))
    low = float(cast(float, factors.at[factor_id, low_column]))
    high = float(cast(float, factors.at[factor_id, high_column]))
    if not (value > 0 and 0 < low <= value <= high):
        return None
    return low / value, high / value


def _count_items(components: pd.DataFrame, uses: np.ndarray) -> int:
    return len(np.unique(components["item_index"].to_numpy()[uses]))


def _range_table(ranges: pd.DataFrame | None, items: pd.DataFrame) -> pd.DataFrame:
    columns = ["item", "field", "distribution", "low", "mode", "high"]
    if ranges is None or not len(ranges):
        table = pd.DataFrame(columns=columns)
    else:
        table = ranges[columns].copy()
    table["item"] = table["item"].astype(np.int64)
    table = table.sort_values(["field", "item"], kind="stable").reset_index(drop=True)
    table["item_id"] = items["id"].astype(str).to_numpy()[table["item"].to_numpy()]
    table["shape"] = table["distribution"].map(_SHAPES).fillna(_LOGNORMAL).astype(np.int64)
    for column in ("low", "mode", "high"):
        table[column] = table[column].astype(float)
    # the value the items table holds: the deterministic value of the range
    central = np.full(len(table), np.nan)
    for name in dict.fromkeys(table["field"]):
        rows = (table["field"] == name).to_numpy()
        central[rows] = items[name].to_numpy(dtype=float)[table["item"].to_numpy()[rows]]
    table["central"] = central
    return table


# --------------------------------------------------------------------------- evaluation

ItemValues = Callable[[int, int], dict[str, tuple[np.ndarray, np.ndarray]]]


@dataclass
class Sums:
    cube: np.ndarray
    known: np.ndarray
    item_gwp: np.ndarray | None


def evaluate(
    plan: Plan,
    shared: np.ndarray,
    item_values: ItemValues,
    *,
    independent_rng: Callable[[int], np.random.Generator] | None = None,
    item_totals: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Sums:
    """Sum every draw's item values into the cube, chunk by chunk over the items.

    ``shared``: draws x shared inputs. ``item_values(first, stop)``: per field,
    the positions (in the chunk) of items with drawn values and those values
    (draws x items), for the items ``first`` to ``stop - 1``.
    """
    draws = shared.shape[0]
    horizon = plan.active.shape[1]
    n_tiers, n_pc = len(TIERS), len(PHASES) * len(CRITERIA)
    cube = np.zeros((draws, n_tiers * horizon, n_pc))
    known = np.zeros((n_tiers * horizon, n_pc))
    # per item: P5, P50, P95 and mean of its horizon gwp, computed chunk by chunk
    gwp_items = np.empty((4, plan.n_items)) if item_totals else None
    per_chunk = max(1, _CHUNK_VALUES // max(draws * n_pc, 1))
    bounds = np.searchsorted(plan.comp_item, np.arange(0, plan.n_items + per_chunk, per_chunk))
    buffers = _Buffers(draws, int(np.diff(bounds).max(initial=0)))
    for chunk, first in enumerate(range(0, plan.n_items, per_chunk)):
        stop = min(first + per_chunk, plan.n_items)
        if progress is not None:
            progress(first, plan.n_items)
        lo, hi = int(bounds[chunk]), int(bounds[chunk + 1])
        if hi == lo:
            continue
        local_item = plan.comp_item[lo:hi] - first
        params: dict[str, Any] = {name: plan.base[name][lo:hi] for name in _ITEM_FIELDS}
        for name, (positions, values) in item_values(first, stop).items():
            drawn = np.broadcast_to(params[name], (draws, hi - lo)).copy()
            in_chunk = np.full(stop - first, -1)
            in_chunk[positions] = np.arange(len(positions))
            where = in_chunk[local_item]
            has = where >= 0
            drawn[:, has] = values[:, where[has]]
            params[name] = drawn
        for name, cols in plan.default_cols.items():
            col = cols[lo:hi]
            has = col >= 0
            if has.any():
                ratio = np.where(has, shared[:, np.maximum(col, 0)], 1.0)
                # a what-if's offset moves the drawn default, it is not drawn itself
                offset = plan.offsets[name][lo:hi] if name in plan.offsets else 0.0
                params[name] = (params[name] - offset) * ratio + offset
                if name == "pue":
                    params[name] = np.maximum(params[name], 1.0)
        for name, ceiling in _CEILINGS.items():
            if np.ndim(params[name]) == 2:
                params[name] = np.minimum(params[name], ceiling)
        model = plan.model.take(slice(lo, hi))
        kind, component = plan.kind[lo:hi], plan.component[lo:hi]
        size = component_size(kind, component, *(params[name] for name in SIZE_PARAMETERS))
        units = params["quantity"] * params["allocation"] * size
        factor_col = plan.factor_col[lo:hi]
        if independent_rng is not None:
            # one draw per component instead of one per factor row: for comparison only
            z = independent_rng(chunk).standard_normal((draws, hi - lo))
            low = np.array([s.low for s in plan.shared])[factor_col]
            high = np.array([s.high for s in plan.shared])[factor_col]
            factor_ratio = transform(_LOGNORMAL, low, high, np.nan, z, None)
        else:
            factor_ratio = shared[:, factor_col]
        scale = embodied_scale(
            model, units, params["lifetime_years"], params["hours_per_year"], factor_ratio
        )
        energy = use_energy_kwh(model, units, **{name: params[name] for name in USE_PARAMETERS})
        measured = plan.measured[lo:hi]
        if measured.any():
            energy = np.where(measured, plan.measured_energy[lo:hi], energy)
        grid_col = plan.grid_col[lo:hi]
        grid_ratio = np.where(grid_col >= 0, shared[:, np.maximum(grid_col, 0)], 1.0)
        values = buffers.values(draws, hi - lo)
        unknown = _fill_values(values, buffers, model, scale, energy, grid_ratio)
        values = values.reshape(draws, hi - lo, n_pc)
        # group of each component: (tier, active year); an item counts once per active year
        item = plan.comp_item[lo:hi]
        by_tier_year = np.zeros((hi - lo, n_tiers, horizon))
        by_tier_year[np.arange(hi - lo), plan.tier[item], :] = plan.weights[item]
        groups = by_tier_year.reshape(hi - lo, n_tiers * horizon)
        cube += np.matmul(groups.T, values)
        by_tier_year[np.arange(hi - lo), plan.tier[item], :] = plan.active[item]
        known += by_tier_year.reshape(hi - lo, n_tiers * horizon).T @ (~unknown).reshape(
            hi - lo, n_pc
        )
        if gwp_items is not None:
            gwp = values.reshape(draws, hi - lo, len(PHASES), len(CRITERIA))[..., _GWP].sum(-1)
            gwp = gwp * plan.weights[item].sum(axis=1)
            starts = np.flatnonzero(np.r_[True, np.diff(item) != 0])
            per_item = np.add.reduceat(gwp, starts, axis=1)
            gwp_items[:3, item[starts]] = np.quantile(per_item, (0.05, 0.5, 0.95), axis=0)
            gwp_items[3, item[starts]] = per_item.mean(axis=0)
    shape = (draws, n_tiers, horizon, len(PHASES), len(CRITERIA))
    return Sums(cube.reshape(shape), known.reshape(shape[1:]), gwp_items)


class _Buffers:
    """The per-draw arrays of one chunk, allocated once for the largest chunk and reused.

    A fresh array of tens of megabytes costs its page faults each time; the
    chunks of a run all fit in the first one's memory.
    """

    def __init__(self, draws: int, components: int) -> None:
        n_pc = len(PHASES) * len(CRITERIA)
        self._values = np.empty(draws * components * n_pc)
        self._use = np.empty(draws * components * len(CRITERIA))

    def values(self, draws: int, components: int) -> np.ndarray:
        """A C-contiguous draws × components × phases × criteria array."""
        size = draws * components * len(PHASES) * len(CRITERIA)
        return self._values[:size].reshape(draws, components, len(PHASES), len(CRITERIA))

    def use(self, draws: int, components: int) -> np.ndarray:
        return self._use[: draws * components * len(CRITERIA)].reshape(
            draws, components, len(CRITERIA)
        )


def _fill_values(
    values: np.ndarray,
    buffers: _Buffers,
    model: Any,
    scale: np.ndarray,
    energy: np.ndarray,
    grid_ratio: np.ndarray,
) -> np.ndarray:
    """Each draw's annual values, zero where unknown, into ``values``; return what is unknown.

    The same numbers as :func:`~ecodigital.engine.compute.embodied_values` and
    :func:`~ecodigital.engine.compute.add_use_impacts` give (the factor row's
    values times the component's multiplier; the use phase of energy-based
    rows ``energy × (kWh factors × grid ratio)``), then zero where unknown:
    unknown inputs are zeroed first, so each value is one multiplication (and
    one addition of zero), written in place. A value is unknown (a missing
    factor cell, grid figure, power...) in every draw or in none: the first
    draw's values, computed the original way, say which.
    """
    draws, m = values.shape[:2]
    scale = np.broadcast_to(scale, (draws, m))
    energy = np.broadcast_to(energy, (draws, m))
    first = model.impacts * scale[0][:, None, None]
    if model.included_in_use.any():
        first = np.where(model.included_in_use, 0.0, first)
    add_use_impacts(first, model, energy[0], grid_ratio[0])
    unknown: np.ndarray = np.isnan(first)
    energy_based = ~model.direct_use
    impacts = np.where(np.isnan(model.impacts) | model.included_in_use, 0.0, model.impacts)
    impacts[energy_based, _USE, :] = 0.0
    np.multiply(impacts, np.where(np.isnan(scale), 0.0, scale)[:, :, None, None], out=values)
    intensity = np.where(energy_based[:, None], np.nan_to_num(model.intensity, nan=0.0), 0.0)
    use = buffers.use(draws, m)
    np.multiply(intensity, grid_ratio[:, :, None], out=use)
    np.multiply(np.where(np.isnan(energy), 0.0, energy)[:, :, None], use, out=use)
    np.add(values[:, :, _USE, :], use, out=values[:, :, _USE, :])
    return unknown


def _sample_shared(plan: Plan, draws: int, seed: int) -> np.ndarray:
    out = np.empty((draws, len(plan.shared)))
    for q, spec in enumerate(plan.shared):
        z = stream(seed, spec.key).standard_normal(draws)
        out[:, q] = transform(_LOGNORMAL, spec.low, spec.high, np.nan, z, None)
    return out


def _sampled_items(plan: Plan, draws: int, seed: int, keep: np.ndarray | None) -> ItemValues:
    """Draws of the dossier's ranges, generated chunk by chunk (``keep`` records them)."""
    table = plan.ranges
    fields = {name: (table["field"] == name).to_numpy() for name in dict.fromkeys(table["field"])}
    row_items = table["item"].to_numpy()

    def values(first: int, stop: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out = {}
        for name, of_field in fields.items():
            rows = np.flatnonzero(of_field & (row_items >= first) & (row_items < stop))
            if not len(rows):
                continue
            rng = stream(seed, "range", name, first)
            positions = row_items[rows] - first
            # one stream per chunk and field, indexed by the item's place in the chunk
            z = rng.standard_normal((draws, stop - first))[:, positions]
            shape = table["shape"].to_numpy()[rows]
            u = rng.random((draws, stop - first))[:, positions] if (shape != 0).any() else 0.0
            drawn = transform(
                shape,
                table["low"].to_numpy()[rows],
                table["high"].to_numpy()[rows],
                table["mode"].to_numpy()[rows],
                z,
                u,
            )
            if keep is not None:
                keep[:, rows] = drawn
            out[name] = (positions, drawn)
        return out

    return values


def percentile_value(spec: UncertainInput, u: float) -> float:
    """The input at quantile ``u`` (0.05 or 0.95) of its distribution."""
    z = -Z95 if u < 0.5 else Z95
    shape = _SHAPES[spec.distribution]
    return float(transform(shape, spec.low, spec.high, spec.mode, z, u))


# --------------------------------------------------------------------------- memory

#: Memory the Monte Carlo arrays of one run may take (``docs/limits.md``).
MAX_DRAWS_BYTES: Final = 4_000_000_000
_GB: Final = 1e9


def draws_memory_bytes(plan: Plan, draws: int) -> int:
    """An upper estimate of the memory ``draws`` draws of ``plan`` take, in bytes.

    Per draw, in float64: the cube and its sorted copy for the percentiles
    (2 x tiers x horizon x 16 cells), the inputs' draws and their ranks for
    the drivers (3 x inputs), and one chunk of the largest item's components
    with its working copies (4 x components x 16).
    """
    horizon = plan.active.shape[1]
    n_pc = len(PHASES) * len(CRITERIA)
    cube = len(TIERS) * horizon * n_pc
    inputs = len(plan.shared) + len(plan.range_inputs)
    largest = int(np.bincount(plan.comp_item).max()) if len(plan.comp_item) else 0
    per_draw = 8 * (2 * cube + 3 * inputs + 4 * largest * n_pc)
    return int(draws * per_draw + 8 * _CHUNK_VALUES)


def check_draws_memory(plan: Plan, draws: int) -> None:
    """Refuse ``draws`` whose arrays would pass :data:`MAX_DRAWS_BYTES`; say how many fit."""
    need = draws_memory_bytes(plan, draws)
    if need <= MAX_DRAWS_BYTES:
        return
    from ecodigital.errors import InputError
    from ecodigital.i18n import Msg

    per_draw = max((need - 8 * _CHUNK_VALUES) // draws, 1)
    most = max(1, (MAX_DRAWS_BYTES - 8 * _CHUNK_VALUES) // per_draw)
    raise InputError(
        None,
        "--draws",
        Msg(
            "input.draws_memory",
            {"draws": draws, "need": need / _GB, "limit": MAX_DRAWS_BYTES / _GB},
        ),
        Msg("input.draws_memory_fix", {"max": most}),
    )


# --------------------------------------------------------------------------- entry points


def propagate(
    result: EngineResult,
    items: pd.DataFrame,
    factors: pd.DataFrame,
    grid: pd.DataFrame,
    users_per_year: Sequence[float],
    *,
    ranges: pd.DataFrame | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    spreads: Spreads | None = None,
    independent: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Propagation:
    """Propagate the inputs' uncertainty to every aggregate by Monte Carlo.

    ``result`` is :func:`~ecodigital.engine.compute.compute_impacts`'s result
    for ``items`` with ``factors`` and ``grid``; ``ranges`` the dossier's
    ranges (columns ``item`` position, ``field``, ``distribution``, ``low``,
    ``mode``, ``high``). With a seed, results are reproducible to the bit.
    ``independent`` draws factor rows once per item instead of once per row,
    to show what ignoring their correlation would do. ``progress(done, total)``
    is called with the items done before each chunk (for a progress bar).
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    plan = make_plan(result, items, factors, grid, ranges, spreads or Spreads())
    check_draws_memory(plan, draws)
    shared = _sample_shared(plan, draws, seed)
    ranked = len(plan.range_inputs) <= MAX_RANKED_ITEM_INPUTS
    kept = np.empty((draws, len(plan.range_inputs))) if ranked else None
    sums = evaluate(
        plan,
        shared,
        _sampled_items(plan, draws, seed, kept),
        independent_rng=(lambda chunk: stream(seed, "independent", chunk)) if independent else None,
        item_totals=True,
        progress=progress,
    )
    assert sums.item_gwp is not None
    inputs = plan.shared + (plan.range_inputs if ranked else [])
    input_draws = shared if kept is None else np.concatenate([shared, kept], axis=1)
    propagation = Propagation(
        draws=draws,
        seed=seed,
        cube=sums.cube,
        known=sums.known,
        users_per_year=list(users_per_year),
        inputs=inputs,
        input_draws=input_draws,
        item_ids=items["id"].astype(str).to_numpy(),
        item_gwp=dict(zip(("p5", "p50", "p95", "mean"), sums.item_gwp, strict=True)),
        warnings=plan.warnings,
        independent=independent,
        unranked_item_inputs=0 if ranked else len(plan.range_inputs),
        tiers_present=sorted(set(plan.tier.tolist())),
        plan=plan,
    )
    return propagation
