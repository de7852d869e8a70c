"""The follow-up report: its payload (verifiable like a note's) and its Markdown, HTML and JSON.

The payload is ``{format, digest, forecast, actuals, follow_up, tool}``:
``forecast`` is the submitted note's own payload, unchanged (its digest
included, so the report names the very forecast it was checked against),
``actuals`` the validated actuals file standing alone (each measurement's
files replaced by what they said, its ``summary``), ``follow_up`` the figures
of the report, which ``ecodigital verify`` recomputes from the report alone.
``digest`` is the SHA-256 of the canonical JSON of the four data members,
computed as for a note (:mod:`ecodigital.report.payload`). The renderers only
format the figures of :class:`~ecodigital.suivi.compare.FollowUp`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ecodigital.i18n import label, text
from ecodigital.i18n.format import format_change, format_quantity
from ecodigital.i18n.numbers import format_count, format_money, format_range
from ecodigital.jsonio import canonical_json, dumps, jsonable
from ecodigital.report.payload import html_payload_block

if TYPE_CHECKING:
    from ecodigital.assessment.results import Figure
    from ecodigital.suivi.compare import Comparison, FollowUp

__all__ = [
    "SUIVI_PAYLOAD_FORMAT",
    "build_suivi_payload",
    "compute_suivi_digest",
    "render_suivi",
    "verify_suivi_digest",
]

SUIVI_PAYLOAD_FORMAT: Final = "ecodigital-suivi-payload/1"
DIGEST_MEMBERS: Final = ("forecast", "actuals", "follow_up", "tool")


def compute_suivi_digest(payload: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the report payload's data members."""
    members = {key: payload.get(key) for key in DIGEST_MEMBERS}
    return hashlib.sha256(canonical_json(members)).hexdigest()


def verify_suivi_digest(payload: Mapping[str, Any]) -> bool:
    """Whether a follow-up report's recorded digest matches its data members."""
    digest = payload.get("digest")
    if not isinstance(digest, Mapping) or digest.get("algorithm") != "sha256":
        return False
    return bool(digest.get("value") == compute_suivi_digest(payload))


def build_suivi_payload(
    forecast: Mapping[str, Any], actuals: Mapping[str, Any], follow_up: FollowUp
) -> dict[str, Any]:
    """The report's payload: the note's payload, the standalone actuals
    (:func:`~ecodigital.suivi.compare.standalone_actuals`), the figures and their digest."""
    from ecodigital import __version__

    payload: dict[str, Any] = {
        "format": SUIVI_PAYLOAD_FORMAT,
        "forecast": jsonable(forecast),
        "actuals": jsonable(actuals),
        "follow_up": jsonable(dataclasses.asdict(follow_up)),
        "tool": {"name": "ecodigital", "version": __version__},
    }
    payload["digest"] = {"algorithm": "sha256", "value": compute_suivi_digest(payload)}
    return payload


# --------------------------------------------------------------------------- words


def _q(figure: Figure, lang: str) -> str:
    return format_quantity(figure.value, figure.unit, lang)


def _interval(figure: Figure, lang: str) -> str:
    if figure.range is None:
        return text("suivi.report.unknown", lang)
    return format_range(figure.range.p5, figure.range.p95, figure.unit, figure.value, lang)


def _flag(comparison: Comparison, lang: str) -> str:
    if comparison.drift is None:
        return text("suivi.report.unknown", lang)
    return text("suivi.report.drift" if comparison.drift else "suivi.report.inside", lang)


def _explained(comparison: Comparison, lang: str) -> str:
    parts = [
        text(f"suivi.cause.{e.cause}", lang)
        + " "
        + format_change(e.change.value, e.change.unit, lang)
        for e in comparison.explained
        if e.change.value
    ]
    return "; ".join(parts) or "—"


