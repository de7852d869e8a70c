"""The interactive RGESN questionnaire: family by family, resumable.

Criteria already answered (validated, not validated or not applicable) are
skipped; "to assess" ones are asked again. The answers are written back into
the dossier after each family, so stopping (or quitting with ``q``) loses at
most the family in progress. Input and output go through two small callables,
so the questionnaire runs the same under click, in tests or in another UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecodigital.i18n import catalogue
from ecodigital.rgesn.criteria import FAMILIES, family_label, load_criteria, priority_label
from ecodigital.rgesn.roundtrip import RoundTripDossier
from ecodigital.rgesn.score import score_answers

__all__ = ["Ask", "QuestionnaireResult", "run_questionnaire"]

#: ``ask(prompt, choices, default)`` returns the answer (one of ``choices`` if given).
Ask = Callable[[str, Sequence[str] | None, str | None], str]
Say = Callable[[str], None]

FINAL_STATUSES = frozenset({"conforme", "non_conforme", "non_applicable"})
_CHOICES = {"c": "conforme", "n": "non_conforme", "na": "non_applicable", "e": "a_evaluer"}


@dataclass
class QuestionnaireResult:
    """What a questionnaire session did."""

    answered_now: int
    answered_total: int
    score: float | None
    quit_early: bool


def _ask_date(ask: Ask, say: Say, text: dict[str, str]) -> dt.date | None:
    while True:
        raw = ask(text["due"], None, "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            say(text["bad_date"])


def run_questionnaire(path: Path, ask: Ask, say: Say, lang: str = "fr") -> QuestionnaireResult:
    """Ask the unanswered criteria of the dossier at ``path``, saving after each family."""
    text = catalogue(lang).section("rgesn.questionnaire")
    dossier = RoundTripDossier(path)
    answers = dossier.answers()
    criteria = load_criteria()
    answered_now = 0
    quit_early = False
    pending_any = False
    for family in FAMILIES:
        todo = [
            c
            for c in criteria
            if c.family == family and answers.get(c.id, {}).get("status") not in FINAL_STATUSES
        ]
        if not todo:
            continue
        pending_any = True
        say("")
        say(text["family"].format(name=family_label(family, lang), todo=len(todo)))
        changed = False
        for criterion in todo:
            priority = priority_label(criterion.priority, lang)
            say(f"{criterion.id} [{priority}] {criterion.label(lang)}")
            if criterion.applicability != "Applicable à tous les services":
                say(f"  ({criterion.applicability})")
            choice = ask(text["choices"], [*_CHOICES, "s", "q"], "s")
            if choice == "q":
                quit_early = True
                break
            if choice == "s":
                continue
            status = _CHOICES[choice]
            previous = answers.get(criterion.id, {})
            if status == "non_applicable":
                justification = ""
                while not justification.strip():
                    justification = ask(text["justification_na"], None, None)
            else:
                justification = ask(
                    text["justification"], None, previous.get("justification") or ""
                )
            answer: dict[str, object] = {"status": status, "justification": justification.strip()}
            if status in {"non_conforme", "a_evaluer"}:
                answer["action"] = ask(text["action"], None, previous.get("action") or "").strip()
                answer["due"] = _ask_date(ask, say, text)
                answer["owner"] = ask(text["owner"], None, previous.get("owner") or "").strip()
            dossier.set_answer(criterion.id, answer)
            answers[criterion.id] = {k: v for k, v in answer.items() if v}
            answered_now += 1
            changed = True
        if changed:
            dossier.save()
        if quit_early:
            break
    score = score_answers(answers).score
    answered_total = sum(1 for a in answers.values() if a.get("status"))
    if not pending_any:
        say(text["nothing"])
    shown = "—" if score is None else f"{score:.0f} %"
    say(text["saved"].format(path=path, answered=answered_total, score=shown))
    return QuestionnaireResult(answered_now, answered_total, score, quit_early)
