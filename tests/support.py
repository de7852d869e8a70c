"""Builders shared by the tests: small factor tables, items tables and dossiers, and a
recorder of the files a block of code opens."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ecodigital.dossier.items import ITEM_COLUMNS
from ecodigital.dossier.items import normalise_items as _normalise_items
from ecodigital.factors.database import FACTOR_COLUMNS, NUMERIC_COLUMNS

FRA_GRID = 0.0519


def factor_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A factor table with the bundled columns; cells not given are unknown (NaN)."""
    frame = pd.DataFrame.from_records(rows).set_index("id")
    frame = frame.reindex(columns=list(FACTOR_COLUMNS[1:]))
    for column in NUMERIC_COLUMNS:
        frame[column] = frame[column].astype("float64")
    frame["origin"] = "reference"
    return frame


def items_frame(rows: list[dict[str, Any]], country: str = "FRA") -> pd.DataFrame:
    """An items table as the dossier loader hands it to the engine."""
    frame = pd.DataFrame.from_records(rows).reindex(columns=list(ITEM_COLUMNS))
    return _normalise_items(frame, country)


def grid_frame(**intensity_by_country: float) -> pd.DataFrame:
    """Grid factors: gwp per kWh per country, other criteria unknown."""
    records = [
        {
            "country": country,
            "gwp_per_kwh": value,
            "adpe_per_kwh": np.nan,
            "pe_per_kwh": np.nan,
            "water_per_kwh": np.nan,
        }
        for country, value in intensity_by_country.items()
    ]
    return pd.DataFrame.from_records(records).set_index("country")


def value_of(rows: pd.DataFrame, **where: Any) -> float:
    """Sum of the long table's values matching ``where`` (NaN if any is unknown)."""
    mask = np.ones(len(rows), dtype=bool)
    for column, wanted in where.items():
        mask &= (rows[column].astype(str) == str(wanted)).to_numpy()
    values = rows.loc[mask, "value"]
    assert len(values), f"no row matches {where}"
    return math.nan if values.isna().any() else float(values.sum())


def base_dossier(**project_overrides: Any) -> dict[str, Any]:
    """A small valid dossier as a dict."""
    project = {
        "name": "Test",
        "beneficiary": {"name": "Commune de Test", "type": "commune"},
        "country": "FRA",
        "start_year": 2026,
        "duration_years": 2,
        "horizon_years": 3,
        "users_per_year": [100, 200, 300],
        "institutions": 1,
    }
    project.update(project_overrides)
    return {
        "format": "ecodigital/1",
        "project": project,
        "inventory": [
            {"id": "laptops", "kind": "laptop", "quantity": 2, "allocation": 0.5},
            {"id": "traffic", "kind": "network", "gb_per_year": 100},
        ],
    }


