"""Build the responsible-digital note of a dossier in PDF, HTML, ODT or Markdown.

One entry point for the CLI (:func:`build_note`): assess the dossier, gather
the optional sections, build the payload and the context, render the format
asked for and return the files to write (the Markdown note has a sidecar).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import InputError

if TYPE_CHECKING:
    from ecodigital.assessment import Assessment

__all__ = ["FORMATS", "PreparedNote", "build_note", "note_format", "prepare_note", "render_note"]

FORMATS: Final = ("pdf", "html", "odt", "md")
#: Monte Carlo draws and seed of a note when none are given (those of ``assess``).
DEFAULT_DRAWS: Final = 1000
DEFAULT_SEED: Final = 0
_SUFFIXES: Final = {".pdf": "pdf", ".html": "html", ".htm": "html", ".odt": "odt", ".md": "md",
                    ".markdown": "md"}  # fmt: skip


def note_format(output: Path, explicit: str | None = None) -> str:
    """The format asked for, or the one the output's extension names."""
    if explicit:
        return explicit
    fmt = _SUFFIXES.get(Path(output).suffix.lower())
    if fmt is None:
        raise InputError(
            str(output),
            None,
            f'cannot tell the format from the extension "{Path(output).suffix}"',
            "name the file .pdf, .html, .odt or .md, or add --format",
        )
    return fmt


@dataclass
class PreparedNote:
    """Everything a note shows, before it is rendered in a format."""

    assessment: Assessment
    data: dict[str, Any]
    payload: dict[str, Any]
    context: dict[str, Any]
    chart_data: dict[str, Any]
    template_dirs: tuple[Path, ...]


def _chart_data(assessment: Assessment) -> dict[str, Any]:
    from ecodigital.engine.aggregate import cube, summarize

    summary = cube(assessment.rows)
    gwp = summary[summary["criterion"] == "gwp"]
    tier_phase: dict[str, dict[str, float]] = {}
    for r in summarize(gwp, ["tier", "phase"]).dropna(subset=["value"]).to_dict("records"):
        tier_phase.setdefault(str(r["tier"]), {})[str(r["phase"])] = float(r["value"])
    year_tier: dict[int, dict[str, float]] = {
        year: {} for year in range(1, assessment.dossier.horizon_years + 1)
    }
    for r in summarize(gwp, ["year", "tier"]).dropna(subset=["value"]).to_dict("records"):
        year_tier[int(r["year"])][str(r["tier"])] = float(r["value"])
    return {
        "tier_phase": tier_phase,
        "year_tier": year_tier,
        "start_year": assessment.dossier.model.project.start_year,
    }


