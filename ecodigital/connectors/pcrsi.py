"""Export an assessment in the PCR-SI data format (the response: an IS footprint).

The format is the one of the French working group on the footprint of
information systems (``Boavizta/PCR-SI_dataformat``, MIT, ``response.json``
and ``ImpactObject.md`` at commit 6eb360f, 2024-03-11): impacts keyed by
life-cycle step (``BLD``, ``DIS``, ``USE``, ``EOL``), then by indicator.

What maps to what (the words are in ``data/pcr-si.yaml``):

- phases: manufacturing ``BLD``, distribution ``DIS``, use ``USE``, end of
  life ``EOL``;
- criteria: gwp ``GWP`` (kg CO2 eq), adpe ``ADPe`` (kg Sb eq), pe ``TPE``
  (MJ, total primary energy), water ``WU`` (m3);
- ``tags``: the three tiers; ``details``: one entry per item, keyed by its id;
- ``quality``: the share of the climate figure by data quality, measured as
  ``high``, estimated by CodeCarbon and modelled as ``medium``, declared as
  ``low``.

A figure the sources do not give is left out (every step and indicator is
optional in the format), and so is a sum that would count an unknown part as
zero: :func:`omitted` lists them so that the command can say so. Values are
read from the result (:mod:`ecodigital.connectors.results`), over the horizon.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from ecodigital.vocabulary import CRITERIA, PHASES, TIERS

if TYPE_CHECKING:
    from ecodigital.connectors.results import ResultFigures

__all__ = ["PCRSI_COMMIT", "Omission", "omitted", "response", "response_json"]

#: The commit of Boavizta/PCR-SI_dataformat whose response format is written.
PCRSI_COMMIT: Final = "6eb360febff0b250be17654062b3ef1472bca239"


@dataclass(frozen=True)
class Omission:
    """A figure left out of the response: where, and whether unknown or partial."""

    where: str
    phase: str
    criterion: str
    partial: bool


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, Any]:
    from ecodigital.connectors.mapping import read_data

    return read_data("pcr-si.yaml")


def response(
    figures: ResultFigures, now: dt.datetime | None = None
) -> tuple[dict[str, Any], list[Omission]]:
    """The PCR-SI response of ``figures``, and the figures it leaves out."""
    words = _vocabulary()
    omitted: list[Omission] = []
    project = figures.project
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    dataset = figures.factors_dataset
    data: dict[str, Any] = {
        "metadata": {
            "organization": str(project["beneficiary"]["name"]),
            "dataset": str(project["name"]),
            "timestamp": stamp,
            "provider": f"ecodigital {figures.tool_version}",
            "sources": [{"name": str(dataset["name"]), "version": str(dataset["version"])}],
            "version": f"PCR-SI_dataformat@{PCRSI_COMMIT[:7]}",
            "indicators": [
                {
                    "indicator": words["indicators"][criterion]["code"],
                    "source": f"{dataset['name']} {dataset['version']}, "
                    f"{words['indicators'][criterion]['source']}",
                    "unit": words["indicators"][criterion]["unit"],
                }
                for criterion in CRITERIA
                if criterion in words["indicators"]
            ],
        },
        "total_impact": _impact(figures, {}, "total_impact", omitted),
        "tags": [
            {"name": tier, "impacts": _impact(figures, {"tier": tier}, f"tags.{tier}", omitted)}
            for tier in TIERS
            if any(row.tier == tier for row in figures.rows)
        ],
        "quality": _quality(figures.quality_shares.get("gwp", {}), words["quality"]),
        "details": {},
    }
    for item in figures.items:
        factor = figures.factors_used.get(item.factor_id, {})
        data["details"][item.id] = {
            "type": item.kind,
            "name": str(factor.get("label") or item.id),
            "tags": [item.tier],
            "quality": _item_quality(figures, item.id, words["quality"]),
            "impacts": _impact(figures, {"item": item.id}, f"details.{item.id}", omitted),
            "source": str(factor.get("source_url") or ""),
            "provider": f"{factor.get('source')} ({factor.get('source_year')})",
        }
    return data, omitted


def _impact(
    figures: ResultFigures, where: dict[str, Any], name: str, omitted: list[Omission]
) -> dict[str, dict[str, float]]:
    words = _vocabulary()
    impact: dict[str, dict[str, float]] = {}
    for phase in PHASES:
        step: dict[str, float] = {}
        for criterion in CRITERIA:
            if criterion not in words["indicators"]:
                continue  # no indicator of the format measures it (docs/formats.md)
            figure = figures.sum(phase=phase, criterion=criterion, **where)
            if figure.value is not None and figure.complete:
                step[words["indicators"][criterion]["code"]] = figure.value
            elif any(_selected(figures, phase, criterion, where)):
                omitted.append(Omission(name, phase, criterion, figure.value is not None))
        if step:
            impact[words["phases"][phase]] = step
    return impact


def _selected(figures: ResultFigures, phase: str, criterion: str, where: dict[str, Any]) -> Any:
    return (
        row
        for row in figures.rows
        if row.phase == phase
        and row.criterion == criterion
        and all(getattr(row, k) == v for k, v in where.items())
    )


def _quality(shares: Mapping[str, float], levels: Mapping[str, str]) -> dict[str, float]:
    result = {"high": 0.0, "medium": 0.0, "low": 0.0}
    for quality, share in shares.items():
        result[levels[quality]] += share
    return result


def _item_quality(figures: ResultFigures, item_id: str, levels: dict[str, str]) -> str:
    """The level covering the largest part of the item's climate figure."""
    weight: dict[str, float] = {}
    for row in figures.rows:
        if row.item == item_id and row.criterion == "gwp" and row.value is not None:
            level = levels[row.quality]
            weight[level] = weight.get(level, 0.0) + abs(row.value)
    return max(weight, key=lambda level: weight[level]) if weight else "low"


def response_json(figures: ResultFigures, now: dt.datetime | None = None) -> str:
    """The response as JSON text (UTF-8, indented)."""
    import json

    data, _ = response(figures, now)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def omitted(figures: ResultFigures) -> list[Omission]:
    """The figures the response leaves out (unknown, or a sum with an unknown part)."""
    return response(figures)[1]
