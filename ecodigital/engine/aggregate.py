"""Views of the long table: every one is a group-by of it.

A sum over rows some of which are unknown (NaN) is reported as the sum of the
known rows with ``complete = False`` and the count of unknown rows, so that a
partial figure is always labelled as a lower bound; a sum with no known row is
``None`` (not available), never zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS

__all__ = ["summarize", "totals"]


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


def totals(rows: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Total per criterion over the whole horizon: ``{criterion: {value, unit, complete}}``."""
    table = {str(r["criterion"]): r for r in summarize(rows, []).to_dict("records")}
    out = {}
    for criterion in CRITERIA:
        if criterion in table:
            r = table[criterion]
            out[criterion] = _figure(r["value"], r["unit"], r["unknown_rows"], r["known_rows"])
        else:
            out[criterion] = _figure(np.nan, CRITERION_UNITS[criterion], 0, 0)
    return out
