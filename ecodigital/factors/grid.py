"""Electricity carbon intensity by country, read from CodeCarbon's shipped data.

France uses the ADEME Base Empreinte figure of the bundled factor table (row
``electricity-fra``); every other country is read at run time from CodeCarbon's
``global_energy_mix.json`` (Our World in Data), through ``importlib.resources``
so that the file is never copied. A factor row ``electricity-<iso3>`` in the
bundled or a user's factor table takes precedence over CodeCarbon's figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ecodigital.notices import Notice

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.factors.database import FactorTable

__all__ = ["CountryMix", "build_grid", "codecarbon_mix", "known_countries"]

G_PER_KG = 1000.0

_MIX_SOURCE = "CodeCarbon global_energy_mix.json (Our World in Data)"


@dataclass(frozen=True)
class CountryMix:
    """A country's grid intensity as CodeCarbon ships it."""

    iso3: str
    name: str
    gwp_kgco2e_per_kwh: float
    year: int | None
    source: str


@lru_cache(maxsize=1)
def codecarbon_mix() -> dict[str, CountryMix]:
    """All countries of CodeCarbon's energy-mix file, keyed by ISO 3166-1 alpha-3."""
    try:
        import codecarbon  # noqa: F401  (locates the package only)

        path = resources.files("codecarbon") / "data" / "private_infra" / "global_energy_mix.json"
        raw = json.loads(path.read_text(encoding="utf-8"))
        version = _codecarbon_version()
    except (ModuleNotFoundError, FileNotFoundError, json.JSONDecodeError):  # pragma: no cover
        return {}
    mixes: dict[str, CountryMix] = {}
    for iso3, entry in raw.items():
        intensity = entry.get("carbon_intensity")
        if not isinstance(intensity, int | float):
            continue
        year = entry.get("year")
        mixes[iso3] = CountryMix(
            iso3=iso3,
            name=str(entry.get("country_name", iso3)),
            gwp_kgco2e_per_kwh=float(intensity) / G_PER_KG,
            year=int(year) if isinstance(year, int | float) else None,
            source=f"{_MIX_SOURCE}, codecarbon {version}",
        )
    return mixes


def _codecarbon_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codecarbon")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def known_countries() -> frozenset[str]:
    """ISO alpha-3 codes that ecodigital can price (CodeCarbon's list plus France)."""
    return frozenset(codecarbon_mix()) | {"FRA"}


def build_grid(locations: list[str], factors: FactorTable) -> tuple[pd.DataFrame, list[Notice]]:
    """Electricity factors per location: a factor row ``electricity-<iso3>`` or CodeCarbon's mix."""
    import numpy as np
    import pandas as pd

    from ecodigital.factors.database import impact_column
    from ecodigital.vocabulary import CRITERIA

    records: list[dict[str, Any]] = []
    from_codecarbon: list[str] = []
    for iso3 in locations:
        factor_id = f"electricity-{iso3.lower()}"
        if factor_id in factors.frame.index:
            row = factors.frame.loc[factor_id]
            record = {f"{c}_per_kwh": row[impact_column(c, "use")] for c in CRITERIA}
            record.update(
                country=iso3,
                factor_id=factor_id,
                source=row["source"],
                year=row["source_year"],
                origin=row["origin"],
            )
        else:
            mix = codecarbon_mix()[iso3]
            record = {f"{c}_per_kwh": np.nan for c in CRITERIA}
            record.update(
                gwp_per_kwh=mix.gwp_kgco2e_per_kwh,
                country=iso3,
                factor_id=None,
                source=mix.source,
                year=mix.year,
                origin="codecarbon",
            )
            from_codecarbon.append(iso3)
        records.append(record)
    grid = pd.DataFrame.from_records(records).set_index("country") if records else pd.DataFrame()
    warnings = []
    if from_codecarbon:
        warnings.append(
            Notice(
                code="GRID_FROM_CODECARBON",
                message="electricity of "
                + ", ".join(from_codecarbon)
                + " taken from CodeCarbon's country mix (gwp only; other criteria unknown)",
                params={"countries": from_codecarbon},
            )
        )
    return grid, warnings
