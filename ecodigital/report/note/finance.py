"""Financing: the check of the budget under the call's rules, its expenses and resources."""

from __future__ import annotations

from typing import Any, Final

from ecodigital.report.note.common import Page

__all__ = ["finance_section"]

#: The amounts the note shows, in order (fields of FinanceFigures).
AMOUNTS: Final = (
    "eligible_direct_base_eur",
    "flat_rate_eur",
    "total_eligible_cost_eur",
    "total_cost_eur",
    "grant_eur",
    "max_grant_eur",
    "public_aid_eur",
)
_NOTE_STATUS: Final = {"pass": "pass", "fail": "fail", "warning": "warn", "not_applicable": "na"}


def finance_section(page: Page) -> dict[str, Any]:
    """Verdict, key amounts, each rule, and the plan's expenses and resources."""
    from ecodigital.finance.render import figure_label, rule_sentence, rule_title

    financing = page.results.finance
    if financing is None:
        return {"provided": False}
    report = financing.report
    lang = page.lang
    base = "finance.report"
    return {
        "provided": True,
        "verdict": page.words("finance_verdict_ok" if financing.passed else "finance_verdict_fail"),
        "rules": report.rules_title,
        "amounts": [
            {
                "label": figure_label(report, key, lang),
                "value": page.fig(f"{base}.figures.{key}", "money"),
            }
            for key in AMOUNTS
        ],
        "checks": [
            {
                "code": result.id,
                "label": rule_title(report, result.id, lang),
                "status": page.words(f"check_{_NOTE_STATUS.get(result.status, result.status)}"),
                "message": rule_sentence(report, result.why, lang),
            }
            for result in report.results
        ],
        "expenses": [
            {
                "label": line.label,
                "category": page.words(f"category_{line.category}"),
                "amount": page.fig(f"{base}.lines[{i}].amount", "money"),
                "vat": page.fig(f"{base}.lines[{i}].vat", "money"),
                "eligible": page.words("word_yes" if line.eligible else "word_no"),
            }
            for i, line in enumerate(report.lines)
        ],
        "resources": [
            {
                "source": page.words(f"source_{line.source}"),
                "label": line.label or "",
                "amount": page.fig(f"finance.resources[{i}].amount", "money"),
            }
            for i, line in enumerate(financing.resources)
        ],
    }
