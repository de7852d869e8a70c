"""How a figure of the results is shown: one function per view, the same in every output.

A *view* is a way of writing a value of :class:`~ecodigital.assessment.results.Results`:

=============  ==========================================  =========================
view           shows                                       example (French)
=============  ==========================================  =========================
``value``      the value and its unit, "≥" when partial    ``≥ 9,41 tCO2e``
``full``       the value and its P5-P95 range              ``≥ 9,41 tCO2e [7,89 – 11,6]``
``range``      the range, in the value's unit              ``[7,89 – 11,6]``
``interval``   the range with its unit                     ``7,89 – 11,6 tCO2e``
``share``      the figure's share of its total             ``82 %``
``change``     a signed change and its range               ``−1,29 tCO2e [−1,60 – −1,05]``
``change_pct`` a signed change in % and its range          ``−14 % [−17 % – −11 %]``
``count``      a whole number or a duration                ``12 000``
``score``      a score in % (RGESN)                        ``65 %``
``money``      an amount in euros, to the cent             ``160 000,00 €``
=============  ==========================================  =========================

:func:`show` returns a :class:`Shown`: the text and the path of the value in
the results, so that the HTML note can carry the path (``data-figure``) and a
checker can format the value again and compare (:func:`check_text`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from ecodigital.assessment.results import Figure, Results, value_at
from ecodigital.i18n import label
from ecodigital.i18n.format import (
    format_change,
    format_change_pct,
    format_change_pct_range,
    format_change_range,
    format_count,
    format_money,
    format_number,
    format_quantity,
    format_range,
    format_share,
    format_unit,
)

__all__ = [
    "VIEWS",
    "Sentence",
    "Shown",
    "check_text",
    "quality_text",
    "render",
    "show",
    "shown",
    "unbroken",
]

#: "≥" and its number stay on one line.
_GE: Final = "≥\u00a0"


def unbroken(text: str) -> str:
    """A range kept on one line (no break around its dash), so table cells wrap before it."""
    # a dash allows a break after it even before a no-break space (UAX 14): hence the joiner
    return text.replace(" – ", "\u00a0–\u2060\u00a0")


def _value(figure: Figure, lang: str) -> str:
    text = format_quantity(figure.value, figure.unit, lang)
    return f"{_GE}{text}" if figure.lower_bound else text


def _range(figure: Figure, lang: str) -> str:
    if figure.range is None or figure.value is None:
        return ""
    return unbroken(
        format_range(figure.range.p5, figure.range.p95, figure.unit, figure.value, lang)
    )


def _full(figure: Figure, lang: str) -> str:
    bounds = _range(figure, lang)
    return f"{_value(figure, lang)} {bounds}" if bounds else _value(figure, lang)


def _interval(figure: Figure, lang: str) -> str:
    bounds = _range(figure, lang)
    if not bounds:
        return "—"
    unit = format_quantity(figure.value, figure.unit, lang).split(" ", 1)[1]
    return f"{bounds.strip('[]')} {unit}"


def _share(figure: Figure, lang: str) -> str:
    return format_share(figure.share, lang)


def _change(figure: Figure, lang: str) -> str:
    if figure.value is None:
        return "—"
    text = format_change(figure.value, figure.unit, lang)
    if figure.range is not None:
        bounds = (figure.range.p5, figure.range.p95)
        text += " " + unbroken(format_change_range(bounds, figure.unit, figure.value, lang))
    return text


def _change_pct(figure: Figure, lang: str) -> str:
    if figure.value is None:
        return "—"
    text = format_change_pct(figure.value, lang)
    if figure.range is not None:
        bounds = (figure.range.p5, figure.range.p95)
        text += " " + unbroken(format_change_pct_range(bounds, lang))
    return text


def _count(value: Any, lang: str) -> str:
    return format_count(float(value), lang)


def _score(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    return format_share(float(value) / 100, lang)


def _money(value: Any, lang: str) -> str:
    return format_money(Decimal(str(value)), lang, cents=False)


def _ratio(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    return f"× {format_number(float(value), lang, 2)}"


def _unit(figure: Figure, lang: str) -> str:
    return format_unit(figure.unit, lang)


#: Every view, by name.
VIEWS: Final[dict[str, Callable[[Any, str], str]]] = {
    "value": _value,
    "full": _full,
    "range": _range,
    "interval": _interval,
    "share": _share,
    "change": _change,
    "change_pct": _change_pct,
    "count": _count,
    "score": _score,
    "money": _money,
    "ratio": _ratio,
    "unit": _unit,
}


def render(value: Any, view: str, lang: str) -> str:
    """``value`` written in ``view``."""
    return VIEWS[view](value, lang)


@dataclass(frozen=True)
class Shown:
    """A value as a reader sees it, with the path of the value it shows (``None``: none).

    In HTML (Jinja's autoescape calls ``__html__``) a value with a path is a
    ``<span data-figure="path" data-view="view">``, so that a reader or a
    checker can tie the text to the data; everywhere else it is its text.
    """

    text: str
    path: str | None = None
    view: str = "value"

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> str:
        # markupsafe only where HTML is written (Jinja has loaded it then): a table has none
        from markupsafe import Markup, escape

        if self.path is None:
            return str(escape(self.text))
        return str(
            Markup('<span class="fig" data-figure="{}" data-view="{}">{}</span>').format(
                self.path, self.view, self.text
            )
        )


@dataclass(frozen=True)
class Sentence:
    """Words with figures in them: plain text, or HTML whose figures carry their paths."""

    parts: tuple[str | Shown, ...]

    def __str__(self) -> str:
        return "".join(str(part) for part in self.parts)

    def __bool__(self) -> bool:
        return bool(str(self))

    def __html__(self) -> str:
        from markupsafe import escape

        return "".join(
            part.__html__() if isinstance(part, Shown) else str(escape(part)) for part in self.parts
        )


def show(results: Results, path: str, view: str, lang: str) -> Shown:
    """The value at ``path`` written in ``view``."""
    return Shown(render(value_at(results, path), view, lang), path, view)


def shown(value: Any, view: str, lang: str, path: str | None = None) -> Shown:
    """A value already at hand, written in ``view`` (``path``: where it is in the results)."""
    return Shown(render(value, view, lang), path, view)


def check_text(results: Results, path: str, view: str, lang: str, text: str) -> bool:
    """Whether ``text`` is what ``view`` writes for the value at ``path``."""
    try:
        expected = render(value_at(results, path), view, lang)
    except (KeyError, ValueError, TypeError, IndexError):
        return False
    return _normal(expected) == _normal(text)


def _normal(text: str) -> str:
    """Spaces of any kind as one space (a browser or a PDF may fold or change them)."""
    return " ".join(text.replace("\u2060", "").split())


def quality_text(figure: Figure, lang: str) -> str:
    """The figure's shares by data quality, largest first (``modélisé 99 %, mesuré 1 %``)."""
    if not figure.quality:
        return label("not_available", lang)
    ordered = sorted(figure.quality.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{label(q, lang)} {format_share(s, lang)}" for q, s in ordered)


def finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
