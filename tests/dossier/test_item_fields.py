"""The item fields that make defaults follow the dossier: per-user quantities, hosting, billing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import base_dossier, write_yaml

from ecodigital.cli import cli


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def dossier_with(tmp_path: Path, items: list[dict[str, Any]], **project: Any) -> Path:
    data = base_dossier(**project)
    data["inventory"] = items
    return write_yaml(tmp_path / "d.yaml", data)


def one_line_error(code: int, output: str, *expected: str) -> None:
    assert code == 2, output
    assert output.startswith(("Erreur : ", "Error: ")) and output.count("\n") == 1, output
    for fragment in expected:
        assert fragment in output, output


def test_per_user_items_follow_the_users_of_each_year(tmp_path: Path) -> None:
    # users 100, 200, 300; one smartphone per user at 1 % of its life, and a fixed laptop:
    # smartphone manufacturing per user-year 0.01 x 77 / 2.5 = 0.308 kgCO2e (ADEME, 2026.2)
    path = dossier_with(
        tmp_path,
        [
            {"id": "phones", "kind": "smartphone", "quantity_per_user": 1, "allocation": 0.01},
            {"id": "desk", "kind": "laptop"},
        ],
    )
    code, output = invoke("assess", str(path), "--format", "json", "--deterministic", "--rows")
    assert code == 0, output
    data = json.loads(output)
    phones = {
        r["year"]: r["value"]
        for r in data["rows"]
        if r["item"] == "phones" and r["phase"] == "manufacturing" and r["criterion"] == "gwp"
    }
    assert phones == pytest.approx({1: 30.8, 2: 61.6, 3: 92.4}, rel=1e-12)


def test_quantity_and_quantity_per_user_exclude_each_other(tmp_path: Path) -> None:
    path = dossier_with(
        tmp_path,
        [{"id": "phones", "kind": "smartphone", "quantity": 3, "quantity_per_user": 1}],
    )
    one_line_error(
        *invoke("validate", str(path)),
        "Erreur : ",
        "inventory[0].quantity_per_user",
        "quantity et quantity_per_user sont donnés tous deux",
        "retirez quantity",
    )
    one_line_error(
        *invoke("validate", str(path), "--lang", "en"),
        "Error: ",
        "quantity and quantity_per_user are both given",
        "leave quantity out",
    )


def test_a_measured_item_cannot_be_per_user(tmp_path: Path) -> None:
    data = base_dossier()
    data["inventory"] = [{"id": "srv", "kind": "server", "quantity_per_user": 0.001}]
    data["measurements"] = [
        {"item": "srv", "summary": {
            "energy_kwh_per_unit": 0.1, "quality": "measured", "runs": 1, "duration_h": 1,
            "energy_kwh": 0.1, "emissions_kgco2e": 0.01,
        }, "per": "hour", "hours_per_year": 8760}
    ]  # fmt: skip
    path = write_yaml(tmp_path / "d.yaml", data)
    one_line_error(
        *invoke("validate", str(path)),
        "measurements[0].item",
        "est compté par usager",
        "donnez-lui une quantity",
    )


@pytest.mark.parametrize(
    ("item", "field", "choices"),
    [
        ({"id": "s", "kind": "server", "hosting": "basement"}, "hosting", "on_premises"),
        (
            {"id": "c", "kind": "cloud_instance", "vcpu": 2, "billing": "spot"},
            "billing",
            "reserved",
        ),
    ],
)
def test_hosting_and_billing_name_their_choices(
    tmp_path: Path, item: dict[str, Any], field: str, choices: str
) -> None:
    path = dossier_with(tmp_path, [item])
    one_line_error(*invoke("validate", str(path)), f"inventory[0].{field}", choices)


def test_csv_inventory_takes_the_new_columns(tmp_path: Path) -> None:
    (tmp_path / "inventaire.csv").write_text(
        "id;kind;quantity_per_user;allocation;capacity_tb;media;drive_capacity_tb;hosting;"
        "provider;vcpu;billing;hours_per_year\n"
        "phones;smartphone;1;0,01;;;;;;;;\n"
        "disks;storage;;;30;hdd;10;cloud;OVHcloud;;;\n"
        "vm;cloud_instance;;;;;;;aws;2;reserved;2920\n",
        encoding="utf-8",
    )
    data = base_dossier()
    data["inventory"] = {"csv": "inventaire.csv"}
    path = write_yaml(tmp_path / "d.yaml", data)
    code, output = invoke("assess", str(path), "--format", "json", "--deterministic")
    assert code == 0, output
    warnings = {w["code"]: w for w in json.loads(output)["warnings"] if w["code"] != "DEFAULT_PUE"}
    assert warnings["CLOUD_BILLING"]["params"] == {"billing": "reserved", "default": False}
    pue = [w for w in json.loads(output)["warnings"] if w["code"] == "DEFAULT_PUE"]
    assert {w["params"]["factor"] for w in pue} == {
        "datacenter-pue-cloud-ovhcloud",
        "datacenter-pue-cloud-aws",
    }


def test_csv_row_with_quantity_and_quantity_per_user_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "inventaire.csv").write_text(
        "id,kind,quantity,quantity_per_user\nphones,smartphone,3,1\n", encoding="utf-8"
    )
    data = base_dossier()
    data["inventory"] = {"csv": "inventaire.csv"}
    path = write_yaml(tmp_path / "d.yaml", data)
    one_line_error(
        *invoke("assess", str(path)),
        "inventaire.csv: ligne 2, colonne « quantity_per_user »",
        "laissez vide la cellule quantity",
    )
