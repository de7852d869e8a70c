"""A dossier's measurements: linking files to items, labels, reconciliation, errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import opened_files

from ecodigital.assessment.point import assess_dossier
from ecodigital.cli import cli
from ecodigital.errors import InputError

EXAMPLE = Path(__file__).parents[2] / "examples" / "guichet-mutualise" / "dossier.yaml"

HEADER = "run_id,experiment_id,project_name,duration,emissions,energy_consumed,country_iso_code,pue"
# two runs of a nightly job, 1.0 and 1.4 kWh (mean 1.2 kWh a run); run-a flushed once
CSV = f"""{HEADER}
run-a,exp,job,1800,0.02,0.5,FRA,{{pue}}
run-a,exp,job,3600,0.04,1.0,FRA,{{pue}}
run-b,exp,job,5400,0.06,1.4,FRA,{{pue}}
"""

DOSSIER = """
format: ecodigital/1
project:
  name: Test
  beneficiary: {{name: Commune, type: commune}}
  start_year: 2026
  duration_years: 1
  horizon_years: 1
  users_per_year: [100]
inventory:
  - {{id: job-server, kind: server, allocation: 0.5, power_w: 300, pue: 1.5}}
  - {{id: traffic, kind: network, gb_per_year: 100}}
measurements:
{measurements}
"""
MEASURED = """
  - item: job-server
    files: [measures/emissions.csv]
    per: run
    runs_per_year: 365
