"""How amounts may be written: the "150 000,00" rule, exact Decimals, clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecodigital.finance.model import FieldProblem, parse_amount

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (150000, "150000.00"),
        (0, "0.00"),
        (74999.99, "74999.99"),  # a YAML float, read exactly through its text
        (0.1, "0.10"),
        (1e6, "1000000.00"),
        (Decimal("12.5"), "12.50"),
        ("150000", "150000.00"),
        ("150000.00", "150000.00"),
        ("150000,5", "150000.50"),
        ("150 000,00", "150000.00"),
        (f"150{NBSP}000,00", "150000.00"),
        (f"1{NNBSP}150{NNBSP}000,25", "1150000.25"),
        ("150 000", "150000.00"),
        ("150 000.50", "150000.50"),
        ("  42 ", "42.00"),
        ("-0", "0.00"),
    ],
)
def test_accepted_amounts_are_exact_decimals(given: object, expected: str) -> None:
    amount = parse_amount(given)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(expected)
    assert str(amount) == expected


def test_a_yaml_float_is_not_read_through_binary() -> None:
    # Decimal(74999.99) would be 74999.990000000005238689482212066650390625.
    assert parse_amount(74999.99) != Decimal(74999.99)  # noqa: RUF032 (the point of the test)
    assert parse_amount(74999.99) == Decimal("74999.99")


@pytest.mark.parametrize(
    ("given", "problem", "fix"),
    [
        (
            "150,000",
            '"150,000" is ambiguous: a comma or point followed by three digits may separate '
            "thousands (English) or decimals (French)",
            'write "150 000,00" (spaces between thousands, comma before the cents) or "150000.00"',
        ),
        (
            "1,500.00",
            '"1,500.00" is ambiguous: a comma or point followed by three digits may separate '
            "thousands (English) or decimals (French)",
            'write "150 000,00" (spaces between thousands, comma before the cents) or "150000.00"',
        ),
        (
            "1.500",
            '"1.500" is ambiguous: a comma or point followed by three digits may separate '
            "thousands (English) or decimals (French)",
            'write "150 000,00" (spaces between thousands, comma before the cents) or "150000.00"',
        ),
        (
            "12,3456",
            '"12,3456" has more than two decimals',
            "give amounts to the cent (two decimals)",
        ),
        (12.345, "12.345 has more than two decimals", "give amounts to the cent (two decimals)"),
        (
            "-150 000,00",
            "-150 000,00 is negative",
            "amounts are positive: record money received as a resource, not as a negative expense",
        ),
        (
            -5,
            "-5 is negative",
            "amounts are positive: record money received as a resource, not as a negative expense",
        ),
        (
            "12 €",
            '"12 €" is not an amount (amounts are in EUR)',
            'write a number (150000 or 150000.50) or French notation in quotes ("150 000,50")',
        ),
        (
            "15 00",
            '"15 00" is not an amount (amounts are in EUR)',
            'write a number (150000 or 150000.50) or French notation in quotes ("150 000,50")',
        ),
        (
            True,
            "true is not an amount",
            'write a number (150000 or 150000.50) or French notation in quotes ("150 000,50")',
        ),
        (
            float("nan"),
            "nan is not an amount",
            'write a number (150000 or 150000.50) or French notation in quotes ("150 000,50")',
        ),
        (
            [1],
            "must be an amount, got list",
            'write a number (150000 or 150000.50) or French notation in quotes ("150 000,50")',
        ),
        (
            10**12,
            "1000000000000 is more than 1 000 billion EUR",
            "check the amount (in euros, not cents)",
        ),
    ],
)
def test_refused_amounts_say_why_and_how_to_fix(given: object, problem: str, fix: str) -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_amount(given)
    assert str(caught.value) == problem
    assert caught.value.fix == fix
