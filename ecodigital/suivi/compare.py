"""Forecast against actuals, year by year: a note's figures and what really happened.

For each reported calendar year ``Y`` (horizon year ``h = Y - start_year + 1``):

- the *forecast* of a criterion is the note's ``by_year[Y]`` figure: its point
  value and its Monte Carlo P5–P95;
- the *actual* is the same dossier re-assessed (point values, no draws) with
  every actual of the year applied: the year's users in ``users_per_year[h]``,
  each inventory item's quantity plus the items bought minus those retired in
  the reported years up to ``Y``, and the year's CodeCarbon measurements in
  place of the note's;
- the *gap* is actual − forecast point value, in the criterion's unit;
- the *drift* flag is set when the actual lies outside [P5, P95]; it is
  unknown (``None``) when the note has no interval or the actual is unknown;
- each gap is *explained* by re-assessing with one kind of actual at a time
  (``devices``, ``users``, ``measured_energy``): the change each one alone makes
  (the parts need not add up to the gap when they interact);
- the per-user-year intensity is the year's GWP divided by the year's users
  (kgCO2e/user-year), forecast (with its interval divided by the forecast
  users) against actual.

RCO 14 to date is the sum of the institutions newly supported in the reported
years; RCR 11 to date is the users counted in the latest reported year, and
the user-years summed over the reported years. A year that leaves a figure out
leaves it unknown, never zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.assessment.results import Figure, Range
from ecodigital.errors import InputError
from ecodigital.i18n import Msg

if TYPE_CHECKING:
    from ecodigital.assessment.results import Results
    from ecodigital.factors.database import FactorTable
    from ecodigital.suivi.load import LoadedActuals
    from ecodigital.suivi.model import Year

__all__ = [
    "CAUSES",
    "Comparison",
    "Explanation",
    "FollowUp",
    "YearFollowUp",
    "compare_actuals",
    "note_factors",
    "standalone_actuals",
]

#: What a gap can come from, each re-assessed alone.
CAUSES: Final = ("devices", "users", "measured_energy")


@dataclass(frozen=True)
class Explanation:
    """The change one kind of actual alone makes to a figure (same unit)."""

    cause: str
    change: Figure


@dataclass(frozen=True)
class Comparison:
    """One figure of one year: forecast (with P5–P95), actual, gap and drift."""

    forecast: Figure
    actual: Figure
    gap: Figure
    drift: bool | None
    explained: tuple[Explanation, ...] = ()


@dataclass(frozen=True)
class YearFollowUp:
    """What one reported year holds, against the forecast."""

    year: int
    horizon_year: int
    users_forecast: float
    users_actual: float | None
    users_method: str | None
    institutions: int | None
    criteria: dict[str, Comparison]
    intensity: Comparison
    measured_energy_kwh: float | None
    traffic_gb: float | None
    expenses_eur: Decimal | None


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of a note: each reported year, and the indicators to date."""

    project: str
    forecast_digest: str
    years: tuple[YearFollowUp, ...]
    rco14_forecast: int | None
    rco14_to_date: int | None
    rcr11_forecast: float
    rcr11_year: int | None
    rcr11_to_date: float | None
    user_years_to_date: float | None
    #: Flags of every year and figure that drifted, as ``YEAR:figure``.
    drifts: tuple[str, ...]


def _gap(actual: Figure, forecast: Figure) -> Figure:
    if actual.value is None or forecast.value is None:
        return Figure(None, actual.unit, complete=False)
    return Figure(
        actual.value - forecast.value,
        actual.unit,
        complete=actual.complete and forecast.complete,
        unknown=actual.unknown,
    )


def _drift(actual: Figure, forecast: Figure) -> bool | None:
    if actual.value is None or forecast.range is None:
        return None
    return not forecast.range.p5 <= actual.value <= forecast.range.p95


