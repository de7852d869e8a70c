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


def _missing_phases(page: Page) -> str:
    """The phases no source gives for climate change, tier by tier, in words."""
    lang = page.lang
    parts = []
    for tier, phases in page.results.by_tier_phase.items():
        unknown = [label(phase, lang).lower() for phase, figures in phases.items()
                   if not figures["gwp"].complete or figures["gwp"].value is None]  # fmt: skip
        if unknown:
            joined = ", ".join(unknown[:-1]) + page.words("summary_and") + unknown[-1] \
                if len(unknown) > 1 else unknown[0]  # fmt: skip
            parts.append(str(page.fill("summary_missing_tier", tier=label(tier, lang).lower(),
                                       phases=joined)))  # fmt: skip
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def _same(a: Any, b: Any) -> bool:
    """Two figures showing the same value, bound and range."""
    import math

    if a.value is None or b.value is None:
        return a.value is b.value
    if not math.isclose(a.value, b.value, rel_tol=1e-9) or a.lower_bound != b.lower_bound:
        return False
    if (a.range is None) != (b.range is None):
        return False
    return a.range is None or all(
        math.isclose(x, y, rel_tol=1e-9)
        for x, y in ((a.range.p5, b.range.p5), (a.range.p95, b.range.p95))
    )


def summary_section(page: Page, rgesn_score: Any) -> dict[str, Any]:
    results = page.results
    project = results.project
    dataset = results.factors_dataset
    source = str(page.fill("kf_source_model", dataset=f"{dataset.name} {dataset.version}"))
    quality = quality_text(results.totals["gwp"], page.lang)
    ranged = results.uncertainty is not None
    # SCI per user-year is the footprint per user-year when every emission is counted
    # over the same users: one row, and a sentence saying so
    sci_same = _same(results.sci.value, results.per_user_year["gwp"])
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
        if not (key == "kf_sci" and sci_same)
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
    missing = _missing_phases(page)
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
        "scope_note": page.fill("summary_partial", missing=missing)
        if partial and missing
        else page.words("summary_complete")
        if not partial
        else None,
        "sci_note": page.fill("kf_sci_same", sci=page.fig("sci.value", "full"))
        if sci_same
        else None,
        "key_figures": key_figures,
        "ranges": ranged,
        "ranges_note": ranges_note(page),
        "top": top,
    }
