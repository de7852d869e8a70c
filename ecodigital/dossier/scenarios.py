"""Check a dossier's scenarios against its items and turn them into engine changes.

Every problem is an :class:`InputError` naming the dossier, the line, the
field path (``scenarios[0].changes[1].set.lifetim_years``) and the fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

from ecodigital.dossier.aliases import KindName
from ecodigital.dossier.uncertain import RANGE_FIELDS, Range, check_range_bounds
from ecodigital.errors import FieldProblem, InputError
from ecodigital.i18n import Msg

if TYPE_CHECKING:
    from ecodigital.dossier.load import LoadedDossier
    from ecodigital.engine.scenarios import Change

__all__ = ["SETTABLE_FIELDS", "scenario_changes"]

#: Item fields a scenario may set.
SETTABLE_FIELDS = (*RANGE_FIELDS, "replicas", "location", "factor", "media", "access")
#: Item fields a scenario may match on.
MATCH_FIELDS = ("id", "kind", "location", "factor", "media", "access", "tier", "provider")


def scenario_changes(loaded: LoadedDossier, index: int) -> list[Change]:
    """The changes of ``scenarios[index]``, checked against the dossier's items."""
    import numpy as np
    from pydantic import TypeAdapter, ValidationError

    from ecodigital.dossier.items import MODEL_BY_KIND
    from ecodigital.dossier.wording import describe
    from ecodigital.engine.scenarios import Change

    scenario = loaded.model.scenarios[index]
    items = loaded.items
    ids = items["id"].astype(str)
    kinds = items["kind"].to_numpy()
    changes = []
    for number, change in enumerate(scenario.changes):
        loc: tuple[str | int, ...] = ("scenarios", index, "changes", number)
        if change.item is not None:
            rows = (ids == change.item).to_numpy()
            if not rows.any():
                raise _error(
                    loaded,
                    (*loc, "item"),
                    Msg(
                        "dossier.scenario.no_item",
                        {"value": change.item, "suggestion": _suggest(change.item, ids)},
                    ),
                    Msg("dossier.scenario.no_item_fix"),
                )
        else:
            assert change.match is not None
            rows = np.ones(len(items), dtype=bool)
            for key, wanted in change.match.items():
                if key not in MATCH_FIELDS:
                    raise _error(
                        loaded,
                        (*loc, "match", key),
                        Msg(
                            "dossier.scenario.bad_match",
                            {"value": key, "suggestion": _suggest(key, MATCH_FIELDS)},
                        ),
                        Msg("dossier.scenario.bad_match_fix", {"fields": list(MATCH_FIELDS)}),
                    )
                rows &= (items[key].astype(str) == str(wanted)).to_numpy()
            if not rows.any():
                raise _error(
                    loaded,
                    (*loc, "match"),
                    Msg("dossier.scenario.matches_none", {"match": _show_match(change.match)}),
                    Msg("dossier.scenario.matches_none_fix"),
                )
        for name, value in change.set.items():
            where = (*loc, "set", name)
            if name not in SETTABLE_FIELDS:
                raise _error(
                    loaded,
                    where,
                    Msg(
                        "dossier.scenario.bad_set",
                        {"value": name, "suggestion": _suggest(name, SETTABLE_FIELDS)},
                    ),
                    Msg("dossier.scenario.bad_set_fix", {"fields": list(SETTABLE_FIELDS)}),
                )
            if name not in items.columns:  # pragma: no cover - every settable field is a column
                raise _error(loaded, where, Msg("dossier.scenario.bad_set_fix", {"fields": []}))
            checked: Any = None
            for kind in dict.fromkeys(kinds[rows]):
                info = MODEL_BY_KIND[kind].model_fields.get(name)
                if info is None:
                    raise _error(
                        loaded,
                        where,
                        Msg("dossier.scenario.not_for_kind", {"kind": KindName(kind)}),
                        Msg("dossier.scenario.not_for_kind_fix"),
                    )
                try:
                    checked = TypeAdapter(
                        cast(Any, Annotated[info.annotation, info])
                    ).validate_python(value)
                    if isinstance(checked, Range):
                        check_range_bounds(checked, info)
                except ValidationError as exc:
                    problem, fix = describe(exc.errors()[0], None, where)
                    raise _error(loaded, where, problem, fix) from None
                except FieldProblem as exc:
                    raise _error(loaded, where, exc.problem, exc.fix) from None
            if isinstance(checked, Range):
                spread = (checked.shape, checked.low, _mode(checked), checked.high)
                changes.append(Change(name, rows, checked.central, spread))
            else:
                changes.append(Change(name, rows, checked))
    return changes


def _mode(spec: Range) -> float:
    return spec.mode if spec.mode is not None else float("nan")


def _error(
    loaded: LoadedDossier,
    loc: tuple[str | int, ...],
    problem: str | Msg,
    fix: str | Msg | None = None,
) -> InputError:
    from ecodigital.dossier.wording import format_loc

    return InputError(loaded.where(loc), format_loc(loc), problem, fix)


def _suggest(value: str, choices: Any) -> Msg | str:
    from ecodigital.dossier.aliases import suggest

    return suggest(value, choices)


def _show_match(match: dict[str, Any]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in match.items())
