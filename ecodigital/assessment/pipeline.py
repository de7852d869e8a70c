"""The one pipeline: a dossier and options in, :class:`Results` out.

Every command that shows figures calls :func:`run`: ``assess``, ``scenarios``,
``note``, ``demo``, ``finance``, ``compare`` (for dossiers) and ``verify``
(for the recomputation). It loads the dossier, picks its factors and grid,
runs the engine, reconciles measurements, propagates uncertainty, ranks the
drivers, runs the scenarios and levers on the same draws, checks the
financing and scores the RGESN — each stage only when the options ask for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ecodigital.vocabulary import DEFAULT_DRAWS, DEFAULT_SEED

if TYPE_CHECKING:
    from ecodigital.assessment.results import Results
    from ecodigital.dossier.load import LoadedDossier
    from ecodigital.factors.database import FactorTable

__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "Options", "run"]


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Options:
    """What to compute.

    ``factors_path`` layers a user's factor file over the reference dataset;
    ``factors`` gives the factor table itself (a shipped dataset version, or
    one with a note's declared overrides: what ``verify`` recomputes with).
    ``deterministic`` skips the Monte Carlo (no ranges, no drivers);
    ``scenarios`` compares the dossier's scenarios and the standard levers;
    ``finance`` checks the budget when the dossier has one (``rules_path``:
    another call's rules). ``progress(done, total)`` reports the Monte Carlo
    items done.
    """

    factors_path: Path | None = None
    factors: FactorTable | None = None
    rules_path: Path | None = None
    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    deterministic: bool = False
    drivers: bool = True
    scenarios: bool = True
    finance: bool = True
    progress: Progress | None = None


def run(dossier: str | Path | LoadedDossier, options: Options | None = None) -> Results:
    """Assess ``dossier`` (a path, or a dossier already loaded) and return its results."""
    from ecodigital.assessment.build import build_results
    from ecodigital.assessment.point import assess_loaded, standalone_dossier
    from ecodigital.dossier.load import LoadedDossier, load_dossier
    from ecodigital.factors.database import load_factors

    options = options or Options()
    loaded = dossier if isinstance(dossier, LoadedDossier) else load_dossier(Path(dossier))
    factors = options.factors if options.factors is not None else load_factors(options.factors_path)
    assessed = assess_loaded(loaded, factors)

    propagation = ranked = None
    if not options.deterministic:
        from ecodigital.engine.drivers import rank_drivers
        from ecodigital.engine.propagation import propagate

        propagation = propagate(
            assessed.result,
            loaded.items,
            factors.frame,
            assessed.grid,
            assessed.users_per_year,
            ranges=loaded.ranges,
            draws=options.draws,
            seed=options.seed,
            progress=options.progress,
        )
        if options.drivers:
            ranked = rank_drivers(propagation)

    scenarios = None
    if options.scenarios:
        from ecodigital.assessment.variants import compare_variants

        scenarios = compare_variants(assessed, propagation, draws=options.draws, seed=options.seed)

    finance = None
    if options.finance and loaded.model.budget is not None:
        from ecodigital.finance.run import check_loaded

        finance = check_loaded(loaded, options.rules_path)

    files = [str(loaded.path)]
    if loaded.inventory_path is not None:
        files.append(str(loaded.inventory_path))
    files += [str(m) for record in assessed.measurements for m in record.get("files") or ()]
    files += list(factors.user_files)
    if finance is not None and options.rules_path is not None:
        files.append(str(options.rules_path))
    return build_results(
        assessed,
        propagation=propagation,
        drivers=ranked,
        scenarios=scenarios,
        finance=finance,
        standalone=lambda: standalone_dossier(assessed),
        files=files,
    )