def _rows(follow_up: FollowUp, lang: str) -> tuple[list[str], list[tuple[str, list[list[str]]]]]:
    header = [
        text(f"suivi.report.{key}", lang)
        for key in ("figure", "forecast", "interval", "actual", "gap", "flag", "explained")
    ]
    sections = []
    for year in follow_up.years:
        rows = []
        for criterion, comparison in year.criteria.items():
            rows.append(_row(label(criterion, lang), comparison, lang))
        rows.append(_row(text("suivi.report.intensity", lang), year.intensity, lang))
        method = text(f"suivi.method.{year.users_method}", lang) if year.users_method else ""
        users = (
            f"{format_count(year.users_actual, lang)} ({method})"
            if year.users_actual is not None
            else text("suivi.report.unknown", lang)
        )
        title = text(
            "suivi.report.year",
            lang,
            year=year.year,
            users=users,
            forecast=format_count(year.users_forecast, lang),
        )
        sections.append((title, rows))
    return header, sections


def _row(name: str, comparison: Comparison, lang: str) -> list[str]:
    return [
        name,
        _q(comparison.forecast, lang),
        _interval(comparison.forecast, lang),
        _q(comparison.actual, lang),
        format_change(comparison.gap.value, comparison.gap.unit, lang),
        _flag(comparison, lang),
        _explained(comparison, lang),
    ]


def _indicators(follow_up: FollowUp, lang: str) -> list[str]:
    unknown = text("suivi.report.unknown", lang)
    lines = [
        text(
            "suivi.report.rco14",
            lang,
            actual=unknown if follow_up.rco14_to_date is None else follow_up.rco14_to_date,
            forecast=unknown if follow_up.rco14_forecast is None else follow_up.rco14_forecast,
        ),
        text(
            "suivi.report.rcr11",
            lang,
            actual=unknown
            if follow_up.rcr11_to_date is None
            else format_count(follow_up.rcr11_to_date, lang),
            year=follow_up.rcr11_year if follow_up.rcr11_year is not None else unknown,
            forecast=format_count(follow_up.rcr11_forecast, lang),
            user_years=unknown
            if follow_up.user_years_to_date is None
            else format_count(follow_up.user_years_to_date, lang),
        ),
    ]
    for year in follow_up.years:
        if year.expenses_eur is not None:
            lines.append(
                text(
                    "suivi.report.expenses",
                    lang,
                    year=year.year,
                    amount=format_money(year.expenses_eur, lang),
                )
            )
    drifts = ", ".join(follow_up.drifts) or text("suivi.report.no_drift", lang)
    lines.append(text("suivi.report.drifts", lang, drifts=drifts))
    lines.append(text("suivi.report.forecast_digest", lang, digest=follow_up.forecast_digest))
    return lines


def _markdown(follow_up: FollowUp, lang: str) -> str:
    header, sections = _rows(follow_up, lang)
    out = [f"# {text('suivi.report.title', lang, project=follow_up.project)}", ""]
    out += [f"- {line}" for line in _indicators(follow_up, lang)]
    for title, rows in sections:
        out += ["", f"## {title}", "", "| " + " | ".join(header) + " |"]
        out.append("|" + "---|" * len(header))
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    out += ["", text("suivi.report.method", lang), ""]
    return "\n".join(out)


def _html(follow_up: FollowUp, payload: Mapping[str, Any], lang: str) -> str:
    e = html.escape
    header, sections = _rows(follow_up, lang)
    title = e(text("suivi.report.title", lang, project=follow_up.project))
    body = [f"<h1>{title}</h1>", "<ul>"]
    body += [f"<li>{e(line)}</li>" for line in _indicators(follow_up, lang)]
    body.append("</ul>")
    for section, rows in sections:
        body.append(f"<h2>{e(section)}</h2><table><thead><tr>")
        body += [f"<th>{e(cell)}</th>" for cell in header]
        body.append("</tr></thead><tbody>")
        for row in rows:
            body.append("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>")
        body.append("</tbody></table>")
    body.append(f"<p>{e(text('suivi.report.method', lang))}</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .4em}</style>"
        f"{html_payload_block(payload)}</head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def render_suivi(
    follow_up: FollowUp, payload: Mapping[str, Any], output_format: str, lang: str = "fr"
) -> str:
    """The report as ``md`` (its payload goes in the .json beside it), ``html`` or ``json``."""
    if output_format == "json":
        return dumps(payload)
    if output_format == "html":
        return _html(follow_up, payload, lang)
    return _markdown(follow_up, lang)
