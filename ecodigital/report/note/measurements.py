"""Measurements: what CodeCarbon measured, beside what the model gives for the same item."""

from __future__ import annotations

from typing import Any

from ecodigital.i18n import label
from ecodigital.i18n.format import format_number
from ecodigital.report.note.common import Page

__all__ = ["measurements_section"]


def measurements_section(page: Page) -> dict[str, Any]:
    results = page.results
    if not results.measurements:
        return {"provided": False, "rows": []}
    lang = page.lang
    rows = []
    for i, m in enumerate(results.measurements):
        period = None
        if m.runs and m.duration_h:
            span = (
                f"{format_number(m.duration_h, lang, 3)} h"
                if m.duration_h >= 1
                else f"{format_number(m.duration_h * 60, lang, 2)} min"
            )
            period = f"{page.value(m.runs, 'count')} {page.words('runs_word')}, {span}"
        cpu = ", ".join(_cpu_method(method, lang) for method in m.cpu_methods)
        method = page.words("measured_with")
        if cpu:
            method += str(page.fill("measured_cpu", methods=cpu))
        path = f"measurements[{i}]"
        rows.append(
            {
                "what": m.item,
                "method": method,
                "period": period or "—",
                "energy": page.fig(f"{path}.use_energy"),
                "gwp": page.fig(f"{path}.use_gwp"),
                "modelled": page.fig(f"{path}.modelled_gwp"),
                "ratio": page.value(
                    m.measured_to_modelled, "ratio", f"{path}.measured_to_modelled"
                ),
                "quality": label(m.quality, lang),
            }
        )
    return {"provided": True, "rows": rows}


def _cpu_method(method: str, lang: str) -> str:
    """How CodeCarbon obtained the CPU power, in words (its code when it has none)."""
    from ecodigital.i18n import catalogue

    entries = catalogue(lang)
    key = f"measure.cpu_method.{method}"
    return entries.text(key) if key in entries else method
