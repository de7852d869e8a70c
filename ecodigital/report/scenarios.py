"""The comparison of ``ecodigital scenarios``: a table or JSON, read from the results."""

from __future__ import annotations

import textwrap
from typing import Any

from ecodigital.assessment.results import Results, Variant
from ecodigital.i18n import catalogue, label
from ecodigital.i18n.format import format_count
from ecodigital.report.note.scenarios import lever_name
from ecodigital.report.views import render
from ecodigital.terminal import text_table, wrap_width
from ecodigital.vocabulary import CRITERIA

__all__ = ["SCENARIOS_FORMAT", "render_scenarios"]

SCENARIOS_FORMAT = "ecodigital-scenarios/2"


def _plain(text: str) -> str:
    return text.replace("\u2060", "").replace("\u00a0", " ")


def render_scenarios(results: Results, output_format: str, lang: str = "fr") -> str:
    """The text of ``scenarios --format output_format``."""
    if results.scenarios is None:
        raise ValueError("these results have no scenarios")
    if output_format == "json":
        from ecodigital.jsonio import dumps

        data = results.to_json()
        return dumps(
            {
                "format": SCENARIOS_FORMAT,
                "project": data["project"],
                "user_years": data["user_years"],
                "scenarios": data["scenarios"],
            }
        )
    return _table_text(results, lang)


def _rows(variant: Variant, criteria: list[str], lang: str) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for criterion in criteria:
        gap = variant.criteria[criterion]
        if gap.value.value is None:
            continue
        rows.append(
            (
                f"{label(criterion + '_short', lang)} ({criterion})",
                _plain(render(gap.value, "full", lang)),
                _plain(render(gap.change, "change", lang)),
                _plain(render(gap.change_pct, "change_pct", lang)),
                _plain(render(gap.per_user_year, "value", lang)),
            )
        )
    return rows


def _table_text(results: Results, lang: str) -> str:
    scenarios = results.scenarios
    assert scenarios is not None
    colon = catalogue(lang).text("note.colon") + " "
    header = (
        label("criterion", lang),
        label("value", lang),
        label("change", lang),
        "%",
        label("per_user_year_short", lang),
    )
    out: list[Any] = [results.project.name, "", label("baseline", lang)]
    out += text_table(
        [
            (
                f"{label(c + '_short', lang)} ({c})",
                _plain(render(scenarios.baseline[c], "full", lang)),
            )
            for c in CRITERIA
            if scenarios.baseline[c].value is not None
        ]
    )
    for variant in scenarios.scenarios:
        out += ["", f"{label('scenario', lang)}{colon}{variant.name}"]
        out += text_table([header, *_rows(variant, list(CRITERIA), lang)])
    if scenarios.levers:
        out += ["", label("levers", lang)]
        rows: list[tuple[str, ...]] = [(label("scenario", lang), *header[1:])]
        for lever in scenarios.levers:
            rows += [(lever_name(lever, lang), *row[1:]) for row in _rows(lever, ["gwp"], lang)]
        out += text_table(rows)
    if scenarios.draws:
        note = label("ranges_note", lang).format(
            draws=format_count(scenarios.draws, lang), seed=scenarios.seed
        )
        out += ["", *textwrap.wrap(note, wrap_width(), break_on_hyphens=False)]
    return "\n".join(out) + "\n"
