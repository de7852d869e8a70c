"""Read a CSV inventory: one item a row, columns named as the item fields.

``,`` or ``;`` separated (then ``,`` is the decimal mark, as a French
spreadsheet writes it), UTF-8 with or without a BOM. The rules (which fields a
kind has, required fields, bounds, choices, patterns) are read off the
pydantic item models, so a CSV inventory obeys exactly the rules of a YAML one,
checked column by column rather than row by row. Every error names the row
(as a spreadsheet numbers it: the header is row 1) and the column.
"""

from __future__ import annotations

import operator
import re
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ecodigital.dossier.aliases import KindName, suggest
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
from ecodigital.dossier.wording import _percent_share, show_value
from ecodigital.errors import InputError
from ecodigital.fileio import read_input_text
from ecodigital.i18n import Msg
from ecodigital.vocabulary import ITEM_KINDS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["read_inventory_csv"]


def read_inventory_csv(path: Path, horizon: int, country: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A CSV inventory's items and the ranges of its ``<field>_low``/``<field>_high`` columns."""
    import io
    import warnings

    import pandas as pd

    text = read_input_text(path, "inventory")
    first_line = text[: text.find("\n")] if "\n" in text else text
    if not first_line.strip():
        raise InputError(str(path), None, Msg("dossier.csv.empty"), Msg("dossier.csv.empty_fix"))
    french = first_line.count(";") > first_line.count(",")
    sep = ";" if french else ","
    header = [name.strip() for name in first_line.strip().split(sep)]
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        raise InputError(
            str(path),
            _column(unknown[0]),
            Msg(
                "dossier.csv.unknown_column",
                {"value": unknown[0], "suggestion": suggest(unknown[0], CSV_COLUMNS)},
            ),
            Msg("dossier.csv.unknown_column_fix", {"columns": list(CSV_COLUMNS)}),
        )
    for required in ("id", "kind"):
        if required not in header:
            raise InputError(
                str(path),
                _column(required),
                Msg("dossier.csv.missing_column"),
                Msg("dossier.csv.missing_column_fix", {"name": required}),
            )
    # a row with more fields than the header: pandas refuses it or says it dropped data
    # (ParserWarning); the csv module then finds and names it. Quotes can hide a separator
    # from one reader and not the other: a quoted file is always read by both.
    quoted = '"' in text
    if quoted:
        _check_field_counts(path, text, sep, len(header))
    numeric_columns = [c for c in header if c in NUMERIC_ITEM_COLUMNS or c in RANGE_CSV_COLUMNS]

    def read(fast: bool) -> pd.DataFrame:
        # fast: numbers parsed by pandas' C parser; slow: all text, read as people write numbers
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            decimal="," if french else ".",
            dtype={c: ("float64" if fast and c in numeric_columns else object) for c in header},
            keep_default_na=False,
            na_values={c: [""] for c in numeric_columns} if fast else None,
            skipinitialspace=True,
            index_col=False,
        )
        frame.columns = [str(column).strip() for column in frame.columns]
        return frame

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = read(fast=True)
        if not quoted and any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            _check_field_counts(path, text, sep, len(header))
    except ValueError:
        if not quoted:
            _check_field_counts(path, text, sep, len(header))
        try:
            frame = read(fast=False)
        except (pd.errors.ParserError, ValueError) as exc:
            raise _unreadable(path, exc) from None
        _read_numbers(path, frame, numeric_columns, french)
    except pd.errors.ParserError as exc:
        raise _unreadable(path, exc) from None
    if frame.empty:
        raise InputError(
            str(path), None, Msg("dossier.csv.no_rows"), Msg("dossier.csv.no_rows_fix")
        )
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
                _cell(row, "quantity_per_user"),
                Msg("dossier.per_user_and_quantity"),
                Msg("dossier.csv.per_user_and_quantity_fix"),
            )

    duplicated = frame["id"].duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputError(
            str(path),
            _cell(row, "id"),
            Msg("dossier.csv.duplicate_id", {"value": str(frame["id"].iat[row])}),
            Msg("dossier.duplicate_id_fix"),
        )
    items = frame.reindex(columns=list(ITEM_COLUMNS))
    for column in TEXT_ITEM_COLUMNS:
        if items[column].dtype == object:  # a column the file has: its empty cells None
            cells = items[column].to_numpy(dtype=object)
            empty = cells == ""
            if empty.any():
                cells = cells.copy()
                cells[empty] = None
                items[column] = pd.Series(cells, index=items.index, dtype=object)
    late = items["last_year"] > horizon
    if late.any():
        row = int(late.to_numpy().nonzero()[0][0])
        year = show_value(items["last_year"].to_numpy(dtype=float)[row])
        raise InputError(
            str(path),
            _cell(row, "last_year"),
            Msg("dossier.after_horizon", {"year": year, "horizon": horizon}),
            Msg("dossier.after_horizon_fix", {"horizon": horizon}),
        )
    return normalise_items(items, country), ranges


