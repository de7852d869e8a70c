"""Every bad dossier gets one line naming the file, the field and the fix; exit 2; no output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import base_dossier, write_yaml

from ecodigital.cli import cli


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the English wording of the errors (French is checked in tests/hostile)."""
    monkeypatch.setenv("ECODIGITAL_LANG", "en")


def run_assess(dossier: Path, tmp_path: Path) -> tuple[int, str, Path]:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["assess", str(dossier), "--format", "json", "-o", str(out)])
    return result.exit_code, result.output, out


def assert_one_line_error(code: int, output: str, out: Path, *expected: str) -> None:
    assert code == 2, output
    assert output.startswith("Error: ")
    assert output.count("\n") == 1, output
    assert "Traceback" not in output
    for fragment in expected:
        assert fragment in output, output
    assert not out.exists()
    assert not list(out.parent.glob(".out.json.*"))


def with_item(**changes: Any) -> dict[str, Any]:
    dossier = base_dossier()
    dossier["inventory"][0].update(changes)
    return dossier


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "format: ecodigital/1\nproject:\n  name: [unclosed\n  other: 1\n", encoding="utf-8"
    )
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code, output, out, f"{path}:", "YAML syntax error", "Fix: check the indentation"
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"kind": "latop"},
            ['inventory[0].kind: "latop" is not a known kind of item (did you mean "laptop"?)', "ecodigital factors list"],
        ),
        (
            {"quntity": 3},
            ['inventory[0].quntity: unknown key "quntity" (did you mean "quantity"?)', "Fix: remove it"],
        ),
        ({"quantity": -1}, ["inventory[0].quantity: must be greater than 0, got -1"]),
        ({"quantity": 0}, ["inventory[0].quantity: must be greater than 0, got 0"]),
        ({"allocation": 1.5}, ["inventory[0].allocation: must be at most 1, got 1.5"]),
        ({"allocation": -0.1}, ["inventory[0].allocation: must be at least 0, got -0.1"]),
        (
            {"location": "XYZ"},
            ['inventory[0].location: "XYZ" is not a known country code', "Fix: write the ISO 3166-1 alpha-3 code"],
        ),
        ({"location": "fra"}, ['inventory[0].location: "fra" is not an ISO 3166-1 alpha-3 country code', "Fix: write FRA (France)"]),
        (
            {"factor": "laptopp"},
            ['inventory[0].factor: "laptopp" is not a known factor id (did you mean "laptop"?)',
             'Fix: run "ecodigital factors list"'],
        ),
        (
            {"factor": "server-medium", "kind": "storage", "capacity_tb": 1},
            ['inventory[0].factor: factor "server-medium" is counted per device over its whole life, which does not fit an item of kind storage (it needs a factor counted per TB-year or per TB over its whole life or per drive over its whole life)'],
        ),
    ],
)  # fmt: skip
def test_bad_item(tmp_path: Path, changes: dict[str, Any], expected: list[str]) -> None:
    path = write_yaml(tmp_path / "d.yaml", with_item(**changes))
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, f"{path}:", *expected)


def test_error_points_at_the_yaml_line(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "d.yaml", with_item(quantity=-1))
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "quantity: -1" in text
    )
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, f"{path}:{line}: inventory[0].quantity")


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        (
            {"horizon_years": 2, "duration_years": 3, "users_per_year": [1, 2]},
            ["project.horizon_years: the horizon (2 years) is shorter than the funded operation (3 years)", "Fix: make horizon_years at least 3"],
        ),
        (
            {"users_per_year": [1, 2]},
            ["project.users_per_year: users_per_year has 2 values for a horizon of 3 years", "Fix: give one value per horizon year"],
        ),
        ({"country": "FRANCE"}, ["project.country:"]),
        ({"country": "ZZZ"}, ['project.country: "ZZZ" is not a known country code']),
        (
            {"beneficiary": {"name": "X", "type": "comune"}},
            ['project.beneficiary.type: "comune" is not allowed (did you mean "commune"?)', "Fix: use one of: commune, epci"],
        ),
    ],
)  # fmt: skip
def test_bad_project(tmp_path: Path, project: dict[str, Any], expected: list[str]) -> None:
    path = write_yaml(tmp_path / "d.yaml", base_dossier(**project))
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, f"{path}:", *expected)


def test_missing_file(tmp_path: Path) -> None:
    code, output, out = run_assess(tmp_path / "nope.yaml", tmp_path)
    assert_one_line_error(code, output, out, "nope.yaml: dossier not found. Fix: check the path")


