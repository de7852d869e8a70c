"""Annex: every factor row the figures used, with its values, spread and source."""

from __future__ import annotations

from typing import Final

from ecodigital.factors.labels import factor_label
from ecodigital.i18n import catalogue, label
from ecodigital.i18n.format import format_count, format_number, format_unit
from ecodigital.report.note.common import Page
from ecodigital.vocabulary import CRITERION_UNITS, IMPACT_COLUMN_PARTS

__all__ = ["annex_section", "url_parts"]

#: The longest run of a printed URL without a place to wrap (a slash or a hyphen), in characters.
URL_RUN: Final = 32


def url_parts(url: str, longest: int = URL_RUN) -> list[str]:
    """``url`` in the pieces a printed line may wrap between: whole, unless a run of more
    than ``longest`` characters has no slash or hyphen to wrap after.

    A URL then wraps at its slashes and hyphens and, within a longer run, every
    ``longest`` characters; without these pieces a printed URL either breaks at any
    letter, which WeasyPrint measures letter by letter when it sizes a table's columns,
    or widens its column past the page.

    >>> url_parts("https://example.org/" + "a" * 40)
    ['https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaa']
    """
    parts = []
    start = run = 0
    for index, char in enumerate(url):
        if run == longest and char not in "/-":
            parts.append(url[start:index])
            start, run = index, 0
        run = 0 if char in "/-" else run + 1
    parts.append(url[start:])
    return parts


def annex_section(page: Page) -> list[dict[str, str | list[str]]]:
    lang = page.lang
    rows: list[dict[str, str | list[str]]] = []
    for factor in page.results.factors_used:
        values = []
        for column, value in factor.values.items():
            if column not in IMPACT_COLUMN_PARTS:
                continue
            criterion, phase = IMPACT_COLUMN_PARTS[column]
            unit = format_unit(CRITERION_UNITS.get(criterion, ""), lang)
            name = page.t.get(f"short_{criterion}", criterion)
            values.append(
                f"{name} {label(phase, lang).lower()} {format_number(value, lang)} {unit}"
            )
        for parameter, unit in (
            ("power_w", "W"),
            ("lifetime_years", label("years", lang)),
            ("pue", ""),
        ):
            number = getattr(factor, parameter)
            if number is not None:
                prefix = {"power_w": "P", "lifetime_years": "", "pue": "PUE"}[parameter]
                values.append(f"{prefix} {format_count(number, lang)} {unit}".strip())
        low, high = factor.uncertainty_low, factor.uncertainty_high
        rows.append(
            {
                "id": factor.id,
                "label": factor_label(factor.id, factor.label, lang, user=factor.origin == "user"),
                "basis": catalogue(lang).text(f"factors.basis.{factor.basis}"),
                "values": " · ".join(values) or "—",
                "source": factor.source_title or factor.source,
                "url": factor.source_url or "",
                "url_parts": url_parts(factor.source_url or ""),
                "year": factor.source_year,
                "licence": factor.licence,
                "origin": factor.origin,
                "uncertainty": (
                    f"×{format_number(low, lang, 2)} – ×{format_number(high, lang, 2)}"
                    if low is not None and high is not None
                    else "—"
                ),
            }
        )
    return rows
