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
from typing import TYPE_CHECKING, Any

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
)
TEXT_ITEM_COLUMNS = ("id", "kind", "location", "factor", "media", "access", "tier", "provider")
ITEM_COLUMNS = TEXT_ITEM_COLUMNS + NUMERIC_ITEM_COLUMNS
#: Columns a CSV inventory may have: the item fields, with ``years`` split in two.
CSV_COLUMNS = (*ITEM_COLUMNS, "description")


@dataclass
class LoadedDossier:
    """A validated dossier and its items as a table for the engine."""

    path: Path
    model: Dossier
    items: pd.DataFrame
    raw: dict[str, Any] = field(repr=False)
    inventory_path: Path | None = None

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
        _check_items(path, root, [item.model_dump() for item in model.inventory], horizon)
        items = _items_frame([item.model_dump() for item in model.inventory], country)
        inventory_path = None
    else:
        inventory_path = (path.parent / model.inventory.csv).resolve()
        items = read_inventory_csv(inventory_path, horizon, country)
    _check_measurements(path, root, model, items)
    return LoadedDossier(path, model, items, raw, inventory_path)


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
                f'"{measurement.item}" is already measured by measurements[{seen[measurement.item]}]',
                "list all its files in one measurement",
            )
        seen[measurement.item] = index


def _check_items(
    path: Path, root: Any, items: Sequence[dict[str, Any]], horizon: int
) -> None:
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
    import io

    import pandas as pd

    text = read_text_limited(path, max_bytes=MAX_CSV_BYTES, what="CSV inventory")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise InputError(str(path), None, "is empty", "add a header row (id,kind,quantity,...)")
    french = first_line.count(";") > first_line.count(",")
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=";" if french else ",",
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(str(path), None, f"is not a readable CSV file ({exc})") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    unknown = [column for column in frame.columns if column not in CSV_COLUMNS]
    if unknown:
        raise InputError(
            str(path),
            f"column {unknown[0]!r}",
            f"unknown column{_suggest(unknown[0], CSV_COLUMNS)}",
            f"use only these columns: {', '.join(CSV_COLUMNS)}",
        )
    for required in ("id", "kind"):
        if required not in frame.columns:
            raise InputError(
                str(path), f"column {required!r}", "is missing", f"add a {required!r} column"
            )
    if frame.empty:
        raise InputError(str(path), None, "has no item rows", "add one row per item")

    frame = frame.apply(lambda column: column.str.strip())
    if french:
        for column in NUMERIC_ITEM_COLUMNS:
            if column in frame.columns:
                frame[column] = frame[column].str.replace(",", ".", regex=False)
    _check_csv_cells(path, frame)
    _check_csv_rows(path, frame)

    duplicated = frame["id"].duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputError(
            str(path),
            f"row {row + 2}, column 'id'",
            f'"{frame["id"].iat[row]}" is already the id of an earlier row',
            "give every item a unique id",
        )
    numeric = frame.reindex(columns=list(ITEM_COLUMNS), fill_value="").replace("", None)
    last = pd.to_numeric(numeric["last_year"], errors="coerce")
    late = last > horizon
    if late.any():
        row = int(late.to_numpy().nonzero()[0][0])
        raise InputError(
            str(path),
            f"row {row + 2}, column 'last_year'",
            f"last active year {int(last.iat[row])} is after the horizon ({horizon} years)",
            f"use years between 1 and {horizon}",
        )
    return _normalise_items(numeric, country)


