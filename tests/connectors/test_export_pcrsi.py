"""`ecodigital export --to pcr-si`: the response JSON, valid against the format's schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from connectors_support import EXAMPLE, REFERENCE

from ecodigital.cli import cli

SCHEMA = REFERENCE / "pcr-si" / "response.schema.json"


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_accepts_the_upstream_example_once_its_placeholders_are_filled() -> None:
    # response.json upstream is an annotated example ({ ImpactObject }, "..."), not JSON;
    # response.repaired.json fills its placeholders (see reference/README.md).
    example = json.loads((REFERENCE / "pcr-si" / "response.repaired.json").read_text("utf-8"))
    assert list(validator().iter_errors(example)) == []
    example["total_impact"]["BLD"]["CO2"] = 1  # not an indicator of ImpactObject.md
    example["total_impact"]["BUILD"] = {}  # not a life-cycle step
    assert len(list(validator().iter_errors(example))) == 2


@pytest.mark.parametrize("which", ["example", "cloud"])
def test_the_exported_response_is_valid_and_carries_the_result(
    which: str, tmp_path: Path, cloud_dossier: Path
) -> None:
    dossier = {"example": EXAMPLE, "cloud": cloud_dossier}[which]
    output = tmp_path / "pcr-si.json"
    result = CliRunner().invoke(cli, ["export", str(dossier), "--to", "pcr-si", "-o", str(output)])
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert list(validator().iter_errors(data)) == []
    ours = json.loads(
        CliRunner()
        .invoke(cli, ["assess", str(dossier), "--format", "json", "--deterministic"])
        .output
    )
    by_phase = {
        (phase, criterion): figure
        for phase, figures in ours["by_phase"].items()
        for criterion, figure in figures.items()
    }
    steps = {"manufacturing": "BLD", "distribution": "DIS", "use": "USE", "end_of_life": "EOL"}
    codes = {"gwp": "GWP", "adpe": "ADPe", "pe": "TPE", "water": "WU", "ap": "AP", "pm": "PM",
             "ir": "IR"}  # fmt: skip
    for (phase, criterion), record in by_phase.items():
        if criterion not in codes:  # water_consumption: no indicator of the format
            continue
        written = data["total_impact"].get(steps[phase], {}).get(codes[criterion])
        if record["complete"]:
            assert written == pytest.approx(record["value"], rel=1e-12)
        else:
            # a partial or unknown figure is left out, never written as a number that
            # would count the unknown part as zero, and the command says so
            assert written is None
            assert f"total_impact {phase} {criterion} omis" in result.output
    # nothing but the mapped indicators is written (water_consumption has none)
    written_codes = {code for step in data["total_impact"].values() for code in step}
    assert written_codes <= set(codes.values())
    assert sum(data["quality"].values()) == pytest.approx(1.0)
    assert set(data["details"]) == {i["id"] for i in yaml_items(dossier)}


def yaml_items(dossier: Path) -> list[dict]:  # type: ignore[type-arg]
    import yaml

    return yaml.safe_load(dossier.read_text(encoding="utf-8"))["inventory"]  # type: ignore[no-any-return]


def test_the_example_response_by_hand(tmp_path: Path) -> None:
    output = tmp_path / "pcr-si.json"
    assert (
        CliRunner()
        .invoke(cli, ["export", str(EXAMPLE), "--to", "pcr-si", "-o", str(output)])
        .exit_code
        == 0
    )
    data = json.loads(output.read_text(encoding="utf-8"))
    laptops = data["details"]["agents-laptops"]
    # 40 laptops x 0.25 over 5 years: 170 kgCO2e to make each, so 40 x 0.25 x 170 / 5 = 340 a
    # year and 1700 over the horizon; distribution 40 x 0.25 x 12.3 / 5 x 5 = 123
    assert laptops["impacts"]["BLD"]["GWP"] == pytest.approx(1700.0)
    assert laptops["impacts"]["DIS"]["GWP"] == pytest.approx(123.0)
    assert laptops["type"] == "laptop" and laptops["tags"] == ["terminals"]
    assert data["metadata"]["organization"] == "Communauté de communes du Haut-Doubs"
    # the app servers' use phase is measured with CodeCarbon (medium), the rest modelled
    assert data["quality"]["high"] == 0.0
    assert data["quality"]["medium"] == pytest.approx(1.0)
