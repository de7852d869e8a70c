"""The items table the engine receives: its columns, and the item model of each kind.

A dossier's items, inline in YAML or in a CSV file, become one table with the
columns :data:`ITEM_COLUMNS` (NaN or None where not given), and the ranges
given for some fields one table with the columns ``RANGE_COLUMNS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from ecodigital.dossier.model import (
    CloudItem,
    CustomItem,
    NetworkItem,
    ServerItem,
    StorageItem,
    TerminalItem,
)
from ecodigital.dossier.uncertain import RANGE_COLUMNS, RANGE_CSV_SUFFIXES, RANGE_FIELDS
from ecodigital.vocabulary import TERMINAL_KINDS

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

__all__ = [
    "CSV_COLUMNS",
    "ITEM_COLUMNS",
    "MODEL_BY_KIND",
    "NUMERIC_ITEM_COLUMNS",
    "RANGE_CSV_COLUMNS",
    "TEXT_ITEM_COLUMNS",
    "normalise_items",
    "ranges_frame",
]

#: The pydantic model of each item kind.
MODEL_BY_KIND: dict[str, type[BaseModel]] = {
    **dict.fromkeys(TERMINAL_KINDS, TerminalItem),
    "server": ServerItem,
    "cloud_instance": CloudItem,
    "storage": StorageItem,
    "network": NetworkItem,
    "custom": CustomItem,
}

#: Columns of the items table handed to the engine (NaN or None where not given).
NUMERIC_ITEM_COLUMNS = (
    "quantity",
    "allocation",
    "lifetime_years",
    "hours_per_day",
    "days_per_year",
    "power_w",
    "hours_per_year",
    "pue",
    "vcpu",
    "memory_gb",
    "capacity_tb",
    "replicas",
    "gb_per_year",
    "first_year",
    "last_year",
    "quantity_per_user",
    "drive_capacity_tb",
)
TEXT_ITEM_COLUMNS = (
    "id", "kind", "location", "factor", "media", "access", "tier", "provider", "hosting",
    "billing", "quality", "owner",
)  # fmt: skip
ITEM_COLUMNS = TEXT_ITEM_COLUMNS + NUMERIC_ITEM_COLUMNS
#: CSV columns giving the P5 and P95 of a field (``hours_per_day_low``, ``hours_per_day_high``).
RANGE_CSV_COLUMNS = tuple(
    f"{name}{suffix}" for name in RANGE_FIELDS for suffix in RANGE_CSV_SUFFIXES
)
#: Columns a CSV inventory may have: the item fields, with ``years`` split in two.
CSV_COLUMNS = (*ITEM_COLUMNS, "description", *RANGE_CSV_COLUMNS)


def normalise_items(frame: pd.DataFrame, country: str) -> pd.DataFrame:
    """Numbers as float64, text as objects (None when empty), defaults filled in."""
    import numpy as np
    import pandas as pd

    for column in NUMERIC_ITEM_COLUMNS:
        if frame[column].dtype != "float64":  # a CSV's numbers are float64 already
            frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
    for column in TEXT_ITEM_COLUMNS:
        cells = frame[column]
        if cells.dtype == object:
            # objects already (a CSV's text): only a missing cell other than None changes
            values = cells.to_numpy(dtype=object)
            missing = pd.isna(values)
            if missing.any():
                values = values.copy()
                values[missing] = None
                frame[column] = pd.Series(values, index=frame.index, dtype=object)
        elif cells.dtype == "float64" and bool(cells.isna().all()):
            # a column the inventory does not have: None throughout
            empty = np.full(len(cells), None, dtype=object)
            frame[column] = pd.Series(empty, index=frame.index, dtype=object)
        else:
            frame[column] = cells.astype("object").where(cells.notna(), None)
    frame["location"] = _filled(frame["location"], country)
    # a terminal is the applicant's unless the dossier says it is the users' own
    terminal = frame["kind"].isin(TERMINAL_KINDS).to_numpy()
    frame["owner"] = _filled(frame["owner"], "applicant", terminal)
    frame["quantity"] = frame["quantity"].fillna(1.0)
    frame["allocation"] = frame["allocation"].fillna(1.0)
    return frame.reset_index(drop=True)


def _filled(cells: pd.Series, value: str, where: Any = True) -> pd.Series:
    """A text column (objects, None where missing) with ``value`` in its missing cells
    (of the rows ``where`` marks)."""
    import pandas as pd

    values = cells.to_numpy(dtype=object)
    missing = pd.isna(values) & where
    if missing.any():
        values = values.copy()
        values[missing] = value
    return pd.Series(values, index=cells.index, dtype=object)


def ranges_frame(found: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    """The ranges table: one ``(item, field, distribution, low, mode, high)`` row per range."""
    import pandas as pd

    frame = pd.DataFrame.from_records(list(found), columns=list(RANGE_COLUMNS))
    types: dict[str, Any] = {
        "item": "int64", "field": object, "distribution": object, "low": float, "mode": float,
        "high": float,
    }  # fmt: skip
    return frame.astype(cast(Any, types))
