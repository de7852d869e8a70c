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
leading draws axis. Neither the long table nor the items' values are built
per draw: a component's values are its factor row's and its grid's times two
numbers per draw, summed straight into the aggregates by matrix products,
and components equal in all but their units share those numbers
(:func:`evaluate`). Memory stays bounded: the items are taken in chunks and
the classes of components in blocks.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
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
#: Draws x items x values (phases x criteria) of one chunk, about 64 MB: its per-draw
#: arrays (draws x components each) take less. The chunks' bounds key the streams of
#: the dossier's ranges: another size would draw them otherwise.
_CHUNK_VALUES: Final = 8_000_000
#: Components whose values are known or not, counted at once (on their first draw).
_KNOWN_BLOCK: Final = 1 << 16
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
    # string comparisons of a million components are slow: compare their codes
    factor_codes, factor_uniques = pd.factorize(factor_ids)
    factor_col = np.full(n, -1)
    no_spread: list[str] = []
    for code, factor_id in enumerate(factor_uniques):
        low, high = (
            _row_spread(factors, factor_id) if spreads.factor_rows else (1.0, 1.0)
        ) or spreads.factor
        if spreads.factor_rows and _row_spread(factors, factor_id) is None:
            no_spread.append(factor_id)
        uses = factor_codes == code
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
    for country in pd.unique(locations[energy_based]):
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
            for code in pd.unique(factor_codes[from_factor]):
                factor_id = factor_uniques[code]
                uses = from_factor & (factor_codes == code)
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
        for row_id in [r for r in pd.unique(pue_rows) if isinstance(r, str)]:
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
    # the components are sorted by item: an item starts where the index changes
    items = components["item_index"].to_numpy()[uses]
    return int(len(items) and 1 + np.count_nonzero(np.diff(items)))


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
    """Sum every draw's item values into the cube.

    ``shared``: draws x shared inputs. ``item_values(first, stop)``: per field,
    the positions (in the chunk) of items with drawn values and those values
    (draws x items), for the items ``first`` to ``stop - 1``; it is asked
    chunk by chunk over the items, whose bounds key the ranges' streams.

    A component's values in a draw are its factor row's values times one
    number (:func:`~ecodigital.engine.compute.embodied_scale`) plus, in the
    use phase of energy-based rows, its grid factor per kWh times another
    (energy x grid ratio). The cube is therefore a sum of products of draws x
    components matrices of those two numbers with constant components x
    (years x values) matrices, one per tier: the per-draw values of the
    components are never built. Both numbers are the component's units times
    what one unit gives, and components whose inputs differ only by their
    units (same factor row, defaults, grid, lifetime, hours...) give the same
    per unit in every draw: each such class is evaluated once, on the sum of
    its units weighted by year. An item with a value drawn for itself (a
    dossier range) or a measured energy is evaluated on its own, and so is
    every item when factor rows are drawn per component (``independent_rng``).
    """
    draws = shared.shape[0]
    horizon = plan.active.shape[1]
    sums = Sums(
        cube=np.zeros((draws, len(TIERS), horizon, len(PHASES), len(CRITERIA))),
        known=np.zeros((len(TIERS), horizon, len(PHASES), len(CRITERIA))),
        # per item: P5, P50, P95 and mean of its horizon gwp
        item_gwp=np.empty((4, plan.n_items)) if item_totals else None,
    )
    # an input a component does not take is the last column: a ratio of one
    ratios = np.concatenate([shared, np.ones((draws, 1))], axis=1)
    per_chunk = max(1, _CHUNK_VALUES // max(draws * len(PHASES) * len(CRITERIA), 1))
    bounds = np.searchsorted(plan.comp_item, np.arange(0, plan.n_items + per_chunk, per_chunk))
    alone = np.zeros(plan.n_items, dtype=bool)
    alone[plan.comp_item[plan.measured]] = True
    if independent_rng is not None:
        alone[:] = True
    # per field drawn: which components have a value of their own, and their first draw's
    first_draw: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    n_components = len(plan.comp_item)
    for chunk, first in enumerate(range(0, plan.n_items, per_chunk)):
        stop = min(first + per_chunk, plan.n_items)
        if progress is not None:
            progress(first, plan.n_items)
        lo, hi = int(bounds[chunk]), int(bounds[chunk + 1])
        if hi == lo:
            continue
        comps = np.arange(lo, hi)
        drawn = _drawn(item_values(first, stop), plan.comp_item[lo:hi] - first, stop - first)
        for name, (where, values) in drawn.items():
            has = where >= 0
            alone[plan.comp_item[comps[has]]] = True
            given, value = first_draw.setdefault(
                name, (np.zeros(n_components, dtype=bool), np.zeros(n_components))
            )
            given[comps[has]] = True
            value[comps[has]] = values[0, where[has]]
        own = np.flatnonzero(alone[plan.comp_item[lo:hi]])
        if not len(own):
            continue
        factor_ratio = None
        if independent_rng is not None:
            # one draw per component instead of one per factor row: for comparison only
            z = independent_rng(chunk).standard_normal((draws, hi - lo))
            factor_col = plan.factor_col[lo:hi]
            low = np.array([s.low for s in plan.shared])[factor_col]
            high = np.array([s.high for s in plan.shared])[factor_col]
            factor_ratio = transform(_LOGNORMAL, low, high, np.nan, z, None)[:, own]
        mine = {name: (where[own], values) for name, (where, values) in drawn.items()}
        _add_components(
            sums, plan, comps[own], _inputs(plan, comps[own], ratios, mine, factor_ratio)
        )
    for lo in range(0, n_components, _KNOWN_BLOCK):
        comps = np.arange(lo, min(lo + _KNOWN_BLOCK, n_components))
        drawn = {
            name: (np.where(given[comps], np.arange(len(comps)), -1), value[None, comps])
            for name, (given, value) in first_draw.items()
        }
        _count_known(sums, plan, comps, _inputs(plan, comps, ratios[:1], drawn))
    _add_classes(sums, plan, np.flatnonzero(~alone[plan.comp_item]), ratios, per_chunk)
    return sums


#: The item fields units are not made of: what one unit of a component gives depends on them.
_PER_UNIT_FIELDS: Final = tuple(
    name for name in _ITEM_FIELDS if name not in ("quantity", "allocation", *SIZE_PARAMETERS)
)

#: Per field, each component's column among the drawn values (-1: none) and those values.
_Drawn = dict[str, tuple[np.ndarray, np.ndarray]]


@dataclass
class _Inputs:
    """What the formulas take for some components in some draws (draws x components)."""

    model: Any
    scale: np.ndarray
    energy: np.ndarray
    grid_ratio: np.ndarray


def _drawn(fields: dict[str, tuple[np.ndarray, np.ndarray]], item: np.ndarray, n: int) -> _Drawn:
    """Per field, the column of each component's draws among the values (-1: none)."""
    out = {}
    for name, (positions, values) in fields.items():
        column = np.full(n, -1)
        column[positions] = np.arange(len(positions))
        out[name] = (column[item], values)
    return out


def _inputs(
    plan: Plan,
    comps: np.ndarray,
    ratios: np.ndarray,
    drawn: _Drawn,
    factor_ratio: np.ndarray | None = None,
    *,
    per_unit: bool = False,
) -> _Inputs:
    """The inputs of components ``comps`` in the draws of ``ratios`` (shared inputs and a
    last column of ones); ``per_unit``: for one unit of each."""
    draws = ratios.shape[0]
    params: dict[str, Any] = {name: plan.base[name][comps] for name in _ITEM_FIELDS}
    for name, (where, values) in drawn.items():
        has = where >= 0
        column = np.broadcast_to(params[name], (draws, len(comps))).copy()
        column[:, has] = values[:, where[has]]
        params[name] = column
    for name, cols in plan.default_cols.items():
        col = cols[comps]
        if (col >= 0).any():
            ratio = ratios[:, col]
            if name in plan.offsets:
                # a what-if's offset moves the drawn default, it is not drawn itself
                offset = plan.offsets[name][comps]
                params[name] = (params[name] - offset) * ratio + offset
            else:
                params[name] = params[name] * ratio
            if name == "pue":
                params[name] = np.maximum(params[name], 1.0)
    for name, ceiling in _CEILINGS.items():
        if np.ndim(params[name]) == 2:
            params[name] = np.minimum(params[name], ceiling)
    model = plan.model.take(comps)
    units: Any = 1.0
    if not per_unit:
        size = component_size(
            plan.kind[comps], plan.component[comps], *(params[name] for name in SIZE_PARAMETERS)
        )
        units = params["quantity"] * params["allocation"] * size
    if factor_ratio is None:
        factor_ratio = ratios[:, plan.factor_col[comps]]
    scale = embodied_scale(
        model, units, params["lifetime_years"], params["hours_per_year"], factor_ratio
    )
    energy = use_energy_kwh(model, units, **{name: params[name] for name in USE_PARAMETERS})
    measured = plan.measured[comps]
    if measured.any():
        energy = np.where(measured, plan.measured_energy[comps], energy)
    shape = (draws, len(comps))
    return _Inputs(
        model,
        np.broadcast_to(scale, shape),
        np.broadcast_to(energy, shape),
        ratios[:, plan.grid_col[comps]],
    )


def _count_known(sums: Sums, plan: Plan, comps: np.ndarray, inputs: _Inputs) -> None:
    """Count the known values of ``comps``, each once per active year.

    A value is unknown (a missing factor cell, grid figure, power...) in every
    draw or in none: the first draw's values, computed as
    :func:`~ecodigital.engine.compute.embodied_values` and
    :func:`~ecodigital.engine.compute.add_use_impacts` do, say which.
    """
    model = inputs.model
    first = model.impacts * inputs.scale[0][:, None, None]
    if model.included_in_use.any():
        first = np.where(model.included_in_use, 0.0, first)
    add_use_impacts(first, model, inputs.energy[0], inputs.grid_ratio[0])
    item = plan.comp_item[comps]
    by_tier_year = np.zeros((len(comps), len(TIERS), plan.active.shape[1]), dtype=np.int64)
    by_tier_year[np.arange(len(comps)), plan.tier[item], :] = plan.active[item]
    known = (~np.isnan(first)).reshape(len(comps), -1).astype(np.int64)
    # integer counts: exact, and summed without a BLAS call's threads
    sums.known.reshape(by_tier_year[0].size, -1)[...] += np.einsum(
        "cg,cv->gv", by_tier_year.reshape(len(comps), -1), known
    )


@dataclass
class _Numbers:
    """The two numbers of some components (columns) in each draw, zero where unknown:
    what multiplies the factor row's values, and the use energy times the grid ratio."""

    scale: np.ndarray
    use: np.ndarray

    @classmethod
    def of(cls, inputs: _Inputs) -> _Numbers:
        scale = np.where(np.isnan(inputs.scale), 0.0, inputs.scale)
        use = np.where(np.isnan(inputs.energy), 0.0, inputs.energy) * inputs.grid_ratio
        return cls(scale, use)

    def take(self, cols: np.ndarray) -> _Numbers:
        if len(cols) == self.scale.shape[1]:
            return self
        return _Numbers(self.scale[:, cols], self.use[:, cols])


@dataclass
class _PerUnit:
    """What one of each number gives, per component, zero where unknown.

    ``impacts``: components x (phases x criteria), the factor row's values (the
    use phase of energy-based rows apart); ``intensity``: components x
    criteria, the grid factor per kWh of energy-based rows.
    """

    impacts: np.ndarray
    intensity: np.ndarray
    energy_based: np.ndarray

    @classmethod
    def of(cls, model: Any) -> _PerUnit:
        energy_based = ~model.direct_use
        impacts = np.where(np.isnan(model.impacts) | model.included_in_use, 0.0, model.impacts)
        impacts[energy_based, _USE, :] = 0.0
        intensity = np.where(energy_based[:, None], np.nan_to_num(model.intensity, nan=0.0), 0.0)
        return cls(impacts.reshape(len(impacts), -1), intensity, energy_based)

    def take(self, index: np.ndarray) -> _PerUnit:
        return _PerUnit(self.impacts[index], self.intensity[index], self.energy_based[index])

    def gwp(self, numbers: _Numbers) -> np.ndarray:
        """Draws x components: the gwp of the numbers, all phases."""
        embodied = self.impacts.reshape(-1, len(PHASES), len(CRITERIA))[:, :, _GWP].sum(axis=1)
        gwp: np.ndarray = numbers.scale * embodied
        if self.energy_based.any():
            gwp += numbers.use * self.intensity[:, _GWP]
        return gwp


def _add_to_cube(
    cube: np.ndarray, tier: np.ndarray, numbers: _Numbers, weights: np.ndarray, unit: _PerUnit
) -> None:
    """Add columns to the cube: per tier, draws x columns of each number times columns x
    (years x values) of the year ``weights`` times what one of the number gives."""
    draws, n_tiers, horizon = cube.shape[:3]
    embodied_cells = cube.reshape(draws, n_tiers, -1)
    use_cells = cube[:, :, :, _USE, :]
    for t in np.unique(tier).tolist():
        cols = np.flatnonzero(tier == t)
        embodied = weights[cols, :, None] * unit.impacts[cols, None, :]
        embodied_cells[:, t] += numbers.take(cols).scale @ embodied.reshape(len(cols), -1)
        cols = cols[unit.energy_based[cols]]
        if len(cols):
            per_kwh = weights[cols, :, None] * unit.intensity[cols, None, :]
            use = numbers.take(cols).use @ per_kwh.reshape(len(cols), -1)
            use_cells[:, t] += use.reshape(draws, horizon, -1)


def _gwp_statistics(per_item: np.ndarray) -> np.ndarray:
    """4 x items: the P5, P50, P95 and mean of each item's draws (draws x items)."""
    out = np.empty((4, per_item.shape[1]))
    out[:3] = np.quantile(per_item, (0.05, 0.5, 0.95), axis=0)
    out[3] = per_item.mean(axis=0)
    return out


def _add_components(sums: Sums, plan: Plan, comps: np.ndarray, inputs: _Inputs) -> None:
    """Add components evaluated draw by draw, and the gwp statistics of their items."""
    item = plan.comp_item[comps]
    weights = plan.weights[item]
    numbers, unit = _Numbers.of(inputs), _PerUnit.of(inputs.model)
    _add_to_cube(sums.cube, plan.tier[item], numbers, weights, unit)
    if sums.item_gwp is not None:
        gwp = unit.gwp(numbers) * weights.sum(axis=1)
        starts = np.flatnonzero(np.r_[True, np.diff(item) != 0])
        if len(starts) < len(item):
            gwp = np.add.reduceat(gwp, starts, axis=1)
        sums.item_gwp[:, item[starts]] = _gwp_statistics(gwp)


def _add_classes(sums: Sums, plan: Plan, comps: np.ndarray, ratios: np.ndarray, block: int) -> None:
    """Add components by class of equal inputs but their units, ``block`` classes at a time.

    A class's numbers are those of one unit, its year weights the sum of its
    components' units times their year weights. An item's gwp in a draw is
    the sum over its components of their units, weighted by year, times the
    gwp of one unit of their class: its largest component's weighted units
    times the sum in proportion to it. Items with the same classes in the same
    proportions (a profile) have the same draws up to that factor, and so the
    same percentiles and mean up to it.
    """
    if not len(comps):
        return
    item = plan.comp_item[comps]
    size = component_size(
        plan.kind[comps], plan.component[comps], *(plan.base[n][comps] for n in SIZE_PARAMETERS)
    )
    units = plan.base["quantity"][comps] * plan.base["allocation"][comps] * size
    # unknown units make unknown values, which count zero
    weights = np.where(np.isnan(units), 0.0, units)[:, None] * plan.weights[item]
    klass, first = _classes(_class_key(plan, comps))
    class_weights = np.stack(
        [np.bincount(klass, weights=w, minlength=len(first)) for w in weights.T], axis=1
    )
    reps = comps[first]
    tier = plan.tier[plan.comp_item[reps]]
    unit = _PerUnit.of(plan.model.take(reps))
    profiles = None
    if sums.item_gwp is None:
        blocks = [np.arange(k, min(k + block, len(first))) for k in range(0, len(first), block)]
    else:
        profiles = _Profiles(klass, item, weights.sum(axis=1))
        blocks = profiles.blocks(block)
    done = np.zeros(len(first), dtype=bool)
    statistics = []
    for index, needed in enumerate(blocks):
        numbers = _Numbers.of(_inputs(plan, reps[needed], ratios, {}, per_unit=True))
        new = np.flatnonzero(~done[needed])
        if len(new):
            k = needed[new]
            _add_to_cube(sums.cube, tier[k], numbers.take(new), class_weights[k], unit.take(k))
            done[k] = True
        if profiles is not None:
            unit_gwp = unit.take(needed).gwp(numbers)
            statistics.append(_gwp_statistics(profiles.curves(index, unit_gwp, needed)))
    if profiles is not None:
        assert sums.item_gwp is not None
        profiles.store(sums.item_gwp, np.concatenate(statistics, axis=1))


class _Profiles:
    """The items evaluated by class, by profile: the classes of their components and the
    proportions of their components' weights (units times year weights, summed) to the
    largest one's, which is each item's factor."""

    def __init__(self, klass: np.ndarray, item: np.ndarray, weight: np.ndarray) -> None:
        starts = np.flatnonzero(np.r_[True, np.diff(item) != 0])
        count = np.diff(np.r_[starts, len(item)])
        rank = np.repeat(np.arange(len(starts)), count)
        pivot = np.lexsort((-np.abs(weight), rank))[starts]
        self.items = item[starts]
        self.factor = weight[pivot]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(self.factor[rank] != 0, weight / self.factor[rank], 0.0)
        self.width = int(count.max())
        classes = np.full((len(starts), self.width), -1)
        shares = np.zeros((len(starts), self.width))
        for j in range(self.width):
            has = count > j
            classes[has, j] = klass[starts[has] + j]
            shares[has, j] = share[starts[has] + j]
        self.of_item, first = _classes([*classes.T, *(_bits(column) for column in shares.T)])
        self.classes, self.shares = classes[first], shares[first]
        self._slices: list[slice] = []

    def blocks(self, block: int) -> list[np.ndarray]:
        """The classes each block of profiles needs, at most ``block`` (or one profile's)."""
        step = max(1, block // self.width)
        self._slices = [slice(p, p + step) for p in range(0, len(self.classes), step)]
        return [np.unique(self.classes[s][self.classes[s] >= 0]) for s in self._slices]

    def curves(self, index: int, unit_gwp: np.ndarray, needed: np.ndarray) -> np.ndarray:
        """Draws x profiles of block ``index``: the gwp of each profile per unit of factor."""
        classes, shares = self.classes[self._slices[index]], self.shares[self._slices[index]]
        local = np.searchsorted(needed, classes)
        curves = np.zeros((unit_gwp.shape[0], len(classes)))
        for j in range(self.width):
            has = classes[:, j] >= 0
            curves[:, has] += shares[has, j] * unit_gwp[:, local[has, j]]
        return curves

    def store(self, item_gwp: np.ndarray, statistics: np.ndarray) -> None:
        """Each item's statistics: its profile's, times its factor."""
        of_item = statistics[:, self.of_item]
        # a negative factor would swap the percentiles
        swapped = self.factor < 0
        of_item[:, swapped] = of_item[[2, 1, 0, 3]][:, swapped]
        item_gwp[:, self.items] = of_item * self.factor


def _bits(values: np.ndarray) -> np.ndarray:
    """Floats as their bit patterns, so that equal numbers (and NaN) compare equal."""
    return np.ascontiguousarray(values, dtype=float).view(np.int64)


def _class_key(plan: Plan, comps: np.ndarray) -> Iterator[np.ndarray]:
    """The columns that what one unit of a component gives depends on, besides the draws."""
    model = plan.model
    yield plan.tier[plan.comp_item[comps]]
    yield plan.factor_col[comps]
    yield plan.grid_col[comps]
    for cols in plan.default_cols.values():
        yield cols[comps]
    for offsets in plan.offsets.values():
        yield _bits(offsets[comps])
    for name in _PER_UNIT_FIELDS:
        yield _bits(plan.base[name][comps])
    yield plan.kind[comps]
    yield plan.component[comps]
    yield model.basis[comps]
    yield model.row[comps]
    yield model.direct_use[comps]
    yield model.calendar_hours[comps]
    yield _bits(model.drive_capacity_tb[comps])
    for column in model.intensity[comps].T:
        yield _bits(column)


def _classes(columns: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's class (rows equal in every column) and each class's first row."""
    codes: np.ndarray | None = None
    for column in columns:
        column_codes, uniques = pd.factorize(column, use_na_sentinel=False)
        if codes is None:
            codes = column_codes
        else:
            codes = pd.factorize(codes * len(uniques) + column_codes)[0]
    assert codes is not None
    return codes, np.unique(codes, return_index=True)[1]


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
    (2 x tiers x horizon x phases x criteria cells), the inputs' draws and
    their ranks for the drivers (3 x inputs), and one chunk of the largest
    item's components with its working copies (4 x components x phases x
    criteria: more than the score of draws x components arrays that a chunk
    of components, or a block of classes of them, takes).
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
