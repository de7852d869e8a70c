"""The HTML note: one self-contained file (inline CSS and SVG, no external request)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ecodigital.assessment.results import Results

__all__ = ["build_charts", "render_html"]


def build_charts(context: Mapping[str, Any], results: Results) -> dict[str, Any]:
    """The note's charts (SVG): each reads its figures from the results, none sums them."""
    from ecodigital.report.charts import (
        rgesn_chart,
        tier_phase_chart,
        tornado_chart,
        year_tier_chart,
    )

    t = context["t"]
    lang = context["lang"]
    tier_phase = {
        tier: {phase: figures["gwp"].value or 0.0 for phase, figures in phases.items()}
        for tier, phases in results.by_tier_phase.items()
    }
    year_tier = {
        year: {tier: figures["gwp"].value or 0.0 for tier, figures in tiers.items()}
        for year, tiers in results.by_year_tier.items()
    }
    return {
        "tier_phase": tier_phase_chart(tier_phase, t, lang, context["meta"]["horizon"]),
        "year_tier": year_tier_chart(year_tier, t, lang),
        "rgesn": rgesn_chart(context["rgesn"]["families"], t, lang)
        if context["rgesn"]["provided"]
        else None,
        "tornado": tornado_chart(context["drivers"], t, lang)
        if context["drivers"]["provided"]
        else None,
    }


def render_html(
    context: Mapping[str, Any],
    charts: Mapping[str, Any],
    payload_block: str,
    template_dirs: Sequence[Path] = (),
) -> str:
    """The note as one HTML document (also the source of the PDF)."""
    from markupsafe import Markup

    from ecodigital.report.charts import Chart
    from ecodigital.report.templating import note_environment

    env = note_environment("html", template_dirs)
    css = env.loader.get_source(env, "note.css")[0]
    safe_charts = {
        name: Chart(Markup(_titled(chart.svg, chart.alt)), chart.title, chart.alt)
        if chart is not None
        else None
        for name, chart in charts.items()
    }
    template = env.get_template("note.html.j2")
    return str(
        template.render(
            **context,
            charts=safe_charts,
            css=Markup(css.replace("</", "<\\/")),
            payload_block=Markup(payload_block),
        )
    )


def _titled(svg: str, alt: str) -> str:
    """The SVG with its alternative text as its <title>: the PDF's tag of the figure reads it."""
    import re
    from html import escape

    opening = re.search(r"<svg\b[^>]*>", svg)
    if opening is None:
        return svg
    return f"{svg[: opening.end()]}<title>{escape(alt)}</title>{svg[opening.end() :]}"