def _finance(
    assessment: Any, rules_path: Path | None, lang: str
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The financing check of the dossier's budget: (JSON data, note summary), or None."""
    from ecodigital.finance.render import finance_data, note_summary
    from ecodigital.finance.run import check_loaded

    report = check_loaded(assessment.dossier, rules_path)
    if report is None:
        return None
    return finance_data(report, lang), note_summary(report, lang)


def prepare_note(
    dossier: Path,
    *,
    factors_path: Path | None = None,
    lang: str = "fr",
    template_dir: Path | None = None,
    rules_path: Path | None = None,
    today: dt.date | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    deterministic: bool = False,
) -> PreparedNote:
    """Assess ``dossier`` and build the note's content and payload.

    Unless ``deterministic``, the Monte Carlo propagation (``draws``, ``seed``)
    gives every figure its P5-P95 range and ranks the drivers; the dossier's
    scenarios, if any, are compared on the same draws. All of it goes into the
    payload's ``results`` (``uncertainty``, ``drivers``, ``scenarios``).
    """
    from ecodigital.assessment import assess_dossier
    from ecodigital.report.data import assessment_data
    from ecodigital.report.note import build_note_context, gather_extras
    from ecodigital.report.payload import build_payload

    template_dirs: tuple[Path, ...] = ()
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise InputError(str(template_dir), None, "is not a folder", "give a template folder")
        template_dirs = (Path(template_dir),)
    assessment = assess_dossier(dossier, factors_path)
    propagation = drivers = None
    if not deterministic:
        from ecodigital.assessment import assess_uncertainty

        propagation, drivers = assess_uncertainty(assessment, draws, seed, drivers=True)
    data = assessment_data(assessment, include_rows=True, uncertainty=propagation, drivers=drivers)
    if assessment.dossier.model.scenarios:
        from ecodigital.assessment import compare_assessed

        data["scenarios"] = compare_assessed(
            assessment, draws=draws, seed=seed, deterministic=deterministic,
            propagation=propagation,
        )  # fmt: skip
    finance = _finance(assessment, rules_path, lang)
    if finance is not None:
        data["finance"] = finance[0]
    payload = build_payload(assessment, data)
    extras = gather_extras(assessment, finance[1] if finance is not None else None, lang)
    context = build_note_context(
        assessment, data, payload, lang=lang, today=today, extras=extras,
        template_dirs=template_dirs,
    )  # fmt: skip
    return PreparedNote(assessment, data, payload, context, _chart_data(assessment), template_dirs)


def render_note(note: PreparedNote, fmt: str, output: Path) -> dict[Path, str | bytes]:
    """The files of the note in ``fmt`` for ``output``: ``{path: content}``."""
    from jinja2 import TemplateError

    try:
        return _render(note, fmt, output)
    except TemplateError as exc:
        where = str(note.template_dirs[0]) if note.template_dirs else "templates/note"
        name = getattr(exc, "name", None) or getattr(exc, "filename", None)
        raise InputError(
            where,
            str(name) if name else None,
            f"template error: {type(exc).__name__}: {exc}",
            "fix the template (templates see the note's data only, in a sandbox)",
        ) from None


def _render(note: PreparedNote, fmt: str, output: Path) -> dict[Path, str | bytes]:
    from ecodigital.report.payload import canonical_json, html_payload_block, sidecar_path

    if fmt == "md":
        from ecodigital.report.markdown import render_markdown

        sidecar = sidecar_path(output)
        text = render_markdown(note.context, sidecar.name, note.template_dirs)
        return {Path(output): text, sidecar: canonical_json(note.payload)}
    if fmt == "odt":
        from ecodigital.report.odt import render_odt

        return {Path(output): render_odt(note.context, note.payload)}
    from ecodigital.report.html import build_charts, render_html

    charts = build_charts(note.context, note.chart_data)
    html = render_html(note.context, charts, html_payload_block(note.payload), note.template_dirs)
    if fmt == "html":
        return {Path(output): html}
    if fmt == "pdf":
        from ecodigital.report.pdf import render_pdf

        return {Path(output): render_pdf(html, note.payload, note.context)}
    raise InputError(
        None, "--format", f"unknown format {fmt!r}", f"use one of {', '.join(FORMATS)}"
    )


def build_note(
    dossier: Path,
    output: Path,
    *,
    fmt: str | None = None,
    lang: str = "fr",
    template_dir: Path | None = None,
    factors_path: Path | None = None,
    rules_path: Path | None = None,
    today: dt.date | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    deterministic: bool = False,
) -> tuple[dict[Path, str | bytes], Sequence[Path]]:
    """The note's files and the input files they must never overwrite."""
    chosen = note_format(output, fmt)
    note = prepare_note(
        dossier, factors_path=factors_path, lang=lang, template_dir=template_dir,
        rules_path=rules_path, today=today, draws=draws, seed=seed, deterministic=deterministic,
    )  # fmt: skip
    inputs = [Path(dossier)]
    if note.assessment.dossier.inventory_path is not None:
        inputs.append(note.assessment.dossier.inventory_path)
    if factors_path is not None:
        inputs.append(Path(factors_path))
    return render_note(note, chosen, output), inputs
