"""Scenarios: the dossier's variants and the standard levers against the baseline."""

from __future__ import annotations

from typing import Any, Final

from ecodigital.assessment.results import Variant
from ecodigital.i18n import and_more, catalogue
from ecodigital.i18n.format import format_count, format_number
from ecodigital.report.note.common import Page

__all__ = ["lever_name", "scenarios_section"]

#: Items named in a lever's title at most; more are counted.
ITEMS_NAMED: Final = 3


def lever_name(variant: Variant, lang: str) -> str:
    """A standard lever's title in ``lang`` with its size, and the items it changes."""
    words = catalogue(lang)
    params: dict[str, Any] = {}
    for key, value in variant.params.items():
        if key == "country" and isinstance(value, str):
            from ecodigital.countries import country_name

            params[key] = country_name(value, lang)
        elif isinstance(value, float):
            params[key] = format_number(value, lang, trim=True)
        else:
            params[key] = value
    name = words.text(f"label.lever_{variant.lever}", **params)
    if variant.params.get("personal_data") == "yes":
        name += words.text("label.lever_sovereignty")
    items = list(variant.items)
    if not items:
        return name
    shown = ", ".join(items[:ITEMS_NAMED])
    if len(items) > ITEMS_NAMED:
        shown += " " + and_more(len(items) - ITEMS_NAMED, lang)
    return f"{name} ({shown})"


def _row(page: Page, name: str, path: str) -> dict[str, Any]:
    return {
        "name": name,
        "total": page.fig(f"{path}.value", "full"),
        "per_user_year": page.fig(f"{path}.per_user_year", "full"),
        "change": page.fig(f"{path}.change", "change"),
        "change_pct": page.fig(f"{path}.change_pct", "change_pct"),
        "change_per_user_year": page.fig(f"{path}.change_per_user_year", "change"),
    }


def scenarios_section(page: Page) -> dict[str, Any]:
    """The scenarios and levers on climate change (``provided`` False when neither)."""
    scenarios = page.results.scenarios
    if scenarios is None or not (scenarios.scenarios or scenarios.levers):
        return {"provided": False}
    baseline = {
        "name": page.words("baseline"),
        "total": page.fig("scenarios.baseline.gwp", "full"),
        "per_user_year": page.fig("per_user_year.gwp", "full"),
        "change": "—",
        "change_pct": "—",
        "change_per_user_year": "—",
    }
    rows = [baseline] + [
        _row(page, variant.name, f"scenarios.scenarios[{i}].criteria.gwp")
        for i, variant in enumerate(scenarios.scenarios)
    ]
    levers = [
        _row(page, lever_name(variant, page.lang), f"scenarios.levers[{i}].criteria.gwp")
        for i, variant in enumerate(scenarios.levers)
    ]
    note = (
        str(
            page.fill(
                "scenarios_ranges",
                draws=format_count(scenarios.draws, page.lang),
                seed=scenarios.seed,
            )
        )
        if scenarios.draws
        else page.words("ranges_none")
    )
    return {
        "provided": True,
        "has_scenarios": bool(scenarios.scenarios),
        "rows": rows,
        "levers": levers,
        "note": note,
    }
