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

__all__ = ["CountryMix", "codecarbon_mix", "known_countries"]

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
