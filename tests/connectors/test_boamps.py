"""BoAmps reports: an AI task's measured energy becomes an item and its measurement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from connectors_support import REFERENCE

from ecodigital.cli import cli

REPORT = REFERENCE / "boamps" / "energy-report-llm-inference.json"


def test_the_boamps_example_becomes_a_cloud_instance_with_its_measured_energy(
    tmp_path: Path,
) -> None:
    dossier = tmp_path / "dossier.yaml"
    assert CliRunner().invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(REPORT),
            "--from",
            "boamps",
            "--runs-per-year",
            "100000",
            "--id",
            "chatbot",
            "--into",
            str(dossier),
        ],
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(dossier.read_text(encoding="utf-8"))
    item = next(i for i in data["inventory"] if i["id"] == "chatbot")
    # the report's 30 CPUs and 86 GB of RAM, on OVH, in France; 100,000 runs of 19.09 s
    assert (item["kind"], item["vcpu"], item["memory_gb"], item["location"]) == (
        "cloud_instance",
        30.0,
        86.0,
        "FRA",
    )
    assert item["hours_per_year"] == pytest.approx(100_000 * 19.09390426 / 3600)
    measurement = next(m for m in data["measurements"] if m["item"] == "chatbot")
    assert measurement["per"] == "run" and measurement["runs_per_year"] == 100_000
    # CodeCarbon with a constant CPU model: its energy is an estimate, not a reading
    assert measurement["summary"]["quality"] == "estimated-by-codecarbon"
    assert "emissions_kgco2e" not in measurement["summary"]  # not in the format: unknown

    out = CliRunner().invoke(
        cli, ["assess", str(dossier), "--format", "json", "--deterministic", "--rows"]
    )
    assert out.exit_code == 0, out.output
    figures = json.loads(out.output)
    use = [r for r in figures["rows"] if r["item"] == "chatbot" and r["phase"] == "use"
           and r["criterion"] == "gwp"]  # fmt: skip
    # 0.00267074 kWh a run x 100,000 runs x OVHcloud's PUE 1.28 (the report's provider,
    # row datacenter-pue-cloud-ovhcloud) x 0.0519 kgCO2e/kWh, each year
    assert use[0]["value"] == pytest.approx(0.00267074 * 100_000 * 1.28 * 0.0519)
    assert {r["quality"] for r in use} == {"estimated-by-codecarbon"}
    text = CliRunner().invoke(cli, ["assess", str(dossier), "--deterministic"])
    assert text.exit_code == 0 and "CodeCarbon non disponible" in text.output


def test_a_report_measured_otherwise_is_listed_not_guessed(tmp_path: Path) -> None:
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    report["measures"][0]["measurementMethod"] = "flops-compute"
    path = tmp_path / "flops.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(path), "--from", "boamps", "--runs-per-year", "10"]
    )
    assert result.exit_code == 1
    assert "mesure faite par « flops-compute »" in result.output
    needs = CliRunner().invoke(cli, ["import", str(REPORT), "--from", "boamps"])
    assert needs.exit_code == 2 and "--runs-per-year" in needs.output
