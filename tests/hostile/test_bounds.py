"""The engine at the bounds: every field at its documented extreme, results finite.

The dossier puts each numeric field at the end of its bounds that makes the
result largest (docs/limits.md), with a factor file whose values are at their
own upper bounds and the shortest lifetime. Within the bounds no product may
overflow: the JSON (written with allow_nan=False) must come out, every number
in it finite, with no warning on stderr. The largest figure is bounded by
hand: 1e9 laptops x 1e9 kgCO2e / 0.01 year over 3 years = 3e20 kgCO2e for
manufacturing, far from the 1.8e308 of a float.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from ecodigital.cli import cli

HIGHEST = {
    "format": "ecodigital/1",
    "project": {
        "name": "Bounds",
        "beneficiary": {"name": "X", "type": "commune"},
        "start_year": 2100,
        "duration_years": 3,
        "horizon_years": 3,
        "users_per_year": [1e10, 0, 1e10],
        "institutions": 1_000_000,
    },
    "inventory": [
        {"id": "t", "kind": "laptop", "quantity": 1e9, "lifetime_years": 0.01, "hours_per_day": 24,
         "days_per_year": 366, "power_w": 10_000},
        {"id": "r", "kind": "laptop", "quantity": {"low": 1e8, "high": 1e9},
         "lifetime_years": {"low": 0.01, "high": 50}, "power_w": {"low": 1, "high": 10_000}},
        {"id": "s", "kind": "server", "quantity": 1e9, "power_w": 100_000, "hours_per_year": 8784,
         "pue": 5},
        {"id": "c", "kind": "cloud_instance", "quantity": 1e9, "vcpu": 10_000, "memory_gb": 100_000,
         "hours_per_year": 8784, "pue": 5},
        {"id": "d", "kind": "storage", "quantity": 1e9, "capacity_tb": 1e6, "replicas": 100, "pue": 5},
        {"id": "n", "kind": "network", "quantity": 1e9, "gb_per_year": 1e12, "access": "mobile"},
        {"id": "g", "kind": "network", "gb_per_year": {"low": 1, "high": 1e12}},
    ],
}  # fmt: skip
#: The bundled laptop row, overridden with the largest values a factor row may hold.
FACTORS = (
    "id,gwp_manufacturing_kgco2e,gwp_end_of_life_kgco2e,lifetime_years,"
    "power_w,uncertainty_low,uncertainty_high\n"
    "laptop,1e9,1e9,0.01,10000,0.001,1000\n"
)


def numbers(node: Any) -> list[float]:
    if isinstance(node, bool) or node is None or isinstance(node, str):
        return []
    if isinstance(node, int | float):
        return [float(node)]
    if isinstance(node, dict):
        return [x for value in node.values() for x in numbers(value)]
    return [x for value in node for x in numbers(value)]


def test_the_engine_at_the_bounds_gives_finite_figures(tmp_path: Path) -> None:
    dossier = tmp_path / "d.yaml"
    dossier.write_text(yaml.safe_dump(HIGHEST), encoding="utf-8")
    (tmp_path / "f.csv").write_text(FACTORS, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["assess", str(dossier), "--factors", str(tmp_path / "f.csv"), "--format", "json",
         "--draws", "200", "--drivers"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no numpy overflow warning either
    data = json.loads(result.stdout)
    values = numbers(data)
    assert values and all(math.isfinite(v) for v in values)
    gwp = data["totals"]["gwp"]["value"]
    # manufacturing of item t alone: 1e9 x 1e9 / 0.01 x 3 years = 3e20 kgCO2e
    assert 3e20 <= gwp < 1e30
