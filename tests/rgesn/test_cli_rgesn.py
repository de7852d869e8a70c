"""ecodigital rgesn: the questionnaire and CSV keep the dossier's comments and layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.dossier.load import load_dossier

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    path = tmp_path / "dossier.yaml"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.fixture
def bare_dossier(tmp_path: Path) -> Path:
    """The example without its rgesn: and levers: sections."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text[: text.index("# --- Écoconception")]
    path = tmp_path / "bare.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_questionnaire_writes_answers_and_keeps_comments(bare_dossier):
    before = bare_dossier.read_text(encoding="utf-8")
    # Strategy: 1.1 validated, 1.2 not validated (action, bad then good date, owner),
    # 1.3 not applicable (justification required: empty first), then save and quit.
    keys = [
        "c", "Étude d'opportunité faite",
        "n", "", "Ateliers usagers", "2026-13-01", "2026-06-30", "Cheffe de projet",
        "na", "", "Pas de référent à ce stade",
        "q",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, ["rgesn", str(bare_dossier)], input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    assert "Famille Stratégie : 10 critère(s) à renseigner" in result.output
    assert "Date invalide" in result.output
    # 1.1 validated (1.5) and 1.2 not validated (1.5); 1.3 not applicable is left out.
    assert "3/78 critères renseignés, score 50 %" in result.output
    after = bare_dossier.read_text(encoding="utf-8")
    assert after.startswith(before)  # every line of the original is still there, unchanged
    assert _comments(after) == _comments(before)
    answers = load_dossier(bare_dossier).model.rgesn.answers
    assert answers["1.1"].status == "conforme"
    assert answers["1.2"].status == "non_conforme"
    assert answers["1.2"].action == "Ateliers usagers"
    assert str(answers["1.2"].due) == "2026-06-30"
    assert answers["1.3"].status == "non_applicable"
    assert '  "1.1": {status: conforme, justification: Étude d\'opportunité faite}' in after


def test_questionnaire_resumes_and_skips_answered(dossier):
    before = dossier.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["rgesn", str(dossier)], input="q\n")
    assert result.exit_code == 0, result.output
    # Strategy has 9 answered criteria (1.1-1.10 but none left to ask): it starts at 2.1,
    # which is "a_evaluer" and so asked again.
    assert "Famille Stratégie" not in result.output
    assert "2.1 [prioritaire]" in result.output
    assert dossier.read_text(encoding="utf-8") == before


def test_round_trip_changes_only_the_answer(dossier):
    from ecodigital.rgesn.roundtrip import RoundTripDossier

    before = dossier.read_text(encoding="utf-8")
    edit = RoundTripDossier(dossier)
    assert edit.set_answer("2.1", {"status": "conforme", "justification": "Profils listés"})
    edit.save()
    after = dossier.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    # the new text takes the quoting of the answer's other texts
    assert changed == [
        (
            '    "2.1": {status: a_evaluer, action: "Lister les profils de terminaux des agents et '
            'des bornes.", due: 2026-03-31, owner: "Service informatique"}',
            '    "2.1": {status: conforme, justification: "Profils listés"}',
        )
    ]


def test_csv_import_names_the_bad_cell(dossier, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,status\n1.1,oui\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rgesn", str(dossier), "--import", str(sheet)])
    assert result.exit_code == 2
    assert (
        "sheet.csv: ligne 2, colonne « status »: « oui » n'est pas un statut. Correction : "
        "écrivez l'un de : conforme, non_conforme, non_applicable, a_evaluer"
    ) in result.output
    english = CliRunner().invoke(
        cli, ["rgesn", str(dossier), "--import", str(sheet), "--lang", "en"]
    )
    assert 'row 2, column "status": "oui" is not a status. Fix: write one of: conforme' in (
        english.output
    )
