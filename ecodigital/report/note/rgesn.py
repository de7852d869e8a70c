"""Eco-design: the RGESN 2024 self-assessment, its action plan and the eco-design declaration."""

from __future__ import annotations

from typing import Any

from ecodigital.i18n.format import format_date
from ecodigital.report.note.common import Page
from ecodigital.report.note.summary import MAX_TOP_ITEMS

__all__ = ["rgesn_section"]


def rgesn_section(page: Page) -> dict[str, Any]:
    """Score, coverage, families, action plan and declaration (answers from the dossier)."""
    from ecodigital.rgesn.criteria import REFERENCE, family_label, load_criteria, priority_label

    results = page.results
    scored = results.rgesn
    inputs = results.inputs
    declared = inputs.dossier.rgesn if inputs is not None else None
    if scored is None or declared is None:
        return {"provided": False}
    lang = page.lang
    criteria = {c.id: c for c in load_criteria()}
    families = []
    for name, family in scored.families.items():
        counts = family.counts
        families.append(
            {
                "key": name,
                "name": family_label(name, lang),
                "validated": counts.get("conforme", 0),
                "not_validated": counts.get("non_conforme", 0),
                "not_applicable": counts.get("non_applicable", 0),
                "to_assess": counts.get("a_evaluer", 0),
                "unanswered": counts.get("unanswered", 0),
                "score": page.value(family.score, "score", f"rgesn.families[{name}].score"),
                "score_value": family.score,
            }
        )
    answered = []
    actions = []
    for criterion in load_criteria():
        answer = declared.answers.get(criterion.id)
        if answer is None:
            continue
        row = {
            "id": criterion.id,
            "label": criterion.label(lang),
            "family": family_label(criterion.family, lang),
            "priority": priority_label(criterion.priority, lang),
            "status": page.words(f"status_{answer.status}"),
            "status_code": answer.status,
            "justification": answer.justification or "—",
        }
        answered.append(row)
        if answer.action:
            actions.append(
                {
                    **row,
                    "action": answer.action,
                    "due": format_date(answer.due, lang) or "—",
                    "due_sort": answer.due.isoformat() if answer.due else "9999",
                    "owner": answer.owner or "—",
                    "is_priority": criteria[criterion.id].priority == "Prioritaire",
                }
            )
    actions.sort(key=lambda a: (a["due_sort"], criteria[a["id"]].sort_key))
    counts = scored.counts
    score = page.value(scored.score, "score", "rgesn.score")
    coverage = page.fill(
        "rgesn_coverage",
        answered=page.value(scored.answered, "count", "rgesn.answered"),
        applicable=page.value(scored.applicable, "count", "rgesn.applicable"),
    )
    target = None
    if declared.target_score is not None:
        target = page.fill(
            "decl_target_text",
            score=page.value(declared.target_score, "score", "rgesn.target_score"),
            date=format_date(declared.target_date, lang) or "—",
        )
    service = results.project.name
    declaration = [
        (page.words("decl_service"), service),
        (page.words("decl_date"), format_date(declared.assessed_on, lang) or "—"),
        (page.words("decl_reference"), REFERENCE),
        (
            page.words("decl_counts"),
            f"{counts.get('conforme', 0)} / {counts.get('non_conforme', 0)}",
        ),
        (page.words("decl_na"), str(counts.get("non_applicable", 0))),
        (
            page.words("decl_score"),
            score if scored.score is not None else page.words("rgesn_no_score"),
        ),
        (page.words("decl_coverage"), coverage),
        (
            page.words("decl_previous"),
            page.value(declared.previous_score, "score", "rgesn.previous_score")
            if declared.previous_score is not None
            else "—",
        ),
        (page.words("decl_target"), target or "—"),
        (page.words("decl_review"), declared.review_frequency or "—"),
        (page.words("decl_referent"), declared.referent or "—"),
        (page.words("decl_samples"), "; ".join(declared.samples) if declared.samples else "—"),
    ]
    return {
        "provided": True,
        "score": score if scored.score is not None else page.words("rgesn_no_score"),
        "score_value": scored.score,
        "coverage": coverage,
        "families": families,
        "answered": answered,
        "actions": actions,
        "priority_actions": [a for a in actions if a["is_priority"]][:MAX_TOP_ITEMS],
        "declaration": [{"label": k, "value": v} for k, v in declaration],
    }
