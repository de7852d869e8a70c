"""Assumptions and limits: every warning of the assessment, and the method's limits."""

from __future__ import annotations

from typing import Any, Final

from ecodigital.i18n import and_more, warning_text
from ecodigital.report.note.common import Page

__all__ = ["limits_section"]

#: Items named after a warning at most; more are counted.
MAX_WARNING_ITEMS: Final = 6


def limits_section(page: Page) -> dict[str, Any]:
    warnings = []
    for warning in page.results.warnings:
        shown = list(warning.items[:MAX_WARNING_ITEMS])
        hidden = len(warning.items) - len(shown)
        listed = ", ".join(shown)
        if hidden:
            listed += " " + and_more(hidden, page.lang)
        warnings.append(
            {
                "code": warning.code,
                "text": warning_text(warning.code, warning.params, page.lang),
                "items": listed,
            }
        )
    return {"warnings": warnings, "limits": list(page.t["limits"])}
