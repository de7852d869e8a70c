"""The ``budget`` and ``applicant`` sections of a dossier.

Amounts are in euros, excluding VAT; the VAT of an expense is given apart.
Every amount is parsed to :class:`decimal.Decimal`, exact to the cent, and never
goes through a float.

How amounts may be written (the "150 000,00" rule)
--------------------------------------------------
- a YAML number: ``150000``, ``150000.5``, ``74999.99``, ``150_000``;
- a string in French notation: ``"150 000,00"`` (spaces, no-break spaces or
  narrow no-break spaces between groups of three digits, a comma before the
  cents), or without separators: ``"150000,00"``;
- a plain string: ``"150000.00"``.

Refused, with a message that says why: a comma or a point followed by exactly
three digits (``"150,000"``, ``"1.500"``, ``"1,500.00"``: thousands or decimals?
they are read differently in French and English), more than two decimals
(amounts are to the cent), a currency sign, and negative amounts.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from ecodigital.errors import FieldProblem
from ecodigital.i18n import Msg

__all__ = [
    "CENT",
    "ELIGIBLE_BY_DEFAULT",
    "EXPENSE_CATEGORIES",
    "HORIZONTAL_PRINCIPLES",
    "HOSTING_ZONES",
    "INELIGIBLE_BY_DEFAULT",
    "MAX_AMOUNT",
    "PERSONAL_DATA_FIELDS",
    "RESOURCE_SOURCES",
    "Applicant",
    "Budget",
    "Expense",
    "FieldProblem",
    "Money",
    "PersonalData",
    "Resource",
    "parse_amount",
]

#: One cent: the precision of every amount.
CENT: Final = Decimal("0.01")
#: Largest amount accepted (a guard against a misplaced digit or a unit slip).
MAX_AMOUNT: Final = Decimal("1000000000000")

#: Expense categories of the dossier. A rules file says which are eligible.
ELIGIBLE_BY_DEFAULT: Final = (
    "investissement_materiel",
    "investissement_immateriel",
    "prestations_externes",
    "maintenance_hebergement_stockage",
    "abonnements",
    "communication",
)
INELIGIBLE_BY_DEFAULT: Final = (
    "personnel",
    "immobilier",
    "frais_generaux",
    "numerisation_isolee",
)
EXPENSE_CATEGORIES: Final = (*ELIGIBLE_BY_DEFAULT, *INELIGIBLE_BY_DEFAULT)

#: Who finances the plan. A rules file says which count as public aid.
RESOURCE_SOURCES: Final = (
    "feder",
    "etat",
    "region",
    "departement",
    "commune",
    "epci",
    "autre_public",
    "prive",
    "autofinancement",
)

HORIZONTAL_PRINCIPLES: Final = ("gender_equality", "non_discrimination", "sustainable_development")
PERSONAL_DATA_FIELDS: Final = ("dpo", "dpia", "hosting_location", "description")


_SPACES = " \u00a0\u202f"
_PLAIN = re.compile(r"^(?P<int>\d+)(?:[.,](?P<dec>\d{1,2}))?$")
_GROUPED = re.compile(rf"^(?P<int>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+)(?:[.,](?P<dec>\d{{1,2}}))?$")
_AMBIGUOUS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?$")
_EXAMPLE_FIX = Msg("finance.input.amount_fix")


def _amount_problem(key: str, shown: object) -> Msg:
    return Msg(f"finance.input.{key}", {"value": str(shown)})


def parse_amount(value: object) -> Decimal:
    """An amount in euros as an exact ``Decimal`` with two decimals.

    >>> parse_amount("150 000,5")
    Decimal('150000.50')
    >>> parse_amount(74999.99)
    Decimal('74999.99')
    """
    if isinstance(value, bool):
        raise FieldProblem(_amount_problem("not_amount", str(value).lower()), _EXAMPLE_FIX)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise FieldProblem(_amount_problem("not_amount", value), _EXAMPLE_FIX)
        # repr() gives the shortest text that reads back as the same float, so
        # the YAML number 74999.99 becomes Decimal("74999.99"), not the binary
        # approximation Decimal(74999.99) = 74999.990000000005238...
        amount = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise FieldProblem(_amount_problem("not_amount", value), _EXAMPLE_FIX)
        amount = value
    elif isinstance(value, str):
        amount = _parse_amount_text(value)
    else:
        raise FieldProblem(Msg("finance.input.not_amount_type"), _EXAMPLE_FIX)
    return _checked(amount, value)


def _parse_amount_text(text: str) -> Decimal:
    stripped = text.strip()
    negative = stripped.startswith("-")
    body = stripped.removeprefix("-").strip()
    match = _PLAIN.match(body) or _GROUPED.match(body)
    if match is None:
        if _AMBIGUOUS.match(body):
            raise FieldProblem(
                _amount_problem("ambiguous", text), Msg("finance.input.ambiguous_fix")
            )
        if re.match(r"^[\d\s\u00a0\u202f]*[.,]\d{3,}$", body):
            raise FieldProblem(_amount_problem("decimals", text), Msg("finance.input.cents_fix"))
        raise FieldProblem(_amount_problem("not_amount_text", text), _EXAMPLE_FIX)
    integer = re.sub(f"[{_SPACES}]", "", match["int"])
    decimals = match["dec"] or "0"
    amount = Decimal(f"{integer}.{decimals}")
    return -amount if negative else amount


def _checked(amount: Decimal, given: object) -> Decimal:
    shown = given if isinstance(given, str) else format(amount, "f")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(CENT):
        raise FieldProblem(_amount_problem("decimals", shown), Msg("finance.input.cents_fix"))
    if amount < 0:
        raise FieldProblem(_amount_problem("negative", shown), Msg("finance.input.negative_fix"))
    if amount >= MAX_AMOUNT:
        raise FieldProblem(_amount_problem("too_large", shown), Msg("finance.input.too_large_fix"))
    try:
        # Adding zero turns -0 into 0; quantize is exact here (two decimals at most).
        return (amount + 0).quantize(CENT)
    except InvalidOperation:  # pragma: no cover - guarded by MAX_AMOUNT
        raise FieldProblem(_amount_problem("not_amount", shown), _EXAMPLE_FIX) from None


Money = Annotated[
    Decimal,
    BeforeValidator(parse_amount),
    Field(
        description="Amount in EUR, to the cent: a number (150000.50) or a string in French "
        'notation ("150 000,50").',
    ),
]
Label = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Expense(_Strict):
    """One line of planned expenses, excluding VAT."""

    label: Label = Field(description="What the money is spent on.")
    category: Literal[EXPENSE_CATEGORIES] = Field(  # type: ignore[valid-type]
        description="Expense category; the rules file says which are eligible."
    )
    amount: Money = Field(description="Amount excluding VAT, EUR.")
    vat: Money = Field(Decimal("0.00"), description="VAT on this line, EUR (0 if none).")
    vat_recoverable: bool | None = Field(
        None,
        description="Whether the beneficiary recovers this VAT. Not given: treated as not "
        "recoverable, with a warning.",
    )


class Resource(_Strict):
    """One line of the financing plan."""

    source: Literal[RESOURCE_SOURCES] = Field(  # type: ignore[valid-type]
        description="Who pays: feder, etat, region, departement, commune, epci, autre_public, "
        "prive or autofinancement."
    )
    amount: Money = Field(description="Amount, EUR.")
    label: Label | None = Field(None, description='Optional detail, e.g. "DETR 2026".')


def _not_empty(what: str, example: str) -> AfterValidator:
    def check(lines: list[object]) -> list[object]:
        if not lines:
            raise FieldProblem(
                Msg(f"finance.input.no_{what}"),
                Msg("finance.input.no_lines_fix", {"example": example}),
            )
        return lines

    return AfterValidator(check)


class Budget(_Strict):
    """Planned expenses and the resources that pay for them (the financing plan)."""

    expenses: Annotated[
        list[Expense],
        _not_empty(
            "expense", '- {label: "Développement", category: prestations_externes, amount: 150000}'
        ),
    ] = Field(description="Expense lines, excluding VAT.")
    resources: Annotated[
        list[Resource], _not_empty("resource", "- {source: feder, amount: 100000}")
    ] = Field(description="Resource lines; they must add up to the total cost.")
    state_aid: bool = Field(
        False,
        description="The operation falls under State aid rules (then CPR Art. 53(2) does not "
        "require simplified cost options below its threshold).",
    )


#: Where personal data may be said to be hosted besides a country: in the EU, or outside it.
HOSTING_ZONES: Final = ("UE", "hors_UE")


def _check_hosting(value: str) -> str:
    """An ISO 3166-1 alpha-3 code (FRA), ``UE`` or ``hors_UE``; ``FR`` is kept as France."""
    from ecodigital.countries import code_for, countries

    if value in HOSTING_ZONES or value == "FR" or value in countries():
        return value
    folded = value.casefold().replace("-", " ").replace("_", " ")
    if folded in {"eu", "ue", "union europeenne", "union européenne", "european union"}:
        suggestion = "UE"
    elif folded in {"hors ue", "hors eu", "outside eu", "non eu"}:
        suggestion = "hors_UE"
    else:
        suggestion = code_for(value) or ""
    raise FieldProblem(
        Msg("finance.input.hosting", {"value": value}),
        Msg("finance.input.hosting_close", {"code": suggestion})
        if suggestion
        else Msg("finance.input.hosting_fix"),
    )


class PersonalData(_Strict):
    """How users' personal data are protected."""

    dpo: bool | None = Field(None, description="A data protection officer is designated.")
    dpia: Literal["done", "in_progress", "planned", "not_required"] | None = Field(
        None, description="Data protection impact assessment (GDPR Art. 35)."
    )
    hosting_location: (
        Annotated[
            str, StringConstraints(min_length=1, max_length=40), AfterValidator(_check_hosting)
        ]
        | None
    ) = Field(
        None,
        description="Where the personal data are hosted: the country's ISO 3166-1 alpha-3 code "
        "(FRA, DEU...), as everywhere in the dossier, or UE (somewhere in the EU) or hors_UE "
        "(outside the EU). FR is read as FRA.",
    )
    description: Text | None = Field(None, description="Measures taken, in a few sentences.")

    @property
    def hosting_zone(self) -> Literal["FRA", "UE", "hors_UE"] | None:
        """France, elsewhere in the EU or outside it (``None`` when not said)."""
        from ecodigital.vocabulary import EU27

        where = self.hosting_location
        if where is None:
            return None
        if where in ("FR", "FRA"):
            return "FRA"
        if where in HOSTING_ZONES:
            return "UE" if where == "UE" else "hors_UE"
        return "UE" if where in EU27 else "hors_UE"


class Applicant(_Strict):
    """What the call asks of the applicant besides money."""

    gender_equality: Text | None = Field(None, description="Contribution to gender equality.")
    non_discrimination: Text | None = Field(
        None, description="Non-discrimination, including accessibility (RGAA) of the service."
    )
    sustainable_development: Text | None = Field(
        None, description="Contribution to sustainable development."
    )
    personal_data: PersonalData | None = None
    licence: Name | None = Field(
        None, description="SPDX identifier of the licence of the software produced (EUPL-1.2...)."
    )
    open_standards: list[Name] = Field(
        default_factory=list, description="Open standards and connectors used (OpenAPI 3.1...)."
    )
    interoperability: Text | None = Field(
        None, description="How the service connects to other services and platforms."
    )
    reuse: Text | None = Field(
        None, description="How other bodies can reuse or adapt the service (customisation)."
    )
