"""A note's payload exports like its dossier: the embedded results, never computed again."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from connectors_support import ONPREM_DOSSIER, write_dossier

from ecodigital.cli import cli


def test_a_markdown_note_exports_the_figures_it_carries(tmp_path: Path) -> None:
    dossier = write_dossier(tmp_path, ONPREM_DOSSIER)
    note = tmp_path / "note.md"
    made = CliRunner().invoke(cli, ["note", str(dossier), "-o", str(note), "--deterministic"])
    assert made.exit_code == 0, made.output
    from_note, from_dossier = tmp_path / "note-if.yaml", tmp_path / "dossier-if.yaml"
    for source, output in ((note, from_note), (dossier, from_dossier)):
        result = CliRunner().invoke(
            cli, ["export", str(source), "--to", "impact-framework", "-o", str(output)]
        )
        assert result.exit_code == 0, result.output
    a = yaml.safe_load(from_note.read_text(encoding="utf-8"))
    b = yaml.safe_load(from_dossier.read_text(encoding="utf-8"))
    assert a["tree"] == b["tree"] and a["initialize"] == b["initialize"]

    # the payload is what is exported: edit its results, and the export follows them
    payload_path = tmp_path / "note.json"
    payload = json.loads(payload_path.read_text(encoding="utf-8"))
    for row in payload["results"]["rows"]:
        if row["item"] == "traffic" and row["criterion"] == "gwp" and row["phase"] == "use":
            row["value"] *= 2
    payload_path.write_text(json.dumps(payload), encoding="utf-8")
    edited = tmp_path / "edited.json"
    assert (
        CliRunner()
        .invoke(cli, ["export", str(note), "--to", "pcr-si", "-o", str(edited)])
        .exit_code
        == 0
    )
    traffic = json.loads(edited.read_text(encoding="utf-8"))["details"]["traffic"]
    original = tmp_path / "original.json"
    assert (
        CliRunner()
        .invoke(cli, ["export", str(dossier), "--to", "pcr-si", "-o", str(original)])
        .exit_code
        == 0
    )
    before = json.loads(original.read_text(encoding="utf-8"))["details"]["traffic"]
    assert traffic["impacts"]["USE"]["GWP"] == 2 * before["impacts"]["USE"]["GWP"]


def test_a_note_is_not_assessed_again_with_other_factors(tmp_path: Path) -> None:
    dossier = write_dossier(tmp_path, ONPREM_DOSSIER)
    note = tmp_path / "note.md"
    assert (
        CliRunner()
        .invoke(cli, ["note", str(dossier), "-o", str(note), "--deterministic"])
        .exit_code
        == 0
    )
    factors = tmp_path / "f.csv"
    factors.write_text("id\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "export",
            str(note),
            "--to",
            "pcr-si",
            "-o",
            str(tmp_path / "x.json"),
            "--factors",
            str(factors),
        ],
    )
    assert result.exit_code == 2
    assert "une note porte ses résultats : ils ne sont pas recalculés" in result.output
    assert not (tmp_path / "x.json").exists()
