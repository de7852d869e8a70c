"""Write the electricity snapshot of a factor dataset: ``grid.csv`` and ``grid.yaml``.

The climate-change factor of every country comes from the installed CodeCarbon
package (``codecarbon/data/private_infra/global_energy_mix.json``, field
``carbon_intensity`` in gCO2e/kWh, from Our World in Data). The other criteria
per kWh, when ``--boavizta-factors`` is given, come from the ``electricity``
section of Boavizta API's ``factors.yml`` (ADEME Base IMPACTS 2011 figures,
primary energy as Boavizta derives it, water consumption from WRI 2020), for
the countries CodeCarbon lists. Negative source values are refused: they are
left out (the criterion stays unknown for that country) with a warning.

Run it from a checkout, with the CodeCarbon version the dataset cites installed::

    python scripts/make_grid_snapshot.py emission_factors/2026.2 \\
        --codecarbon-date 2024-09-20 \\
        --boavizta-factors /path/to/boaviztapi/data/factors.yml --boavizta-version 2.5.0

``--codecarbon-date`` is the date the energy-mix file last changed in CodeCarbon
(``git log -1 --format=%ad --date=short -- codecarbon/data/private_infra/global_energy_mix.json``
in CodeCarbon's repository at the release tag). Boavizta API is AGPL-3.0 and is
never a dependency of ecodigital: point ``--boavizta-factors`` at the file of a
copy installed in a separate virtual environment (``pip install boaviztapi==2.5.0``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import yaml

from ecodigital.vocabulary import CRITERION_UNITS

G_PER_KG = 1000.0
HEADER = ("country", "country_name", "criterion", "value", "unit", "source", "source_year")

#: Boavizta's criterion names and units in ``factors.yml``, by ecodigital criterion.
BOAVIZTA_CRITERIA = {
    "adpe": ("adpe", "kg éq. Sb", "boavizta-base-impacts"),
    "pe": ("pe", "MJ", "boavizta-pe"),
    "ap": ("ap", "mol éq. H+", "boavizta-base-impacts"),
    "pm": ("pm", "incidence de maladie", "boavizta-base-impacts"),
    "ir": ("ir", "éq. kBq U235", "boavizta-base-impacts"),
    "water_consumption": ("wu", "m3/kWh", "boavizta-wri"),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def codecarbon_rows() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One gwp row per country of the installed CodeCarbon, and the source's record."""
    path = Path(
        str(resources.files("codecarbon") / "data" / "private_infra" / "global_energy_mix.json")
    )
    mix = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for iso3, entry in sorted(mix.items()):
        intensity = entry.get("carbon_intensity")
        if not isinstance(intensity, int | float) or isinstance(intensity, bool):
            print(f"warning: {iso3}: no carbon_intensity, left out", file=sys.stderr)
            continue
        if intensity < 0:
            print(
                f"warning: {iso3}: negative carbon_intensity {intensity}, refused",
                file=sys.stderr,
            )
            continue
        year = entry.get("year")
        rows.append(
            {
                "country": iso3,
                "country_name": str(entry.get("country_name", iso3)),
                "criterion": "gwp",
                "value": float(intensity) / G_PER_KG,
                "unit": f"{CRITERION_UNITS['gwp']}/kWh",
                "source": "codecarbon",
                "source_year": str(int(year)) if isinstance(year, int | float) else "",
            }
        )
    version = metadata.version("codecarbon")
    return rows, {
        "title": f"CodeCarbon {version}, codecarbon/data/private_infra/global_energy_mix.json "
        "(carbon_intensity, gCO2e/kWh, divided by 1000)",
        "version": version,
        "file_sha256": sha256(path),
        "data": "Our World in Data (Ember, Energy Institute), year per country in source_year",
        "url": f"https://github.com/mlco2/codecarbon/blob/v{version}/codecarbon/data/"
        "private_infra/global_energy_mix.json",
        "licence": "MIT (CodeCarbon); Our World in Data CC BY 4.0",
    }


