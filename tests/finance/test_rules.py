"""Rules files: the shipped ones load, bad ones are refused clearly, another call needs no code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from finance_support import EXAMPLE, OTHER_CALL, dossier_text, line_of

from ecodigital.errors import InputError
from ecodigital.finance.rules import DEFAULT_RULES, load_rules, parse_rules_text, shipped_rules
from ecodigital.finance.run import run_finance_check

SHIPPED = Path(__file__).resolve().parents[2] / "ecodigital" / "finance" / "rules" / DEFAULT_RULES
DEFAULT_TEXT = SHIPPED.read_text(encoding="utf-8")


def test_every_shipped_rules_file_loads() -> None:
    assert DEFAULT_RULES in shipped_rules()
    for name in shipped_rules():
        path = SHIPPED.parent / name
        assert parse_rules_text(path.read_text(encoding="utf-8"), path).format == (
            "ecodigital-finance-rules/1"
        )


def test_default_rules_are_the_call_text() -> None:
    rules = load_rules()
    assert rules.id == "feder-bfc-2021-2027-e-gouvernement"
    assert rules.grant.min_eur == Decimal("75000")
    assert rules.grant.max_rate_percent == Decimal("60")
    assert rules.public_aid.max_rate_percent == Decimal("100")
    assert rules.indirect_costs.flat_rate_percent == Decimal("7")
    assert rules.simplified_costs is not None
    assert rules.simplified_costs.threshold_eur == Decimal("200000")
    assert rules.vat.threshold_incl_vat_eur == Decimal("5000000")
    assert set(rules.expenses.ineligible_categories) == {
        "personnel", "immobilier", "frais_generaux", "numerisation_isolee"
    }  # fmt: skip
    assert rules.indicators == ["RCO14", "RCR11"]


def _broken(old: str, new: str) -> str:
    assert old in DEFAULT_TEXT
    return DEFAULT_TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "max_rate_percent: 60 ",
            "max_rat_percent: 60 ",
            "grant.max_rat_percent",
            "clé « max_rat_percent » inconnue (vouliez-vous dire « max_rate_percent » ?) "
            "(et 1 autre problème). Correction : retirez-la ou corrigez son nom (les clés sont "
            "en anglais ; voir ecodigital docs finance)",
        ),
        (
            "max_rate_percent: 60 ",
            "max_rate_percent: 160 ",
            "grant.max_rate_percent",
            "160.00 dépasse 100. Correction : donnez un pourcentage entre 0 et 100",
        ),
        (
            "min_eur: 75000 ",
            'min_eur: "75,000" ',
            "grant.min_eur",
            "« 75,000 » est ambigu : une virgule ou un point suivi de trois chiffres sépare des "
            "milliers (anglais) ou des décimales (français). Correction : écrivez "
            '"150 000,00" (espaces entre les milliers, virgule avant les centimes) ou "150000.00"',
        ),
        (
            "    - communication\n",
            "    - comunication\n",
            "expenses.eligible_categories[5]",
            "« comunication » n'est pas une valeur possible (vouliez-vous dire « communication » ?). "
            "Correction : écrivez l'une de : "
            "investissement_materiel, investissement_immateriel, prestations_externes, "
            "maintenance_hebergement_stockage, abonnements, communication, personnel, "
            "immobilier, frais_generaux, numerisation_isolee",
        ),
        (
            "    - personnel\n",
            "",
            "expenses",
            "catégories non classées : personnel. Correction : classez chaque catégorie sous "
            "eligible_categories ou ineligible_categories",
        ),
        (
            "below_threshold: when_not_recoverable",
            "below_threshold: sometimes",
            "vat.below_threshold",
            "« sometimes » n'est pas une valeur possible. Correction : écrivez l'une de : "
            "when_not_recoverable, never, always",
        ),
        (
            "public_sources: [feder, ",
            "public_sources: [",
            "public_aid.public_sources",
            "la source de la subvention, feder, manque. Correction : ajoutez feder à "
            "public_aid.public_sources",
        ),
    ],
)
def test_a_rules_file_that_does_not_match_its_schema_is_refused(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    text = _broken(old, new)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    key = field.split(".")[-1].split("[")[0]
    anchor = new.strip() or key + ":"
    expected_line = line_of(text, anchor) if new.strip() else line_of(text, "expenses:")
    with pytest.raises(InputError) as caught:
        load_rules(path)
    # the rules file's errors, in French (the default language)
    assert caught.value.message("fr") == f"{path}:{expected_line}: {field}: {message}"
    assert caught.value.exit_code == 2


def test_a_rules_file_without_format(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(path)
    assert str(caught.value) == (
        f"{path}: format: is required. "
        'Fix: write "format: ecodigital-finance-rules/1" at the top of the rules file'
    )


def test_a_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_rules(tmp_path / "nope.yaml")
    assert (
        str(caught.value) == f"{tmp_path / 'nope.yaml'}: rules file not found. Fix: check the path"
    )


# --------------------------------------------------------------------------- another call

# A small project: 100 000 of external services, 30 000 of staff, 60 000 of FEDER.
SMALL = """\
budget:
  expenses:
    - {label: "Portail", category: prestations_externes, amount: 100000}
    - {label: "Chef de projet", category: personnel, amount: 30000}
  resources:
    - {source: feder, amount: 60000}
    - {source: autofinancement, amount: %s}
"""


def _statuses(path: Path, rules: Path | None) -> dict[str, str]:
    return {r.id: r.status for r in run_finance_check(path, rules).results}


def test_another_call_changes_the_verdicts_with_no_code_change(tmp_path: Path) -> None:
    # The example passes this call and fails the made-up one: 50 % at most
    # (160 000 > 50 % of 289 905.00 = 144 952.50), and with VAT never eligible
    # and a 5 % flat rate the total cost falls to 329 865.00, below its resources.
    default = _statuses(EXAMPLE, None)
    other = _statuses(EXAMPLE, OTHER_CALL)
    assert "fail" not in default.values()
    assert other["grant-rate"] == "fail"
    assert other["plan-balanced"] == "fail"
    assert "indicator-rcr11" not in other  # the made-up call asks only for RCO 14

    # The small project is the other way round. This call: staff excluded, base
    # 100 000 + 7 % = 107 000 eligible, total 137 000, FEDER 60 000 < 75 000 floor.
    # Made-up call: staff eligible, 130 000 + 5 % = 136 500, 50 % = 68 250 >= 60 000,
    # floor 50 000; total 136 500.
    this_call = tmp_path / "this.yaml"
    this_call.write_text(dossier_text(SMALL % 77000), encoding="utf-8")
    other_call = tmp_path / "other.yaml"
    other_call.write_text(dossier_text(SMALL % 76500), encoding="utf-8")
    assert _statuses(this_call, None)["grant-floor"] == "fail"
    assert _statuses(this_call, None)["plan-balanced"] == "pass"
    small_other = _statuses(other_call, OTHER_CALL)
    assert "fail" not in small_other.values()
    assert small_other["ineligible-expenses"] == "pass"


def test_example_dossier_default_rules_from_the_package() -> None:
    assert run_finance_check(EXAMPLE).rules_id == "feder-bfc-2021-2027-e-gouvernement"
