"""The electricity snapshot each dataset version ships, and the grid of a dossier."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ecodigital.errors import InputError
from ecodigital.factors.database import load_reference_factors, reference_versions
from ecodigital.factors.grid import GRID_COLUMNS, build_grid, read_grid_snapshot
from ecodigital.factors.versions import reference_data_dir
from ecodigital.vocabulary import CRITERIA

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


@pytest.mark.parametrize("version", reference_versions())
def test_every_snapshot_parses_and_cites_codecarbon_with_version_and_date(version: str) -> None:
    snapshot = load_reference_factors(version).grid
    assert snapshot is not None
    codecarbon = snapshot.source_info["codecarbon"]
    assert codecarbon["version"] == "3.3.2"
    # the date the energy-mix file last changed in CodeCarbon (commit 4f166a5)
    assert codecarbon["date"] == "2024-09-20"
    assert len(codecarbon["file_sha256"]) == 64
    assert codecarbon["url"].startswith("https://github.com/mlco2/codecarbon/")
    for key, info in snapshot.source_info.items():
        assert info["title"] and info["licence"] and info["url"].startswith("https://"), key
    # CodeCarbon's 213 countries, each with its climate-change factor and its year
    gwp = {country for country, criterion in snapshot.values if criterion == "gwp"}
    assert len(gwp) == 213
    assert all(snapshot.years[(c, "gwp")] for c in gwp)
    assert set(snapshot.sources.values()) <= set(snapshot.source_info)


@pytest.mark.parametrize("version", reference_versions())
def test_snapshot_reproduces_codecarbon_s_published_figures(version: str) -> None:
    # CodeCarbon 3.3.2 global_energy_mix.json, carbon_intensity in gCO2e/kWh (OWID, 2022-2023):
    # FRA 56.039, DEU 380.95, POL 661.9, USA 369.5, GBR 237.6 (docs/factors.md)
    snapshot = load_reference_factors(version).grid
    assert snapshot is not None
    for country, grams in (("FRA", 56.039), ("DEU", 380.95), ("POL", 661.9), ("USA", 369.5)):
        assert snapshot.values[(country, "gwp")] == pytest.approx(grams / 1000, rel=2e-3)
    assert snapshot.values[("GBR", "gwp")] == pytest.approx(0.2376, rel=2e-3)


def test_snapshot_equals_the_installed_codecarbon_when_it_is_the_cited_version() -> None:
    import json
    from importlib import metadata, resources

    if metadata.version("codecarbon") != "3.3.2":
        pytest.skip("another CodeCarbon is installed: the snapshot keeps 3.3.2's figures")
    path = resources.files("codecarbon") / "data" / "private_infra" / "global_energy_mix.json"
    mix = json.loads(path.read_text(encoding="utf-8"))
    for version in reference_versions():
        snapshot = load_reference_factors(version).grid
        assert snapshot is not None
        for country, entry in mix.items():
            assert snapshot.values[(country, "gwp")] == entry["carbon_intensity"] / 1000


def test_validate_does_not_import_codecarbon() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from ecodigital.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['validate', {str(EXAMPLE)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'codecarbon'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def _write_snapshot(folder: Path, rows: list[str]) -> Path:
    path = folder / "grid.csv"
    path.write_text(",".join(GRID_COLUMNS) + "\n" + "".join(r + "\n" for r in rows), "utf-8")
    sources = {
        "sources": {"test": {"title": "A test source", "licence": "none", "url": "https://x"}}
    }
    (folder / "grid.yaml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    return path


def test_negative_source_values_are_refused_with_a_warning(tmp_path: Path) -> None:
    path = _write_snapshot(
        tmp_path,
        [
            "DEU,Germany,gwp,0.38,kgCO2e/kWh,test,2023",
            "DEU,Germany,water_consumption,-0.002,m3/kWh,test,2020",
            "DEU,Germany,pe,16.26,MJ/kWh,test,2011",
        ],
    )
    snapshot = read_grid_snapshot(path)
    assert snapshot.refused == (("DEU", "water_consumption", -0.002),)
    table = load_reference_factors()
    table.grid = snapshot
    grid, warnings = build_grid(["DEU"], table)
    assert math.isnan(grid.at["DEU", "water_consumption_per_kwh"])
    assert grid.at["DEU", "pe_per_kwh"] == 16.26
    refused = [w for w in warnings if w.code == "NEGATIVE_SOURCE_VALUE"]
    assert refused and refused[0].params == {
        "countries": ["DEU"],
        "criteria": ["water_consumption"],
    }
    unknown = next(w for w in warnings if w.code == "GRID_CRITERIA_UNKNOWN")
    assert "water_consumption" in unknown.params["criteria"]


def test_a_broken_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    path = _write_snapshot(tmp_path, ["DEU,Germany,gwp,0.38,kgCO2e/MWh,test,2023"])
    with pytest.raises(InputError, match="unit 'kgCO2e/MWh' is not kgCO2e/kWh"):
        read_grid_snapshot(path)
    path = _write_snapshot(tmp_path, ["deu,Germany,gwp,0.38,kgCO2e/kWh,test,2023"])
    with pytest.raises(InputError, match="not an ISO alpha-3 code"):
        read_grid_snapshot(path)
    path = _write_snapshot(tmp_path, ["DEU,Germany,gwp,0.38,kgCO2e/kWh,elsewhere,2023"])
    with pytest.raises(InputError, match=r"source 'elsewhere' is not in grid\.yaml"):
        read_grid_snapshot(path)


def test_an_electricity_row_replaces_the_snapshot_criterion_by_criterion() -> None:
    # electricity-fra gives gwp 0.0519 (ADEME Base Empreinte 2024); the snapshot's CodeCarbon
    # figure (0.056039) is not used, and criteria the row leaves blank stay the snapshot's.
    oldest = load_reference_factors(reference_versions()[0])
    grid, warnings = build_grid(["FRA", "DEU"], oldest)
    assert grid.at["FRA", "gwp_per_kwh"] == 0.0519
    assert grid.at["FRA", "factor_id"] == "electricity-fra"
    assert "Base Empreinte" in grid.at["FRA", "source"]
    assert grid.at["DEU", "gwp_per_kwh"] == 0.38095
    assert grid.at["DEU", "origin"] == "codecarbon"
    assert "CodeCarbon 3.3.2" in grid.at["DEU", "source"]
    codecarbon = next(w for w in warnings if w.code == "GRID_FROM_CODECARBON")
    assert codecarbon.params == {"countries": ["DEU"], "version": "3.3.2"}
    # dataset 2026.1 has gwp only: every other criterion of the use phase is unknown
    unknown = next(w for w in warnings if w.code == "GRID_CRITERIA_UNKNOWN")
    assert unknown.params == {"countries": ["FRA", "DEU"], "criteria": list(CRITERIA[1:])}


def test_an_unknown_dataset_version_is_a_clear_error() -> None:
    with pytest.raises(
        InputError, match=r"version 2019\.1 is not shipped.*it ships 2026\.1, 2026\.2"
    ):
        reference_data_dir("2019.1")
