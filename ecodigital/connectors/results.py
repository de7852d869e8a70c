"""The figures the exports read: one adapter over the assessment's JSON result.

Exports that carry computed figures (PCR-SI, Impact Framework, NumEcoEval's
annual electricity) never compute them: they read the result of
``ecodigital assess DOSSIER --format json --rows`` (``ecodigital-assessment/3``),
the very data a note embeds as its payload's ``results``. This module is the
one place that knows the shape of that JSON.

Two sources give the same :class:`ResultFigures`:

- a dossier, assessed now through :mod:`ecodigital.assessment`;
- a note (PDF, HTML, ODT, Markdown + JSON), whose payload is read with the
  limits of :func:`ecodigital.review.readers.read_note_payload` (a submitted
  note is untrusted input).

Figures are in the result's units (kgCO2e, kgSbeq, MJ, m3); unknown is
``None``, never zero, and a sum over figures with an unknown one is marked
incomplete.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

if TYPE_CHECKING:
    from ecodigital.dossier.load import LoadedDossier

__all__ = [
    "Figure",
    "ItemInputs",
    "ResultFigures",
    "ResultRow",
    "load_results",
    "results_from_payload",
]


@dataclass(frozen=True)
class Figure:
    """A summed figure: its value (``None`` when nothing is known), unit, completeness."""

    value: float | None
    unit: str
    complete: bool


@dataclass(frozen=True)
class ResultRow:
    """One row of the result's long table (one item, phase, criterion and year)."""

    item: str
    kind: str
    tier: str
    phase: str
    criterion: str
    year: int
    value: float | None
    unit: str
    quality: str


@dataclass(frozen=True)
class ItemInputs:
    """An item as the engine read it: central values, defaults not yet applied (``None``)."""

    id: str
    kind: str
    tier: str
    location: str
    factor_id: str
    basis: str
    values: Mapping[str, Any]
    first_year: int
    last_year: int

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        return None if value is None else float(value)


@dataclass(frozen=True)
class ResultFigures:
    """What an export needs of one assessment (a dossier's, or a note's)."""

    source: str
    project: Mapping[str, Any]
    tool_version: str
    factors_dataset: Mapping[str, Any]
    totals: Mapping[str, Figure]
    sci: Figure
    user_years: float
    rows: tuple[ResultRow, ...]
    #: Grid factor per country and criterion, per kWh (``None`` where unknown).
    grid: Mapping[str, Mapping[str, float | None]]
    items: tuple[ItemInputs, ...]
    factors_used: Mapping[str, Mapping[str, Any]]
    quality_shares: Mapping[str, Mapping[str, float]]
    warnings: tuple[Mapping[str, Any], ...] = field(default=())
    #: For a note: whether its SHA-256 digest matches its data (``None`` for a dossier).
    digest_ok: bool | None = None

    @property
    def horizon_years(self) -> int:
        return int(self.project["horizon_years"])

    @property
    def start_year(self) -> int:
        return int(self.project["start_year"])

    def item(self, item_id: str) -> ItemInputs:
        return next(item for item in self.items if item.id == item_id)

    def sum(self, **where: Any) -> Figure:
        """The sum of the rows matching ``where`` (``phase=("use",)`` matches any of a tuple)."""
        selected = [row for row in self.rows if _matches(row, where)]
        unit = selected[0].unit if selected else ""
        known = [row.value for row in selected if row.value is not None]
        value = math.fsum(known) if known else None
        return Figure(value, unit, len(known) == len(selected))

    def gwp_per_year(self, item_id: str, phases: Iterable[str]) -> list[float | None]:
        """The item's gwp per horizon year over ``phases`` (0 in years it is not active)."""
        wanted = tuple(phases)
        values: list[float | None] = []
        for year in range(1, self.horizon_years + 1):
            figure = self.sum(item=item_id, criterion="gwp", phase=wanted, year=year)
            values.append(figure.value if figure.value is not None else None)
        return values

    def unknown_phases(self, item_id: str, criterion: str = "gwp") -> list[str]:
        """Phases whose figure the sources do not give for this item (never counted as zero)."""
        phases: dict[str, None] = {}
        for row in self.rows:
            if row.item == item_id and row.criterion == criterion and row.value is None:
                phases[row.phase] = None
        return list(phases)

    def energy_kwh_per_year(self, item_id: str) -> list[float]:
        """Use-phase electricity of an electricity-based item per horizon year, kWh.

        Read back from the result, not modelled again: the use-phase gwp of
        the item divided by the grid factor of its location (both from the
        result), which is how the engine obtained it (energy x grid factor).
        """
        item = self.item(item_id)
        intensity = self.grid.get(item.location, {}).get("gwp")
        if not intensity:
            raise ValueError(f"no gwp grid factor for {item.location!r} in the result")
        use = self.gwp_per_year(item_id, ("use",))
        return [0.0 if value is None else value / intensity for value in use]


def _matches(row: ResultRow, where: Mapping[str, Any]) -> bool:
    for key, wanted in where.items():
        value = getattr(row, key)
        if isinstance(wanted, tuple):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


# --------------------------------------------------------------------------- sources


