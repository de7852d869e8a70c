"""Charts: self-contained SVG, titles with units, alternative text with the values."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ecodigital.i18n.format import format_number
from ecodigital.report.html import build_charts

SVG = "{http://www.w3.org/2000/svg}"


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


def _markers(svg: str) -> list[ET.Element]:
    """The white markers: the shapes of the groups filled in white."""
    root = ET.fromstring(svg)
    return [shape for group in root.iter(f"{SVG}g") if group.get("fill") == "#ffffff"
            for shape in group]  # fmt: skip


def test_charts_have_no_hatch_pattern_style_sheet_or_id(prepared):
    # A PDF renderer fills an SVG <pattern> tile by tile: seconds per note. Looks are
    # presentation attributes (WeasyPrint parses no CSS for them), and no element has an
    # id that could clash with another chart's in the same HTML page.
    charts = build_charts(prepared.context, prepared.results)
    for name, chart in charts.items():
        root = ET.fromstring(chart.svg)
        tags = {element.tag.removeprefix(SVG) for element in root.iter()}
        assert tags <= {"svg", "g", "rect", "line", "circle", "path", "text"}, name
        assert all("style" not in e.attrib and "id" not in e.attrib for e in root.iter()), name
        assert len(list(root.iter())) < 250, name  # a few dozen elements, not a thousand


def test_the_series_after_the_first_carry_their_marker_in_bars_and_legend(prepared):
    # The example's tier-phase chart (kgCO2e over 5 years): terminals 6 810 manufacturing,
    # 336 distribution, 495 use, 93.1 end of life (7 734 in all); networks 324 use; data
    # centres 1 310, 66.5, 134, 36.0. A bar gets its marker when it is longer than 3.5 %
    # of the longest stack, 0.035 × 7 734 = 271: terminals' distribution (circle) and use
    # (triangle), networks' use (triangle); the legend shows the circle, the triangle and
    # the square of end of life; manufacturing, the first series, has none.
    tier_phase = build_charts(prepared.context, prepared.results)["tier_phase"]
    shapes = _markers(tier_phase.svg)
    circles = [s for s in shapes if s.tag == f"{SVG}circle"]
    paths = [s.get("d", "") for s in shapes if s.tag == f"{SVG}path"]
    assert len(circles) == 2  # terminals' distribution, and its legend key
    assert sum(d.count(" L ") == 2 for d in paths) == 3  # triangles: two bars, one key
    assert sum(d.count(" L ") == 3 for d in paths) == 1  # the square of end of life's key
    assert len(shapes) == 6


def test_axis_steps_are_round_and_fit_the_axis():
    from ecodigital.report.charts import _steps

    # the example's tier-phase axis: 7 734 kgCO2e and 5 % of room, nine intervals at most:
    # 8 121 / 9 = 902 per interval, the next round step is 1 000
    assert _steps(0.0, 7734 * 1.05, 9) == [1000.0 * k for k in range(9)]
    # its yearly chart (1 990 kgCO2e at most, eight intervals on its height): 2 090 / 8 =
    # 261, the next round step is 500 (2.5 × 100 would be 250, below 261)
    assert _steps(0.0, 1990 * 1.05, 8) == [0.0, 500.0, 1000.0, 1500.0, 2000.0]
    # the tornado's axis from 8.53 to 11.22 tCO2e: 0.30 per interval, step 0.5; the ticks
    # are the multiples of it inside the axis only
    assert _steps(8.53, 11.22, 9) == [9.0, 9.5, 10.0, 10.5, 11.0]
    # RGESN criteria are counted: whole steps, 17.7 / 9 = 1.97 gives 2, and 3 criteria
    # give 1 (not 0.5)
    assert _steps(0.0, 17.7, 9, whole=True) == [2.0 * k for k in range(9)]
    assert _steps(0.0, 3.0, 9, whole=True) == [0.0, 1.0, 2.0, 3.0]
    # nothing to show: one tick at zero
    assert _steps(0.0, 0.0, 9) == [0.0]


def test_rgesn_axis_counts_whole_criteria(prepared):
    rgesn = build_charts(prepared.context, prepared.results)["rgesn"]
    texts = [t.text for t in ET.fromstring(rgesn.svg).iter(f"{SVG}text")]
    # the largest family (UX/UI: 2 validated, 13 unanswered) is 15 criteria; the axis
    # runs to 15 × 1.18 = 17.7 to leave room for the scores, in steps of 2
    assert texts[:9] == ["0", "2", "4", "6", "8", "10", "12", "14", "16"]


def test_text_widths_are_the_fonts():
    # The layout of the charts uses DejaVu Sans's advance widths from the table shipped
    # in the package; the font file, where it is installed, gives the same widths.
    from ecodigital.report.charts import text_width

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.is_file():
        pytest.skip("DejaVu Sans is not installed (Debian: fonts-dejavu-core)")
    from fontTools.ttLib import TTFont

    ttf = TTFont(font)
    glyphs, metrics = ttf.getBestCmap(), ttf["hmtx"].metrics
    for text in ("Centres de données", "1\u202f000", "À évaluer / non renseignés", "kgCO2e"):
        expected = sum(metrics[glyphs[ord(c)]][0] for c in text) / 2048 * 9
        assert text_width(text, 9) == pytest.approx(expected, abs=0.01 * len(text))
    # a character outside the table counts as wide as an M
    assert text_width("\u4e2d", 10) == pytest.approx(8.63)


def test_long_legends_wrap_within_the_drawing():
    from ecodigital.report.charts import _stacked_horizontal

    series = [(f"A rather long series name number {i}", [1.0, 2.0]) for i in range(4)]
    svg = _stacked_horizontal(["a", "b"], series, unit_label="kgCO2e", lang="en", band=20)
    root = ET.fromstring(svg)
    width = float(root.get("viewBox", "").split()[2])
    keys = [r for r in root.iter(f"{SVG}rect") if r.get("stroke") == "#ffffff"]
    assert len(keys) == 4
    assert len({k.get("y") for k in keys}) == 2  # two rows of two keys
    assert all(float(k.get("x", "")) >= 0 and float(k.get("x", "")) + 16 <= width for k in keys)


def test_charts_are_reproducible(prepared):
    first = build_charts(prepared.context, prepared.results)
    second = build_charts(prepared.context, prepared.results)
    assert first["tier_phase"].svg == second["tier_phase"].svg


def test_hostile_and_long_category_names_stay_text_inside_the_drawing():
    from ecodigital.report.charts import text_width, tornado_chart

    long_name = "Facteur d'émission « " + "très long nom de serveur " * 6 + "»"
    drivers = {
        "unit": "kgCO2e",
        "reference_kgco2e": 100.0,
        "rows": [
            {"input": "<script>alert(1)</script> & co", "at_p5_kgco2e": 90.0,
             "at_p95_kgco2e": 120.0, "share": "60 %"},
            {"input": long_name, "at_p5_kgco2e": 95.0, "at_p95_kgco2e": 104.0, "share": "40 %"},
        ],
    }  # fmt: skip
    t = {
        "chart_tornado_low": "Low", "chart_tornado_high": "High", "variance_share": "Share",
        "chart_tornado_alt": "{n} {reference} {details}", "chart_tornado_title": "T ({unit})",
    }  # fmt: skip
    chart = tornado_chart(drivers, t, "en")
    assert chart is not None
    root = ET.fromstring(chart.svg)  # well-formed: the names are escaped
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script> & co" in texts and long_name in texts
    assert "<script>" not in chart.svg
    # the long name widens the drawing (CSS scales it down) rather than the plot vanishing
    width = float(root.get("viewBox", "").split()[2])
    assert width > text_width(long_name, 9) + 160
    bars = [r for g in root.iter(f"{SVG}g") if g.get("stroke") == "#ffffff"
            for r in g.iter(f"{SVG}rect")]  # fmt: skip
    assert bars and all(0 < float(r.get("x", "")) < width for r in bars)


def test_a_chart_of_nothing_is_still_a_drawing():
    from ecodigital.report.charts import _stacked_horizontal, _stacked_vertical

    for svg in (
        _stacked_horizontal(["a"], [("s", [0.0])], unit_label="kgCO2e", lang="fr", band=20),
        _stacked_vertical(["2026"], [("s", [0.0])], unit_label="kgCO2e", lang="fr", height=100),
    ):
        height = float(ET.fromstring(svg).get("viewBox", "").split()[3])
        assert height > 0
