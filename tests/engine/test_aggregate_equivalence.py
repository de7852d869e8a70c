"""The engine's sums against independent references, on generated 10,000-row inventories.

The results are summed straight from the engine's per-item arrays
(``cell_sums``, ``item_sums``), the long table built only when a reader asks
for it. Three references:

* the long table the engine built before (``old_long_table`` below, the
  engine's own code until the arrays replaced it, kept verbatim): the new
  table, whole and in slices, is the same table;
* a plain pandas group-by over that table (known rows summed, unknown rows
  counted): every figure of the ``Results`` within 1e-12 (relative) of it —
  totals, breakdowns by tier, phase, year, tier x phase, year x tier, every
  item's value, unknown count and quality;
* ``summarize``, the group-by the results were built from before: the sums
  from the arrays are the same to the last bit (the same products added in
  the same order), so that notes made before still verify.

The second inventory mixes what the first lacks: items declared per user
(a year without users), active years, custom items in two tiers, ranges, a
stated quality on data volumes (a measured use phase beside a modelled
manufacturing), cloud billings and locations.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from support import write_csv_dossier

from ecodigital.assessment import Options, run
from ecodigital.assessment.point import assess_loaded
from ecodigital.assessment.results import (
    ItemColumn,
    ItemTable,
    Results,
    SummedColumns,
    _items_json,
    _sparse_codes,
)
from ecodigital.dossier.load import load_dossier
from ecodigital.engine.aggregate import CellSums, ItemSums, cell_sums, item_sums, summarize
from ecodigital.engine.compute import EngineResult
from ecodigital.engine.longtable import ItemArrays
from ecodigital.factors.database import load_factors
from ecodigital.vocabulary import (
    CRITERIA,
    CRITERION_UNITS,
    ITEM_KINDS,
    PHASES,
    QUALITIES,
    TIER_BY_KIND,
    TIERS,
)

ROWS = 10_000
RELATIVE = 1e-12
# kinds with the columns they need; several leave some criteria unknown (NaN rows)
TEMPLATES = (
    ("laptop", "{q},{a},,7,220,,,,,,"),
    ("smartphone", "{q},{a},,,,,,,,,"),
    ("server", "{q},{a},,,,,,,,,"),
    ("cloud_instance", "{q},{a},,,,4,16,,,,"),
    ("storage", "{q},{a},,,,,,2,3,hdd,"),
    ("network", "{q},{a},,,,,,,,,1000"),
    ("monitor", "{q},{a},6,,,,,,,,"),
)
HEADER = (
    "id,kind,quantity,allocation,lifetime_years,hours_per_day,days_per_year,"
    "vcpu,memory_gb,capacity_tb,replicas,media,gb_per_year"
)


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inventory")
    rng = random.Random(17)
    lines = [HEADER]
    for i in range(ROWS):
        kind, template = TEMPLATES[rng.randrange(len(TEMPLATES))]
        q, a = rng.randint(1, 50), round(rng.uniform(0.01, 1), 3)
        lines.append(f"item-{i},{kind}," + template.format(q=q, a=a))
    return write_csv_dossier(
        folder, lines, name="Equivalence", users_per_year=[1000, 2000, 3000, 4000, 5000]
    )


MIXED_HEADER = (
    "id,kind,quantity,quantity_per_user,allocation,lifetime_years,hours_per_day,vcpu,memory_gb,"
    "capacity_tb,replicas,media,gb_per_year,first_year,last_year,location,tier,factor,power_w,"
    "billing,quality,quantity_low,quantity_high"
)


def mixed_row(i: int, rng: random.Random) -> str:
    """One item of the mixed inventory (the columns of MIXED_HEADER)."""
    row = dict.fromkeys(MIXED_HEADER.split(","), "")
    kind = rng.choice(
        ["laptop", "smartphone", "server", "cloud_instance", "storage", "network", "custom"]
    )
    row.update(id=f"item-{i}", kind=kind, allocation=str(round(rng.uniform(0.01, 1), 3)))
    draw = rng.random()
    if draw < 0.2 and kind in ("laptop", "smartphone", "network"):
        row["quantity_per_user"] = str(round(rng.uniform(0.001, 0.1), 4))
    elif draw < 0.3:
        low = rng.randint(1, 10)
        row.update(quantity_low=str(low), quantity_high=str(low + rng.randint(1, 10)))
    else:
        row["quantity"] = str(rng.randint(1, 50))
    if rng.random() < 0.3:
        first = rng.randint(1, 5)
        row.update(first_year=str(first), last_year=str(rng.randint(first, 5)))
    if rng.random() < 0.3:
        row["location"] = rng.choice(["FRA", "DEU", "ESP", "POL"])
    if kind == "laptop":
        row.update(lifetime_years=rng.choice(["", "4"]), hours_per_day=rng.choice(["", "7"]))
    elif kind == "cloud_instance":
        row.update(vcpu="4", memory_gb="16", billing=rng.choice(["", "reserved", "on_demand"]))
    elif kind == "storage":
        row.update(
            capacity_tb="2", replicas=rng.choice(["", "3"]), media=rng.choice(["hdd", "ssd"])
        )
    elif kind == "network":
        row.update(gb_per_year="1000", quality=rng.choice(["", "measured", "declared"]))
    elif kind == "custom":
        row.update(tier=rng.choice(["datacenter", "terminals"]), factor="server-medium")
        row["power_w"] = "120"
    return ",".join(row.values())


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    rng = random.Random(29)
    lines = [MIXED_HEADER, *(mixed_row(i, rng) for i in range(ROWS))]
    return write_csv_dossier(
        folder, lines, name="Mixed", users_per_year=[1000, 0, 3000, 4000, 5000]
    )


@pytest.fixture(scope="module")
def rows(dossier: Path) -> pd.DataFrame:
    return assess_loaded(load_dossier(dossier), load_factors(None)).rows


def engine_result(path: Path) -> tuple[pd.DataFrame, EngineResult]:
    loaded = load_dossier(path)
    return loaded.items, assess_loaded(loaded, load_factors(None)).result


def old_long_table(
    items: pd.DataFrame, values: np.ndarray, quality: np.ndarray, weights: np.ndarray
) -> pd.DataFrame:
    """The engine's long table as it was built before the per-item arrays (kept verbatim)."""
    n_items = len(items)
    # a per-user item keeps its rows in a year without users (value zero, not absent)
    first = items["first_year"].fillna(1).to_numpy(dtype=np.int64)
    last = items["last_year"].fillna(weights.shape[1]).to_numpy(dtype=np.int64)
    years = np.arange(1, weights.shape[1] + 1)
    active = (years[None, :] >= first[:, None]) & (years[None, :] <= last[:, None])
    item_k, year_k = np.nonzero(active)
    item_k = item_k.astype(np.int32)
    n_pc = len(PHASES) * len(CRITERIA)
    k = len(item_k)

    item_codes = np.repeat(item_k, n_pc)
    phase_codes = np.tile(np.repeat(np.arange(len(PHASES), dtype=np.int8), len(CRITERIA)), k)
    criterion_codes = np.tile(np.arange(len(CRITERIA), dtype=np.int8), len(PHASES) * k)
    per_year = values[item_k].reshape(k, n_pc)
    weight = weights[item_k, year_k]
    if not np.all(weight == 1.0):
        per_year = per_year * weight[:, None]
    value = per_year.reshape(k * n_pc)

    kind_codes = pd.Categorical(items["kind"], categories=ITEM_KINDS).codes.astype(np.int8)
    tiers = items["kind"].map(TIER_BY_KIND)
    if "tier" in items.columns:
        tiers = tiers.where(items["kind"] != "custom", items["tier"])
    tier_codes = pd.Categorical(tiers, categories=TIERS).codes.astype(np.int8)
    quality_codes = (
        pd.Categorical(quality.ravel(), categories=QUALITIES)
        .codes.astype(np.int8)
        .reshape(n_items, len(PHASES))
    )
    quality_k = np.repeat(quality_codes[item_k], len(CRITERIA), axis=1).reshape(k * n_pc)
    units = tuple(dict.fromkeys(CRITERION_UNITS[c] for c in CRITERIA))
    unit_codes = np.array([units.index(CRITERION_UNITS[c]) for c in CRITERIA], dtype=np.int8)

    def categorical(codes: np.ndarray, categories: object) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories), validate=False)

    ids = items["id"].astype(str).to_numpy()
    return pd.DataFrame(
        {
            "item": categorical(item_codes, ids),
            "kind": categorical(kind_codes[item_codes], ITEM_KINDS),
            "tier": categorical(tier_codes[item_codes], TIERS),
            "phase": categorical(phase_codes, PHASES),
            "criterion": categorical(criterion_codes, CRITERIA),
            "year": np.repeat((year_k + 1).astype(np.int16), n_pc),
            "value": value,
            "unit": categorical(np.tile(unit_codes, len(PHASES) * k), units),
            "quality": categorical(quality_k, QUALITIES),
        },
        copy=False,
    )


