"""Compute ``reference.json``: Boavizta API 2.5.0's own figures for the equipment ecodigital prices.

Boavizta API is AGPL-3.0 and never a dependency of ecodigital: this script runs
once, by hand, in a separate virtual environment, and its output is committed.

    python3 -m venv /tmp/boavizta && /tmp/boavizta/bin/pip install boaviztapi==2.5.0 httpx
    /tmp/boavizta/bin/python tests/factors/data/boavizta-2.5.0/make_reference.py

It calls the API in process (FastAPI's test client, no network) and records
the raw floats of every figure: Boavizta rounds what its API returns to the
uncertainty of each figure (``server-medium`` gwp 952.8 kgCO2e is returned as
900), so the rounding is switched off here.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from boaviztapi.models.impact import Impact

# Boavizta's rounding, off: the figures are those of its model, to the last bit.
Impact.rounded_value = lambda self: self.value  # type: ignore[method-assign]
Impact.rounded_min = lambda self: self.min  # type: ignore[method-assign]
Impact.rounded_max = lambda self: self.max  # type: ignore[method-assign]

import yaml  # noqa: E402
from boaviztapi import data_dir  # noqa: E402
from boaviztapi.main import app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

OUT = Path(__file__).with_name("reference.json")
CRITERIA = ["gwp", "adp", "pe", "adpe", "ap", "pm", "ir", "wu"]
QUERY = "&".join(f"criteria={c}" for c in CRITERIA)
HOURS_PER_YEAR = 8760
LOCATIONS = ["FRA", "DEU"]
SERVERS = ["platform_compute_low", "platform_compute_medium", "platform_compute_high"]
INSTANCES = [("aws", "m5.large"), ("aws", "c5.xlarge"), ("gcp", "n2-standard-4")]
TERMINALS = [
    ("terminal/laptop", "laptop-pro"),
    ("terminal/desktop", "desktop-pro"),
    ("terminal/desktop", "desktop-perso"),
    ("terminal/smartphone", "smartphone-default"),
    ("terminal/tablet", "tablet-default"),
    ("terminal/box", "box-default"),
    ("terminal/television", "tv-perso"),
    ("peripheral/monitor", "monitor-default"),
]
ELECTRICITY = ["FRA", "DEU", "POL", "SWE"]

client = TestClient(app)


def call(method: str, url: str, body: Any = None) -> dict[str, Any]:
    response = client.request(method, url, json=body)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def impacts(answer: dict[str, Any]) -> dict[str, Any]:
    """``{criterion: {embedded: {value, min, max} | None, use: ...}}`` without the text."""
    out = {}
    for criterion, record in answer["impacts"].items():
        out[criterion] = {
            phase: None
            if isinstance(record[phase], str)
            else {k: record[phase][k] for k in ("value", "min", "max")}
            for phase in ("embedded", "use")
        }
    return out


def components(verbose: dict[str, Any]) -> dict[str, Any]:
    """The embedded gwp, adp and pe of each component (``CPU-1``, ``RAM-1``...)."""
    return {
        name: {
            criterion: part["impacts"][criterion]["embedded"]["value"]
            for criterion in ("gwp", "adp", "pe")
        }
        for name, part in verbose.items()
        if isinstance(part, dict) and "impacts" in part and isinstance(part["impacts"], dict)
    }


def attribute(verbose: dict[str, Any], name: str) -> dict[str, Any]:
    value = verbose[name]
    return {k: value[k] for k in ("value", "min", "max", "unit") if k in value}


def server(archetype: str) -> dict[str, Any]:
    whole_life = call("GET", f"/v1/server/?archetype={archetype}&verbose=true&{QUERY}")
    verbose = whole_life["verbose"]
    use = {}
    for location in LOCATIONS:
        body = {"usage": {"usage_location": location}}
        year = call(
            "POST",
            f"/v1/server/?archetype={archetype}&verbose=false&duration={HOURS_PER_YEAR}&{QUERY}",
            body,
        )
        use[location] = impacts(year)
    return {
        "request": f"GET /v1/server/?archetype={archetype}&verbose=true (whole life)",
        "hours_life_time": attribute(verbose, "hours_life_time"),
        "avg_power": attribute(verbose, "avg_power"),
        "embedded_whole_life": impacts(whole_life),
        "components": components(verbose),
        "one_year": use,
    }


def instance(provider: str, instance_type: str) -> dict[str, Any]:
    per_location = {}
    verbose: dict[str, Any] = {}
    for location in LOCATIONS:
        body = {
            "provider": provider,
            "instance_type": instance_type,
            "usage": {"usage_location": location},
        }
        answer = call(
            "POST", f"/v1/cloud/instance?verbose=true&duration={HOURS_PER_YEAR}&{QUERY}", body
        )
        per_location[location] = impacts(answer)
        verbose = answer["verbose"]
    return {
        "request": f"POST /v1/cloud/instance?verbose=true&duration={HOURS_PER_YEAR}",
        "vcpu": verbose["vcpu"]["value"],
        "memory_gb": verbose["memory"]["value"],
        "hours_life_time": attribute(verbose, "hours_life_time"),
        "avg_power": attribute(verbose, "avg_power"),
        "components": components(verbose),
        "one_year": per_location,
    }


def drive(kind: str, capacity_gb: float) -> dict[str, Any]:
    import csv

    answer = call("POST", f"/v1/component/{kind}?verbose=true&{QUERY}", {"capacity": capacity_gb})
    # the component archetype's default life (the API's verbose answer does not repeat it)
    with Path(data_dir, "archetypes", "components", f"{kind}.csv").open(encoding="utf-8") as f:
        archetype = next(csv.DictReader(f))
    return {
        "request": f"POST /v1/component/{kind}?verbose=true with capacity {capacity_gb} GB",
        "capacity_gb": capacity_gb,
        "archetype_hours_life_time": float(archetype["USAGE.hours_life_time"]),
        "embedded_whole_life": impacts(answer),
    }


def terminal(route: str, archetype: str) -> dict[str, Any]:
    answer = call("GET", f"/v1/{route}?archetype={archetype}&verbose=true&{QUERY}")
    return {
        "request": f"GET /v1/{route}?archetype={archetype}",
        "hours_life_time": attribute(answer["verbose"], "hours_life_time"),
        "embedded_whole_life": impacts(answer),
    }


def electricity() -> dict[str, Any]:
    factors = yaml.safe_load(Path(data_dir, "factors.yml").read_text(encoding="utf-8"))
    table = factors["electricity"]
    return {
        country: {
            name: {k: record[k] for k in ("value", "unit", "source", "reference_year")}
            for name, record in table[country].items()
            if isinstance(record, dict)
        }
        for country in ELECTRICITY
    }


def main() -> None:
    reference = {
        "boaviztapi": metadata.version("boaviztapi"),
        "python": platform.python_version(),
        "note": "raw floats of Boavizta API's model (its rounding switched off); see README.md",
        "servers": {name: server(name) for name in SERVERS},
        "cloud": {f"{p}/{t}": instance(p, t) for p, t in INSTANCES},
        "storage": {"ssd-4000gb": drive("ssd", 4000), "hdd-15000gb": drive("hdd", 15000)},
        "terminals": {name: terminal(route, name) for route, name in TERMINALS},
        "electricity": electricity(),
    }
    OUT.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main()
