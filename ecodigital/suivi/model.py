"""The actuals format ``ecodigital-suivi/1``: what happened each year after the grant.

One file holds every reported year. Each year gives the users counted for
RCR 11 (with how they were counted), the institutions supported for RCO 14,
the equipment bought or retired (the dossier's item vocabulary, so the
forecast can be re-run with actuals), the CodeCarbon measurements of the year
(files relative to the actuals file), the measured traffic and the expenses
realised. Money is ``Decimal`` euros, like the dossier's budget. Every mapping
forbids unknown keys, so a misspelt field is an error, never a silent zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ecodigital.dossier.model import Measurement, Slug, Text
from ecodigital.errors import FieldProblem
from ecodigital.i18n import Msg
from ecodigital.vocabulary import ITEM_KINDS

__all__ = [
    "COUNTING_METHODS",
    "FORMAT",
    "Actuals",
    "Equipment",
    "Expense",
    "Traffic",
    "Users",
    "Year",
]

FORMAT = "ecodigital-suivi/1"
#: How the users of RCR 11 were counted.
COUNTING_METHODS = ("accounts", "unique_visitors", "procedures_completed")
MAX_USERS = 1e10
MAX_COUNT = 1_000_000_000
MAX_GB = 1e12
MAX_EUROS = Decimal("1e12")
#: Most years a follow-up file reports (the dossier's horizon is at most 30).
MAX_YEARS = 30


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Users(_Strict):
    """Users counted for RCR 11 in the year, and the counting method."""

    count: float = Field(ge=0, le=MAX_USERS, description="Users counted in the year.")
    method: Literal[COUNTING_METHODS] = Field(  # type: ignore[valid-type]
        description="accounts, unique_visitors or procedures_completed."
    )


class Equipment(_Strict):
    """Items of an inventory line bought or retired during the year."""

    item: Slug = Field(description="Id of the dossier's inventory item.")
    kind: Literal[ITEM_KINDS] | None = Field(  # type: ignore[valid-type]
        None, description="Kind of the item, as in the dossier (checked against it)."
    )
    bought: float = Field(0, ge=0, le=MAX_COUNT, description="Items bought in the year.")
    retired: float = Field(0, ge=0, le=MAX_COUNT, description="Items retired in the year.")


class Traffic(_Strict):
    """Traffic measured over the year."""

    gb: float = Field(ge=0, le=MAX_GB, description="Data transferred in the year, GB.")
    source: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="Where the figure comes from (CDN statistics, server logs...)."
    )


class Expense(_Strict):
    """An expense realised in the year, in euros."""

    label: Annotated[str, Field(min_length=1, max_length=300)]
    amount_eur: Decimal = Field(ge=0, le=MAX_EUROS, decimal_places=2)


class Year(_Strict):
    """What happened in one horizon year."""

    year: int = Field(ge=2000, le=2100, description="Calendar year reported.")
    users: Users | None = Field(None, description="Users counted for RCR 11; absent = unknown.")
    institutions: int | None = Field(
        None, ge=0, le=1_000_000, description="Institutions newly supported in the year (RCO 14)."
    )
    equipment: list[Equipment] = Field(default_factory=list, max_length=10_000)
    measurements: list[Measurement] = Field(default_factory=list, max_length=1_000)
    traffic: Traffic | None = None
    expenses: list[Expense] = Field(default_factory=list, max_length=10_000)
    description: Text | None = None


class Actuals(_Strict):
    """A follow-up file: the format and the years reported."""

    format: Literal["ecodigital-suivi/1"]
    years: list[Year] = Field(min_length=1, max_length=MAX_YEARS)

    @model_validator(mode="after")
    def _check_years(self) -> Actuals:
        seen: dict[int, int] = {}
        for index, year in enumerate(self.years):
            if year.year in seen:
                raise FieldProblem(
                    Msg("suivi.input.year_twice", {"year": year.year, "other": seen[year.year]}),
                    Msg("suivi.input.year_twice_fix"),
                    ("years", index, "year"),
                )
            seen[year.year] = index
        return self
