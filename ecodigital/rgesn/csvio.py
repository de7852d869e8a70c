"""RGESN answers in a spreadsheet (CSV, XLSX or ODS), for teams that fill them in together.

Export writes the 78 criteria, one a row, with the dossier's answers; the
headers are in the chosen language (French by default): ``id, famille,
priorité, poids, libellé, statut, justification, action, échéance,
responsable`` (English: ``id, family, priority, weight, label, status,
justification, action, due, owner``). Import reads headers in either
language, in any order; the columns other than ``id`` and ``statut`` may be
left out.

Import changes only the answers whose values differ from the dossier's; a
row whose status is empty is left out, so a partly filled sheet only adds
what it holds. Every row is checked before anything is written, and an
error names the row (as the spreadsheet numbers it) and the column.

Values a spreadsheet may have turned into something else are read back:
dates ``JJ/MM/AAAA`` or ``YYYY-MM-DD`` (or a date cell), statuses written as
words (``non conforme``, ``à évaluer``, ``N/A``), and an id turned into a
number or a date (``1.10`` read as 1.1, or as 1 October) — told apart from
its neighbours by the label column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg, text
from ecodigital.rgesn.criteria import (
    STATUSES,
    Criterion,
    criteria_by_id,
    family_label,
    load_criteria,
    priority_label,
)
from ecodigital.rgesn.roundtrip import RoundTripDossier
from ecodigital.rgesn.sheets import Cell, read_table, write_table

__all__ = ["COLUMNS", "ImportResult", "export_answers", "headers", "import_answers"]

#: Column keys, in order; their headers are ``rgesn.sheet.column.<key>`` in the catalogue.
COLUMNS: Final = (
    "id",
    "family",
    "priority",
    "weight",
    "label",
    "status",
    "justification",
    "action",
    "due",
    "owner",
)
_WIDTHS: Final = (6, 16, 12, 7, 48, 15, 48, 48, 12, 24)
_STATUS_WORDS: Final = {
    "c": "conforme",
    "validated": "conforme",
    "n": "non_conforme",
    "not_validated": "non_conforme",
    "na": "non_applicable",
    "n_a": "non_applicable",
    "not_applicable": "non_applicable",
    "e": "a_evaluer",
    "to_assess": "a_evaluer",
}
_DATE_FR: Final = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the criteria whose answer changed, and how many rows kept theirs."""

    changed: tuple[str, ...]
    unchanged: int