def _comparison(
    forecast: Figure, actual: Figure, explained: tuple[Explanation, ...] = ()
) -> Comparison:
    return Comparison(forecast, actual, _gap(actual, forecast), _drift(actual, forecast), explained)


def _per_user(figure: Figure, users: float | None, unit: str) -> Figure:
    if figure.value is None or not users:
        return Figure(None, unit, complete=False)
    rng = figure.range
    scaled = (
        Range(rng.p5 / users, rng.p50 / users, rng.p95 / users, rng.mean / users)
        if rng is not None
        else None
    )
    return Figure(figure.value / users, unit, figure.complete, figure.unknown, range=scaled)


# --------------------------------------------------------------------------- applying actuals


def _shift(quantity: Any, delta: float) -> Any:
    if isinstance(quantity, Mapping):
        return {
            key: (value + delta if key in {"low", "high", "mode"} and value is not None else value)
            for key, value in quantity.items()
        }
    return float(quantity if quantity is not None else 1) + delta


def _smallest(quantity: Any) -> float:
    if isinstance(quantity, Mapping):
        return float(quantity.get("low", 0))
    return float(quantity)


def _with_devices(dossier: dict[str, Any], actuals: LoadedActuals, year: int) -> dict[str, Any]:
    inventory = dossier.get("inventory")
    if not isinstance(inventory, list):  # pragma: no cover - a payload's dossier is inline
        return dossier
    ids = [str(item.get("id")) for item in inventory]
    deltas: dict[str, float] = {}
    for y, reported in enumerate(actuals.model.years):
        if reported.year > year:
            continue
        for e, line in enumerate(reported.equipment):
            field_name = f"years[{y}].equipment[{e}].item"
            if line.item not in ids:
                from ecodigital.yamlio import suggest

                raise InputError(
                    str(actuals.path),
                    field_name,
                    Msg(
                        "suivi.input.unknown_item",
                        {"value": line.item, "suggestion": suggest(line.item, ids)},
                    ),
                    Msg("suivi.input.unknown_item_fix"),
                )
            item = inventory[ids.index(line.item)]
            if line.kind is not None and line.kind != item.get("kind"):
                raise InputError(
                    str(actuals.path),
                    f"years[{y}].equipment[{e}].kind",
                    Msg(
                        "suivi.input.other_kind",
                        {"value": line.kind, "item": line.item, "kind": str(item.get("kind"))},
                    ),
                    Msg("suivi.input.other_kind_fix", {"kind": str(item.get("kind"))}),
                )
            if item.get("quantity_per_user") is not None:
                raise InputError(
                    str(actuals.path),
                    field_name,
                    Msg("suivi.input.per_user_item", {"value": line.item}),
                    Msg("suivi.input.per_user_item_fix"),
                )
            deltas[line.item] = deltas.get(line.item, 0.0) + line.bought - line.retired
    items = []
    for item in inventory:
        delta = deltas.get(str(item.get("id")), 0.0)
        if delta:
            item = {**item, "quantity": _shift(item.get("quantity", 1), delta)}
            if _smallest(item["quantity"]) <= 0:
                raise InputError(
                    str(actuals.path),
                    "equipment",
                    Msg("suivi.input.none_left", {"value": str(item.get("id")), "year": year}),
                    Msg("suivi.input.none_left_fix"),
                )
        items.append(item)
    return {**dossier, "inventory": items}


def _with_users(dossier: dict[str, Any], reported: Year, horizon_year: int) -> dict[str, Any]:
    if reported.users is None:
        return dossier
    project = dict(dossier["project"])
    users = list(project["users_per_year"])
    users[horizon_year - 1] = reported.users.count
    project["users_per_year"] = users
    return {**dossier, "project": project}


