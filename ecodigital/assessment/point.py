"""Assess a dossier: load it, choose its factors and grid, run the engine.

This is the layer between files and the pure engine: it checks the factor ids a
dossier names (with the dossier's file and field in the error), builds the
electricity table of the locations used, and gathers every warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.dossier.aliases import KindName, suggest
from ecodigital.errors import InputError
from ecodigital.i18n import Msg

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.dossier.load import LoadedDossier
    from ecodigital.engine.compute import EngineResult, FactorChoices
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
    #: What the dossier's measurement files say, and what reading them warned about.
    measured: tuple[list[MeasuredItem], list[Notice]] = ([], [])
    #: How the items' factor rows were chosen (their combinations of the fields that do).
    factor_choices: FactorChoices | None = None

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


def assess_loaded(
    loaded: LoadedDossier,
    factors: FactorTable,
    *,
    measured_as: Assessment | None = None,
) -> Assessment:
    """Assess an already loaded dossier with ``factors``.

    ``measured_as``: an assessment of the same dossier's measurements (a variant of
    it whose items changed, not its ``measurements:``), whose files are then not read
    again.
    """
    from ecodigital.engine.compute import compute_impacts
    from ecodigital.notices import Notice

    choices = check_factor_ids(loaded, factors)
    read = _read_measurements(loaded, factors, measured_as)
    measured, measure_warnings = read
    import pandas as pd

    from ecodigital.factors.grid import build_grid
    from ecodigital.measure.reconcile import reconcile

    # the distinct locations found in C, then sorted: a few, whatever the inventory
    locations = sorted(set(pd.unique(loaded.items["location"].to_numpy(dtype=object))))
    grid, grid_warnings = build_grid(locations, factors)
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
        factor_ids=choices.ids_of_items(factors.frame.index, loaded.items.index),
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
    return Assessment(loaded, factors, result, grid, warnings, records, read, choices)


def _read_measurements(
    loaded: LoadedDossier, factors: FactorTable, measured_as: Assessment | None = None
) -> tuple[list[MeasuredItem], list[Notice]]:
    """Read the dossier's measurement files (or take what ``measured_as`` read of them),
    refusing items whose use is not electricity."""
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
    if (
        measured_as is not None
        and measured_as.dossier.path == loaded.path
        and measured_as.dossier.model.measurements is loaded.model.measurements
    ):
        return measured_as.measured
    return measured_items(loaded)


def check_factor_ids(loaded: LoadedDossier, factors: FactorTable) -> FactorChoices:
    """Every item's factor row exists and is counted on a basis its kind accepts; the
    choices of the items' factor rows
    (:func:`~ecodigital.engine.compute.factor_choices`).

    The first item that breaks a rule is named (unknown rows first); each
    distinct combination of the fields that choose a row is tested once,
    whatever the inventory's size.
    """
    import numpy as np
    import pandas as pd

    from ecodigital.engine.choice import required_bases
    from ecodigital.engine.compute import RowLookup, factor_choices

    items = loaded.items
    where = _Where(loaded.path, loaded.inventory_path)
    choices = factor_choices(items)
    ids, kinds, combination = choices.ids(factors.frame.index), choices.kinds, choices.combination
    chosen = pd.Series(ids[combination], index=items.index, dtype="object")
    known = pd.Index(ids).isin(factors.frame.index)
    if not known.all():
        position = int(np.flatnonzero(~known[combination])[0])
        raise _unknown_factor(
            where,
            position,
            chosen.iat[position],
            named=items["factor"].iat[position] is not None,
            kind=str(items["kind"].iat[position]),
            known=factors.ids(),
        )
    bases = RowLookup(factors.frame, ids)("basis")
    # a wrong (kind, basis) pair: its first item is named
    wrong = np.array(
        [basis not in required_bases(kind) for kind, basis in zip(kinds, bases, strict=True)],
        dtype=bool,
    )
    if wrong.any():
        position = int(np.flatnonzero(wrong[combination])[0])
        raise _wrong_basis(
            where,
            position,
            chosen.iat[position],
            bases[combination[position]],
            str(kinds[combination[position]]),
        )
    _check_needed_rows(set(kinds.tolist()), factors.frame.index, factors.user_files)
    return choices


def check_factor_records(
    path: Path, records: Sequence[Mapping[str, Any]], country: str, bases: Mapping[str, str]
) -> None:
    """:func:`check_factor_ids` for an inventory given inline (its items as records) and a
    shipped dataset (``bases``: each row's basis), in plain Python."""
    from ecodigital.engine.choice import default_factor_id, required_bases, storage_rows_per_medium

    where = _Where(path, None)
    per_medium = storage_rows_per_medium(
        [r.get("media") for r in records if r["kind"] == "storage"], bases
    )
    chosen = [
        default_factor_id(
            r["kind"],
            r.get("media"),
            r.get("access"),
            r.get("location") or country,
            r.get("factor"),
            per_medium=per_medium,
        )
        for r in records
    ]
    for position, (record, factor_id) in enumerate(zip(records, chosen, strict=True)):
        if factor_id not in bases:
            raise _unknown_factor(
                where,
                position,
                factor_id,
                named=record.get("factor") is not None,
                kind=str(record["kind"]),
                known=list(bases),
            )
    for position, (record, factor_id) in enumerate(zip(records, chosen, strict=True)):
        kind = str(record["kind"])
        if bases[str(factor_id)] not in required_bases(kind):
            raise _wrong_basis(where, position, factor_id, bases[str(factor_id)], kind)
    _check_needed_rows({str(r["kind"]) for r in records}, bases, [])


@dataclass(frozen=True)
class _Where:
    """Where an item is: a row of the CSV inventory, or an entry of the dossier's list."""

    dossier: Path
    inventory: Path | None

    def __call__(self, position: int, field_name: str) -> tuple[str, str | Msg]:
        if self.inventory is not None:
            cell = Msg("input.cell", {"row": position + 2, "column": field_name})
            return str(self.inventory), cell
        return str(self.dossier), f"inventory[{position}].{field_name}"


def _unknown_factor(
    where: _Where, position: int, factor_id: Any, *, named: bool, kind: str, known: list[str]
) -> InputError:
    return InputError(
        *where(position, "factor"),
        Msg(
            "assessment.input.unknown_factor" if named else "assessment.input.no_default",
            {
                "value": str(factor_id),
                "kind": KindName(kind),
                "suggestion": suggest(str(factor_id), known),
            },
        ),
        Msg("assessment.input.unknown_factor_fix"),
    )


def _wrong_basis(where: _Where, position: int, factor_id: Any, basis: Any, kind: str) -> InputError:
    from ecodigital.engine.choice import required_bases

    needs = [Msg(f"factors.basis.{b}") for b in required_bases(kind)]
    return InputError(
        *where(position, "factor"),
        Msg(
            "assessment.input.wrong_basis",
            {
                "value": str(factor_id),
                "basis": Msg(f"factors.basis.{basis}"),
                "kind": KindName(kind),
                "needs": _Either("", {"parts": needs}),
            },
        ),
        Msg("assessment.input.wrong_basis_fix"),
    )


def _check_needed_rows(kinds: set[str], known: Any, user_files: Sequence[str]) -> None:
    """The rows the engine itself uses: cloud memory (when there is a cloud instance) and the
    default PUE."""
    from ecodigital.engine.choice import CLOUD_MEMORY_FACTOR, DEFAULT_PUE_FACTOR

    for needed, needed_by in ((CLOUD_MEMORY_FACTOR, "cloud_instance"), (DEFAULT_PUE_FACTOR, None)):
        used = needed_by is None or needed_by in kinds
        if used and needed not in known:
            raise InputError(
                ", ".join(user_files) or "emission_factors",
                Msg("factors.input.id", {"id": needed}),
                Msg("assessment.input.needed_row"),
                Msg("assessment.input.needed_row_fix"),
            )


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
    dossier: dict[str, Any]
    if loaded.embedded is not None:
        dossier = jsonable(loaded.embedded)
        return dossier
    dossier = jsonable(loaded.raw)
    if loaded.inventory_path is not None:
        import json

        # pandas writes the records in C (NaN as null): fast for a large inventory
        records = json.loads(loaded.items.to_json(orient="records", double_precision=15))
        inventory = [
            {key: value for key, value in record.items() if value is not None} for record in records
        ]
        for item in inventory:
            if "quantity_per_user" in item:
                # the table's quantity of a per-user item is a filler: the CSV gave none
                item.pop("quantity", None)
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
