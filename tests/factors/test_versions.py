"""Every dataset version keeps shipping: a 2026.1 note still recomputes with 2026.1's figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.factors import versions
from ecodigital.factors.database import load_factors, load_reference_factors, reference_versions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"

#: The example's totals with dataset 2026.1, as ecodigital printed them before 2026.2
#: existed (commit 8925ed7, `assess --format json --deterministic`; CodeCarbon 3.3.2).
RECORDED_2026_1 = {
    "gwp": 9408.42309516956,
    "adpe": 0.18167536920000002,
    "pe": 17407.91648,
    "water": 7527.024893333333,
}
#: Its Monte Carlo median and range (1,000 draws, seed 0), recorded the same way.
RECORDED_2026_1_GWP_RANGE = (7894.713588541524, 9481.573811304315, 11603.724200290148)


@pytest.fixture
def only_2026_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """This ecodigital as it was when 2026.1 was its newest dataset."""
    monkeypatch.setattr(versions, "reference_versions", lambda: ("2026.1",))


def assess_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["assess", str(EXAMPLE), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.output)  # type: ignore[type-arg]
    return data


def test_both_versions_ship_and_the_newest_is_the_default() -> None:
    assert reference_versions() == ("2026.1", "2026.2")
    assert load_reference_factors().version == "2026.2"
    assert load_reference_factors("2026.1").version == "2026.1"
    assert (
        load_factors(version="2026.1").frame.at["server-medium", "gwp_manufacturing_kgco2e"] == 900
    )


def test_2026_1_still_gives_its_own_figures(only_2026_1: None) -> None:
    data = assess_json("--deterministic")
    assert data["factors_dataset"]["version"] == "2026.1"
    # the same sums, in the pipeline's order of addition: equal to the last bits or so
    for criterion, value in RECORDED_2026_1.items():
        assert data["totals"][criterion]["value"] == pytest.approx(value, rel=1e-12), criterion
    # the criteria 2026.2 added have no 2026.1 source: unknown, never zero
    assert data["totals"]["ap"]["value"] is None


def test_2026_1_rows_are_priced_as_2026_1_priced_them() -> None:
    # by hand, dataset 2026.1: 2 servers at 50 %, server-medium 900 kgCO2e / 4 years
    #   = 2 x 0.5 x 225 = 225 kgCO2e of manufacturing a year, no distribution figure;
    # 2 TB x 3 copies of HDD at 0.4148 kgCO2e per TB-year = 2.4888 kgCO2e a year.
    import math

    from support import items_frame, value_of

    from ecodigital.engine import compute_impacts
    from ecodigital.factors.grid import build_grid

    table = load_reference_factors("2026.1")
    items = items_frame(
        [
            {"id": "srv", "kind": "server", "quantity": 2, "allocation": 0.5, "pue": 1.5},
            {"id": "bak", "kind": "storage", "capacity_tb": 2, "replicas": 3, "media": "hdd"},
        ]
    )
    grid, _ = build_grid(["FRA"], table)
    rows = compute_impacts(items, table.frame, grid, horizon_years=1).rows
    assert value_of(rows, item="srv", phase="manufacturing", criterion="gwp") == 225.0
    assert math.isnan(value_of(rows, item="srv", phase="distribution", criterion="gwp"))
    assert value_of(rows, item="bak", phase="manufacturing", criterion="gwp") == pytest.approx(
        2.4888, rel=1e-12
    )


def test_2026_1_monte_carlo_is_unchanged(only_2026_1: None) -> None:
    data = assess_json()
    gwp = data["totals"]["gwp"]["range"]
    assert (gwp["p5"], gwp["p50"], gwp["p95"]) == pytest.approx(
        RECORDED_2026_1_GWP_RANGE, rel=1e-12
    )


@pytest.mark.slow
def test_verify_of_a_2026_1_note_recomputes_with_2026_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecodigital.review.verify import verify_note

    note = tmp_path / "note.md"
    with monkeypatch.context() as patch:
        patch.setattr(versions, "reference_versions", lambda: ("2026.1",))
        result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(note), "--deterministic"])
        assert result.exit_code == 0, result.output
    report = verify_note(note)
    assert report.dataset_declared.endswith("2026.1")
    assert report.dataset_used.endswith("2026.1")
    assert report.dataset_shipped
    assert report.holds, report.differences
    # recomputed with the newest dataset, the same note differs (its figures are 2026.1's)
    again = verify_note(note, dataset_version="2026.2")
    assert again.dataset_used.endswith("2026.2")
    assert not again.holds
    assert any(d.figure == "totals.gwp.value" for d in again.differences)
