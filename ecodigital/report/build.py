"""Write the responsible-digital note of assessed results in PDF, HTML, ODT or Markdown.

:func:`prepare_note` builds the payload and the content once; :func:`render_note`
lays it out in a format and returns the files to write (the Markdown note has a
sidecar). Neither computes a figure: both read the results.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ecodigital.assessment.results import Results
from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = [
    "FORMATS",
    "PreparedNote",
    "fewer_collections",
    "note_format",
    "note_gaps",
    "prepare_note",
    "render_note",
]

FORMATS: Final = ("pdf", "html", "odt", "md")
_NO_CHARTS: Final = {"tier_phase": None, "year_tier": None, "rgesn": None, "tornado": None}
_SUFFIXES: Final = {".pdf": "pdf", ".html": "html", ".htm": "html", ".odt": "odt", ".md": "md",
                    ".markdown": "md"}  # fmt: skip


@contextmanager
def fewer_collections(every: int = 50_000) -> Iterator[None]:
    """Run Python's cycle collector less often within: once every ``every`` new objects
    rather than every 700 or 2,000, and never again over the objects alive on entry.

    Laying out a note makes millions of small objects (WeasyPrint's boxes, the
    assessment's tables) that live until the document is written: the collector
    walked them hundreds of times, 0.4 s of the example's 2.3 s of PDF layout, to
    free next to nothing. It still runs, so memory held by cycles stays bounded.
    """
    thresholds = gc.get_threshold()
    frozen = gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(every, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not frozen:  # objects a caller froze stay frozen
            gc.unfreeze()


def note_format(output: Path, explicit: str | None = None) -> str:
    """The format asked for, or the one the output's extension names."""
    if explicit:
        return explicit
    fmt = _SUFFIXES.get(Path(output).suffix.lower())
    if fmt is None:
        raise InputError(
            str(output),
            None,
            Msg("note.error.extension", {"suffix": Path(output).suffix}),
            Msg("note.error.extension_fix"),
        )
    return fmt


@dataclass(frozen=True)
class PreparedNote:
    """Everything a note shows, before it is rendered in a format."""

    results: Results
    payload: dict[str, Any]
    context: dict[str, Any]
    template_dirs: tuple[Path, ...]


def prepare_note(
    results: Results,
    *,
    lang: str = "fr",
    template_dir: Path | None = None,
    today: dt.date | None = None,
) -> PreparedNote:
    """The note's payload and content in ``lang``."""
    from ecodigital.report.note import build_context
    from ecodigital.report.payload import build_payload

    template_dirs: tuple[Path, ...] = ()
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise InputError(
                str(template_dir),
                None,
                Msg("note.error.not_a_folder"),
                Msg("note.error.folder_fix"),
            )
        template_dirs = (Path(template_dir),)
    payload = build_payload(results)
    context = build_context(
        results,
        payload["digest"]["value"],
        payload["format"],
        lang=lang,
        today=today,
        template_dirs=template_dirs,
    )
    return PreparedNote(results, payload, context, template_dirs)


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
            Msg("note.error.template", {"error": f"{type(exc).__name__}: {exc}"}),
            Msg("note.error.template_fix"),
        ) from None


def _render(note: PreparedNote, fmt: str, output: Path) -> dict[Path, str | bytes]:
    from ecodigital.jsonio import canonical_json
    from ecodigital.report.payload import html_payload_block, sidecar_path

    if fmt == "md":
        from ecodigital.report.markdown import render_markdown

        sidecar = sidecar_path(output)
        text = render_markdown(note.context, sidecar.name, note.template_dirs)
        return {Path(output): text, sidecar: canonical_json(note.payload)}
    from ecodigital.report.html import build_charts, render_html

    if fmt == "odt":
        from ecodigital.report.odt import render_odt

        # the same HTML, without charts (the ODT lays out its text and tables)
        html = render_html(note.context, _NO_CHARTS, "", note.template_dirs)
        return {Path(output): render_odt(html, note.context, note.payload)}
    charts = build_charts(note.context, note.results)
    if fmt == "html":
        block = html_payload_block(note.payload)
        return {Path(output): render_html(note.context, charts, block, note.template_dirs)}
    if fmt == "pdf":
        from ecodigital.report.pdf import render_pdf

        # The PDF carries the payload as its attached file: the page it lays out needs
        # no copy of it (half a megabyte of JSON the HTML parser would read for nothing).
        html = render_html(note.context, charts, "", note.template_dirs)
        return {Path(output): render_pdf(html, note.payload, note.context)}
    raise InputError(
        None,
        "--format",
        Msg("note.error.format", {"format": fmt}),
        Msg("note.error.format_fix", {"formats": ", ".join(FORMATS)}),
    )


def note_gaps(results: Results) -> list[Msg]:
    """What the note cannot say because the dossier leaves it out, or a financing that fails.

    The note is still written (a draft is useful); ``ecodigital note`` says each
    gap on the terminal, and ``--strict`` makes them an error.
    """
    dossier = results.inputs.dossier if results.inputs is not None else None
    if dossier is None:
        return []
    gaps: list[Msg] = []
    if dossier.budget is None:
        gaps.append(Msg("note.gap.budget"))
    elif results.finance is not None and not results.finance.report.passed:
        failed = [result.id for result in results.finance.report.failed]
        gaps.append(Msg("note.gap.finance_failed", {"n": len(failed), "rules": failed}))
    if dossier.applicant is None:
        gaps.append(Msg("note.gap.applicant"))
    if dossier.rgesn is None:
        gaps.append(Msg("note.gap.rgesn"))
    if not dossier.levers:
        gaps.append(Msg("note.gap.levers"))
    if dossier.project.institutions is None:
        gaps.append(Msg("note.gap.institutions"))
    return gaps


def note_inputs(results: Results) -> Sequence[Path]:
    """The files the note was computed from (never to be overwritten by its output)."""
    return [Path(f) for f in results.inputs.files] if results.inputs is not None else []
