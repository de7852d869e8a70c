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
    from support import payload_of

    ranged, point = notes
    gwp = payload_of(ranged)["results"]["totals"]["gwp"]["range"]
    first, second = compare_files([ranged, point])
    assert (first.gwp_low_kgco2e, first.gwp_high_kgco2e) == (gwp["p5"], gwp["p95"])
    assert first.gwp_low_kgco2e < first.gwp_kgco2e < first.gwp_high_kgco2e
    assert (second.gwp_low_kgco2e, second.gwp_high_kgco2e) == (None, None)
    # kgCO2e, whole numbers, French thousands separator
    low, high = (f"{v:,.0f}".replace(",", "\u202f") for v in (gwp["p5"], gwp["p95"]))
    html = render_html([first, second], "fr")
    assert f'<td class="num">{low} – {high}</td>' in html
    assert f'"gwp_low_kgco2e": {gwp["p5"]}' in render_json([first])


def test_a_range_out_of_order_makes_the_results_unreadable(notes):
    import json

    from support import payload_of

    from ecodigital.errors import UnreadableFile

    payload = json.loads(json.dumps(payload_of(notes[0])))
    gwp = payload["results"]["totals"]["gwp"]["range"]
    gwp["p5"], gwp["p95"] = gwp["p95"], gwp["p5"]  # P5 above P95
    with pytest.raises(UnreadableFile, match=r"totals\.gwp\.range.*P5 <= P50 <= P95"):
        row_from_payload("x.json", "note", payload, Reference.bundled())
