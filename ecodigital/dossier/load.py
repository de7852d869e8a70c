"""Read a dossier file (YAML, inventory optionally in CSV) into a validated model.

All the dossier's errors are turned here into :class:`InputError` messages that
name the file, the line where it can be found, the field path and the fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ecodigital.dossier.model import (
    UNION_TAGS,
    CloudItem,
    CustomItem,
    Dossier,
    NetworkItem,
    ServerItem,
    StorageItem,
    TerminalItem,
)
from ecodigital.dossier.uncertain import (
    RANGE_COLUMNS,
    RANGE_CSV_SUFFIXES,
    RANGE_FIELDS,
    field_bounds,
    split_ranges,
)
from ecodigital.errors import InputError
from ecodigital.fileio import read_text_limited
from ecodigital.vocabulary import ITEM_KINDS, TERMINAL_KINDS

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel, ValidationError

__all__ = [
    "ITEM_COLUMNS",
    "LoadedDossier",
    "load_dossier",
    "parse_dossier_text",
]

#: Largest dossier YAML read.
MAX_DOSSIER_BYTES = 10 * 1024 * 1024

_MODEL_BY_KIND: dict[str, type[BaseModel]] = {
    **dict.fromkeys(TERMINAL_KINDS, TerminalItem),
    "server": ServerItem,
    "cloud_instance": CloudItem,
    "storage": StorageItem,
    "network": NetworkItem,
    "custom": CustomItem,
}

#: Columns of the items table handed to the engine (NaN or None where not given).
NUMERIC_ITEM_COLUMNS = (
    "quantity",
    "allocation",
    "lifetime_years",
    "hours_per_day",
    "days_per_year",
    "power_w",
    "hours_per_year",
    "pue",
    "vcpu",
    "memory_gb",
    "capacity_tb",
    "replicas",
    "gb_per_year",
    "first_year",
    "last_year",
    "quantity_per_user",
    "drive_capacity_tb",
)
TEXT_ITEM_COLUMNS = (
    "id", "kind", "location", "factor", "media", "access", "tier", "provider", "hosting", "billing",
)  # fmt: skip
ITEM_COLUMNS = TEXT_ITEM_COLUMNS + NUMERIC_ITEM_COLUMNS
#: CSV columns giving the P5 and P95 of a field (``hours_per_day_low``, ``hours_per_day_high``).
RANGE_CSV_COLUMNS = tuple(
    f"{name}{suffix}" for name in RANGE_FIELDS for suffix in RANGE_CSV_SUFFIXES
)
#: Columns a CSV inventory may have: the item fields, with ``years`` split in two.
CSV_COLUMNS = (*ITEM_COLUMNS, "description", *RANGE_CSV_COLUMNS)


@dataclass
class LoadedDossier:
    """A validated dossier and its items as a table for the engine."""

    path: Path
    model: Dossier
    items: pd.DataFrame
    raw: dict[str, Any] = field(repr=False)
    inventory_path: Path | None = None
    #: Values given as ranges: one row per item field (columns ``RANGE_COLUMNS``;
    #: ``item`` is the item's position), the items table holding their central value.
    ranges: pd.DataFrame | None = None

    @property
    def horizon_years(self) -> int:
        return self.model.project.horizon_years


# --------------------------------------------------------------------------- YAML


def load_dossier(path: str | Path) -> LoadedDossier:
    """Load and validate the dossier at ``path`` (and its CSV inventory, if any)."""
    path = Path(path)
    text = read_text_limited(path, max_bytes=MAX_DOSSIER_BYTES, what="dossier")
    return parse_dossier_text(text, path)


def parse_dossier_text(text: str, path: Path) -> LoadedDossier:
    """Validate dossier ``text``; ``path`` names it in errors and anchors relative paths."""
    import yaml
    from pydantic import ValidationError

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
        raw = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = exc.problem or "invalid YAML"
        raise InputError(
            where,
            None,
            f"YAML syntax error: {problem} (column {mark.column + 1 if mark else '?'})",
            "check the indentation and quoting on that line or the one before",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(str(path), None, f"YAML error: {exc}") from None
    expanded = _expanded_size(root)
    if expanded > MAX_EXPANDED_NODES:
        raise InputError(
            str(path),
            None,
            f"expands to more than {MAX_EXPANDED_NODES:,} values through YAML anchors and aliases",
            "write the values out instead of repeating anchors",
        )
    if not isinstance(raw, dict):
        raise InputError(
            str(path),
            None,
            "is not a dossier (expected a mapping with format, project, inventory)",
            'start from "ecodigital init DIR"',
        )
    fmt = raw.get("format")
    if fmt != "ecodigital/1":
        raise InputError(
            _where(path, root, ("format",)),
            "format",
            f"unsupported format {fmt!r}" if fmt is not None else "is required",
            'write "format: ecodigital/1" at the top of the dossier',
        )
    try:
        model = Dossier.model_validate(raw)
    except ValidationError as exc:
        raise _input_error(exc, path, raw, root) from None

    horizon = model.project.horizon_years
    country = model.project.country
    if isinstance(model.inventory, list):
        records, found = split_ranges(item.model_dump() for item in model.inventory)
        _check_items(path, root, records, horizon)
        items = _items_frame(records, country)
        ranges = _ranges_frame(found)
        inventory_path = None
    else:
        inventory_path = _inside(path, root, model.inventory.csv)
        items, ranges = _read_inventory_csv(inventory_path, horizon, country)
    _check_measurements(path, root, model, items)
    return LoadedDossier(path, model, items, raw, inventory_path, ranges)


def _ranges_frame(found: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame.from_records(list(found), columns=list(RANGE_COLUMNS))
    types: dict[str, Any] = {
        "item": "int64", "field": object, "distribution": object, "low": float, "mode": float,
        "high": float,
    }  # fmt: skip
    return frame.astype(cast(Any, types))


#: Largest number of values a dossier may expand to (a guard against "billion laughs").
MAX_EXPANDED_NODES = 2_000_000


def _expanded_size(root: Any) -> int:
    """How many nodes the YAML document has once its aliases are expanded."""
    import yaml

    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a cycle counts once
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        total = min(total, MAX_EXPANDED_NODES + 1)
        sizes[id(node)] = total
        return total

    return size(root) if root is not None else 0


def _inside(path: Path, root: Any, relative: str) -> Path:
    """The CSV inventory's path, which must stay inside the dossier's folder."""
    folder = path.parent.resolve()
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder):
        raise InputError(
            _where(path, root, ("inventory", "csv")),
            "inventory.csv",
            f"{relative!r} is outside the dossier's folder",
            "put the CSV file beside the dossier (or in a subfolder) and give a relative path",
        )
    return target


def _check_measurements(path: Path, root: Any, model: Dossier, items: pd.DataFrame) -> None:
    """Every measurement names an inventory item, and each item is measured once."""
    ids = [str(i) for i in items["id"]]
    seen: dict[str, int] = {}
    for index, measurement in enumerate(model.measurements):
        loc: tuple[str | int, ...] = ("measurements", index, "item")
        if measurement.item not in ids:
            raise InputError(
                _where(path, root, loc),
                f"measurements[{index}].item",
                f'"{measurement.item}" is not the id of an inventory item'
                + _suggest(measurement.item, ids),
                "use the id of the item the files measure",
            )
        if measurement.item in seen:
            raise InputError(
                _where(path, root, loc),
                f"measurements[{index}].item",
                f'"{measurement.item}" is already measured by '
                f"measurements[{seen[measurement.item]}]",
                "list all its files in one measurement",
            )
        seen[measurement.item] = index


def _check_items(path: Path, root: Any, items: Sequence[dict[str, Any]], horizon: int) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        loc: tuple[str | int, ...] = ("inventory", index)
        if item["id"] in seen:
            raise InputError(
                _where(path, root, (*loc, "id")),
                f"inventory[{index}].id",
                f'"{item["id"]}" is already the id of inventory[{seen[item["id"]]}]',
                "give every item a unique id",
            )
        seen[item["id"]] = index
        years = item.get("years")
        if years is not None and years[1] > horizon:
            raise InputError(
                _where(path, root, (*loc, "years")),
                f"inventory[{index}].years",
                f"last active year {years[1]} is after the horizon ({horizon} years)",
                f"use years between 1 and {horizon}",
            )


def _items_frame(records: Iterable[dict[str, Any]], country: str) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for record in records:
        row = {key: record.get(key) for key in ITEM_COLUMNS if key in record}
        years = record.get("years")
        if years is not None:
            row["first_year"], row["last_year"] = years
        rows.append(row)
    frame = pd.DataFrame.from_records(rows, columns=list(ITEM_COLUMNS))
    return _normalise_items(frame, country)


def _normalise_items(frame: pd.DataFrame, country: str) -> pd.DataFrame:
    import pandas as pd

    for column in NUMERIC_ITEM_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
    for column in TEXT_ITEM_COLUMNS:
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    frame["location"] = frame["location"].fillna(country)
    frame["quantity"] = frame["quantity"].fillna(1.0)
    frame["allocation"] = frame["allocation"].fillna(1.0)
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- CSV

#: Largest CSV inventory read.
MAX_CSV_BYTES = 200 * 1024 * 1024


def read_inventory_csv(path: Path, horizon: int, country: str) -> pd.DataFrame:
    """Read and validate a CSV inventory (``,`` or ``;`` separated, UTF-8, optional BOM)."""
    return _read_inventory_csv(path, horizon, country)[0]


def _read_inventory_csv(
    path: Path, horizon: int, country: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A CSV inventory's items and the ranges of its ``<field>_low``/``<field>_high`` columns."""
    import io

    import pandas as pd

    text = read_text_limited(path, max_bytes=MAX_CSV_BYTES, what="CSV inventory")
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
            f"unknown column{_suggest(unknown[0], CSV_COLUMNS)}",
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
    return _normalise_items(items, country), ranges


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
                problem.format(low=_show(low[row]), high=_show(high[row])),
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
        for kind, model in _MODEL_BY_KIND.items():
            info = model.model_fields.get(name)
            rows = given & (kinds == kind)
            if info is None or not rows.any():
                continue
            for column, numbers in ((low_column, low), (high_column, high)):
                for test, bound, words in field_bounds(info):
                    bad = rows & ~cast(Any, test)(numbers, bound)
                    if bad.any():
                        end = "{low}" if column == low_column else "{high}"
                        fail(bad, column, f"must be {words} {_show(bound)}, got {end}")
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
    return frame, _ranges_frame(found)


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


