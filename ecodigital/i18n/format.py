"""Numbers for people: significant figures, scaled units, French or English style."""

from __future__ import annotations

import math
from typing import Final

__all__ = [
    "format_change",
    "format_change_pct",
    "format_change_pct_range",
    "format_change_range",
    "format_number",
    "format_quantity",
    "format_range",
    "format_share",
]

#: Larger units used when a value is big enough: (unit, factor, larger unit).
_SCALES: Final = {
    "kgCO2e": (1000.0, "tCO2e"),
    "kWh": (1000.0, "MWh"),
    "MJ": (1000.0, "GJ"),
}


def format_number(value: float, lang: str = "fr", digits: int = 3) -> str:
    """``value`` with ``digits`` significant figures, grouped thousands.

    >>> format_number(52345.6, "en")
    '52,300'
    >>> format_number(0.0123456, "fr")
    '0,0123'
    >>> format_number(0.00000484, "en")
    '4.84 × 10⁻⁶'
    """
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -3:
        mantissa = format_number(value / 10**magnitude, lang, digits)
        return f"{mantissa} × 10{_superscript(magnitude)}"
    decimals = max(digits - 1 - magnitude, 0)
    rounded = round(value, digits - 1 - magnitude)
    text = f"{rounded:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _superscript(number: int) -> str:
    return str(number).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


#: Units of the functional unit, as people read them.
_PER_UNIT: Final = {
    "user-year": {"fr": "utilisateur-année", "en": "user-year"},
    "user": {"fr": "usager", "en": "user"},
}
#: Units as they are printed.
_SHOWN_UNIT: Final = {"m3": "m³"}
#: Units whose words are translated.
_UNIT_WORDS: Final = {
    "disease incidence": {"fr": "incidence de maladie", "en": "disease incidence"}
}


def format_quantity(value: float | None, unit: str, lang: str = "fr", digits: int = 3) -> str:
    """A value and its unit, scaled to a readable unit; ``None`` is 'not available'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "non disponible" if lang == "fr" else "not available"
    base, _, per = unit.partition("/")
    if base in _SCALES:
        factor, larger = _SCALES[base]
        if abs(value) >= factor:
            value, base = value / factor, larger
    per = _PER_UNIT.get(per, {}).get(lang, per)
    base = _UNIT_WORDS.get(base, {}).get(lang, _SHOWN_UNIT.get(base, base))
    shown = f"{base}/{per}" if per else base
    return f"{format_number(value, lang, digits)} {shown}"


def format_share(share: float | None, lang: str = "fr") -> str:
    """A share of one as a percentage with no false precision."""
    if share is None or math.isnan(share):
        return "n/d" if lang == "fr" else "n/a"
    percent = share * 100
    text = f"{percent:.0f}" if percent >= 10 or percent == 0 else f"{percent:.1f}"
    if lang == "fr":
        return text.replace(".", ",") + "\u202f%"
    return text + " %"


def format_range(
    low: float | None, high: float | None, unit: str, reference: float | None, lang: str = "fr"
) -> str:
    """``[low – high]`` in the unit :func:`format_quantity` shows ``reference`` in."""
    if low is None or high is None:
        return ""
    base = unit.partition("/")[0]
    factor = 1.0
    if base in _SCALES and reference is not None and abs(reference) >= _SCALES[base][0]:
        factor = _SCALES[base][0]
    return f"[{format_number(low / factor, lang)} – {format_number(high / factor, lang)}]"


def format_change(value: float | None, unit: str, lang: str = "fr") -> str:
    """A signed change with its unit (``−529 kgCO2e``, ``+1,2 tCO2e``, ``0 kgCO2e``)."""
    if value is None:
        return format_quantity(None, unit, lang)
    text = format_quantity(abs(value), unit, lang)
    return ("−" if value < 0 else "+") + text if value else text


def format_change_pct(value: float | None, lang: str = "fr") -> str:
    """A signed change in % with two significant figures (``−5,6 %``); '' when unknown."""
    if value is None:
        return ""
    text = format_number(abs(value), lang, digits=2) + (" %" if lang == "en" else "\u202f%")
    return ("−" if value < 0 else "+") + text if value else text


def format_change_pct_range(bounds: list[float] | None, lang: str = "fr") -> str:
    """``[−7,1 % – −4,0 %]``: the P5-P95 range of a change in %; '' when unknown."""
    if not bounds:
        return ""
    low, high = (format_change_pct(v, lang) for v in bounds)
    return f"[{low} – {high}]"


def format_change_range(
    bounds: list[float] | None, unit: str, reference: float | None, lang: str = "fr"
) -> str:
    """``[−600 – −450]``: a signed P5-P95 range in the unit ``reference`` is shown in."""
    if not bounds:
        return ""
    base = unit.partition("/")[0]
    factor = 1.0
    if base in _SCALES and reference is not None and abs(reference) >= _SCALES[base][0]:
        factor = _SCALES[base][0]

    def signed(value: float) -> str:
        text = format_number(abs(value) / factor, lang)
        return ("−" if value < 0 else "+") + text if value else text

    return f"[{signed(bounds[0])} – {signed(bounds[1])}]"
