"""The content of the responsible-digital note, section by section, ready to render in any format.

:func:`build_context` turns the :class:`~ecodigital.assessment.results.Results`
of a dossier into plain data for the templates: every figure already written
in the language's style (a :class:`~ecodigital.report.views.Shown` that keeps
the path of its value, so that the HTML note carries it as ``data-figure``),
every word from the catalogue. Templates only lay it out; the HTML, PDF, ODT
and Markdown notes therefore say the same thing. Nothing here computes a
figure: each section reads the results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from ecodigital import __version__
from ecodigital.assessment.results import Results
from ecodigital.i18n.format import format_date
from ecodigital.report.note.annex import annex_section
from ecodigital.report.note.applicant import applicant_section
from ecodigital.report.note.commitments import commitments_section
from ecodigital.report.note.common import Page, load_messages
from ecodigital.report.note.drivers import drivers_section
from ecodigital.report.note.figures import figures_section
from ecodigital.report.note.finance import finance_section
from ecodigital.report.note.indicators import indicators_section
from ecodigital.report.note.limits import limits_section
from ecodigital.report.note.measurements import measurements_section
from ecodigital.report.note.method import method_section
from ecodigital.report.note.mutual import mutual_section
from ecodigital.report.note.rgesn import rgesn_section
from ecodigital.report.note.scenarios import scenarios_section
from ecodigital.report.note.scope import scope_section
from ecodigital.report.note.summary import summary_section

__all__ = ["SECTIONS", "build_context", "load_messages"]

#: The sections of the note, in order: (anchor, title key, context key).
SECTIONS: Final = (
    ("summary", "summary_title", "summary"),
    ("scope", "scope_title", "scope"),
    ("method", "method_title", "method"),
    ("results", "results_title", "results"),
    ("measurements", "measurements_title", "measurements"),
    ("ecodesign", "ecodesign_title", "rgesn"),
    ("levers", "levers_title", "levers"),
    ("applicant", "applicant_title", "applicant"),
    ("finance", "finance_title", "finance"),
    ("limits", "limits_title", "limits"),
    ("annex", "annex_title", "annex"),
)


def build_context(
    results: Results,
    digest: str,
    payload_format: str,
    *,
    lang: str = "fr",
    today: dt.date | None = None,
    template_dirs: Sequence[Path] = (),
) -> dict[str, Any]:
    """Everything the note templates show, written for ``lang``."""
    t = load_messages(lang, template_dirs)
    page = Page(results, lang, t)
    project = results.project
    dataset = results.factors_dataset
    today = today or dt.date.today()
    rgesn = rgesn_section(page)
    return {
        "lang": lang,
        "t": t,
        "meta": {
            "title": t["document_title"],
            "project": project.name,
            "beneficiary": project.beneficiary.name,
            "generated_on": str(
                page.fill("generated_on", date=format_date(today, lang), version=__version__)
            ),
            "factors_line": str(
                page.fill(
                    "factors_line",
                    name=dataset.name,
                    version=dataset.version,
                    date=format_date(dataset.date, lang) or dataset.date,
                )
            ),
            "horizon": project.horizon_years,
            "digest": digest,
            "payload_format": payload_format,
        },
        "summary": summary_section(page, rgesn.get("score") if rgesn["provided"] else None),
        "scope": scope_section(page),
        "method": method_section(page),
        "results": figures_section(page),
        "measurements": measurements_section(page),
        "rgesn": rgesn,
        "levers": commitments_section(page),
        "drivers": drivers_section(page),
        "scenarios": scenarios_section(page),
        "applicant": applicant_section(page),
        "finance": finance_section(page),
        "mutual": mutual_section(page),
        "indicators": indicators_section(page),
        "limits": limits_section(page),
        "annex": annex_section(page),
        "sections": [
            {"anchor": anchor, "title": t[title], "key": key} for anchor, title, key in SECTIONS
        ],
    }
