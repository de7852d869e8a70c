"""The financing check: a budget, the applicant's answers and a call's rules in, a verdict out.

Pure functions: no file access, no click, no float. Every amount is a
``Decimal`` in euros with two decimals.

Rounding rule
-------------
Inputs are exact to the cent and sums are exact. A computed amount is rounded
once, to the cent, towards the safe side of the rule it comes from, so that a
figure ecodigital shows always satisfies that rule:

- ceilings are rounded down (``ROUND_DOWN``): the indirect-cost flat rate
  ("up to 7 %", CPR Art. 54(a)) and the largest grant the budget allows;
- minimums are rounded up (``ROUND_UP``): the eligible cost and direct base
  needed to reach the grant floor;
- rates shown (grant rate, public aid rate) are rounded up to 0.01 %, so a rate
  shown as 60.00 % is at most 60 % and one above 60 % shows as 60.01 % or more.

Checks never compare rounded figures: ``grant <= 60 % of eligible cost`` is
tested as ``grant * 100 <= 60 * eligible cost``, exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_UP, Decimal
from typing import Literal

from ecodigital.finance.licences import LicenceList
from ecodigital.finance.model import CENT, Applicant, Budget, Expense
from ecodigital.finance.rules import Rules

__all__ = [
    "RULE_IDS",
    "ExpenseLine",
    "FinanceFigures",
    "FinanceReport",
    "Message",
    "ProjectFacts",
    "RuleResult",
    "Status",
    "check_finance",
    "compute_figures",
    "flat_rate_amount",
    "max_grant",
    "needed_for_floor",
]

Status = Literal["pass", "fail", "warning", "not_applicable"]
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
RATE_STEP = Decimal("0.01")

#: Every rule id, in report order. Ids are stable: docs/finance.md has one section each.
RULE_IDS = (
    "beneficiary-type",
    "ineligible-expenses",
    "vat",
    "indirect-costs",
    "eligible-cost",
    "grant-rate",
    "grant-floor",
    "public-aid-rate",
    "plan-balanced",
    "simplified-costs",
    "indicator-rco14",
    "indicator-rcr11",
    "horizontal-principles",
    "personal-data",
    "open-source-licence",
    "open-standards",
)


@dataclass(frozen=True)
class Message:
    """A sentence to show, by key and parameters (words are chosen by the renderer)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule, with the figures it used, why, and how to fix it."""

    id: str
    status: Status
    figures: Mapping[str, object]
    why: Message
    fix: Message | None = None


@dataclass(frozen=True)
class ProjectFacts:
    """What the check needs from the dossier's ``project`` section."""

    name: str
    beneficiary_type: str
    institutions: int | None
    users_per_year: tuple[Decimal, ...]


@dataclass(frozen=True)
class ExpenseLine:
    """One expense as the rules see it."""

    index: int
    label: str
    category: str
    amount: Decimal
    vat: Decimal
    vat_recoverable: bool | None
    eligible: bool
    #: Part of the VAT counted as an eligible cost.
    vat_eligible: Decimal
    #: Part of the VAT counted in the total cost (recoverable VAT is left out
    #: unless the rules make it eligible).
    vat_in_plan: Decimal

    @property
    def eligible_amount(self) -> Decimal:
        return self.amount + self.vat_eligible if self.eligible else ZERO

    @property
    def cost(self) -> Decimal:
        return self.amount + self.vat_in_plan


@dataclass(frozen=True)
class FinanceFigures:
    """The computed figures of a budget under a call's rules (EUR, rates in %)."""

    vat_mode: str
    total_expenses_excl_vat_eur: Decimal
    total_vat_eur: Decimal
    vat_eligible_eur: Decimal
    eligible_direct_base_eur: Decimal
    flat_rate_percent: Decimal | None
    flat_rate_eur: Decimal
    total_eligible_cost_eur: Decimal
    total_cost_eur: Decimal
    total_resources_eur: Decimal
    grant_eur: Decimal
    grant_rate_percent: Decimal | None
    public_aid_eur: Decimal
    public_aid_rate_percent: Decimal | None
    max_grant_eur: Decimal
    eligible_cost_needed_eur: Decimal | None
    eligible_direct_base_needed_eur: Decimal | None


