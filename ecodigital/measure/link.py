"""Turn a dossier's ``measurements:`` into the measured energy the engine uses.

For each measurement: read its CodeCarbon files (runs), find each run's sidecar,
and scale the energy to a year:

* ``per: run``:  ``kWh/year = (total kWh / runs) x runs_per_year``;
* ``per: hour``: ``kWh/year = (total kWh / total hours) x hours_per_year``.

The engine then multiplies by the item's allocation, and by its PUE unless the
measure included it, and prices the energy with the dossier's own grid factor.
The figure is ``measured`` only when every run's sidecar shows CPU power read
from hardware; otherwise it is ``estimated-by-codecarbon``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.errors import InputError
from ecodigital.i18n import Msg
from ecodigital.measure.read import read_emissions_files, resolve_csv_path
from ecodigital.measure.sidecar import quality_of, read_sidecar, sidecar_path
from ecodigital.notices import Notice

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.dossier.load import LoadedDossier
    from ecodigital.dossier.model import Measurement

__all__ = ["MeasuredItem", "measured_items", "override_frame"]

SECONDS_PER_HOUR = 3600.0
#: A CodeCarbon run id (a UUID), as it may appear in a sidecar's file name.
_SAFE_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


@dataclass
class MeasuredItem:
    """What the files of one measurement say, scaled to a year (before allocation and PUE)."""

    item: str
    files: list[str]
    per: str
    units_per_year: float
    runs: int
    duration_h: float
    energy_kwh: float
    emissions_kgco2e: float
    energy_kwh_per_unit: float
    emissions_kgco2e_per_unit: float
    energy_kwh_per_year: float
    codecarbon_emissions_kgco2e_per_year: float
    pue_included: bool
    quality: str
    cpu_methods: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    #: What reading the files warned about (kept in a note's summary with the figures).
    notices: list[Notice] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def measured_items(loaded: LoadedDossier) -> tuple[list[MeasuredItem], list[Notice]]:
    """Read every measurement of the dossier (files relative to the dossier)."""
    items: list[MeasuredItem] = []
    for index, measurement in enumerate(loaded.model.measurements):
        if measurement.summary is not None:
            items.append(_summarised_item(measurement))
            continue
        assert measurement.files is not None  # the model wants files or a summary
        paths = [
            _resolve(loaded, index, position, name)
            for position, name in enumerate(measurement.files)
        ]
        runs = read_emissions_files(paths)
        item, item_warnings = _measured_item(loaded, index, measurement, runs.frame, paths)
        item.notices = [*runs.warnings, *item_warnings]
        items.append(item)
    return items, [notice for item in items for notice in item.notices]


def _summarised_item(measurement: Measurement) -> MeasuredItem:
    """A measurement given by its summary (a note's embedded dossier): no file to read."""
    summary = measurement.summary
    assert summary is not None
    units = measurement.runs_per_year or measurement.hours_per_year or 0.0
    per_unit = summary.runs if measurement.per == "run" else summary.duration_h
    # CodeCarbon's own emissions are unknown when the energy came from another report (NaN)
    emissions = math.nan if summary.emissions_kgco2e is None else summary.emissions_kgco2e
    emissions_per_unit = emissions / per_unit if per_unit else 0.0
    return MeasuredItem(
        item=measurement.item,
        per=measurement.per,
        units_per_year=units,
        runs=summary.runs,
        duration_h=summary.duration_h,
        energy_kwh=summary.energy_kwh,
        emissions_kgco2e=emissions,
        energy_kwh_per_unit=summary.energy_kwh_per_unit,
        emissions_kgco2e_per_unit=emissions_per_unit,
        energy_kwh_per_year=summary.energy_kwh_per_unit * units,
        codecarbon_emissions_kgco2e_per_year=emissions_per_unit * units,
        pue_included=summary.pue_included,
        quality=summary.quality,
        cpu_methods=list(summary.cpu_methods),
        countries=list(summary.countries),
        files=list(summary.files),
        notices=[
            Notice(n.code, n.message, tuple(n.items), dict(n.params)) for n in summary.notices
        ],
    )


def override_frame(items: list[MeasuredItem]) -> pd.DataFrame:
    """The engine's ``use_energy_override`` table."""
    import pandas as pd

    return pd.DataFrame(
        {
            "item": [m.item for m in items],
            "energy_kwh_per_year": [m.energy_kwh_per_year for m in items],
            "pue_included": [m.pue_included for m in items],
            "quality": [m.quality for m in items],
        }
    )


def _resolve(loaded: LoadedDossier, index: int, position: int, name: str) -> Path:
    """A measurement file named by the dossier: inside its folder (or ``--allow-outside``)."""
    from ecodigital.fileio import confine

    loc = ("measurements", index, "files", position)
    field_name = f"measurements[{index}].files[{position}]"
    try:
        path = confine(loaded.path.parent, name, where=str(loaded.path), field_name=field_name)
    except InputError as error:
        # the field's line is found in the dossier's YAML again only for an error
        raise InputError(_where(loaded, loc), error.field, error.problem, error.fix) from None
    if not path.exists():
        raise InputError(
            _where(loaded, loc),
            field_name,
            Msg("measure.input.file_not_found", {"name": name, "path": str(path)}),
            Msg("measure.input.relative_fix"),
        )
    return resolve_csv_path(path)


def _measured_item(
    loaded: LoadedDossier,
    index: int,
    measurement: Measurement,
    runs: pd.DataFrame,
    paths: list[Path],
) -> tuple[MeasuredItem, list[Notice]]:
    warnings: list[Notice] = []
    sidecars = [
        _sidecar_of(Path(str(f)), r) for f, r in zip(runs["file"], runs["run_id"], strict=True)
    ]
    missing = sum(s is None for s in sidecars)
    if missing:
        warnings.append(
            Notice(
                code="MEASURE_NO_SIDECAR",
                message=f"{missing} of {len(sidecars)} runs have no sidecar: how CPU power was "
                "obtained is unknown, so the figure is labelled estimated-by-codecarbon",
                items=(measurement.item,),
                params={"count": missing, "runs": len(sidecars)},
            )
        )
    unfinished = [s["run_id"] for s in sidecars if s is not None and s.get("status") == "running"]
    if unfinished:
        warnings.append(
            Notice(
                code="MEASURE_INCOMPLETE_RUN",
                message=f"{len(unfinished)} run(s) ended without their final row (killed?): "
                "their energy stops at the last flushed row",
                items=(measurement.item,),
                params={"count": len(unfinished), "runs": unfinished},
            )
        )
    qualities = {quality_of(s) for s in sidecars}
    quality = "measured" if qualities == {"measured"} else "estimated-by-codecarbon"
    methods = sorted({str((s.get("cpu") or {}).get("method", "unknown")) for s in sidecars if s})
    if missing:
        methods.append("unknown")
    pue_included = _pue_included(loaded, index, measurement, runs, sidecars)

    runs_count = len(runs)
    duration_h = float(runs["duration_s"].sum()) / SECONDS_PER_HOUR
    energy = float(runs["energy_kwh"].sum())
    emissions = float(runs["emissions_kgco2e"].sum())
    units = runs_count if measurement.per == "run" else duration_h
    per_year = measurement.runs_per_year if measurement.per == "run" else measurement.hours_per_year
    assert per_year is not None  # the model requires the one that goes with `per`
    countries = sorted(str(c) for c in runs["country"].dropna().unique())
    item = MeasuredItem(
        item=measurement.item,
        files=list(measurement.files or []),
        per=measurement.per,
        units_per_year=float(per_year),
        runs=runs_count,
        duration_h=duration_h,
        energy_kwh=energy,
        emissions_kgco2e=emissions,
        energy_kwh_per_unit=energy / units,
        emissions_kgco2e_per_unit=emissions / units,
        energy_kwh_per_year=energy / units * per_year,
        codecarbon_emissions_kgco2e_per_year=emissions / units * per_year,
        pue_included=pue_included,
        quality=quality,
        cpu_methods=methods,
        countries=countries,
    )
    if quality != "measured":
        warnings.append(
            Notice(
                code="MEASURE_CPU_ESTIMATED",
                message="CPU power was not read from hardware (" + ", ".join(methods) + "): "
                "the measured energy is CodeCarbon's model of this machine",
                items=(measurement.item,),
                params={"methods": methods},
            )
        )
    return item, warnings


def _sidecar_of(csv_path: Path, run_id: object) -> dict[str, Any] | None:
    if not isinstance(run_id, str) or not run_id or not _SAFE_RUN_ID.fullmatch(run_id):
        return None  # a run id that is not a plain name never leads out of the folder
    path = sidecar_path(csv_path, run_id)
    return read_sidecar(path) if path.is_file() else None


def _pue_included(
    loaded: LoadedDossier,
    index: int,
    measurement: Measurement,
    runs: pd.DataFrame,
    sidecars: list[dict[str, Any] | None],
) -> bool:
    """The dossier's word, else the sidecars', else CodeCarbon's pue column (> 1: included)."""
    if measurement.pue_included is not None:
        return measurement.pue_included
    values = set()
    for sidecar, pue in zip(sidecars, runs["pue"], strict=True):
        if sidecar is not None and "pue_included" in sidecar:
            values.add(bool(sidecar["pue_included"]))
        else:
            values.add(bool(pue == pue and pue > 1.0))
    if len(values) > 1:
        raise InputError(
            _where(loaded, ("measurements", index)),
            f"measurements[{index}].pue_included",
            Msg("measure.input.mixed_pue"),
            Msg("measure.input.mixed_pue_fix"),
        )
    return values.pop()


def _where(loaded: LoadedDossier, loc: tuple[str | int, ...]) -> str:
    """``dossier:line`` of a field, found again in the dossier's YAML (only on errors)."""
    return loaded.where(loc)
