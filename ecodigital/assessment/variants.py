"""The dossier's scenarios and the standard levers, compared with the baseline on paired draws.

Each variant is the baseline's items and ranges with some changes applied
(:func:`ecodigital.engine.scenarios.apply_changes`), assessed again with the
same factors. Every uncertain input draws from a stream keyed by the seed and
its own name, so the variant's draws are the baseline's draws wherever the
variant did not change the input: the change's range is that of the per-draw
differences. A lever that scales a value (fewer terminals, less data) scales
its range with it, so a change that scales every impact by 0.8 is exactly
−20 % in every draw.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ecodigital.assessment.results import Figure, Gap, Range, Scenarios, Variant

if TYPE_CHECKING:
    import numpy as np

    from ecodigital.assessment.point import Assessment
    from ecodigital.engine.propagation import Propagation

__all__ = ["compare_variants"]


def compare_variants(
    baseline: Assessment,
    propagation: Propagation | None,
    *,
    draws: int,
    seed: int,
) -> Scenarios:
    """Baseline, each scenario of the dossier and each standard lever it does not study.

    ``propagation`` is the baseline's own Monte Carlo run (``None``: point
    figures only); it must have been drawn with ``draws`` and ``seed``.
    """
    from ecodigital.assessment.point import assess_loaded
    from ecodigital.dossier.scenarios import scenario_changes
    from ecodigital.engine.aggregate import totals
    from ecodigital.engine.propagation import propagate
    from ecodigital.engine.scenarios import apply_changes, compare, standard_levers

    loaded = baseline.dossier
    factors = baseline.factors
    users = list(baseline.users_per_year)
    if propagation is not None and (propagation.draws, propagation.seed) != (draws, seed):
        raise ValueError("the baseline propagation was drawn with another draws or seed")

    def run(items: Any, ranges: Any) -> tuple[dict[str, Any], np.ndarray | None]:
        variant = replace(loaded, items=items, ranges=ranges)
        # the same measurements as the baseline's: their files are not read again
        assessed = assess_loaded(variant, factors, measured_as=baseline)
        drawn = None
        if propagation is not None:
            drawn = propagate(
                assessed.result,
                assessed.dossier.items,
                factors.frame,
                assessed.grid,
                users,
                ranges=assessed.dossier.ranges,
                draws=draws,
                seed=seed,
            ).totals()
        return totals(assessed.result.arrays), drawn

    base_point = totals(baseline.result.arrays)
    base_draws = propagation.totals() if propagation is not None else None
    user_years = float(sum(users))
    scenarios = []
    changed_fields: set[tuple[str, str]] = set()
    for index, scenario in enumerate(loaded.model.scenarios):
        changes = scenario_changes(loaded, index)
        items, ranges = apply_changes(loaded.items, loaded.ranges, changes)
        changed_fields |= {(c.field, k) for c in changes for k in set(items["kind"][c.rows])}
        point, drawn = run(items, ranges)
        compared = compare(scenario.name, base_point, base_draws, point, drawn, user_years)
        ids = sorted({str(i) for c in changes for i in loaded.items["id"][c.rows]})
        scenarios.append(_variant(compared, None, {}, ids, user_years))
    levers = []
    for lever in standard_levers(
        baseline.result.components, loaded.items, _lowest_carbon(factors), changed_fields
    ):
        items, ranges = apply_changes(loaded.items, loaded.ranges, lever.changes)
        point, drawn = run(items, ranges)
        compared = compare(lever.code, base_point, base_draws, point, drawn, user_years)
        ids = sorted({str(i) for c in lever.changes for i in loaded.items["id"][c.rows]})
        params = dict(lever.params)
        if lever.code == "location" and _personal_data(loaded):
            # moving personal data abroad is a sovereignty question the note must raise
            params["personal_data"] = "yes"
        levers.append(_variant(compared, lever.code, params, ids, user_years))
    baseline_figures = compare("baseline", base_point, base_draws, base_point, base_draws, 1.0)
    return Scenarios(
        draws=draws if propagation is not None else None,
        seed=seed if propagation is not None else None,
        baseline={
            criterion: _figure(r["baseline"], r["unit"], r["baseline_complete"], r.get("range"))
            for criterion, r in baseline_figures["criteria"].items()
        },
        scenarios=tuple(scenarios),
        levers=tuple(levers),
    )


def _figure(
    value: float | None, unit: str, complete: bool, stats: tuple[float, ...] | None
) -> Figure:
    return Figure(
        value=value,
        unit=unit,
        complete=complete,
        range=Range(*stats) if stats is not None and value is not None else None,
    )


def _scaled(stats: tuple[float, ...] | None, divisor: float) -> tuple[float, ...] | None:
    return tuple(v / divisor for v in stats) if stats is not None and divisor else None


def _variant(
    compared: dict[str, Any],
    lever: str | None,
    params: dict[str, float | str],
    items: list[str],
    user_years: float,
) -> Variant:
    criteria = {}
    for criterion, r in compared["criteria"].items():
        unit = str(r["unit"])
        per_unit = f"{unit}/user-year"
        value, change = r["value"], r["change"]
        per_user = value / user_years if value is not None and user_years else None
        change_per_user = change / user_years if change is not None and user_years else None
        complete = bool(r["complete"])
        both = complete and bool(r["baseline_complete"])
        criteria[criterion] = Gap(
            baseline=_figure(r["baseline"], unit, r["baseline_complete"], r.get("baseline_range")),
            value=_figure(value, unit, complete, r.get("range")),
            change=_figure(change, unit, both, r.get("change_range")),
            change_pct=_figure(r["change_pct"], "%", both, r.get("change_pct_range")),
            per_user_year=_figure(
                per_user, per_unit, complete, _scaled(r.get("range"), user_years)
            ),
            change_per_user_year=_figure(
                change_per_user, per_unit, both, _scaled(r.get("change_range"), user_years)
            ),
        )
    return Variant(
        name=str(compared["name"]),
        lever=lever,
        params={k: v if isinstance(v, str) else float(v) for k, v in params.items()},
        items=tuple(items),
        criteria=criteria,
    )


def _personal_data(loaded: Any) -> bool:
    """Whether the dossier says the service handles personal data (applicant.personal_data)."""
    applicant = loaded.model.applicant
    return applicant is not None and applicant.personal_data is not None


def _lowest_carbon(factors: Any) -> str | None:
    """The EU country whose electricity has the lowest gwp per kWh."""
    from ecodigital.factors.grid import build_grid, known_countries
    from ecodigital.vocabulary import EU27

    countries = [c for c in sorted(EU27) if c in known_countries()]
    grid, _ = build_grid(countries, factors)
    if grid.empty:
        return None
    return str(grid["gwp_per_kwh"].astype(float).idxmin())
