"""The assessment pipeline: a dossier in, everything the tool vouches for out.

>>> from ecodigital.assessment import Options, run  # doctest: +SKIP
>>> results = run("dossier.yaml", Options(draws=1000, seed=0))  # doctest: +SKIP
>>> results.totals["gwp"].value  # doctest: +SKIP

The names below are loaded on first use: ``ecodigital validate`` imports
:mod:`ecodigital.assessment.validate` without the results' types.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecodigital.assessment.pipeline import DEFAULT_DRAWS, DEFAULT_SEED, Options, run
    from ecodigital.assessment.results import (
        RESULTS_FORMAT,
        Figure,
        Results,
        results_json_schema,
    )

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "RESULTS_FORMAT",
    "Figure",
    "Options",
    "Results",
    "results_json_schema",
    "run",
]

_HOME = {
    "DEFAULT_DRAWS": "pipeline",
    "DEFAULT_SEED": "pipeline",
    "Options": "pipeline",
    "run": "pipeline",
    "RESULTS_FORMAT": "results",
    "Figure": "results",
    "Results": "results",
    "results_json_schema": "results",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
