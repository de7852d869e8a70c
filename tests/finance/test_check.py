"""The pure financing check: boundaries of the call's rules, golden figures by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ecodigital.finance.check import (
    FinanceReport,
    ProjectFacts,
    RuleResult,
    check_finance,
    flat_rate_amount,
    needed_for_floor,
)
from ecodigital.finance.licences import osi_licences
from ecodigital.finance.model import Applicant, Budget
from ecodigital.finance.rules import Rules, VatRules, load_rules

D = Decimal
RULES = load_rules()
FACTS = ProjectFacts("Portail test", "epci", 3, (D(100), D(200)))
APPLICANT = Applicant.model_validate(
    {
        "gender_equality": "Comité paritaire.",
        "non_discrimination": "RGAA 4.1.",
        "sustainable_development": "RGESN.",
        "personal_data": {
            "dpo": True,
            "dpia": "done",
            "hosting_location": "FR",
            "description": "x",
        },
        "licence": "EUPL-1.2",
        "open_standards": ["OpenAPI 3.1"],
    }
)


def line(category: str, amount: object, **extra: object) -> dict[str, object]:
    return {"label": f"{category} line", "category": category, "amount": amount, **extra}


def check(
    expenses: list[dict[str, object]],
    resources: list[dict[str, object]] | None = None,
    rules: Rules = RULES,
    facts: ProjectFacts = FACTS,
    applicant: Applicant | None = APPLICANT,
    **budget: Any,
) -> FinanceReport:
    data = {"expenses": expenses, "resources": resources or [{"source": "feder", "amount": 0}]}
    return check_finance(
        Budget.model_validate({**data, **budget}), applicant, facts, rules, osi_licences()
    )


def balanced(expenses: list[dict[str, object]], feder: object) -> FinanceReport:
    """The budget with FEDER ``feder`` and self-financing making up the rest of the cost."""
    first = check(expenses)
    rest = first.figures.total_cost_eur - D(str(feder))
    return check(
        expenses,
        [{"source": "feder", "amount": feder}, {"source": "autofinancement", "amount": str(rest)}],
    )


def result(report: FinanceReport, rule_id: str) -> RuleResult:
    return next(r for r in report.results if r.id == rule_id)


# A base of 200 000.00 of eligible direct costs, no VAT: flat rate 7 % = 14 000.00,
# eligible cost = total cost = 214 000.00; 60 % of it = 128 400.00.
BASE_200K = [line("prestations_externes", 200000)]


@pytest.mark.parametrize(
    ("feder", "rule_id", "status"),
    [
        # grant floor 75 000.00
        ("74999.99", "grant-floor", "fail"),
        ("75000.00", "grant-floor", "pass"),
        # grant rate 60 % of 214 000.00 = 128 400.00
        ("128400.00", "grant-rate", "pass"),  # exactly 60.00 %
        ("128400.01", "grant-rate", "fail"),  # one cent above: 60.000005 %
        ("128421.40", "grant-rate", "fail"),  # 60.01 %
    ],
)
def test_grant_boundaries(feder: str, rule_id: str, status: str) -> None:
    report = balanced(BASE_200K, feder)
    assert report.figures.total_eligible_cost_eur == D("214000.00")
    assert result(report, "plan-balanced").status == "pass"
    assert result(report, rule_id).status == status


@pytest.mark.parametrize(
    ("feder", "shown"),
    [
        ("128400.00", "60.00"),
        ("128400.01", "60.01"),
        ("128421.40", "60.01"),
        ("128378.60", "59.99"),
    ],
)
def test_rates_are_shown_rounded_up_so_a_failing_rate_never_shows_the_limit(
    feder: str, shown: str
) -> None:
    assert balanced(BASE_200K, feder).figures.grant_rate_percent == D(shown)


def test_floor_missed_with_room_in_the_budget_says_ask_for_more() -> None:
    report = balanced(BASE_200K, "74999.99")
    floor = result(report, "grant-floor")
    assert floor.fix is not None and floor.fix.key == "grant-floor.fix_ask_more"
    assert floor.figures["max_grant_eur"] == D("128400.00")


def test_floor_out_of_reach_gives_the_base_needed() -> None:
    # Base 100 000 -> flat 7 000 -> eligible 107 000 -> at most 64 200 of FEDER.
    # Floor 75 000 at 60 % needs an eligible cost of 125 000.00, that is a base D
    # with D + floor(7 % D) >= 125 000: D = 125 000 / 1.07 = 116 822.4299 -> 116 822.43
    # (flat 8 177.57, total 125 000.00). So 16 822.43 more of direct costs.
    report = balanced([line("prestations_externes", 100000)], 64200)
    floor = result(report, "grant-floor")
    assert floor.status == "fail"
    assert floor.fix is not None and floor.fix.key == "grant-floor.fix_bigger_base"
    assert floor.figures["eligible_cost_needed_eur"] == D("125000.00")
    assert floor.figures["eligible_direct_base_needed_eur"] == D("116822.43")
    assert floor.fix.params["base_missing_eur"] == D("16822.43")
    assert result(report, "grant-rate").status == "pass"


def test_needed_base_is_the_smallest_that_reaches_the_floor() -> None:
    eligible, base = needed_for_floor(RULES)
    assert (eligible, base) == (D("125000.00"), D("116822.43"))
    assert base is not None and eligible is not None
    assert base + flat_rate_amount(base, D(7)) >= eligible
    smaller = base - D("0.01")
    assert smaller + flat_rate_amount(smaller, D(7)) < eligible


def test_staff_and_real_estate_lines_are_excluded_and_out_of_the_flat_rate_base() -> None:
    report = check(
        [
            line("prestations_externes", 100000),
            line("personnel", 40000),
            line("immobilier", 60000),
        ]
    )
    figures = report.figures
    # Only the 100 000 of external services is eligible: flat 7 000, eligible 107 000.
    assert figures.eligible_direct_base_eur == D("100000.00")
    assert figures.flat_rate_eur == D("7000.00")
    assert figures.total_eligible_cost_eur == D("107000.00")
    # Excluded lines stay in the total cost: 200 000 + 7 000.
    assert figures.total_cost_eur == D("207000.00")
    excluded = result(report, "ineligible-expenses")
    assert excluded.status == "warning"
    assert [x["category"] for x in excluded.figures["excluded_lines"]] == [
        "personnel",
        "immobilier",
    ]  # type: ignore[index,union-attr]
    assert excluded.figures["excluded_eur"] == D("100000.00")


def test_real_overheads_are_refused_because_the_flat_rate_covers_them() -> None:
    report = check([line("prestations_externes", 100000), line("frais_generaux", 5000)])
    overheads = result(report, "indirect-costs")
    assert overheads.status == "fail"
    assert overheads.figures["real_overhead_eur"] == D("5000.00")
    assert report.figures.eligible_direct_base_eur == D("100000.00")


def _with_vat(mode: str) -> Rules:
    return RULES.model_copy(update={"vat": VatRules(below_threshold=mode)})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "recoverable", "vat_eligible", "vat_in_plan"),
    [
        # when_not_recoverable (this call): only VAT the beneficiary pays for good counts
        ("when_not_recoverable", True, "0.00", "0.00"),
        ("when_not_recoverable", False, "20000.00", "20000.00"),
        ("when_not_recoverable", None, "20000.00", "20000.00"),  # unstated: not recoverable
        # never: VAT is not eligible, but VAT that is not recovered is still a cost
        ("never", False, "0.00", "20000.00"),
        ("never", True, "0.00", "0.00"),
        # always (CPR Art. 64(1)(c)(i) read literally): recoverable VAT counts too
        ("always", True, "20000.00", "20000.00"),
    ],
)
def test_vat_follows_the_rules_file(
    mode: str, recoverable: bool | None, vat_eligible: str, vat_in_plan: str
) -> None:
    extra = {} if recoverable is None else {"vat_recoverable": recoverable}
    report = check(
        [line("prestations_externes", 100000, vat=20000, **extra)], rules=_with_vat(mode)
    )
    (expense,) = report.lines
    assert expense.vat_eligible == D(vat_eligible)
    assert expense.vat_in_plan == D(vat_in_plan)
    # The flat rate base includes exactly the eligible VAT.
    assert report.figures.eligible_direct_base_eur == D("100000.00") + D(vat_eligible)
    assert result(report, "vat").status == ("warning" if recoverable is None else "pass")


def test_vat_threshold_switches_mode_at_the_total_cost_including_vat() -> None:
    rules = RULES.model_copy(
        update={
            "vat": VatRules(
                threshold_incl_vat_eur=D("5000000"),
                below_threshold="always",
                above_threshold="when_not_recoverable",
            )
        }
    )
    below = check(
        [line("prestations_externes", "4166666.66", vat="833333.33", vat_recoverable=True)],
        rules=rules,
    )
    at = check(
        [line("prestations_externes", "4166666.67", vat="833333.33", vat_recoverable=True)],
        rules=rules,
    )
    assert below.figures.vat_mode == "always"
    assert below.figures.vat_eligible_eur == D("833333.33")
    assert at.figures.vat_mode == "when_not_recoverable"
    assert at.figures.vat_eligible_eur == D("0.00")


@pytest.mark.parametrize(
    ("self_financing", "status", "gap"),
    [("139000.00", "pass", "0.00"), ("138999.99", "fail", "0.01"), ("139000.01", "fail", "0.01")],
)
def test_plan_must_balance_to_the_cent(self_financing: str, status: str, gap: str) -> None:
    # 200 000 + flat 14 000 = 214 000 of cost; 75 000 of FEDER + 139 000 balances it.
    report = check(
        BASE_200K,
        [
            {"source": "feder", "amount": 75000},
            {"source": "autofinancement", "amount": self_financing},
        ],
    )
    balance = result(report, "plan-balanced")
    assert balance.status == status
    assert abs(balance.figures["difference_eur"]) == D(gap)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("staff", "state_aid", "status"),
    [
        # 100 000 eligible + 7 000 flat + staff: a total cost of exactly 200 000.00
        ("93000.00", False, "warning"),
        ("93000.01", False, "pass"),
        ("93000.00", True, "not_applicable"),
    ],
)
def test_simplified_costs_warning_up_to_200k_total_cost(
    staff: str, state_aid: bool, status: str
) -> None:
    report = check(
        [line("prestations_externes", 100000), line("personnel", staff)], state_aid=state_aid
    )
    assert report.figures.total_cost_eur == D("107000.00") + D(staff)
    assert result(report, "simplified-costs").status == status


def test_public_aid_counts_public_self_financing_only_on_the_eligible_cost() -> None:
    # Cost 214 000 eligible + 50 000 staff = 264 000. Self-financing 139 000 pays the
    # 50 000 of staff first; the other 89 000 is public money on the eligible cost.
    expenses = [*BASE_200K, line("personnel", 50000)]
    resources = [
        {"source": "feder", "amount": 100000},
        {"source": "region", "amount": 25000},
        {"source": "autofinancement", "amount": 139000},
    ]
    epci = check(expenses, resources)
    assert epci.figures.public_aid_eur == D("214000.00")
    assert epci.figures.public_aid_rate_percent == D("100.00")
    assert result(epci, "public-aid-rate").status == "pass"
    # An SME's own money is private: public aid is FEDER + region only.
    sme = check(expenses, resources, facts=ProjectFacts("p", "pme", 1, (D(1),)))
    assert sme.figures.public_aid_eur == D("125000.00")


def test_public_aid_above_the_cap_fails() -> None:
    rules = RULES.model_copy(
        update={"public_aid": RULES.public_aid.model_copy(update={"max_rate_percent": D(80)})}
    )
    report = check(
        BASE_200K,
        [
            {"source": "feder", "amount": 128400},
            {"source": "etat", "amount": 42801},
            {"source": "prive", "amount": 42799},
        ],
        rules=rules,
    )
    # 128 400 + 42 801 = 171 201 > 80 % of 214 000 = 171 200: one euro too much.
    aid = result(report, "public-aid-rate")
    assert aid.status == "fail"
    assert aid.fix is not None and aid.fix.params["excess_eur"] == D("1.00")


def test_golden_figures_of_a_mixed_budget() -> None:
    # By hand:
    #   A 118 000 + VAT 23 600 not recoverable -> eligible 141 600
    #   B  18 500 + VAT  3 700 recoverable      -> eligible  18 500 (VAT left out of the plan)
    #   C  48 000 staff                         -> excluded, in the total cost
    #   base 160 100.00; flat 7 % = 11 207.00; eligible cost 171 307.00
    #   total cost = 184 500 HT + 23 600 VAT + 11 207 = 219 307.00
    #   largest FEDER = 60 % x 171 307 = 102 784.20
    report = check(
        [
            line("prestations_externes", 118000, vat=23600, vat_recoverable=False),
            line("investissement_materiel", 18500, vat=3700, vat_recoverable=True),
            line("personnel", 48000),
        ]
    )
    figures = report.figures
    assert figures.eligible_direct_base_eur == D("160100.00")
    assert figures.flat_rate_eur == D("11207.00")
    assert figures.total_eligible_cost_eur == D("171307.00")
    assert figures.total_cost_eur == D("219307.00")
    assert figures.max_grant_eur == D("102784.20")
    assert figures.total_vat_eur == D("27300.00")
    assert figures.vat_eligible_eur == D("23600.00")


@pytest.mark.parametrize(
    ("base", "flat"),
    [
        ("174000.00", "12180.00"),
        ("100000.05", "7000.00"),  # 7 000.0035
        ("10.50", "0.73"),  # 0.735: rounded down, the flat rate is "up to 7 %"
        ("0.07", "0.00"),
    ],
)
def test_flat_rate_is_rounded_down_to_the_cent(base: str, flat: str) -> None:
    assert flat_rate_amount(D(base), D(7)) == D(flat)


def test_max_grant_is_rounded_down_so_it_passes_the_rate_rule() -> None:
    # 60 % of 125 000.01 is 75 000.006: rounding half up would give 75 000.01, above 60 %.
    report = balanced([line("prestations_externes", "116822.44")], 75000)
    eligible = report.figures.total_eligible_cost_eur
    assert eligible == D("125000.01")  # 116 822.44 + 8 177.57
    assert report.figures.max_grant_eur == D("75000.00")
    assert report.figures.max_grant_eur * 100 <= 60 * eligible


def test_no_eligible_cost() -> None:
    report = check([line("personnel", 1000)], [{"source": "autofinancement", "amount": 1000}])
    assert result(report, "eligible-cost").status == "fail"
    assert result(report, "grant-rate").status == "not_applicable"
    assert report.figures.grant_rate_percent is None


def test_beneficiary_indicators_and_applicant_rules() -> None:
    facts = ProjectFacts("p", "autre", 0, (D(0), D(0)))
    report = check(BASE_200K, facts=facts, applicant=None)
    statuses = {r.id: r.status for r in report.results}
    assert statuses["beneficiary-type"] == "fail"
    assert statuses["indicator-rco14"] == "fail"
    assert statuses["indicator-rcr11"] == "fail"
    assert statuses["horizontal-principles"] == "fail"
    assert statuses["personal-data"] == "fail"
    assert statuses["open-source-licence"] == "warning"  # "preferred" in this call
    assert statuses["open-standards"] == "fail"  # "required" in this call
    missing = result(report, "horizontal-principles").figures["missing"]
    assert missing == ["sustainable_development", "gender_equality", "non_discrimination"]


@pytest.mark.parametrize(
    ("licence", "status", "fix_key"),
    [
        ("EUPL-1.2", "pass", None),
        ("MIT OR Apache-2.0", "pass", None),
        ("GPL-2.0-or-later WITH Classpath-exception-2.0", "pass", None),
        ("GPL-3.0", "warning", "open-source-licence.deprecated_fix"),
        ("EUPL1.2", "warning", "open-source-licence.not_osi_fix_suggest"),
        ("eupl-1.2", "warning", "open-source-licence.not_osi_fix_suggest"),
        ("LicenseRef-Proprietary", "warning", "open-source-licence.not_osi_fix"),
        ("CC-BY-NC-4.0", "warning", "open-source-licence.not_osi_fix"),
    ],
)
def test_licence_must_be_osi_approved(licence: str, status: str, fix_key: str | None) -> None:
    applicant = APPLICANT.model_copy(update={"licence": licence})
    outcome = result(check(BASE_200K, applicant=applicant), "open-source-licence")
    assert outcome.status == status
    assert (outcome.fix.key if outcome.fix else None) == fix_key


def test_suggested_licence() -> None:
    applicant = APPLICANT.model_copy(update={"licence": "EUPL1.2"})
    outcome = result(check(BASE_200K, applicant=applicant), "open-source-licence")
    assert outcome.fix is not None and outcome.fix.params["suggestion"] == "EUPL-1.2"


def test_personal_data_hosted_outside_the_eu_is_a_warning() -> None:
    data = APPLICANT.personal_data.model_copy(update={"hosting_location": "hors_UE"})  # type: ignore[union-attr]
    applicant = APPLICANT.model_copy(update={"personal_data": data})
    assert result(check(BASE_200K, applicant=applicant), "personal-data").status == "warning"
