"""Build the :class:`~ecodigital.assessment.results.Results` of an assessed dossier.

The long table is reduced once: one grouped sum by tier, phase, year, quality
and criterion (a small dense array whatever the inventory), one by item,
quality and criterion. Every figure of the results is a slice of those two
arrays; every range a slice of the Monte Carlo draws of the same sums. A sum
with unknown parts keeps the sum of the known parts, ``complete = False`` and
the count of unknown parts; a sum with no known part is ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from ecodigital import __version__
from ecodigital.assessment.mutual import mutualise
from ecodigital.assessment.results import (
    RESULTS_FORMAT,
    Beneficiary,
    Dataset,
    Driver,
    Drivers,
    Electricity,
    FactorUsed,
    Figure,
    Financing,
    Indicators,
    Inputs,
    ItemTable,
    LongTable,
    MeasurementResult,
    Override,
    Project,
    Range,
    RangeColumn,
    ResourceLine,
    Results,
    Rgesn,
    RgesnFamily,
    Scenarios,
    Sci,
    SciYear,
    SummedColumns,
    Tool,
    Uncertainty,
    Variant,
    _optional,
)
from ecodigital.vocabulary import (
    CRITERIA,
    CRITERION_UNITS,
    PHASES,
    QUALITIES,
    TIERS,
)

if TYPE_CHECKING:
    from ecodigital.assessment.point import Assessment
    from ecodigital.dossier.model import Dossier, RgesnAssessment
    from ecodigital.engine.aggregate import ItemSums
    from ecodigital.engine.longtable import ItemArrays
    from ecodigital.engine.propagation import Propagation
    from ecodigital.finance.check import FinanceReport

__all__ = ["build_results", "range_of"]

_GWP: Final = CRITERIA.index("gwp")
_USE: Final = PHASES.index("use")
_EMBODIED: Final = tuple(p for p in range(len(PHASES)) if p != _USE)
#: Per functional unit: the unit of a criterion per user-year, per user, per year.
PER_USER_YEAR: Final = "user-year"


def range_of(per_draw: np.ndarray) -> Range:
    """P5, P50, P95 (linear interpolation between draws) and mean of a figure's draws."""
    p5, p50, p95 = np.quantile(per_draw, (0.05, 0.5, 0.95))
    return Range(float(p5), float(p50), float(p95), float(per_draw.mean()))


class _Sums:
    """The long table summed by tier, phase, year, quality and criterion (dense arrays)."""

    def __init__(self, arrays: ItemArrays, propagation: Propagation | None):
        from ecodigital.engine.aggregate import cell_sums

        sums = cell_sums(arrays)
        self.values, self.known, self.unknown = sums.values, sums.known, sums.unknown
        # draws: (draws, tiers, years, phases, criteria), known item values per cell
        self.draws = propagation.cube if propagation is not None else None

    def figure(
        self,
        criterion: int,
        *,
        tier: int | Sequence[int] | None = None,
        phase: int | Sequence[int] | None = None,
        year: int | Sequence[int] | None = None,
        divisor: float = 1.0,
        unit: str | None = None,
        total: float | None = None,
    ) -> Figure:
        """One sum over the tiers, phases and years picked (all by default), optionally
        divided by a positive constant (users, years)."""
        picks = {0: tier, 1: phase, 2: year}
        values, known, unknown = self.values, self.known, self.unknown
        for axis, pick in picks.items():
            if pick is not None:
                index = [pick] if isinstance(pick, int) else list(pick)
                values = np.take(values, index, axis=axis)
                known = np.take(known, index, axis=axis)
                unknown = np.take(unknown, index, axis=axis)
        per_quality = values[..., criterion].reshape(-1, len(QUALITIES)).sum(axis=0)
        counts = known[..., criterion].reshape(-1, len(QUALITIES)).sum(axis=0)
        missing = int(unknown[..., criterion].sum())
        shown_unit = unit or CRITERION_UNITS[CRITERIA[criterion]]
        if counts.sum() == 0 or not divisor:
            return Figure(None, shown_unit, complete=missing == 0, unknown=missing)
        value = float(per_quality.sum())
        stats = None
        if self.draws is not None:
            # draws: (draws, tiers, years, phases, criteria)
            block = self.draws[..., criterion]
            for axis, pick in ((1, tier), (2, year), (3, phase)):
                if pick is not None:
                    index = [pick] if isinstance(pick, int) else list(pick)
                    block = np.take(block, index, axis=axis)
            stats = range_of(block.reshape(block.shape[0], -1).sum(axis=1) / divisor)
        return Figure(
            value=value / divisor,
            unit=shown_unit,
            complete=missing == 0,
            unknown=missing,
            quality=_shares(per_quality, counts),
            share=value / total if total else None,
            range=stats,
        )


