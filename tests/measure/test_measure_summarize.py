"""``ecodigital measurements summarize``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli

DATA = Path(__file__).parent / "data"

HEADER = (
    "run_id,experiment_id,project_name,duration,emissions,energy_consumed,country_iso_code,"
    "codecarbon_version"
)
CSV = f"""{HEADER}
a,e1,export,1800,0.01,0.5,FRA,3.3.2
a,e1,export,3600,0.02,1.0,FRA,3.3.2
b,e1,export,1800,0.03,2.0,FRA,3.3.2
c,e1,export,7200,0.04,3.0,FRA,3.3.2
d,e2,web,3600,0.10,4.0,DEU,3.3.2
"""


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "emissions.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_csv_summary(csv_file):
    result = CliRunner().invoke(
        cli, ["measurements", "summarize", str(csv_file), "--format", "csv"]
    )
    assert result.exit_code == 0
    # export: runs a (1 kWh, 1 h), b (2 kWh, 0.5 h), c (3 kWh, 2 h): 6 kWh over 3.5 h;
    # per run 1 / 2 / 3 kWh; per hour 1, 4 and 1.5 kWh/h (median 1.5)
    assert result.stdout.splitlines() == [
        "project,experiment_id,runs,duration_h,energy_kwh,emissions_kgco2e,"
        "energy_kwh_per_run_min,energy_kwh_per_run_median,energy_kwh_per_run_max,"
        "energy_kwh_per_hour_min,energy_kwh_per_hour_median,energy_kwh_per_hour_max,"
        "countries,codecarbon_versions",
        "export,e1,3,3.5,6,0.09,1,2,3,1,1.5,4,FRA,3.3.2",
        "web,e2,1,1,4,0.1,4,4,4,4,4,4,DEU,3.3.2",
    ]
    assert "MEASURE_MIXED_COUNTRIES" in result.stderr


def test_json_summary(csv_file):
    result = CliRunner().invoke(
        cli, ["measurements", "summarize", str(csv_file), "--format", "json"]
    )
    data = json.loads(result.stdout)
    assert data["format"] == "ecodigital-measurements-summary/1"
    assert data["groups"][0]["countries"] == ["FRA"]
    assert data["groups"][0]["energy_kwh_per_hour_median"] == pytest.approx(1.5)
    assert [w["code"] for w in data["warnings"]] == ["MEASURE_MIXED_COUNTRIES"]


def test_table_summary_of_the_real_fixture():
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["measurements", "summarize", str(DATA / "v3")]
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "nightly-export · expérience 4e77ca67-cea7-54a3-9c77-11cd7a9a8a19"
    assert lines[1].startswith("  2 mesures · ")
    assert lines[1].endswith(" · FRA · CodeCarbon 3.3.2")
    assert lines[2] == "  kWh par mesure   min 2,332 × 10⁻⁵  médiane 2,338 × 10⁻⁵  max 2,345 × 10⁻⁵"
    english = CliRunner().invoke(
        cli, ["measurements", "summarize", str(DATA / "v3"), "--lang", "en"]
    )
    lines = english.output.splitlines()
    assert lines[0] == "nightly-export · experiment 4e77ca67-cea7-54a3-9c77-11cd7a9a8a19"
    assert lines[1].startswith("  2 runs · ")
    assert lines[2] == "  kWh per run    min 2.332 × 10⁻⁵  median 2.338 × 10⁻⁵  max 2.345 × 10⁻⁵"


def test_output_file_is_written_and_never_over_an_input(csv_file, tmp_path):
    out = tmp_path / "summary.csv"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["measurements", "summarize", str(csv_file), "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("project,experiment_id,runs,")
    result = runner.invoke(cli, ["measurements", "summarize", str(csv_file), "-o", str(csv_file)])
    assert result.exit_code == 2
    assert (
        result.output
        == f"Erreur : {csv_file}: est une entrée de cette commande ({csv_file}) : elle n'est jamais écrasée, même avec --force. Correction : choisissez un autre chemin pour -o\n"
    )


def test_bad_file_is_one_line(tmp_path):
    path = tmp_path / "emissions.csv"
    path.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["measurements", "summarize", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Erreur : {path}: est vide. Correction : CodeCarbon écrit son fichier au premier "
        "relevé : mesurez de nouveau, ou donnez un autre fichier\n"
    )
