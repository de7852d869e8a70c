"""The financing check for people (a table in French or English) and for programs (JSON).

In JSON every amount is a string with two decimals ("75000.00"), so that no
reader turns it into a binary float on the way.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from typing import Any

from ecodigital.finance.check import ExpenseLine, FinanceReport, Message, RuleResult
from ecodigital.i18n import catalogue, plural_form
from ecodigital.i18n.format import format_count, format_money, format_percent
from ecodigital.jsonio import jsonable

#: The statuses of a rule, in the order the verdict counts them.
STATUSES = ("pass", "fail", "warning", "not_applicable")


def text(group: str, key: str, lang: str) -> str:
    """The catalogue's words ``finance.<group>.<key>`` in ``lang`` (placeholders left in)."""
    return str(catalogue(lang).raw(f"finance.{group}.{key}"))


__all__ = [
    "REPORT_FORMAT",
    "figure_label",
    "finance_data",
    "render_finance",
    "rule_sentence",
    "rule_title",
]

REPORT_FORMAT = "ecodigital-finance-report/1"


def _width() -> int:
    """The terminal's width (100 when it cannot be told), at least 60 characters."""
    import shutil

    return max(shutil.get_terminal_size((100, 24)).columns, 60)


def _format_number(value: Decimal | int, lang: str) -> str:
    return format_count(float(value), lang)


def _format_value(key: str, value: object, lang: str) -> str:
    if value is None:
        return text("figure", "not_given", lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal) and key.endswith("_eur"):
        return format_money(value, lang)
    if isinstance(value, Decimal) and key.endswith("_percent"):
        return format_percent(value, lang, fixed=key in _COMPUTED_RATES)
    if isinstance(value, Decimal | int):
        return _format_number(value, lang)
    if isinstance(value, list | tuple):
        if not value:
            return text("figure", "none", lang)
        return ", ".join(_format_item(item, lang) for item in value)
    return str(value)


_COMPUTED_RATES = frozenset({"grant_rate_percent", "public_aid_rate_percent"})


def _format_item(item: object, lang: str) -> str:
    if isinstance(item, Mapping):
        return f"{item['label']} ({item['category']}, {format_money(item['amount_eur'], lang)})"
    if isinstance(item, Decimal | int) and not isinstance(item, bool):
        return _format_number(item, lang)
    return str(item)


