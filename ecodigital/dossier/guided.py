"""``ecodigital init --guided``: a few plain questions, then the starter filled from the answers.

Each question has a default (Enter keeps it) and a parser that either
returns the value or raises :class:`Invalid` with a sentence saying what to
write; the question is then asked again. Input and output go through two
small callables, as in the RGESN questionnaire, so the questions run the same
under click, under a pseudo-terminal in tests, or in another interface.

Numbers may be written the French way (``2 500``, ``146 000,50``, ``25 %``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ecodigital.dossier.starter import StarterAnswers, budget_figures, default_feder
from ecodigital.i18n import Msg, catalogue, text

__all__ = ["QUESTIONS", "Ask", "Invalid", "Say", "ask_answers"]

#: ``ask(prompt, default)`` returns what the person typed, or ``default`` for Enter.
Ask = Callable[[str, str], str]
Say = Callable[[str], None]

_SPACES: Final = re.compile(r"[\s\u00a0\u202f]+")
_BENEFICIARY_ALIASES: Final = {
    "mairie": "commune",
    "ville": "commune",
    "municipalite": "commune",
    "communaute_de_communes": "epci",
    "communaute_d_agglomeration": "epci",
    "communaute_urbaine": "epci",
    "metropole": "epci",
    "intercommunalite": "epci",
    "conseil_departemental": "departement",
    "conseil_regional": "region",
    "entreprise": "pme",
}


class Invalid(ValueError):
    """An answer that cannot be used, with the sentence that says what to write."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.msg = Msg(f"guided.invalid.{key}", params)


def _plain(value: str) -> str:
    """Lower case, no accents, words joined by ``_``: how codes are compared."""
    folded = unicodedata.normalize("NFKD", value.strip().lower())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", ascii_only).strip("_")


def _number(raw: str, lang: str) -> Decimal:
    """A number as the language writes it (``2 500``, ``0,5`` in French; ``2,500``, ``0.5``
    in English; a plain ``0.5`` in both); :class:`Invalid` otherwise."""
    cleaned = _SPACES.sub("", raw)
    cleaned = cleaned.replace(",", "") if lang == "en" else cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid("number", value=raw.strip()) from None
    if not value.is_finite():
        raise Invalid("number", value=raw.strip())
    return value


def _whole(raw: str, lang: str, low: int, high: int) -> int:
    value = _number(raw, lang)
    if value != value.to_integral_value() or not low <= value <= high:
        raise Invalid("whole", value=raw.strip(), low=low, high=_shown(high, lang))
    return int(value)


def _name(raw: str, answers: StarterAnswers, lang: str) -> str:
    value = raw.strip()
    if not value:
        raise Invalid("empty")
    if len(value) > 300:
        raise Invalid("too_long", limit=300)
    return value


def _beneficiary_type(raw: str, answers: StarterAnswers, lang: str) -> str:
    from ecodigital.vocabulary import BENEFICIARY_TYPES

    value = _plain(raw)
    value = _BENEFICIARY_ALIASES.get(value, value)
    if value in BENEFICIARY_TYPES:
        return value
    close = difflib.get_close_matches(value, BENEFICIARY_TYPES, n=1)
    if close:
        raise Invalid("beneficiary_type_close", value=raw.strip(), suggestion=close[0])
    raise Invalid("beneficiary_type", value=raw.strip(), choices=list(BENEFICIARY_TYPES))


def _start_year(raw: str, answers: StarterAnswers, lang: str) -> int:
    return _whole(raw, lang, 2000, 2100)


def _duration(raw: str, answers: StarterAnswers, lang: str) -> int:
    return _whole(raw, lang, 1, 30)


def _devices(raw: str, answers: StarterAnswers, lang: str) -> int:
    return _whole(raw, lang, 0, 100_000)


def _choice(raw: str, lang: str, field: str, codes: tuple[str, ...]) -> str:
    """A code among ``codes``, typed as its word in either language or its number."""
    value = _plain(raw)
    for number, code in enumerate(codes, start=1):
        words = {_plain(text(f"guided.choice.{field}.{code}", other)) for other in ("fr", "en")}
        if value in words | {code, str(number)}:
            return code
    shown = [text(f"guided.choice.{field}.{code}", lang) for code in codes]
    raise Invalid("choice", value=raw.strip(), choices=shown)


def _device_kind(raw: str, answers: StarterAnswers, lang: str) -> str:
    return _choice(raw, lang, "device", ("laptop", "desktop"))


def _share(raw: str, answers: StarterAnswers, lang: str) -> Decimal:
    has_percent = "%" in raw
    value = _number(raw.replace("%", ""), lang)
    if not 0 <= value <= 100:
        raise Invalid("percent", value=raw.strip())
    if 0 < value < 1 and not has_percent:
        # 0.25 is more likely a quarter than a quarter of one per cent.
        raise Invalid("percent_fraction", value=raw.strip(), percent=_shown(value * 100, lang))
    return value


def _hosting(raw: str, answers: StarterAnswers, lang: str) -> str:
    return _choice(raw, lang, "hosting", ("room", "cloud", "both"))


def _country(raw: str, answers: StarterAnswers, lang: str) -> str:
    from ecodigital.factors.grid import known_countries

    value = raw.strip().upper()
    if value in known_countries():
        return value
    if _plain(raw) in {"fr", "fra", "france"}:
        raise Invalid("country_france", value=raw.strip())
    raise Invalid("country", value=raw.strip())


