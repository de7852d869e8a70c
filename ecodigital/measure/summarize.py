"""``ecodigital measurements summarize``: runs, duration, energy and emissions per group.

A group is a project (CodeCarbon's ``project_name``, which ``ecodigital measure
--label`` sets) and an experiment id. Energy per run and per hour are given as
min / median / max over the group's runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.measure.read import Runs

__all__ = ["SUMMARY_COLUMNS", "render_summary", "summarize_runs"]

SECONDS_PER_HOUR: Final = 3600.0
SUMMARY_COLUMNS: Final = (
    "project", "experiment_id", "runs", "duration_h", "energy_kwh", "emissions_kgco2e",
    "energy_kwh_per_run_min", "energy_kwh_per_run_median", "energy_kwh_per_run_max",
    "energy_kwh_per_hour_min", "energy_kwh_per_hour_median", "energy_kwh_per_hour_max",
    "countries", "codecarbon_versions",
)  # fmt: skip


def summarize_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (project, experiment) with totals and per-run / per-hour spreads.

    ``energy_kwh_per_hour`` of a run is its energy divided by its duration in
    hours (its mean power in kW).
    """
    import pandas as pd

    def labels(column: str, missing: str = "") -> pd.Series:
        values = runs[column].astype("category")
        if missing not in values.cat.categories:
            values = values.cat.add_categories([missing])
        return values.fillna(missing)

    frame = pd.DataFrame(
        {
            "project": labels("project_name"),
            "experiment_id": labels("experiment_id"),
            "duration_h": runs["duration_s"].to_numpy(dtype=float) / SECONDS_PER_HOUR,
            "energy_kwh": runs["energy_kwh"].to_numpy(dtype=float),
            "emissions_kgco2e": runs["emissions_kgco2e"].to_numpy(dtype=float),
            "country": labels("country", "?"),
            "version": labels("codecarbon_version", "?"),
        }
    )
    frame["per_hour"] = frame["energy_kwh"] / frame["duration_h"]
    groups = frame.groupby(["project", "experiment_id"], sort=True, observed=True)
    summary = groups.agg(
        runs=("energy_kwh", "size"),
        duration_h=("duration_h", "sum"),
        energy_kwh=("energy_kwh", "sum"),
        emissions_kgco2e=("emissions_kgco2e", "sum"),
        energy_kwh_per_run_min=("energy_kwh", "min"),
        energy_kwh_per_run_median=("energy_kwh", "median"),
        energy_kwh_per_run_max=("energy_kwh", "max"),
        energy_kwh_per_hour_min=("per_hour", "min"),
        energy_kwh_per_hour_median=("per_hour", "median"),
        energy_kwh_per_hour_max=("per_hour", "max"),
    )
    pairs = frame[["project", "experiment_id", "country", "version"]]
    summary["countries"] = _joined(pairs, "country")
    summary["codecarbon_versions"] = _joined(pairs, "version")
    return summary.reset_index()[list(SUMMARY_COLUMNS)]


def _joined(pairs: pd.DataFrame, column: str) -> pd.Series:
    distinct = pairs.drop_duplicates(["project", "experiment_id", column])
    return distinct.groupby(["project", "experiment_id"], sort=True, observed=True)[column].agg(
        lambda values: " ".join(sorted(str(v) for v in values))
    )


def render_summary(runs: Runs, output_format: str, lang: str = "fr") -> str:
    """The summary as a readable table, CSV or JSON (with the reading warnings)."""
    summary = summarize_runs(runs.frame)
    if output_format == "csv":
        return str(summary.to_csv(index=False, float_format="%.9g"))
    if output_format == "json":
        data: dict[str, Any] = {
            "format": "ecodigital-measurements-summary/1",
            "files": [str(f) for f in runs.files],
            "units": {
                "duration_h": "h",
                "energy_kwh": "kWh",
                "emissions_kgco2e": "kgCO2e (CodeCarbon's own figure)",
                "energy_kwh_per_hour": "kWh/h (mean kW)",
            },
            "groups": [
                _json_row({str(k): v for k, v in row.items()})
                for row in summary.to_dict(orient="records")
            ],
            "warnings": [w.as_dict() for w in runs.warnings],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return _table(summary, runs, lang)


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and value != value:
            value = None
        out[key] = value.split() if key in ("countries", "codecarbon_versions") else value
    return out


def _table(summary: pd.DataFrame, runs: Runs, lang: str) -> str:
    from ecodigital.i18n import text, warning_text
    from ecodigital.i18n.format import format_count

    def g(value: Any) -> str:
        return _g(value, lang)

    lines: list[str] = []
    row: Any
    for row in summary.itertuples(index=False):
        experiment = (
            text("measure.summary.experiment", lang, id=row.experiment_id)
            if row.experiment_id
            else ""
        )
        per_run = (row.energy_kwh_per_run_min, row.energy_kwh_per_run_median,
                   row.energy_kwh_per_run_max)  # fmt: skip
        per_hour = (row.energy_kwh_per_hour_min, row.energy_kwh_per_hour_median,
                    row.energy_kwh_per_hour_max)  # fmt: skip
        runs_words = text(
            "measure.summary.runs", lang, n=int(row.runs), count=format_count(int(row.runs), lang)
        )
        totals = text(
            "measure.summary.totals",
            lang,
            runs=runs_words,
            hours=g(row.duration_h),
            energy=g(row.energy_kwh),
            emissions=g(row.emissions_kgco2e),
            countries=row.countries,
            versions=row.codecarbon_versions,
        )
        lines += [
            *_fit(f"{row.project or text('measure.summary.no_project', lang)}{experiment}", ""),
            *_fit(totals, "  "),
            *_fit(_spread("measure.summary.per_run", per_run, lang), "  "),
            *_fit(_spread("measure.summary.per_hour", per_hour, lang), "  "),
            "",
        ]
    for warning in runs.warnings:
        words = warning_text(warning.code, warning.params, lang)
        lines += _fit(text("cli.warning", lang, code=warning.code, message=words), "")
    return "\n".join(lines).rstrip("\n") + "\n"


def _fit(line: str, indent: str) -> list[str]:
    """A line wrapped to the terminal's width (the measure package needs no renderer)."""
    import textwrap

    from ecodigital.terminal import wrap_width

    return textwrap.wrap(
        line, wrap_width(), initial_indent=indent, subsequent_indent=indent + "  ",
        break_on_hyphens=False, break_long_words=False,
    )  # fmt: skip


def _spread(key: str, values: tuple[Any, Any, Any], lang: str) -> str:
    from ecodigital.i18n import text

    low, median, high = (_g(value, lang) for value in values)
    return text(key, lang, low=low, median=median, high=high)


def _g(value: Any, lang: str) -> str:
    from ecodigital.i18n.format import format_number

    return format_number(float(value), lang, 4, trim=True)
