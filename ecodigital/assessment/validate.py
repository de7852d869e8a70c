"""``ecodigital validate``: every problem of a dossier, or a one-line OK."""

from __future__ import annotations

from pathlib import Path

from ecodigital.errors import InputError

__all__ = ["validate_dossier"]


def validate_dossier(path: Path, factors_path: Path | None = None) -> str:
    """A one-line summary of a valid dossier; raises :class:`InputError` otherwise.

    Unlike the other commands, which stop at the first problem, the error of an
    invalid YAML dossier lists every field problem, one per line. The factor ids
    the dossier names are checked against the reference dataset, with the rows
    of ``factors_path`` layered over it.
    """
    from ecodigital.assessment.point import check_factor_ids
    from ecodigital.dossier.load import load_dossier
    from ecodigital.factors.database import load_factors

    try:
        loaded = load_dossier(path)
    except InputError as exc:
        lines = _all_problems(path) or [str(exc)]
        if len(lines) == 1:
            raise
        raise InputError(None, None, f"{len(lines)} problems:\n" + "\n".join(lines)) from None
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


def _all_problems(path: Path) -> list[str]:
    """Every pydantic problem of a dossier whose YAML parses (empty otherwise)."""
    import yaml
    from pydantic import ValidationError

    from ecodigital.dossier.load import MAX_DOSSIER_BYTES, validation_messages
    from ecodigital.dossier.model import Dossier
    from ecodigital.fileio import read_text_limited

    try:
        text = read_text_limited(path, max_bytes=MAX_DOSSIER_BYTES, what="dossier")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
        Dossier.model_validate(raw)
    except ValidationError as exc:
        return validation_messages(exc, path, raw, root)
    except (InputError, yaml.YAMLError):
        return []
    return []
