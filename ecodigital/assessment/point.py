"""Assess a dossier: load it, choose its factors and grid, run the engine.

This is the layer between files and the pure engine: it checks the factor ids a
dossier names (with the dossier's file and field in the error), builds the
electricity table of the locations used, and gathers every warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.dossier.aliases import KindName, suggest
from ecodigital.errors import InputError
from ecodigital.i18n import Msg

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
                Msg(
                    "assessment.input.not_measurable",
                    {"value": measurement.item, "basis": Msg(f"factors.basis.{basis}")},
                ),
                Msg("assessment.input.not_measurable_fix"),
            )
    return measured_items(loaded)


def check_factor_ids(loaded: LoadedDossier, factors: FactorTable) -> None:
    import numpy as np

    from ecodigital.engine.compute import (
        CLOUD_MEMORY_FACTOR,
        DEFAULT_PUE_FACTOR,
        RowLookup,
        default_factor_ids,
        distinct_rows,
        required_bases,
    )

    items = loaded.items
    chosen = default_factor_ids(items, factors.frame.index)
    known = chosen.isin(factors.frame.index)
    for position in (~known).to_numpy().nonzero()[0].tolist():
        factor_id = chosen.iat[position]
        named = items["factor"].iat[position] is not None
        kind = str(items["kind"].iat[position])
        raise InputError(
            *_item_where(loaded, position, "factor"),
            Msg(
                "assessment.input.unknown_factor" if named else "assessment.input.no_default",
                {
                    "value": str(factor_id),
                    "kind": KindName(kind),
                    "suggestion": suggest(str(factor_id), factors.ids()),
                },
            ),
            Msg("assessment.input.unknown_factor_fix"),
        )
    bases = RowLookup(factors.frame, chosen.to_numpy())("basis")
    kinds = items["kind"].to_numpy(dtype=object)
    # each distinct (kind, basis) checked once; the first item of a wrong pair is named
    first, pair = distinct_rows((kinds, bases))
    wrong = [required_bases(k) for k in kinds[first]]
    wrong_pairs = [
        j
        for j, (needs, basis) in enumerate(zip(wrong, bases[first], strict=True))
        if basis not in needs
    ]
    if wrong_pairs:
        position = int(np.flatnonzero(np.isin(pair, wrong_pairs))[0])
        kind, basis = kinds[position], bases[position]
        needs = [Msg(f"factors.basis.{b}") for b in required_bases(kind)]
        raise InputError(
            *_item_where(loaded, position, "factor"),
            Msg(
                "assessment.input.wrong_basis",
                {
                    "value": str(chosen.iat[position]),
                    "basis": Msg(f"factors.basis.{basis}"),
                    "kind": KindName(str(kind)),
                    "needs": _Either("", {"parts": needs}),
                },
            ),
            Msg("assessment.input.wrong_basis_fix"),
        )
    for needed, needed_by in ((CLOUD_MEMORY_FACTOR, "cloud_instance"), (DEFAULT_PUE_FACTOR, None)):
        used = needed_by is None or (items["kind"] == needed_by).any()
        if used and needed not in factors.frame.index:
            raise InputError(
                ", ".join(factors.user_files) or "emission_factors",
                Msg("factors.input.id", {"id": needed}),
                Msg("assessment.input.needed_row"),
                Msg("assessment.input.needed_row_fix"),
            )


def _item_where(loaded: LoadedDossier, position: int, field_name: str) -> tuple[str, str | Msg]:
    if loaded.inventory_path is not None:
        cell = Msg("input.cell", {"row": position + 2, "column": field_name})
        return str(loaded.inventory_path), cell
    return str(loaded.path), f"inventory[{position}].{field_name}"


class _Either(Msg):
    """Words joined with "or" in the reader's language."""

    def render(self, lang: str) -> str:
        from ecodigital.i18n import text

        parts = self.params.get("parts", ())
        assert isinstance(parts, list | tuple)
        return text("assessment.input.or", lang).join(
            part.render(lang) for part in parts if isinstance(part, Msg)
        )


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
