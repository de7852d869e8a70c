"""A note made with an older shipped factor dataset still verifies, although the default
is the newest one; a dataset that is not shipped is refused with the versions shipped."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.factors.versions import reference_versions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


def test_a_2026_1_note_still_verifies_while_the_default_is_newer(tmp_path: Path) -> None:
    assert reference_versions()[-1] != "2026.1"  # the default is another dataset
    note = tmp_path / "note.md"
    made = CliRunner().invoke(
        cli,
        ["note", str(EXAMPLE), "-o", str(note), "--deterministic", "--factors-dataset", "2026.1"],
    )
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(cli, ["verify", str(note), "--lang", "en"])
    assert checked.exit_code == 0, checked.output
    assert (
        "declares ecodigital-reference-factors 2026.1; recomputed with ecodigital-reference-factors 2026.1"
        in checked.output
    )
    # recomputed with the newest dataset, the same note no longer holds: its figures are 2026.1's
    newest = reference_versions()[-1]
    again = CliRunner().invoke(cli, ["verify", str(note), "--factors-dataset", newest])
    assert again.exit_code == 1, again.output


def test_note_refuses_a_dataset_not_shipped(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["note", str(EXAMPLE), "-o", str(tmp_path / "n.md"), "--factors-dataset", "2019.1"]
    )
    assert result.exit_code == 2, result.output
    assert "2019.1" in result.output and "2026.1" in result.output
    assert not (tmp_path / "n.md").exists()
