"""``ecodigital finance`` driven through click: exit codes, exact messages, rendered content."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from finance_support import EXAMPLE, HEAD, dossier_text, line_of

from ecodigital.cli import cli
from ecodigital.finance.check import RULE_IDS

NNBSP = "\u202f"


def run(*args: str | Path) -> Result:
    # wide enough that no line wraps (tests/cli/test_terminal_width.py checks the wrapping)
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["finance", *map(str, args)])


def run_en(*args: str | Path) -> Result:
    """``finance`` with its errors in English (the wording these tests check)."""
    return CliRunner(env={"ECODIGITAL_LANG": "en"}).invoke(cli, ["finance", *map(str, args)])


def eur(text: str) -> str:
    """A French amount as rendered: narrow no-break spaces and a euro sign."""
    return text.replace(" ", NNBSP) + f"{NNBSP}€"


def test_example_dossier_passes_in_french() -> None:
    result = run(EXAMPLE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "Contrôle du plan de financement — Guichet numérique mutualisé du Haut-Doubs\n"
        "Règles : FEDER Bourgogne-Franche-Comté 2021-2027 — OS 1.2 E-gouvernement "
        "(feder-bfc-2021-2027-e-gouvernement)\n"
    )
    for label, amount in [
        ("Dépenses directes éligibles (assiette)", "268 060,00"),
        (f"Coûts indirects, forfait 7{NNBSP}%", "18 764,20"),
        ("Coût total éligible", "286 824,20"),
        ("Coût total de l'opération", "334 824,20"),
        ("Total des ressources", "334 824,20"),
        ("FEDER maximal permis par ce budget", "172 094,52"),
    ]:
        row = next(line for line in out.splitlines() if line.strip().startswith(label))
        assert row.rstrip().endswith(eur(amount)), row
    grant = next(line for line in out.splitlines() if line.startswith("  FEDER demandé "))
    assert grant.endswith(f" {eur('160 000,00')}  55,79{NNBSP}% du coût éligible")
    assert "[à vérifier]   Dépenses inéligibles écartées · ineligible-expenses" in out
    assert "Cheffe de projet interne (40 % sur 3 ans) (personnel," in out
    assert out.endswith(
        "Verdict : le plan respecte les règles (15 conformes, 1 à vérifier, 0 sans objet).\n"
    )
    assert result.stderr == ""


def test_example_dossier_in_english() -> None:
    result = run(EXAMPLE, "--lang", "en")
    assert result.exit_code == 0
    assert "  Largest FEDER this budget allows  €172,094.52\n" in result.stdout
    assert "  [pass]    FEDER grant rate · grant-rate\n" in result.stdout
    assert result.stdout.endswith(
        "Verdict: the plan meets the rules (15 pass, 1 warning, 0 n/a).\n"
    )


def test_json_has_every_figure_as_exact_text() -> None:
    result = run(EXAMPLE, "--format", "json")
    assert result.exit_code == 0

    def no_float(text: str) -> None:
        raise AssertionError(f"float {text} in the JSON")

    document = json.loads(result.stdout, parse_float=no_float)
    assert document["format"] == "ecodigital-finance-report/1"
    assert document["passed"] is True
    assert document["summary"] == {"pass": 15, "fail": 0, "warning": 1, "not_applicable": 0}
    figures = document["figures"]
    assert figures["total_eligible_cost_eur"] == "286824.20"
    assert figures["flat_rate_eur"] == "18764.20"
    assert figures["max_grant_eur"] == "172094.52"
    assert figures["grant_rate_percent"] == "55.79"
    assert figures["eligible_direct_base_needed_eur"] == "116822.43"
    assert [r["id"] for r in document["results"]] == list(RULE_IDS)
    staff = document["expenses"][-1]
    assert staff == {
        "index": 8,
        "label": "Cheffe de projet interne (40 % sur 3 ans)",
        "category": "personnel",
        "amount_eur": "48000.00",
        "vat_eur": "0.00",
        "vat_recoverable": None,
        "eligible": False,
        "vat_eligible_eur": "0.00",
        "vat_in_plan_eur": "0.00",
        "eligible_eur": "0.00",
    }
    rate = next(r for r in document["results"] if r["id"] == "grant-rate")
    assert rate["why"] == (
        f"160{NNBSP}000,00{NNBSP}€ demandés, soit 55,79{NNBSP}% du coût éligible "
        f"(286{NNBSP}824,20{NNBSP}€) ; maximum 60{NNBSP}%."
    )


def test_output_file_is_written_and_not_replaced_without_force(
    tmp_path: Path,
) -> None:
    out = tmp_path / "financement.json"
    first = run(EXAMPLE, "--format", "json", "-o", out)
    assert first.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["passed"] is True
    again = run(EXAMPLE, "-o", out)
    assert again.exit_code == 2
    assert again.stderr == (
        f"Erreur : {out}: existe déjà. Correction : choisissez un autre chemin ou ajoutez --force pour le remplacer\n"
    )
    assert run(EXAMPLE, "-o", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("Contrôle du plan de financement")


BALANCED = """\
budget:
  expenses:
    - {label: "Portail", category: prestations_externes, amount: "150 000,00",
       vat: 30000, vat_recoverable: false}
  resources:
    - {source: feder, amount: %s}
    - {source: autofinancement, amount: %s}
