"""The pure, vectorised footprint engine (DataFrames in, DataFrames out)."""

from ecodigital.engine.aggregate import summarize, totals
from ecodigital.engine.compute import (
    LONG_COLUMNS,
    EngineResult,
    compute_impacts,
    default_factor_ids,
    required_bases,
)

__all__ = [
    "LONG_COLUMNS",
    "EngineResult",
    "compute_impacts",
    "default_factor_ids",
    "required_bases",
    "summarize",
    "totals",
]
