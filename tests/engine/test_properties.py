"""Properties of the engine on the bundled reference factors: scaling, additivity, bounds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FRA_GRID, grid_frame, items_frame

from ecodigital.engine import compute_impacts
from ecodigital.factors.database import load_reference_factors

FACTORS = load_reference_factors().frame
GRID = grid_frame(FRA=FRA_GRID, DEU=0.381)
HORIZON = 4

positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False)
share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def item(draw: st.DrawFn, index: int = 0) -> dict[str, object]:
    kind = draw(
        st.sampled_from(
            ["laptop", "smartphone", "monitor", "server", "cloud_instance", "storage", "network"]
        )
    )
    row: dict[str, object] = {
        "id": f"item-{index}",
        "kind": kind,
        "quantity": draw(positive),
        "allocation": draw(share),
        "location": draw(st.sampled_from(["FRA", "DEU"])),
    }
    if kind in ("laptop", "smartphone", "monitor"):
        row["hours_per_day"] = draw(st.floats(0, 24))
        row["lifetime_years"] = draw(st.floats(0.5, 12))
    elif kind == "server":
        row["pue"] = draw(st.floats(1, 3))
        row["power_w"] = draw(st.floats(0, 2000))
    elif kind == "cloud_instance":
        row["vcpu"] = draw(st.floats(0.5, 64))
        row["memory_gb"] = draw(st.floats(0, 512))
    elif kind == "storage":
        row["capacity_tb"] = draw(st.floats(0.01, 100))
        row["media"] = draw(st.sampled_from(["ssd", "hdd"]))
    else:
        row["gb_per_year"] = draw(st.floats(0, 1e6))
        row["access"] = draw(st.sampled_from(["fixed", "mobile"]))
    first = draw(st.integers(1, HORIZON))
    row["first_year"] = first
    row["last_year"] = draw(st.integers(first, HORIZON))
    return row


def values(items: list[dict[str, object]]) -> pd.Series:
    rows = compute_impacts(items_frame(items), FACTORS, GRID, horizon_years=HORIZON).rows
    keys = ["item", "phase", "criterion", "year"]
    return rows.set_index(keys)["value"].sort_index()


def assert_same(a: pd.Series, b: pd.Series) -> None:
    assert list(a.index) == list(b.index)
    assert np.array_equal(np.isnan(a.to_numpy()), np.isnan(b.to_numpy()))
    known = ~np.isnan(a.to_numpy())
    np.testing.assert_allclose(a.to_numpy()[known], b.to_numpy()[known], rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(item(), st.floats(min_value=0.1, max_value=100))
def test_linear_in_quantity(row: dict[str, object], k: float) -> None:
    scaled = {**row, "quantity": float(row["quantity"]) * k}  # type: ignore[arg-type]
    assert_same(values([scaled]), values([row]) * k)


@settings(max_examples=60, deadline=None)
@given(item(), st.floats(min_value=0.0, max_value=1.0))
def test_linear_in_allocation(row: dict[str, object], a: float) -> None:
    full = {**row, "allocation": 1.0}
    part = {**row, "allocation": a}
    assert_same(values([part]), values([full]) * a)


@settings(max_examples=40, deadline=None)
@given(st.lists(item(), min_size=2, max_size=5))
def test_additive_across_items(rows: list[dict[str, object]]) -> None:
    for index, row in enumerate(rows):
        row["id"] = f"item-{index}"
    together = values(rows)
    apart = pd.concat([values([row]) for row in rows]).sort_index()
    assert_same(together, apart)


@settings(max_examples=80, deadline=None)
@given(st.lists(item(), min_size=1, max_size=6))
def test_no_negative_value(rows: list[dict[str, object]]) -> None:
    for index, row in enumerate(rows):
        row["id"] = f"item-{index}"
    result = values(rows).to_numpy()
    assert (result[~np.isnan(result)] >= 0).all()


def test_allocation_zero_gives_zero_not_unknown() -> None:
    result = values([{"id": "a", "kind": "laptop", "allocation": 0.0}])
    gwp = result.xs("gwp", level="criterion")
    assert (gwp.dropna() == 0).all()
    assert gwp.notna().all()


@pytest.mark.parametrize("kind", ["laptop", "server", "storage"])
def test_quality_is_declared_for_user_rows(kind: str) -> None:
    factors = FACTORS.copy()
    factors["origin"] = "user"
    extra = {"capacity_tb": 1.0} if kind == "storage" else {}
    rows = compute_impacts(
        items_frame([{"id": "a", "kind": kind, **extra}]), factors, GRID, horizon_years=2
    ).rows
    assert set(rows["quality"].astype(str)) == {"declared"}
