"""Where the bundled data folders are, installed (in the wheel) or in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir"]


def data_dir(name: str) -> Path:
    """The bundled folder ``name`` (``emission_factors``, ``templates`` or ``examples``).

    In a wheel the folders are installed under ``ecodigital/_data/``; in a
    checkout (or an editable install) they are the top-level folders.
    """
    installed = resources.files("ecodigital") / "_data" / name
    if installed.is_dir():
        return Path(str(installed))
    checkout = Path(__file__).resolve().parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(  # pragma: no cover - a broken installation
        f"the bundled {name} folder is missing from this installation; reinstall ecodigital"
    )
