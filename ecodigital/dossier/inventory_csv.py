"""Read a CSV inventory: one item a row, columns named as the item fields.

``,`` or ``;`` separated (then ``,`` is the decimal mark, as a French
spreadsheet writes it), UTF-8 with or without a BOM. The rules (which fields a
kind has, required fields, bounds, choices, patterns) are read off the
pydantic item models, so a CSV inventory obeys exactly the rules of a YAML one,
checked column by column rather than row by row. Every error names the row
(as a spreadsheet numbers it: the header is row 1) and the column.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ecodigital.dossier.items import (
    CSV_COLUMNS,
    ITEM_COLUMNS,
    MODEL_BY_KIND,
    NUMERIC_ITEM_COLUMNS,
    RANGE_CSV_COLUMNS,
    TEXT_ITEM_COLUMNS,
    normalise_items,
    ranges_frame,
)
from ecodigital.dossier.uncertain import RANGE_CSV_SUFFIXES, RANGE_FIELDS, field_bounds
from ecodigital.dossier.wording import show_value
from ecodigital.errors import InputError
from ecodigital.fileio import read_input_text
from ecodigital.i18n import Msg
from ecodigital.vocabulary import ITEM_KINDS
from ecodigital.yamlio import suggest

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_inventory_csv"]


def read_inventory_csv(path: Path, horizon: int, country: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A CSV inventory's items and the ranges of its ``<field>_low``/``<field>_high`` columns."""
    import io

    import pandas as pd

    text = read_input_text(path, "inventory")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise InputError(str(path), None, "is empty", "add a header row (id,kind,quantity,...)")
    french = first_line.count(";") > first_line.count(",")
    header = [name.strip() for name in first_line.strip().split(";" if french else ",")]
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        raise InputError(
            str(path),
            f"column {unknown[0]!r}",
            f"unknown column{suggest(unknown[0], CSV_COLUMNS)}",
            f"use only these columns: {', '.join(CSV_COLUMNS)}",
        )
    for required in ("id", "kind"):
        if required not in header:
            raise InputError(
                str(path), f"column {required!r}", "is missing", f"add a {required!r} column"
            )
    numeric_columns = [c for c in header if c in NUMERIC_ITEM_COLUMNS or c in RANGE_CSV_COLUMNS]

    def read(fast: bool) -> pd.DataFrame:
        # fast: numbers parsed by pandas' C parser; slow: all text, to find a bad cell
        frame = pd.read_csv(
            io.StringIO(text),
            sep=";" if french else ",",
            decimal="," if french else ".",
            dtype={c: ("float64" if fast and c in numeric_columns else object) for c in header},
            keep_default_na=False,
            na_values={c: [""] for c in numeric_columns} if fast else None,
            skipinitialspace=True,
        )
        frame.columns = [str(column).strip() for column in frame.columns]
        return frame

    try:
        frame = read(fast=True)
    except ValueError:
        try:
            slow = read(fast=False)
        except (pd.errors.ParserError, ValueError) as exc:
            raise InputError(str(path), None, f"is not a readable CSV file ({exc})") from None
        if french:
            for column in numeric_columns:
                slow[column] = slow[column].str.strip().str.replace(",", ".", regex=False)
        _check_csv_cells(path, slow)
        raise InputError(str(path), None, "has a cell that is not a number") from None
    except pd.errors.ParserError as exc:
        raise InputError(str(path), None, f"is not a readable CSV file ({exc})") from None
    if frame.empty:
        raise InputError(str(path), None, "has no item rows", "add one row per item")
    for column in frame.columns:
        if column not in numeric_columns:
            frame[column] = frame[column].astype(object).fillna("")
    _check_finite(path, frame, numeric_columns)
    _check_kinds(path, frame)
    frame, ranges = _csv_ranges(path, frame)
    _check_csv_rows(path, frame)
    if "quantity_per_user" in frame.columns and "quantity" in frame.columns:
        both = (frame["quantity_per_user"].notna() & frame["quantity"].notna()).to_numpy()
        if both.any():
            row = int(both.nonzero()[0][0])
            raise InputError(
                str(path),
                f"row {row + 2}, column 'quantity_per_user'",
                "is given with quantity",
                "leave quantity empty: a per-user item's quantity each year is "
                "users_per_year x quantity_per_user",
            )

    duplicated = frame["id"].duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputError(
            str(path),
            f"row {row + 2}, column 'id'",
            f'"{frame["id"].iat[row]}" is already the id of an earlier row',
            "give every item a unique id",
        )
    items = frame.reindex(columns=list(ITEM_COLUMNS))
    for column in TEXT_ITEM_COLUMNS:
        items[column] = items[column].replace("", None)
    late = items["last_year"] > horizon
    if late.any():
        row = int(late.to_numpy().nonzero()[0][0])
        raise InputError(
            str(path),
            f"row {row + 2}, column 'last_year'",
            f"last active year {items['last_year'].to_numpy(dtype=float)[row]:g} is after "
            f"the horizon ({horizon} years)",
            f"use years between 1 and {horizon}",
        )
    return normalise_items(items, country), ranges


