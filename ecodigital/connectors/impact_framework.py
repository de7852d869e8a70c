"""Export an assessment as a Green Software Foundation Impact Framework manifest.

The manifest (Impact Framework 1.x, run by ``if-run`` of npm ``@grnsft/if``)
re-expresses the result's climate figures with IF's standard builtins only,
so that anyone can run it, read how each figure is made and change an input:

- one child node per item, grouped under its tier, one observation per
  horizon year (``duration`` of that calendar year, in seconds); a year in
  which the item is not active has zero energy and zero embodied carbon;
- electricity-based items: ``energy`` (kWh) and ``grid/carbon-intensity``
  (gCO2e/kWh), multiplied (``Multiply``) into ``carbon-operational``;
- items priced per GB (network): ``network/data-gb`` (GB) times the
  factor's gCO2e per GB (``Coefficient``, one plugin per factor row);
- ``carbon-embodied`` (gCO2e): the result's manufacturing, distribution and
  end-of-life figures of that item and year;
- ``Sum`` gives ``carbon``, and ``Sci`` divides it by ``user-years``, the
  horizon's user-years, so that the SCI summed over years and items is the
  result's SCI, ``(E x I + M) / R`` (ISO/IEC 21031:2024).

Every input is read from the result (:mod:`ecodigital.connectors.results`):
``energy`` is the item's use-phase gwp divided by the grid factor of its
location, ``network/data-gb`` its use-phase gwp divided by the factor's gwp
per GB; nothing is modelled a second time. Phases the sources do not give are
not counted (as in the result's "≥" sums) and are named in the node's
``ecodigital/unknown-phases``. Only the climate criterion travels: IF's SCI
is a carbon score.
"""

from __future__ import annotations

import calendar
from typing import TYPE_CHECKING, Any, Final

from ecodigital import __version__
from ecodigital.vocabulary import EMBODIED_PHASES

if TYPE_CHECKING:
    from ecodigital.connectors.results import ItemInputs, ResultFigures

__all__ = ["G_PER_KG", "IF_VERSION", "manifest", "manifest_yaml"]

#: The Impact Framework release the manifests are written for and tested with.
IF_VERSION: Final = "1.1.0"
G_PER_KG: Final = 1000.0
SECONDS_PER_DAY: Final = 86_400

_SUM_SUM: Final = {"time": "sum", "component": "sum"}


def _metadata(unit: str, description: str) -> dict[str, Any]:
    return {"unit": unit, "description": description, "aggregation-method": dict(_SUM_SUM)}


def manifest(figures: ResultFigures) -> dict[str, Any]:
    """The manifest of ``figures`` as plain data (see the module docstring)."""
    plugins: dict[str, Any] = {
        "operational-carbon": {
            "method": "Multiply",
            "path": "builtin",
            "config": {
                "input-parameters": ["energy", "grid/carbon-intensity"],
                "output-parameter": "carbon-operational",
            },
            "parameter-metadata": {
                "inputs": {
                    "energy": _metadata("kWh", "use-phase electricity of the item, a year"),
                    "grid/carbon-intensity": {
                        "unit": "gCO2e/kWh",
                        "description": "grid factor of the item's location",
                        "aggregation-method": {"time": "avg", "component": "avg"},
                    },
                },
                "outputs": {
                    "carbon-operational": _metadata("gCO2e", "use phase (E x I)"),
                },
            },
        },
    }
    network_plugins: dict[str, str] = {}
    children: dict[str, dict[str, Any]] = {}
    for item in figures.items:
        pipeline = ["operational-carbon"]
        if item.basis in ("gb", "year"):
            name = network_plugins.get(item.factor_id)
            if name is None:
                name = network_plugins[item.factor_id] = f"use-carbon-{item.factor_id}"
                plugins[name] = _coefficient_plugin(figures, item)
            pipeline = [name]
        node = {
            "pipeline": {"compute": [*pipeline, "sum-carbon", "sci"]},
            "defaults": _defaults(figures, item),
            "inputs": _observations(figures, item),
        }
        tier = children.setdefault(item.tier, {"children": {}})
        tier["children"][item.id] = node
    plugins["sum-carbon"] = {
        "method": "Sum",
        "path": "builtin",
        "config": {
            "input-parameters": ["carbon-operational", "carbon-embodied"],
            "output-parameter": "carbon",
        },
        "parameter-metadata": {
            "inputs": {
                "carbon-operational": _metadata("gCO2e", "use phase (E x I)"),
                "carbon-embodied": _metadata(
                    "gCO2e", "manufacturing, distribution and end of life (M), amortised"
                ),
            },
            "outputs": {"carbon": _metadata("gCO2e", "E x I + M")},
        },
    }
    plugins["sci"] = {
        "method": "Sci",
        "path": "builtin",
        "config": {"functional-unit": "user-years"},
        "parameter-metadata": {
            "inputs": {
                "user-years": {
                    "unit": "user-years",
                    "description": "user-years of the whole horizon (R)",
                    "aggregation-method": {"time": "copy", "component": "copy"},
                },
            },
            # Each observation's sci is its share of the horizon's SCI: summed, not averaged.
            "outputs": {"sci": _metadata("gCO2e/user-year", "(E x I + M) / R")},
        },
    }
    project = figures.project
    return {
        "name": f"ecodigital: {project['name']}",
        "description": _description(figures),
        "tags": {"kind": "ecodigital-assessment", "complexity": "simple", "category": "lca"},
        "aggregation": {
            "metrics": ["carbon", "carbon-operational", "carbon-embodied", "sci"],
            "type": "both",
        },
        "initialize": {"plugins": plugins},
        "tree": {"children": children},
    }