def _users(raw: str, answers: StarterAnswers, lang: str) -> int:
    return _whole(raw, lang, 1, 100_000_000)


def _money(raw: str, lang: str) -> Decimal:
    from ecodigital.finance.model import FieldProblem, parse_amount

    cleaned = raw.strip().removeprefix("€").removesuffix("€").strip()
    if lang == "en" and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", cleaned):
        cleaned = cleaned.replace(",", "")  # English thousands separators
    try:
        return parse_amount(cleaned)
    except FieldProblem:
        raise Invalid("amount", value=raw.strip()) from None


def _expenses(raw: str, answers: StarterAnswers, lang: str) -> Decimal:
    from ecodigital.i18n.format import format_money as format_eur

    amount = _money(raw, lang)
    plan = budget_figures(amount)
    floor = plan.grant_floor_eur
    if floor is not None and plan.figures.max_grant_eur < floor:
        needed = plan.figures.eligible_cost_needed_eur or floor
        raise Invalid(
            "grant_floor",
            largest=format_eur(plan.figures.max_grant_eur, lang),
            floor=format_eur(floor, lang),
            needed=format_eur(needed, lang),
        )
    return amount


def _other_public(raw: str, answers: StarterAnswers, lang: str) -> Decimal:
    from ecodigital.i18n.format import format_money as format_eur

    amount = _money(raw, lang)
    total = budget_figures(answers.expenses_eur).figures.total_eligible_cost_eur
    if amount >= total:
        raise Invalid("other_public", total=format_eur(total, lang))
    return amount


def _feder(raw: str, answers: StarterAnswers, lang: str) -> Decimal:
    from ecodigital.i18n.format import format_money as format_eur

    amount = _money(raw, lang)
    plan = budget_figures(answers.expenses_eur, answers.other_public_eur)
    largest = plan.figures.max_grant_eur
    if amount > largest:
        raise Invalid("feder_max", largest=format_eur(largest, lang))
    if plan.grant_floor_eur is not None and amount < plan.grant_floor_eur:
        raise Invalid("feder_floor", floor=format_eur(plan.grant_floor_eur, lang))
    return amount


def _shown(value: Decimal | int, lang: str) -> str:
    """A default as the person would type it: ``146 000`` in French, ``146,000`` in English."""
    number = Decimal(value)
    whole = number == number.to_integral_value()
    body = f"{number:,.0f}" if whole else f"{number:,.2f}"
    return body.replace(",", " ").replace(".", ",") if lang == "fr" else body


def _choice_word(field: str, code: str, lang: str) -> str:
    return text(f"guided.choice.{field}.{code}", lang)


@dataclass(frozen=True)
class Question:
    """One question: the answers field it sets, how to read it, its default, when to ask it."""

    field: str
    parse: Callable[[str, StarterAnswers, str], Any]
    default: Callable[[StarterAnswers, str], str]
    asked: Callable[[StarterAnswers], bool] = lambda answers: True


QUESTIONS: Final = (
    Question("project_name", _name, lambda a, lang: text("starter.example_project", lang)),
    Question("beneficiary_name", _name, lambda a, lang: text("starter.example_beneficiary", lang)),
    Question("beneficiary_type", _beneficiary_type, lambda a, lang: a.beneficiary_type),
    Question("start_year", _start_year, lambda a, lang: str(a.start_year)),
    Question("duration_years", _duration, lambda a, lang: str(a.duration_years)),
    Question("agent_devices", _devices, lambda a, lang: _shown(a.agent_devices, lang)),
    Question(
        "agent_device_kind",
        _device_kind,
        lambda a, lang: _choice_word("device", a.agent_device_kind, lang),
        lambda a: a.agent_devices > 0,
    ),
    Question(
        "agent_share_percent",
        _share,
        lambda a, lang: _shown(a.agent_share_percent, lang),
        lambda a: a.agent_devices > 0,
    ),
    Question("hosting", _hosting, lambda a, lang: _choice_word("hosting", a.hosting, lang)),
    Question("hosting_country", _country, lambda a, lang: a.hosting_country),
    Question("users_per_year", _users, lambda a, lang: _shown(a.users_per_year, lang)),
    Question("expenses_eur", _expenses, lambda a, lang: _shown(a.expenses_eur, lang)),
    Question("other_public_eur", _other_public, lambda a, lang: _shown(a.other_public_eur, lang)),
    Question(
        "feder_eur",
        _feder,
        lambda a, lang: _shown(default_feder(a.expenses_eur, a.other_public_eur), lang),
    ),
)


def ask_answers(
    ask: Ask, say: Say, lang: str = "fr", start: StarterAnswers | None = None
) -> StarterAnswers:
    """Ask every question in turn, again until its answer can be used; the answers."""
    answers = start or StarterAnswers()
    words = catalogue(lang)
    say(words.text("guided.intro"))
    total = len(QUESTIONS)
    for number, question in enumerate(QUESTIONS, start=1):
        if not question.asked(answers):
            continue
        say("")
        say(words.text(f"guided.help.{question.field}"))
        prompt = words.text(
            "guided.prompt",
            number=number,
            total=total,
            question=words.text(f"guided.q.{question.field}"),
        )
        while True:
            raw = ask(prompt, question.default(answers, lang))
            try:
                value = question.parse(raw, answers, lang)
            except Invalid as problem:
                say(problem.msg.render(lang))
                continue
            answers = replace(answers, **{question.field: value})
            break
    return answers