def _shares(values: np.ndarray, counts: np.ndarray) -> dict[str, float]:
    """Share of a sum by quality; by count of parts when the sum is zero."""
    total = float(values.sum())
    basis = values if total > 0 else counts.astype(float)
    whole = float(basis.sum())
    if whole <= 0:
        return {}
    return {QUALITIES[q]: float(basis[q]) / whole for q in range(len(QUALITIES)) if basis[q] > 0}


# --------------------------------------------------------------------------- items


def _item_table(assessed: Assessment, totals: dict[str, Figure], propagation: Any) -> ItemTable:
    from ecodigital.engine.aggregate import item_sums
    from ecodigital.engine.compute import default_factor_ids

    items = assessed.dossier.items
    arrays = assessed.result.arrays
    tiers = np.asarray(TIERS, dtype=object)[arrays.tier]
    per_item = item_sums(arrays)
    has = per_item.known > 0
    ranges = {}
    if propagation is not None:
        stats = propagation.item_gwp
        gwp = has[:, _GWP]
        p5, p50, p95, mean = (
            _optional(np.where(gwp, stats[name], np.nan)) for name in ("p5", "p50", "p95", "mean")
        )
        ranges["gwp"] = RangeColumn(p5, p50, p95, mean)
    quality, mixed = _item_qualities(per_item, has)
    # the rows the engine priced with: the dataset's own storage rows among them
    choices = assessed.factor_choices
    known = assessed.factors.frame.index
    factor_ids = (
        default_factor_ids(items, known)
        if choices is None
        else choices.ids_of_items(known, items.index)
    )
    columns = SummedColumns(
        values=np.where(has, per_item.values, np.nan),
        unknown=per_item.unknown,
        quality=quality,
        mixed=mixed,
        totals={criterion: totals[criterion].value for criterion in CRITERIA},
        ranges=ranges,
    )
    return ItemTable(
        ids=tuple(arrays.ids.tolist()),
        kinds=tuple(items["kind"].astype(str).tolist()),
        tiers=tuple(tiers.tolist()),
        factors=tuple(factor_ids.astype(str).tolist()),
        columns=columns,
    )


