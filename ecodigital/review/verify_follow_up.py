"""Verify a follow-up report (``ecodigital suivi``), and tell it from a note.

A report stands alone: its payload holds the forecast note's own payload,
the actuals (each measurement given by what its files said) and the
follow-up's figures. Verifying it is three checks, each reusing the note's:

1. the report's digest (:func:`~ecodigital.suivi.report.verify_suivi_digest`);
2. the embedded forecast, verified as a note is (its digest and every figure
   recomputed from its dossier, :func:`~ecodigital.review.verify.verify_note_payload`);
3. the follow-up recomputed from that forecast and those actuals with the code
   ``ecodigital suivi`` runs (:func:`~ecodigital.suivi.compare.compare_actuals`),
   every field compared with the report's (:func:`~ecodigital.review.verify.compare_json`),
   and, for HTML and Markdown, every figure a reader sees compared with the
   report written again from the recomputed follow-up
   (:func:`~ecodigital.review.visible.rendered_mismatches`).

Nothing named inside the report is opened: actuals that name a measurement
file are refused (exit 2) before any file is read.

This lives beside :mod:`ecodigital.review.verify` rather than in it because
:mod:`ecodigital.suivi.compare` already builds on that module.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import UnreadableFile
from ecodigital.i18n import Msg, catalogue
from ecodigital.review.readers import DEFAULT_LIMITS, ReadLimits, read_report_payload
from ecodigital.review.verify import (
    RELATIVE_TOLERANCE,
    Difference,
    VerifyReport,
    compare_json,
    difference_lines,
    verify_lines,
    verify_note_payload,
    visible_lines,
)
from ecodigital.review.visible import Mismatch

if TYPE_CHECKING:
    from ecodigital.review.signature import SignatureCheck

__all__ = [
    "FollowUpVerifyReport",
    "SignatureRequest",
    "report_lines",
    "verify_file",
    "verify_follow_up_payload",
]

#: The formats a follow-up report is written in whose visible text is checked.
_VISIBLE: Final = ("html", "md")


@dataclass
class FollowUpVerifyReport:
    """What ``ecodigital verify`` found in a follow-up report."""

    path: str
    kind: str
    digest_ok: bool
    #: The embedded forecast note, verified as a note (its visible text is not in the report).
    forecast: VerifyReport
    #: Fields of ``follow_up`` that the recomputation does not give (``Difference.note`` is
    #: the report's value).
    differences: list[Difference] = field(default_factory=list)
    figures_checked: int = 0
    visible: list[Mismatch] = field(default_factory=list)
    visible_checked: int = 0
    #: The applicant's signature of the report, when it was looked for.
    signature: SignatureCheck | None = None

    @property
    def holds(self) -> bool:
        signed_ok = self.signature is None or self.signature.ok
        checks = self.digest_ok and self.forecast.holds and not self.differences
        return checks and not self.visible and signed_ok

    @property
    def verdict(self) -> str:
        """``holds`` or ``fails``."""
        return "holds" if self.holds else "fails"

    def to_json(self) -> dict[str, Any]:
        """The verdict and every check, for ``--format json``."""
        from ecodigital.review.verify import _jsonable

        return {
            "file": self.path,
            "kind": self.kind,
            "document": "follow_up",
            "verdict": self.verdict,
            "digest_ok": self.digest_ok,
            "forecast": self.forecast.to_json(),
            "recomputed": {
                "checked": self.figures_checked,
                "tolerance": RELATIVE_TOLERANCE,
                "differences": [
                    {
                        "field": d.figure,
                        "report": _jsonable(d.note),
                        "recomputed": _jsonable(d.recomputed),
                    }
                    for d in self.differences
                ],
            },
            "visible": {
                "checked": self.visible_checked,
                "mismatches": [
                    {"location": m.location, "shown": m.shown, "expected": m.expected}
                    for m in self.visible
                ],
            },
            "signature": self.signature.to_json() if self.signature is not None else None,
        }


def verify_follow_up_payload(
    path: Path,
    kind: str,
    payload: dict[str, Any],
    *,
    dataset_version: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> FollowUpVerifyReport:
    """Verify the follow-up report at ``path`` (a ``kind`` of file) whose payload was read."""
    from ecodigital.jsonio import jsonable
    from ecodigital.review.compare import read_results
    from ecodigital.suivi.compare import compare_actuals, note_factors
    from ecodigital.suivi.load import parse_embedded_actuals
    from ecodigital.suivi.report import render_suivi, verify_suivi_digest

    if kind not in (*_VISIBLE, "json"):
        raise UnreadableFile(
            str(path), None, Msg("verify_suivi.error.kind"), Msg("verify_suivi.error.kind_fix")
        )
    forecast_payload = payload["forecast"]
    # the checks before any work: actuals that name a file are refused unopened
    actuals = parse_embedded_actuals(payload["actuals"], Path(f"{path}#actuals"))
    forecast = verify_note_payload(
        Path(f"{path}#forecast"),
        "json",
        forecast_payload,
        dataset_version=dataset_version,
        limits=limits,
        check_visible=False,
    )
    note = read_results(forecast_payload, f"{path}#forecast")
    recomputed = compare_actuals(
        forecast_payload, note, actuals, note_factors(forecast_payload, note, dataset_version)
    )
    differences, checked = compare_json(
        {"follow_up": payload["follow_up"]},
        {"follow_up": jsonable(dataclasses.asdict(recomputed))},
    )
    visible: list[Mismatch] = []
    visible_checked = 0
    if kind in _VISIBLE:
        from ecodigital.review.visible import rendered_mismatches

        visible, visible_checked, _lang = rendered_mismatches(
            path, kind, lambda lang: render_suivi(recomputed, payload, kind, lang), limits
        )
    return FollowUpVerifyReport(
        path=str(path),
        kind=kind,
        digest_ok=verify_suivi_digest(payload),
        forecast=forecast,
        differences=differences,
        figures_checked=checked,
        visible=visible,
        visible_checked=visible_checked,
    )


@dataclass(frozen=True)
class SignatureRequest:
    """Check the applicant's signature too: in ``file`` (default: where it is looked for),
    with the authorities of ``trust`` (default: the chain is not checked)."""

    file: Path | None = None
    trust: Path | None = None
    #: An unsigned note does not hold.
    required: bool = False


def verify_file(
    path: str | Path,
    *,
    dataset_version: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    signature: SignatureRequest | None = None,
) -> VerifyReport | FollowUpVerifyReport:
    """Verify a note or a follow-up report, whichever the file at ``path`` holds, and its
    signature when ``signature`` is given (checked first: it is quick)."""
    from ecodigital.suivi.report import SUIVI_PAYLOAD_FORMAT

    path = Path(path)
    kind, payload = read_report_payload(path, limits)
    signed = None
    if signature is not None:
        from ecodigital.review.signature import check_signature

        signed = check_signature(
            path,
            kind,
            signature=signature.file,
            trust=signature.trust,
            limits=limits,
            required=signature.required,
        )
    report: VerifyReport | FollowUpVerifyReport
    if payload.get("format") == SUIVI_PAYLOAD_FORMAT:
        report = verify_follow_up_payload(
            path, kind, payload, dataset_version=dataset_version, limits=limits
        )
    else:
        report = verify_note_payload(
            path, kind, payload, dataset_version=dataset_version, limits=limits
        )
    report.signature = signed
    return report


def report_lines(report: VerifyReport | FollowUpVerifyReport, lang: str = "fr") -> list[str]:
    """What ``ecodigital verify`` prints, one line each, for a note or a follow-up report."""
    if isinstance(report, VerifyReport):
        return verify_lines(report, lang)
    from ecodigital.review.compare import clean_text

    words = catalogue(lang)

    def say(key: str, **params: Any) -> str:
        return words.text(f"verify_suivi.{key}", **params)

    lines = [say("digest_ok" if report.digest_ok else "digest_bad"), say("forecast")]
    lines += ["  " + line for line in verify_lines(report.forecast, lang)]
    lines += difference_lines(report.differences, report.figures_checked, lang, "verify_suivi")
    lines += visible_lines(report.visible, report.visible_checked, lang)
    if report.signature is not None:
        from ecodigital.review.signature import signature_lines

        lines += signature_lines(report.signature, lang)
    lines.append(say("holds" if report.holds else "fails", path=clean_text(report.path, 400)))
    return lines
