"""``ecodigital factors list | show | search``: the database, readable, with sources."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from ecodigital.errors import InputError
from ecodigital.factors.database import (
    FACTOR_COLUMNS,
    FACTOR_KINDS,
    FactorTable,
    impact_column,
    load_factors,
)
from ecodigital.factors.labels import factor_label
from ecodigital.i18n import Msg, catalogue
from ecodigital.vocabulary import PHASES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["list_factors", "search_factors", "show_factor"]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _basis(basis: str, lang: str) -> str:
    key = f"factors.basis.{basis}"
    entries = catalogue(lang)
    return entries.text(key) if key in entries else basis


def _rows_table(table: FactorTable, frame: pd.DataFrame, lang: str) -> str:
    words = catalogue(lang)
    header = tuple(
        words.text(f"factors.browse.{name}") for name in ("id", "kind", "basis", "gwp", "source")
    )
    rows = [header]
    for factor_id, row in frame.iterrows():
        gwp = "/".join(_cell(row[impact_column("gwp", p)]) for p in PHASES)
        if row["basis"] == "pue":
            gwp = f"pue {_cell(row['pue'])}"
        source = f"{row['source']} ({_cell(row['source_year'])})"
        if row.get("origin") == "user":
            source += " " + words.text("factors.browse.user_row")
        rows.append((str(factor_id), str(row["kind"]), str(row["basis"]), gwp, source))
    from ecodigital.terminal import text_table

    lines = text_table(rows, indent="", left_columns=len(header))
    footer = words.text(
        "factors.browse.footer",
        n=len(frame),
        name=table.name,
        version=table.version,
        date=table.date,
    )
    return "\n".join([*lines, footer]) + "\n"


def list_factors(
    kind: str | None = None, factors_path: Path | None = None, lang: str = "fr"
) -> str:
    """The factor rows, optionally of one kind."""
    table = load_factors(factors_path)
    frame = table.frame
    if kind is not None:
        if kind not in FACTOR_KINDS:
            from ecodigital.dossier.aliases import suggest

            raise InputError(
                None,
                "--kind",
                Msg(
                    "factors.input.unknown_kind",
                    {"value": kind, "suggestion": suggest(kind, FACTOR_KINDS)},
                ),
                Msg("factors.input.kinds_fix", {"kinds": list(FACTOR_KINDS)}),
            )
        frame = frame[frame["kind"] == kind]
    return _rows_table(table, frame, lang)


def show_factor(factor_id: str, factors_path: Path | None = None, lang: str = "fr") -> str:
    """Every value of one row, with units in the names, then its source."""
    table = load_factors(factors_path)
    if factor_id not in table.frame.index:
        from ecodigital.yamlio import suggest

        raise InputError(
            None,
            None,
            Msg(
                "factors.input.unknown_id",
                {"value": factor_id, "suggestion": suggest(factor_id, table.ids())},
            ),
            Msg("factors.input.unknown_id_fix"),
        )
    words = catalogue(lang)
    row = table.frame.loc[factor_id]
    users_row = str(row.get("origin")) == "user"
    lines = [
        f"{factor_id}: {factor_label(factor_id, row['label'], lang, user=users_row)}",
        f"  {words.text('factors.browse.basis')}: {_basis(str(row['basis']), lang)}",
    ]
    for column in FACTOR_COLUMNS[4:]:
        value = row[column]
        if column in ("source", "notes"):
            continue
        if _cell(value) != "-":
            lines.append(f"  {column}: {_cell(value)}")
    lines.append(f"  {words.text('factors.browse.source_line')}: {row['source']}")
    lines.append(f"  {words.text('factors.browse.notes')}: {_cell(row['notes'])}")
    for override in table.overrides:
        if override.factor_id == factor_id:
            lines.append(
                "  "
                + words.text(
                    "factors.browse.overridden",
                    column=override.column,
                    reference=override.reference,
                    value=override.value,
                    file=override.file,
                )
            )
    lines.append(
        "  " + words.text("factors.browse.dataset", name=table.name, version=table.version)
    )
    return "\n".join(lines) + "\n"


def search_factors(text: str, lang: str = "fr") -> str:
    """Rows whose id, label (in either language), kind, source or notes contain ``text``."""
    table = load_factors(None)
    frame = table.frame
    needle = text.casefold()
    labels = (
        frame.index.to_series()
        .astype(str)
        .map(
            lambda factor_id: " ".join(
                factor_label(factor_id, None, other) for other in ("fr", "en")
            )
        )
    )
    haystack = (
        frame.index.to_series().astype(str)
        + " "
        + labels
        + " "
        + frame[["kind", "label", "source", "source_title", "notes"]]
        .fillna("")
        .astype(str)
        .agg(" ".join, axis=1)
    ).str.casefold()
    found = frame[haystack.str.contains(needle, regex=False).to_numpy()]
    if found.empty:
        return catalogue(lang).text("factors.browse.none", text=text) + "\n"
    return _rows_table(table, found, lang)