def the_old_table(path: Path) -> tuple[EngineResult, pd.DataFrame]:
    """The engine's result for ``path`` and the long table the old engine built from it."""
    items, result = engine_result(path)
    arrays = result.arrays
    quality = np.asarray(QUALITIES, dtype=object)[arrays.quality]
    return result, old_long_table(items, arrays.values, quality, arrays.weights)


def test_the_mixed_inventory_mixes_qualities_users_and_years(mixed: Path) -> None:
    # otherwise the mixed-quality, zero-weight and inactive-year branches would go untested
    result, table = the_old_table(mixed)
    arrays = result.arrays
    assert (arrays.quality != arrays.quality[:, :1]).any(axis=1).sum() > 100
    assert (~arrays.active).any() and ((arrays.weights == 0) & arrays.active).any()
    assert table["value"].isna().any() and set(table["tier"]) == set(TIERS)


def assert_same_table(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """Equal tables: columns and dtypes, categories and codes, values to the bit (NaN where
    NaN). Compared through codes: a million-row table of 10,000 item names compares in
    a moment, where pandas' own comparison of categoricals takes half a minute."""
    assert list(new.columns) == list(old.columns) and len(new) == len(old)
    for name in old.columns:
        assert new[name].dtype == old[name].dtype, name
        if isinstance(old[name].dtype, pd.CategoricalDtype):
            assert new[name].cat.categories.equals(old[name].cat.categories), name
            assert np.array_equal(new[name].cat.codes, old[name].cat.codes), name
        else:
            assert np.array_equal(new[name], old[name], equal_nan=True), name


@pytest.mark.parametrize("which", ["dossier", "mixed"])
def test_the_long_table_is_the_old_engines_whole_and_in_slices(
    which: str, request: pytest.FixtureRequest
) -> None:
    result, old = the_old_table(request.getfixturevalue(which))
    assert_same_table(result.arrays.long_table(), old)
    assert_same_table(result.rows, old)
    assert result.arrays.row_count == len(old)
    # in slices of 3,000 items (the CSV writer takes 4,000 at a time): each slice is the old
    # table's block of those items, the item named by the same id
    start = 0
    ids = old["item"].cat.categories
    old_items = old["item"].cat.codes.to_numpy()
    for frame in result.arrays.chunks(3_000):
        block = old.iloc[start : start + len(frame)]
        start += len(frame)
        codes = frame["item"].cat.codes.to_numpy()
        first = int(block["item"].cat.codes.iat[0]) if len(block) else 0
        assert list(frame["item"].cat.categories) == list(ids[first : first + 3_000])
        assert np.array_equal(codes + first, old_items[start - len(frame) : start])
        for name in ("kind", "tier", "phase", "criterion", "unit", "quality"):
            assert np.array_equal(frame[name].cat.codes, block[name].cat.codes), name
        assert np.array_equal(frame["year"], block["year"])
        assert np.array_equal(frame["value"], block["value"], equal_nan=True)
    assert start == len(old)


@pytest.mark.parametrize("which", ["dossier", "mixed"])
def test_sums_from_the_arrays_are_summarize_to_the_bit(
    which: str, request: pytest.FixtureRequest
) -> None:
    result, old = the_old_table(request.getfixturevalue(which))
    arrays = result.arrays
    cells = cell_sums(arrays)
    table = summarize(old, ["tier", "phase", "year", "quality"])
    at = (
        table["tier"].cat.codes.to_numpy(),
        table["phase"].cat.codes.to_numpy(),
        table["year"].to_numpy(dtype=np.int64) - 1,
        table["quality"].cat.codes.to_numpy(),
        table["criterion"].cat.codes.to_numpy(),
    )
    want = np.zeros(cells.values.shape)
    want[at] = table["value"].fillna(0.0).to_numpy()
    assert np.array_equal(cells.values, want)  # equal floats, not close ones
    known = np.zeros(cells.known.shape, dtype=np.int64)
    known[at] = table["known_rows"].to_numpy()
    unknown = np.zeros(cells.unknown.shape, dtype=np.int64)
    unknown[at] = table["unknown_rows"].to_numpy()
    assert np.array_equal(cells.known, known) and np.array_equal(cells.unknown, unknown)

    per_item = item_sums(arrays)
    table = summarize(old, ["item", "quality"])
    at = (
        table["item"].cat.codes.to_numpy(),
        table["quality"].cat.codes.to_numpy(),
        table["criterion"].cat.codes.to_numpy(),
    )
    by_quality = np.zeros((len(arrays), len(QUALITIES), len(CRITERIA)))
    by_quality[at] = table["value"].fillna(0.0).to_numpy()
    counts = np.zeros(by_quality.shape, dtype=np.int64)
    counts[at] = table["known_rows"].to_numpy()
    # the results summed an item's qualities (a sum over the quality axis)
    assert np.array_equal(per_item.values, by_quality.sum(axis=1))
    assert np.array_equal(per_item.known, counts.sum(axis=1))
    assert np.array_equal(per_item.mixed_values, by_quality[per_item.mixed])
    assert np.array_equal(per_item.mixed_known, counts[per_item.mixed])


def reference(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Known sum, known and unknown row counts per group, by pandas alone."""
    keys = [*by, "criterion"]
    frame = pd.DataFrame({k: rows[k].astype(str) if k != "year" else rows[k] for k in keys})
    frame["known"] = rows["value"].notna().to_numpy()
    frame["value"] = rows["value"].where(frame["known"], 0.0)
    grouped = frame.groupby(keys, sort=True).agg(
        value=("value", "sum"), known_rows=("known", "sum"), all_rows=("known", "size")
    )
    grouped["unknown_rows"] = grouped["all_rows"] - grouped["known_rows"]
    return grouped


def close(a: float | None, b: float) -> bool:
    if a is None:
        return False
    return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=0.0) or a == b


def test_the_inventory_has_unknown_rows(rows: pd.DataFrame) -> None:
    # otherwise the unknown-row branch of the fast path would go untested
    unknown = int(rows["value"].isna().sum())
    assert 0 < unknown < len(rows)
    assert rows["item"].nunique() == ROWS


@pytest.mark.parametrize("by", [["tier", "phase", "year", "quality"], ["item", "quality"], []])
def test_summarize_matches_a_plain_group_by(rows: pd.DataFrame, by: list[str]) -> None:
    fast = summarize(rows, by)
    keys = [*by, "criterion"]
    want = reference(rows, by)
    assert len(fast) == len(want)
    fast_index = pd.MultiIndex.from_frame(
        pd.DataFrame({k: fast[k].astype(str) if k != "year" else fast[k] for k in keys})
    )
    got = fast.set_index(fast_index).reindex(want.index)
    np.testing.assert_array_equal(got["known_rows"].to_numpy(), want["known_rows"].to_numpy())
    np.testing.assert_array_equal(got["unknown_rows"].to_numpy(), want["unknown_rows"].to_numpy())
    has = want["known_rows"].to_numpy() > 0
    # a group with no known row is not available (NaN), never zero
    assert got["value"].to_numpy()[~has].tolist() == [] or np.isnan(got["value"][~has]).all()
    np.testing.assert_allclose(
        got["value"].to_numpy()[has], want["value"].to_numpy()[has], rtol=RELATIVE, atol=0.0
    )
    assert (got["complete"].to_numpy() == (want["unknown_rows"].to_numpy() == 0)).all()


@pytest.mark.parametrize("which", ["dossier", "mixed"])
def test_results_match_the_reference(which: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(which)
    _, rows = the_old_table(path)
    results = run(path, Options(deterministic=True, scenarios=False, finance=False))
    check_results_against(results, rows)


def check_results_against(results: Results, rows: pd.DataFrame) -> None:
    """Every figure of ``results`` against a pandas group-by of the long table ``rows``."""
    totals = reference(rows, [])
    for criterion, figure in results.totals.items():
        line = totals.loc[criterion]
        assert figure.unknown == int(line["unknown_rows"]), criterion
        if line["known_rows"]:
            assert close(figure.value, float(line["value"])), criterion
        else:
            assert figure.value is None, criterion

    for axis, breakdown in (("tier", results.by_tier), ("phase", results.by_phase)):
        for (key, criterion), line in reference(rows, [axis]).iterrows():
            figure = breakdown[key][criterion]
            assert figure.unknown == int(line["unknown_rows"]), (key, criterion)
            if line["known_rows"]:
                assert close(figure.value, float(line["value"])), (key, criterion)

    for (year, criterion), line in reference(rows, ["year"]).iterrows():
        figure = results.by_year[str(2025 + year)][criterion]  # year 1 is 2026
        assert figure.unknown == int(line["unknown_rows"]), (year, criterion)
        if line["known_rows"]:
            assert close(figure.value, float(line["value"])), (year, criterion)

    tier_phase = reference(rows, ["tier", "phase"])
    for (tier, phase, criterion), line in tier_phase.iterrows():
        figure = results.by_tier_phase[tier][phase][criterion]
        assert figure.unknown == int(line["unknown_rows"]), (tier, phase, criterion)
        if line["known_rows"]:
            assert close(figure.value, float(line["value"])), (tier, phase, criterion)

    year_tier = reference(rows, ["year", "tier"])
    for (year, tier, criterion), line in year_tier.iterrows():
        figure = results.by_year_tier[str(2025 + year)][tier][criterion]  # year 1 is 2026
        if line["known_rows"]:
            assert close(figure.value, float(line["value"])), (year, tier, criterion)

    per_item = reference(rows, ["item"])
    # the qualities an item's known rows have, per criterion
    known = reference(rows, ["item", "quality"])["known_rows"]
    made_of: dict[tuple[str, str], set[str]] = {}
    for item, quality, criterion in known[known > 0].index:
        made_of.setdefault((item, criterion), set()).add(quality)
    position = {item: i for i, item in enumerate(results.items.ids)}
    checked = 0
    for (item, criterion), unknown, known_rows, value in zip(
        per_item.index,
        per_item["unknown_rows"],
        per_item["known_rows"],
        per_item["value"],
        strict=True,
    ):
        column = results.items.columns[criterion]
        i = position[item]
        assert column.unknown[i] == int(unknown), (item, criterion)
        if not known_rows:
            assert column.values[i] is None and column.quality[i] is None, (item, criterion)
            continue
        assert close(column.values[i], float(value)), (item, criterion)
        # one quality name, or the shares of a value made of several
        quality = column.quality[i]
        if isinstance(quality, str):
            assert quality in made_of[item, criterion], (item, criterion)
        else:
            assert isinstance(quality, dict) and set(quality) <= made_of[item, criterion]
            assert len(made_of[item, criterion]) > 1
            assert math.isclose(sum(quality.values()), 1.0, rel_tol=1e-12)
        checked += 1
    assert checked > ROWS  # every item has at least one known criterion, most several


# --------------------------------------------------------------------------- the sums before


def old_cell_sums(arrays: ItemArrays) -> CellSums:
    """``cell_sums`` as it was before the sums of a phase were one ``np.bincount`` over every
    item (kept verbatim): ``np.add.at``, a slice of items at a time."""
    n_tiers, n_phases, n_years = len(TIERS), len(PHASES), arrays.horizon_years
    n_q, n_c = len(QUALITIES), len(CRITERIA)
    size = n_tiers * n_phases * n_years * n_q
    values = np.zeros(size * n_c)
    known = np.zeros(size * n_c)
    rows = np.zeros(size)
    criteria = np.arange(n_c)
    for start in range(0, len(arrays), OLD_CHUNK_ITEMS):
        part = slice(start, min(start + OLD_CHUNK_ITEMS, len(arrays)))
        tier = arrays.tier[part].astype(np.int64)
        quality = arrays.quality[part].astype(np.int64)
        weights, active = arrays.weights[part], arrays.active[part]
        for p in range(n_phases):
            annual = arrays.values[part, p]
            is_known = ~np.isnan(annual)
            annual = np.where(is_known, annual, 0.0)
            first_cell = (tier * n_phases + p) * n_years * n_q + quality[:, p]
            for y in range(n_years):
                cell = first_cell + y * n_q
                index = (cell[:, None] * n_c + criteria).ravel()
                np.add.at(values, index, (annual * weights[:, y : y + 1]).ravel())
                in_year = active[:, y]
                known += np.bincount(
                    index, weights=(is_known & in_year[:, None]).ravel(), minlength=size * n_c
                )
                rows += np.bincount(cell, weights=in_year, minlength=size)
    shape = (n_tiers, n_phases, n_years, n_q, n_c)
    known_rows = known.astype(np.int64).reshape(shape)
    all_rows = rows.astype(np.int64).reshape(shape[:-1])[..., None]
    return CellSums(values.reshape(shape), known_rows, all_rows - known_rows)


OLD_CHUNK_ITEMS = 50_000


def old_item_sums(arrays: ItemArrays) -> ItemSums:
    """``item_sums`` as it was before its blocks of items (kept verbatim)."""
    n, n_p, n_c, n_q = len(arrays), len(PHASES), len(CRITERIA), len(QUALITIES)
    quality = arrays.quality.astype(np.intp)
    uniform = (quality == quality[:, :1]).all(axis=1)
    item_quality = np.where(uniform, quality[:, 0], -1)
    mixed = np.flatnonzero(~uniform)
    active_years = arrays.active.sum(axis=1)
    values = np.empty((n, n_c))
    known = np.empty((n, n_c), dtype=np.int64)
    for start in range(0, n, OLD_CHUNK_ITEMS):
        part = slice(start, min(start + OLD_CHUNK_ITEMS, n))
        values[part] = old_year_phase_sum(arrays, part)
        known[part] = (~np.isnan(arrays.values[part])).sum(axis=1) * active_years[part, None]
    unknown = n_p * active_years[:, None] - known
    mixed_values = np.zeros((len(mixed), n_q, n_c))
    mixed_known = np.zeros((len(mixed), n_q, n_c), dtype=np.int64)
    if len(mixed):
        of_mixed = quality[mixed]
        for q in np.unique(of_mixed).tolist():
            mixed_values[:, q] = old_year_phase_sum(arrays, mixed, of_mixed == q)
        one_hot = (of_mixed[..., None] == np.arange(n_q)).astype(np.int64)
        is_known = (~np.isnan(arrays.values[mixed])).astype(np.int64)
        mixed_known = np.einsum("ipc,ipq->iqc", is_known, one_hot) * active_years[mixed, None, None]
        # the item's value: its qualities' parts added in order, as a sum over qualities
        for c in range(n_c):
            values[mixed, c] = mixed_values[:, :, c].sum(axis=1)
    return ItemSums(values, known, unknown, item_quality, mixed, mixed_values, mixed_known)


def old_year_phase_sum(
    arrays: ItemArrays, items: slice | np.ndarray, phases: np.ndarray | None = None
) -> np.ndarray:
    """Items × criteria: each item's rows (of the ``phases`` marked, items × phases; all by
    default) added year by year, phase by phase, unknown values left out."""
    annual = arrays.values[items]
    weights = arrays.weights[items]
    by_phase = [np.nan_to_num(annual[:, p], nan=0.0) for p in range(annual.shape[1])]
    if phases is not None:
        for p, values in enumerate(by_phase):
            values[~phases[:, p]] = 0.0
    total = np.zeros(by_phase[0].shape)
    term = np.empty_like(total)
    for y in range(weights.shape[1]):
        weight = np.ascontiguousarray(weights[:, y : y + 1])
        for values in by_phase:
            np.multiply(values, weight, out=term)
            total += term
    return total


def assert_same_arrays(new: object, old: object) -> None:
    """Dataclasses of arrays with the same fields, dtypes, shapes and bytes."""
    for name in old.__dataclass_fields__:  # type: ignore[attr-defined]
        a, b = getattr(new, name), getattr(old, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        assert a.tobytes() == b.tobytes(), name  # the same bits, NaN and -0.0 included


def with_years(arrays: ItemArrays, weights: np.ndarray, active: np.ndarray) -> ItemArrays:
    return ItemArrays(
        arrays.ids, arrays.kind, arrays.tier, arrays.values, arrays.quality, active, weights
    )


@pytest.mark.parametrize("which", ["dossier", "mixed"])
def test_the_sums_are_the_old_codes_to_the_bit(which: str, request: pytest.FixtureRequest) -> None:
    _, result = engine_result(request.getfixturevalue(which))
    arrays = result.arrays
    assert_same_arrays(cell_sums(arrays), old_cell_sums(arrays))
    assert_same_arrays(item_sums(arrays), old_item_sums(arrays))
    # every item active with weight one in some years (added once for all of them), and a
    # number of items that is no whole number of blocks
    n = len(arrays) - 7
    part = ItemArrays(*(getattr(arrays, f)[:n] for f in ItemArrays.__dataclass_fields__))
    weights = part.weights.copy()
    weights[:, 1:3] = 1.0
    active = part.active.copy()
    active[:, 1:3] = True
    for variant in (part, with_years(part, weights, active)):
        assert_same_arrays(cell_sums(variant), old_cell_sums(variant))
        assert_same_arrays(item_sums(variant), old_item_sums(variant))


# --------------------------------------------------------------------------- the items before


def old_item_columns(results: Results, arrays: ItemArrays) -> dict[str, ItemColumn]:
    """The item columns as the pipeline built them before they were held as arrays (kept
    verbatim, the old sums and the Monte Carlo ranges left out): a tuple per field."""
    n = len(arrays)
    per_item = old_item_sums(arrays)
    columns: dict[str, ItemColumn] = {}
    for c, criterion in enumerate(CRITERIA):
        sums = per_item.values[:, c]
        has = per_item.known[:, c] > 0
        total = results.totals[criterion].value
        share = np.full(n, np.nan)
        if total:
            share = np.where(has, sums / total, np.nan)
        columns[criterion] = ItemColumn(
            unit=CRITERION_UNITS[criterion],
            values=old_optional(np.where(has, sums, np.nan)),
            unknown=tuple(per_item.unknown[:, c].tolist()),
            quality=old_item_qualities(per_item, c, has),
            share=old_optional(share),
        )
    return columns


def old_optional(values: np.ndarray) -> tuple[float | None, ...]:
    """Floats, with ``None`` where a value is NaN (unknown)."""
    array = np.asarray(values, dtype=float)
    out: list[float | None] = array.tolist()
    for position in np.flatnonzero(np.isnan(array)).tolist():
        out[position] = None
    return tuple(out)


def old_item_qualities(
    per_item: ItemSums, criterion: int, has: np.ndarray
) -> tuple[str | dict[str, float] | None, ...]:
    names: list[str | dict[str, float] | None] = [
        QUALITIES[q] if q >= 0 else None for q in per_item.quality.tolist()
    ]
    if len(per_item.mixed):
        values = per_item.mixed_values[:, :, criterion]
        counts = per_item.mixed_known[:, :, criterion]
        positive = values > 0
        basis = np.where(positive.any(axis=1, keepdims=True), values, counts)
        single = (basis > 0).sum(axis=1) == 1
        dominant = basis.argmax(axis=1)
        for i, position in enumerate(per_item.mixed.tolist()):
            names[position] = (
                QUALITIES[dominant[i]] if single[i] else old_shares(values[i], counts[i])
            )
    for i in np.flatnonzero(~np.asarray(has, dtype=bool)).tolist():
        names[i] = None
    return tuple(names)


def old_shares(values: np.ndarray, counts: np.ndarray) -> dict[str, float]:
    total = float(values.sum())
    basis = values if total > 0 else counts.astype(float)
    whole = float(basis.sum())
    if whole <= 0:
        return {}
    return {QUALITIES[q]: float(basis[q]) / whole for q in range(len(QUALITIES)) if basis[q] > 0}


def old_sparse(values: Sequence[Any], empty: Any) -> dict[str, Any]:
    """The sparse JSON of one item column's counts or qualities, as it was written from
    the tuples (kept verbatim)."""
    positions: dict[Any, list[int]] = {}
    first: dict[Any, Any] = {}
    for i, value in enumerate(values):
        key = tuple(sorted(value.items())) if isinstance(value, dict) else value
        found = positions.get(key)
        if found is None:
            positions[key] = [i]
            first[key] = value
        else:
            found.append(i)
    if not positions:
        return {"default": empty, "others": []}
    default = max(positions, key=lambda key: len(positions[key]))  # the first of the largest
    return {
        "default": first[default],
        "others": [
            {"value": first[key], "at": at} for key, at in positions.items() if key != default
        ],
    }


def test_sparse_codes_group_as_the_tuples_did() -> None:
    # equal shares grouped, a default chosen among ties, the empty and the uniform column
    codes = np.array([5, 2, 2, 5, -1, 6, 6])
    names = {5: {"measured": 0.5, "modelled": 0.5}, 2: "modelled", 6: {"declared": 1.0}, -1: None}
    values = [names[c] for c in codes.tolist()]
    assert _sparse_codes(codes, names.__getitem__, None) == old_sparse(values, None)
    assert _sparse_codes(np.array([], dtype=int), int, 0) == old_sparse([], 0)
    assert _sparse_codes(np.array([3, 3]), int, 0) == old_sparse([3, 3], 0)


@pytest.mark.parametrize("which", ["dossier", "mixed"])
def test_the_item_columns_are_the_old_tuples(which: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(which)
    results = run(path, Options(deterministic=True, scenarios=False, finance=False))
    _, result = engine_result(path)
    old = old_item_columns(results, result.arrays)
    table = results.items
    assert isinstance(table.columns, SummedColumns)
    written = _items_json(table)["columns"]
    old_table = ItemTable(table.ids, table.kinds, table.tiers, table.factors, old)
    mixed = 0
    for criterion, column in old.items():
        new = table.columns[criterion]
        assert new == column, criterion
        # the same floats: shares and values to the bit
        assert [v.hex() if v is not None else v for v in new.values] == [
            v.hex() if v is not None else v for v in column.values
        ]
        assert [v.hex() if v is not None else v for v in new.share] == [
            v.hex() if v is not None else v for v in column.share
        ]
        assert written[criterion] == {
            "unit": column.unit,
            "values": list(column.values),
            "unknown": old_sparse(column.unknown, 0),
            "quality": old_sparse(column.quality, None),
            "range": None,
        }, criterion
        # the written qualities in the same order (a dict's keys are written in order)
        assert json.dumps(written[criterion]) == json.dumps(
            {**written[criterion], "quality": old_sparse(column.quality, None)}
        )
        mixed += sum(isinstance(q, dict) for q in column.quality)
        for i in range(0, len(column.values), 97):
            assert table.figure(i, criterion) == old_table.figure(i, criterion)
        assert table.ranked(criterion) == old_table.ranked(criterion)
    # shares of several qualities: only where a measured use phase meets modelled ones
    assert (mixed > 0) == (which == "mixed")


def test_the_unknown_patterns_are_packed_bits() -> None:
    from ecodigital.engine.aggregate import _unknown_pattern

    for width in (8, 10):  # the criteria's 8 flags in one 64-bit number, and the general way
        every = np.arange(2**width)
        flags = ((every[:, None] >> np.arange(width)) & 1).astype(bool)
        assert np.array_equal(_unknown_pattern(np.ascontiguousarray(flags)), every)