def _item_qualities(
    per_item: ItemSums, has: np.ndarray
) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Each item's quality per criterion, as :class:`SummedColumns` codes, and the shares
    the codes past the qualities stand for.

    An item with one quality in every phase has that one; an item whose phases
    differ has the one quality that makes its value (or, when its value is not
    positive, its known rows), else the shares by quality. An unknown value has none.
    """
    codes = np.repeat(per_item.quality[:, None], len(CRITERIA), axis=1)
    # each distinct shares once (equal shares, one code), in the order of their qualities
    found: dict[tuple[tuple[str, float], ...], int] = {}
    mixed: list[dict[str, float]] = []
    if len(per_item.mixed):
        positive = per_item.mixed_values > 0
        basis = np.where(
            positive.any(axis=1, keepdims=True), per_item.mixed_values, per_item.mixed_known
        )
        single = (basis > 0).sum(axis=1) == 1
        codes[per_item.mixed] = np.where(single, basis.argmax(axis=1), -1)
        for i, c in zip(*np.nonzero(~single & has[per_item.mixed]), strict=True):
            shares = _shares(per_item.mixed_values[i, :, c], per_item.mixed_known[i, :, c])
            key = tuple(sorted(shares.items()))
            if key not in found:
                found[key] = len(mixed)
                mixed.append(shares)
            codes[per_item.mixed[i], c] = len(QUALITIES) + found[key]
    codes[~has] = -1
    return codes, mixed


# --------------------------------------------------------------------------- sections


def _project(assessed: Assessment) -> Project:
    project = assessed.dossier.model.project
    return Project(
        name=project.name,
        beneficiary=Beneficiary(project.beneficiary.name, project.beneficiary.type),
        country=project.country,
        start_year=project.start_year,
        duration_years=project.duration_years,
        horizon_years=project.horizon_years,
        users_per_year=tuple(float(u) for u in project.users_per_year),
        institutions=project.institutions,
        description=project.description,
    )


def _dataset(assessed: Assessment) -> Dataset:
    factors = assessed.factors
    return Dataset(
        name=factors.name,
        version=factors.version,
        date=str(factors.date),
        user_files=tuple(factors.user_files),
        overrides=tuple(
            Override(o.factor_id, o.column, _scalar(o.reference), _scalar(o.value), o.file)
            for o in factors.overrides
        ),
    )


def _scalar(value: Any) -> float | str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | np.number):
        number = float(value)
        return number if math.isfinite(number) else None
    return str(value)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _electricity(assessed: Assessment) -> tuple[Electricity, ...]:
    grid = assessed.grid
    records = []
    for country, row in grid.iterrows():
        per_kwh = {
            criterion: Figure(
                _number(row.get(f"{criterion}_per_kwh")), f"{CRITERION_UNITS[criterion]}/kWh"
            )
            for criterion in CRITERIA
        }
        factor_id = row.get("factor_id")
        records.append(
            Electricity(
                country=str(country),
                factor_id=str(factor_id) if isinstance(factor_id, str) else None,
                per_kwh=per_kwh,
                source=str(row["source"]),
                year=str(row["year"]),
                origin=str(row["origin"]),
            )
        )
    return tuple(records)


def _factors_used(assessed: Assessment) -> tuple[FactorUsed, ...]:
    """The factor rows the figures used: the items', the default PUE rows applied, the grids'."""
    import pandas as pd

    from ecodigital.factors.database import IMPACT_COLUMNS, PARAMETER_COLUMNS

    components = assessed.result.components
    # the distinct ids first (a few), then sorted: one pass over the components in C
    ids = sorted({str(i) for i in pd.unique(components["factor_id"].to_numpy(dtype=object))})
    if "pue_from_factor" in components.columns:
        pue_rows = pd.unique(components["pue_from_factor"].to_numpy(dtype=object))
        ids += sorted({str(i) for i in pue_rows if isinstance(i, str)} - set(ids))
    if "factor_id" in assessed.grid.columns:
        ids += [i for i in assessed.grid["factor_id"] if isinstance(i, str) and i not in ids]
    frame = assessed.factors.frame
    impact_columns = [c for c in IMPACT_COLUMNS if c in frame.columns]
    out = []
    for factor_id in ids:
        row = frame.loc[factor_id]
        values = {c: v for c in impact_columns if (v := _number(row[c])) is not None}
        out.append(
            FactorUsed(
                id=factor_id,
                kind=str(row["kind"]),
                label=str(row["label"]),
                basis=str(row["basis"]),
                source=str(row["source"]),
                source_title=_text(row.get("source_title")),
                source_url=_text(row.get("source_url")),
                source_year=str(row["source_year"]),
                licence=str(row["licence"]),
                origin=str(row["origin"]),
                values=values,
                **{name: _number(row[name]) for name in PARAMETER_COLUMNS if name in row.index},
            )
        )
    return tuple(out)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    return text or None


def _measurements(assessed: Assessment) -> tuple[MeasurementResult, ...]:
    out = []
    per_year = "kWh/year"
    for record in assessed.measurements:
        quality = str(record["quality"])
        modelled_quality = str(record["modelled_quality"])

        def fig(value: Any, unit: str, of: str) -> Figure:
            number = _number(value)
            return Figure(number, unit, quality={of: 1.0} if number is not None else {})

        out.append(
            MeasurementResult(
                item=str(record["item"]),
                per=str(record["per"]),
                files=tuple(str(f) for f in record.get("files") or ()),
                runs=int(record["runs"]),
                duration_h=float(record["duration_h"]),
                energy_kwh=float(record["energy_kwh"]),
                emissions_kgco2e=_number(record["emissions_kgco2e"]),
                energy_kwh_per_unit=float(record["energy_kwh_per_unit"]),
                units_per_year=float(record["units_per_year"]),
                pue_included=bool(record["pue_included"]),
                quality=quality,
                cpu_methods=tuple(record.get("cpu_methods") or ()),
                countries=tuple(record.get("countries") or ()),
                location=str(record["location"]),
                grid_gwp_kgco2e_per_kwh=float(record["grid_gwp_kgco2e_per_kwh"]),
                allocation_x_pue=_number(record.get("allocation_x_pue")),
                use_energy=fig(record["use_energy_kwh_per_year"], per_year, quality),
                modelled_energy=fig(
                    record.get("modelled_energy_kwh_per_year"), per_year, modelled_quality
                ),
                measured_to_modelled=_number(record.get("measured_to_modelled")),
                use_gwp=fig(record["gwp_kgco2e_per_year"], "kgCO2e/year", quality),
                modelled_gwp=fig(
                    record.get("modelled_gwp_kgco2e_per_year"), "kgCO2e/year", modelled_quality
                ),
                codecarbon_gwp=fig(
                    record.get("codecarbon_gwp_kgco2e_per_year"), "kgCO2e/year", quality
                ),
                codecarbon_intensity_kgco2e_per_kwh=_number(
                    record.get("codecarbon_intensity_kgco2e_per_kwh")
                ),
            )
        )
    return tuple(out)


def _uncertainty(propagation: Propagation) -> Uncertainty:
    kinds = ("factor", "grid", "default", "range")
    return Uncertainty(
        draws=propagation.draws,
        seed=propagation.seed,
        correlation="independent draws per item and factor row"
        if propagation.independent
        else "one draw per factor row, country grid and default parameter, shared by every "
        "item using it; one draw per item for dossier ranges",
        inputs={kind: sum(i.kind == kind for i in propagation.inputs) for kind in kinds},
    )


def typed_drivers(ranked: dict[str, Any]) -> Drivers:
    """The engine's ranking of drivers as typed data."""
    return Drivers(
        criterion=str(ranked["criterion"]),
        unit=str(ranked["unit"]),
        draws=int(ranked["draws"]),
        deterministic=_number(ranked.get("deterministic")),
        unranked_item_inputs=int(ranked.get("unranked_item_inputs") or 0),
        inputs=tuple(
            Driver(
                key=str(i["key"]),
                kind=str(i["kind"]),
                label=str(i["label"]),
                distribution=str(i["distribution"]),
                low=float(i["low"]),
                high=float(i["high"]),
                mode=_number(i.get("mode")),
                baseline=float(i["baseline"]),
                items=int(i["items"]),
                share=float(i["share"]),
                spearman=float(i["spearman"]),
                input_p5=float(i["input_p5"]),
                input_p95=float(i["input_p95"]),
                output_at_p5=float(i["output_at_p5"]),
                output_at_p95=float(i["output_at_p95"]),
            )
            for i in ranked["inputs"]
        ),
    )