def _with_measurements(dossier: dict[str, Any], reported: Year) -> dict[str, Any]:
    """The dossier with the year's measurements (each by its summary) in place of the note's."""
    if not reported.measurements:
        return dossier
    given: dict[str, dict[str, Any]] = {}
    for measurement in reported.measurements:
        if measurement.summary is None:
            raise ValueError("compare_actuals takes the actuals standalone (standalone_actuals)")
        given[measurement.item] = measurement.model_dump(mode="json", exclude_none=True)
    kept = [m for m in dossier.get("measurements") or [] if m.get("item") not in given]
    return {**dossier, "measurements": [*kept, *given.values()]}


def standalone_actuals(dossier: Mapping[str, Any], actuals: LoadedActuals) -> dict[str, Any]:
    """The actuals as a follow-up report embeds them: each measurement's files replaced by
    what they said (its ``summary``, as a note's embedded dossier keeps it), so that the
    follow-up can be recomputed from the report alone, opening no file.

    The files are read relative to the actuals file (already confined to its folder), with
    the note's dossier for the items they measure.
    """
    from ecodigital.jsonio import jsonable
    from ecodigital.measure.link import measured_items
    from ecodigital.review.readers import embedded_where
    from ecodigital.review.verify import loaded_from_payload

    document: dict[str, Any] = jsonable(actuals.model.model_dump(mode="json", exclude_none=True))
    forecast = loaded_from_payload(dossier, embedded_where(actuals.path))
    for reported, year in zip(actuals.model.years, document["years"], strict=True):
        if all(m.files is None for m in reported.measurements):
            continue
        model = forecast.model.model_copy(update={"measurements": list(reported.measurements)})
        here = dataclasses.replace(forecast, path=actuals.path, model=model, source=None)
        measured, _ = measured_items(here)
        for entry, item in zip(year["measurements"], measured, strict=True):
            if entry.pop("files", None) is None:
                continue
            entry["summary"] = jsonable(
                {
                    "energy_kwh_per_unit": item.energy_kwh_per_unit,
                    "quality": item.quality,
                    "pue_included": item.pue_included,
                    "runs": item.runs,
                    "duration_h": item.duration_h,
                    "energy_kwh": item.energy_kwh,
                    "emissions_kgco2e": item.emissions_kgco2e,
                    "cpu_methods": item.cpu_methods,
                    "countries": item.countries,
                    "files": item.files,
                    "notices": [notice.as_dict() for notice in item.notices],
                }
            )
    return document


def _assess(dossier: dict[str, Any], where: Path, factors: FactorTable) -> Results:
    from ecodigital.assessment import Options, run
    from ecodigital.review.verify import loaded_from_payload

    loaded = loaded_from_payload(dossier, where)
    options = Options(
        factors=factors, deterministic=True, drivers=False, scenarios=False, finance=False
    )
    return run(loaded, options)


# --------------------------------------------------------------------------- the comparison


