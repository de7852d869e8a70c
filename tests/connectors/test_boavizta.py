"""Boavizta API request bodies: written in its models' fields, and read back."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from connectors_support import CLOUD_DOSSIER, EXAMPLE, REFERENCE, write_dossier

from ecodigital.cli import cli

MODELS = json.loads((REFERENCE / "boavizta" / "request-models.json").read_text("utf-8"))


def totals(dossier: Path) -> dict[str, float | None]:
    out = CliRunner().invoke(cli, ["assess", str(dossier), "--format", "json", "--deterministic"])
    assert out.exit_code == 0, out.output
    return {k: v["value"] for k, v in json.loads(out.output)["totals"].items()}


def test_request_bodies_use_only_the_fields_of_boaviztas_models(tmp_path: Path) -> None:
    output = tmp_path / "boavizta.json"
    result = CliRunner().invoke(
        cli, ["export", str(EXAMPLE), "--to", "boavizta", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    envelope = json.loads(output.read_text(encoding="utf-8"))
    assert envelope["format"] == "ecodigital-boavizta-requests/1"
    requests = {r["item"]: r for r in envelope["requests"]}
    assert set(requests) == {"app-servers", "database-vm"}
    for request in requests.values():
        body = request["body"]
        model = "Cloud" if request["path"] == "/v1/cloud/instance" else "Server"
        assert set(body) <= set(MODELS[model])
        assert set(body["usage"]) <= set(
            MODELS["UsageCloud" if model == "Cloud" else "UsageServer"]
        )
        assert set(body["usage"]["elec_factors"]) <= set(MODELS["ElecFactors"])
        assert set(body.get("model", {})) <= set(MODELS["ModelServer"])
    server = requests["app-servers"]["body"]
    # the dossier's 320 W, all year round, over server-medium's 4-year life (35,040 h)
    assert server["usage"] == {"usage_location": "FRA", "use_time_ratio": 1.0,
                               "elec_factors": {"gwp": 0.0519}, "avg_power": 320.0,
                               "hours_life_time": 35040.0}  # fmt: skip
    assert server["model"] == {"archetype": "platform_compute_medium"}
    # 4 vCPUs and 16 GB at a provider Boavizta does not know: AWS's m5.xlarge
    cloud = requests["database-vm"]["body"]
    assert (cloud["provider"], cloud["instance_type"]) == ("aws", "m5.xlarge")


@pytest.mark.parametrize("which", ["example", "cloud"])
def test_import_of_the_export_gives_the_same_footprint(which: str, tmp_path: Path) -> None:
    source = EXAMPLE if which == "example" else write_dossier(tmp_path, CLOUD_DOSSIER, "c.yaml")
    output = tmp_path / "boavizta.json"
    assert (
        CliRunner()
        .invoke(cli, ["export", str(source), "--to", "boavizta", "-o", str(output)])
        .exit_code
        == 0
    )
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    kept = copy.deepcopy(data)
    kept["inventory"] = [
        i for i in data["inventory"] if i["kind"] not in ("server", "cloud_instance")
    ]
    kept["measurements"] = []
    target = write_dossier(tmp_path, kept, "roundtrip.yaml")
    result = CliRunner().invoke(
        cli, ["import", str(output), "--from", "boavizta", "--into", str(target)]
    )
    assert result.exit_code == 0, result.output
    mine = totals(source if which == "cloud" else _without_measurements(source, tmp_path))
    back = totals(target)
    for criterion, value in mine.items():
        assert (value is None and back[criterion] is None) or math.isclose(
            back[criterion],
            value,
            rel_tol=1e-9,  # type: ignore[arg-type]
        ), criterion


def _without_measurements(source: Path, folder: Path) -> Path:
    # The envelope carries the dossier's inputs, not CodeCarbon's files: the example's
    # measured servers come back with their modelled use, as the dossier would be without
    # its measurements section.
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["measurements"] = []
    return write_dossier(folder, data, "without-measurements.yaml")


def test_a_bare_boavizta_request_body_becomes_a_server_item(tmp_path: Path) -> None:
    body = tmp_path / "dell-r740.json"
    body.write_text(json.dumps(MODELS["example_DellR740"]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(body), "--from", "boavizta"])
    assert result.exit_code == 0, result.output
    assert "server: server x1 (source : dell-r740.json, champ « body »)" in result.output
    unknown = tmp_path / "cloud.json"
    unknown.write_text(
        json.dumps({"provider": "aws", "instance_type": "x9.huge"}), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["import", str(unknown), "--from", "boavizta", "--lang", "en"])
    assert result.exit_code == 1
    assert 'instance type "x9.huge" of "aws" is not in the mapping' in result.output
