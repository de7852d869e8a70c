"""The Monte Carlo sums against the code that computed them before, on generated inventories.

``evaluate`` sums per tier of draws x components matrices of two numbers
per component (what multiplies its factor row's values, and its energy times
its grid ratio), components of the same inputs per unit taken as one class.
The reference below is ``evaluate`` as it was when it built every draw's
values of every component (draws x components x 16) and summed them; it is
kept verbatim (with ``_Buffers`` and ``_fill_values``), only renamed. Both
must give the same cube, the same counts of known values and the same
per-item gwp percentiles and mean, to 1e-12 relative (the sums are taken in
another order), on inventories that mix every kind, cloud billings, storage,
network, items per user and on some years, several grids, measured energies,
dossier ranges of the three distributions, defaults drawn, and a what-if's
offsets; in chunks and classes many blocks long, with factor rows drawn per
component, and on the few draws of the tornado.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from support import write_csv_dossier

import ecodigital.engine.propagation as propagation
from ecodigital.dossier.load import load_dossier
from ecodigital.engine.compute import (
    SIZE_PARAMETERS,
    USE_PARAMETERS,
    add_use_impacts,
    component_size,
    compute_impacts,
    embodied_scale,
    use_energy_kwh,
)
from ecodigital.engine.propagation import (
    _CEILINGS,
    _GWP,
    _ITEM_FIELDS,
    _LOGNORMAL,
    _USE,
    ItemValues,
    Plan,
    Spreads,
    Sums,
    _sample_shared,
    _sampled_items,
    evaluate,
    make_plan,
    stream,
    transform,
)
from ecodigital.engine.scenarios import Change, apply_changes
from ecodigital.factors.database import load_factors
from ecodigital.factors.grid import build_grid
from ecodigital.vocabulary import CRITERIA, PHASES, TIERS

RELATIVE = 1e-12
ROWS = 3_000
DRAWS = 300
#: The reference's chunk size, set with the engine's (``monkeypatch``).
_CHUNK_VALUES = propagation._CHUNK_VALUES

KINDS = ("laptop", "smartphone", "monitor", "server", "cloud_instance", "storage", "network")
KINDS += ("custom",)
HEADER = (
    "id,kind,quantity,quantity_per_user,allocation,lifetime_years,hours_per_day,days_per_year,"
    "power_w,hours_per_year,pue,vcpu,memory_gb,billing,capacity_tb,replicas,media,gb_per_year,"
    "first_year,last_year,location,tier,factor,quantity_low,quantity_high,allocation_low,"
    "allocation_high,lifetime_years_low,lifetime_years_high,power_w_low,power_w_high,"
    "vcpu_low,vcpu_high,gb_per_year_low,gb_per_year_high"
)


def inventory_row(i: int, rng: random.Random) -> dict[str, str]:
    """One item: a kind, its fields (some left to the factor row's defaults), some ranges."""
    row = dict.fromkeys(HEADER.split(","), "")
    kind = rng.choice(KINDS)
    row.update(id=f"item-{i}", kind=kind, allocation=str(round(rng.uniform(0.01, 1), 3)))
    draw = rng.random()
    if draw < 0.15 and kind in ("laptop", "smartphone", "network"):
        row["quantity_per_user"] = str(round(rng.uniform(0.001, 0.1), 4))
    elif draw < 0.22:
        low = rng.randint(1, 10)
        row.update(quantity_low=str(low), quantity_high=str(low + rng.randint(1, 10)))
    else:
        row["quantity"] = str(rng.choice([1, 2, 3, 10, rng.randint(1, 50)]))
    if rng.random() < 0.05:
        row.update(allocation="", allocation_low="0.2", allocation_high="0.6")
    if rng.random() < 0.3:
        first = rng.randint(1, 5)
        row.update(first_year=str(first), last_year=str(rng.randint(first, 5)))
    if rng.random() < 0.3:
        row["location"] = rng.choice(["FRA", "DEU", "ESP", "POL"])
    if kind in ("laptop", "smartphone", "monitor"):
        row["lifetime_years"] = rng.choice(["", "", "4", "6"])
        if kind == "laptop":
            row.update(hours_per_day=rng.choice(["", "7"]), days_per_year=rng.choice(["", "220"]))
        if rng.random() < 0.03:
            row.update(lifetime_years="", lifetime_years_low="3", lifetime_years_high="7")
    elif kind == "server":
        row.update(power_w=rng.choice(["", "", "350"]), pue=rng.choice(["", "", "1.3"]))
        row["hours_per_year"] = rng.choice(["", "4000"])
        if rng.random() < 0.05:
            row.update(power_w="", power_w_low="200", power_w_high="500")
    elif kind == "cloud_instance":
        row.update(vcpu=rng.choice(["2", "3", "4", "8"]), memory_gb=rng.choice(["8", "12", "16"]))
        row["billing"] = rng.choice(["", "reserved", "on_demand"])
        if rng.random() < 0.05:
            row.update(vcpu="", vcpu_low="2", vcpu_high="6")
    elif kind == "storage":
        row.update(capacity_tb=rng.choice(["2", "5"]), replicas=rng.choice(["", "3"]))
        row["media"] = rng.choice(["hdd", "ssd"])
    elif kind == "network":
        row["gb_per_year"] = rng.choice(["1000", "250"])
        if rng.random() < 0.05:
            row.update(gb_per_year="", gb_per_year_low="100", gb_per_year_high="900")
    else:
        row.update(tier=rng.choice(["datacenter", "terminals"]), factor="server-medium")
        row["power_w"] = rng.choice(["", "120"])
    return row


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("propagation")
    rng = random.Random(41)
    rows = [inventory_row(i, rng) for i in range(ROWS)]
    lines = [HEADER, *(",".join(row.values()) for row in rows)]
    return write_csv_dossier(
        folder, lines, name="Propagation", users_per_year=[1000, 0, 3000, 4000, 5000]
    )


def plan_of(path: Path, *, what_if: bool) -> Plan:
    """The plan of the dossier, some items measured; ``what_if``: a variant of it too."""
    loaded = load_dossier(path)
    items, ranges = loaded.items, loaded.ranges
    kind = items["kind"].to_numpy()
    rng = np.random.default_rng(5)
    if what_if:
        some = rng.random(len(items)) < 0.5
        terminals = np.isin(kind, ["laptop", "smartphone", "monitor"])
        laptops, servers = kind == "laptop", kind == "server"
        items, ranges = apply_changes(
            items,
            ranges,
            [
                # kept as an offset on the default lifetimes, drawn
                Change("lifetime_years", terminals & some, 2.0, op="add"),
                Change("quantity", some, 0.8, op="scale"),
                Change("hours_per_day", laptops & some, 6.0, ("triangular", 4.0, 6.0, 9.0)),
                Change("power_w", servers & some, 300.0, ("uniform", 200.0, 400.0, 400.0)),
                Change("location", (kind == "cloud_instance") & some, "DEU"),
                Change("pue", servers & ~some, 1.2),
            ],
        )
    factors = load_factors(None)
    grid, _ = build_grid(sorted(set(items["location"])), factors)
    measured = items["id"][np.isin(kind, ["server", "cloud_instance", "laptop"])].sample(
        40, random_state=3
    )
    override = pd.DataFrame(
        {
            "item": measured.to_numpy(),
            "energy_kwh_per_year": rng.uniform(10, 2000, len(measured)),
            "pue_included": rng.random(len(measured)) < 0.5,
            "quality": "measured",
        }
    )
    result = compute_impacts(
        items,
        factors.frame,
        grid,
        horizon_years=loaded.horizon_years,
        use_energy_override=override,
        users_per_year=loaded.model.project.users_per_year,
    )
    return make_plan(result, items, factors.frame, grid, ranges, Spreads())


@pytest.fixture(scope="module")
def plans(dossier: Path) -> dict[str, Plan]:
    return {"baseline": plan_of(dossier, what_if=False), "what-if": plan_of(dossier, what_if=True)}


def assert_same(new: Sums, old: Sums) -> None:
    assert new.cube.shape == old.cube.shape
    np.testing.assert_allclose(new.cube, old.cube, rtol=RELATIVE, atol=0)
    np.testing.assert_array_equal(new.known, old.known)
    if old.item_gwp is None:
        assert new.item_gwp is None
    else:
        assert new.item_gwp is not None
        np.testing.assert_allclose(new.item_gwp, old.item_gwp, rtol=RELATIVE, atol=0)


def both(plan: Plan, draws: int, **kwargs: Any) -> tuple[Sums, Sums]:
    shared = _sample_shared(plan, draws, 11)
    values = _sampled_items(plan, draws, 11, None)
    return evaluate(plan, shared, values, **kwargs), old_evaluate(plan, shared, values, **kwargs)


def test_the_inventories_have_what_the_comparison_needs(plans: dict[str, Plan]) -> None:
    for name, plan in plans.items():
        assert plan.measured.sum() >= 20, name
        assert len(set(plan.tier.tolist())) == len(TIERS), name
        assert (plan.component == "memory").any(), name
        assert (plan.default_cols["lifetime_years"] >= 0).any(), name
        assert (plan.default_cols["pue"] >= 0).any(), name
        assert len(set(plan.ranges["field"])) >= 5, name
        assert len(set(plan.grid_col[plan.grid_col >= 0].tolist())) >= 4, name
    what_if = plans["what-if"]
    assert set(what_if.ranges["distribution"]) == {"lognormal", "triangular", "uniform"}
    assert what_if.offsets["lifetime_years"].any()


@pytest.mark.parametrize("name", ["baseline", "what-if"])
def test_the_sums_are_those_of_the_per_draw_values(plans: dict[str, Plan], name: str) -> None:
    new, old = both(plans[name], DRAWS, item_totals=True)
    assert_same(new, old)
    assert np.count_nonzero(new.cube) > new.cube.size / 4


@pytest.mark.parametrize("name", ["baseline", "what-if"])
def test_the_sums_in_small_chunks(
    plans: dict[str, Plan], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 7 items a chunk, 7 classes a block
    chunk = 64 * len(PHASES) * len(CRITERIA) * 7
    monkeypatch.setattr(propagation, "_CHUNK_VALUES", chunk)
    monkeypatch.setitem(globals(), "_CHUNK_VALUES", chunk)
    new, old = both(plans[name], 64, item_totals=True)
    assert_same(new, old)


def test_factor_rows_drawn_per_component(plans: dict[str, Plan]) -> None:
    def rng(chunk: int) -> np.random.Generator:
        return stream(11, "independent", chunk)

    new, old = both(plans["what-if"], 100, item_totals=True, independent_rng=rng)
    assert_same(new, old)


def test_the_few_draws_of_the_tornado(plans: dict[str, Plan]) -> None:
    plan = plans["what-if"]
    shared = np.ones((5, len(plan.shared)))
    shared[1:3, 0] = (0.5, 2.0)
    shared[3:, -1] = (0.8, 1.2)
    values = _sampled_items(plan, 5, 11, None)
    assert_same(evaluate(plan, shared, values), old_evaluate(plan, shared, values))


# --------------------------------------------------------------------------- the reference


def old_evaluate(
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
    buffers = _OldBuffers(draws, int(np.diff(bounds).max(initial=0)))
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
        unknown = _old_fill_values(values, buffers, model, scale, energy, grid_ratio)
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


class _OldBuffers:
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


def _old_fill_values(
    values: np.ndarray,
    buffers: _OldBuffers,
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
