"""Assess a dossier: load it, choose its factors and grid, run the engine.

This is the layer between files and the pure engine: it checks the factor ids a
dossier names (with the dossier's file and field in the error), builds the
electricity table of the locations used, and gathers every warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.dossier.load import LoadedDossier
    from ecodigital.engine.compute import EngineResult
    from ecodigital.factors.database import FactorTable
    from ecodigital.measure.link import MeasuredItem
    from ecodigital.notices import Notice

__all__ = [
    "Assessment",
    "assess_dossier",
    "assess_loaded",
    "check_factor_ids",
    "standalone_dossier",
]


@dataclass
class Assessment:
    """A dossier, the factors it was assessed with, and the engine's result."""

    dossier: LoadedDossier
    factors: FactorTable
    result: EngineResult
    grid: pd.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    #: Measured and modelled use phase of each measured item (see ``reconcile``).
    measurements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> pd.DataFrame:
        return self.result.rows

    @property
    def users_per_year(self) -> list[float]:
        return list(self.dossier.model.project.users_per_year)


def assess_dossier(path: str | Path, factors_path: str | Path | None = None) -> Assessment:
    """Load the dossier at ``path`` and assess it."""
    from ecodigital.dossier.load import load_dossier
    from ecodigital.factors.database import load_factors

    loaded = load_dossier(path)
    factors = load_factors(factors_path)
    return assess_loaded(loaded, factors)


def assess_loaded(loaded: LoadedDossier, factors: FactorTable) -> Assessment:
    """Assess an already loaded dossier with ``factors``."""
    from ecodigital.engine.compute import compute_impacts
    from ecodigital.notices import Notice

    check_factor_ids(loaded, factors)
    measured, measure_warnings = _read_measurements(loaded, factors)
    from ecodigital.factors.grid import build_grid
    from ecodigital.measure.reconcile import reconcile

    grid, grid_warnings = build_grid(sorted(set(loaded.items["location"])), factors)
    override = None
    if measured:
        from ecodigital.measure.link import override_frame

        override = override_frame(measured)
    result = compute_impacts(
        loaded.items,
        factors.frame,
        grid,
        horizon_years=loaded.horizon_years,
        use_energy_override=override,
        users_per_year=loaded.model.project.users_per_year,
    )
    records, reconcile_warnings = reconcile(measured, result.components, grid)
    warnings = [*result.warnings, *grid_warnings, *measure_warnings, *reconcile_warnings]
    if factors.overrides:
        ids = sorted({o.factor_id for o in factors.overrides})
        warnings.append(
            Notice(
                code="FACTOR_OVERRIDDEN",
                message=f"{len(factors.overrides)} reference factor value(s) replaced "
                "by a user file",
                items=(),
                params={"factors": ids, "files": factors.user_files},
            )
        )
    return Assessment(loaded, factors, result, grid, warnings, records)


def _read_measurements(
    loaded: LoadedDossier, factors: FactorTable
) -> tuple[list[MeasuredItem], list[Notice]]:
    """Read the dossier's measurement files, refusing items whose use is not electricity."""
    if not loaded.model.measurements:
        return [], []
    from ecodigital.engine.compute import default_factor_ids
    from ecodigital.measure.link import measured_items

    chosen = default_factor_ids(loaded.items, factors.frame.index)
    bases = factors.frame["basis"].reindex(chosen.to_numpy())
    basis_by_id = dict(zip(loaded.items["id"].astype(str), bases, strict=True))
    for index, measurement in enumerate(loaded.model.measurements):
        basis = basis_by_id.get(measurement.item)
        if basis in ("gb", "year"):
            raise InputError(
                str(loaded.path),
                f"measurements[{index}].item",
                f'"{measurement.item}" is priced per {basis} (its factor includes its use): '
                "measured electricity cannot replace it",
                "measure a server, cloud instance, storage or terminal item",
            )
    return measured_items(loaded)


