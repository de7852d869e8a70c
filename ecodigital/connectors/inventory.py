"""Asset inventories exported as CSV (GLPI, OCS Inventory NG): model names to items.

One asset a row. Its model name is looked up in the mapping's ``models``
rules, then its type in ``types`` (``data/inventory.yaml``, overridable with
``--mapping``); assets of one kind, factor and model become one item whose
``quantity`` is their count, with a trace naming the file, the rows and the
column read. A row whose model and type no rule knows is not guessed: it is
returned as :class:`~ecodigital.connectors.model.Unmapped`, one entry per
unknown model name, with the rule to add.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecodigital.connectors.files import CsvTable, read_csv
from ecodigital.connectors.mapping import Rule, first_match, load_mapping
from ecodigital.connectors.model import ImportedItem, ImportResult, Trace, Unmapped, unique_ids
from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = ["map_inventory", "read_inventory"]


def read_inventory(path: Path, fmt: str, mapping_file: Path | None = None) -> ImportResult:
    """Read a GLPI or OCS Inventory CSV export (``fmt`` is ``glpi`` or ``ocs``)."""
    return map_inventory(read_csv(path), fmt, load_mapping(fmt, mapping_file))


def map_inventory(table: CsvTable, fmt: str, mapping: Mapping[str, Any]) -> ImportResult:
    """Map an export's rows to items (pure: the table and the mapping in, a result out)."""
    columns = mapping.get("columns", {}).get(fmt, {})
    model_col = table.column(list(columns.get("model", [])))
    type_col = table.column(list(columns.get("type", [])))
    maker_col = table.column(list(columns.get("manufacturer", [])))
    if model_col is None and type_col is None:
        expected = ", ".join(
            f'"{n}"' for n in [*columns.get("model", []), *columns.get("type", [])]
        )
        raise InputError(
            str(table.path),
            "row 1",
            Msg("connectors.inventory.no_model_column", {"expected": expected}),
            Msg("connectors.inventory.no_model_column_fix", {"fmt": fmt}),
        )
    models: list[Rule] = list(mapping.get("models", []))
    types: list[Rule] = list(mapping.get("types", []))
    groups: dict[tuple[str, str | None, str], dict[str, Any]] = {}
    unknown: dict[str, list[int]] = {}
    name = table.path.name
    for row, line in zip(table.rows, table.lines, strict=True):
        model = row.get(model_col, "") if model_col else ""
        kind_of = row.get(type_col, "") if type_col else ""
        rule = first_match(models, model)
        field_name = model_col
        label = model
        if rule is None:
            rule = first_match(types, kind_of)
            field_name, label = type_col, kind_of
        if rule is None:
            unknown.setdefault(model or kind_of, []).append(line)
            continue
        maker = row.get(maker_col, "").strip() if maker_col else ""
        key = (rule.kind, rule.factor, label.strip())
        group = groups.setdefault(
            key, {"lines": [], "field": field_name, "maker": maker, "label": label.strip()}
        )
        group["lines"].append(line)
    result = ImportResult(fmt=fmt, source=name, rows_read=len(table.rows))
    ids = unique_ids(f"{kind}-{label}" for (kind, _, label) in groups)
    for item_id, ((kind, factor, label), group) in zip(ids, groups.items(), strict=True):
        fields: dict[str, Any] = {"id": item_id, "kind": kind, "quantity": len(group["lines"])}
        if factor:
            fields["factor"] = factor
        described = " ".join(part for part in (group["maker"], label) if part)
        if described:
            fields["description"] = described
        trace = Trace(name, tuple(group["lines"]), (str(group["field"]),), label)
        result.items.append(ImportedItem(fields, trace))
    for value, lines in unknown.items():
        shown = value or "—"
        fields_read = tuple(c for c in (model_col, type_col) if c)
        result.unmapped.append(
            Unmapped(
                Trace(name, tuple(lines), fields_read, shown),
                Msg("connectors.inventory.unknown_model", {"value": shown, "n": len(lines)}),
                Msg("connectors.inventory.unknown_model_fix", {"value": value or "*"}),
            )
        )
    return result