@dataclass(frozen=True)
class FinanceReport:
    """Everything ``ecodigital finance`` shows."""

    project: str
    rules_id: str
    rules_title: str
    grant_name: str
    figures: FinanceFigures
    lines: tuple[ExpenseLine, ...]
    results: tuple[RuleResult, ...]

    def with_status(self, status: Status) -> list[RuleResult]:
        return [result for result in self.results if result.status == status]

    @property
    def failed(self) -> list[RuleResult]:
        return self.with_status("fail")

    @property
    def passed(self) -> bool:
        return not self.failed


# --------------------------------------------------------------------------- figures


def _cents(value: Decimal, rounding: str) -> Decimal:
    return value.quantize(CENT, rounding=rounding)


def _percent_of(amount: Decimal, percent: Decimal, rounding: str) -> Decimal:
    return _cents(amount * percent / HUNDRED, rounding)


def _rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a % of ``whole``, rounded up to 0.01 % (None when ``whole`` is 0)."""
    if whole == 0:
        return None
    return (part * HUNDRED / whole).quantize(RATE_STEP, rounding=ROUND_CEILING)


def flat_rate_amount(base_eur: Decimal, percent: Decimal | None) -> Decimal:
    """Indirect costs at ``percent`` of the eligible direct base, rounded down to the cent.

    >>> flat_rate_amount(Decimal("174000.00"), Decimal("7"))
    Decimal('12180.00')
    >>> flat_rate_amount(Decimal("0.07"), Decimal("7"))  # 0.0049 EUR
    Decimal('0.00')
    """
    if percent is None:
        return ZERO
    return _percent_of(base_eur, percent, ROUND_DOWN)


def max_grant(
    eligible_cost_eur: Decimal, rules: Rules, other_public_cofinancing_eur: Decimal
) -> Decimal:
    """The largest grant the rules allow on this eligible cost, rounded down to the cent.

    It is the smaller of the grant rate cap and what the public aid cap leaves
    after the other public co-financers (self-financing is assumed to shrink as
    the grant grows).
    """
    by_rate = _percent_of(eligible_cost_eur, rules.grant.max_rate_percent, ROUND_DOWN)
    by_public_aid = (
        _percent_of(eligible_cost_eur, rules.public_aid.max_rate_percent, ROUND_DOWN)
        - other_public_cofinancing_eur
    )
    return max(ZERO, min(by_rate, by_public_aid))


def needed_for_floor(rules: Rules) -> tuple[Decimal | None, Decimal | None]:
    """The eligible cost, and the eligible direct base, that let the grant reach its floor.

    Rounded up to the cent: the smallest amounts for which the grant rate cap
    allows the minimum grant. ``(None, None)`` when the call has no floor or a
    zero rate.
    """
    floor = rules.grant.min_eur
    rate = rules.grant.max_rate_percent
    if floor is None or rate == 0:
        return None, None
    eligible_needed = _cents(floor * HUNDRED / rate, ROUND_UP)
    flat = rules.indirect_costs.flat_rate_percent
    if flat is None:
        return eligible_needed, eligible_needed
    base = _cents(eligible_needed * HUNDRED / (HUNDRED + flat), ROUND_UP)
    # The flat rate is rounded down, so the base may need a cent or two more.
    while base + flat_rate_amount(base, flat) < eligible_needed:
        base += CENT
    return eligible_needed, base


def classify_expenses(expenses: Sequence[Expense], rules: Rules) -> tuple[str, list[ExpenseLine]]:
    """The VAT mode that applies and each expense line as the rules see it."""
    total_incl_vat = sum((e.amount + e.vat for e in expenses), ZERO)
    mode = rules.vat_mode(total_incl_vat)
    eligible_categories = set(rules.expenses.eligible_categories)
    lines = []
    for index, expense in enumerate(expenses):
        eligible = expense.category in eligible_categories
        recoverable = bool(expense.vat_recoverable)
        vat_is_eligible = eligible and (
            mode == "always" or (mode == "when_not_recoverable" and not recoverable)
        )
        vat_eligible = expense.vat if vat_is_eligible else ZERO
        vat_in_plan = expense.vat if (not recoverable or vat_is_eligible) else ZERO
        lines.append(
            ExpenseLine(
                index=index,
                label=expense.label,
                category=expense.category,
                amount=expense.amount,
                vat=expense.vat,
                vat_recoverable=expense.vat_recoverable,
                eligible=eligible,
                vat_eligible=vat_eligible,
                vat_in_plan=vat_in_plan,
            )
        )
    return mode, lines


def compute_figures(
    budget: Budget, rules: Rules, beneficiary_type: str
) -> tuple[FinanceFigures, list[ExpenseLine]]:
    """Every figure of the check, computed once."""
    mode, lines = classify_expenses(budget.expenses, rules)
    base = sum((line.eligible_amount for line in lines), ZERO)
    flat_percent = rules.indirect_costs.flat_rate_percent
    flat = flat_rate_amount(base, flat_percent)
    eligible_cost = base + flat
    total_cost = sum((line.cost for line in lines), ZERO) + flat

    resources = budget.resources
    total_resources = sum((r.amount for r in resources), ZERO)
    grant = sum((r.amount for r in resources if r.source == rules.grant.source), ZERO)
    public_sources = set(rules.public_aid.public_sources)
    cofinancing = sum((r.amount for r in resources if r.source in public_sources), ZERO)
    public_aid = cofinancing
    if beneficiary_type in rules.public_aid.self_financing_is_public_for:
        # Ineligible costs are deemed paid from self-financing first; only the
        # rest of it finances the eligible cost as public money.
        self_financing = sum((r.amount for r in resources if r.source == "autofinancement"), ZERO)
        public_aid += max(ZERO, self_financing - (total_cost - eligible_cost))
    eligible_needed, base_needed = needed_for_floor(rules)

    figures = FinanceFigures(
        vat_mode=mode,
        total_expenses_excl_vat_eur=sum((line.amount for line in lines), ZERO),
        total_vat_eur=sum((line.vat for line in lines), ZERO),
        vat_eligible_eur=sum((line.vat_eligible for line in lines), ZERO),
        eligible_direct_base_eur=base,
        flat_rate_percent=flat_percent,
        flat_rate_eur=flat,
        total_eligible_cost_eur=eligible_cost,
        total_cost_eur=total_cost,
        total_resources_eur=total_resources,
        grant_eur=grant,
        grant_rate_percent=_rate(grant, eligible_cost),
        public_aid_eur=public_aid,
        public_aid_rate_percent=_rate(public_aid, eligible_cost),
        max_grant_eur=max_grant(eligible_cost, rules, cofinancing - grant),
        eligible_cost_needed_eur=eligible_needed,
        eligible_direct_base_needed_eur=base_needed,
    )
    return figures, lines


# --------------------------------------------------------------------------- rules


def check_finance(
    budget: Budget,
    applicant: Applicant | None,
    project: ProjectFacts,
    rules: Rules,
    licences: LicenceList,
) -> FinanceReport:
    """Check a budget and the applicant's answers against a call's rules."""
    figures, lines = compute_figures(budget, rules, project.beneficiary_type)
    results = [
        _beneficiary_type(project, rules),
        _ineligible_expenses(lines),
        _vat(lines, figures),
        _indirect_costs(lines, figures, rules),
        _eligible_cost(figures),
        _grant_rate(figures, rules),
        _grant_floor(figures, rules),
        _public_aid_rate(figures, rules),
        _plan_balanced(figures),
        _simplified_costs(figures, budget, rules),
        *_indicators(project, rules),
        _horizontal_principles(applicant, rules),
        _personal_data(applicant, rules),
        _open_source_licence(applicant, rules, licences),
        _open_standards(applicant, rules),
    ]
    return FinanceReport(
        project=project.name,
        rules_id=rules.id,
        rules_title=rules.title,
        grant_name=rules.grant.name,
        figures=figures,
        lines=tuple(lines),
        results=tuple(r for r in results if r is not None),
    )


def _result(
    rule: str,
    status: Status,
    figures: Mapping[str, object],
    why: str,
    fix: str | None = None,
    **params: object,
) -> RuleResult:
    merged = {**figures, **params}
    return RuleResult(
        id=rule,
        status=status,
        figures=dict(figures),
        why=Message(f"{rule}.{why}", merged),
        fix=Message(f"{rule}.{fix}", merged) if fix else None,
    )


def _beneficiary_type(project: ProjectFacts, rules: Rules) -> RuleResult:
    figures = {"beneficiary_type": project.beneficiary_type, "eligible_types": rules.beneficiaries}
    if project.beneficiary_type in rules.beneficiaries:
        return _result("beneficiary-type", "pass", figures, "pass")
    return _result("beneficiary-type", "fail", figures, "fail", "fix")


def _ineligible_expenses(lines: Sequence[ExpenseLine]) -> RuleResult:
    excluded = [line for line in lines if not line.eligible]
    figures = {
        "excluded_lines": [
            {"index": line.index, "label": line.label, "category": line.category,
             "amount_eur": line.amount, "vat_eur": line.vat}
            for line in excluded
        ],
        "excluded_eur": sum((line.amount for line in excluded), ZERO),
    }  # fmt: skip
    if not excluded:
        return _result("ineligible-expenses", "pass", figures, "pass")
    return _result("ineligible-expenses", "warning", figures, "warning", "fix", count=len(excluded))


def _vat(lines: Sequence[ExpenseLine], figures: FinanceFigures) -> RuleResult:
    with_vat = [line for line in lines if line.vat > 0]
    unstated = [line for line in with_vat if line.vat_recoverable is None]
    recoverable_out = sum((line.vat for line in with_vat if line.vat_in_plan == 0), ZERO)
    data = {
        "vat_mode": figures.vat_mode,
        "total_vat_eur": figures.total_vat_eur,
        "vat_eligible_eur": figures.vat_eligible_eur,
        "vat_left_out_of_plan_eur": recoverable_out,
        "unstated_lines": [line.label for line in unstated],
    }
    if not with_vat:
        return _result("vat", "not_applicable", data, "none")
    if unstated:
        return _result("vat", "warning", data, "unstated", "unstated_fix")
    return _result("vat", "pass", data, f"pass_{figures.vat_mode}")


def _indirect_costs(
    lines: Sequence[ExpenseLine], figures: FinanceFigures, rules: Rules
) -> RuleResult:
    overhead_categories = set(rules.indirect_costs.real_overhead_categories)
    overheads = [line for line in lines if line.category in overhead_categories]
    data = {
        "flat_rate_percent": figures.flat_rate_percent,
        "eligible_direct_base_eur": figures.eligible_direct_base_eur,
        "flat_rate_eur": figures.flat_rate_eur,
        "real_overhead_lines": [line.label for line in overheads],
        "real_overhead_eur": sum((line.amount for line in overheads), ZERO),
    }
    if overheads:
        return _result("indirect-costs", "fail", data, "overheads", "overheads_fix")
    if figures.flat_rate_percent is None:
        return _result("indirect-costs", "not_applicable", data, "none")
    return _result("indirect-costs", "pass", data, "pass")


def _eligible_cost(figures: FinanceFigures) -> RuleResult:
    data = {
        "eligible_direct_base_eur": figures.eligible_direct_base_eur,
        "flat_rate_eur": figures.flat_rate_eur,
        "total_eligible_cost_eur": figures.total_eligible_cost_eur,
    }
    if figures.total_eligible_cost_eur == 0:
        return _result("eligible-cost", "fail", data, "zero", "zero_fix")
    return _result("eligible-cost", "pass", data, "pass")


def _grant_rate(figures: FinanceFigures, rules: Rules) -> RuleResult:
    limit = rules.grant.max_rate_percent
    data = {
        "grant_eur": figures.grant_eur,
        "total_eligible_cost_eur": figures.total_eligible_cost_eur,
        "grant_rate_percent": figures.grant_rate_percent,
        "max_rate_percent": limit,
        "max_grant_eur": figures.max_grant_eur,
    }
    eligible = figures.total_eligible_cost_eur
    if eligible == 0:
        if figures.grant_eur == 0:
            return _result("grant-rate", "not_applicable", data, "no_cost")
        return _result("grant-rate", "fail", data, "no_cost_grant", "zero_fix")
    if figures.grant_eur * HUNDRED <= limit * eligible:
        return _result("grant-rate", "pass", data, "pass")
    return _result(
        "grant-rate",
        "fail",
        data,
        "fail",
        "fix",
        excess_eur=figures.grant_eur - figures.max_grant_eur,
    )


def _grant_floor(figures: FinanceFigures, rules: Rules) -> RuleResult | None:
    floor = rules.grant.min_eur
    if floor is None:
        return None
    data = {
        "grant_eur": figures.grant_eur,
        "min_grant_eur": floor,
        "max_grant_eur": figures.max_grant_eur,
        "eligible_cost_needed_eur": figures.eligible_cost_needed_eur,
        "eligible_direct_base_needed_eur": figures.eligible_direct_base_needed_eur,
    }
    if figures.grant_eur >= floor:
        return _result("grant-floor", "pass", data, "pass")
    if figures.max_grant_eur >= floor:
        return _result("grant-floor", "fail", data, "fail", "fix_ask_more")
    missing = max(
        ZERO, (figures.eligible_direct_base_needed_eur or ZERO) - figures.eligible_direct_base_eur
    )
    return _result("grant-floor", "fail", data, "fail", "fix_bigger_base", base_missing_eur=missing)


def _public_aid_rate(figures: FinanceFigures, rules: Rules) -> RuleResult:
    limit = rules.public_aid.max_rate_percent
    data = {
        "public_aid_eur": figures.public_aid_eur,
        "total_eligible_cost_eur": figures.total_eligible_cost_eur,
        "public_aid_rate_percent": figures.public_aid_rate_percent,
        "max_rate_percent": limit,
    }
    eligible = figures.total_eligible_cost_eur
    if eligible == 0:
        if figures.public_aid_eur == 0:
            return _result("public-aid-rate", "not_applicable", data, "no_cost")
        return _result("public-aid-rate", "fail", data, "no_cost", "zero_fix")
    if figures.public_aid_eur * HUNDRED <= limit * eligible:
        return _result("public-aid-rate", "pass", data, "pass")
    excess = figures.public_aid_eur - _percent_of(eligible, limit, ROUND_DOWN)
    return _result("public-aid-rate", "fail", data, "fail", "fix", excess_eur=excess)


def _plan_balanced(figures: FinanceFigures) -> RuleResult:
    difference = figures.total_resources_eur - figures.total_cost_eur
    data = {
        "total_cost_eur": figures.total_cost_eur,
        "total_resources_eur": figures.total_resources_eur,
        "difference_eur": difference,
        "flat_rate_eur": figures.flat_rate_eur,
    }
    if difference == 0:
        return _result("plan-balanced", "pass", data, "pass")
    if difference < 0:
        return _result("plan-balanced", "fail", data, "short", "short_fix", gap_eur=-difference)
    return _result("plan-balanced", "fail", data, "over", "over_fix", gap_eur=difference)


def _simplified_costs(figures: FinanceFigures, budget: Budget, rules: Rules) -> RuleResult | None:
    if rules.simplified_costs is None:
        return None
    threshold = rules.simplified_costs.threshold_eur
    data = {
        "total_cost_eur": figures.total_cost_eur,
        "threshold_eur": threshold,
        "state_aid": budget.state_aid,
    }
    if figures.total_cost_eur > threshold:
        return _result("simplified-costs", "pass", data, "pass")
    if budget.state_aid:
        return _result("simplified-costs", "not_applicable", data, "state_aid")
    return _result("simplified-costs", "warning", data, "warning", "fix")


def _indicators(project: ProjectFacts, rules: Rules) -> list[RuleResult]:
    results = []
    if "RCO14" in rules.indicators:
        data: dict[str, object] = {"institutions": project.institutions}
        if project.institutions is not None and project.institutions > 0:
            results.append(_result("indicator-rco14", "pass", data, "pass"))
        else:
            results.append(_result("indicator-rco14", "fail", data, "fail", "fix"))
    if "RCR11" in rules.indicators:
        users = project.users_per_year
        peak = max(users, default=Decimal(0))
        data = {"users_per_year": list(users), "max_users_per_year": peak}
        if peak > 0:
            results.append(_result("indicator-rcr11", "pass", data, "pass"))
        else:
            results.append(_result("indicator-rcr11", "fail", data, "fail", "fix"))
    return results


def _filled(text: object) -> bool:
    return text is not None and (not isinstance(text, str) or bool(text.strip()))


def _horizontal_principles(applicant: Applicant | None, rules: Rules) -> RuleResult | None:
    required = list(rules.applicant.horizontal_principles)
    if not required:
        return None
    missing = [name for name in required if not _filled(getattr(applicant, name, None))]
    data = {"required": required, "missing": missing}
    if missing:
        return _result("horizontal-principles", "fail", data, "fail", "fix")
    return _result("horizontal-principles", "pass", data, "pass")


def _personal_data(applicant: Applicant | None, rules: Rules) -> RuleResult | None:
    required = list(rules.applicant.personal_data_fields)
    if not required:
        return None
    section = applicant.personal_data if applicant is not None else None
    missing = [name for name in required if not _filled(getattr(section, name, None))]
    hosting = getattr(section, "hosting_location", None)
    data = {"required": required, "missing": missing, "hosting_location": hosting}
    if missing:
        return _result("personal-data", "fail", data, "fail", "fix")
    if section is not None and section.hosting_zone == "hors_UE":
        return _result("personal-data", "warning", data, "outside_eu", "outside_eu_fix")
    return _result("personal-data", "pass", data, "pass")


def _spdx_operands(expression: str) -> list[str]:
    """Licence ids in a simple SPDX expression (``MIT OR Apache-2.0``; exceptions ignored)."""
    text = expression.replace("(", " ").replace(")", " ")
    operands = []
    for part in text.replace(" AND ", " OR ").split(" OR "):
        licence = part.split(" WITH ", 1)[0].strip()
        if licence:
            operands.append(licence)
    return operands


def _open_source_licence(
    applicant: Applicant | None, rules: Rules, licences: LicenceList
) -> RuleResult | None:
    requirement = rules.technical.open_source_licence
    if requirement == "not_checked":
        return None
    failing: Status = "fail" if requirement == "required" else "warning"
    licence = applicant.licence if applicant is not None else None
    data: dict[str, object] = {"licence": licence, "requirement": requirement}
    if not licence:
        return _result("open-source-licence", failing, data, "missing", "missing_fix")
    operands = _spdx_operands(licence)
    unknown = [
        op for op in operands if op not in licences.approved and op not in licences.deprecated
    ]
    if unknown or not operands:
        import difflib

        name = unknown[0] if unknown else licence
        candidates = sorted(licences.approved)
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if not close:
            folded = {c.casefold(): c for c in candidates}
            close = [folded[name.casefold()]] if name.casefold() in folded else []
        data["not_osi_approved"] = unknown
        return _result(
            "open-source-licence",
            failing,
            data,
            "not_osi",
            "not_osi_fix_suggest" if close else "not_osi_fix",
            name=name,
            suggestion=close[0] if close else "",
        )
    deprecated = [op for op in operands if op in licences.deprecated]
    if deprecated:
        replacement = " / ".join(licences.deprecated[deprecated[0]])
        return _result(
            "open-source-licence", "warning", data, "deprecated", "deprecated_fix",
            name=deprecated[0], replacement=replacement,
        )  # fmt: skip
    return _result("open-source-licence", "pass", data, "pass")


def _open_standards(applicant: Applicant | None, rules: Rules) -> RuleResult | None:
    requirement = rules.technical.open_standards
    if requirement == "not_checked":
        return None
    standards = list(applicant.open_standards) if applicant is not None else []
    data = {"open_standards": standards, "requirement": requirement}
    if standards:
        return _result("open-standards", "pass", data, "pass")
    failing: Status = "fail" if requirement == "required" else "warning"
    return _result("open-standards", failing, data, "missing", "fix")