def _financing(report: FinanceReport | None, model: Dossier) -> Financing | None:
    if report is None:
        return None
    budget = model.budget
    resources = budget.resources if budget is not None else []
    return Financing(
        passed=report.passed,
        report=report,
        resources=tuple(ResourceLine(r.source, r.label, r.amount) for r in resources),
    )


def _rgesn(rgesn: RgesnAssessment | None) -> Rgesn | None:
    if rgesn is None or not rgesn.answers:
        return None
    from ecodigital.rgesn.criteria import REFERENCE
    from ecodigital.rgesn.score import score_answers

    result = score_answers(rgesn.answers)
    counts = dict(result.overall.counts)
    answered = counts.get("conforme", 0) + counts.get("non_conforme", 0)
    applicable = result.overall.total - counts.get("non_applicable", 0)
    return Rgesn(
        reference=REFERENCE,
        score=result.score,
        answered=answered,
        applicable=applicable,
        coverage=answered / applicable if applicable else None,
        counts=counts,
        families={
            family.family: RgesnFamily(family.score, dict(family.counts))
            for family in result.families
        },
        previous_score=rgesn.previous_score,
        target_score=rgesn.target_score,
    )


# --------------------------------------------------------------------------- the tree


def build_results(
    assessed: Assessment,
    *,
    propagation: Propagation | None = None,
    drivers: dict[str, Any] | None = None,
    scenarios: Scenarios | None = None,
    finance: FinanceReport | None = None,
    standalone: Callable[[], dict[str, Any]] | None = None,
    files: Sequence[str] = (),
) -> Results:
    """Every figure of the assessment, its ranges when ``propagation`` is given."""
    model = assessed.dossier.model
    project = _project(assessed)
    horizon = project.horizon_years
    years = project.years
    users = project.users_per_year
    user_years = float(sum(users))
    sums = _Sums(assessed.result.arrays, propagation)

    totals = {c: sums.figure(i) for i, c in enumerate(CRITERIA)}
    total_of = {c: totals[c].value for c in CRITERIA}

    def by(
        axis: str, keys: Sequence[Any], fixed: dict[str, int] | None = None
    ) -> dict[str, dict[str, Figure]]:
        out: dict[str, dict[str, Figure]] = {}
        for position, key in enumerate(keys):
            picks: dict[str, int] = {**(fixed or {}), axis: position}
            figures = {
                c: sums.figure(
                    i,
                    tier=picks.get("tier"),
                    phase=picks.get("phase"),
                    year=picks.get("year"),
                    total=total_of[c],
                )
                for i, c in enumerate(CRITERIA)
            }
            if any(f.value is not None or f.unknown for f in figures.values()):
                out[str(key)] = figures
        return out

    by_tier = by("tier", TIERS)
    by_phase = by("phase", PHASES)
    by_year = by("year", years)
    by_tier_phase = {tier: by("phase", PHASES, {"tier": TIERS.index(tier)}) for tier in by_tier}
    by_year_tier = {str(year): by("tier", TIERS, {"year": y}) for y, year in enumerate(years)}
    per_unit = {
        c: sums.figure(i, divisor=user_years, unit=f"{CRITERION_UNITS[c]}/{PER_USER_YEAR}")
        for i, c in enumerate(CRITERIA)
    }
    per_year = {
        c: sums.figure(i, divisor=float(horizon), unit=f"{CRITERION_UNITS[c]}/year")
        for i, c in enumerate(CRITERIA)
    }

    sci_years = {}
    for y, year in enumerate(years):
        sci_years[str(year)] = SciYear(
            users=users[y],
            operational=sums.figure(_GWP, year=y, phase=_USE),
            embodied=sums.figure(_GWP, year=y, phase=_EMBODIED),
            value=sums.figure(_GWP, year=y, divisor=users[y], unit="kgCO2e/user"),
        )
    sci = Sci(
        value=sums.figure(_GWP, divisor=user_years, unit=f"kgCO2e/{PER_USER_YEAR}"),
        operational=sums.figure(_GWP, phase=_USE),
        embodied=sums.figure(_GWP, phase=_EMBODIED),
        by_year=sci_years,
    )
    target = users[-1] if users else 0.0
    indicators = Indicators(
        rco14_institutions=project.institutions,
        rcr11_users=target,
        rcr11_year=years[-1],
        gwp_per_rcr11_user=sums.figure(_GWP, divisor=target, unit="kgCO2e/user"),
    )
    warnings = list(assessed.warnings)
    if propagation is not None:
        warnings += propagation.warnings
    if scenarios is not None:
        scenarios = _baseline_is_totals(scenarios, totals)
    return Results(
        format=RESULTS_FORMAT,
        tool=Tool("ecodigital", __version__),
        project=project,
        factors_dataset=_dataset(assessed),
        totals=totals,
        per_year=per_year,
        per_user_year=per_unit,
        user_years=user_years,
        by_tier=by_tier,
        by_phase=by_phase,
        by_year=by_year,
        by_tier_phase=by_tier_phase,
        by_year_tier=by_year_tier,
        items=_item_table(assessed, totals, propagation),
        sci=sci,
        indicators=indicators,
        electricity=_electricity(assessed),
        factors_used=_factors_used(assessed),
        measurements=_measurements(assessed),
        warnings=tuple(warnings),
        uncertainty=_uncertainty(propagation) if propagation is not None else None,
        drivers=typed_drivers(drivers) if drivers is not None else None,
        scenarios=scenarios,
        finance=_financing(finance, model),
        rgesn=_rgesn(model.rgesn),
        mutualisation=mutualise(model, totals),
        inputs=Inputs(
            path=str(assessed.dossier.path),
            dossier=model,
            make_standalone=standalone if standalone is not None else dict,
            files=tuple(files),
            table=LongTable(assessed.result.arrays),
        ),
    )


