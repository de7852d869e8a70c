"""Submissions are confined: a batch of notes and dossiers that name files outside the
submission (by a relative path, an absolute path, a symlink, a FIFO or a device) is
read file by file, each such file refused with its own one-line error, the rest of
the batch read whole, and nothing outside the submission ever opened.

What ``compare`` and ``verify`` open is watched with an audit hook (PEP 578): every
``open`` of the process is recorded while the command runs, so a file read by any
library, not only by ecodigital's own readers, is seen.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import opened_files, payload_of

from ecodigital.cli import cli
from ecodigital.report.payload import compute_digest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise"
EXAMPLE_TEXT = (EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")
MEASURED = "    files: [measures]"


def _absolute(name: str, cwd: Path) -> Path:
    path = Path(name)
    return Path(os.path.abspath(path if path.is_absolute() else cwd / path))


def _write_payload(path: Path, payload: dict) -> None:
    payload["digest"]["value"] = compute_digest(payload)  # a digest that holds
    path.write_text(json.dumps(payload), encoding="utf-8")


@pytest.fixture()
def batch(notes: dict[str, Path], tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """The submission folder, the folder beside it, and each hostile file's error."""
    submission, outside = tmp_path / "depot", tmp_path / "ailleurs"
    submission.mkdir()
    shutil.copytree(EXAMPLE / "measures", outside / "measures")
    (outside / "inventaire.csv").write_text("id,kind,quantity\nx,laptop,1\n", encoding="utf-8")
    expected: dict[str, str] = {}

    shutil.copy(notes["plain"], submission / "honnete.html")
    shutil.copytree(EXAMPLE / "measures", submission / "measures")
    (submission / "honnete.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")

    payload = payload_of(notes["plain"])
    csv_note = json.loads(json.dumps(payload))
    csv_note["dossier"].pop("inventory_source", None)
    csv_note["dossier"]["inventory"] = {"csv": "../ailleurs/inventaire.csv"}
    _write_payload(submission / "note-csv.json", csv_note)
    expected["note-csv.json"] = "inventory.csv: le dossier embarqué dans la note nomme le fichier"
    measured_note = json.loads(json.dumps(payload))
    measurement = measured_note["dossier"]["measurements"][0]
    measurement.pop("summary")
    measurement["files"] = ["/etc/passwd"]
    _write_payload(submission / "note-mesure.json", measured_note)
    expected["note-mesure.json"] = "measurements[0].files: le dossier embarqué dans la note nomme"

    def dossier(name: str, files: str, error: str) -> None:
        (submission / name).write_text(
            EXAMPLE_TEXT.replace(MEASURED, f"    files: [{files}]"), encoding="utf-8"
        )
        expected[name] = error

    outside_error = "measurements[0].files[0]: « {} » est hors du dossier du projet"
    dossier("relatif.yaml", "../ailleurs/measures", outside_error.format("../ailleurs/measures"))
    absolute = str(outside / "measures" / "emissions.csv")
    dossier("absolu.yaml", absolute, outside_error.format(absolute))
    (submission / "lien").symlink_to(outside / "measures")
    dossier("lien.yaml", "lien", outside_error.format("lien"))
    (submission / "zero.csv").symlink_to("/dev/zero")
    dossier("zero.yaml", "zero.csv", outside_error.format("zero.csv"))
    dossier("peripherique.yaml", "/dev/zero", outside_error.format("/dev/zero"))
    os.mkfifo(submission / "fifo.csv")
    dossier("fifo.yaml", "fifo.csv", "fifo.csv: est un tube nommé (FIFO), pas un fichier ordinaire")
    start, end = EXAMPLE_TEXT.index("\ninventory:\n"), EXAMPLE_TEXT.index("\nmeasurements:\n")
    (submission / "inventaire-absolu.yaml").write_text(
        EXAMPLE_TEXT[:start] + "\ninventory: {csv: /etc/passwd}\n" + EXAMPLE_TEXT[end:],
        encoding="utf-8",
    )
    expected["inventaire-absolu.yaml"] = (
        "inventory.csv: « /etc/passwd » est hors du dossier du projet"
    )
    return submission, outside, expected


def test_each_outside_file_is_refused_the_batch_goes_on_and_nothing_outside_is_opened(
    batch: tuple[Path, Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submission, outside, expected = batch
    output = tmp_path / "instruction"
    output.mkdir()
    monkeypatch.chdir(output)
    files = sorted(str(path) for path in submission.glob("*.*") if path.suffix != ".csv")
    with opened_files() as opened:
        result = CliRunner().invoke(cli, ["compare", *files, "-o", "comparaison.json"])
    assert result.exit_code == 0, result.output
    rows = {Path(row["file"]).name: row for row in json.loads(
        (output / "comparaison.json").read_text(encoding="utf-8"))["rows"]}  # fmt: skip
    for name, error in expected.items():
        assert rows[name]["error"] is not None, name
        assert error in rows[name]["error"], (name, rows[name]["error"])
        assert rows[name]["gwp_kgco2e"] is None
        assert "--allow-outside" not in rows[name]["error"]  # not an instructor's option
    for name in ("honnete.html", "honnete.yaml"):  # read whole, beside the refused ones
        assert rows[name]["error"] is None, rows[name]
        assert rows[name]["gwp_kgco2e"] > 0
    assert f"{len(expected)} fichiers sur {len(files)} sont illisibles :" in result.output

    touched = {_absolute(name, output) for name in opened}
    assert not [p for p in touched if p.is_relative_to(outside)]
    assert not {Path("/etc/passwd"), Path("/dev/zero")} & touched
    # the FIFO inside the submission is opened without blocking, seen not to be a regular
    # file and refused unread (the batch would hang on it otherwise)
    # what the process opened under the test's folders: the submission and the output only
    mine = [p for p in touched if p.is_relative_to(tmp_path)]
    assert mine and all(p.is_relative_to(submission) or p.is_relative_to(output) for p in mine)


@pytest.mark.parametrize("name", ["note-csv.json", "note-mesure.json"])
def test_verify_refuses_a_note_whose_dossier_names_a_file_with_exit_2(
    batch: tuple[Path, Path, dict[str, str]], name: str
) -> None:
    submission, outside, expected = batch
    with opened_files() as opened:
        result = CliRunner().invoke(cli, ["verify", str(submission / name)])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Erreur : {submission / name}#dossier: "), line
    assert expected[name] in line and "Correction :" in line
    touched = {_absolute(path, Path.cwd()) for path in opened}
    assert not [p for p in touched if p.is_relative_to(outside)]
    assert Path("/etc/passwd") not in touched