def _csv_ranges(path: Path, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Take the ``<field>_low``/``<field>_high`` columns out: P5 and P95 of a lognormal.

    The field's own cell must then be empty: it receives the range's median
    ``sqrt(low × high)``, checked with the field's other rules afterwards.
    """
    import numpy as np
    import pandas as pd

    found = []
    frame = frame.copy()
    for name in RANGE_FIELDS:
        low_column, high_column = (f"{name}{suffix}" for suffix in RANGE_CSV_SUFFIXES)
        if low_column not in frame.columns and high_column not in frame.columns:
            continue
        for column in (low_column, high_column):
            if column not in frame.columns:
                raise InputError(
                    str(path),
                    f"column {column!r}",
                    "is missing",
                    f"give both {low_column} and {high_column} (P5 and P95)",
                )
        low = frame.pop(low_column).to_numpy(dtype=float)
        high = frame.pop(high_column).to_numpy(dtype=float)
        given = ~np.isnan(low) | ~np.isnan(high)
        if not given.any():
            continue

        def fail(
            mask: Any,
            column: str,
            problem: str,
            fix: str | None = None,
            low: Any = low,
            high: Any = high,
        ) -> None:
            row = int(np.asarray(mask).nonzero()[0][0])
            raise InputError(
                str(path),
                f"row {row + 2}, column {column!r}",
                problem.format(low=show_value(low[row]), high=show_value(high[row])),
                fix,
            )

        fail_both = f"give both {low_column} and {high_column} (P5 and P95), or neither"
        if (given & np.isnan(low)).any():
            fail(
                given & np.isnan(low),
                low_column,
                "is empty but " + high_column + " is not",
                fail_both,
            )
        if (given & np.isnan(high)).any():
            fail(
                given & np.isnan(high),
                high_column,
                "is empty but " + low_column + " is not",
                fail_both,
            )
        if name in frame.columns:
            value = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
            both = given & ~np.isnan(value)
            if both.any():
                fail(
                    both,
                    name,
                    f"is given with {low_column} and {high_column}",
                    f"leave {name} empty: its value is the median sqrt(low x high) of the range",
                )
        with np.errstate(invalid="ignore"):
            if (given & (low > high)).any():
                fail(given & (low > high), low_column, "low ({low}) is greater than high ({high})")
            if (given & (low <= 0)).any():
                fail(
                    given & (low <= 0),
                    low_column,
                    "a lognormal range needs low > 0, got {low}",
                    "give a positive P5",
                )
        kinds = frame["kind"].to_numpy()
        for kind, model in MODEL_BY_KIND.items():
            info = model.model_fields.get(name)
            rows = given & (kinds == kind)
            if info is None or not rows.any():
                continue
            for column, numbers in ((low_column, low), (high_column, high)):
                for test, bound, words in field_bounds(info):
                    bad = rows & ~cast(Any, test)(numbers, bound)
                    if bad.any():
                        end = "{low}" if column == low_column else "{high}"
                        fail(bad, column, f"must be {words} {show_value(bound)}, got {end}")
        central = np.sqrt(low * high)
        frame[name] = np.where(
            given,
            central,
            pd.to_numeric(frame[name], errors="coerce") if name in frame.columns else np.nan,
        )
        positions = np.nonzero(given)[0]
        found += [
            (int(p), name, "lognormal", float(low[p]), np.nan, float(high[p])) for p in positions
        ]
    return frame, ranges_frame(found)


def _check_csv_cells(path: Path, frame: pd.DataFrame) -> None:
    """Vectorised checks of cell types, with the row number of the first bad cell."""
    import pandas as pd

    for column in (*NUMERIC_ITEM_COLUMNS, *RANGE_CSV_COLUMNS):
        if column not in frame.columns:
            continue
        cells = frame[column]
        given = cells != ""
        numbers = pd.to_numeric(cells.where(given), errors="coerce")
        bad = given & numbers.isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                str(path),
                f"row {row + 2}, column {column!r}",
                f"{cells.iat[row]!r} is not a number",
                "write a plain number such as 26.5 (or 26,5 in a ';'-separated file)",
            )


def _check_finite(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    """``inf``, ``nan`` written out, or a number beyond 1e308: refused with its cell."""
    import numpy as np

    for column in columns:
        numbers = frame[column].to_numpy(dtype=float)
        bad = np.isinf(numbers)
        if bad.any():
            row = int(bad.nonzero()[0][0])
            raise InputError(
                str(path),
                f"row {row + 2}, column {column!r}",
                Msg("input.value.not_finite", {"value": show_value(numbers[row])}),
                Msg("input.value.not_finite_fix"),
            )


def _check_kinds(path: Path, frame: pd.DataFrame) -> None:
    kinds = frame["kind"]
    unknown_kind = ~kinds.isin(ITEM_KINDS)
    if unknown_kind.any():
        row = int(unknown_kind.to_numpy().nonzero()[0][0])
        raise InputError(
            str(path),
            f"row {row + 2}, column 'kind'",
            f'"{kinds.iat[row]}" is not a known kind{suggest(kinds.iat[row], ITEM_KINDS)}',
            'run "ecodigital factors list" to see the kinds',
        )


def _check_csv_rows(path: Path, frame: pd.DataFrame) -> None:
    """Validate every row against the item model of its kind, vectorised.

    The rules (which fields a kind has, required fields, bounds, choices,
    patterns) are read off the pydantic item models, so a CSV inventory obeys
    exactly the rules of a YAML one, without validating 100,000 rows one by one.
    """
    import numpy as np
    import pandas as pd

    def fail(mask: Any, column: str, problem: str, fix: str | None = None) -> None:
        row = int(np.asarray(mask).nonzero()[0][0])
        cell = frame[column].iat[row] if column in frame.columns else ""
        raise InputError(
            str(path),
            f"row {row + 2}, column {column!r}",
            problem.format(value=show_value(cell), kind=frame["kind"].iat[row]),
            fix,
        )

    kinds = frame["kind"]
    given = {
        column: (
            frame[column].notna() if frame[column].dtype.kind == "f" else frame[column] != ""
        ).to_numpy()
        for column in frame.columns
    }
    for model in dict.fromkeys(MODEL_BY_KIND.values()):
        in_model = kinds.isin([k for k, m in MODEL_BY_KIND.items() if m is model]).to_numpy()
        if not in_model.any():
            continue
        fields = model.model_fields
        for column in frame.columns:
            if column in ("id", "kind"):
                continue
            name = "years" if column in ("first_year", "last_year") else column
            if name not in fields:
                if (in_model & given[column]).any():
                    fail(
                        in_model & given[column],
                        column,
                        f'unknown key "{column}": this column does not apply to kind {{kind}}',
                        "leave the cell empty for this row",
                    )
                continue
        for name, info in fields.items():
            if name in ("kind", "years"):
                continue
            present = given.get(name, np.zeros(len(frame), dtype=bool))
            if info.is_required() and not (present | ~in_model).all():
                fail(
                    in_model & ~present,
                    name,
                    "is required for kind {kind}",
                    f"fill the {name} cell",
                )
            if name not in frame.columns:
                continue
            checked = in_model & present
            if not checked.any():
                continue
            _check_column(frame[name], checked, info, fail, name)
    for column in ("first_year", "last_year"):
        if column in frame.columns:
            years = pd.to_numeric(frame[column].where(given[column]), errors="coerce")
            bad = given[column] & ((years < 1) | (years % 1 != 0)).to_numpy()
            if bad.any():
                fail(bad, column, "{value} is not a horizon year (1, 2, 3...)", None)
    if "first_year" in frame.columns and "last_year" in frame.columns:
        first = pd.to_numeric(frame["first_year"], errors="coerce")
        last = pd.to_numeric(frame["last_year"], errors="coerce")
        bad = (last < first).to_numpy()
        if bad.any():
            fail(bad, "last_year", "last_year is before first_year", None)


def _check_column(cells: pd.Series, checked: Any, info: Any, fail: Any, name: str) -> None:
    """Check one column's cells (``checked`` rows) against a pydantic field's rules."""
    import typing

    import numpy as np
    import pandas as pd
    from pydantic import StringConstraints

    annotation = info.annotation
    # ``Annotated[float, Ge(0)] | Range | None``: the number's own type and bounds
    args = [
        typing.get_args(a)[0] if hasattr(a, "__metadata__") else a
        for a in typing.get_args(annotation)
        if a is not type(None)
    ]
    literal = next((a for a in [annotation, *args] if typing.get_origin(a) is typing.Literal), None)
    if literal is not None:
        choices = [str(c) for c in typing.get_args(literal)]
        bad = checked & ~cells.isin(choices).to_numpy()
        if bad.any():
            value = cells.iat[int(bad.nonzero()[0][0])]
            fail(
                bad,
                name,
                f"{value!r} is not allowed{suggest(value, choices)}",
                f"use one of: {', '.join(choices)}",
            )
        return
    numeric = annotation in (int, float) or any(a in (int, float) for a in args)
    if numeric:
        numbers = pd.to_numeric(cells.where(checked), errors="coerce").to_numpy(dtype=float)
        if annotation is int or int in args:
            bad = checked & (numbers % 1 != 0)
            if bad.any():
                fail(bad, name, "{value} is not a whole number", "write a whole number")
        # the field's bounds, also those of an ``Annotated`` member of its type
        for test, bound, words in field_bounds(info):
            with np.errstate(invalid="ignore"):
                bad = checked & ~cast(Any, test)(numbers, bound)
            if bad.any():
                fail(bad, name, f"must be {words} {show_value(bound)}, got {{value}}", None)
        return
    for constraint in _string_constraints(annotation, info.metadata, StringConstraints):
        if constraint.max_length is not None:
            bad = checked & (cells.str.len() > constraint.max_length).to_numpy()
            if bad.any():
                fail(bad, name, "is too long", None)
        if constraint.pattern is not None:
            bad = checked & ~cells.str.fullmatch(constraint.pattern).fillna(False).to_numpy(
                dtype=bool
            )
            if bad.any():
                fail(
                    bad,
                    name,
                    "{value} has characters that are not allowed",
                    "use lower-case letters, digits, '.', '_' or '-'",
                )
    if name == "location":
        from ecodigital.factors.grid import known_countries

        lower = checked & (cells != cells.str.upper()).to_numpy()
        if lower.any():
            fail(lower, name, "country codes are upper case: write the code in capitals", None)
        unknown = checked & ~cells.isin(known_countries()).to_numpy()
        if unknown.any():
            fail(
                unknown,
                name,
                "{value} is not a known ISO 3166-1 alpha-3 country code (e.g. FRA, DEU, BEL)",
                None,
            )


def _string_constraints(annotation: Any, metadata: list[Any], kind: type) -> list[Any]:
    """StringConstraints on a field, including those inside an ``Annotated`` alias."""
    import typing

    found = [m for m in metadata if isinstance(m, kind)]
    for arg in typing.get_args(annotation):
        found += [m for m in getattr(arg, "__metadata__", ()) if isinstance(m, kind)]
    return found
