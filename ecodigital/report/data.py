"""The machine-readable result of an assessment (``assess --format json``).

The same dictionary feeds the tables, the note and the instructors' tools, so
that every output shows the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ecodigital import __version__
from ecodigital.vocabulary import CRITERIA, CRITERION_COLUMN_SUFFIXES, PHASES, TIER_BY_KIND

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.assessment import Assessment
    from ecodigital.engine.propagation import Propagation

__all__ = ["RESULT_FORMAT", "assessment_data", "long_rows", "uncertainty_stats"]

RESULT_FORMAT = "ecodigital-assessment/1"


def _clean(value: Any) -> Any:
    """JSON-safe scalars: NaN becomes None, numpy scalars become Python ones."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    return [
        {column: _clean(value) for column, value in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False, name=None)
    ]


def long_rows(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The long table as records (unknown values as None)."""
    from ecodigital.engine.compute import LONG_COLUMNS

    frame = rows.copy()
    for column in ("item", "kind", "tier", "phase", "criterion", "unit", "quality"):
        frame[column] = frame[column].astype(str)
    return _records(frame, list(LONG_COLUMNS))


def assessment_data(
    assessment: Assessment,
    *,
    include_rows: bool = True,
    max_items: int | None = None,
    uncertainty: Propagation | None = None,
    drivers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything ``assess`` knows, as plain JSON-ready data.

    ``max_items`` keeps only the largest contributors in ``by_item`` (all by default).
    ``uncertainty`` adds the Monte Carlo ranges of every aggregate, ``drivers``
    the inputs that drive the result (see :mod:`ecodigital.engine.propagation`).
    """
    from ecodigital.engine.aggregate import cube, per_user_year, sci_per_user, summarize, totals

    rows = assessment.rows
    summary = cube(rows)
    model = assessment.dossier.model
    project = model.project
    users = assessment.users_per_year
    summary_columns = ["criterion", "value", "unit", "complete", "unknown_rows"]

    by_item = summarize(rows, ["item"])
    items = assessment.dossier.items.set_index("id")
    by_item["kind"] = items["kind"].reindex(by_item["item"]).to_numpy()
    tiers = items["kind"].map(TIER_BY_KIND).where(items["kind"] != "custom", items["tier"])
    by_item["tier"] = tiers.reindex(by_item["item"]).to_numpy()
    gwp_items = by_item[by_item["criterion"] == "gwp"].sort_values("value", ascending=False)
    other_items = by_item[by_item["criterion"] != "gwp"]
    if max_items is not None:
        gwp_items = gwp_items.head(max_items)
        other_items = other_items[other_items["item"].isin(set(gwp_items["item"]))]

    data: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "tool": {"name": "ecodigital", "version": __version__},
        "project": {
            "name": project.name,
            "beneficiary": project.beneficiary.model_dump(),
            "country": project.country,
            "start_year": project.start_year,
            "duration_years": project.duration_years,
            "horizon_years": project.horizon_years,
            "users_per_year": users,
            "institutions": project.institutions,
        },
        "factors_dataset": {
            "name": assessment.factors.name,
            "version": assessment.factors.version,
            "date": assessment.factors.date,
            "user_files": assessment.factors.user_files,
            "overrides": [vars(o) for o in assessment.factors.overrides],
        },
        "totals": totals(summary),
        "by_tier": _records(summarize(summary, ["tier"]), ["tier", *summary_columns]),
        "by_phase": _records(summarize(summary, ["phase"]), ["phase", *summary_columns]),
        "by_year": _records(summarize(summary, ["year"]), ["year", *summary_columns]),
        "by_item": _records(gwp_items, ["item", "kind", "tier", *summary_columns])
        + _records(other_items, ["item", "kind", "tier", *summary_columns]),
        "per_functional_unit": {
            "per_user_year": per_user_year(summary, users),
            "sci": sci_per_user(summary, users),
        },
        "quality_shares": quality_shares(summary),
        "measurements": [
            {key: _clean(value) for key, value in record.items()}
            for record in assessment.measurements
        ],
        "electricity": _electricity(assessment),
        "factors_used": _factors_used(assessment),
        "warnings": [w.as_dict() for w in assessment.warnings],
    }
    if uncertainty is not None:
        ranges = uncertainty.as_dict()
        listed = {r["item"] for r in data["by_item"]}
        ranges["by_item"] = [r for r in ranges["by_item"] if r["item"] in listed]
        data["uncertainty"] = ranges
        data["warnings"] += [w.as_dict() for w in uncertainty.warnings]
    if drivers is not None:
        data["drivers"] = drivers
    if include_rows:
        data["rows"] = long_rows(rows)
    return data


