"""Flags for implausible figures: negative values, impossible intensities, the screening band.

Each case is the example's results with one figure changed by hand; the band's bounds are
recomputed here from the figures its CSV row cites.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from support import payload_of

from ecodigital.assessment import Options, run
from ecodigital.assessment.results import Figure, Results
from ecodigital.report.payload import compute_digest
from ecodigital.review.compare import compare_files
from ecodigital.review.flags import (
    SERVICE_KIND,
    IntensityBand,
    flag_text,
    intensity_absurd,
    intensity_bands,
    intensity_out_of_band,
    negative_figure,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*/dossier.yaml"))
PLAUSIBLE = {"NEGATIVE_FIGURE", "INTENSITY_ABSURD", "INTENSITY_OUT_OF_BAND"}
BAND = IntensityBand(SERVICE_KIND, 0.0005, 253.0, "test")
UNIT = "kgCO2e/user-year"


@pytest.fixture(scope="module")
def example() -> Results:
    """The guichet example with its Monte Carlo ranges (37,500 user-years, 0.256 kg each)."""
    return run(ROOT / "examples" / "guichet-mutualise" / "dossier.yaml")


def with_per_user_year(results: Results, value: float, complete: bool = True) -> Results:
    figure = Figure(value, UNIT, complete=complete, unknown=0 if complete else 1)
    return dataclasses.replace(results, per_user_year={**results.per_user_year, "gwp": figure})


def test_the_band_is_derived_from_its_sources():
    band = intensity_bands()[SERVICE_KIND]
    # low: a smartphone (ADEME: 77 + 2.3 + 0.25 kgCO2e over 2.5 years, 4.5 W for 3 h a day at
    # 0.0519 kgCO2e/kWh) used 3 h x 365 = 1095 h a year: 0.0293 kgCO2e an hour, 0.00049 a minute
    per_year = (77 + 2.3 + 0.25) / 2.5 + 4.5 * 3 * 365 / 1000 * 0.0519
    per_minute = per_year / (3 * 365) / 60
    assert per_minute == pytest.approx(0.000488, rel=1e-3)
    assert band.low_kgco2e_per_user_year == pytest.approx(per_minute, rel=0.05)
    # high: France's digital footprint of 2020, 17.2 MtCO2e, over about 68 million inhabitants
    assert band.high_kgco2e_per_user_year == pytest.approx(17.2e9 / 68e6, rel=0.01)
    assert "ADEME" in band.sources and "Arcep" in band.sources


@pytest.mark.parametrize("dossier", EXAMPLES, ids=lambda path: path.parent.name)
def test_the_bundled_examples_are_not_flagged(dossier):
    results = run(dossier, Options(draws=200))
    band = intensity_bands()[SERVICE_KIND]
    # 0.256 (guichet-mutualise) and 0.0398 (epci-communes) kgCO2e per user-year: inside
    assert band.low_kgco2e_per_user_year < results.per_user_year["gwp"].value < 1
    assert negative_figure(results) is None
    assert intensity_absurd(results) is None
    assert intensity_out_of_band(results, band) is None


def test_example_with_ranges_has_no_negative_figure(example):
    assert example.totals["gwp"].range is not None
    assert negative_figure(example) is None


def test_a_negative_total_and_a_negative_item_are_named(example):
    totals = {**example.totals, "gwp": Figure(-12.0, "kgCO2e")}
    column = example.items.columns["pe"]
    values = (-3.5, *column.values[1:])
    columns = {**example.items.columns, "pe": dataclasses.replace(column, values=values)}
    items = dataclasses.replace(example.items, columns=columns)
    flag = negative_figure(dataclasses.replace(example, totals=totals, items=items))
    assert flag is not None and flag.code == "NEGATIVE_FIGURE"
    first = example.items.ids[0]
    assert flag.details == ("totals.gwp = -12 kgCO2e", f"items[{first}].pe = -3.5 MJ")
    assert flag.params["count"] == 2
    assert flag_text(flag, "en") == (
        f"NEGATIVE_FIGURE: Negative figure (totals.gwp: -12.0 kgCO2e; items[{first}].pe: -3.50 MJ)"
    )


def test_a_scenario_saving_is_not_a_negative_figure(example):
    assert example.scenarios is not None
    changes = [
        gap.change.value
        for variant in (*example.scenarios.scenarios, *example.scenarios.levers)
        for gap in variant.criteria.values()
        if gap.change.value is not None
    ]
    assert min(changes) < 0  # the example's levers save
    assert negative_figure(example) is None


def test_above_and_below_the_band(example):
    results = example
    above = intensity_out_of_band(with_per_user_year(results, 300.0), BAND)
    assert above is not None and above.params["side"] == "above"
    assert above.details == ("300 kgCO2e/user-year > 253",)
    assert flag_text(above, "fr") == (
        "INTENSITY_OUT_OF_BAND: Intensité hors bande (300 kgCO2e/utilisateur-année, au-dessus de "
        "la bande 5,00 × 10⁻⁴ kgCO2e/utilisateur-année – 253 kgCO2e/utilisateur-année "
        "(service public numérique))"
    )
    below = intensity_out_of_band(with_per_user_year(results, 0.0001), BAND)
    assert below is not None and below.params["side"] == "below"
    assert below.details == ("0.0001 kgCO2e/user-year < 0.0005",)
    assert "below the band" in flag_text(below, "en")
    # a lower bound (some parts unknown) may be below and still true: only "above" is said
    assert intensity_out_of_band(with_per_user_year(results, 0.0001, complete=False), BAND) is None
    assert intensity_out_of_band(with_per_user_year(results, 253.0), BAND) is None
    assert intensity_out_of_band(with_per_user_year(results, 0.0005), BAND) is None


def test_zero_or_not_what_the_items_give_is_absurd(example):
    # the items sum to 9,605.7 kgCO2e over 37,500 user-years: 0.25615 kgCO2e per user-year
    items_sum = sum(v for v in example.items.columns["gwp"].values if v is not None)
    expected = items_sum / example.user_years
    assert example.user_years == 37_500
    assert expected == pytest.approx(example.per_user_year["gwp"].value, rel=1e-12)
    zero = intensity_absurd(with_per_user_year(example, 0.0))
    assert zero is not None and zero.params["items"] == len(example.items)
    assert flag_text(zero, "en").endswith(f"(zero with {len(example.items)} items listed)")
    doubled = intensity_absurd(with_per_user_year(example, 2 * expected))
    assert doubled is not None
    assert doubled.params["items_per_user_year_kgco2e"] == pytest.approx(expected)
    assert flag_text(doubled, "fr").endswith(
        "(la note donne 0,512 kgCO2e/utilisateur-année, ses équipements "
        "0,256 kgCO2e/utilisateur-année)"
    )
    # within 1 %: rounding, not an impossible figure
    assert intensity_absurd(with_per_user_year(example, 1.005 * expected)) is None


def test_compare_flags_an_edited_payload_with_a_fresh_digest(notes, tmp_path):
    """The per-user-year figure multiplied by 2,000 and the digest recomputed: the digest holds,
    the figure is far above the band and is not what the note's items give."""
    payload = payload_of(notes["plain"])
    figure = payload["results"]["per_user_year"]["gwp"]
    figure["value"] *= 2000
    figure["range"] = None
    payload["digest"]["value"] = compute_digest(payload)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(payload), encoding="utf-8")
    plain, row = compare_files([notes["plain"], edited])
    assert not PLAUSIBLE & set(plain.flag_codes)
    assert row.digest_ok is True
    assert PLAUSIBLE & set(row.flag_codes) == {"INTENSITY_ABSURD", "INTENSITY_OUT_OF_BAND"}
