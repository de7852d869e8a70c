"""Uncertain dossier values and scenarios: ``{low, high[, mode][, distribution]}`` and what-ifs.

A numeric item field may be given as a range instead of a number. ``low`` and
``high`` are the 5th and 95th percentiles of a lognormal distribution unless
``distribution`` says ``triangular`` (``low``, ``mode``, ``high`` are then the
minimum, most likely and maximum values) or ``uniform`` (minimum and maximum).
The deterministic value of a range, used by the long table and every point
figure, is its median for a lognormal (``sqrt(low × high)``), its mode for a
triangular and its midpoint for a uniform distribution.

This module imports only pydantic, the standard library, and the errors and words of
ecodigital.
"""

from __future__ import annotations

import math
import operator
import typing
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

import annotated_types as at
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ecodigital.errors import FieldProblem
from ecodigital.i18n import Msg

__all__ = [
    "RANGE_COLUMNS",
    "RANGE_CSV_SUFFIXES",
    "RANGE_FIELDS",
    "Range",
    "Scenario",
    "ScenarioChange",
    "check_range_bounds",
    "field_bounds",
    "split_ranges",
]

#: Item fields that may be given as a range.
RANGE_FIELDS = (
    "quantity",
    "allocation",
    "lifetime_years",
    "hours_per_day",
    "days_per_year",
    "power_w",
    "hours_per_year",
    "pue",
    "vcpu",
    "memory_gb",
    "capacity_tb",
    "gb_per_year",
)
#: Suffixes of the CSV columns giving a range's P5 and P95 (``hours_per_day_low``...).
RANGE_CSV_SUFFIXES = ("_low", "_high")
#: Columns of the ranges table handed to the Monte Carlo propagation.
RANGE_COLUMNS = ("item", "field", "distribution", "low", "mode", "high")

Distribution = Literal["lognormal", "triangular", "uniform"]


class Range(BaseModel):
    """An uncertain value: P5 and P95 of a lognormal, or a triangular or uniform distribution."""

    model_config = ConfigDict(extra="forbid", title="Range", allow_inf_nan=False)

    low: float = Field(description="P5 (lognormal) or minimum (triangular, uniform).")
    high: float = Field(description="P95 (lognormal) or maximum (triangular, uniform).")
    mode: float | None = Field(None, description="Most likely value (triangular only).")
    distribution: Distribution | None = Field(
        None, description="lognormal (default), triangular (default when mode is given), uniform."
    )

    @model_validator(mode="after")
    def _check(self) -> Range:
        shape = self.shape
        ends = {"low": _show(self.low), "high": _show(self.high)}
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise FieldProblem(Msg("dossier.range.not_finite"), Msg("input.value.not_finite_fix"))
        if self.low > self.high:
            raise FieldProblem(
                Msg("dossier.range.low_high", ends), Msg("dossier.range.low_high_fix")
            )
        if shape == "triangular":
            if self.mode is None:
                raise FieldProblem(Msg("dossier.range.needs_mode"), Msg("dossier.range.mode_fix"))
            if not self.low <= self.mode <= self.high:
                raise FieldProblem(
                    Msg("dossier.range.mode_outside", {**ends, "mode": _show(self.mode)}),
                    Msg("dossier.range.mode_fix"),
                )
        elif self.mode is not None:
            raise FieldProblem(
                Msg("dossier.range.mode_not_triangular", {"shape": shape}),
                Msg("dossier.range.mode_not_triangular_fix"),
            )
        if shape == "lognormal" and self.low <= 0:
            raise FieldProblem(
                Msg("dossier.range.lognormal_low", ends), Msg("dossier.range.lognormal_low_fix")
            )
        return self

    @property
    def shape(self) -> str:
        """The distribution, with its default filled in."""
        if self.distribution is not None:
            return self.distribution
        return "triangular" if self.mode is not None else "lognormal"

    @property
    def central(self) -> float:
        """The deterministic value: median (lognormal), mode (triangular) or midpoint (uniform)."""
        if self.shape == "lognormal":
            return math.sqrt(self.low * self.high)
        if self.shape == "triangular":
            assert self.mode is not None
            return self.mode
        return (self.low + self.high) / 2


