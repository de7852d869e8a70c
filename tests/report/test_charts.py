"""Charts: self-contained SVG, titles with units, alternative text with the values."""

from __future__ import annotations

from ecodigital.i18n.format import format_number
from ecodigital.report.html import build_charts


def test_charts_are_inline_svg_with_title_and_alt(prepared):
    charts = build_charts(prepared.context, prepared.results)
    assert set(charts) == {"tier_phase", "year_tier", "rgesn", "tornado"}
    for chart in charts.values():
        assert chart.svg.startswith('<svg aria-hidden="true"')
        assert "<?xml" not in chart.svg and "<!DOCTYPE" not in chart.svg
        assert 'href="http' not in chart.svg  # nothing fetched from outside
    assert (
        charts["tier_phase"].title
        == "Changement climatique par tiers et par phase, sur 5 ans (kgCO2e)"
    )
    assert charts["year_tier"].title == "Changement climatique par année et par tiers (kgCO2e)"
    assert charts["rgesn"].title == "Critères RGESN par famille et par statut (nombre)"
    assert charts["tornado"].title == (
        "Total sur l'horizon selon chaque donnée d'entrée, à son P5 et à son P95 "
        "(changement climatique, tCO2e)"
    )
    manufacturing = prepared.results.by_tier_phase["terminals"]["manufacturing"]["gwp"].value
    assert (
        f"Terminaux : Fabrication {format_number(manufacturing, 'fr')}" in charts["tier_phase"].alt
    )
    assert "Stratégie : Validés 7, Non validés 2, Non applicables 1" in charts["rgesn"].alt


def test_charts_use_distinct_colours_and_markers_for_black_and_white():
    from ecodigital.report.charts import MARKERS, OKABE_ITO

    assert len(set(MARKERS)) == len(MARKERS)
    assert len(set(OKABE_ITO)) == len(OKABE_ITO)


def test_charts_have_no_hatch_patterns_and_mark_their_series(prepared):
    # A PDF renderer fills an SVG <pattern> tile by tile: seconds per note.
    # The series after the first carry a marker instead, in the bars and legend.
    charts = build_charts(prepared.context, prepared.results)
    for name, chart in charts.items():
        assert "<pattern" not in chart.svg, name
        assert 'id="PathCollection_1"' in chart.svg, name  # the markers' scatter


def test_charts_are_reproducible(prepared):
    first = build_charts(prepared.context, prepared.results)
    second = build_charts(prepared.context, prepared.results)
    assert first["tier_phase"].svg == second["tier_phase"].svg
