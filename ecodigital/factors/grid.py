"""Electricity factors by country: each dataset version's snapshot, and the grid of a dossier.

Every dataset version ships ``grid.csv``, one row per country, criterion and
value per kWh (with its unit, source and source year), and ``grid.yaml``, the
record of each source: the climate-change factor from CodeCarbon's
``global_energy_mix.json`` (Our World in Data), with CodeCarbon's version, the
file's date and its SHA-256; from 2026.2 the other criteria from Boavizta API's
``factors.yml`` (ADEME Base IMPACTS, WRI). The snapshot, not the installed
CodeCarbon, prices electricity, so results change only with the dataset
version; ``scripts/make_grid_snapshot.py`` regenerates it.

A factor row ``electricity-<iso3>`` (bundled, like ``electricity-fra``, or in a
user's file) replaces the snapshot for each criterion it gives a value for.
Negative source values are refused: the criterion stays unknown for that
country and a warning says so.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from ecodigital.errors import InputError
from ecodigital.factors.versions import reference_data_dir
from ecodigital.fileio import read_input_text
from ecodigital.notices import Notice
from ecodigital.vocabulary import CRITERIA, CRITERION_COLUMN_SUFFIXES, CRITERION_UNITS

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.factors.database import FactorTable

__all__ = [
    "GRID_COLUMNS",
    "GridSnapshot",
    "build_grid",
    "known_countries",
    "read_grid_snapshot",
]

#: Columns of ``grid.csv``.
GRID_COLUMNS: Final = (
    "country", "country_name", "criterion", "value", "unit", "source", "source_year",
)  # fmt: skip
#: The snapshot source whose gwp figures are CodeCarbon's country mix.
CODECARBON_SOURCE: Final = "codecarbon"


@dataclass(frozen=True)
class GridSnapshot:
    """A dataset's electricity factors per country, as read from its ``grid.csv``.

    ``values`` maps ``(country, criterion)`` to the value per kWh in the
    criterion's unit; ``sources`` and ``years`` give each value's source key
    (described in ``source_info``) and year. ``refused`` lists the negative
    values left out.
    """

    file: str
    values: dict[tuple[str, str], float]
    sources: dict[tuple[str, str], str]
    years: dict[tuple[str, str], str]
    names: dict[str, str]
    source_info: dict[str, dict[str, str]]
    refused: tuple[tuple[str, str, float], ...] = field(default=())

    def countries(self) -> frozenset[str]:
        return frozenset(self.names)

    def source_title(self, key: str) -> str:
        return str(self.source_info.get(key, {}).get("title", key))


def read_grid_snapshot(path: Path) -> GridSnapshot:
    """Read and check a dataset's ``grid.csv`` and the ``grid.yaml`` beside it."""
    from ecodigital.yamlio import read_yaml

    text = read_input_text(path, "grid")
    meta = read_yaml(path.with_suffix(".yaml"), "grid").data
    info = meta.get("sources") if isinstance(meta, dict) else None
    if not isinstance(info, dict) or not info:
        raise InputError(str(path.with_suffix(".yaml")), "sources", "is missing or empty")
    reader = csv.reader(io.StringIO(text))
    header = tuple(next(reader, ()))
    if header != GRID_COLUMNS:
        raise InputError(str(path), None, "does not have the grid header", ", ".join(GRID_COLUMNS))
    values: dict[tuple[str, str], float] = {}
    sources: dict[tuple[str, str], str] = {}
    years: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    refused: list[tuple[str, str, float]] = []
    for line, row in enumerate(reader, start=2):
        if len(row) != len(GRID_COLUMNS):
            raise InputError(str(path), f"row {line}", f"has {len(row)} cells, not 7")
        country, name, criterion, raw, unit, source, year = row
        where = f"row {line}"
        if len(country) != 3 or not country.isalpha() or not country.isupper():
            raise InputError(str(path), where, f"{country!r} is not an ISO alpha-3 code")
        if criterion not in CRITERION_UNITS:
            raise InputError(str(path), where, f"{criterion!r} is not a criterion")
        if unit != f"{CRITERION_UNITS[criterion]}/kWh":
            raise InputError(
                str(path), where, f"unit {unit!r} is not {CRITERION_UNITS[criterion]}/kWh"
            )
        if source not in info:
            raise InputError(str(path), where, f"source {source!r} is not in grid.yaml")
        try:
            value = float(raw)
        except ValueError:
            raise InputError(str(path), where, f"{raw!r} is not a number") from None
        if not math.isfinite(value):
            raise InputError(str(path), where, f"{raw!r} is not a finite number")
        key = (country, criterion)
        if key in values or any(r[:2] == key for r in refused):
            raise InputError(str(path), where, f"{country} {criterion} appears twice")
        names[country] = name
        if value < 0:
            refused.append((country, criterion, value))
            continue
        values[key] = value
        sources[key] = source
        years[key] = year
    return GridSnapshot(
        file=str(path),
        values=values,
        sources=sources,
        years=years,
        names=names,
        source_info={str(k): {str(a): str(b) for a, b in v.items()} for k, v in info.items()},
        refused=tuple(refused),
    )


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    """ISO alpha-3 codes ecodigital can price: the countries of the newest grid snapshot.

    Read with the standard library only, so that checking a dossier's country
    codes is quick and imports neither CodeCarbon nor pandas.
    """
    path = reference_data_dir() / "grid.csv"
    text = read_input_text(path, "grid")
    rows = csv.reader(io.StringIO(text))
    next(rows, None)
    return frozenset(row[0] for row in rows if row) | {"FRA"}


