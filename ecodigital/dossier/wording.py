"""The words of a dossier's errors: pydantic's validation errors as a user reads them.

Each error names the file and line (found in the YAML node tree), the field
path as the user wrote it (``inventory[3].kind``, without the union tags
pydantic adds) and the fix; a misspelt key gets a "did you mean".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.dossier.model import UNION_TAGS
from ecodigital.dossier.uncertain import RANGE_FIELDS
from ecodigital.errors import InputError
from ecodigital.i18n import Msg
from ecodigital.vocabulary import ITEM_KINDS
from ecodigital.yamlio import suggest, where

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "describe",
    "format_loc",
    "input_error",
    "show_value",
    "validation_errors",
]

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


def input_error(exc: ValidationError, path: Path, raw: dict[str, Any], root: Any) -> InputError:
    # A misspelt key also makes the right key "missing": report the misspelling.
    errors = _relevant_errors(exc.errors())
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = _error_loc(error)
    parent = _lookup(raw, loc[:-1]) if error["type"] == "extra_forbidden" else None
    problem, fix = describe(error, parent, loc)
    if len(errors) > 1:
        problem = Msg("input.and_more", {"problem": problem, "n": len(errors) - 1})
    return InputError(where(path, root, loc), format_loc(loc), problem, fix)


def validation_errors(
    exc: ValidationError, path: Path, raw: dict[str, Any], root: Any
) -> list[InputError]:
    """Every problem of a validation error, one error each (for ``validate``)."""
    errors = []
    for error in _relevant_errors(exc.errors()):
        loc = _error_loc(error)
        parent = _lookup(raw, loc[:-1]) if error["type"] == "extra_forbidden" else None
        problem, fix = describe(error, parent, loc)
        errors.append(InputError(where(path, root, loc), format_loc(loc), problem, fix))
    return errors


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


def format_loc(loc: Sequence[str | int]) -> str | None:
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


_BOUND_WORDS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def describe(
    error: Any, parent: Any, loc: Sequence[str | int]
) -> tuple[str | Msg, str | Msg | None]:
    """A user's wording of one pydantic error: (problem, fix)."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else "value"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(parent, loc)
        doc = "docs/finance.md" if loc[:1] in {("budget",), ("applicant",)} else "docs/dossier.md"
        return (
            f'unknown key "{name}"{suggest(name, allowed)}',
            f"remove it or correct its name (see {doc})",
        )
    if kind == "missing":
        return "is required", f"add {name}"
    if kind == "union_tag_invalid":
        tag = ctx.get("tag", value)
        return (
            f'"{tag}" is not a known kind{suggest(tag, ITEM_KINDS)}',
            'run "ecodigital factors list" to see the kinds',
        )
    if kind == "union_tag_not_found":
        return "has no kind", f"add kind: one of {', '.join(ITEM_KINDS)}"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return (
            f"{value!r} is not allowed{suggest(value, choices)}",
            f"use one of: {', '.join(choices)}",
        )
    if kind in _BOUND_WORDS:
        bound = next(iter(ctx.values()), "?")
        words = Msg(f"input.value.words.{kind}")
        params = {"words": words, "bound": show_value(bound), "value": show_value(value)}
        return Msg("input.value.out_of_bounds", params), Msg("input.value.bound_fix")
    if kind == "finite_number":
        return (
            Msg("input.value.not_finite", {"value": show_value(value)}),
            Msg("input.value.not_finite_fix"),
        )
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


def show_value(value: object) -> str:
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
    from ecodigital.dossier.items import MODEL_BY_KIND
    from ecodigital.dossier.model import Beneficiary, Dossier, InventoryCsv, Measurement, Project
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
        if isinstance(parent, dict) and parent.get("kind") in MODEL_BY_KIND:
            return list(MODEL_BY_KIND[parent["kind"]].model_fields)
        return []
    if loc[:1] == ("inventory",):
        return list(InventoryCsv.model_fields)
    if loc[:2] == ("project", "beneficiary"):
        return list(Beneficiary.model_fields)
    if loc[:1] == ("project",):
        return list(Project.model_fields)
    return list(Dossier.model_fields)
