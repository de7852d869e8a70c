"""Reduction levers the applicant commits to (the dossier's ``levers``)."""

from __future__ import annotations

from typing import Any

from ecodigital.i18n import label
from ecodigital.i18n.format import format_date, format_quantity
from ecodigital.report.note.common import Page

__all__ = ["commitments_section"]


def commitments_section(page: Page) -> dict[str, Any]:
    inputs = page.results.inputs
    levers = inputs.dossier.levers if inputs is not None else []
    if not levers:
        return {"provided": False, "rows": []}
    lang = page.lang
    return {
        "provided": True,
        "rows": [
            {
                "title": lever.title,
                "description": lever.description or "",
                "scope": " · ".join(
                    label(x, lang) for x in (lever.tier, lever.phase) if x is not None
                )
                or "—",
                # the applicant's own estimate: declared, shown as such
                "expected": (
                    format_quantity(lever.expected_gwp_kgco2e, "kgCO2e", lang)
                    if lever.expected_gwp_kgco2e is not None
                    else "—"
                ),
                "indicator": lever.indicator or "—",
                "due": format_date(lever.due, lang) or "—",
            }
            for lever in levers
        ],
    }