def write_csv_dossier(
    folder: Path, lines: list[str], *, name: str, users_per_year: list[int]
) -> Path:
    """A five-year dossier in ``folder`` whose inventory is the CSV ``lines`` (header first)."""
    (folder / "inventory.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / "dossier.yaml"
    path.write_text(
        "format: ecodigital/1\n"
        "project:\n"
        f"  name: {name}\n"
        "  beneficiary: {name: Test, type: region}\n"
        "  start_year: 2026\n"
        "  duration_years: 3\n"
        "  horizon_years: 5\n"
        f"  users_per_year: {users_per_year}\n"
        "inventory: {csv: inventory.csv}\n",
        encoding="utf-8",
    )
    return path


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def note_of(dossier: Path, *, lang: str = "fr", today: Any = None, template_dir: Any = None,
            **options: Any) -> Any:  # fmt: skip
    """The prepared note of a dossier: assessed with ``options``, written for ``lang``."""
    from ecodigital.assessment import Options, run
    from ecodigital.report.build import prepare_note

    results = run(dossier, Options(**options))
    return prepare_note(results, lang=lang, today=today, template_dir=template_dir)


def payload_of(path: Path) -> dict[str, Any]:
    """The payload a note carries, read back as instructors' tools read it."""
    from ecodigital.review.readers import read_note_payload

    return read_note_payload(path)[1]


#: Shares of manufacturing dataset 2026.2 gives data-centre items for distribution and end
#: of life (medians of HPE ProLiant footprints, docs/factors.md).
DISTRIBUTION_SHARE = 0.05055643879173291
END_OF_LIFE_SHARE = 0.02738970588235294
_LIFE_CYCLE = 1 + DISTRIBUTION_SHARE + END_OF_LIFE_SHARE
#: What dataset 2026.2 adds to the example's climate change over its 5 years, by hand, from
#: the data-centre items' new factors (every other item's factors are unchanged):
#:   app-servers: 2 x 0.5 x 947.7654064206043 / 4 years x 5 (was 900 / 4: 1 125 kgCO2e)
#:   backups: 2 TB x 3 copies / 15 TB a drive x 31.11 / 3 years x 5 (was 12.444)
#:   documents-storage: 0.5 TB x 2 copies x 41.66938818565401 / 3 years x 5 (was 42.5)
#:   database-vm: (4 x 8.137624460933535e-05 + 16 x 3.674080947926702e-05) x 8760 h x 5
#:       (was 40.203144)
#: each times (1 + distribution share + end-of-life share).
_APP_SERVERS = 2 * 0.5 * 947.7654064206043 / 4 * 5 * _LIFE_CYCLE - 1125
_BACKUPS = 2 * 3 / 15 * 31.11 / 3 * 5 * _LIFE_CYCLE - 12.444
_DOCUMENTS = 0.5 * 2 * 41.66938818565401 / 3 * 5 * _LIFE_CYCLE - 42.5
_DATABASE_VM = (
    4 * 8.137624460933535e-05 + 16 * 3.674080947926702e-05
) * 8760 * 5 * _LIFE_CYCLE - 40.203144
EXAMPLE_DATACENTRE_ADDED_KG = _APP_SERVERS + _BACKUPS + _DOCUMENTS + _DATABASE_VM


def legacy_items(results: Any) -> dict[str, Any]:
    """The items of ``results`` as ``ecodigital-assessment/2`` wrote them (notes made before
    /3): every column one entry per item, with the shares the pipeline computed. Written
    from the typed results, not by the JSON codec under test."""
    items = results.items
    statistics = ("p5", "p50", "p95", "mean")
    return {
        "ids": list(items.ids),
        "kinds": list(items.kinds),
        "tiers": list(items.tiers),
        "factors": list(items.factors),
        "columns": {
            criterion: {
                "unit": column.unit,
                "values": list(column.values),
                "unknown": list(column.unknown),
                "quality": list(column.quality),
                "share": list(column.share),
                "range": None
                if column.range is None
                else {name: list(getattr(column.range, name)) for name in statistics},
            }
            for criterion, column in items.columns.items()
        },
    }


# --------------------------------------------------------------------------- files opened

#: The lists of the :func:`opened_files` blocks running now.
_RECORDERS: list[list[str]] = []
_FILE_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})


def _record_files(event: str, args: tuple[Any, ...]) -> None:
    if _RECORDERS and event in _FILE_EVENTS and args:
        target = args[0]
        if isinstance(target, str | bytes | os.PathLike):
            for opened in _RECORDERS:
                opened.append(os.path.abspath(os.fsdecode(target)))


# an audit hook cannot be removed: this one is added once, and records inside the blocks only
sys.addaudithook(_record_files)


@contextmanager
def opened_files() -> Iterator[list[str]]:
    """The absolute path of every file opened and folder listed inside the block, in order."""
    opened: list[str] = []
    _RECORDERS.append(opened)
    try:
        yield opened
    finally:
        _RECORDERS.remove(opened)
