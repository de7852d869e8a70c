"""Summary: the lead sentence, the key figures with their ranges, the largest contributors."""

from __future__ import annotations

from typing import Any, Final

from ecodigital.i18n import label
from ecodigital.i18n.format import format_count
from ecodigital.report.note.common import Page
from ecodigital.report.views import quality_text

__all__ = ["MAX_TOP_ITEMS", "ranges_note", "summary_section"]

#: Items listed among the largest contributors.
MAX_TOP_ITEMS: Final = 5


def ranges_note(page: Page) -> str:
    """What the ranges are, or that none was computed."""
    ranges = page.results.uncertainty
    if ranges is None:
        return page.words("ranges_none")
    return str(
        page.fill("ranges_note", draws=format_count(ranges.draws, page.lang), seed=ranges.seed)
    )


def summary_section(page: Page, rgesn_score: Any) -> dict[str, Any]:
    results = page.results
    project = results.project
    dataset = results.factors_dataset
    source = str(page.fill("kf_source_model", dataset=f"{dataset.name} {dataset.version}"))
    quality = quality_text(results.totals["gwp"], page.lang)
    ranged = results.uncertainty is not None
    key_figures = [
        {
            "label": page.words(key),
            "value": page.fig(path),
            "range": page.fig(path, "interval"),
            "source": source,
            "quality": quality,
        }
        for key, path in (
            ("kf_total", "totals.gwp"),
            ("kf_per_year", "per_year.gwp"),
            ("kf_per_user_year", "per_user_year.gwp"),
            ("kf_sci", "sci.value"),
        )
    ]
    if rgesn_score is not None:
        key_figures.append(
            {
                "label": page.words("kf_rgesn"),
                "value": rgesn_score,
                "range": "—",
                "source": page.words("kf_source_rgesn"),
                "quality": label("declared", page.lang),
            }
        )
    items = results.items
    top = [
        {
            "item": items.ids[i],
            "tier": label(items.tiers[i], page.lang),
            "value": page.fig(f"items[{items.ids[i]}].gwp", "full"),
            "share": page.fig(f"items[{items.ids[i]}].gwp", "share"),
        }
        for i in items.ranked("gwp", MAX_TOP_ITEMS)
    ]
    partial = any(f.lower_bound for f in results.totals.values())
    first, last = project.years[0], project.years[-1]
    return {
        "lead": page.fill(
            "summary_lead",
            horizon=project.horizon_years,
            first=first,
            last=last,
            gwp=page.fig("totals.gwp", "full"),
            per_user=page.fig("per_user_year.gwp", "full"),
            user_years=page.value(results.user_years, "count", "user_years"),
        ),
        "partial_note": page.words("summary_partial") if partial else None,
        "key_figures": key_figures,
        "ranges": ranged,
        "ranges_note": ranges_note(page),
        "top": top,
    }
