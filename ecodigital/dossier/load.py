"""Read a dossier file (YAML, inventory optionally in CSV) into a validated model.

The YAML goes through the strict loader of :mod:`ecodigital.yamlio` (depth,
alias and duplicate-key guards), the model through pydantic, a CSV inventory
through :mod:`ecodigital.dossier.inventory_csv`; every error is an
:class:`InputError` naming the file, the line, the field path and the fix
(worded by :mod:`ecodigital.dossier.wording`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.dossier.aliases import suggest
from ecodigital.dossier.items import ITEM_COLUMNS, normalise_items, ranges_frame
from ecodigital.dossier.model import Dossier
from ecodigital.dossier.uncertain import split_ranges
from ecodigital.errors import InputError
from ecodigital.fileio import INPUT_LIMITS, confine, read_input_text
from ecodigital.i18n import Msg
from ecodigital.yamlio import MAX_EXPANDED_NODES, load_yaml, where

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ITEM_COLUMNS",
    "MAX_DOSSIER_BYTES",
    "MAX_EXPANDED_NODES",
    "CheckedDossier",
    "LoadedDossier",
    "check_dossier_text",
    "load_dossier",
    "parse_dossier_text",
    "parse_dossier_yaml",
]

#: Largest dossier YAML read by default (``ECODIGITAL_MAX_DOSSIER_MB`` raises it).
MAX_DOSSIER_BYTES = INPUT_LIMITS["dossier"]


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
    #: The YAML text, to find the line of a field in a later error.
    source: str | None = field(default=None, repr=False)
    #: The dossier as a note embedded it, when it was read from one: it stands
    #: alone already, and a note written again from it embeds it unchanged.
    embedded: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def horizon_years(self) -> int:
        return self.model.project.horizon_years

    def where(self, loc: Sequence[str | int]) -> str:
        """``dossier:line`` of the field at ``loc`` (the dossier's name alone if unknown)."""
        if self.source is None:
            return str(self.path)
        try:
            return load_yaml(self.source, self.path).where(loc)
        except InputError:  # pragma: no cover - the text was loaded once already
            return str(self.path)


def load_dossier(path: str | Path) -> LoadedDossier:
    """Load and validate the dossier at ``path`` (and its CSV inventory, if any)."""
    path = Path(path)
    return parse_dossier_text(read_input_text(path, "dossier"), path)


def parse_dossier_yaml(text: str, path: Path) -> tuple[dict[str, Any], Any]:
    """The dossier's YAML data (a mapping with a supported format) and its node tree."""
    document = load_yaml(text, path)
    raw, root = document.data, document.root
    if not isinstance(raw, dict):
        raise InputError(
            str(path), None, Msg("dossier.not_dossier"), Msg("dossier.not_dossier_fix")
        )
    fmt = raw.get("format")
    if fmt != "ecodigital/1":
        raise InputError(
            where(path, root, ("format",)),
            "format",
            Msg("input.format_unsupported", {"value": str(fmt)})
            if fmt is not None
            else Msg("dossier.required"),
            Msg("dossier.format_fix"),
        )
    return raw, root


def parse_dossier_text(text: str, path: Path) -> LoadedDossier:
    """Validate dossier ``text``; ``path`` names it in errors and anchors relative paths."""
    return check_dossier_text(text, path).loaded()


@dataclass(frozen=True)
class CheckedDossier:
    """A dossier that passed every check of its own, before its items become a table.

    An inline inventory is kept as ``records`` (one mapping per item, as the
    model gives it, ranges split out into ``found``); a CSV inventory is read
    into its tables (``items``, ``ranges``) at once. :meth:`loaded` gives the
    :class:`LoadedDossier` the engine takes.
    """

    path: Path
    model: Dossier
    raw: dict[str, Any] = field(repr=False)
    source: str = field(repr=False)
    records: list[dict[str, Any]] | None = None
    found: list[tuple[Any, ...]] = field(default_factory=list)
    inventory_path: Path | None = None
    items: pd.DataFrame | None = None
    ranges: pd.DataFrame | None = None

    def loaded(self) -> LoadedDossier:
        items, ranges = self.items, self.ranges
        if self.records is not None:
            items = _items_frame(self.records, self.model.project.country)
            ranges = ranges_frame(self.found)
        assert items is not None
        return LoadedDossier(
            self.path, self.model, items, self.raw, self.inventory_path, ranges, self.source
        )


def check_dossier_text(text: str, path: Path) -> CheckedDossier:
    """Every check of :func:`parse_dossier_text`, an inline inventory left as records
    (no table is built: ``validate`` of a YAML dossier loads neither numpy nor pandas)."""
    from pydantic import ValidationError

    from ecodigital.dossier.wording import input_error

    raw, root = parse_dossier_yaml(text, path)
    try:
        model = Dossier.model_validate(raw)
    except ValidationError as exc:
        raise input_error(exc, path, raw, root) from None

    horizon = model.project.horizon_years
    if isinstance(model.inventory, list):
        records, found = split_ranges(item.model_dump() for item in model.inventory)
        _check_items(path, root, records, horizon)
        _check_measurements(path, root, model, [str(r["id"]) for r in records])
        return CheckedDossier(path, model, raw, text, records=list(records), found=list(found))
    from ecodigital.dossier.inventory_csv import read_inventory_csv

    inventory_path = confine(
        path.parent,
        model.inventory.csv,
        where=where(path, root, ("inventory", "csv")),
        field_name="inventory.csv",
        allow_outside=False,
    )
    items, ranges = read_inventory_csv(inventory_path, horizon, model.project.country)
    if model.measurements:  # the ids of a large inventory listed only when needed
        _check_measurements(path, root, model, [str(i) for i in items["id"]])
    return CheckedDossier(
        path, model, raw, text, inventory_path=inventory_path, items=items, ranges=ranges
    )


def _check_measurements(path: Path, root: Any, model: Dossier, ids: list[str]) -> None:
    """Every measurement names an inventory item, and each item is measured once."""
    seen: dict[str, int] = {}
    for index, measurement in enumerate(model.measurements):
        loc: tuple[str | int, ...] = ("measurements", index, "item")
        if measurement.item not in ids:
            raise InputError(
                where(path, root, loc),
                f"measurements[{index}].item",
                Msg(
                    "dossier.measured_unknown",
                    {"value": measurement.item, "suggestion": suggest(measurement.item, ids)},
                ),
                Msg("dossier.measured_unknown_fix"),
            )
        if measurement.item in seen:
            raise InputError(
                where(path, root, loc),
                f"measurements[{index}].item",
                Msg(
                    "dossier.measured_twice",
                    {"value": measurement.item, "other": f"measurements[{seen[measurement.item]}]"},
                ),
                Msg("dossier.measured_twice_fix"),
            )
        seen[measurement.item] = index


def _check_items(path: Path, root: Any, items: Sequence[dict[str, Any]], horizon: int) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        loc: tuple[str | int, ...] = ("inventory", index)
        if item["id"] in seen:
            raise InputError(
                where(path, root, (*loc, "id")),
                f"inventory[{index}].id",
                Msg(
                    "dossier.duplicate_id",
                    {"value": item["id"], "other": f"inventory[{seen[item['id']]}]"},
                ),
                Msg("dossier.duplicate_id_fix"),
            )
        seen[item["id"]] = index
        years = item.get("years")
        if years is not None and years[1] > horizon:
            raise InputError(
                where(path, root, (*loc, "years")),
                f"inventory[{index}].years",
                Msg("dossier.after_horizon", {"year": years[1], "horizon": horizon}),
                Msg("dossier.after_horizon_fix", {"horizon": horizon}),
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
    return normalise_items(frame, country)