def _check_kinds(path: Path, frame: pd.DataFrame) -> None:
    kinds = frame["kind"]
    unknown_kind = ~kinds.isin(ITEM_KINDS)
    if unknown_kind.any():
        row = int(unknown_kind.to_numpy().nonzero()[0][0])
        raise InputError(
            str(path),
            f"row {row + 2}, column 'kind'",
            f'"{kinds.iat[row]}" is not a known kind{_suggest(kinds.iat[row], ITEM_KINDS)}',
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
            problem.format(value=_show(cell), kind=frame["kind"].iat[row]),
            fix,
        )

    kinds = frame["kind"]
    given = {
        column: (
            frame[column].notna() if frame[column].dtype.kind == "f" else frame[column] != ""
        ).to_numpy()
        for column in frame.columns
    }
    for model in dict.fromkeys(_MODEL_BY_KIND.values()):
        in_model = kinds.isin([k for k, m in _MODEL_BY_KIND.items() if m is model]).to_numpy()
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
                f"{value!r} is not allowed{_suggest(value, choices)}",
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
                fail(bad, name, f"must be {words} {_show(bound)}, got {{value}}", None)
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


# --------------------------------------------------------------------------- errors

_KIND_TAGS = frozenset(ITEM_KINDS) | UNION_TAGS


