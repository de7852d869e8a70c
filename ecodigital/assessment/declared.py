"""The factors a note was computed with: the reference dataset with the note's declared changes.

A note names its factor dataset and lists each value the applicant changed
(``factors_dataset.overrides``) and each factor row they added (a used factor
of origin ``user`` the dataset does not have). Whoever recomputes from a note
(``ecodigital verify``, ``ecodigital suivi``) starts from the same table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecodigital.assessment.results import Results
    from ecodigital.factors.database import FactorTable

__all__ = ["declared_factors"]


def declared_factors(note: Results, reference: FactorTable) -> tuple[FactorTable, int]:
    """``reference`` with the factor values ``note`` declares changed or added, and how many
    declarations there are (0: the reference itself)."""
    from ecodigital.factors.database import PARAMETER_COLUMNS, with_rows

    rows: dict[str, dict[str, Any]] = {}
    for override in note.factors_dataset.overrides:
        rows.setdefault(override.factor_id, {"id": override.factor_id})[override.column] = (
            override.value
        )
    added = 0
    for used in note.factors_used:
        if used.origin != "user" or used.id in reference.frame.index:
            continue
        added += 1
        row: dict[str, Any] = {
            "id": used.id,
            "kind": used.kind,
            "label": used.label,
            "basis": used.basis,
            "source": used.source,
            "source_title": used.source_title or "",
            "source_url": used.source_url or "",
            "source_year": used.source_year,
            "licence": used.licence,
            **used.values,
        }
        for name in PARAMETER_COLUMNS:
            value = getattr(used, name)
            if value is not None:
                row[name] = value
        rows[used.id] = row
    files = note.factors_dataset.user_files
    table = with_rows(reference, list(rows.values()), files[0] if files else "(note)")
    return table, len(note.factors_dataset.overrides) + added