"""


def _sidecar(run_id: str, method: str = "rapl", status: str = "completed") -> dict:
    return {
        "format": "ecodigital-measure/1",
        "run_id": run_id,
        "status": status,
        "pue_included": False,
        "cpu": {"method": method},
    }


def _dossier(
    tmp_path: Path,
    measurements: str = MEASURED,
    *,
    pue: float = 1.0,
    sidecars: list[dict] | None = None,
) -> Path:
    folder = tmp_path / "measures"
    folder.mkdir(exist_ok=True)
    (folder / "emissions.csv").write_text(CSV.format(pue=pue), encoding="utf-8")
    for sidecar in sidecars or []:
        path = folder / f"measure-{sidecar['run_id']}.json"
        path.write_text(json.dumps(sidecar), encoding="utf-8")
    path = tmp_path / "dossier.yaml"
    path.write_text(DOSSIER.format(measurements=textwrap.dedent(measurements)), encoding="utf-8")
    return path


def _codes(assessment) -> list[str]:
    return [w.code for w in assessment.warnings]


def test_measured_energy_replaces_the_model_with_the_dossier_factors(tmp_path):
    path = _dossier(tmp_path, sidecars=[_sidecar("run-a"), _sidecar("run-b")])
    assessment = assess_dossier(path)
    rows = assessment.rows
    use = rows[
        (rows["item"] == "job-server") & (rows["phase"] == "use") & (rows["criterion"] == "gwp")
    ]
    # (1.0 + 1.4) / 2 runs = 1.2 kWh a run x 365 runs = 438 kWh a year;
    # x allocation 0.5 x PUE 1.5 = 328.5 kWh; x 0.0519 kgCO2e/kWh = 17.04915 kgCO2e
    assert use["value"].iat[0] == pytest.approx(17.04915)
    assert use["quality"].iat[0] == "measured"
    [record] = assessment.measurements
    assert record["runs"] == 2
    assert record["energy_kwh_per_unit"] == pytest.approx(1.2)
    assert record["energy_kwh_per_year"] == pytest.approx(438.0)
    assert record["use_energy_kwh_per_year"] == pytest.approx(328.5)
    # modelled: 0.5 x 300 W x 8760 h / 1000 x 1.5 = 1971 kWh; 328.5 / 1971 = 1/6
    assert record["modelled_energy_kwh_per_year"] == pytest.approx(1971.0)
    assert record["measured_to_modelled"] == pytest.approx(1 / 6)
    # CodeCarbon: (0.04 + 0.06) / 2 x 365 x 0.75 = 13.6875 kgCO2e, beside our 17.04915
    assert record["codecarbon_gwp_kgco2e_per_year"] == pytest.approx(13.6875)
    assert record["gwp_kgco2e_per_year"] == pytest.approx(17.04915)
    assert record["files"] == ["measures/emissions.csv"]
    assert "MEASURE_CPU_ESTIMATED" not in _codes(assessment)
    [warning] = [w for w in assessment.warnings if w.code == "MEASURED_VS_MODELLED"]
    assert warning.items == ("job-server",)
    assert warning.params == {"measured_kwh": 328.0, "modelled_kwh": 1970.0, "ratio": 0.167}


def test_per_hour_scales_by_machine_hours(tmp_path):
    measurements = MEASURED.replace("per: run", "per: hour").replace(
        "runs_per_year: 365", "hours_per_year: 8760"
    )
    path = _dossier(tmp_path, measurements, sidecars=[_sidecar("run-a"), _sidecar("run-b")])
    [record] = assess_dossier(path).measurements
    # 2.4 kWh over 1 h + 1.5 h = 0.96 kWh/h x 8760 h = 8409.6 kWh a year
    assert record["energy_kwh_per_year"] == pytest.approx(8409.6)


def test_estimated_cpu_power_is_labelled_and_warned(tmp_path):
    sidecars = [_sidecar("run-a", "rapl"), _sidecar("run-b", "default-per-thread")]
    assessment = assess_dossier(_dossier(tmp_path, sidecars=sidecars))
    assert assessment.measurements[0]["quality"] == "estimated-by-codecarbon"
    [warning] = [w for w in assessment.warnings if w.code == "MEASURE_CPU_ESTIMATED"]
    assert warning.params == {"methods": ["default-per-thread", "rapl"]}


def test_runs_without_sidecar_are_estimates(tmp_path):
    assessment = assess_dossier(_dossier(tmp_path, sidecars=[_sidecar("run-a")]))
    assert assessment.measurements[0]["quality"] == "estimated-by-codecarbon"
    [warning] = [w for w in assessment.warnings if w.code == "MEASURE_NO_SIDECAR"]
    assert warning.params == {"count": 1, "runs": 2}


def test_a_killed_run_is_warned(tmp_path):
    sidecars = [_sidecar("run-a", status="running"), _sidecar("run-b")]
    assessment = assess_dossier(_dossier(tmp_path, sidecars=sidecars))
    [warning] = [w for w in assessment.warnings if w.code == "MEASURE_INCOMPLETE_RUN"]
    assert warning.params == {"count": 1, "runs": ["run-a"]}


def test_a_pue_in_the_csv_is_not_applied_twice(tmp_path):
    assessment = assess_dossier(_dossier(tmp_path, pue=1.5))  # no sidecar: the CSV's pue
    [record] = assessment.measurements
    assert record["pue_included"] is True
    # 438 kWh x allocation 0.5 only = 219 kWh
    assert record["use_energy_kwh_per_year"] == pytest.approx(219.0)


def test_the_dossier_can_say_the_pue_is_included(tmp_path):
    path = _dossier(tmp_path, MEASURED + "    pue_included: true\n")
    assert assess_dossier(path).measurements[0]["use_energy_kwh_per_year"] == pytest.approx(219.0)


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        assess_dossier(path)
    return str(info.value)


def test_unknown_item(tmp_path):
    path = _dossier(tmp_path, MEASURED.replace("item: job-server", "item: job-servers"))
    assert _error(path) == (
        f'{path}:15: measurements[0].item: "job-servers" is not the id of an inventory item '
        '(did you mean "job-server"?). Fix: use the id of the item the files measure'
    )


def test_item_measured_twice(tmp_path):
    path = _dossier(tmp_path, MEASURED + MEASURED)
    assert _error(path) == (
        f'{path}:20: measurements[1].item: "job-server" is already measured by '
        "measurements[0]. Fix: list all its files in one measurement"
    )


def test_per_run_needs_runs_per_year(tmp_path):
    path = _dossier(tmp_path, MEASURED.replace("    runs_per_year: 365\n", ""))
    assert _error(path) == (
        f"{path}:15: measurements[0].runs_per_year: per: run needs runs_per_year. "
        "Fix: add runs_per_year"
    )


def test_hours_do_not_go_with_runs(tmp_path):
    path = _dossier(tmp_path, MEASURED + "    hours_per_year: 10\n")
    assert _error(path) == (
        f"{path}:19: measurements[0].hours_per_year: hours_per_year does not go with per: run. "
        "Fix: give runs_per_year instead of hours_per_year"
    )


def test_unknown_key_is_suggested(tmp_path):
    path = _dossier(tmp_path, MEASURED.replace("runs_per_year", "run_per_year"))
    assert _error(path).startswith(
        f'{path}:18: measurements[0].run_per_year: unknown key "run_per_year" '
        '(did you mean "runs_per_year"?)'
    )


def test_missing_file(tmp_path):
    path = _dossier(tmp_path, MEASURED.replace("measures/emissions.csv", "mesures/emissions.csv"))
    assert _error(path) == (
        f'{path}:16: measurements[0].files[0]: "mesures/emissions.csv" not found '
        f"(looked for {tmp_path / 'mesures' / 'emissions.csv'}). "
        "Fix: give a path relative to the dossier"
    )


def test_an_item_priced_per_gb_cannot_be_measured(tmp_path):
    path = _dossier(tmp_path, MEASURED.replace("item: job-server", "item: traffic"))
    assert _error(path) == (
        f'{path}: measurements[0].item: "traffic" is counted per GB transferred (its factor '
        "includes its use): measured electricity cannot replace it. "
        "Fix: measure a server, cloud instance, storage or terminal item"
    )


def test_errors_in_a_measured_file_name_the_file(tmp_path):
    path = _dossier(tmp_path)
    (tmp_path / "measures" / "emissions.csv").write_text("", encoding="utf-8")
    assert _error(path).startswith(f"{tmp_path / 'measures' / 'emissions.csv'}: is empty.")


def test_the_example_shows_measured_and_modelled_figures_and_labels():
    result = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["assess", str(EXAMPLE), "--lang", "en"])
    assert result.exit_code == 0, result.output
    section = result.output.split("Measured and modelled (use-phase electricity, per year)\n")[1]
    line = section.splitlines()[0]
    assert line.startswith("  app-servers  measured ")
    assert "(estimated by CodeCarbon)" in line
    assert "modelled 4.20 MWh/year (modelled)" in line
    assert "[MEASURED_VS_MODELLED]" in result.output
    assert "[MEASURE_CPU_ESTIMATED]" in result.output

    data = json.loads(CliRunner().invoke(cli, ["assess", str(EXAMPLE), "--format", "json"]).output)
    [record] = data["measurements"]
    assert record["item"] == "app-servers"
    assert record["quality"] == "estimated-by-codecarbon"
    assert record["modelled_energy"]["quality"] == {"modelled": 1.0}
    # 2 x 0.5 x 320 W x 8760 h / 1000 x 1.5 = 4204.8 kWh
    assert record["modelled_energy"]["value"] == pytest.approx(4204.8)
    assert record["modelled_energy"]["unit"] == "kWh/year"
    assert record["codecarbon_gwp"]["value"] > 0
    assert "estimated-by-codecarbon" in data["totals"]["gwp"]["quality"]


def test_a_summary_stands_for_the_files(tmp_path):
    # A note embeds its dossier with each measurement's summary in place of its files:
    # the same 1.2 kWh a run must give the same 17.04915 kgCO2e with no file at hand.
    from_files = assess_dossier(_dossier(tmp_path, sidecars=[_sidecar("run-a"), _sidecar("run-b")]))
    [record] = from_files.measurements
    summary = {key: record[key] for key in (
        "energy_kwh_per_unit", "quality", "pue_included", "runs", "duration_h", "energy_kwh",
        "emissions_kgco2e", "cpu_methods", "countries",
    )}  # fmt: skip
    other = tmp_path / "other"
    other.mkdir()
    inline = MEASURED.replace(
        "    files: [measures/emissions.csv]\n", f"    summary: {json.dumps(summary)}\n"
    )
    path = other / "dossier.yaml"
    path.write_text(DOSSIER.format(measurements=textwrap.dedent(inline)), encoding="utf-8")
    alone = assess_dossier(path)
    rows = alone.rows
    use = rows[
        (rows["item"] == "job-server") & (rows["phase"] == "use") & (rows["criterion"] == "gwp")
    ]
    assert use["value"].iat[0] == pytest.approx(17.04915)
    assert use["quality"].iat[0] == "measured"
    assert alone.measurements[0]["codecarbon_gwp_kgco2e_per_year"] == pytest.approx(13.6875)


def test_files_or_summary_not_both(tmp_path):
    both = (
        MEASURED
        + "    summary: {energy_kwh_per_unit: 1, quality: measured, runs: 1, duration_h: 1, energy_kwh: 1, emissions_kgco2e: 0}\n"
    )
    path = _dossier(tmp_path, both)
    assert _error(path) == (
        f"{path}:15: measurements[0]: give files (CodeCarbon files or folders) or a summary, "
        "not both. Fix: keep files: [measures] for a measurement made with ecodigital measure"
    )


def test_scenarios_and_levers_reuse_the_measurements_read_once() -> None:
    """The example has one measurement (a folder: emissions.csv and two run sidecars)
    and its scenario and levers are assessed again with changed items: the files are
    read for the baseline only, not once per variant."""
    from ecodigital.assessment import run

    with opened_files() as opened:
        results = run(EXAMPLE)
    assert results.scenarios is not None
    assert len(results.scenarios.scenarios) + len(results.scenarios.levers) >= 2
    names = [Path(path).name for path in opened]
    measured = [name for name in names if name == "emissions.csv" or name.startswith("measure-")]
    assert sorted(measured) == [
        "emissions.csv",
        "measure-b3daa364-cd68-4e71-ac22-b8914c76b5be.json",
        "measure-b3fff852-6298-4e39-9386-67aa1c1ccb41.json",
    ]
