"""``ecodigital finance``: read a dossier and a rules file, check, and return the report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecodigital.errors import InputError
from ecodigital.finance.check import FinanceReport, ProjectFacts, check_finance
from ecodigital.i18n import Msg

if TYPE_CHECKING:
    from ecodigital.dossier.load import LoadedDossier

__all__ = ["NO_BUDGET", "NO_BUDGET_FIX", "check_loaded", "run_finance_check"]

#: A dossier without ``budget``: what is wrong and how to fix it.
NO_BUDGET: Final = Msg("finance.input.no_budget")
NO_BUDGET_FIX: Final = Msg("finance.input.no_budget_fix")


def run_finance_check(dossier_path: Path, rules_path: Path | None = None) -> FinanceReport:
    """Check the budget of the dossier at ``dossier_path`` against a call's rules."""
    from ecodigital.dossier.load import load_dossier

    loaded = load_dossier(dossier_path)
    if loaded.model.budget is None:
        raise InputError(str(dossier_path), "budget", NO_BUDGET, NO_BUDGET_FIX)
    report = check_loaded(loaded, rules_path)
    assert report is not None
    return report


def check_loaded(loaded: LoadedDossier, rules_path: Path | None = None) -> FinanceReport | None:
    """Check an already loaded dossier's budget; ``None`` when it has no budget."""
    from ecodigital.finance.licences import osi_licences
    from ecodigital.finance.rules import load_rules

    model = loaded.model
    if model.budget is None:
        return None
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