def _baseline_is_totals(scenarios: Scenarios, totals: dict[str, Figure]) -> Scenarios:
    """The scenarios' baseline is the results' totals: one figure, with its quality.

    The variants computed the same sums on the same draws; taking the totals
    themselves gives the baseline the quality shares and unknown counts the
    variants' comparison does not carry.
    """
    from dataclasses import replace

    for criterion, figure in scenarios.baseline.items():
        # the same sums on the same draws, to the last bits of summation order
        if _numbers(figure) != _where_close(figure, totals[criterion]):
            raise AssertionError(f"scenario baseline of {criterion} is not the total")
    return replace(
        scenarios,
        baseline=dict(totals),
        scenarios=tuple(_with_baseline(v, totals) for v in scenarios.scenarios),
        levers=tuple(_with_baseline(v, totals) for v in scenarios.levers),
    )


def _with_baseline(variant: Variant, totals: dict[str, Figure]) -> Variant:
    from dataclasses import replace

    return replace(
        variant,
        criteria={c: replace(gap, baseline=totals[c]) for c, gap in variant.criteria.items()},
    )


def _numbers(figure: Figure) -> tuple[float | None, ...]:
    r = figure.range
    return (figure.value, *((r.p5, r.p50, r.p95, r.mean) if r is not None else (None,) * 4))


def _where_close(figure: Figure, total: Figure) -> tuple[float | None, ...]:
    """``figure``'s numbers where ``total``'s are the same to 1e-12, else ``total``'s."""
    import math

    out: list[float | None] = []
    for mine, theirs in zip(_numbers(figure), _numbers(total), strict=True):
        close = (
            mine is not None and theirs is not None and math.isclose(mine, theirs, rel_tol=1e-12)
        )
        out.append(mine if close else theirs)
    return tuple(out)
