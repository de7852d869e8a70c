"""compare reads a note's P5-P95 range of the total from its Monte Carlo results."""

from __future__ import annotations

import pytest

from ecodigital.review.compare import compare_files, row_from_payload
from ecodigital.review.flags import Reference
from ecodigital.review.report import render_html, render_json

from .conftest import EXAMPLE, run_cli


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("ranged")
    ranged, point = out / "ranged.md", out / "point.md"
    run_cli("note", str(EXAMPLE), "-o", str(ranged), "--draws", "200", "--seed", "4")
    run_cli("note", str(EXAMPLE), "-o", str(point), "--deterministic")
    return ranged, point


def test_compare_shows_the_range_a_note_carries(notes):
    from ecodigital.report.payload import extract_payload

    ranged, point = notes
    gwp = extract_payload(ranged)["results"]["uncertainty"]["totals"]["gwp"]
    first, second = compare_files([ranged, point])
    assert (first.gwp_low_kgco2e, first.gwp_high_kgco2e) == (gwp["p5"], gwp["p95"])
    assert first.gwp_low_kgco2e < first.gwp_kgco2e < first.gwp_high_kgco2e
    assert (second.gwp_low_kgco2e, second.gwp_high_kgco2e) == (None, None)
    # kgCO2e, whole numbers, French thousands separator
    low, high = (f"{v:,.0f}".replace(",", "\u202f") for v in (gwp["p5"], gwp["p95"]))
    html = render_html([first, second], "fr")
    assert f'<td class="num">{low} – {high}</td>' in html
    assert f'"gwp_low_kgco2e": {gwp["p5"]}' in render_json([first])


def test_compare_ignores_a_range_that_is_not_the_monte_carlo_one():
    results = {
        "totals": {"gwp": {"value": 10.0, "low": 1.0, "high": 20.0, "range": [1, 2]}},
        "uncertainty": {"totals": {"gwp": {"p5": 12.0, "p95": 8.0}}},  # out of order
    }
    row = row_from_payload("x.json", "note", {"results": results}, Reference.bundled())
    assert (row.gwp_low_kgco2e, row.gwp_high_kgco2e) == (None, None)