def _as_number(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def _sentence(message: Message, lang: str, grant_name: str) -> str:
    values = {key: _format_value(key, value, lang) for key, value in message.params.items()}
    values["grant_name"] = grant_name
    # a plural is chosen by the count the sentence is about
    count = next((message.params[k] for k in ("count", "institutions") if k in message.params), 0)
    entry = catalogue(lang).raw(f"finance.message.{message.key}")
    template = str(plural_form(entry, _as_number(count), lang))
    try:
        return template.format(**values)
    except (KeyError, IndexError):  # pragma: no cover - caught by the catalogue test
        return template


def _title(rule_id: str, lang: str, grant_name: str) -> str:
    return text("rule", rule_id, lang).format(grant_name=grant_name)


def rule_title(report: FinanceReport, rule_id: str, lang: str) -> str:
    """The title of a rule in ``lang``, with the call's grant name."""
    return _title(rule_id, lang, report.grant_name)


def rule_sentence(report: FinanceReport, message: Message, lang: str) -> str:
    """A rule's "why" or "fix" sentence in ``lang``, its figures formatted."""
    return _sentence(message, lang, report.grant_name)


def render_finance(report: FinanceReport, output_format: str = "table", lang: str = "fr") -> str:
    """The report as ``table`` (people) or ``json`` (programs)."""
    if output_format == "json":
        return _render_json(report, lang)
    return _render_table(report, lang)


# --------------------------------------------------------------------------- table


def figure_label(report: FinanceReport, key: str, lang: str) -> str:
    """The name of a figure of the report, with its grant name and flat rate filled in."""
    flat_percent = format_percent(report.figures.flat_rate_percent or Decimal(0), lang)
    return text("figure", key, lang).format(
        grant_name=report.grant_name, flat_rate_percent=flat_percent
    )


def _render_table(report: FinanceReport, lang: str) -> str:
    figures = report.figures
    grant = report.grant_name

    def label(key: str) -> str:
        return figure_label(report, key, lang)

    def eur(amount: Decimal) -> str:
        return format_money(amount, lang)

    of_eligible = text("figure", "of_eligible", lang)
    rows: list[tuple[str, str, str]] = [
        (label("total_expenses_excl_vat_eur"), eur(figures.total_expenses_excl_vat_eur), ""),
        (label("eligible_direct_base_eur"), eur(figures.eligible_direct_base_eur), ""),
    ]
    if figures.flat_rate_percent is not None:
        rows.append((label("flat_rate_eur"), eur(figures.flat_rate_eur), ""))
    rows += [
        (label("total_eligible_cost_eur"), eur(figures.total_eligible_cost_eur), ""),
        (label("total_cost_eur"), eur(figures.total_cost_eur), ""),
        (label("total_resources_eur"), eur(figures.total_resources_eur), ""),
        (
            label("grant_eur"),
            eur(figures.grant_eur),
            f"{format_percent(figures.grant_rate_percent, lang, fixed=True)} {of_eligible}"
            if figures.grant_rate_percent is not None
            else "",
        ),
        (label("max_grant_eur"), eur(figures.max_grant_eur), ""),
        (
            label("public_aid_eur"),
            eur(figures.public_aid_eur),
            f"{format_percent(figures.public_aid_rate_percent, lang, fixed=True)} {of_eligible}"
            if figures.public_aid_rate_percent is not None
            else "",
        ),
    ]
    floor_missed = any(r.id == "grant-floor" and r.status == "fail" for r in report.results)
    if figures.eligible_direct_base_needed_eur is not None and floor_missed:
        rows.append(
            (
                label("eligible_direct_base_needed_eur"),
                eur(figures.eligible_direct_base_needed_eur),
                "",
            )
        )
    colon = " : " if lang == "fr" else ": "
    out = [
        *_wrap(f"{label('financing_check')} — {report.project}", ""),
        *_wrap(f"{label('rules_file')}{colon}{report.rules_title} ({report.rules_id})", ""),
        "",
        label("key_figures"),
    ]
    name_width = max(len(name) for name, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    for name, value, note in rows:
        out.append(f"  {name.ljust(name_width)}  {value.rjust(value_width)}  {note}".rstrip())
    out += ["", label("rules")]
    status_width = max(len(text("status", s, lang)) for s in STATUSES) + 2
    for result in report.results:
        out += _render_result(result, lang, grant, status_width)
    counts = {s: len(report.with_status(s)) for s in STATUSES}  # type: ignore[arg-type]
    words = catalogue(lang)
    counted = [
        words.text(f"finance.figure.count_{name}", n=counts[status])
        for name, status in (("pass", "pass"), ("warning", "warning"), ("na", "not_applicable"))
    ]
    failed = words.text("finance.figure.count_fail", n=counts["fail"])
    verdict = "verdict_pass" if report.passed else "verdict_fail"
    out += ["", *_wrap(words.text(f"finance.figure.{verdict}", counts=counted, failed=failed), "")]
    return "\n".join(out) + "\n"


def _wrap(text_: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text_, _width(), initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def _render_result(result: RuleResult, lang: str, grant: str, status_width: int) -> list[str]:
    status = f"[{text('status', result.status, lang)}]".ljust(status_width)
    lines = [f"  {status} {_title(result.id, lang, grant)} · {result.id}"]
    indent = " " * (status_width + 3)
    why = _sentence(result.why, lang, grant)
    lines += textwrap.wrap(
        why, _width(), initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )
    if result.fix is not None and result.status in {"fail", "warning"}:
        fix = f"{text('figure', 'fix', lang)}{' :' if lang == 'fr' else ':'} "
        fix += _sentence(result.fix, lang, grant)
        lines += textwrap.wrap(
            fix,
            _width(),
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_on_hyphens=False,
        )
    return lines


# --------------------------------------------------------------------------- JSON


def _line_json(line: ExpenseLine) -> dict[str, Any]:
    return {
        "index": line.index,
        "label": line.label,
        "category": line.category,
        "amount_eur": str(line.amount),
        "vat_eur": str(line.vat),
        "vat_recoverable": line.vat_recoverable,
        "eligible": line.eligible,
        "vat_eligible_eur": str(line.vat_eligible),
        "vat_in_plan_eur": str(line.vat_in_plan),
        "eligible_eur": str(line.eligible_amount),
    }


def _render_json(report: FinanceReport, lang: str) -> str:
    return json.dumps(finance_data(report, lang), ensure_ascii=False, indent=2) + "\n"


def finance_data(report: FinanceReport, lang: str = "fr") -> dict[str, Any]:
    """The report as JSON-ready data (amounts as decimal strings, sentences in ``lang``)."""
    grant = report.grant_name
    document = {
        "format": REPORT_FORMAT,
        "project": report.project,
        "rules": {"id": report.rules_id, "title": report.rules_title, "grant": grant},
        "passed": report.passed,
        "summary": {s: len(report.with_status(s)) for s in STATUSES},  # type: ignore[arg-type]
        "figures": jsonable(
            {f.name: getattr(report.figures, f.name) for f in fields(report.figures)}
        ),
        "expenses": [_line_json(line) for line in report.lines],
        "results": [
            {
                "id": result.id,
                "status": result.status,
                "title": _title(result.id, lang, grant),
                "figures": jsonable(result.figures),
                "why": _sentence(result.why, lang, grant),
                "fix": _sentence(result.fix, lang, grant) if result.fix is not None else None,
            }
            for result in report.results
        ],
    }
    return document