def _coefficient_plugin(figures: ResultFigures, item: ItemInputs) -> dict[str, Any]:
    factor = figures.factors_used[item.factor_id]
    per_gb = float(factor["values"]["gwp_use_kgco2e"])
    return {
        "method": "Coefficient",
        "path": "builtin",
        "config": {
            "input-parameter": "network/data-gb",
            "coefficient": per_gb * G_PER_KG,
            "output-parameter": "carbon-operational",
        },
        "parameter-metadata": {
            "inputs": {
                "network/data-gb": _metadata("GB", f"data transferred, priced by {item.factor_id}")
            },
            "outputs": {
                "carbon-operational": _metadata(
                    "gCO2e", f"{factor['source']} ({factor['source_year']}), gCO2e per GB"
                )
            },
        },
    }


def _defaults(figures: ResultFigures, item: ItemInputs) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "user-years": figures.user_years,
        "ecodigital/kind": item.kind,
        "ecodigital/factor": item.factor_id,
        "ecodigital/location": item.location,
    }
    if item.basis not in ("gb", "year"):
        intensity = figures.grid[item.location]["gwp"]
        assert intensity is not None  # the reader refuses a result without it
        defaults["grid/carbon-intensity"] = intensity * G_PER_KG
    unknown = figures.unknown_phases(item.id)
    if unknown:
        defaults["ecodigital/unknown-phases"] = ", ".join(unknown)
    return defaults


def _observations(figures: ResultFigures, item: ItemInputs) -> list[dict[str, Any]]:
    embodied = figures.gwp_per_year(item.id, EMBODIED_PHASES)
    use = figures.gwp_per_year(item.id, ("use",))
    direct = item.basis in ("gb", "year")
    energy = None if direct else figures.energy_kwh_per_year(item.id)
    per_gb = (
        float(figures.factors_used[item.factor_id]["values"]["gwp_use_kgco2e"]) if direct else 0.0
    )
    observations = []
    for index in range(figures.horizon_years):
        year = figures.start_year + index
        observation: dict[str, Any] = {
            "timestamp": f"{year}-01-01T00:00:00.000Z",
            "duration": (366 if calendar.isleap(year) else 365) * SECONDS_PER_DAY,
            "carbon-embodied": (embodied[index] or 0.0) * G_PER_KG,
        }
        if energy is not None:
            observation["energy"] = energy[index]
        else:
            observation["network/data-gb"] = (use[index] or 0.0) / per_gb if per_gb else 0.0
        observations.append(observation)
    return observations


def _description(figures: ResultFigures) -> str:
    dataset = figures.factors_dataset
    return (
        f"Climate figures of {figures.source} assessed by ecodigital {figures.tool_version} "
        f"with {dataset.get('name')} {dataset.get('version')}, exported by ecodigital "
        f"{__version__} for Impact Framework {IF_VERSION}. Horizon {figures.start_year}-"
        f"{figures.start_year + figures.horizon_years - 1}, {figures.user_years:g} user-years. "
        "Inputs are read from the assessment's result; phases its sources do not give are "
        "not counted (see ecodigital/unknown-phases), so totals marked partial there are "
        "lower bounds here too."
    )


def manifest_yaml(figures: ResultFigures) -> str:
    """The manifest as YAML text."""
    import yaml

    return yaml.safe_dump(
        manifest(figures), sort_keys=False, allow_unicode=True, default_flow_style=False
    )