def _column(name: str) -> Msg:
    return Msg("input.column", {"column": name})


def _cell(row: int, column: str) -> Msg:
    """Row ``row`` of the frame (0-based) as a spreadsheet numbers it: the header is row 1."""
    return Msg("input.cell", {"row": row + 2, "column": column})


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(
        str(path),
        None,
        Msg("dossier.csv.unreadable", {"reason": str(exc)}),
        Msg("dossier.csv.unreadable_fix"),
    )


def _check_field_counts(path: Path, text: str, sep: str, expected: int) -> None:
    """A row with more fields than the header: said as such, with its row (not shifted columns)."""
    import csv
    import io

    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=sep), start=1):
        if len(row) > expected and any(cell.strip() for cell in row[expected:]):
            raise InputError(
                str(path),
                Msg("input.row", {"row": number}),
                Msg("dossier.csv.too_many_fields", {"n": len(row), "expected": expected}),
                Msg("dossier.csv.too_many_fields_fix", {"sep": sep}),
            )


def _read_numbers(path: Path, frame: pd.DataFrame, columns: list[str], french: bool) -> None:
    """Numbers written as people write them (``2 500``, ``2,5``), in place; a bad cell refused."""
    import pandas as pd

    for column in columns:
        cells = (
            frame[column].astype(object).where(frame[column].notna(), "").astype(str).str.strip()
        )
        given = cells != ""
        plain = cells.str.replace(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))", "", regex=True)
        if not french:
            # "2,500" in a comma-separated file: thousands (English) or decimals (French)?
            ambiguous = given & plain.str.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+").fillna(False)
            if ambiguous.any():
                row = int(ambiguous.to_numpy().nonzero()[0][0])
                raise InputError(
                    str(path),
                    _cell(row, column),
                    Msg("dossier.csv.ambiguous", {"value": cells.iat[row]}),
                    Msg("dossier.csv.ambiguous_fix"),
                )
        numbers = pd.to_numeric(
            plain.str.replace(",", ".", regex=False).where(given), errors="coerce"
        )
        bad = given & numbers.isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise _not_a_number(path, row, column, str(cells.iat[row]))
        frame[column] = numbers.astype("float64")


def _not_a_number(path: Path, row: int, column: str, cell: str) -> InputError:
    from ecodigital.dossier.wording import SHARE_FIELDS
    from ecodigital.i18n.numbers import read_number

    written = cell.strip()
    if written.endswith("%") and column in SHARE_FIELDS:
        number = read_number(written.removesuffix("%"))
        if number is not None:
            share = show_value(round(number / 100, 6))
            return InputError(
                str(path),
                _cell(row, column),
                Msg("dossier.not_number", {"value": written}),
                Msg(
                    "dossier.percent_fix",
                    {"share": share, "value": show_value(number), "name": column},
                ),
            )
    return InputError(
        str(path),
        _cell(row, column),
        Msg("dossier.not_number", {"value": written}),
        Msg("dossier.csv.number_fix"),
    )


