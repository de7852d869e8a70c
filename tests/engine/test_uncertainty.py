"""Monte Carlo ranges and drivers: exactness without uncertainty, statistics, correlation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from support import FRA_GRID, factor_frame, grid_frame, items_frame

from ecodigital.engine import compute_impacts
from ecodigital.engine.aggregate import totals
from ecodigital.engine.drivers import rank_drivers
from ecodigital.engine.propagation import Spreads, propagate
from ecodigital.vocabulary import CRITERIA

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guichet-mutualise" / "dossier.yaml"
GWP = CRITERIA.index("gwp")
EXACT = Spreads(
    grid=(1.0, 1.0),
    factor=(1.0, 1.0),
    parameters={name: (1.0, 1.0) for name in ("lifetime_years", "power_w")},
    factor_rows=False,
)

FACTORS = factor_frame(
    [
        {
            "id": "laptop", "kind": "laptop", "basis": "device",
            "gwp_manufacturing_kgco2e": 170.0, "gwp_distribution_kgco2e": 12.3,
            "lifetime_years": 5.0, "power_w": 26.5, "hours_per_day": 3.0, "days_per_year": 365.0,
            "uncertainty_low": 0.7, "uncertainty_high": 1.3,
        },
        {
            "id": "licence", "kind": "custom", "basis": "year",
            "gwp_manufacturing_kgco2e": 10.0, "uncertainty_low": 0.5, "uncertainty_high": 2.0,
        },
        {
            "id": "big", "kind": "custom", "basis": "year",
            "gwp_manufacturing_kgco2e": 100.0, "uncertainty_low": 0.2, "uncertainty_high": 5.0,
        },
        {
            "id": "small", "kind": "custom", "basis": "year",
            "gwp_manufacturing_kgco2e": 100.0, "uncertainty_low": 0.95, "uncertainty_high": 1.05,
        },
        {"id": "datacenter-pue-fra", "kind": "datacenter", "basis": "pue", "pue": 1.46,
         "uncertainty_low": 0.85, "uncertainty_high": 1.25},
    ]
)  # fmt: skip
GRID = grid_frame(FRA=FRA_GRID)


def run(items: list[dict[str, object]], horizon: int = 3, users: float = 100.0, **kwargs):  # type: ignore[no-untyped-def]
    frame = items_frame(items)
    result = compute_impacts(frame, FACTORS, GRID, horizon_years=horizon)
    propagation = propagate(result, frame, FACTORS, GRID, [users] * horizon, **kwargs)
    return result, propagation


def custom(item_id: str, factor: str, quantity: float = 1.0) -> dict[str, object]:
    return {
        "id": item_id,
        "kind": "custom",
        "factor": factor,
        "tier": "datacenter",
        "quantity": quantity,
    }


def test_without_uncertainty_every_draw_is_the_deterministic_result() -> None:
    items = [
        {"id": "a", "kind": "laptop", "quantity": 7, "allocation": 0.5, "first_year": 2},
        custom("b", "licence", 3),
    ]
    result, propagation = run(items, draws=50, spreads=EXACT)
    expected = totals(result.rows)
    drawn = propagation.totals()
    for c, criterion in enumerate(CRITERIA):
        value = expected[criterion]["value"]
        if value is None:
            continue
        assert drawn[:, c] == pytest.approx(np.full(50, value), rel=1e-12)
    assert (drawn == drawn[0]).all()
    # not available stays not available: no item gives adpe, so no draw knows it
    assert propagation.known[..., CRITERIA.index("adpe")].sum() == 0


def test_percentiles_are_ordered_everywhere() -> None:
    # every range of the results holds P5 <= P50 <= P95 (a Range refuses anything else)
    from ecodigital.assessment import Options, run
    from ecodigital.assessment.results import iter_figures

    results = run(EXAMPLE, Options(draws=400, seed=3, finance=False))
    ranged = [path for path, figure in iter_figures(results) if figure.range is not None]
    assert len(ranged) > 50
    items = results.items.columns["gwp"].range
    assert items is not None
    assert all(
        low <= mid <= high
        for low, mid, high in zip(items.p5, items.p50, items.p95, strict=True)
        if low is not None and mid is not None and high is not None
    )


def test_a_seed_reproduces_the_draws_to_the_bit() -> None:
    items = [{"id": "a", "kind": "laptop", "quantity": 7}, custom("b", "licence")]
    _, first = run(items, draws=300, seed=11)
    _, again = run(items, draws=300, seed=11)
    _, other = run(items, draws=300, seed=12)
    assert np.array_equal(first.cube, again.cube)
    assert np.array_equal(first.input_draws, again.input_draws)
    assert all(np.array_equal(first.item_gwp[k], again.item_gwp[k]) for k in first.item_gwp)
    assert not np.array_equal(first.cube, other.cube)


def test_a_single_lognormal_factor_gives_back_its_declared_p5_and_p95() -> None:
    # 1 unit of a yearly factor of 10 kgCO2e with ratios 0.5-2.0 over 3 years: total 30 x ratio.
    # Sampling error of a sample P5 of 20,000 draws, in log units: sigma x sqrt(p(1-p)/n) / phi(z)
    # = 0.4214 x sqrt(0.05 x 0.95 / 20000) / 0.1031 = 0.0063, i.e. 0.63 % of the value:
    # a 2 % tolerance is more than three standard errors.
    _, propagation = run([custom("b", "licence")], draws=20_000, seed=5)
    total = propagation.totals()[:, GWP]
    p5, p50, p95 = np.quantile(total, (0.05, 0.5, 0.95))
    assert p5 == pytest.approx(30 * 0.5, rel=0.02)
    assert p95 == pytest.approx(30 * 2.0, rel=0.02)
    assert p50 == pytest.approx(30 * 1.0, rel=0.02)  # median sqrt(0.5 x 2) = 1


def test_shared_factor_draws_give_a_wider_range_than_independent_ones() -> None:
    # 50 items use the same row: one draw for all of them moves the total by the row's full
    # ratio; independent draws per item would average out (width about 1/sqrt(50) as wide).
    items = [custom(f"i{k}", "licence") for k in range(50)]
    _, shared = run(items, draws=2000, seed=1)
    _, independent = run(items, draws=2000, seed=1, independent=True)

    def width(p):  # type: ignore[no-untyped-def]
        low, high = np.quantile(p.totals()[:, GWP], (0.05, 0.95))
        return high - low

    assert width(shared) > 4 * width(independent)
    # the shared draws keep the row's own P5/P95: 50 x 10 x 3 x (2.0 - 0.5) = 2250
    assert width(shared) == pytest.approx(2250, rel=0.08)


def test_the_dominant_input_is_ranked_first() -> None:
    # equal point values, one factor spread 0.2-5, the other 0.95-1.05: the first one drives
    items = [custom("wide", "big"), custom("narrow", "small")]
    _, propagation = run(items, draws=2000, seed=2)
    drivers = rank_drivers(propagation)
    first = drivers["inputs"][0]
    assert first["key"] == "factor:big"
    assert first["share"] > 0.95
    # tornado: each input at its P5/P95 with the other at its value (3 years of 100 + 100)
    assert first["output_at_p5"] == pytest.approx(3 * (100 * 0.2 + 100), rel=1e-9)
    assert first["output_at_p95"] == pytest.approx(3 * (100 * 5.0 + 100), rel=1e-9)
    assert drivers["deterministic"] == pytest.approx(600, rel=1e-12)


def test_a_dossier_range_is_drawn_per_item_and_ranked() -> None:
    import pandas as pd

    # hours_per_day {low: 2, high: 8}: deterministic value the median sqrt(2 x 8) = 4
    items = [
        {"id": "a", "kind": "laptop", "quantity": 100, "hours_per_day": 4.0, "lifetime_years": 5,
         "power_w": 30, "days_per_year": 200},
    ]  # fmt: skip
    frame = items_frame(items)
    ranges = pd.DataFrame(
        {"item": [0], "field": ["hours_per_day"], "distribution": ["lognormal"],
         "low": [2.0], "mode": [math.nan], "high": [8.0]}
    )  # fmt: skip
    result = compute_impacts(frame, FACTORS, GRID, horizon_years=1)
    exact = Spreads(grid=(1.0, 1.0), factor=(1.0, 1.0), parameters={}, factor_rows=False)
    propagation = propagate(
        result, frame, FACTORS, GRID, [1.0], ranges=ranges, draws=5000, seed=4, spreads=exact
    )
    use = propagation.cube[:, :, :, 2, GWP].sum(axis=(1, 2))
    # use = 100 x 30 W x h x 200 d / 1000 x 0.0519 = 31.14 x h kgCO2e: P5 at h = 2, P95 at h = 8
    assert np.quantile(use, 0.05) == pytest.approx(31.14 * 2, rel=0.03)
    assert np.quantile(use, 0.95) == pytest.approx(31.14 * 8, rel=0.03)
    drivers = rank_drivers(propagation)
    assert drivers["inputs"][0]["key"] == "range:a:hours_per_day"
    assert drivers["inputs"][0]["output_at_p95"] - drivers["deterministic"] == pytest.approx(
        31.14 * (8 - 4), rel=1e-9
    )


def test_memory_is_bounded_by_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import ecodigital.engine.propagation as uncertainty

    items = [custom(f"i{k}", "licence") for k in range(30)] + [
        {"id": "l", "kind": "laptop", "quantity": 3}
    ]
    _, whole = run(items, draws=64, seed=9)
    monkeypatch.setattr(uncertainty, "_CHUNK_VALUES", 64 * 16 * 4)  # chunks of 4 items
    _, chunked = run(items, draws=64, seed=9)
    assert chunked.cube == pytest.approx(whole.cube, rel=1e-12)


def test_progress_reports_items_done_out_of_the_total() -> None:
    from ecodigital.engine.propagation import propagate

    items = items_frame([{"id": f"l{i}", "kind": "laptop"} for i in range(30)])
    result = compute_impacts(items, FACTORS, GRID, horizon_years=2)
    seen: list[tuple[int, int]] = []
    propagate(
        result,
        items,
        FACTORS,
        GRID,
        [10, 10],
        draws=50,
        seed=1,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen and seen[0] == (0, 30)
    assert all(total == 30 and 0 <= done < 30 for done, total in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