def _fold(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value.strip().lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def headers(lang: str) -> list[str]:
    """The column headers in ``lang``."""
    return [text(f"rgesn.sheet.column.{key}", lang) for key in COLUMNS]


def export_answers(dossier_path: Path, fmt: str, lang: str = "fr") -> bytes:
    """Every criterion with the dossier's answer, as a ``csv``, ``xlsx`` or ``ods`` file."""
    answers = RoundTripDossier(dossier_path).answers()
    rows: list[list[Cell]] = []
    for criterion in load_criteria():
        answer = answers.get(criterion.id, {})
        due = answer.get("due")
        if isinstance(due, dt.datetime):
            due = due.date()
        rows.append(
            [
                criterion.id,
                family_label(criterion.family, lang),
                priority_label(criterion.priority, lang),
                Decimal(str(criterion.weight)),
                criterion.label(lang),
                _text(answer.get("status")),
                _text(answer.get("justification")),
                _text(answer.get("action")),
                due if isinstance(due, dt.date) else _text(due),
                _text(answer.get("owner")),
            ]
        )
    status_column = COLUMNS.index("status")
    return write_table(
        fmt,
        headers(lang),
        rows,
        lang=lang,
        sheet_name="RGESN 2024",
        widths=_WIDTHS,
        choices={status_column: STATUSES},
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _columns(header: list[Cell], path: Path) -> dict[str, int]:
    """``{column key: index}`` from a header row in French or English."""
    known = {
        _fold(text(f"rgesn.sheet.column.{key}", lang)): key
        for key in COLUMNS
        for lang in ("fr", "en")
    }
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = known.get(_fold(str(name or "")))
        if key is not None and key not in found:
            found[key] = index
    for key in ("id", "status"):
        if key not in found:
            raise InputError(
                str(path),
                None,
                Msg(
                    "rgesn.sheet.missing_column",
                    {
                        "column": text(f"rgesn.sheet.column.{key}", "fr"),
                        "english": text(f"rgesn.sheet.column.{key}", "en"),
                    },
                ),
                Msg("rgesn.sheet.missing_column_fix"),
            )
    return found


def _where(path: Path, line: int, column: str | None = None) -> tuple[str, Msg]:
    if column is None:
        return str(path), Msg("rgesn.sheet.row", {"row": line})
    return str(path), Msg("rgesn.sheet.cell", {"row": line, "column": column})


class _RowError(Exception):
    def __init__(self, column: str | None, problem: Msg, fix: Msg | None = None) -> None:
        super().__init__(problem.key)
        self.column = column
        self.problem = problem
        self.fix = fix


def _criterion_id(value: Cell, label: str, known: dict[str, Criterion]) -> str:
    """The criterion id of a cell, also when a spreadsheet made it a number or a date."""
    if isinstance(value, dt.date):
        candidates = [f"{value.day}.{value.month}", f"{value.month}.{value.day}"]
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        shown = format(Decimal(str(value)).normalize(), "f")
        candidates = [shown, f"{shown}0"] if "." in shown else [f"{shown}.0"]
    else:
        raw = str(value or "").strip().lstrip("'")
        if raw in known:
            return raw
        raise _RowError(
            "id", Msg("rgesn.sheet.bad_id", {"value": raw}), Msg("rgesn.sheet.bad_id_fix")
        )
    valid = [c for c in dict.fromkeys(candidates) if c in known]
    if len(valid) > 1 and label:
        by_label = [
            c for c in valid if _fold(label) in {_fold(known[c].label_fr), _fold(known[c].label_en)}
        ]
        valid = by_label or valid
    if len(valid) == 1:
        return valid[0]
    raise _RowError(
        "id",
        Msg("rgesn.sheet.converted_id", {"value": str(value), "choices": valid or candidates}),
        Msg("rgesn.sheet.converted_id_fix"),
    )


def _status(value: Cell) -> str:
    raw = _text(value)
    folded = _fold(raw)
    status = _STATUS_WORDS.get(folded, folded)
    if status not in STATUSES:
        raise _RowError(
            "status",
            Msg("rgesn.sheet.bad_status", {"value": raw}),
            Msg("rgesn.sheet.bad_status_fix", {"choices": list(STATUSES)}),
        )
    return status


def _due(value: Cell) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    match = _DATE_FR.match(raw)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise _RowError(
            "due", Msg("rgesn.sheet.bad_date", {"value": raw}), Msg("rgesn.sheet.bad_date_fix")
        ) from None


def _plain_text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return _text(value)


def import_answers(dossier_path: Path, sheet_path: Path, lang: str = "fr") -> ImportResult:
    """Write the answers of the spreadsheet at ``sheet_path`` that differ into the dossier."""
    rows = read_table(sheet_path)
    if not rows:
        raise InputError(
            str(sheet_path), None, Msg("rgesn.sheet.empty"), Msg("rgesn.sheet.missing_column_fix")
        )
    columns = _columns(rows[0], sheet_path)
    known = criteria_by_id()
    parsed: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows[1:], start=2):

        def cell(key: str, row: list[Cell] = row) -> Cell:
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else None

        if all(value is None or _text(value) == "" for value in row):
            continue
        try:
            if _text(cell("status")) == "":
                continue
            criterion_id = _criterion_id(cell("id"), _text(cell("label")), known)
            if criterion_id in parsed:
                raise _RowError("id", Msg("rgesn.sheet.duplicate", {"id": criterion_id}))
            parsed[criterion_id] = {
                "status": _status(cell("status")),
                "justification": _plain_text(cell("justification")),
                "action": _plain_text(cell("action")),
                "due": _due(cell("due")),
                "owner": _plain_text(cell("owner")),
            }
        except _RowError as problem:
            column = None
            if problem.column is not None:
                index = columns.get(problem.column)
                column = str(rows[0][index]) if index is not None else problem.column
            file, where = _where(sheet_path, line, column)
            raise InputError(file, where.render(lang), problem.problem, problem.fix) from None
    dossier = RoundTripDossier(dossier_path)
    changed = [cid for cid, answer in parsed.items() if dossier.set_answer(cid, answer)]
    unchanged = len(parsed) - len(changed)
    if changed:
        dossier.save()
    return ImportResult(tuple(changed), unchanged)