def boavizta_rows(
    path: Path, countries: dict[str, str], version: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Rows of the other criteria from Boavizta's ``factors.yml``, for CodeCarbon's countries."""
    electricity = yaml.safe_load(path.read_text(encoding="utf-8"))["electricity"]
    rows = []
    for iso3 in sorted(countries):
        entry = electricity.get(iso3)
        if not isinstance(entry, dict):
            continue
        for criterion, (name, unit, source) in BOAVIZTA_CRITERIA.items():
            record = entry.get(name)
            if not isinstance(record, dict):
                continue
            value = record.get("value")
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            if record.get("unit") != unit:
                raise SystemExit(f"{iso3} {name}: unit {record.get('unit')!r}, expected {unit!r}")
            if value < 0:
                print(f"warning: {iso3} {name}: negative value {value}, refused", file=sys.stderr)
                continue
            rows.append(
                {
                    "country": iso3,
                    "country_name": countries[iso3],
                    "criterion": criterion,
                    "value": float(value),
                    "unit": f"{CRITERION_UNITS[criterion]}/kWh",
                    "source": source,
                    "source_year": str(record.get("reference_year", "")).replace(" & ", "-"),
                }
            )
    digest = sha256(path)
    common = {
        "version": version,
        "file_sha256": digest,
        "url": f"https://pypi.org/project/boaviztapi/{version}/",
        "licence": "AGPL-3.0 (Boavizta's compilation); figures of ADEME Base IMPACTS, whose "
        "terms restrict reuse of the database (docs/factors.md, Licences)",
    }
    sources = {
        "boavizta-base-impacts": {
            **common,
            "title": f"Boavizta API {version}, boaviztapi/data/factors.yml, electricity "
            "(ADEME Base IMPACTS®, 2011)",
            "data": "ADEME Base IMPACTS® 2011, EF 3.0 indicators per kWh of electricity",
        },
        "boavizta-pe": {
            **common,
            "title": f"Boavizta API {version}, boaviztapi/data/factors.yml, electricity pe "
            "(ADPf / (1 - renewable share))",
            "data": "Boavizta's primary energy: ADEME Base IMPACTS® 2011 fossil-resource use "
            "(ADPf) divided by the non-renewable share of the mix (2016)",
        },
        "boavizta-wri": {
            **common,
            "title": f"Boavizta API {version}, boaviztapi/data/factors.yml, electricity wu "
            "(WRI 2020)",
            "data": "World Resources Institute (2020), Guidance for calculating water use "
            "embedded in purchased electricity: water consumed per kWh",
            "licence": "AGPL-3.0 (Boavizta's compilation); WRI data CC BY 4.0",
        },
    }
    return rows, sources


def write(folder: Path, rows: list[dict[str, Any]], sources: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    order = {c: i for i, c in enumerate(CRITERION_UNITS)}
    rows.sort(key=lambda r: (r["country"], order[r["criterion"]]))
    with (folder / "grid.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([repr(row[c]) if c == "value" else row[c] for c in HEADER])
    header = (
        "# Sources of grid.csv, written by scripts/make_grid_snapshot.py; one entry per\n"
        "# value of its source column.\n"
    )
    text = yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=True, width=100)
    (folder / "grid.yaml").write_text(header + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the dataset version's folder")
    parser.add_argument("--codecarbon-date", required=True, help="date the mix file last changed")
    parser.add_argument("--boavizta-factors", type=Path, help="Boavizta API's factors.yml")
    parser.add_argument("--boavizta-version", default="2.5.0")
    args = parser.parse_args(argv)
    rows, codecarbon = codecarbon_rows()
    codecarbon["date"] = args.codecarbon_date
    sources: dict[str, Any] = {"codecarbon": codecarbon}
    if args.boavizta_factors is not None:
        names = {r["country"]: r["country_name"] for r in rows}
        more, boavizta = boavizta_rows(args.boavizta_factors, names, args.boavizta_version)
        rows += more
        sources.update(boavizta)
    write(args.folder, rows, sources)
    print(
        f"{args.folder / 'grid.csv'}: {len(rows)} values, {len({r['country'] for r in rows})} "
        "countries"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
