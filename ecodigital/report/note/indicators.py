"""The call's indicators: RCO 14 and RCR 11, and the footprint per RCR 11 user."""

from __future__ import annotations

from typing import Any

from ecodigital.report.note.common import Page

__all__ = ["indicators_section"]


def indicators_section(page: Page) -> list[dict[str, Any]]:
    indicators = page.results.indicators
    institutions = indicators.rco14_institutions
    return [
        {
            "label": page.words("rco14"),
            "value": (
                f"{page.value(institutions, 'count', 'indicators.rco14_institutions')} "
                f"{page.words('institutions_unit')}"
                if institutions is not None
                else page.words("not_provided")
            ),
            "note": "",
        },
        {
            "label": page.words("rcr11"),
            "value": page.fill(
                "rcr11_value",
                users=page.value(indicators.rcr11_users, "count", "indicators.rcr11_users"),
            ),
            "note": page.fill("rcr11_basis", year=indicators.rcr11_year),
        },
        {
            "label": page.words("footprint_per_rcr11"),
            "value": page.fig("indicators.gwp_per_rcr11_user", "full"),
            "note": "",
        },
    ]