_BOUNDS: dict[type, tuple[Callable[[float, float], bool], Msg, str]] = {
    at.Gt: (operator.gt, Msg("input.value.words.greater_than"), "gt"),
    at.Ge: (operator.ge, Msg("input.value.words.greater_than_equal"), "ge"),
    at.Lt: (operator.lt, Msg("input.value.words.less_than"), "lt"),
    at.Le: (operator.le, Msg("input.value.words.less_than_equal"), "le"),
}


def field_bounds(info: Any) -> list[tuple[Callable[[float, float], bool], float, Msg]]:
    """The numeric bounds of a pydantic field: ``(test, bound, words)``.

    Read from the field's own metadata and from that of an ``Annotated`` member
    of its type (``Annotated[float, Ge(0)] | Range | None``).
    """
    metadata = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        metadata += list(getattr(arg, "__metadata__", ()))
    bounds = []
    for constraint in metadata:
        for kind, (test, words, attribute) in _BOUNDS.items():
            if isinstance(constraint, kind):
                bounds.append((test, float(getattr(constraint, attribute)), words))
    return bounds


def check_range_bounds(value: Range, info: Any) -> None:
    """Raise :class:`FieldProblem` when a range's low or high breaks the field's bounds."""
    for end in ("low", "high"):
        number = getattr(value, end)
        for test, bound, words in field_bounds(info):
            if not test(number, bound):
                params = {"end": end, "words": words, "bound": _show(bound), "value": _show(number)}
                raise FieldProblem(
                    Msg("dossier.range.end_bound", params), Msg("input.value.bound_fix"), (end,)
                )


def _show(value: float) -> str:
    return f"{value:g}"


def split_ranges(
    records: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """Replace each range of item dumps by its deterministic value; list the ranges.

    Returns the records and one ``(item position, field, distribution, low,
    mode, high)`` tuple per range (``mode`` NaN when not given).
    """
    out: list[dict[str, Any]] = []
    ranges: list[tuple[Any, ...]] = []
    for position, record in enumerate(records):
        record = dict(record)
        for name in RANGE_FIELDS:
            value = record.get(name)
            if isinstance(value, dict):
                spec = Range.model_validate(value)
                record[name] = spec.central
                mode = spec.mode if spec.mode is not None else math.nan
                ranges.append((position, name, spec.shape, spec.low, mode, spec.high))
        out.append(record)
    return out, ranges


Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80),
]


class ScenarioChange(BaseModel):
    """One change of a scenario: which items (``item`` or ``match``) and what to ``set``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    item: Slug | None = Field(None, description="Id of the item to change.")
    match: dict[str, str | float] | None = Field(
        None,
        description="Change every item whose fields equal these values, e.g. {kind: server}.",
    )
    set: dict[str, float | Range | str] = Field(
        description="New values of item fields, e.g. {lifetime_years: 7} or {pue: 1.2}.",
        min_length=1,
    )

    @model_validator(mode="after")
    def _check_target(self) -> ScenarioChange:
        if (self.item is None) == (self.match is None):
            raise FieldProblem(
                Msg("dossier.scenario.item_or_match"), Msg("dossier.scenario.item_or_match_fix")
            )
        if self.match is not None and not self.match:
            raise FieldProblem(
                Msg("dossier.scenario.empty_match"), Msg("dossier.scenario.empty_match_fix")
            )
        return self


class Scenario(BaseModel):
    """A what-if variant of the dossier, compared with it by ``ecodigital scenarios``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    name: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        description="Name shown in the comparison."
    )
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    changes: list[ScenarioChange] = Field(min_length=1, description="The changes, in order.")
