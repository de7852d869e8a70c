"""Properties of the financing arithmetic, over many budgets (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ecodigital.finance.check import ProjectFacts, check_finance, flat_rate_amount
from ecodigital.finance.licences import osi_licences
from ecodigital.finance.model import EXPENSE_CATEGORIES, Budget, parse_amount
from ecodigital.finance.rules import load_rules

RULES = load_rules()
FACTS = ProjectFacts("p", "epci", 1, (Decimal(1),))
CENT = Decimal("0.01")

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
expenses = st.lists(
    st.fixed_dictionaries(
        {
            "label": st.just("ligne"),
            "category": st.sampled_from(EXPENSE_CATEGORIES),
            "amount": amounts,
            "vat": amounts,
            "vat_recoverable": st.sampled_from([True, False, None]),
        }
    ),
    min_size=1,
    max_size=8,
)


def _check(lines: list[dict[str, object]], resources: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    budget = Budget.model_validate({"expenses": lines, "resources": resources})
    return check_finance(budget, None, FACTS, RULES, osi_licences())


@given(expenses)
def test_max_grant_is_the_largest_cent_amount_within_60_percent(
    lines: list[dict[str, object]],
) -> None:
    figures = _check(lines, [{"source": "feder", "amount": 0}]).figures
    eligible = figures.total_eligible_cost_eur
    # Never above 60 % of the eligible cost, and one more cent would be.
    assert figures.max_grant_eur * 100 <= 60 * eligible
    assert (figures.max_grant_eur + CENT) * 100 > 60 * eligible


@given(expenses)
def test_asking_for_the_max_grant_passes_the_rate_rule(lines: list[dict[str, object]]) -> None:
    first = _check(lines, [{"source": "feder", "amount": 0}]).figures
    report = _check(lines, [{"source": "feder", "amount": first.max_grant_eur}])
    assert next(r for r in report.results if r.id == "grant-rate").status in {
        "pass",
        "not_applicable",
    }


@given(expenses, st.sampled_from([Decimal("-0.01"), Decimal(0), CENT]))
def test_balance_check_is_exact_to_the_cent(
    lines: list[dict[str, object]], offset: Decimal
) -> None:
    total = _check(lines, [{"source": "feder", "amount": 0}]).figures.total_cost_eur
    if total + offset < 0:
        return
    report = _check(lines, [{"source": "autofinancement", "amount": total + offset}])
    balanced = next(r for r in report.results if r.id == "plan-balanced")
    assert balanced.status == ("pass" if offset == 0 else "fail")


@given(amounts)
def test_flat_rate_is_at_most_7_percent_and_less_than_a_cent_below(base: Decimal) -> None:
    flat = flat_rate_amount(base, Decimal(7))
    assert flat * 100 <= base * 7 < (flat + CENT) * 100


@given(expenses)
def test_splitting_a_line_in_two_changes_no_figure(lines: list[dict[str, object]]) -> None:
    first = lines[0]
    amount = Decimal(str(first["amount"]))
    half = (amount / 2).quantize(CENT)
    split = [{**first, "amount": half}, {**first, "amount": amount - half, "vat": 0}, *lines[1:]]
    resources = [{"source": "feder", "amount": 1000}]
    whole = _check(lines, resources).figures
    parts = _check(split, resources).figures
    # The VAT mode depends only on totals, which do not change either.
    assert whole == parts


@given(amounts)
def test_amounts_read_the_same_in_every_accepted_notation(amount: Decimal) -> None:
    plain = f"{amount:.2f}"
    french = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    narrow = french.replace(" ", "\u202f")
    for text in (plain, french, narrow, plain.replace(".", ",")):
        assert parse_amount(text) == amount
    assert parse_amount(float(plain)) == amount  # a YAML float of up to 15 digits
