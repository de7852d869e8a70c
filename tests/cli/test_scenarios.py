"""`ecodigital scenarios` and the ranges of `assess`: hand-computed reductions, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import base_dossier, write_yaml

from ecodigital.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guichet-mutualise" / "dossier.yaml"


def invoke(*args: str, lang: str = "fr") -> tuple[int, str]:
    # wide enough that no table wraps (tests/cli/test_terminal_width.py checks the wrapping)
    result = CliRunner(env={"ECODIGITAL_LANG": lang, "COLUMNS": "250"}).invoke(cli, list(args))
    return result.exit_code, result.output


def dossier(tmp_path: Path, inventory: list[dict[str, Any]], scenarios: list[Any]) -> Path:
    data = base_dossier(duration_years=1, horizon_years=1, users_per_year=[100])
    data["inventory"] = inventory
    data["scenarios"] = scenarios
    return write_yaml(tmp_path / "d.yaml", data)


LAPTOPS = {"id": "laptops", "kind": "laptop", "quantity": 10, "lifetime_years": 5, "power_w": 0}
SERVER = {"id": "srv", "kind": "server", "power_w": 500, "pue": 1.5, "lifetime_years": 4}


def scenarios_json(path: Path, *extra: str) -> dict[str, Any]:
    code, output = invoke("scenarios", str(path), "--format", "json", *extra)
    assert code == 0, output
    return json.loads(output)


def test_longer_laptop_life_hand_computed(tmp_path: Path) -> None:
    # laptop row: 170 + 12.3 + 2.79 = 185.09 kgCO2e a device; no use (power 0).
    #   baseline 10 x 185.09 / 5 = 370.18 kgCO2e a year; 7 years: 10 x 185.09 / 7 = 264.4142857
    #   change -105.7657143 kgCO2e = -(1 - 5/7) = -28.5714 %; per user-year / 100 users
    path = dossier(
        tmp_path,
        [LAPTOPS],
        [{"name": "7 ans", "changes": [{"item": "laptops", "set": {"lifetime_years": 7}}]}],
    )
    data = scenarios_json(path)
    gwp = data["scenarios"]["scenarios"][0]["criteria"]["gwp"]
    assert gwp["baseline"]["value"] == pytest.approx(370.18, rel=1e-9)
    assert gwp["value"]["value"] == pytest.approx(264.4142857142857, rel=1e-9)
    assert gwp["change"]["value"] == pytest.approx(-105.76571428571428, rel=1e-9)
    assert gwp["change_pct"]["value"] == pytest.approx(-100 * 2 / 7, rel=1e-9)
    assert gwp["change_per_user_year"]["value"] == pytest.approx(-1.0576571428571428, rel=1e-9)
    # paired draws: the laptop ratio scales both alike, so the % change is exact in every
    # draw except for the lifetime (given: exact): the range collapses onto the point
    pct = gwp["change_pct"]["range"]
    assert [pct["p5"], pct["p95"]] == pytest.approx([-100 * 2 / 7] * 2, rel=1e-9)
    total = gwp["value"]["range"]
    assert total["p5"] < gwp["value"]["value"] < total["p95"]


def test_pue_scenario_by_match_hand_computed(tmp_path: Path) -> None:
    # use: 500 W x 8760 h / 1000 = 4380 kWh x PUE x 0.0519 kgCO2e/kWh;
    #   PUE 1.5 -> 1.2: change 4380 x (-0.3) x 0.0519 = -68.1966 kgCO2e a year
    path = dossier(
        tmp_path,
        [SERVER],
        [{"name": "PUE 1,2", "changes": [{"match": {"kind": "server"}, "set": {"pue": 1.2}}]}],
    )
    data = scenarios_json(path, "--deterministic")["scenarios"]
    gwp = data["scenarios"][0]["criteria"]["gwp"]
    assert gwp["change"]["value"] == pytest.approx(-68.1966, rel=1e-9)
    assert gwp["change"]["range"] is None and data["draws"] is None
    # the PUE lever is not suggested again: the scenario already studies the servers' PUE
    assert "pue" not in {lever["lever"] for lever in data["levers"]}


def test_standard_levers_hand_computed(tmp_path: Path) -> None:
    # 1000 GB a year on the fixed French network, 0.0092693 kgCO2e/GB: 9.2693 kgCO2e;
    #   -30 % data: -2.78079 kgCO2e. 10 laptops -20 %: -0.2 x 370.18 = -74.036 kgCO2e.
    #   laptops 2 years longer: 10 x 185.09 / 7 - 370.18 = -105.7657143 kgCO2e.
    traffic = {"id": "web", "kind": "network", "gb_per_year": 1000, "access": "fixed"}
    path = dossier(tmp_path, [LAPTOPS, traffic], [])
    data = scenarios_json(path, "--draws", "200")["scenarios"]
    levers = {lever["lever"]: lever["criteria"]["gwp"] for lever in data["levers"]}
    assert set(levers) == {"longer_life", "less_data", "fewer_terminals"}
    assert levers["less_data"]["change"]["value"] == pytest.approx(-2.78079, rel=1e-9)
    assert levers["fewer_terminals"]["change"]["value"] == pytest.approx(-74.036, rel=1e-9)
    assert levers["longer_life"]["change"]["value"] == pytest.approx(-105.76571428571428, rel=1e-9)


def test_table_lists_baseline_scenarios_and_levers(tmp_path: Path) -> None:
    path = dossier(
        tmp_path,
        [LAPTOPS, SERVER],
        [{"name": "7 ans", "changes": [{"item": "laptops", "set": {"lifetime_years": 7}}]}],
    )
    code, output = invoke("scenarios", str(path), "--lang", "en", "--draws", "200")
    assert code == 0, output
    assert "Baseline" in output and "Scenario: 7 ans" in output
    assert "Hosting at PUE 1.2" in output
    assert "Keep the applicant's terminals 2 years longer" not in output  # studied by "7 ans"
    # laptops 370.18 + server 900 / 4 + 4380 kWh x 1.5 x 0.0519 = 936.163 kgCO2e a year;
    # 7 years: -105.7657 / 936.163 = -11.3 %, shown with two significant digits
    assert "−11 %" in output
    assert "[P5 – P95]: 90 % interval of 200 Monte Carlo draws (seed 0)" in output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"item": "laptop", "set": {"lifetime_years": 7}},
            'scenarios[0].changes[0].item: "laptop" is not the id of an item (did you mean "laptops"?). Fix: use the id of an inventory item',
        ),
        (
            {"item": "laptops", "set": {"lifetim_years": 7}},
            'scenarios[0].changes[0].set.lifetim_years: a scenario cannot set "lifetim_years" (did you mean "lifetime_years"?)',
        ),
        (
            {"item": "laptops", "set": {"pue": 1.2}},
            "scenarios[0].changes[0].set.pue: does not apply to items of kind laptop. Fix: restrict the change to items that have this field",
        ),
        (
            {"item": "laptops", "set": {"hours_per_day": 30}},
            "scenarios[0].changes[0].set.hours_per_day: must be at most 24, got 30",
        ),
        (
            {"match": {"kind": "server"}, "set": {"pue": 1.2}},
            "scenarios[0].changes[0].match: matches no item (kind: server)",
        ),
        (
            {"item": "laptops", "match": {"kind": "laptop"}, "set": {"quantity": 1}},
            "scenarios[0].changes[0]: give item (an item id) or match (fields to match), not both",
        ),
    ],
)  # fmt: skip
def test_bad_scenarios_exit_2_with_the_path(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    path = dossier(tmp_path, [LAPTOPS], [{"name": "x", "changes": [change]}])
    code, output = invoke("scenarios", str(path), lang="en")
    assert code == 2, output
    assert output.startswith(f"Error: {path}:")
    assert message in output
    assert output.count("\n") == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"low": 4, "high": 30}, "inventory[0].hours_per_day.high: high doit être au plus 24, reçu 30"),
        ({"low": 8, "high": 4}, "inventory[0].hours_per_day: low (8) est plus grand que high (4). Correction : échangez-les"),
        ({"low": 2, "high": 6, "mode": 7}, "inventory[0].hours_per_day: mode (7) doit être entre low (2) et high (6)"),
        ({"low": 0, "high": 6}, "inventory[0].hours_per_day: une plage lognormale demande low > 0, reçu 0"),
        ({"low": 2, "hihg": 6}, "inventory[0].hours_per_day.hihg: clé « hihg » inconnue (vouliez-vous dire « high » ?)"),
    ],
)  # fmt: skip
def test_bad_ranges_exit_2_with_the_field(
    tmp_path: Path, value: dict[str, Any], message: str
) -> None:
    path = dossier(tmp_path, [{**LAPTOPS, "hours_per_day": value}], [])
    code, output = invoke("assess", str(path))
    assert code == 2, output
    assert message in output


def test_a_range_is_assessed_at_its_deterministic_value(tmp_path: Path) -> None:
    # lognormal {2, 8}: median 4; triangular mode 5; uniform midpoint 6 h a day.
    # use of a laptop at 26.5 W, 365 d (row defaults), lifetime 5: 26.5 x h x 365 / 1000 x 0.0519
    runs = {}
    for name, value in {
        "lognormal": {"low": 2, "high": 8},
        "triangular": {"low": 1, "mode": 5, "high": 8},
        "uniform": {"low": 4, "high": 8, "distribution": "uniform"},
    }.items():
        item = {"id": "l", "kind": "laptop", "hours_per_day": value, "lifetime_years": 5}
        path = dossier(tmp_path, [item], [])
        code, output = invoke("assess", str(path), "--format", "json", "--drivers", "--rows")
        assert code == 0, output
        runs[name] = json.loads(output)
    for name, hours in (("lognormal", 4.0), ("triangular", 5.0), ("uniform", 6.0)):
        use = [
            r["value"]
            for r in runs[name]["rows"]
            if r["phase"] == "use" and r["criterion"] == "gwp"
        ]
        assert use == [pytest.approx(26.5 * hours * 365 / 1000 * 0.0519, rel=1e-9)]
    keys = [d["key"] for d in runs["uniform"]["drivers"]["inputs"]]
    assert "range:l:hours_per_day" in keys


def test_csv_ranges_give_the_yaml_result(tmp_path: Path) -> None:
    yaml_path = dossier(tmp_path, [{**LAPTOPS, "hours_per_day": {"low": 2, "high": 8}}], [])
    (tmp_path / "inv.csv").write_text(
        "id,kind,quantity,lifetime_years,power_w,hours_per_day_low,hours_per_day_high\n"
        "laptops,laptop,10,5,0,2,8\n",
        encoding="utf-8",
    )
    data = base_dossier(duration_years=1, horizon_years=1, users_per_year=[100])
    data["inventory"] = {"csv": "inv.csv"}
    csv_path = write_yaml(tmp_path / "c.yaml", data)
    outputs = [invoke("assess", str(p), "--format", "json")[1] for p in (yaml_path, csv_path)]
    first, second = (json.loads(o) for o in outputs)
    assert first["uncertainty"] == second["uncertainty"]
    assert first["totals"] == second["totals"]
    (tmp_path / "inv.csv").write_text(
        "id,kind,hours_per_day,hours_per_day_low,hours_per_day_high\nlaptops,laptop,3,2,8\n",
        encoding="utf-8",
    )
    code, output = invoke("assess", str(csv_path))
    assert code == 2
    assert (
        "inv.csv: ligne 2, colonne « hours_per_day »: est donné avec hours_per_day_low et hours_per_day_high"
        in output
    )


def test_assess_json_has_ranges_and_drivers_and_a_seed_reproduces_them() -> None:
    code, output = invoke("assess", str(EXAMPLE), "--format", "json", "--drivers", "--seed", "4")
    assert code == 0
    data = json.loads(output)
    ranges = data["uncertainty"]
    assert ranges["draws"] == 1000 and ranges["seed"] == 4 and ranges["method"] == "monte-carlo"
    gwp = data["totals"]["gwp"]["range"]
    assert gwp["p5"] < data["totals"]["gwp"]["value"] < gwp["p95"]
    # every figure carries its range: tiers, phases, years, per user-year, SCI, items
    assert data["by_tier"]["network"]["gwp"]["range"]["p5"] > 0
    assert data["by_phase"]["use"]["gwp"]["range"] is not None
    assert data["by_year"]["2027"]["gwp"]["range"] is not None
    assert data["per_user_year"]["gwp"]["range"] is not None
    assert data["sci"]["value"]["range"] is not None
    assert None not in data["items"]["columns"]["gwp"]["range"]["p5"]
    shares = [d["share"] for d in data["drivers"]["inputs"]]
    assert shares == sorted(shares, reverse=True) and sum(shares) <= 1 + 1e-12
    again = invoke("assess", str(EXAMPLE), "--format", "json", "--drivers", "--seed", "4")[1]
    assert again == output
    code, output = invoke("assess", str(EXAMPLE), "--format", "json", "--deterministic")
    deterministic = json.loads(output)
    assert deterministic["uncertainty"] is None
    assert deterministic["totals"]["gwp"]["range"] is None


def test_assess_table_shows_ranges_unless_deterministic() -> None:
    code, output = invoke("assess", str(EXAMPLE), "--lang", "en", "--drivers")
    assert code == 0
    totals_line = next(line for line in output.splitlines() if "Climate change (gwp)" in line)
    assert totals_line.rstrip().endswith("]") and "tCO2e [" in totals_line
    assert "Main drivers of uncertainty" in output
    code, output = invoke("assess", str(EXAMPLE), "--deterministic")
    assert code == 0 and "[" not in output.split("Hypothèses")[0]
    code, output = invoke("assess", str(EXAMPLE), "--deterministic", "--drivers")
    assert code == 2 and "--drivers a besoin des tirages Monte-Carlo" in output


def test_standard_levers_name_the_items_they_change() -> None:
    from dataclasses import replace

    from ecodigital.assessment import Options, run
    from ecodigital.report.scenarios import lever_name

    results = run(EXAMPLE, Options(deterministic=True, finance=False))
    assert results.scenarios is not None
    levers = {lever.lever: lever for lever in results.scenarios.levers}
    # the example's scenario already keeps the laptops 7 years: the lever leaves them out
    assert "agents-laptops" not in levers["longer_life"].items
    assert levers["less_data"].items == ("citizen-traffic-fixed", "citizen-traffic-mobile")
    assert lever_name(levers["less_data"], "fr") == (
        "Réduire de 30\u202f% les données transférées "
        "(citizen-traffic-fixed, citizen-traffic-mobile)"
    )
    many = replace(levers["less_data"], items=("a", "b", "c", "d"))
    assert lever_name(many, "fr").endswith("(a, b, c et 1 autre)")
    assert lever_name(replace(many, items=("a", "b", "c", "d", "e")), "en").endswith(
        "(a, b, c and 2 more)"
    )


def test_the_fewer_terminals_lever_keeps_the_dossier_s_range_and_is_paired(
    tmp_path: Path,
) -> None:
    # A terminals-only dossier whose laptop count is uncertain (10 to 40). The lever
    # scales every terminal by 0.8: every draw of the variant is 0.8 x the same draw of
    # the baseline, so the change is -20 % in every draw, hence exactly -20 % at P5,
    # P50 and P95, while the totals keep the dossier's wide range.
    laptops = {**LAPTOPS, "quantity": {"low": 10, "high": 40}}
    path = dossier(tmp_path, [laptops, {"id": "phones", "kind": "smartphone", "quantity": 5}], [])
    data = scenarios_json(path, "--draws", "300", "--seed", "4")
    lever = next(v for v in data["scenarios"]["levers"] if v["lever"] == "fewer_terminals")
    change_pct = lever["criteria"]["gwp"]["change_pct"]
    assert change_pct["value"] == pytest.approx(-20.0, rel=1e-12)
    for end in ("p5", "p50", "p95"):
        assert change_pct["range"][end] == pytest.approx(-20.0, rel=1e-9), end
    value = lever["criteria"]["gwp"]["value"]["range"]
    assert value["p95"] / value["p5"] > 2  # the range of the quantity is still there


def test_the_baseline_is_the_total_with_its_quality() -> None:
    """The scenarios' baseline and every gap's baseline are the assessment's totals, not a
    second sum: the same value, range, completeness and quality shares as ``assess`` gives."""
    code, output = invoke("scenarios", str(EXAMPLE), "--format", "json", "--draws", "200")
    assert code == 0, output
    data = json.loads(output)
    code, assessed = invoke("assess", str(EXAMPLE), "--format", "json", "--draws", "200")
    assert code == 0, assessed
    totals = json.loads(assessed)["totals"]
    scenarios = data["scenarios"]
    assert scenarios["baseline"] == totals
    # the example's climate total is modelled, with a CodeCarbon-estimated share
    assert set(totals["gwp"]["quality"]) == {"modelled", "estimated-by-codecarbon"}
    for variant in (*scenarios["scenarios"], *scenarios["levers"]):
        for criterion, gap in variant["criteria"].items():
            assert gap["baseline"] == totals[criterion], (variant["name"], criterion)
