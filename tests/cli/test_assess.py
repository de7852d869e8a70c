"""`ecodigital assess`: the table, the JSON and the long CSV, and how it writes files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import base_dossier, write_yaml

from ecodigital.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guichet-mutualise" / "dossier.yaml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_example_table_in_french_by_default() -> None:
    code, output = invoke("assess", str(EXAMPLE))
    assert code == 0, output
    for heading in (
        "Total sur l'horizon",
        "Par tiers",
        "Par phase",
        "Par année",
        "Par utilisateur-année",
    ):
        assert heading in output
    assert "Changement climatique (gwp)" in output and "tCO2e" in output
    assert "[DEFAULT_PUE]" in output


def test_example_table_in_english() -> None:
    code, output = invoke("assess", str(EXAMPLE), "--lang", "en")
    assert code == 0
    assert "Total over the horizon" in output and "Climate change (gwp)" in output
    assert "Changement" not in output


def test_json_has_the_documented_keys_and_adds_up() -> None:
    code, output = invoke("assess", str(EXAMPLE), "--format", "json", "--rows")
    assert code == 0
    data = json.loads(output)
    assert data["format"] == "ecodigital-assessment/3"
    for key in (
        "totals", "by_tier", "by_phase", "by_year", "per_user_year", "sci", "items", "rows",
        "warnings", "factors_dataset",
    ):  # fmt: skip
        assert key in data
    assert data["factors_dataset"]["name"] == "ecodigital-reference-factors"
    assert data["factors_dataset"]["version"]
    gwp_rows = [
        r["value"] for r in data["rows"] if r["criterion"] == "gwp" and r["value"] is not None
    ]
    assert data["totals"]["gwp"]["value"] == pytest.approx(sum(gwp_rows), rel=1e-12)
    assert data["totals"]["gwp"]["unit"] == "kgCO2e"
    tiers = {tier: figures["gwp"]["value"] for tier, figures in data["by_tier"].items()}
    assert sum(tiers.values()) == pytest.approx(data["totals"]["gwp"]["value"], rel=1e-12)
    user_years = sum(data["project"]["users_per_year"])
    per_user = data["per_user_year"]["gwp"]["value"]
    assert per_user == pytest.approx(data["totals"]["gwp"]["value"] / user_years, rel=1e-12)
    # every phase of every item has a climate-change figure (dataset 2026.2 gives data-centre
    # items distribution and end of life); network factors give no adpe: that total is partial
    assert data["totals"]["gwp"]["complete"] is True
    assert data["totals"]["adpe"]["complete"] is False
    # no criterion is silently zero: water of the network tier is unknown, not 0
    assert all(f["value"] is None or f["value"] >= 0 for f in data["totals"].values())
    sources = {f["id"]: f for f in data["factors_used"]}
    assert sources["laptop"]["source_url"].startswith("https://")


def test_json_leaves_the_long_table_out_unless_asked() -> None:
    code, output = invoke("assess", str(EXAMPLE), "--format", "json", "--deterministic")
    assert code == 0
    assert "rows" not in json.loads(output)
    code, output = invoke("assess", str(EXAMPLE), "--rows")
    assert code == 2 and "--rows ajoute la table longue à --format json" in output


def test_csv_is_the_long_table(tmp_path: Path) -> None:
    dossier = write_yaml(tmp_path / "d.yaml", base_dossier())
    code, output = invoke("assess", str(dossier), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert list(rows[0]) == [
        "item",
        "kind",
        "tier",
        "phase",
        "criterion",
        "year",
        "value",
        "unit",
        "quality",
    ]
    # 2 items x 3 years x 4 phases x 8 criteria
    assert len(rows) == 2 * 3 * 4 * 8
    # unknown values are empty cells, never 0
    adpe_network = [r for r in rows if r["item"] == "traffic" and r["criterion"] == "water"]
    assert {r["value"] for r in adpe_network if r["phase"] == "use"} == {""}


def test_output_file_is_written_and_never_clobbered(tmp_path: Path) -> None:
    dossier = write_yaml(tmp_path / "d.yaml", base_dossier())
    out = tmp_path / "r.json"
    code, _ = invoke("assess", str(dossier), "--format", "json", "-o", str(out))
    assert code == 0 and json.loads(out.read_text())["totals"]
    out.write_text("mine", encoding="utf-8")
    code, output = invoke("assess", str(dossier), "--format", "json", "-o", str(out))
    assert code == 2 and "existe déjà" in output and "--force" in output
    assert out.read_text() == "mine"
    code, _ = invoke("assess", str(dossier), "--format", "json", "-o", str(out), "--force")
    assert code == 0 and json.loads(out.read_text())["totals"]
    before = dossier.read_text()
    code, output = invoke("assess", str(dossier), "-o", str(dossier), "--force")
    assert code == 2 and "est une entrée de cette commande" in output
    assert dossier.read_text() == before


def test_csv_inventory_gives_the_same_result_as_yaml(tmp_path: Path) -> None:
    yaml_dossier = base_dossier()
    yaml_dossier["inventory"] = [
        {"id": "laptops", "kind": "laptop", "quantity": 2, "allocation": 0.5, "years": [2, 3]},
        {"id": "vm", "kind": "cloud_instance", "vcpu": 2, "memory_gb": 4},
        {"id": "traffic", "kind": "network", "gb_per_year": 100, "access": "mobile"},
    ]
    a = write_yaml(tmp_path / "a.yaml", yaml_dossier)
    (tmp_path / "inv.csv").write_text(
        "\ufeffid;kind;quantity;allocation;first_year;last_year;vcpu;memory_gb;gb_per_year;access\n"
        "laptops;laptop;2;0,5;2;3;;;;\n"
        "vm;cloud_instance;;;;;2;4;;\n"
        "traffic;network;;;;;;;100;mobile\n",
        encoding="utf-8",
    )
    csv_dossier = base_dossier()
    csv_dossier["inventory"] = {"csv": "inv.csv"}
    b = write_yaml(tmp_path / "b.yaml", csv_dossier)
    code_a, out_a = invoke("assess", str(a), "--format", "csv")
    code_b, out_b = invoke("assess", str(b), "--format", "csv")
    assert code_a == code_b == 0
    assert out_a == out_b


def test_validate_ok_line() -> None:
    # 40 + 40 + 14 + 2 + 1 + 1 + 1 + 1 + 1 + 8000 + 4000 = 12 101 units in 11 items
    code, output = invoke("validate", str(EXAMPLE))
    assert code == 0
    assert output == (
        f"OK : {EXAMPLE} : 11 éléments (ordinateur portable × 2, stockage × 2, réseau × 2, "
        "écran × 1, tablette × 1, serveur × 1, instance cloud × 1, smartphone × 1 ; "
        "12\u202f101 unités), horizon de 5 ans à partir de 2026\n"
    )
    code, output = invoke("validate", str(EXAMPLE), "--lang", "en")
    assert output.startswith(f"OK: {EXAMPLE}: 11 items (laptop × 2, storage × 2")
    assert output.endswith("; 12,101 units), horizon 5 years from 2026\n")
