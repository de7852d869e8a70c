"""Results: every criterion, by tier, by phase and by year, with their ranges."""

from __future__ import annotations

from typing import Any

from ecodigital.i18n import label
from ecodigital.report.note.common import Page
from ecodigital.report.note.summary import ranges_note
from ecodigital.report.views import quality_text
from ecodigital.vocabulary import CRITERIA

__all__ = ["figures_section"]


def _status(page: Page, path: str) -> str:
    figure = page.results.figure(path)
    if figure.value is None:
        return page.words("unavailable")
    return page.words("complete" if figure.complete else "partial")


def figures_section(page: Page) -> dict[str, Any]:
    results = page.results
    lang = page.lang

    def table(section: str, groups: dict[str, Any]) -> dict[str, Any]:
        # criteria down, tiers or phases across: eight criteria do not fit across a page
        keys = list(groups)
        return {
            "columns": [label(key, lang) for key in keys],
            "rows": [
                {
                    "name": page.words(f"short_{c}"),
                    "cells": [page.fig(f"{section}.{key}.{c}", "full") for key in keys],
                }
                for c in CRITERIA
            ],
            "share": [page.fig(f"{section}.{key}.gwp", "share") for key in keys],
        }

    years = []
    for y, year in enumerate(results.project.years):
        key = str(year)
        if key not in results.by_year:
            continue
        years.append(
            {
                "year": key,
                "users": page.value(
                    results.project.users_per_year[y], "count", f"project.users_per_year[{y}]"
                ),
                "gwp": page.fig(f"by_year.{key}.gwp", "full"),
                "share": page.fig(f"by_year.{key}.gwp", "share"),
                "sci": page.fig(f"sci.by_year.{key}.value", "full"),
            }
        )
    return {
        "criteria": [
            {
                "label": label(c, lang),
                "code": c,
                "total": page.fig(f"totals.{c}", "full"),
                "per_user_year": page.fig(f"per_user_year.{c}", "full"),
                "status": _status(page, f"totals.{c}"),
                "quality": quality_text(results.totals[c], lang),
            }
            for c in CRITERIA
        ],
        "by_tier": table("by_tier", results.by_tier),
        "by_phase": table("by_phase", results.by_phase),
        "by_year": years,
        "ranges_note": ranges_note(page),
    }
