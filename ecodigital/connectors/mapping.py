"""The mappings of the connectors, as data: bundled YAML files a user file can override.

Each format that maps names to kinds and factors (asset inventories' model
names, NumEcoEval's equipment types, Boavizta's archetypes) reads its table
from ``data/<name>.yaml`` beside this module. ``ecodigital import
--show-mapping FORMAT`` prints it; ``--mapping FILE`` layers a user's file
over it: its rules come first (so they win), its column names are tried
first, and its other keys replace the bundled ones.

A mapping rule is ``{match: PATTERN, kind: KIND}`` with an optional
``factor``: ``PATTERN`` is a shell-style pattern (``*`` any text, ``?`` one
character), compared without regard to case or repeated spaces.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg
from ecodigital.yamlio import suggest

__all__ = [
    "MAPPED_FORMATS",
    "MAX_MAPPING_BYTES",
    "Rule",
    "first_match",
    "load_mapping",
    "mapping_yaml",
    "normalise",
    "read_data",
]

#: Formats with a mapping table, and the data file holding it.
MAPPED_FORMATS: Final = {
    "glpi": "inventory.yaml",
    "ocs": "inventory.yaml",
    "numecoeval": "numecoeval.yaml",
    "boavizta": "boavizta.yaml",
}
MAX_MAPPING_BYTES: Final = 2 * 1024 * 1024
_RULE_LISTS: Final = ("models", "types", "kinds")


@dataclass(frozen=True)
class Rule:
    """One line of a mapping: a name pattern and the kind (and factor) it stands for."""

    match: str
    kind: str
    factor: str | None = None
    origin: str = "bundled"

    def matches(self, name: str) -> bool:
        return fnmatch.fnmatchcase(normalise(name), normalise(self.match))


def normalise(name: str) -> str:
    """Lower case, single spaces, no spaces at the ends."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def first_match(rules: Sequence[Rule], name: str) -> Rule | None:
    """The first rule whose pattern matches ``name``."""
    if not name.strip():
        return None
    return next((rule for rule in rules if rule.matches(name)), None)


def read_data(name: str) -> dict[str, Any]:
    """A bundled data file of the connectors, as plain data."""
    import yaml

    text = (resources.files("ecodigital.connectors") / "data" / name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):  # pragma: no cover - a broken installation
        raise ValueError(f"bundled mapping {name} is not a mapping")
    return data


def load_mapping(fmt: str, user_file: str | Path | None = None) -> dict[str, Any]:
    """The mapping of ``fmt``, with ``user_file`` layered over it (see the module docstring)."""
    mapping = read_data(MAPPED_FORMATS[fmt])
    for key in _RULE_LISTS:
        if key in mapping:
            mapping[key] = [_rule(entry, MAPPED_FORMATS[fmt], key, i) for i, entry in
                            enumerate(mapping[key])]  # fmt: skip
    if user_file is None:
        return mapping
    user = _read_user_file(Path(user_file))
    for key, value in user.items():
        if key in _RULE_LISTS:
            if not isinstance(value, list):
                raise InputError(str(user_file), key, Msg("connectors.input.rules_list"),
                                 Msg("connectors.input.rules_list_fix"))  # fmt: skip
            rules = [_rule(entry, str(user_file), key, i, "user") for i, entry in enumerate(value)]
            mapping[key] = rules + list(mapping.get(key, []))
        elif key == "columns" and isinstance(value, Mapping):
            columns = dict(mapping.get("columns", {}))
            for fmt_name, fields in value.items():
                merged = dict(columns.get(fmt_name, {}))
                for field_name, aliases in (fields or {}).items():
                    names = [aliases] if isinstance(aliases, str) else list(aliases or [])
                    merged[field_name] = names + list(merged.get(field_name, []))
                columns[fmt_name] = merged
            mapping["columns"] = columns
        else:
            mapping[key] = value
    return mapping


def _read_user_file(path: Path) -> dict[str, Any]:
    from ecodigital.fileio import read_text_limited
    from ecodigital.yamlio import load_yaml

    text = read_text_limited(path, max_bytes=MAX_MAPPING_BYTES, what="mapping file")
    # a user's file: the guarded loader (depth, aliases, duplicate keys)
    data = load_yaml(text, path).data
    if not isinstance(data, dict):
        raise InputError(
            str(path),
            None,
            Msg("connectors.input.not_mapping"),
            Msg("connectors.input.mapping_fix"),
        )
    return data


def _rule(entry: Any, file: str, key: str, index: int, origin: str = "bundled") -> Rule:
    from ecodigital.vocabulary import ITEM_KINDS

    if isinstance(entry, Rule):
        return entry
    if not isinstance(entry, Mapping) or not isinstance(entry.get("match"), str):
        raise InputError(file, f"{key}[{index}]", Msg("connectors.input.rule_shape"),
                         Msg("connectors.input.rule_shape_fix"))  # fmt: skip
    kind = entry.get("kind")
    if kind not in ITEM_KINDS:
        raise InputError(
            file,
            f"{key}[{index}].kind",
            Msg(
                "dossier.unknown_kind",
                {"value": str(kind), "suggestion": suggest(kind, ITEM_KINDS)},
            ),
            Msg("dossier.choices_fix", {"choices": list(ITEM_KINDS)}),
        )
    factor = entry.get("factor")
    return Rule(str(entry["match"]), str(kind), str(factor) if factor else None, origin)


def mapping_yaml(fmt: str, user_file: str | Path | None = None) -> str:
    """The effective mapping of ``fmt`` as YAML (``--show-mapping``)."""
    import yaml

    mapping = load_mapping(fmt, user_file)
    shown: dict[str, Any] = {"format": fmt}
    for key, value in mapping.items():
        if key == "columns" and isinstance(value, Mapping) and fmt in value:
            shown["columns"] = value[fmt]
        elif key == "columns":
            continue
        elif key in _RULE_LISTS:
            shown[key] = [
                {
                    k: v
                    for k, v in (
                        ("match", r.match),
                        ("kind", r.kind),
                        ("factor", r.factor),
                        ("from", r.origin),
                    )
                    if v is not None
                }
                for r in value
            ]
        else:
            shown[key] = value
    return yaml.safe_dump(shown, sort_keys=False, allow_unicode=True, width=100)
