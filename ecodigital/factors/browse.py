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
from ecodigital.vocabulary import PHASES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["list_factors", "search_factors", "show_factor"]

_BASIS_TEXT = {
    "device": "per device, whole life",
    "hour": "per unit-hour",
    "tb_year": "per TB-year",
    "gb": "per GB",
    "kwh": "per kWh",
    "year": "per unit-year",
    "pue": "PUE",
}


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _rows_table(table: FactorTable, frame: pd.DataFrame) -> str:
    header = ("id", "kind", "basis", "gwp kgCO2e (manuf/distr/use/eol)", "source")
    rows = [header]
    for factor_id, row in frame.iterrows():
        gwp = "/".join(_cell(row[impact_column("gwp", p)]) for p in PHASES)
        if row["basis"] == "pue":
            gwp = f"pue {_cell(row['pue'])}"
        source = f"{row['source']} ({_cell(row['source_year'])})"
        if row.get("origin") == "user":
            source += " [user]"
        rows.append((str(factor_id), str(row["kind"]), str(row["basis"]), gwp, source))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    footer = f"{len(frame)} rows · {table.name} {table.version} ({table.date})"
    return "\n".join([*lines, footer]) + "\n"


def list_factors(kind: str | None = None, factors_path: Path | None = None) -> str:
    """The factor rows, optionally of one kind."""
    table = load_factors(factors_path)
    frame = table.frame
    if kind is not None:
        if kind not in FACTOR_KINDS:
            import difflib

            guess = difflib.get_close_matches(kind, FACTOR_KINDS, n=1)
            raise InputError(
                None,
                "--kind",
                f'"{kind}" is not a known kind'
                + (f' (did you mean "{guess[0]}"?)' if guess else ""),
                f"use one of: {', '.join(FACTOR_KINDS)}",
            )
        frame = frame[frame["kind"] == kind]
    return _rows_table(table, frame)


def show_factor(factor_id: str, factors_path: Path | None = None) -> str:
    """Every value of one row, with units in the names, then its source."""
    table = load_factors(factors_path)
    if factor_id not in table.frame.index:
        import difflib

        guess = difflib.get_close_matches(factor_id, table.ids(), n=1)
        raise InputError(
            None,
            None,
            f'"{factor_id}" is not a factor id'
            + (f' (did you mean "{guess[0]}"?)' if guess else ""),
            'run "ecodigital factors list"',
        )
    row = table.frame.loc[factor_id]
    lines = [
        f"{factor_id}: {row['label']}",
        f"  basis: {_BASIS_TEXT.get(str(row['basis']), str(row['basis']))}",
    ]
    for column in FACTOR_COLUMNS[4:]:
        value = row[column]
        if column in ("source", "notes"):
            continue
        if _cell(value) != "-":
            lines.append(f"  {column}: {_cell(value)}")
    lines.append(f"  source: {row['source']}")
    lines.append(f"  notes: {_cell(row['notes'])}")
    for override in table.overrides:
        if override.factor_id == factor_id:
            lines.append(
                f"  overridden: {override.column} {override.reference} -> {override.value} "
                f"({override.file})"
            )
    lines.append(f"  dataset: {table.name} {table.version}")
    return "\n".join(lines) + "\n"


def search_factors(text: str) -> str:
    """Rows whose id, label, kind, source or notes contain ``text`` (case-insensitive)."""
    table = load_factors(None)
    frame = table.frame
    needle = text.casefold()
    haystack = (
        frame.index.to_series().astype(str)
        + " "
        + frame[["kind", "label", "source", "source_title", "notes"]]
        .fillna("")
        .astype(str)
        .agg(" ".join, axis=1)
    ).str.casefold()
    found = frame[haystack.str.contains(needle, regex=False).to_numpy()]
    if found.empty:
        return f'no factor row matches "{text}"\n'
    return _rows_table(table, found)
