"""How amounts may be written: the "150 000,00" rule, exact Decimals, clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecodigital.finance.model import FieldProblem, parse_amount
from ecodigital.i18n import Msg

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


_AMBIGUOUS = "est ambigu : une virgule ou un point suivi de trois chiffres sépare des milliers (anglais) ou des décimales (français)"
_AMBIGUOUS_FIX = (
    'écrivez "150 000,00" (espaces entre les milliers, virgule avant les centimes) ou "150000.00"'
)
_CENTS = "donnez les montants au centime (deux décimales)"
_NEGATIVE = (
    "les montants sont positifs : un apport d'argent est une ressource, pas une dépense négative"
)
_NUMBER = 'écrivez un nombre (150000 ou 150000.50) ou la notation française entre guillemets ("150 000,50")'


@pytest.mark.parametrize(
    ("given", "problem", "fix"),
    [
        ("150,000", f"« 150,000 » {_AMBIGUOUS}", _AMBIGUOUS_FIX),
        ("1,500.00", f"« 1,500.00 » {_AMBIGUOUS}", _AMBIGUOUS_FIX),
        ("1.500", f"« 1.500 » {_AMBIGUOUS}", _AMBIGUOUS_FIX),
        ("12,3456", "12,3456 a plus de deux décimales", _CENTS),
        (12.345, "12.345 a plus de deux décimales", _CENTS),
        ("-150 000,00", "-150 000,00 est négatif", _NEGATIVE),
        (-5, "-5 est négatif", _NEGATIVE),
        ("12 €", "« 12 € » n'est pas un montant (les montants sont en euros)", _NUMBER),
        ("15 00", "« 15 00 » n'est pas un montant (les montants sont en euros)", _NUMBER),
        (True, "true n'est pas un montant", _NUMBER),
        (float("nan"), "nan n'est pas un montant", _NUMBER),
        ([1], "doit être un montant", _NUMBER),
        (10**12, "1000000000000 dépasse 1 000 milliards d'euros",
         "vérifiez le montant (en euros, pas en centimes)"),
    ],
)  # fmt: skip
def test_refused_amounts_say_why_and_how_to_fix(given: object, problem: str, fix: str) -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_amount(given)
    assert isinstance(caught.value.problem, Msg) and isinstance(caught.value.fix, Msg)
    assert caught.value.problem.render("fr") == problem
    assert caught.value.fix.render("fr") == fix


def test_a_refused_amount_is_said_in_english_too() -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_amount("150,000")
    assert str(caught.value) == (
        '"150,000" is ambiguous: a comma or point followed by three digits separates '
        "thousands (English) or decimals (French)"
    )
