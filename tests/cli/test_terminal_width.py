"""Tables and long lines fit the terminal's width ($COLUMNS), figures and ranges kept whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.terminal import text_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "guichet-mutualise" / "dossier.yaml")


def test_a_table_that_fits_is_left_as_it_is() -> None:
    rows = [("Terminaux", "7,73 tCO2e [6,15 – 9,16]", "82 %"), ("Réseaux", "324 kgCO2e", "3,4 %")]
    assert text_table(rows, width=80) == [
        "  Terminaux  7,73 tCO2e [6,15 – 9,16]   82 %",
        "  Réseaux                  324 kgCO2e  3,4 %",
    ]


def test_a_wide_table_wraps_its_label_first_then_between_figure_and_range() -> None:
    rows = [
        ("Changement climatique (gwp)", "≥ 8,88 tCO2e [7,40 – 11,0]", "−529 kgCO2e [−671 – −393]")
    ]
    # 2 + 27 + 2 + 26 + 2 + 25 = 84 characters for 50: the label gives 17 (down to its longest
    # word, "climatique"), then the figures split before their range, and each column keeps
    # only its longest line (13 characters)
    assert text_table(rows, width=50) == [
        "  Changement   ≥ 8,88 tCO2e    −529 kgCO2e",
        "  climatique  [7,40 – 11,0]  [−671 – −393]",
        "  (gwp)",
    ]


def test_a_unit_is_cut_after_its_slash_only_when_nothing_else_fits() -> None:
    rows = [("Eau", "≥ 0,201 m³/utilisateur-année")]
    # at 30 columns the figure splits at a space; at 22, "utilisateur-année" alone is 17
    assert text_table(rows, width=30) == [
        "  Eau               ≥ 0,201",
        "       m³/utilisateur-année",
    ]
    assert text_table(rows, width=22) == ["  Eau        ≥ 0,201 m³/", "       utilisateur-année"]


@pytest.mark.parametrize(
    "args",
    [
        ["assess", EXAMPLE, "--draws", "100", "--drivers"],
        ["scenarios", EXAMPLE, "--draws", "100"],
        ["finance", EXAMPLE],
        ["measurements", "summarize", str(ROOT / "examples" / "guichet-mutualise" / "measures")],
    ],
    ids=lambda a: a[0],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_line_fits_a_90_column_terminal(args: list[str], lang: str) -> None:
    result = CliRunner(env={"COLUMNS": "90"}).invoke(cli, [*args, "--lang", lang])
    assert result.exit_code == 0, result.output
    too_long = [line for line in result.stdout.splitlines() if len(line) > 90]
    assert too_long == []
