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

from ecodigital.dossier.aliases import suggest
from ecodigital.dossier.model import UNION_TAGS
from ecodigital.dossier.uncertain import RANGE_FIELDS
from ecodigital.errors import FieldProblem, InputError
from ecodigital.i18n import Msg
from ecodigital.vocabulary import ITEM_KINDS
from ecodigital.yamlio import where

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
    problem = (error.get("ctx") or {}).get("error")
    if isinstance(problem, FieldProblem):  # a model's check names the field it is about
        loc = (*loc, *problem.loc)
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
#: Fields that are a share between 0 and 1 (a user may write them in percent).
SHARE_FIELDS = frozenset({"allocation"})
_NUMBER_ERRORS = frozenset(
    {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}
)
#: pydantic's error types that say what a value should be: the key of the words.
_EXPECTED = {
    "string_type": "text",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "list_type": "list",
    "tuple_type": "list",
    "set_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "decimal_parsing": "number",
    "decimal_type": "number",
}


def describe(
    error: Any, parent: Any, loc: Sequence[str | int]
) -> tuple[str | Msg, str | Msg | None]:
    """A user's wording of one pydantic error: (problem, fix), never pydantic's own text."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else "value"
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), name)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(parent, loc)
        topic = "finance" if loc[:1] in {("budget",), ("applicant",)} else "dossier"
        return (
            Msg("dossier.unknown_key", {"name": name, "suggestion": suggest(name, allowed)}),
            Msg("dossier.unknown_key_fix", {"topic": topic}),
        )
    if kind == "missing":
        return Msg("dossier.required"), Msg("dossier.required_fix", {"name": name})
    if kind == "union_tag_invalid":
        tag = ctx.get("tag", value)
        return (
            Msg(
                "dossier.unknown_kind", {"value": str(tag), "suggestion": suggest(tag, ITEM_KINDS)}
            ),
            Msg("dossier.kinds_fix"),
        )
    if kind == "union_tag_not_found":
        return Msg("dossier.no_kind"), Msg("dossier.no_kind_fix", {"kinds": list(ITEM_KINDS)})
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return (
            Msg(
                "dossier.not_allowed", {"value": str(value), "suggestion": suggest(value, choices)}
            ),
            Msg("dossier.choices_fix", {"choices": choices}),
        )
    if kind in _BOUND_WORDS:
        bound = next(iter(ctx.values()), "?")
        percent = _percent_share(field, value)
        if percent is not None:
            return percent
        words = Msg(f"input.value.words.{kind}")
        params = {"words": words, "bound": show_value(bound), "value": show_value(value)}
        return Msg("input.value.out_of_bounds", params), Msg("input.value.bound_fix")
    if kind == "finite_number":
        return (
            Msg("input.value.not_finite", {"value": show_value(value)}),
            Msg("input.value.not_finite_fix"),
        )
    if kind in _NUMBER_ERRORS:
        return _not_a_number(field, value, whole="int" in kind)
    if kind == "string_pattern_mismatch":
        return (
            Msg("dossier.bad_characters", {"value": str(value)}),
            Msg("dossier.slug_fix"),
        )
    if kind == "string_too_short":
        return Msg("dossier.empty"), Msg("dossier.empty_fix")
    if kind == "string_too_long":
        limit = ctx.get("max_length", "?")
        return Msg("dossier.too_long", {"limit": limit}), Msg(
            "dossier.too_long_fix", {"limit": limit}
        )
    if kind == "value_error":
        problem = ctx.get("error")
        if isinstance(problem, FieldProblem):
            return problem.problem, problem.fix
        return Msg("dossier.invalid", {"value": _shown_input(value)}), Msg("dossier.invalid_fix")
    if kind in {"too_short", "too_long"}:
        key = "too_few" if kind == "too_short" else "too_many"
        limit = ctx.get("min_length" if kind == "too_short" else "max_length", "?")
        return Msg(f"dossier.{key}", {"n": limit}), None
    if kind in _EXPECTED:
        expected = Msg(f"dossier.expected.{_EXPECTED[kind]}")
        got = Msg(f"dossier.got.{_type_word(value)}")
        return Msg("dossier.wrong_type", {"expected": expected, "got": got}), _type_fix(kind)
    return Msg("dossier.invalid", {"value": _shown_input(value)}), Msg("dossier.invalid_fix")


def _percent_share(field: str, value: object) -> tuple[Msg, Msg] | None:
    """``allocation: 20``: a share written in percent, and the share it means."""
    if field not in SHARE_FIELDS or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if not 1 < value <= 100:
        return None
    share = show_value(round(value / 100, 6))
    words = Msg("input.value.words.less_than_equal")
    return (
        Msg(
            "input.value.out_of_bounds", {"words": words, "bound": "1", "value": show_value(value)}
        ),
        Msg("dossier.percent_fix", {"share": share, "value": show_value(value), "name": field}),
    )


def _not_a_number(field: str, value: object, whole: bool) -> tuple[Msg, Msg]:
    """A value that is not a number: a percent, French notation, or something else."""
    from ecodigital.i18n.numbers import read_number

    written = str(value).strip() if isinstance(value, str) else None
    if written is not None and written.endswith("%"):
        number = read_number(written.removesuffix("%").strip())
        if number is not None and field in SHARE_FIELDS:
            share = show_value(round(number / 100, 6))
            return (
                Msg("dossier.not_number", {"value": written}),
                Msg(
                    "dossier.percent_fix",
                    {"share": share, "value": show_value(number), "name": field},
                ),
            )
    if written is not None:
        number = read_number(written)
        if number is not None:
            return (
                Msg("dossier.french_number", {"value": written}),
                Msg("dossier.french_number_fix", {"number": show_value(number)}),
            )
    key = "dossier.not_whole" if whole else "dossier.not_number"
    return Msg(key, {"value": _shown_input(value)}), Msg("dossier.number_fix")


def _type_word(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if value is None:
        return "nothing"
    return "other"


def _type_fix(kind: str) -> Msg:
    return Msg(f"dossier.expected_fix.{_EXPECTED[kind]}")


def _shown_input(value: object) -> str:
    shown = show_value(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


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
