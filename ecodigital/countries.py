"""Countries: ISO 3166-1 codes, their names in French and English, and what a user wrote.

A dossier names every country by its ISO 3166-1 alpha-3 code (``FRA``,
``DEU``, ``BEL``), as CodeCarbon's grid data does. Users write ``France``,
``FR`` or ``allemagne``: :func:`code_for` finds the code they meant, so that
an error can say "write FRA". The names come from ``countries.csv`` beside
this module (Debian's iso-codes, see its header), read once.

>>> code_for("Allemagne"), code_for("fr"), code_for("Royaume Uni")
('DEU', 'FRA', 'GBR')
>>> country_name("SWE", "fr")
'Suède'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from ecodigital.i18n import Msg

__all__ = ["Country", "CountryName", "code_for", "countries", "country_name", "country_problem"]

#: Names people use that ISO 3166-1 does not give.
_ALIASES: Final = {
    "uk": "GBR",
    "angleterre": "GBR",
    "england": "GBR",
    "grande bretagne": "GBR",
    "great britain": "GBR",
    "hollande": "NLD",
    "holland": "NLD",
    "etats unis d amerique": "USA",
    "usa": "USA",
    "amerique": "USA",
    "coree du sud": "KOR",
    "republique tcheque": "CZE",
    "czech republic": "CZE",
}


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 country."""

    alpha_3: str
    alpha_2: str
    name_en: str
    name_fr: str


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country, by alpha-3 code."""
    import csv

    text = Path(__file__).with_name("countries.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return {row["alpha_3"]: Country(**row) for row in csv.DictReader(lines)}


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in countries().values():
        for name in (country.alpha_3, country.alpha_2, country.name_en, country.name_fr):
            names.setdefault(_folded(name), country.alpha_3)
    for alias, code in _ALIASES.items():
        names.setdefault(alias, code)
    return names


def code_for(written: object) -> str | None:
    """The alpha-3 code of the country ``written`` names (code, 2-letter code or name)."""
    if not isinstance(written, str) or not written.strip():
        return None
    return _by_name().get(_folded(written))


def country_name(code: str, lang: str) -> str:
    """The country's name in ``lang`` (its code when the code is unknown)."""
    country = countries().get(code)
    if country is None:
        return code
    return country.name_fr if lang == "fr" else country.name_en


class CountryName(Msg):
    """A country's name, put in words in the reader's language (``key`` is its code)."""

    def render(self, lang: str) -> str:
        return country_name(self.key, lang)


def country_problem(written: str, known: Iterable[str]) -> tuple[Msg, Msg] | None:
    """What is wrong with ``written`` as a country code of ``known``, and the fix; ``None`` if OK.

    >>> problem, fix = country_problem("France", {"FRA"})
    >>> fix.render("fr")
    'écrivez FRA (France)'
    """
    known = set(known)
    if written in known:
        return None
    code = code_for(written)
    if code is not None and code != written:
        return (
            Msg("country.not_code", {"value": written}),
            Msg("country.write_code", {"code": code, "name": CountryName(code)}),
        )
    if code is not None:
        return (
            Msg("country.no_grid", {"value": written, "name": CountryName(code)}),
            Msg("country.no_grid_fix"),
        )
    return Msg("country.unknown", {"value": written}), Msg("country.unknown_fix")