def check_factor_ids(loaded: LoadedDossier, factors: FactorTable) -> None:
    from ecodigital.engine.compute import (
        CLOUD_MEMORY_FACTOR,
        DEFAULT_PUE_FACTOR,
        default_factor_ids,
        required_bases,
    )

    items = loaded.items
    chosen = default_factor_ids(items, factors.frame.index)
    known = chosen.isin(factors.frame.index)
    for position in (~known).to_numpy().nonzero()[0].tolist():
        factor_id = chosen.iat[position]
        named = items["factor"].iat[position] is not None
        raise InputError(
            *_item_where(loaded, position, "factor"),
            f'"{factor_id}" is not a known factor id'
            + ("" if named else f" (the default for kind {items['kind'].iat[position]})")
            + _suggest(str(factor_id), factors.ids()),
            'run "ecodigital factors list", or add the row with --factors',
        )
    bases = factors.frame["basis"].reindex(chosen.to_numpy()).to_numpy()
    for position, (kind, basis) in enumerate(zip(items["kind"], bases, strict=True)):
        if basis not in required_bases(kind):
            raise InputError(
                *_item_where(loaded, position, "factor"),
                f'factor "{chosen.iat[position]}" is counted per {basis}, which does not fit '
                f"an item of kind {kind} (needs {' or '.join(required_bases(kind))})",
                "choose a factor of the right kind",
            )
    for needed, kind in ((CLOUD_MEMORY_FACTOR, "cloud_instance"), (DEFAULT_PUE_FACTOR, None)):
        if (kind is None or (items["kind"] == kind).any()) and needed not in factors.frame.index:
            raise InputError(
                ", ".join(factors.user_files) or "emission_factors",
                f"id {needed!r}",
                "the factor table has no such row, which the method needs",
                "restore the row",
            )


def _item_where(loaded: LoadedDossier, position: int, field_name: str) -> tuple[str, str]:
    if loaded.inventory_path is not None:
        return str(loaded.inventory_path), f"row {position + 2}, column {field_name!r}"
    return str(loaded.path), f"inventory[{position}].{field_name}"


def _suggest(value: str, choices: list[str]) -> str:
    import difflib

    matches = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f' (did you mean "{matches[0]}"?)' if matches else ""


#: What a measurement's summary keeps of its files (see dossier.model.MeasurementSummary).
_SUMMARY_KEYS = (
    "energy_kwh_per_unit", "quality", "pue_included", "runs", "duration_h", "energy_kwh",
    "emissions_kgco2e", "cpu_methods", "countries",
)  # fmt: skip


def standalone_dossier(assessed: Assessment) -> dict[str, Any]:
    """The dossier as written, standing alone: a CSV inventory inlined and each
    measurement's files replaced by what they said, so that it can be assessed
    again with no other file (a note embeds it)."""
    from ecodigital.jsonio import jsonable

    loaded = assessed.dossier
    dossier: dict[str, Any] = jsonable(loaded.raw)
    if loaded.inventory_path is not None:
        import json

        # pandas writes the records in C (NaN as null): fast for a large inventory
        records = json.loads(loaded.items.to_json(orient="records", double_precision=15))
        inventory = [
            {key: value for key, value in record.items() if value is not None} for record in records
        ]
        ranges = loaded.ranges
        for row in [] if ranges is None else ranges.to_dict(orient="records"):
            # a CSV range column pair (quantity_low, quantity_high) as the YAML writes a range
            spec: dict[str, Any] = {"low": float(row["low"]), "high": float(row["high"])}
            spec["distribution"] = str(row["distribution"])
            if row["distribution"] == "triangular":
                spec["mode"] = float(row["mode"])
            inventory[int(row["item"])][str(row["field"])] = spec
        dossier["inventory"] = inventory
        dossier["inventory_source"] = Path(loaded.inventory_path).name
    measured = {str(m["item"]): m for m in assessed.measurements}
    for measurement in dossier.get("measurements") or []:
        record = measured.get(str(measurement.get("item")))
        if record is None or "files" not in measurement:
            continue
        measurement.pop("files")
        summary = {key: record[key] for key in _SUMMARY_KEYS}
        summary["files"] = list(record.get("files") or [])
        summary["notices"] = [notice.as_dict() for notice in record.get("notices") or []]
        measurement["summary"] = jsonable(summary)
    return dossier
