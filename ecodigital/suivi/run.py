"""``ecodigital suivi``: read and verify the forecast note, read the actuals, compare, render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecodigital.errors import CheckFailed
from ecodigital.i18n import Msg
from ecodigital.suivi.compare import FollowUp

__all__ = ["FollowUpReport", "follow_up_note"]


@dataclass(frozen=True)
class FollowUpReport:
    """The figures of a follow-up and the payload its report embeds."""

    follow_up: FollowUp
    payload: dict[str, Any]


def follow_up_note(note_path: str | Path, actuals_path: str | Path) -> FollowUpReport:
    """Verify the note at ``note_path``, then compare it with the actuals at ``actuals_path``.

    A note that does not hold (digest or recomputed figures) is refused with
    :class:`CheckFailed`: a follow-up is only as good as the forecast it checks.
    """
    from ecodigital.review.compare import read_results
    from ecodigital.review.readers import read_note_payload
    from ecodigital.review.verify import verify_note
    from ecodigital.suivi.compare import compare_actuals, note_factors, standalone_actuals
    from ecodigital.suivi.load import load_actuals, parse_embedded_actuals
    from ecodigital.suivi.report import build_suivi_payload

    note_path = Path(note_path)
    actuals = load_actuals(actuals_path)
    report = verify_note(note_path)
    if not report.holds:
        raise CheckFailed(Msg("suivi.error.note_fails", {"path": str(note_path)}))
    _, payload = read_note_payload(note_path)
    note = read_results(payload, str(note_path))
    # The follow-up is computed from the very actuals the report embeds (measurement
    # files replaced by what they said), as `ecodigital verify` recomputes it.
    embedded = standalone_actuals(payload["dossier"], actuals)
    standalone = parse_embedded_actuals(embedded, actuals.path)
    follow_up = compare_actuals(payload, note, standalone, note_factors(payload, note))
    return FollowUpReport(follow_up, build_suivi_payload(payload, embedded, follow_up))
