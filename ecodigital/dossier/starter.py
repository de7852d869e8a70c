"""``ecodigital init``: a commented starter dossier, never written over a file."""

from __future__ import annotations

import os
from pathlib import Path

from ecodigital.errors import InputError
from ecodigital.resources import data_dir

__all__ = ["STARTER_NAME", "write_starter"]

STARTER_NAME = "dossier.yaml"


def write_starter(directory: Path, lang: str = "fr") -> Path:
    """Write ``directory/dossier.yaml`` from the starter template; refuse if it exists."""
    source = data_dir("templates") / "starter" / f"dossier.{lang}.yaml"
    text = source.read_text(encoding="utf-8")
    if directory.exists() and not directory.is_dir():
        raise InputError(str(directory), None, "is a file, not a folder", "give a folder path")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / STARTER_NAME
    try:
        # O_EXCL: never replace a dossier someone wrote, even in a race
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise InputError(
            str(target),
            None,
            "already exists; init never overwrites a dossier",
            "choose another folder",
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return target