#: Members of a ``number | Range`` field that pydantic puts in error locations.
_NUMBER_MEMBERS = frozenset({"constrained-float", "float"})


def _is_range(part: object) -> bool:
    return isinstance(part, str) and (part == "Range" or part.endswith(", Range]"))


def _relevant_errors(errors: Sequence[Any]) -> list[Any]:
    """For a field taking a number or a range, keep the errors of the form the user wrote.

    pydantic reports why the value is neither a number nor a range; a user who
    wrote a number wants the number's error, one who wrote a mapping the range's.
    """
    kept = []
    for error in errors:
        loc = tuple(error["loc"])
        member = next(
            (
                i
                for i, part in enumerate(loc)
                if (part in _NUMBER_MEMBERS or _is_range(part)) and i and loc[i - 1] in RANGE_FIELDS
            ),
            None,
        )
        if member is None:
            kept.append(error)
            continue
        wrote_range = isinstance(error.get("input"), dict) or member + 1 < len(loc)
        if wrote_range == _is_range(loc[member]):
            kept.append({**error, "loc": loc[:member] + loc[member + 1 :]})
    return kept or list(errors)


def _input_error(exc: ValidationError, path: Path, raw: dict[str, Any], root: Any) -> InputError:
    # A misspelt key also makes the right key "missing": report the misspelling.
    errors = _relevant_errors(exc.errors())
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = _error_loc(error)
    parent = _lookup(raw, loc[:-1]) if error["type"] == "extra_forbidden" else None
    problem, fix = _describe(error, parent, loc)
    if len(errors) > 1:
        more = len(errors) - 1
        problem = f"{problem} (and {more} more; run 'ecodigital validate' to list them)"
    return InputError(_where(path, root, loc), _format_loc(loc), problem, fix)


