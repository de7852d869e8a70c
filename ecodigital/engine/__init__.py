"""The pure, vectorised footprint engine (DataFrames in, DataFrames out)."""

from ecodigital.engine.aggregate import per_user_year, sci_per_user, summarize, totals
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
    "per_user_year",
    "required_bases",
    "sci_per_user",
    "summarize",
    "totals",
]