def uncertainty_stats(data: Mapping[str, Any], section: str, **keys: Any) -> dict[str, Any] | None:
    """The Monte Carlo statistics (``p5``, ``p50``, ``p95``, ``mean``) of one aggregate.

    ``section`` is a key of ``data["uncertainty"]`` (``totals``, ``by_tier``,
    ``per_user_year``, ``sci``...); ``keys`` pick the record (``criterion="gwp"``,
    ``tier="network"``...). ``None`` when the data has no ranges or no such record.
    """
    ranges = data.get("uncertainty")
    if not ranges or section not in ranges:
        return None
    part = ranges[section]
    if isinstance(part, dict):
        return part.get(keys["criterion"]) if "criterion" in keys and len(keys) == 1 else part
    return next((r for r in part if all(r.get(k) == v for k, v in keys.items())), None)


def quality_shares(rows: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Share of each criterion's known total by data quality (measured, modelled...)."""
    from ecodigital.engine.aggregate import summarize

    shares: dict[str, dict[str, float]] = {}
    table = summarize(rows, ["quality"]).dropna(subset=["value"])
    for criterion, part in table.groupby("criterion", sort=False):
        total = float(part["value"].sum())
        if total > 0:
            shares[str(criterion)] = {
                str(q): float(v) / total
                for q, v in zip(part["quality"], part["value"], strict=True)
            }
    return shares


def _electricity(assessment: Assessment) -> list[dict[str, Any]]:
    grid = assessment.grid.reset_index()
    columns = ["country", "gwp_per_kwh", "source", "year", "origin", "factor_id"]
    records = _records(grid, columns)
    for record in records:
        record["unit"] = "kgCO2e/kWh"
    return records


def _factors_used(assessment: Assessment) -> list[dict[str, Any]]:
    components = assessment.result.components
    ids = sorted(set(components["factor_id"].astype(str)))
    # the PUE rows that gave data-centre items their default PUE
    ids.extend(
        sorted(
            {
                str(i)
                for i in components["pue_from_factor"]
                if isinstance(i, str) and i in assessment.factors.frame.index and i not in ids
            }
        )
    )
    ids.extend(
        i for i in assessment.grid.get("factor_id", []) if isinstance(i, str) and i not in ids
    )
    frame = assessment.factors.frame.loc[ids].reset_index()
    columns = [
        "id", "kind", "label", "basis", "source", "source_title", "source_url",
        "source_year", "licence", "origin",
    ]  # fmt: skip
    records = _records(frame, columns)
    wanted = {f"{c}_{p}_{CRITERION_COLUMN_SUFFIXES[c]}" for c in CRITERIA for p in PHASES}
    impacts = [c for c in frame.columns if c in wanted]
    for record, (_, row) in zip(records, frame.iterrows(), strict=True):
        record["values"] = {c: _clean(row[c]) for c in impacts if _clean(row[c]) is not None}
        for parameter in (
            "lifetime_years",
            "power_w",
            "pue",
            "uncertainty_low",
            "uncertainty_high",
        ):
            if _clean(row[parameter]) is not None:
                record[parameter] = _clean(row[parameter])
    return records