def _check_csv_cells(path: Path, frame: pd.DataFrame) -> None:
    """Vectorised checks of cell types, with the row number of the first bad cell."""
    import pandas as pd

    for column in NUMERIC_ITEM_COLUMNS:
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
    """Validate each row against the item model of its kind (one source of truth)."""
    from pydantic import TypeAdapter, ValidationError

    from ecodigital.dossier.model import Item

    columns = list(frame.columns)
    values = frame.to_numpy()
    records = []
    for cells in values:
        record: dict[str, Any] = {c: v for c, v in zip(columns, cells, strict=True) if v != ""}
        first = record.pop("first_year", None)
        last = record.pop("last_year", None)
        if first is not None or last is not None:
            record["years"] = (first if first is not None else 1, last if last is not None else 10**6)
        records.append(record)
    try:
        TypeAdapter(list[Item]).validate_python(records)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [part for part in error["loc"] if part not in _KIND_TAGS]
        row = int(loc[0]) if loc and isinstance(loc[0], int) else 0
        column = ".".join(str(part) for part in loc[1:]) or None
        if column == "years":
            column = "first_year/last_year"
        problem, fix = _describe(error, records[row] if records else {}, loc[1:])
        raise InputError(
            str(path), f"row {row + 2}" + (f", column {column!r}" if column else ""), problem, fix
        ) from None


# --------------------------------------------------------------------------- errors

_KIND_TAGS = frozenset(ITEM_KINDS) | UNION_TAGS


def _input_error(exc: ValidationError, path: Path, raw: dict[str, Any], root: Any) -> InputError:
    errors = exc.errors()
    error = errors[0]
    loc = _user_loc(error["loc"])
    parent = _lookup(raw, loc[:-1]) if error["type"] == "extra_forbidden" else None
    problem, fix = _describe(error, parent, loc)
    if len(errors) > 1:
        problem = f"{problem} (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''}; run 'ecodigital validate')"
    return InputError(_where(path, root, loc), _format_loc(loc), problem, fix)


def validation_messages(exc: ValidationError, path: Path, raw: dict[str, Any], root: Any) -> list[str]:
    """Every problem of a validation error, one line each (for ``validate``)."""
    lines = []
    for error in exc.errors():
        loc = _user_loc(error["loc"])
        parent = _lookup(raw, loc[:-1]) if error["type"] == "extra_forbidden" else None
        problem, fix = _describe(error, parent, loc)
        lines.append(str(InputError(_where(path, root, loc), _format_loc(loc), problem, fix)))
    return lines


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
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return f"{path}:{line}" if line else str(path)


def _suggest(value: object, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{matches[0]}"?)' if matches else ""


_BOUND_WORDS = {
    "greater_than": "greater than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "at most",
}


def _describe(
    error: Any, parent: Any, loc: Sequence[str | int]
) -> tuple[str, str | None]:
    """A user's wording of one pydantic error: (problem, fix)."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else "value"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(parent, loc)
        return (
            f'unknown key "{name}"{_suggest(name, allowed)}',
            "remove it or correct its name (see docs/dossier.md)",
        )
    if kind == "missing":
        return "is required", f"add {name}"
    if kind == "union_tag_invalid":
        return (
            f'"{value}" is not a known kind{_suggest(value, ITEM_KINDS)}'
            if "kind" in str(ctx.get("discriminator", ""))
            else f"{value!r} is not valid",
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
        return f"must be {_BOUND_WORDS[kind]} {bound}, got {value!r}", None
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        return f"{value!r} is not a {'whole ' if 'int' in kind else ''}number", "write a plain number"
    if kind == "string_pattern_mismatch":
        return f"{value!r} has characters that are not allowed", "use lower-case letters, digits, '.', '_' or '-'"
    if kind in {"string_too_short", "string_too_long"}:
        return f"is too {'short' if 'short' in kind else 'long'}", None
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        return message, None
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type", "tuple_type"}:
        expected = {"list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping"}.get(
            kind, "a mapping"
        )
        return f"must be {expected}, got {type(value).__name__}", None
    if kind == "too_short" or kind == "too_long":
        return str(error.get("msg", "wrong length")), None
    return str(error.get("msg", "invalid value")), None


def _allowed_keys(parent: Any, loc: Sequence[str | int]) -> list[str]:
    from ecodigital.dossier.model import Beneficiary, InventoryCsv, Measurement, Project

    if len(loc) >= 2 and loc[0] == "measurements":
        return list(Measurement.model_fields)

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