def load_results(path: str | Path, factors_path: str | Path | None = None) -> ResultFigures:
    """The figures of a dossier (assessed now) or of a note (read from its payload)."""
    path = Path(path)
    from ecodigital.review.readers import DOSSIER_SUFFIXES, read_note_payload

    if path.suffix.lower() not in DOSSIER_SUFFIXES:
        if factors_path is not None:
            raise InputError(
                None,
                "--factors",
                Msg("connectors.input.note_factors"),
                Msg("connectors.input.note_factors_fix"),
            )
        _, payload = read_note_payload(path)
        return results_from_payload(payload, str(path))
    from ecodigital.assessment import Options, run
    from ecodigital.dossier.load import load_dossier

    loaded = load_dossier(path)
    options = Options(
        factors_path=Path(factors_path) if factors_path is not None else None,
        deterministic=True,
        scenarios=False,
        finance=False,
    )
    data = run(loaded, options).to_json(rows=True)
    return _figures(data, loaded, str(path))


def results_from_payload(payload: Mapping[str, Any], source: str) -> ResultFigures:
    """The figures of a note's payload (its ``results`` and its embedded dossier)."""
    from ecodigital.review.readers import embedded_where
    from ecodigital.review.verify import loaded_from_payload

    results = payload.get("results")
    dossier = payload.get("dossier")
    if not isinstance(results, Mapping) or not isinstance(dossier, Mapping):
        raise InputError(
            source, "payload", Msg("connectors.input.no_payload"), Msg("connectors.input.note_fix")
        )
    if not isinstance(results.get("rows"), list):
        raise InputError(
            source,
            "payload.results.rows",
            Msg("connectors.input.no_rows"),
            Msg("connectors.input.no_rows_fix"),
        )
    from dataclasses import replace

    from ecodigital.report.payload import verify_digest

    loaded = loaded_from_payload(dossier, embedded_where(source))
    return replace(_figures(results, loaded, source), digest_ok=verify_digest(payload))


def _figures(data: Mapping[str, Any], loaded: LoadedDossier, source: str) -> ResultFigures:
    try:
        return _read(data, loaded, source)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            source,
            "results",
            Msg("connectors.input.bad_shape", {"reason": f"{type(exc).__name__}: {exc}"}),
            Msg("connectors.input.bad_shape_fix"),
        ) from None


def _read(data: Mapping[str, Any], loaded: LoadedDossier, source: str) -> ResultFigures:
    totals = {
        str(criterion): Figure(
            _number(figure["value"]), str(figure["unit"]), bool(figure["complete"])
        )
        for criterion, figure in data["totals"].items()
    }
    sci = data["sci"]["value"]
    user_years = data["user_years"]
    rows = tuple(
        ResultRow(
            item=str(r["item"]),
            kind=str(r["kind"]),
            tier=str(r["tier"]),
            phase=str(r["phase"]),
            criterion=str(r["criterion"]),
            year=int(r["year"]),
            value=_number(r["value"]),
            unit=str(r["unit"]),
            quality=str(r["quality"]),
        )
        for r in data["rows"]
    )
    grid: dict[str, dict[str, float | None]] = {}
    for record in data["electricity"]:
        grid[str(record["country"])] = {
            str(criterion): _number(figure["value"])
            for criterion, figure in record["per_kwh"].items()
        }
    factors_used = {str(r["id"]): r for r in data["factors_used"]}
    return ResultFigures(
        source=source,
        project=dict(data["project"]),
        tool_version=str(data["tool"]["version"]),
        factors_dataset=dict(data["factors_dataset"]),
        totals=totals,
        sci=Figure(_number(sci["value"]), str(sci["unit"]), bool(sci["complete"])),
        user_years=float(user_years),
        rows=rows,
        grid=grid,
        items=_items(loaded, factors_used),
        factors_used=factors_used,
        quality_shares={str(c): dict(f["quality"]) for c, f in data["totals"].items()},
        warnings=tuple(data.get("warnings") or ()),
    )


def _items(
    loaded: LoadedDossier, factors_used: Mapping[str, Mapping[str, Any]]
) -> tuple[ItemInputs, ...]:
    from ecodigital.engine.compute import default_factor_ids
    from ecodigital.vocabulary import TIER_BY_KIND

    items = loaded.items
    factor_ids = default_factor_ids(items)
    horizon = loaded.horizon_years
    result = []
    for position, record in enumerate(items.to_dict(orient="records")):
        values = {str(key): _clean(value) for key, value in record.items()}
        kind = str(values["kind"])
        factor_id = str(factor_ids.iat[position])
        basis = str((factors_used.get(factor_id) or {}).get("basis", ""))
        tier = str(values.get("tier") or TIER_BY_KIND.get(kind, ""))
        result.append(
            ItemInputs(
                id=str(values["id"]),
                kind=kind,
                tier=tier,
                location=str(values["location"]),
                factor_id=factor_id,
                basis=basis,
                values=values,
                first_year=int(values.get("first_year") or 1),
                last_year=int(values.get("last_year") or horizon),
            )
        )
    return tuple(result)


def _clean(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number
