"""``ecodigital finance``: read a dossier and a rules file, check, and return the report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ecodigital.errors import InputError
from ecodigital.finance.check import FinanceReport, ProjectFacts, check_finance

__all__ = ["NO_BUDGET_FIX", "run_finance_check"]

NO_BUDGET_FIX = (
    "add a budget section (amounts in EUR excluding VAT), for example: "
    'budget: {expenses: [{label: "Portail", category: prestations_externes, amount: 150000, '
    "vat: 30000, vat_recoverable: false}], resources: [{source: feder, amount: 100000}, "
    "{source: autofinancement, amount: 92600}]}; see docs/finance.md"
)


def run_finance_check(dossier_path: Path, rules_path: Path | None = None) -> FinanceReport:
    """Check the budget of the dossier at ``dossier_path`` against a call's rules."""
    from ecodigital.dossier.load import load_dossier
    from ecodigital.finance.licences import osi_licences
    from ecodigital.finance.rules import load_rules

    loaded = load_dossier(dossier_path)
    model = loaded.model
    if model.budget is None:
        raise InputError(str(dossier_path), "budget", "is missing", NO_BUDGET_FIX)
    rules = load_rules(rules_path)
    project = model.project
    facts = ProjectFacts(
        name=project.name,
        beneficiary_type=project.beneficiary.type,
        institutions=project.institutions,
        # Counts of people, read through their text so no float reaches the check.
        users_per_year=tuple(Decimal(repr(users)) for users in project.users_per_year),
    )
    return check_finance(model.budget, model.applicant, facts, rules, osi_licences())