def validation_messages(
    exc: ValidationError, path: Path, raw: dict[str, Any], root: Any
) -> list[str]:
    """Every problem of a validation error, one line each (for ``validate``)."""
    lines = []
    for error in _relevant_errors(exc.errors()):
        loc = _error_loc(error)
        parent = _lookup(raw, loc[:-1]) if error["type"] == "extra_forbidden" else None
        problem, fix = _describe(error, parent, loc)
        lines.append(str(InputError(_where(path, root, loc), _format_loc(loc), problem, fix)))
    return lines


def _error_loc(error: Any) -> tuple[str | int, ...]:
    """Where the user must look: the union tags dropped, ``kind`` named for kind errors."""
    loc = _user_loc(error["loc"])
    if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
        loc = (*loc, "kind")
    return loc


def _user_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Drop the union tags pydantic adds to locations (``inventory.items.3.laptop``)."""
    out: list[str | int] = []
    for index, part in enumerate(loc):
        previous = loc[index - 1] if index else None
        if part in UNION_TAGS and previous == "inventory":
            continue
        if isinstance(previous, int) and part in ITEM_KINDS and "inventory" in loc[:index]:
            continue
        out.append(part)
    return tuple(out)


def _format_loc(loc: Sequence[str | int]) -> str | None:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or None


def _lookup(raw: Any, loc: Sequence[str | int]) -> Any:
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _where(path: Path, root: Any, loc: Sequence[str | int]) -> str:
    """``file:line`` of the YAML node at ``loc`` (or its nearest parent)."""
    import yaml

    node = root
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((kv for kv in node.value if getattr(kv[0], "value", None) == part), None)
            if pair is None:
                break
            line = pair[0].start_mark.line + 1
            node = pair[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return f"{path}:{line}" if line else str(path)


def _suggest(value: object, choices: Iterable[str]) -> str:
    by_folded = {choice.casefold(): choice for choice in choices}
    matches = difflib.get_close_matches(str(value).casefold(), list(by_folded), n=1, cutoff=0.6)
    return f' (did you mean "{by_folded[matches[0]]}"?)' if matches else ""


_BOUND_WORDS = {
    "greater_than": "greater than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "at most",
}


def _describe(error: Any, parent: Any, loc: Sequence[str | int]) -> tuple[str, str | None]:
    """A user's wording of one pydantic error: (problem, fix)."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else "value"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(parent, loc)
        doc = "docs/finance.md" if loc[:1] in {("budget",), ("applicant",)} else "docs/dossier.md"
        return (
            f'unknown key "{name}"{_suggest(name, allowed)}',
            f"remove it or correct its name (see {doc})",
        )
    if kind == "missing":
        return "is required", f"add {name}"
    if kind == "union_tag_invalid":
        tag = ctx.get("tag", value)
        return (
            f'"{tag}" is not a known kind{_suggest(tag, ITEM_KINDS)}',
            'run "ecodigital factors list" to see the kinds',
        )
    if kind == "union_tag_not_found":
        return "has no kind", f"add kind: one of {', '.join(ITEM_KINDS)}"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return (
            f"{value!r} is not allowed{_suggest(value, choices)}",
            f"use one of: {', '.join(choices)}",
        )
    if kind in _BOUND_WORDS:
        bound = next(iter(ctx.values()), "?")
        return f"must be {_BOUND_WORDS[kind]} {_show(bound)}, got {_show(value)}", None
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        return (
            f"{value!r} is not a {'whole ' if 'int' in kind else ''}number",
            "write a plain number",
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{value!r} has characters that are not allowed",
            "use lower-case letters, digits, '.', '_' or '-'",
        )
    if kind in {"string_too_short", "string_too_long"}:
        return f"is too {'short' if 'short' in kind else 'long'}", None
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        # Validators may raise a ValueError that carries its fix (finance.model.FieldProblem).
        return message, getattr(ctx.get("error"), "fix", None)
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type", "tuple_type"}:
        expected = {"list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping"}.get(
            kind, "a mapping"
        )
        return f"must be {expected}, got {type(value).__name__}", None
    if kind == "too_short" or kind == "too_long":
        return str(error.get("msg", "wrong length")), None
    return str(error.get("msg", "invalid value")), None


