"""Views of the long table: every one is a group-by of it.

The sums of the results are taken straight from the engine's per-item arrays
(:func:`cell_sums`, :func:`item_sums`), without building the long table: each
is a ``np.bincount`` that adds the same products in the same order as a
group-by of the table would (item by item, year by year, phase by phase), so
the figures are the same to the last bit. :func:`summarize` groups a long
table itself, when one is at hand.

A sum over rows some of which are unknown (NaN) is reported as the sum of the
known rows with ``complete = False`` and the count of unknown rows, so that a
partial figure is always labelled as a lower bound; a sum with no known row is
``None`` (not available), never zero.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from ecodigital.engine.longtable import ItemArrays
from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS, PHASES, QUALITIES, TIERS

__all__ = ["CellSums", "ItemSums", "cell_sums", "item_sums", "summarize", "totals"]


def summarize(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sum ``value`` by ``by`` + criterion, with the count of known and unknown rows.

    Vectorised with ``np.bincount`` over the table's categorical codes: a
    100,000-item table (8 million rows) is summarised in a fraction of a second.
    Groups with no row are left out; groups come in category (or year) order.
    """
    keys = [*by, "criterion"]
    if "known_rows" in rows.columns:
        return _rollup(rows, keys)
    levels: list[np.ndarray] = []
    flat = np.zeros(len(rows), dtype=np.int64)
    for key in keys:
        column = rows[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            levels.append(np.asarray(column.cat.categories, dtype=object))
        else:
            raw = column.to_numpy()
            low = int(raw.min()) if len(raw) else 0
            high = int(raw.max()) if len(raw) else 0
            codes = raw - low
            levels.append(np.arange(low, high + 1))
        flat *= len(levels[-1])
        flat += codes
    shape = tuple(len(level) for level in levels)
    size = int(np.prod(shape)) if shape else 1
    values = rows["value"].to_numpy(dtype=float)
    known = ~np.isnan(values)
    sums = np.bincount(flat, weights=np.where(known, values, 0.0), minlength=size)
    known_rows = np.bincount(flat, weights=known, minlength=size).astype(np.int64)
    all_rows = np.bincount(flat, minlength=size)
    present = np.nonzero(all_rows)[0]
    positions = np.unravel_index(present, shape)
    data: dict[str, object] = {}
    for key, level, position in zip(keys, levels, positions, strict=True):
        if isinstance(rows[key].dtype, pd.CategoricalDtype):
            # keep the categories' order (tiers, phases...) in every later group-by
            data[key] = pd.Categorical.from_codes(position, categories=rows[key].cat.categories)
        else:
            data[key] = level[position]
    data["value"] = np.where(known_rows[present] > 0, sums[present], np.nan)
    data["known_rows"] = known_rows[present]
    data["unknown_rows"] = all_rows[present] - known_rows[present]
    grouped = pd.DataFrame(data)
    grouped["unit"] = grouped["criterion"].map(CRITERION_UNITS).astype(str)
    grouped["complete"] = grouped["unknown_rows"] == 0
    return grouped


def _rollup(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Group an existing summary further (a small frame: plain pandas is fine)."""
    frame = summary.assign(value=summary["value"].fillna(0.0))
    grouped = (
        frame.groupby(keys, observed=True, sort=True)[["value", "known_rows", "unknown_rows"]]
        .sum()
        .reset_index()
    )
    grouped.loc[grouped["known_rows"] == 0, "value"] = np.nan
    grouped["unit"] = grouped["criterion"].map(CRITERION_UNITS).astype(str)
    grouped["complete"] = grouped["unknown_rows"] == 0
    return grouped


def _figure(value: float, unit: str, unknown_rows: int, known_rows: int) -> dict[str, Any]:
    available = bool(known_rows > 0)
    return {
        "value": float(value) if available else None,
        "unit": unit,
        "complete": bool(available and unknown_rows == 0),
        "unknown_rows": int(unknown_rows),
    }


def totals(rows: pd.DataFrame | ItemArrays) -> dict[str, dict[str, Any]]:
    """Total per criterion over the whole horizon: ``{criterion: {value, unit, complete}}``.

    ``rows`` is a long table, or the engine's per-item arrays it expands to
    (summed in the table's order, to the same bits, without building it).
    """
    if isinstance(rows, ItemArrays):
        return _totals_of_arrays(rows)
    table = {str(r["criterion"]): r for r in summarize(rows, []).to_dict("records")}
    out = {}
    for criterion in CRITERIA:
        if criterion in table:
            r = table[criterion]
            out[criterion] = _figure(r["value"], r["unit"], r["unknown_rows"], r["known_rows"])
        else:
            out[criterion] = _figure(np.nan, CRITERION_UNITS[criterion], 0, 0)
    return out


def _totals_of_arrays(arrays: ItemArrays) -> dict[str, dict[str, Any]]:
    item, year = np.nonzero(arrays.active)
    weight = arrays.weights[item, year][:, None]
    out = {}
    for c, criterion in enumerate(CRITERIA):
        # rows in the table's order (item, year, phase); bincount adds them one by one
        row_values = (arrays.values[item, :, c] * weight).ravel()
        known = ~np.isnan(row_values)
        known_rows = int(known.sum())
        value = np.bincount(
            np.zeros(len(row_values), dtype=np.intp), weights=np.where(known, row_values, 0.0)
        )
        total = float(value[0]) if len(value) and known_rows else np.nan
        out[criterion] = _figure(
            total, CRITERION_UNITS[criterion], len(row_values) - known_rows, known_rows
        )
    return out


@dataclass(frozen=True)
class CellSums:
    """The long table summed by tier, phase, year, quality and criterion (dense arrays).

    ``values`` holds the sum of the known rows of each cell (0 when none),
    ``known`` and ``unknown`` the counts of known and unknown rows; shape
    ``(tiers, phases, horizon years, qualities, criteria)``.
    """

    values: np.ndarray
    known: np.ndarray
    unknown: np.ndarray


@dataclass(frozen=True)
class ItemSums:
    """The long table summed by item and criterion over the horizon, and by quality.

    ``values`` (items × criteria) is the sum of an item's known rows (0 when
    none), ``known`` and ``unknown`` the counts of its known and unknown rows.
    Most items have one quality in every phase: ``quality`` gives it (its code
    in :data:`~ecodigital.vocabulary.QUALITIES`), -1 for an item whose phases
    differ. Those ``mixed`` items (positions) have their sums and known rows
    by quality in ``mixed_values`` and ``mixed_known`` (mixed × qualities ×
    criteria), ``values`` being the sum of the qualities' parts.
    """

    values: np.ndarray
    known: np.ndarray
    unknown: np.ndarray
    quality: np.ndarray
    mixed: np.ndarray
    mixed_values: np.ndarray
    mixed_known: np.ndarray


def cell_sums(arrays: ItemArrays) -> CellSums:
    """The sums of the long table by tier, phase, year, quality and criterion.

    Each cell's rows are added one by one, in item order, from zero: a
    ``np.bincount`` over every item for each phase and year, which adds its
    weights in the order given. Each cell's sum is the one :func:`summarize`
    finds over the long table, to the last bit. An item outside a year adds
    ``±0.0`` to its cell (weight zero), which changes no sum, and is not
    counted as a row. Years whose weights are the same for every item have the
    same sums: they are added once.
    """
    n, n_tiers, n_phases, n_years = len(arrays), len(TIERS), len(PHASES), arrays.horizon_years
    n_q, n_c = len(QUALITIES), len(CRITERIA)
    n_groups = n_tiers * n_q
    values = np.empty((n_tiers, n_phases, n_years, n_q, n_c))
    known = np.empty((n_tiers, n_phases, n_years, n_q, n_c), dtype=np.int64)
    rows = np.empty((n_tiers, n_phases, n_years, n_q), dtype=np.int64)
    same_weights, same_years = _same_columns(arrays.weights), _same_columns(arrays.active)
    # the criteria an item leaves unknown in a phase, as bits: rows are counted by pattern
    n_bytes = (n_c + 7) // 8
    every = np.arange(256**n_bytes)
    unknown_bits = ((every[:, None] >> np.arange(n_c)) & 1).astype(np.int64)
    # the cells of a tier and quality (a group), one row per group
    cells = np.arange(n_groups * n_c, dtype=np.intp).reshape(n_groups, n_c)
    tier = arrays.tier.astype(np.intp) * n_q
    # one buffer each, reused by every phase (fresh large arrays cost their page faults)
    annual, term = np.empty((n, n_c)), np.empty((n, n_c))
    missing = np.empty((n, n_c), dtype=bool)
    index = np.empty((n, n_c), dtype=np.intp)
    # each item's phase as one record of its criteria: a phase copied in one pass
    record = np.dtype((np.void, n_c * arrays.values.itemsize))
    by_phase = np.ascontiguousarray(arrays.values).reshape(n, -1).view(record)
    group = np.empty(n, dtype=np.intp)
    for p in range(n_phases):
        quality = arrays.quality[:, p]
        if p == 0 or not np.array_equal(quality, arrays.quality[:, p - 1]):
            np.add(tier, quality, out=group)
            np.take(cells, group, axis=0, out=index)
        np.copyto(annual.view(record).reshape(n), by_phase[:, p])
        np.isnan(annual, out=missing)
        np.copyto(annual, 0.0, where=missing)
        pattern = group * len(every) + _unknown_pattern(missing)
        for y in range(n_years):
            if same_weights[y] != y:
                values[:, p, y] = values[:, p, same_weights[y]]
            else:
                weight = arrays.weights[:, y : y + 1]
                added = annual if (weight == 1.0).all() else np.multiply(annual, weight, out=term)
                sums = np.bincount(
                    index.reshape(-1), weights=added.reshape(-1), minlength=n_groups * n_c
                )
                values[:, p, y] = sums.reshape(n_tiers, n_q, n_c)
            if same_years[y] == y:
                active = arrays.active[:, y]
                of_year = pattern if active.all() else pattern[active]
                counts = np.bincount(of_year, minlength=n_groups * len(every))
                counts = counts.reshape(n_groups, len(every))
            rows[:, p, y] = counts.sum(axis=1).reshape(n_tiers, n_q)
            unknown = (counts @ unknown_bits).reshape(n_tiers, n_q, n_c)
            known[:, p, y] = rows[:, p, y, :, None] - unknown
    return CellSums(values, known, rows[..., None] - known)


def _unknown_pattern(missing: np.ndarray) -> np.ndarray:
    """Each row of ``missing`` (items × criteria, bool) as one number: bit ``c`` set when
    criterion ``c`` is unknown (``np.packbits``, least significant bit first)."""
    n, n_c = missing.shape
    if n_c == 8 and sys.byteorder == "little":
        # the 8 flags of a row, 8 bytes of 0 or 1, read as one 64-bit number: times
        # 0x0102040810204080 its top byte is the 8 flags as bits (no carry between them)
        flags = missing.view(np.uint64).reshape(n)
        packed: np.ndarray = (flags * np.uint64(0x0102040810204080)) >> np.uint64(56)
        return packed.astype(np.intp)
    bytes_ = np.packbits(missing, axis=1, bitorder="little").astype(np.intp)
    return sum((bytes_[:, b] << (8 * b) for b in range(bytes_.shape[1])), np.zeros(n, np.intp))


def _same_columns(table: np.ndarray) -> list[int]:
    """For each column (year), the first column equal to it (itself if none)."""
    first: list[int] = []
    for y in range(table.shape[1]):
        column = table[:, y]
        same = (x for x in range(y) if first[x] == x and np.array_equal(table[:, x], column))
        first.append(next(same, y))
    return first


#: Items summed at a time: each block's arrays stay in the processor's cache.
BLOCK_ITEMS: Final = 4_096


def item_sums(arrays: ItemArrays) -> ItemSums:
    """The sums of the long table by item and criterion over the horizon (and by quality).

    Each item's rows are added year by year, phase by phase, as
    :func:`summarize` adds them over the long table: outside its active years
    an item's weight is zero and adds ``±0.0``, which leaves a sum unchanged.
    """
    n, n_p, n_c, n_q = len(arrays), len(PHASES), len(CRITERIA), len(QUALITIES)
    quality = arrays.quality.astype(np.intp)
    uniform = (quality == quality[:, :1]).all(axis=1)
    item_quality = np.where(uniform, quality[:, 0], -1)
    mixed = np.flatnonzero(~uniform)
    active_years = arrays.active.sum(axis=1)
    known_phases = np.empty((n, n_c), dtype=np.int64)
    values = _year_phase_sum(arrays.values, arrays.weights, known_phases)
    known = known_phases * active_years[:, None]
    unknown = n_p * active_years[:, None] - known
    mixed_values = np.zeros((len(mixed), n_q, n_c))
    mixed_known = np.zeros((len(mixed), n_q, n_c), dtype=np.int64)
    if len(mixed):
        of_mixed = quality[mixed]
        mixed_annual = arrays.values[mixed]
        mixed_weights = arrays.weights[mixed]
        for q in np.unique(of_mixed).tolist():
            # the phases of another quality count zero
            only_q = np.where((of_mixed == q)[..., None], mixed_annual, 0.0)
            mixed_values[:, q] = _year_phase_sum(only_q, mixed_weights)
        one_hot = (of_mixed[..., None] == np.arange(n_q)).astype(np.int64)
        is_known = (~np.isnan(mixed_annual)).astype(np.int64)
        mixed_known = np.einsum("ipc,ipq->iqc", is_known, one_hot) * active_years[mixed, None, None]
        # the item's value: its qualities' parts added in order, as a sum over qualities
        for c in range(n_c):
            values[mixed, c] = mixed_values[:, :, c].sum(axis=1)
    return ItemSums(values, known, unknown, item_quality, mixed, mixed_values, mixed_known)


def _year_phase_sum(
    annual: np.ndarray, weights: np.ndarray, known: np.ndarray | None = None
) -> np.ndarray:
    """Items × criteria: each item's rows (``annual``: items × phases × criteria, times
    ``weights``: items × years) added year by year, phase by phase, unknown values left
    out; ``known`` (items × criteria), when given, receives each item's count of known
    phases.

    A block of items at a time, each phase of the block contiguous, so that every
    operation runs over a whole block; a weight of one multiplies nothing (the very value).
    """
    n, n_p, n_c = annual.shape
    total = np.zeros((n, n_c))
    size = min(n, BLOCK_ITEMS)
    phases = np.empty((n_p, size, n_c))
    unknown = np.empty((n_p, size, n_c), dtype=bool)
    weight = np.empty((size, n_c))
    term = np.empty(size * n_c)
    for start in range(0, n, BLOCK_ITEMS):
        stop = min(start + BLOCK_ITEMS, n)
        k = stop - start
        block, missing = phases[:, :k], unknown[:, :k]
        np.copyto(block, annual[start:stop].transpose(1, 0, 2))
        np.isnan(block, out=missing)
        block[missing] = 0.0
        if known is not None:
            known[start:stop] = n_p - missing.sum(axis=0)
        out = total[start:stop].reshape(-1)
        product = term[: k * n_c]
        for y in range(weights.shape[1]):
            ones = bool((weights[start:stop, y] == 1.0).all())
            if not ones:
                np.copyto(weight[:k], weights[start:stop, y : y + 1])
                factor = weight[:k].reshape(-1)
            for p in range(n_p):
                values = block[p].reshape(-1)
                if ones:
                    out += values
                else:
                    np.multiply(values, factor, out=product)
                    out += product
    return total
