"""RGESN answers as a CSV file, for teams that fill them in a spreadsheet.

Export writes the 78 criteria, one a row: ``id, family, priority, weight,
label, status, justification, action, due, owner``. Import reads the same
columns (``,`` or ``;`` separated, UTF-8 with or without BOM); a row with an
empty status is left out, so a partly filled sheet only adds what it holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ecodigital.errors import InputError
from ecodigital.rgesn.criteria import STATUSES, criteria_by_id, load_criteria
from ecodigital.rgesn.roundtrip import RoundTripDossier

__all__ = ["CSV_COLUMNS", "export_csv", "import_csv"]

CSV_COLUMNS = (
    "id", "family", "priority", "weight", "label", "status", "justification", "action", "due",
    "owner",
)  # fmt: skip


def export_csv(dossier_path: Path, lang: str = "fr") -> str:
    """The CSV text of every criterion with the dossier's answers."""
    answers = RoundTripDossier(dossier_path).answers()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for criterion in load_criteria():
        answer = answers.get(criterion.id, {})
        due = answer.get("due")
        due_text = due.isoformat() if isinstance(due, dt.date) else str(due or "")
        writer.writerow(
            [
                criterion.id, criterion.family, criterion.priority, f"{criterion.weight:g}",
                criterion.label(lang), answer.get("status", ""), answer.get("justification", ""),
                answer.get("action", ""), due_text,
                answer.get("owner", ""),
            ]
        )  # fmt: skip
    return buffer.getvalue()


def import_csv(dossier_path: Path, csv_path: Path) -> int:
    """Write the answers of ``csv_path`` into the dossier; the number of answers imported."""
    from ecodigital.fileio import read_text_limited

    text = read_text_limited(csv_path, what="CSV file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in ("id", "status") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            str(csv_path), f"column {missing[0]!r}", "is missing", "export a CSV first"
        )
    known = criteria_by_id()
    dossier = RoundTripDossier(dossier_path)
    count = 0
    for line, row in enumerate(reader, start=2):
        criterion_id = (row.get("id") or "").strip()
        status = (row.get("status") or "").strip()
        if not status:
            continue
        where = f"row {line}"
        if criterion_id not in known:
            raise InputError(
                str(csv_path), where, f'"{criterion_id}" is not an RGESN 2024 criterion id'
            )
        if status not in STATUSES:
            raise InputError(
                str(csv_path), f"{where}, column 'status'", f'"{status}" is not a status',
                f"use one of: {', '.join(STATUSES)}",
            )  # fmt: skip
        due_text = (row.get("due") or "").strip()
        try:
            due = dt.date.fromisoformat(due_text) if due_text else None
        except ValueError:
            raise InputError(
                str(csv_path), f"{where}, column 'due'", f'"{due_text}" is not a date',
                "write YYYY-MM-DD",
            ) from None  # fmt: skip
        dossier.set_answer(
            criterion_id,
            {
                "status": status,
                "justification": (row.get("justification") or "").strip(),
                "action": (row.get("action") or "").strip(),
                "due": due,
                "owner": (row.get("owner") or "").strip(),
            },
        )
        count += 1
    if count:
        dossier.save()
    return count
