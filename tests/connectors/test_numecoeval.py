"""NumEcoEval CSV files: headers checked against its OpenAPI definition, and a round trip."""

from __future__ import annotations

import copy
import csv
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from connectors_support import EXAMPLE, ONPREM_DOSSIER, REFERENCE, write_dossier

from ecodigital.cli import cli
from ecodigital.connectors.numecoeval import FILE_NAMES, HEADERS

OPENAPI = REFERENCE / "numecoeval" / "expositiondonneesentrees-openapi.yml"
#: The sentence of the description of /entrees/csv that names each file.
SENTENCES = {
    "DataCenter": "des data centers",
    "EquipementPhysique": "des équipements physiques",
    "EquipementVirtuel": "des équipements virtuels",
    "Application": "des application",
    "OperationNonIT": "des opérations non IT",
    "Messagerie": "de la messagerie",
    "Entite": "des entités",
}


def published_headers() -> dict[str, list[str]]:
    """Each file's columns as the OpenAPI description lists them (optional ones in brackets)."""
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    description = spec["paths"]["/entrees/csv"]["post"]["description"]
    headers = {}
    for name, words in SENTENCES.items():
        found = re.search(rf"Le Header du CSV {words} est : ([^<\n]+?)\.?\s*(<br/>|$)",
                          description, re.MULTILINE)  # fmt: skip
        assert found, name
        # the published list writes "nomEquipementPhysique,modele": a comma for a semicolon
        columns = re.split(r"[;,]", found.group(1).strip())
        headers[name] = [column.strip().strip("()") for column in columns]
    # every file is a form field of the endpoint
    fields = spec["paths"]["/entrees/csv"]["post"]["requestBody"]["content"][
        "multipart/form-data"]["schema"]["properties"]  # fmt: skip
    assert {f"csv{name}" for name in SENTENCES} <= set(fields)
    return headers


def test_every_header_is_the_published_one_column_by_column() -> None:
    published = published_headers()
    assert set(HEADERS) == set(published)
    for name, columns in published.items():
        assert list(HEADERS[name]) == columns, name
        assert FILE_NAMES[name] == f"csv{name}.csv"


def test_the_exported_files_have_those_headers_and_the_dossier_figures(tmp_path: Path) -> None:
    folder = tmp_path / "numecoeval"
    result = CliRunner().invoke(
        cli, ["export", str(EXAMPLE), "--to", "numecoeval", "-o", str(folder)]
    )
    assert result.exit_code == 0, result.output
    published = published_headers()
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["csvDataCenter.csv", "csvEntite.csv", "csvEquipementPhysique.csv"]
    rows = {}
    for path in folder.iterdir():
        name = path.stem.removeprefix("csv")
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            assert next(reader) == published[name], path.name  # header by header
            rows[name] = [dict(zip(published[name], r, strict=True)) for r in reader]
    laptops = next(
        r for r in rows["EquipementPhysique"] if r["nomEquipementPhysique"] == "agents-laptops"
    )
    # 40 laptops x allocation 0.25 = 10 units; 26.5 W x 7 h x 220 days = 40.81 kWh a year each
    assert float(laptops["quantite"]) == 10.0
    assert float(laptops["consoElecAnnuelle"]) == pytest.approx(40.81)
    assert laptops["type"] == "Laptop" and laptops["modele"] == "laptop"
    assert laptops["paysDUtilisation"] == "France" and laptops["qualite"] == "MOYENNE"
    kiosks = next(
        r for r in rows["EquipementPhysique"] if r["nomEquipementPhysique"] == "kiosk-tablets"
    )
    assert (kiosks["dateAchat"], kiosks["dateRetrait"]) == ("2027-01-01", "2030-12-31")
    servers = next(
        r for r in rows["EquipementPhysique"] if r["nomEquipementPhysique"] == "app-servers"
    )
    assert servers["nomCourtDatacenter"] == "dc-fra-pue-1.5"
    assert rows["DataCenter"][0]["pue"] == "1.5"
    # what the files cannot carry is listed
    for item in ("database-vm", "documents-storage", "backups", "citizen-traffic-fixed"):
        assert f"NumEcoEval : {item} (" in result.output


def totals(dossier: Path) -> dict[str, float | None]:
    out = CliRunner().invoke(cli, ["assess", str(dossier), "--format", "json", "--deterministic"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    return {k: v["value"] for k, v in data["totals"].items()}


@pytest.mark.parametrize("which", ["example", "onprem"])
def test_import_of_the_export_gives_the_same_footprint(which: str, tmp_path: Path) -> None:
    source = EXAMPLE if which == "example" else write_dossier(tmp_path, ONPREM_DOSSIER, "d.yaml")
    folder = tmp_path / "ne"
    assert (
        CliRunner()
        .invoke(cli, ["export", str(source), "--to", "numecoeval", "-o", str(folder)])
        .exit_code
        == 0
    )
    # the dossier without the items NumEcoEval carries (terminals and servers) ...
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    carried = {"laptop", "monitor", "tablet", "smartphone", "server", "desktop"}
    kept = copy.deepcopy(data)
    kept["inventory"] = [i for i in data["inventory"] if i["kind"] not in carried]
    if "measurements" in kept:
        kept["measurements"] = []  # the measured energy travels as consoElecAnnuelle
    target = write_dossier(tmp_path, kept, "roundtrip.yaml")
    # ... and with them read back from the CSV files
    result = CliRunner().invoke(
        cli, ["import", str(folder), "--from", "numecoeval", "--into", str(target)]
    )
    assert result.exit_code == 0, result.output
    mine, back = totals(source), totals(target)
    for criterion, value in mine.items():
        if value is None:
            assert back[criterion] is None
        else:
            assert math.isclose(back[criterion], value, rel_tol=1e-9), criterion  # type: ignore[arg-type]
    imported = {i["id"]: i for i in yaml.safe_load(target.read_text("utf-8"))["inventory"]}
    if which == "example":
        # 14 tablets active in years 2 to 5 of 2026-2030, as the dates said
        assert imported["kiosk-tablets"]["years"] == [2, 5]
        assert "source : csvEquipementPhysique.csv, ligne 4" in target.read_text("utf-8")