def test_not_a_dossier(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code,
        output,
        out,
        "is not a dossier",
        'Fix: start from the starter dossier of "ecodigital init',
    )


def test_wrong_format_version(tmp_path: Path) -> None:
    dossier = base_dossier()
    dossier["format"] = "ecodigital/9"
    path = write_yaml(tmp_path / "d.yaml", dossier)
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, 'format: unsupported format "ecodigital/9"')


def test_duplicate_ids(tmp_path: Path) -> None:
    dossier = base_dossier()
    dossier["inventory"][1]["id"] = "laptops"
    path = write_yaml(tmp_path / "d.yaml", dossier)
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code, output, out, 'inventory[1].id: "laptops" is already the id of inventory[0]'
    )


def test_years_after_horizon(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "d.yaml", with_item(years=[1, 9]))
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code,
        output,
        out,
        "inventory[0].years: the last active year, 9, is after the horizon (3 years)",
    )


# --------------------------------------------------------------------------- CSV inventories


def csv_dossier(tmp_path: Path, csv_text: str) -> Path:
    (tmp_path / "inventory.csv").write_text(csv_text, encoding="utf-8")
    dossier = base_dossier()
    dossier["inventory"] = {"csv": "inventory.csv"}
    return write_yaml(tmp_path / "d.yaml", dossier)


def test_csv_missing_column(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,quantity\na,1\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code, output, out, 'inventory.csv: column "kind": is missing. Fix: add a "kind" column'
    )


def test_csv_non_numeric_cell_names_its_row(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,kind,quantity\na,laptop,2\nb,laptop,deux\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code, output, out, 'inventory.csv: row 3, column "quantity": "deux" is not a number'
    )


def test_csv_unknown_column_suggests(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,kind,quantiy\na,laptop,2\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code,
        output,
        out,
        'inventory.csv: column "quantiy": unknown column (did you mean "quantity"?)',
    )


def test_csv_unknown_kind_names_its_row(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,kind\na,laptop\nb,serveur\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code,
        output,
        out,
        'row 3, column "kind": "serveur" is not a known kind of item (did you mean "server"?)',
    )


def test_csv_range_error_names_its_row(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,kind,allocation\na,laptop,0.5\nb,laptop,2\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, 'row 3, column "allocation": must be at most 1, got 2')


def test_csv_field_of_another_kind(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,kind,vcpu\na,laptop,4\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code,
        output,
        out,
        'row 2, column "vcpu": the vcpu column does not apply to kind laptop',
    )


def test_csv_missing_file(tmp_path: Path) -> None:
    dossier = base_dossier()
    dossier["inventory"] = {"csv": "absent.csv"}
    path = write_yaml(tmp_path / "d.yaml", dossier)
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, "absent.csv: CSV inventory not found")


def test_csv_empty(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, "inventory.csv: is empty")


def test_csv_header_only(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,kind\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, "inventory.csv: has no item rows")


def test_csv_factor_error_names_row(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id,kind,factor\na,laptop,\nb,laptop,nope\n")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code, output, out, 'row 3, column "factor": "nope" is not a known factor id'
    )


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    dossier = base_dossier()
    dossier["inventory"][0].update(quantity=-1, allocation=3)
    path = write_yaml(tmp_path / "d.yaml", dossier)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert "2 problems:" in result.output
    assert "inventory[0].quantity: must be greater than 0" in result.output
    assert "inventory[0].allocation: must be at most 1" in result.output


def test_unknown_top_level_key(tmp_path: Path) -> None:
    dossier = base_dossier()
    dossier["inventry"] = []
    path = write_yaml(tmp_path / "d.yaml", dossier)
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code, output, out, 'inventry: unknown key "inventry" (did you mean "inventory"?)'
    )


def test_csv_outside_the_dossier_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("id,kind\na,laptop\n", encoding="utf-8")
    folder = tmp_path / "d"
    folder.mkdir()
    dossier = base_dossier()
    dossier["inventory"] = {"csv": "../secret.csv"}
    path = write_yaml(folder / "d.yaml", dossier)
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(
        code, output, out, 'inventory.csv: "../secret.csv" is outside the dossier\'s folder'
    )


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nformat: ecodigital/1\n", encoding="utf-8")
    code, output, out = run_assess(path, tmp_path)
    assert_one_line_error(code, output, out, "values through YAML anchors and aliases")