def build_grid(locations: list[str], factors: FactorTable) -> tuple[pd.DataFrame, list[Notice]]:
    """Electricity factors per location: the dataset's snapshot, bent by ``electricity-*`` rows.

    One row per location with, for each criterion, ``<criterion>_per_kwh`` (in
    the criterion's unit per kWh, NaN when unknown), ``<criterion>_source`` and
    ``<criterion>_year``; ``factor_id`` (the ``electricity-<iso3>`` row, if
    any), and ``source``, ``year`` and ``origin`` of the climate-change figure.
    """
    import pandas as pd

    snapshot = factors.grid
    records: list[dict[str, Any]] = []
    from_codecarbon: list[str] = []
    missing: dict[tuple[str, ...], list[str]] = {}
    for iso3 in locations:
        record: dict[str, Any] = {"country": iso3, "factor_id": None, "origin": None}
        for criterion in CRITERIA:
            key = (iso3, criterion)
            if snapshot is not None and key in snapshot.values:
                record[f"{criterion}_per_kwh"] = snapshot.values[key]
                record[f"{criterion}_source"] = snapshot.source_title(snapshot.sources[key])
                record[f"{criterion}_year"] = snapshot.years[key]
            else:
                record[f"{criterion}_per_kwh"] = math.nan
                record[f"{criterion}_source"] = None
                record[f"{criterion}_year"] = None
        if snapshot is not None and (iso3, "gwp") in snapshot.sources:
            record["origin"] = snapshot.sources[(iso3, "gwp")]
        factor_id = f"electricity-{iso3.lower()}"
        if factor_id in factors.frame.index:
            row = factors.frame.loc[factor_id]
            record["factor_id"] = factor_id
            for criterion in CRITERIA:
                column = f"{criterion}_use_{CRITERION_COLUMN_SUFFIXES[criterion]}"
                value = float(cast(float, row[column]))
                if not math.isnan(value):  # the row replaces the snapshot
                    record[f"{criterion}_per_kwh"] = value
                    record[f"{criterion}_source"] = row["source"]
                    record[f"{criterion}_year"] = row["source_year"]
                    if criterion == "gwp":
                        record["origin"] = row["origin"]
        if record["origin"] == CODECARBON_SOURCE:
            from_codecarbon.append(iso3)
        record["source"] = record["gwp_source"]
        record["year"] = record["gwp_year"]
        unknown = tuple(c for c in CRITERIA if math.isnan(record[f"{c}_per_kwh"]))
        if unknown:
            missing.setdefault(unknown, []).append(iso3)
        records.append(record)
    grid = pd.DataFrame.from_records(records).set_index("country") if records else pd.DataFrame()
    warnings: list[Notice] = []
    if from_codecarbon and snapshot is not None:
        version = snapshot.source_info.get(CODECARBON_SOURCE, {}).get("version", "?")
        warnings.append(
            Notice(
                code="GRID_FROM_CODECARBON",
                message="electricity of "
                + ", ".join(from_codecarbon)
                + f": CodeCarbon's country mix (snapshot of codecarbon {version})",
                params={"countries": from_codecarbon, "version": version},
            )
        )
    for unknown, countries in missing.items():
        warnings.append(
            Notice(
                code="GRID_CRITERIA_UNKNOWN",
                message=f"electricity of {', '.join(countries)}: no factor per kWh for "
                f"{', '.join(unknown)}: their use phase is unknown, not zero",
                params={"countries": countries, "criteria": list(unknown)},
            )
        )
    refused = [r for r in (snapshot.refused if snapshot else ()) if r[0] in set(locations)]
    if refused:
        warnings.append(
            Notice(
                code="NEGATIVE_SOURCE_VALUE",
                message="negative per-kWh source values refused (left unknown): "
                + ", ".join(f"{c} {k} {v:g}" for c, k, v in refused),
                params={
                    "countries": sorted({r[0] for r in refused}),
                    "criteria": sorted({r[1] for r in refused}),
                },
            )
        )
    return grid, warnings
