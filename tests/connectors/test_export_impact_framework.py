"""`ecodigital export --to impact-framework`: the manifest, run by the real if-run, gives our totals."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from connectors_support import EXAMPLE, ROOT

from ecodigital.cli import cli

IF_RUN = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "if-run"
RELATIVE = 1e-6


def assessed(dossier: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(
        cli, ["assess", str(dossier), "--format", "json", "--deterministic"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def run_if(manifest: Path, work: Path) -> dict:  # type: ignore[type-arg]
    if not IF_RUN.exists():
        message = "if-run is not installed (sh scripts/install-system-deps.sh --test)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    output = work / "if-output"
    run = subprocess.run(
        [str(IF_RUN), "--manifest", str(manifest), "--output", str(output)],
        capture_output=True, text=True, timeout=120, check=False, cwd=work,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    data = yaml.safe_load((work / "if-output.yaml").read_text(encoding="utf-8"))
    assert data["execution"]["status"] == "success"
    return data  # type: ignore[no-any-return]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RELATIVE)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["example", "cloud", "onprem"])
def test_if_run_on_the_exported_manifest_gives_the_assessment_totals(
    which: str, tmp_path: Path, cloud_dossier: Path, onprem_dossier: Path
) -> None:
    dossier = {"example": EXAMPLE, "cloud": cloud_dossier, "onprem": onprem_dossier}[which]
    manifest = tmp_path / "manifest.yaml"
    exported = CliRunner().invoke(
        cli, ["export", str(dossier), "--to", "impact-framework", "-o", str(manifest)]
    )
    assert exported.exit_code == 0, exported.output
    ours = assessed(dossier)
    out = run_if(manifest, tmp_path)
    root = out["tree"]["aggregated"]
    g_per_kg = 1000.0
    use = ours["by_phase"]["use"]["gwp"]
    embodied = sum(
        figures["gwp"]["value"] or 0.0
        for phase, figures in ours["by_phase"].items()
        if phase != "use"
    )
    assert close(root["carbon"], ours["totals"]["gwp"]["value"] * g_per_kg)
    assert close(root["carbon-operational"], use["value"] * g_per_kg)
    assert close(root["carbon-embodied"], embodied * g_per_kg)
    assert close(root["sci"], ours["sci"]["value"]["value"] * g_per_kg)
    # tier by tier, and the tiers' yearly series add up to the result's years
    for name, figures in ours["by_tier"].items():
        tier = out["tree"]["children"][name]["aggregated"]
        assert close(tier["carbon"], figures["gwp"]["value"] * g_per_kg), name
    years = [o["carbon"] for o in out["tree"]["outputs"]]
    expected = [figures["gwp"]["value"] * g_per_kg for figures in ours["by_year"].values()]
    assert len(years) == len(expected)
    assert all(close(a, b) for a, b in zip(years, expected, strict=True))


def test_the_manifest_uses_only_standard_builtins_and_reads_inputs_from_the_result(
    tmp_path: Path, onprem_dossier: Path
) -> None:
    manifest = tmp_path / "m.yaml"
    assert (
        CliRunner()
        .invoke(
            cli, ["export", str(onprem_dossier), "--to", "impact-framework", "-o", str(manifest)]
        )
        .exit_code
        == 0
    )
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    plugins = data["initialize"]["plugins"]
    assert {p["path"] for p in plugins.values()} == {"builtin"}
    assert {p["method"] for p in plugins.values()} == {"Multiply", "Coefficient", "Sum", "Sci"}
    node = data["tree"]["children"]["datacenter"]["children"]["web-server"]
    # web-server: 180 W x 8760 h x PUE 1.8 x allocation 0.4 = 1135.296 kWh a year,
    # the French grid 0.0519 kgCO2e/kWh = 51.9 gCO2e/kWh
    assert node["defaults"]["grid/carbon-intensity"] == pytest.approx(51.9)
    assert [o["energy"] for o in node["inputs"]] == pytest.approx([1135.296] * 4)
    assert [o["duration"] for o in node["inputs"]] == [365 * 86400, 365 * 86400, 366 * 86400,
                                                       365 * 86400]  # fmt: skip
    # the tablets are active from year 2: nothing in year 1
    kiosk = data["tree"]["children"]["terminals"]["children"]["kiosk"]["inputs"]
    assert kiosk[0]["energy"] == 0 and kiosk[0]["carbon-embodied"] == 0
    assert kiosk[1]["energy"] > 0
    # traffic: 650 GB a year through the per-GB coefficient plugin of its factor
    traffic = data["tree"]["children"]["network"]["children"]["traffic"]
    assert traffic["pipeline"]["compute"][0] == "use-carbon-network-fixed-fra-gb"
    assert [o["network/data-gb"] for o in traffic["inputs"]] == pytest.approx([650.0] * 4)
