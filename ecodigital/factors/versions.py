"""Which factor-dataset versions ship with ecodigital, and where each one lives."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = ["reference_data_dir", "reference_versions"]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def _root() -> Path:
    from ecodigital.resources import data_dir

    return data_dir("emission_factors")


@lru_cache(maxsize=1)
def reference_versions() -> tuple[str, ...]:
    """The dataset versions this ecodigital ships, oldest first (the last is the default)."""
    found = [p.name for p in _root().iterdir() if (p / "manifest.yaml").is_file()]
    return tuple(sorted(found, key=_version_key))


def reference_data_dir(version: str | None = None) -> Path:
    """The folder of a bundled dataset version (the newest by default)."""
    versions = reference_versions()
    chosen = versions[-1] if version is None else version
    if chosen not in versions:
        raise InputError(
            None,
            None,
            Msg("verify.error.dataset", {"version": chosen, "shipped": ", ".join(versions)}),
            Msg("verify.error.dataset_fix", {"shipped": versions[-1]}),
        )
    return _root() / chosen
