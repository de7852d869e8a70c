"""The engine's result per item, and the long table it expands to.

The long table has one row per item, active year, phase and criterion: for
100,000 items over five years, 16 million rows. Every figure of the results
is a sum over it, but none needs it built: :class:`ItemArrays` holds what it
repeats (each item's annual value per phase and criterion, the quality of
each phase, the years it is active and their weights), and
:mod:`ecodigital.engine.aggregate` sums straight from these arrays. The table
itself is built only when a reader asks for it (``assess --format csv``,
``--rows``), whole or a slice of items at a time (:meth:`ItemArrays.chunks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS, ITEM_KINDS, PHASES, QUALITIES, TIERS

__all__ = ["LONG_COLUMNS", "ItemArrays"]

#: Columns of the long table, in order.
LONG_COLUMNS: Final = (
    "item", "kind", "tier", "phase", "criterion", "year", "value", "unit", "quality",
)  # fmt: skip

#: The distinct units, and the code of each criterion's unit among them.
_UNITS: Final = tuple(dict.fromkeys(CRITERION_UNITS[c] for c in CRITERIA))
_UNIT_CODES: Final = np.array([_UNITS.index(CRITERION_UNITS[c]) for c in CRITERIA], dtype=np.int8)


@dataclass(frozen=True)
class ItemArrays:
    """Per item (``n``), in inventory order: what the long table repeats over the years.

    ``values`` (n × phases × criteria) is the annual value in each criterion's
    unit per year, NaN where unknown; ``quality`` (n × phases) the code of
    each phase's quality in :data:`~ecodigital.vocabulary.QUALITIES`;
    ``active`` (n × horizon years) the years the item has rows in; ``weights``
    the multiplier of its annual values each year (1 when active, the year's
    users for an item declared per user, 0 outside its years). A row's value
    is ``values[i, p, c] × weights[i, y]``.
    """

    ids: np.ndarray
    kind: np.ndarray
    tier: np.ndarray
    values: np.ndarray
    quality: np.ndarray
    active: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def horizon_years(self) -> int:
        return int(self.active.shape[1])

    @property
    def row_count(self) -> int:
        """Rows of the long table: active item-years × phases × criteria."""
        return int(self.active.sum()) * len(PHASES) * len(CRITERIA)

    def long_table(self, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """The long table of items ``start`` to ``stop - 1`` (all by default)."""
        stop = len(self) if stop is None else min(stop, len(self))
        active = self.active[start:stop]
        weights = self.weights[start:stop]
        item_k, year_k = np.nonzero(active)
        n_pc = len(PHASES) * len(CRITERIA)
        k = len(item_k)
        item_k = item_k.astype(np.int32)
        per_year = self.values[start:stop][item_k].reshape(k, n_pc)
        weight = weights[item_k, year_k]
        if not np.all(weight == 1.0):
            per_year = per_year * weight[:, None]
        item_codes = np.repeat(item_k, n_pc)
        phase_codes = np.tile(np.repeat(np.arange(len(PHASES), dtype=np.int8), len(CRITERIA)), k)
        criterion_codes = np.tile(np.arange(len(CRITERIA), dtype=np.int8), len(PHASES) * k)
        quality = self.quality[start:stop]
        quality_k = np.repeat(quality[item_k], len(CRITERIA), axis=1).reshape(k * n_pc)
        ids = self.ids[start:stop]
        return pd.DataFrame(
            {
                "item": _categorical(item_codes, ids),
                "kind": _categorical(self.kind[start:stop][item_codes], ITEM_KINDS),
                "tier": _categorical(self.tier[start:stop][item_codes], TIERS),
                "phase": _categorical(phase_codes, PHASES),
                "criterion": _categorical(criterion_codes, CRITERIA),
                "year": np.repeat((year_k + 1).astype(np.int16), n_pc),
                "value": per_year.reshape(k * n_pc),
                "unit": _categorical(np.tile(_UNIT_CODES, len(PHASES) * k), _UNITS),
                "quality": _categorical(quality_k, QUALITIES),
            },
            copy=False,
        )

    def chunks(self, items_per_chunk: int) -> Iterator[pd.DataFrame]:
        """The long table a slice of items at a time, in order (memory bounded by the slice)."""
        for start in range(0, max(len(self), 1), max(items_per_chunk, 1)):
            yield self.long_table(start, start + items_per_chunk)


def _categorical(codes: np.ndarray, categories: Any) -> pd.Categorical:
    """A categorical from codes the engine built itself (already in range)."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories), validate=False)
