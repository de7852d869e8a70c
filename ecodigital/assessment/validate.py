"""``ecodigital validate``: every problem of a dossier, or a one-line OK."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecodigital.errors import InputError
from ecodigital.i18n import Msg, text

__all__ = ["validate_dossier"]


@dataclass(frozen=True)
class _Problems(Msg):
    """Several problems, one a line, worded in the language of the message."""

    errors: tuple[InputError, ...] = ()

    def render(self, lang: str) -> str:
        lines = [error.message(lang) for error in self.errors]
        return text("input.problems", lang, n=len(lines)) + "\n" + "\n".join(lines)


def validate_dossier(path: Path, factors_path: Path | None = None) -> str:
    """A one-line summary of a valid dossier; raises :class:`InputError` otherwise.

    Unlike the other commands, which stop at the first problem, the error of an
    invalid YAML dossier lists every field problem, one per line. The file is
    read once, through the same strict reader and YAML loader as every command.
    The factor ids the dossier names are checked against the reference dataset,
    with the rows of ``factors_path`` layered over it.
    """
    from ecodigital.assessment.point import check_factor_ids
    from ecodigital.dossier.load import parse_dossier_text
    from ecodigital.factors.database import load_factors
    from ecodigital.fileio import read_input_text

    source = read_input_text(path, "dossier")
    try:
        loaded = parse_dossier_text(source, Path(path))
    except InputError:
        problems = _all_problems(source, Path(path))
        if len(problems) <= 1:
            raise
        raise InputError(None, None, _Problems("input.problems", errors=tuple(problems))) from None
    check_factor_ids(loaded, load_factors(factors_path))
    items = loaded.items
    quantity = int(items["quantity"].sum()) if len(items) else 0
    kinds = items["kind"].value_counts()
    by_kind = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    project = loaded.model.project
    return (
        f"OK: {path}: {len(items)} items ({by_kind}; {quantity:,} units), "
        f"horizon {project.horizon_years} years from {project.start_year}"
    )


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
