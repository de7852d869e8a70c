"""Values for people, one formatter per kind of value, in French or English style.

Numbers get significant figures and grouped thousands (a narrow no-break space
in French, a comma in English); quantities a readable unit (kgCO2e becomes
tCO2e from 1,000); shares and changes a percent sign; amounts of money are
exact to the cent; dates are written out. Unknown values are "not available",
never zero.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

from ecodigital.i18n.catalogue import catalogue
from ecodigital.i18n.numbers import (
    NNBSP,
    SCALES,
    format_change_pct,
    format_change_pct_range,
    format_change_range,
    format_count,
    format_money,
    format_number,
    format_percent,
    format_range,
)

__all__ = [
    "format_change",
    "format_change_pct",
    "format_change_pct_range",
    "format_change_range",
    "format_count",
    "format_date",
    "format_money",
    "format_number",
    "format_percent",
    "format_quantity",
    "format_range",
    "format_share",
    "format_unit",
]

#: Units as they are printed.
_SHOWN_UNIT: Final = {"m3": "m³"}


def _words(key: str, lang: str) -> str:
    return catalogue(lang).text(key)


def format_unit(unit: str, lang: str = "fr") -> str:
    """A unit as people read it: ``kgCO2e/user-year`` → ``kgCO2e/utilisateur-année``."""
    words = catalogue(lang)
    base, _, per = unit.partition("/")
    # a unit made of words (``disease incidence``) is in the catalogue
    named = "unit." + base.replace(" ", "_")
    base = words.text(named) if named in words else _SHOWN_UNIT.get(base, base)
    if not per:
        return base
    key = f"unit.{per}"
    return f"{base}/{words.text(key) if key in words else per}"


def format_quantity(value: float | None, unit: str, lang: str = "fr", digits: int = 3) -> str:
    """A value and its unit, scaled to a readable unit; ``None`` is 'not available'."""
    if value is None or not math.isfinite(value):
        return _words("label.not_available", lang)
    base, slash, per = unit.partition("/")
    if base in SCALES:
        factor, larger = SCALES[base]
        if abs(value) >= factor:
            value, base = value / factor, larger
    return f"{format_number(value, lang, digits)} {format_unit(base + slash + per, lang)}"


def format_share(share: float | None, lang: str = "fr") -> str:
    """A share of one as a percentage with no false precision."""
    if share is None or not math.isfinite(share):
        return _words("label.not_applicable_short", lang)
    percent = share * 100
    if 0 < abs(percent) < 0.05:
        # a share that is not nil never shows as 0 % (nor as -0 %)
        text = ("< " if percent > 0 else "> −") + "0.1"
    else:
        text = f"{percent:.0f}" if abs(percent) >= 10 or percent == 0 else f"{percent:.1f}"
    if lang == "fr":
        return text.replace(".", ",") + f"{NNBSP}%"
    return text + " %"


def format_change(value: float | None, unit: str, lang: str = "fr") -> str:
    """A signed change with its unit (``−529 kgCO2e``, ``+1,2 tCO2e``, ``0 kgCO2e``)."""
    if value is None:
        return format_quantity(None, unit, lang)
    text = format_quantity(abs(value), unit, lang)
    return ("−" if value < 0 else "+") + text if value else text


def format_date(value: dt.date | str | None, lang: str = "fr") -> str | None:
    """A date for people: ``12 mars 2026`` or ``12 March 2026`` (``None`` stays ``None``).

    >>> format_date(dt.date(2026, 3, 1), "fr")
    '1er mars 2026'
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    words = catalogue(lang)
    month = list(words.raw("date.months"))[value.month - 1]
    day = words.text("date.first_day") if value.day == 1 else str(value.day)
    return f"{day} {month} {value.year}"
