"""The assessment pipeline: a dossier in, everything the tool vouches for out.

>>> from ecodigital.assessment import Options, run  # doctest: +SKIP
>>> results = run("dossier.yaml", Options(draws=1000, seed=0))  # doctest: +SKIP
>>> results.totals["gwp"].value  # doctest: +SKIP
"""

from ecodigital.assessment.pipeline import DEFAULT_DRAWS, DEFAULT_SEED, Options, run
from ecodigital.assessment.results import RESULTS_FORMAT, Figure, Results, results_json_schema

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
