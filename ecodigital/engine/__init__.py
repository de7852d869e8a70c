"""The pure, vectorised footprint engine (DataFrames in, DataFrames out).

The names below are loaded on first use, so that importing a light module of
the package (:mod:`ecodigital.engine.choice`, which ``validate`` uses) does not
load numpy and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecodigital.engine.aggregate import summarize, totals
    from ecodigital.engine.choice import required_bases
    from ecodigital.engine.compute import EngineResult, compute_impacts, default_factor_ids
    from ecodigital.engine.longtable import LONG_COLUMNS

__all__ = [
    "LONG_COLUMNS",
    "EngineResult",
    "compute_impacts",
    "default_factor_ids",
    "required_bases",
    "summarize",
    "totals",
]

_HOME = {
    "LONG_COLUMNS": "longtable",
    "EngineResult": "compute",
    "compute_impacts": "compute",
    "default_factor_ids": "compute",
    "required_bases": "choice",
    "summarize": "aggregate",
    "totals": "aggregate",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