def compare_actuals(
    payload: Mapping[str, Any], note: Results, actuals: LoadedActuals, factors: FactorTable
) -> FollowUp:
    """The follow-up of the note whose ``payload`` and ``note`` results are given.

    ``actuals`` are standalone (:func:`standalone_actuals`): the measurements are read from
    their summaries, so ``ecodigital suivi`` and ``ecodigital verify`` of its report run
    this same code on the same data and open no measurement file.
    """
    from ecodigital.review.readers import embedded_where

    where = embedded_where(actuals.path)
    dossier = dict(payload["dossier"])
    project = note.project
    years: list[YearFollowUp] = []
    drifts: list[str] = []
    for y, reported in enumerate(actuals.model.years):
        horizon_year = reported.year - project.start_year + 1
        if not 1 <= horizon_year <= project.horizon_years:
            last = project.start_year + project.horizon_years - 1
            raise InputError(
                str(actuals.path),
                f"years[{y}].year",
                Msg(
                    "suivi.input.outside_horizon",
                    {"year": reported.year, "first": project.start_year, "last": last},
                ),
                Msg("suivi.input.outside_horizon_fix", {"first": project.start_year, "last": last}),
            )
        key = str(reported.year)
        variants = {
            "devices": _with_devices(dossier, actuals, reported.year),
            "users": _with_users(dossier, reported, horizon_year),
            "measured_energy": _with_measurements(dossier, reported),
        }
        combined = _with_measurements(
            _with_users(variants["devices"], reported, horizon_year), reported
        )
        actual = _assess(combined, where, factors)
        alone = {
            cause: _assess(variant, where, factors)
            for cause, variant in variants.items()
            if variant is not dossier
        }
        forecast_year = note.by_year[key]
        criteria: dict[str, Comparison] = {}
        for criterion, forecast_figure in forecast_year.items():
            explained = tuple(
                Explanation(cause, _gap(results.by_year[key][criterion], forecast_figure))
                for cause, results in alone.items()
            )
            comparison = _comparison(forecast_figure, actual.by_year[key][criterion], explained)
            criteria[criterion] = comparison
            if comparison.drift:
                drifts.append(f"{key}:{criterion}")
        users_forecast = project.users_per_year[horizon_year - 1]
        users_actual = reported.users.count if reported.users is not None else None
        unit = f"{forecast_year['gwp'].unit}/user-year"
        intensity = _comparison(
            _per_user(forecast_year["gwp"], users_forecast, unit),
            _per_user(actual.by_year[key]["gwp"], users_actual, unit),
        )
        if intensity.drift:
            drifts.append(f"{key}:gwp_per_user_year")
        measured = [m.summary.energy_kwh for m in reported.measurements if m.summary is not None]
        years.append(
            YearFollowUp(
                year=reported.year,
                horizon_year=horizon_year,
                users_forecast=users_forecast,
                users_actual=users_actual,
                users_method=reported.users.method if reported.users is not None else None,
                institutions=reported.institutions,
                criteria=criteria,
                intensity=intensity,
                measured_energy_kwh=sum(measured) if measured else None,
                traffic_gb=reported.traffic.gb if reported.traffic is not None else None,
                expenses_eur=sum((e.amount_eur for e in reported.expenses), Decimal("0.00"))
                if reported.expenses
                else None,
            )
        )
    return _follow_up(payload, note, tuple(years), tuple(drifts))


def _follow_up(
    payload: Mapping[str, Any],
    note: Results,
    years: tuple[YearFollowUp, ...],
    drifts: tuple[str, ...],
) -> FollowUp:
    institutions = [y.institutions for y in years if y.institutions is not None]
    counted = [y for y in years if y.users_actual is not None]
    latest = max(counted, key=lambda y: y.year) if counted else None
    digest = payload.get("digest")
    return FollowUp(
        project=note.project.name,
        forecast_digest=str(digest.get("value")) if isinstance(digest, Mapping) else "",
        years=tuple(sorted(years, key=lambda y: y.year)),
        rco14_forecast=note.indicators.rco14_institutions,
        rco14_to_date=sum(institutions) if institutions else None,
        rcr11_forecast=note.indicators.rcr11_users,
        rcr11_year=latest.year if latest is not None else None,
        rcr11_to_date=latest.users_actual if latest is not None else None,
        user_years_to_date=sum(y.users_actual or 0.0 for y in counted) if counted else None,
        drifts=drifts,
    )


def note_factors(
    payload: Mapping[str, Any], note: Results, dataset_version: str | None = None
) -> FactorTable:
    """The factors the actual is re-assessed with, as the forecast was: the reference dataset
    (``dataset_version`` when given, else the one the note declares when this ecodigital still
    ships it, else the current one) with the factor values the note declares changed or added.
    """
    from ecodigital.assessment.declared import declared_factors
    from ecodigital.factors.database import load_reference_factors, reference_versions

    declared = payload.get("factors_dataset")
    version = str(declared.get("version")) if isinstance(declared, Mapping) else None
    if dataset_version is None and version in reference_versions():
        dataset_version = version
    return declared_factors(note, load_reference_factors(dataset_version))[0]