def _csv_ranges(path: Path, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Take the ``<field>_low``/``<field>_high`` columns out: P5 and P95 of a lognormal.

    The field's own cell must then be empty: it receives the range's median
    ``sqrt(low × high)``, checked with the field's other rules afterwards.
    """
    import numpy as np
    import pandas as pd

    found = []
    frame = frame.copy(deep=False)  # columns taken out and replaced, never changed in place
    for name in RANGE_FIELDS:
        low_column, high_column = (f"{name}{suffix}" for suffix in RANGE_CSV_SUFFIXES)
        if low_column not in frame.columns and high_column not in frame.columns:
            continue
        for column in (low_column, high_column):
            if column not in frame.columns:
                raise InputError(
                    str(path),
                    _column(column),
                    Msg("dossier.csv.missing_column"),
                    Msg("dossier.csv.range_both_fix", {"low": low_column, "high": high_column}),
                )
        low = frame.pop(low_column).to_numpy(dtype=float)
        high = frame.pop(high_column).to_numpy(dtype=float)
        given = ~np.isnan(low) | ~np.isnan(high)
        if not given.any():
            continue

        def fail(
            mask: Any,
            column: str,
            key: str,
            fix: Msg | None = None,
            low: Any = low,
            high: Any = high,
            **params: object,
        ) -> None:
            row = int(np.asarray(mask).nonzero()[0][0])
            ends = {"low": show_value(low[row]), "high": show_value(high[row])}
            raise InputError(str(path), _cell(row, column), Msg(key, {**ends, **params}), fix)

        names = {"low_column": low_column, "high_column": high_column}
        fail_both = Msg("dossier.csv.range_both_fix", {"low": low_column, "high": high_column})
        if (given & np.isnan(low)).any():
            fail(given & np.isnan(low), low_column, "dossier.csv.range_half", fail_both,
                 other=high_column)  # fmt: skip
        if (given & np.isnan(high)).any():
            fail(given & np.isnan(high), high_column, "dossier.csv.range_half", fail_both,
                 other=low_column)  # fmt: skip
        if name in frame.columns:
            value = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
            both = given & ~np.isnan(value)
            if both.any():
                fix = Msg("dossier.csv.range_and_value_fix", {"name": name})
                fail(both, name, "dossier.csv.range_and_value", fix, **names)
        with np.errstate(invalid="ignore"):
            if (given & (low > high)).any():
                fail(given & (low > high), low_column, "dossier.range.low_high",
                     Msg("dossier.range.low_high_fix"))  # fmt: skip
            if (given & (low <= 0)).any():
                fail(given & (low <= 0), low_column, "dossier.range.lognormal_low",
                     Msg("dossier.csv.positive_p5_fix"))  # fmt: skip
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
                        row = int(np.asarray(bad).nonzero()[0][0])
                        params = {"words": words, "bound": show_value(bound),
                                  "value": show_value(numbers[row])}  # fmt: skip
                        raise InputError(
                            str(path),
                            _cell(row, column),
                            Msg("input.value.out_of_bounds", params),
                            Msg("input.value.bound_fix"),
                        )
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
                _cell(row, column),
                Msg("input.value.not_finite", {"value": show_value(numbers[row])}),
                Msg("input.value.not_finite_fix"),
            )


def _check_kinds(path: Path, frame: pd.DataFrame) -> None:
    kinds = frame["kind"]
    unknown_kind = ~kinds.isin(ITEM_KINDS)
    if unknown_kind.any():
        row = int(unknown_kind.to_numpy().nonzero()[0][0])
        value = str(kinds.iat[row])
        raise InputError(
            str(path),
            _cell(row, "kind"),
            Msg("dossier.unknown_kind", {"value": value, "suggestion": suggest(value, ITEM_KINDS)}),
            Msg("dossier.kinds_fix"),
        )


def _check_csv_rows(path: Path, frame: pd.DataFrame) -> None:
    """Validate every row against the item model of its kind, vectorised.

    The rules (which fields a kind has, required fields, bounds, choices,
    patterns) are read off the pydantic item models, so a CSV inventory obeys
    exactly the rules of a YAML one, without validating 100,000 rows one by one.
    """
    import numpy as np
    import pandas as pd

    def fail(mask: Any, column: str, key: str, fix: Msg | None = None, **params: object) -> None:
        row = int(np.asarray(mask).nonzero()[0][0])
        cell = frame[column].iat[row] if column in frame.columns else ""
        kind = KindName(str(frame["kind"].iat[row]))
        if key == "input.value.out_of_bounds":
            percent = _percent_share(column, cell)
            if percent is not None:
                key, fix, params = percent[0].key, percent[1], dict(percent[0].params)
        shown = cell if isinstance(cell, str) else show_value(cell)
        words = {"value": shown, "kind": kind, "name": column, **params}
        raise InputError(str(path), _cell(row, column), Msg(key, words), fix)

    kinds = frame["kind"]
    # a column's whole-column test (choices, numbers, lengths, pattern), shared by the models
    memo: dict[tuple[str, ...], np.ndarray] = {}
    given = {
        column: (
            frame[column].notna() if frame[column].dtype.kind == "f" else frame[column] != ""
        ).to_numpy()
        for column in frame.columns
    }
    # each distinct kind looked up once: its code, then each model's kinds among them
    kind_codes, distinct_kinds = pd.factorize(kinds.to_numpy(dtype=object))
    for model in dict.fromkeys(MODEL_BY_KIND.values()):
        of_model = [k for k, m in MODEL_BY_KIND.items() if m is model]
        in_model = np.isin(np.asarray(distinct_kinds, dtype=object), of_model)[kind_codes]
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
                        "dossier.csv.not_for_kind",
                        Msg("dossier.csv.not_for_kind_fix"),
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
                    "dossier.csv.required",
                    Msg("dossier.csv.required_fix", {"name": name}),
                )
            if name not in frame.columns:
                continue
            checked = in_model & present
            if not checked.any():
                continue
            _check_column(frame[name], checked, info, fail, name, memo)
    for column in ("first_year", "last_year"):
        if column in frame.columns:
            years = pd.to_numeric(frame[column].where(given[column]), errors="coerce")
            bad = given[column] & ((years < 1) | (years % 1 != 0)).to_numpy()
            if bad.any():
                fail(bad, column, "dossier.csv.not_year", Msg("dossier.csv.not_year_fix"))
    if "first_year" in frame.columns and "last_year" in frame.columns:
        first = pd.to_numeric(frame["first_year"], errors="coerce")
        last = pd.to_numeric(frame["last_year"], errors="coerce")
        bad = (last < first).to_numpy()
        if bad.any():
            fail(bad, "last_year", "dossier.csv.last_before_first", Msg("dossier.years_order_fix"))


def _check_column(
    cells: pd.Series,
    checked: Any,
    info: Any,
    fail: Any,
    name: str,
    memo: dict[tuple[str, ...], np.ndarray],
) -> None:
    """Check one column's cells (``checked`` rows) against a pydantic field's rules.

    Each test runs once over the whole column (``memo`` keeps its result for
    the other item models with the same rule); the rows of this model are
    then picked with ``checked``.
    """
    import typing

    import numpy as np
    from pydantic import StringConstraints

    def once(key: tuple[str, ...], compute: Any) -> np.ndarray:
        if key not in memo:
            memo[key] = np.asarray(compute())
        return memo[key]

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
        allowed = once(("choices", name, *choices), lambda: cells.isin(choices).to_numpy())
        bad = checked & ~allowed
        if bad.any():
            value = cells.iat[int(bad.nonzero()[0][0])]
            fail(
                bad,
                name,
                "dossier.not_allowed",
                Msg("dossier.choices_fix", {"choices": choices}),
                suggestion=suggest(value, choices),
            )
        return
    numeric = annotation in (int, float) or any(a in (int, float) for a in args)
    if numeric:
        numbers = once(("numbers", name), lambda: _numbers(cells))
        if annotation is int or int in args:
            bad = checked & (numbers % 1 != 0)
            if bad.any():
                fail(bad, name, "dossier.not_whole", Msg("dossier.number_fix"))
        # the field's bounds, also those of an ``Annotated`` member of its type
        for test, bound, words in field_bounds(info):
            with np.errstate(invalid="ignore"):
                bad = checked & ~cast(Any, test)(numbers, bound)
            if bad.any():
                bounds = {"words": words, "bound": show_value(bound)}
                fail(bad, name, "input.value.out_of_bounds", Msg("input.value.bound_fix"), **bounds)
        return
    texts = cells.tolist()
    for constraint in _string_constraints(annotation, info.metadata, StringConstraints):
        if constraint.max_length is not None:
            lengths = once(("length", name), lambda: np.fromiter(map(len, texts), np.int64))
            bad = checked & (lengths > constraint.max_length)
            if bad.any():
                limit = constraint.max_length
                fail(bad, name, "dossier.too_long", Msg("dossier.too_long_fix"), limit=limit)
        if constraint.pattern is not None:
            pattern = constraint.pattern
            matches = once(("pattern", name, pattern), lambda p=pattern: _full_matches(p, texts))
            bad = checked & ~matches
            if bad.any():
                fail(bad, name, "dossier.bad_characters", Msg("dossier.slug_fix"))
    if name == "location":
        from ecodigital.countries import country_problem
        from ecodigital.factors.grid import known_countries

        known = known_countries()
        unknown = checked & ~once(("known", name), lambda: cells.isin(known).to_numpy())
        if unknown.any():
            row = int(unknown.nonzero()[0][0])
            found = country_problem(str(cells.iat[row]), known)
            assert found is not None
            problem, fix = found
            fail(unknown, name, problem.key, fix, **problem.params)


def _full_matches(pattern: str, texts: list[str]) -> np.ndarray:
    """Which of ``texts`` match ``pattern`` whole (``re.fullmatch``)."""
    import numpy as np

    matches = map(re.compile(pattern).fullmatch, texts)
    # in C from end to end: no Python frame for each of a million ids
    return np.fromiter(map(operator.is_not, matches, repeat(None)), bool, len(texts))


def _numbers(cells: pd.Series) -> np.ndarray:
    """A column as float64 (NaN where a cell is not a number: those are not checked)."""
    import pandas as pd

    if cells.dtype.kind == "f":
        return cells.to_numpy()
    result: np.ndarray = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    return result


def _string_constraints(annotation: Any, metadata: list[Any], kind: type) -> list[Any]:
    """StringConstraints on a field, including those inside an ``Annotated`` alias."""
    import typing

    found = [m for m in metadata if isinstance(m, kind)]
    for arg in typing.get_args(annotation):
        found += [m for m in getattr(arg, "__metadata__", ()) if isinstance(m, kind)]
    return found
