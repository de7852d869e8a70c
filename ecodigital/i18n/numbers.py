"""Numbers for people, in French or English style: the formatters that need no words.

Significant figures and grouped thousands (a narrow no-break space in French,
a comma in English), signed changes, ranges, amounts of money exact to the
cent and rates. :mod:`ecodigital.i18n.format` adds the ones that need the
catalogue (units, dates, "not available").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

__all__ = [
    "NNBSP",
    "SCALES",
    "format_change_pct",
    "format_change_pct_range",
    "format_change_range",
    "format_count",
    "format_money",
    "format_number",
    "format_percent",
    "format_range",
    "read_number",
]

#: Larger units used when a value is big enough: (unit, factor, larger unit).
SCALES: Final = {
    "kgCO2e": (1000.0, "tCO2e"),
    "kWh": (1000.0, "MWh"),
    "MJ": (1000.0, "GJ"),
}
#: Narrow no-break space: the French thousands separator and the space before % and €.
NNBSP: Final = "\u202f"
#: A number as people write it: thousands grouped by spaces (French), a comma or a point
#: before the decimals. ``2 500``, ``2 500,5``, ``2,5``, ``-0.25``, ``1e3``.
_WRITTEN_NUMBER: Final = re.compile(
    r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)?"
    r"(?:[.,](?P<dec>\d+))?(?P<exp>[eE][-+]?\d+)?$"
)


def read_number(text: str) -> float | None:
    """The number ``text`` writes, in French or English notation; ``None`` if it is not one.

    >>> read_number("2 500"), read_number("2,5"), read_number("1\u202f234,5"), read_number("2.5")
    (2500.0, 2.5, 1234.5, 2.5)
    >>> read_number("1.234,5") is None, read_number("abc") is None
    (True, True)
    """
    match = _WRITTEN_NUMBER.match(text.strip())
    if match is None or (match["int"] is None and match["dec"] is None):
        return None
    digits = re.sub(r"[ \u00a0\u202f]", "", match["int"] or "0")
    number = float(f"{match['sign']}{digits}.{match['dec'] or '0'}{match['exp'] or ''}")
    return number if math.isfinite(number) else None


#: Beyond this power of ten a number is written with its exponent (no 300-digit figures).
_LARGEST_PLAIN: Final = 15


def format_number(
    value: float, lang: str = "fr", digits: int = 3, *, trim: bool = False, unknown: str = "—"
) -> str:
    """``value`` with ``digits`` significant figures, grouped thousands.

    ``trim`` drops trailing zeros (``1,2`` rather than ``1,20``), for numbers
    inside sentences; a value that is not finite is written ``unknown``.

    >>> format_number(52345.6, "en")
    '52,300'
    >>> format_number(0.0123456, "fr")
    '0,0123'
    >>> format_number(0.00000484, "en")
    '4.84 × 10⁻⁶'
    >>> format_number(1.2, "fr", trim=True)
    '1,2'
    """
    if not math.isfinite(value):
        return unknown
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -3 or magnitude > _LARGEST_PLAIN:
        mantissa = format_number(value / 10**magnitude, lang, digits, trim=trim)
        return f"{mantissa} × 10{_superscript(magnitude)}"
    decimals = max(digits - 1 - magnitude, 0)
    rounded = round(value, digits - 1 - magnitude)
    text = f"{rounded:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text


def _superscript(number: int) -> str:
    return str(number).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def format_count(value: float, lang: str = "fr") -> str:
    """A count or a duration: whole numbers without decimals (``40``, ``12 000``).

    >>> format_count(12000, "fr")
    '12\\u202f000'
    >>> format_count(2.5, "en")
    '2.5'
    """
    if math.isfinite(value) and float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", NNBSP) if lang == "fr" else text
    return format_number(float(value), lang, trim=True)


def _scale_of(unit: str, reference: float | None) -> float:
    base = unit.partition("/")[0]
    if base in SCALES and reference is not None and abs(reference) >= SCALES[base][0]:
        return SCALES[base][0]
    return 1.0


def format_range(
    low: float | None, high: float | None, unit: str, reference: float | None, lang: str = "fr"
) -> str:
    """``[low – high]`` in the unit :func:`format_quantity` shows ``reference`` in."""
    if low is None or high is None:
        return ""
    factor = _scale_of(unit, reference)
    return f"[{format_number(low / factor, lang)} – {format_number(high / factor, lang)}]"


def format_change_pct(value: float | None, lang: str = "fr") -> str:
    """A signed change in % with two significant figures (``−5,6 %``); '' when unknown."""
    if value is None:
        return ""
    text = format_number(abs(value), lang, digits=2) + (" %" if lang == "en" else f"{NNBSP}%")
    return ("−" if value < 0 else "+") + text if value else text


def format_change_pct_range(bounds: Sequence[float] | None, lang: str = "fr") -> str:
    """``[−7,1 % – −4,0 %]``: the P5-P95 range of a change in %; '' when unknown."""
    if not bounds:
        return ""
    low, high = (format_change_pct(v, lang) for v in bounds)
    return f"[{low} – {high}]"


def format_change_range(
    bounds: Sequence[float] | None, unit: str, reference: float | None, lang: str = "fr"
) -> str:
    """``[−600 – −450]``: a signed P5-P95 range in the unit ``reference`` is shown in."""
    if not bounds:
        return ""
    factor = _scale_of(unit, reference)

    def signed(value: float) -> str:
        text = format_number(abs(value) / factor, lang)
        return ("−" if value < 0 else "+") + text if value else text

    return f"[{signed(bounds[0])} – {signed(bounds[1])}]"


def format_money(amount: Decimal, lang: str = "fr", *, cents: bool = True) -> str:
    """An amount in euros, exact to the cent (``cents=False``: whole euros when it is whole).

    >>> format_money(Decimal("150000.5"), "fr")
    '150\\u202f000,50\\u202f€'
    >>> format_money(Decimal("150000.5"), "en")
    '€150,000.50'
    >>> format_money(Decimal("160000.00"), "fr", cents=False)
    '160\\u202f000\\u202f€'
    """
    value = Decimal(amount).quantize(Decimal("0.01"))
    whole = not cents and value == value.to_integral_value()
    body = f"{value:,.0f}" if whole else f"{value:,.2f}"
    if lang == "fr":
        return body.replace(",", NNBSP).replace(".", ",") + f"{NNBSP}€"
    return f"€{body}"


def format_percent(value: Decimal | float, lang: str = "fr", *, fixed: bool = False) -> str:
    """A rate in %: two decimals when ``fixed`` or not a whole number (``55,79 %``)."""
    number = Decimal(str(value))
    whole = not fixed and number == number.to_integral_value()
    body = f"{number:.0f}" if whole else f"{number:.2f}"
    if lang == "fr":
        return body.replace(".", ",") + f"{NNBSP}%"
    return f"{body} %"