def _show(value: object) -> str:
    """A value as a user wrote it: ``1`` rather than ``1.0``, quotes only around text."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{value:g}"
    try:
        return f"{float(str(value)):g}"
    except ValueError:
        return repr(value)


def _allowed_keys(parent: Any, loc: Sequence[str | int]) -> list[str]:
    from ecodigital.dossier.model import Beneficiary, InventoryCsv, Measurement, Project
    from ecodigital.finance.model import Applicant, Budget, Expense, PersonalData, Resource

    if len(loc) >= 2 and loc[0] == "measurements":
        return list(Measurement.model_fields)
    if len(loc) >= 2 and loc[-2] in RANGE_FIELDS:
        from ecodigital.dossier.uncertain import Range

        return list(Range.model_fields)

    if loc[:2] == ("budget", "expenses") and len(loc) == 4:
        return list(Expense.model_fields)
    if loc[:2] == ("budget", "resources") and len(loc) == 4:
        return list(Resource.model_fields)
    if loc[:1] == ("budget",):
        return list(Budget.model_fields)
    if loc[:2] == ("applicant", "personal_data"):
        return list(PersonalData.model_fields)
    if loc[:1] == ("applicant",):
        return list(Applicant.model_fields)
    if len(loc) >= 2 and loc[0] == "inventory" and isinstance(loc[1], int):
        if isinstance(parent, dict) and parent.get("kind") in _MODEL_BY_KIND:
            return list(_MODEL_BY_KIND[parent["kind"]].model_fields)
        return []
    if loc[:1] == ("inventory",):
        return list(InventoryCsv.model_fields)
    if loc[:2] == ("project", "beneficiary"):
        return list(Beneficiary.model_fields)
    if loc[:1] == ("project",):
        return list(Project.model_fields)
    return list(Dossier.model_fields)