"""
# 150 000 + 30 000 of VAT not recoverable = 180 000 of base; flat 12 600; 192 600 in all.


def test_a_failed_rule_exits_1_with_the_report(write_dossier: Callable[[str], Path]) -> None:
    path = write_dossier(dossier_text(BALANCED % ("74999.99", "117600.01")))
    result = run(path)
    assert result.exit_code == 1
    assert "[NON CONFORME] Subvention FEDER minimale · grant-floor" in result.stdout
    assert (
        "Verdict : 1 règle non respectée (14 conformes, 1 à vérifier, 0 sans objet)."
        in result.stdout
    )
    assert result.stderr == "Erreur : 1 règle de financement non respectée : grant-floor\n"


def test_french_notation_and_a_balanced_plan_pass(write_dossier: Callable[[str], Path]) -> None:
    path = write_dossier(dossier_text(BALANCED % ("75000", '"117 600,00"')))
    result = run(path)
    assert result.exit_code == 0, result.output
    # Total cost 192 600 <= 200 000: simplified cost options, a warning only.
    assert "[à vérifier]   Options de coûts simplifiés · simplified-costs" in result.stdout


def _budget(expense: str, resource: str = "{source: feder, amount: 100000}") -> str:
    return f"budget:\n  expenses:\n    - {expense}\n  resources:\n    - {resource}\n"


@pytest.mark.parametrize(
    ("budget", "anchor", "field", "message"),
    [
        (
            _budget("{label: A, category: prestations_externes, amount: -5}"),
            "amount: -5",
            "budget.expenses[0].amount",
            "-5 is negative. Fix: amounts are positive: money received is a resource, not a negative expense",
        ),
        (
            _budget('{label: A, category: prestations_externes, amount: "-150 000,00"}'),
            "-150 000,00",
            "budget.expenses[0].amount",
            "-150 000,00 is negative. Fix: amounts are positive: money received is a resource, not a negative expense",
        ),
        (
            _budget(
                "{label: A, category: prestations_externes, amount: 1000}",
                "{source: etat, amount: -1}",
            ),
            "amount: -1",
            "budget.resources[0].amount",
            "-1 is negative. Fix: amounts are positive: money received is a resource, not a negative expense",
        ),
        (
            _budget("{label: A, category: prestation_externe, amount: 5}"),
            "prestation_externe",
            "budget.expenses[0].category",
            '"prestation_externe" is not allowed (did you mean "prestations_externes"?). '
            "Fix: use one of: investissement_materiel, investissement_immateriel, "
            "prestations_externes, maintenance_hebergement_stockage, abonnements, communication, "
            "personnel, immobilier, frais_generaux, numerisation_isolee",
        ),
        (
            _budget('{label: A, category: prestations_externes, amount: "150,000"}'),
            "150,000",
            "budget.expenses[0].amount",
            '"150,000" is ambiguous: a comma or point followed by three digits separates '
            'thousands (English) or decimals (French). Fix: write "150 000,00" (spaces between '
            'thousands, a comma before the cents) or "150000.00"',
        ),
        (
            _budget(
                "{label: A, category: prestations_externes, amount: 5}",
                "{source: FEDER, amount: 1}",
            ),
            "FEDER",
            "budget.resources[0].source",
            '"FEDER" is not allowed (did you mean "feder"?). Fix: use one of: feder, etat, '
            "region, departement, commune, epci, autre_public, prive, autofinancement",
        ),
        (
            _budget(
                "{label: A, category: prestations_externes, amount: 5}",
                "{source: banque, amount: 1}",
            ),
            "banque",
            "budget.resources[0].source",
            '"banque" is not allowed. Fix: use one of: feder, etat, region, departement, commune, '
            "epci, autre_public, prive, autofinancement",
        ),
        (
            _budget("{label: A, category: prestations_externes, amout: 5}"),
            "amout",
            "budget.expenses[0].amout",
            'unknown key "amout" (did you mean "amount"?) (and 1 more; run '
            "'ecodigital validate' to list them). Fix: remove it or correct its name (keys are in "
            "English; see ecodigital docs finance)",
        ),
        (
            "budget:\n  expenses: []\n  resources:\n    - {source: feder, amount: 1}\n",
            "expenses: []",
            "budget.expenses",
            'has no expense. Fix: give at least one, for example - {label: "Développement", '
            "category: prestations_externes, amount: 150000}",
        ),
        (
            "budget: {}\n",
            "budget: {}",
            "budget.expenses",
            "is required (and 1 more; run 'ecodigital validate' to list them). Fix: add expenses",
        ),
        (
            "budget:\n  expenses:\n    - {label: A, category: prestations_externes, amount: 1}\n"
            "  resources: []\n",
            "resources: []",
            "budget.resources",
            "has no resource. Fix: give at least one, for example - {source: feder, amount: 100000}",
        ),
    ],
)
def test_bad_budget_exits_2_with_file_line_field_and_fix(
    write_dossier: Callable[[str], Path], budget: str, anchor: str, field: str, message: str
) -> None:
    text = dossier_text(budget)
    path = write_dossier(text)
    result = run_en(path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: d.yaml:{line_of(text, anchor)}: {field}: {message}\n"


def test_unknown_applicant_key_gets_a_suggestion(write_dossier: Callable[[str], Path]) -> None:
    text = dossier_text(
        _budget("{label: A, category: prestations_externes, amount: 5}"),
        "applicant:\n  personal_data: {dpo: true, hostng_location: UE}\n",
    )
    result = run_en(write_dossier(text))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: d.yaml:{line_of(text, 'hostng_location')}: "
        'applicant.personal_data.hostng_location: unknown key "hostng_location" '
        '(did you mean "hosting_location"?). Fix: remove it or correct its name '
        "(keys are in English; see ecodigital docs finance)\n"
    )


@pytest.mark.parametrize("budget", ["", "budget:\n"])
def test_a_dossier_without_budget_says_to_add_one(
    write_dossier: Callable[[str], Path], budget: str
) -> None:
    result = run(write_dossier(HEAD + budget))
    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : d.yaml: budget: manque. Correction : ajoutez une section budget (dépenses en "
        "euros HT, avec leur TVA, et ressources) : voir l'exemple du dossier de départ de "
        "ecodigital init et ecodigital docs finance\n"
    )


def test_the_balanced_example_passes_the_plan_arithmetic(
    write_dossier: Callable[[str], Path],
) -> None:
    # 150 000 + 30 000 VAT (not recoverable) + 7 % of 180 000 = 192 600 = 100 000 + 92 600
    text = dossier_text(BALANCED % ("100000", "92600"))
    result = run(write_dossier(text), "--format", "json")
    assert json.loads(result.stdout)["figures"]["total_cost_eur"] == "192600.00"
    assert result.exit_code == 0


def test_a_bad_rules_file_exits_2(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("format: ecodigital-finance-rules/1\nid: x\n", encoding="utf-8")
    result = run_en(EXAMPLE, "--rules", rules)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {rules}: title: is required (and 6 more problems). Fix: add title\n"
    )


def test_help_shows_examples_and_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["finance", "--help"])
    assert result.exit_code == 0
    assert "ecodigital finance dossier.yaml --rules autre-appel.yaml" in result.stdout
    assert "Code de sortie 0 quand toutes les règles sont respectées" in result.stdout
    english = CliRunner().invoke(cli, ["finance", "--help", "--lang", "en"])
    assert "Exit code 0 when every rule passes (warnings allowed), 1 when a rule" in english.stdout


def test_the_budget_example_in_the_docs_passes(write_dossier: Callable[[str], Path]) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "finance.md").read_text(encoding="utf-8")
    start = docs.index("budget:\n  expenses:")
    budget = docs[start : docs.index("  state_aid: false\n", start)]
    result = run(write_dossier(dossier_text(budget)))
    assert result.exit_code == 0, result.stdout
