"""``ecodigital validate``: every problem of a dossier, or a one-line OK."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecodigital.errors import InputError
from ecodigital.i18n import Msg, text

__all__ = ["Summary", "validate_dossier"]


@dataclass(frozen=True)
class _Problems(Msg):
    """Several problems, one a line, worded in the language of the message."""

    errors: tuple[InputError, ...] = ()

    def render(self, lang: str) -> str:
        lines = [error.message(lang) for error in self.errors]
        return text("input.problems", lang, n=len(lines)) + "\n" + "\n".join(lines)


@dataclass(frozen=True)
class Summary(Msg):
    """A valid dossier in one line, worded in the reader's language."""

    path: str = ""
    counts: tuple[tuple[str, int], ...] = ()
    items: int = 0
    units: int = 0
    horizon: int = 0
    start_year: int = 0

    def render(self, lang: str) -> str:
        from ecodigital.i18n import label
        from ecodigital.i18n.format import format_count

        by_kind = ", ".join(
            text(
                "validate.kind_count",
                lang,
                count=format_count(count, lang),
                kind=label(f"kind_{kind}", lang),
            )
            for kind, count in self.counts
        )
        return text(
            "validate.ok",
            lang,
            path=self.path,
            items=text("validate.items", lang, n=self.items, count=format_count(self.items, lang)),
            kinds=by_kind,
            units=text("validate.units", lang, n=self.units, count=format_count(self.units, lang)),
            horizon=text("validate.horizon", lang, n=self.horizon, start=self.start_year),
        )


def validate_dossier(path: Path, factors_path: Path | None = None) -> Summary:
    """A one-line summary of a valid dossier; raises :class:`InputError` otherwise.

    Unlike the other commands, which stop at the first problem, the error of an
    invalid YAML dossier lists every field problem, one per line. The file is
    read once, through the same strict reader and YAML loader as every command.
    The factor ids the dossier names are checked against the reference dataset,
    with the rows of ``factors_path`` layered over it.
    """
    from ecodigital.assessment.point import check_factor_ids, check_factor_records
    from ecodigital.dossier.load import check_dossier_text
    from ecodigital.fileio import read_input_text

    source = read_input_text(path, "dossier")
    try:
        checked = check_dossier_text(source, Path(path))
    except InputError:
        problems = _all_problems(source, Path(path))
        if len(problems) <= 1:
            raise
        raise InputError(None, None, _Problems("input.problems", errors=tuple(problems))) from None
    project = checked.model.project
    if checked.records is not None and factors_path is None:
        # an inline inventory and the shipped dataset: checked in plain Python, no table
        from ecodigital.factors.database import reference_bases

        records = checked.records
        check_factor_records(checked.path, records, project.country, reference_bases())
        kinds = [str(r["kind"]) for r in records]
        quantities = [r.get("quantity") for r in records]
    else:
        from ecodigital.factors.database import load_factors

        loaded = checked.loaded()
        check_factor_ids(loaded, load_factors(factors_path))
        kinds = [str(k) for k in loaded.items["kind"]]
        quantities = loaded.items["quantity"].tolist()
    return Summary(
        "validate.ok",
        path=str(path),
        counts=_kind_counts(kinds),
        items=len(kinds),
        units=_units(quantities),
        horizon=project.horizon_years,
        start_year=project.start_year,
    )


def _kind_counts(kinds: list[str]) -> tuple[tuple[str, int], ...]:
    """Items of each kind, the most frequent first (ties in order of first appearance)."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return tuple(sorted(counts.items(), key=lambda pair: -pair[1]))


def _units(quantities: list[Any]) -> int:
    """The items' units summed (a quantity not given counts one), whole units."""
    import math

    given = [1.0 if q is None or q != q else float(q) for q in quantities]
    return int(math.fsum(given))


def _all_problems(source: str, path: Path) -> list[InputError]:
    """Every pydantic problem of a dossier whose YAML loads (empty otherwise)."""
    from pydantic import ValidationError

    from ecodigital.dossier.load import parse_dossier_yaml
    from ecodigital.dossier.model import Dossier
    from ecodigital.dossier.wording import validation_errors

    try:
        raw, root = parse_dossier_yaml(source, path)
        Dossier.model_validate(raw)
    except ValidationError as exc:
        return validation_errors(exc, path, raw, root)
    except InputError:
        return []
    return []
