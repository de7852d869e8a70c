"""Ranges, drivers and scenarios of an assessed dossier: the layer over the pure engine.

``assess_uncertainty`` runs the Monte Carlo propagation of an assessment;
``compare_scenarios`` assesses the dossier's scenarios and the standard levers
it does not study yet, each with the same seed as the baseline so that every
comparison is made on paired draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecodigital.assessment import Assessment
    from ecodigital.engine.propagation import Propagation

__all__ = ["assess_uncertainty", "compare_assessed", "compare_scenarios"]


def assess_uncertainty(
    assessment: Assessment,
    draws: int,
    seed: int,
    *,
    drivers: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Propagation, dict[str, Any] | None]:
    """The Monte Carlo ranges of an assessment and, with ``drivers``, its top drivers.

    ``progress(done, total)`` reports the items done, chunk by chunk.
    """
    from ecodigital.engine.drivers import rank_drivers
    from ecodigital.engine.propagation import propagate

    propagation = propagate(
        assessment.result,
        assessment.dossier.items,
        assessment.factors.frame,
        assessment.grid,
        assessment.users_per_year,
        ranges=assessment.dossier.ranges,
        draws=draws,
        seed=seed,
        progress=progress,
    )
    return propagation, rank_drivers(propagation) if drivers else None


def compare_scenarios(
    path: str | Path,
    factors_path: str | Path | None = None,
    *,
    draws: int = 1000,
    seed: int = 0,
    deterministic: bool = False,
) -> dict[str, Any]:
    """Baseline, each scenario of the dossier and each unused standard lever, compared."""
    from ecodigital.assessment import assess_dossier

    return compare_assessed(
        assess_dossier(path, factors_path), draws=draws, seed=seed, deterministic=deterministic
    )


def compare_assessed(
    baseline: Assessment,
    *,
    draws: int = 1000,
    seed: int = 0,
    deterministic: bool = False,
    propagation: Propagation | None = None,
) -> dict[str, Any]:
    """:func:`compare_scenarios` of an assessed dossier.

    ``propagation`` is the baseline's own Monte Carlo run, when the caller has
    it already (it must have ``draws`` and ``seed``): it is reused rather than
    drawn again.
    """
    from ecodigital.assessment import assess_loaded
    from ecodigital.dossier.scenarios import scenario_changes
    from ecodigital.engine.aggregate import totals
    from ecodigital.engine.scenarios import apply_changes, compare, standard_levers

    loaded = baseline.dossier
    factors = baseline.factors
    if propagation is not None and (propagation.draws, propagation.seed) != (draws, seed):
        raise ValueError("the baseline propagation was drawn with another draws or seed")

    def run(items: Any, ranges: Any) -> tuple[dict[str, Any], Any]:
        variant = replace(loaded, items=items, ranges=ranges)
        is_baseline = items is loaded.items
        assessment = baseline if is_baseline else assess_loaded(variant, factors)
        point = totals(assessment.rows)
        draws_totals = None
        if not deterministic:
            if is_baseline and propagation is not None:
                draws_totals = propagation.totals()
            else:
                drawn, _ = assess_uncertainty(assessment, draws, seed)
                draws_totals = drawn.totals()
        return point, draws_totals

    base_point, base_draws = run(loaded.items, loaded.ranges)
    users = sum(baseline.users_per_year)
    results = []
    changed_fields: set[tuple[str, str]] = set()
    for index, scenario in enumerate(loaded.model.scenarios):
        changes = scenario_changes(loaded, index)
        items, ranges = apply_changes(loaded.items, loaded.ranges, changes)
        changed_fields |= {(c.field, k) for c in changes for k in set(items["kind"][c.rows])}
        point, draws_totals = run(items, ranges)
        results.append(compare(scenario.name, base_point, base_draws, point, draws_totals, users))
    levers = []
    candidates = standard_levers(
        baseline.result.components, loaded.items, _lowest_carbon(factors), changed_fields
    )
    for lever in candidates:
        items, ranges = apply_changes(loaded.items, loaded.ranges, lever.changes)
        point, draws_totals = run(items, ranges)
        levers.append(
            {
                "lever": lever.code,
                "params": lever.params,
                "items": sorted(
                    {str(i) for c in lever.changes for i in loaded.items["id"][c.rows]}
                ),
                **compare(lever.code, base_point, base_draws, point, draws_totals, users),
            }
        )
    return {
        "format": "ecodigital-scenarios/1",
        "project": loaded.model.project.name,
        "draws": None if deterministic else draws,
        "seed": None if deterministic else seed,
        "user_years": users,
        "baseline": compare("baseline", base_point, base_draws, base_point, base_draws, users)[
            "scenario"
        ],
        "scenarios": results,
        "levers": levers,
    }


def _lowest_carbon(factors: Any) -> str | None:
    """The EU country whose electricity has the lowest gwp per kWh."""
    from ecodigital.engine.scenarios import eu_countries
    from ecodigital.factors.grid import build_grid, known_countries

    countries = [c for c in eu_countries() if c in known_countries()]
    grid, _ = build_grid(countries, factors)
    if grid.empty:
        return None
    return str(grid["gwp_per_kwh"].astype(float).idxmin())
