"""Which factor row prices an item, and which rows a kind accepts (plain Python, no numpy).

Kept apart from :mod:`ecodigital.engine.compute` so that ``ecodigital
validate`` checks a dossier's factor ids without loading numpy or pandas;
the engine applies the same functions to each distinct combination of an
inventory's columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from ecodigital.vocabulary import TERMINAL_KINDS

__all__ = [
    "CLOUD_MEMORY_FACTOR",
    "DEFAULT_CLOUD_FACTOR",
    "DEFAULT_PUE_FACTOR",
    "DEFAULT_SERVER_FACTOR",
    "default_factor_id",
    "required_bases",
    "storage_rows_per_medium",
]

#: Factor row giving the default PUE when no row for the place and hosting type exists.
DEFAULT_PUE_FACTOR: Final = "datacenter-pue-fra"
#: Factor row giving the memory part of a cloud instance.
CLOUD_MEMORY_FACTOR: Final = "cloud-memory-gb-hour"
DEFAULT_SERVER_FACTOR: Final = "server-medium"
DEFAULT_CLOUD_FACTOR: Final = "cloud-vcpu-hour"

#: Bases each kind accepts.
_BASES_BY_KIND: Final = {
    **dict.fromkeys(TERMINAL_KINDS, ("device",)),
    "server": ("device",),
    "cloud_instance": ("hour",),
    "storage": ("tb_year", "tb", "drive"),
    "network": ("gb",),
    "custom": ("device", "year", "gb", "hour", "tb_year", "tb", "drive"),
}


def required_bases(kind: str) -> tuple[str, ...]:
    """The factor bases an item of ``kind`` can be priced with."""
    return _BASES_BY_KIND[kind]


def default_factor_id(
    kind: str, media: Any, access: Any, location: Any, factor: Any, *, per_medium: bool
) -> str | None:
    """The factor id of one item: the one it names, else its kind's default.

    ``per_medium``: the dataset has a ``storage-<media>`` row for every medium
    used (else the ``storage-<media>-tb-year`` rows of dataset 2026.1).
    """
    if isinstance(factor, str):
        return factor
    if kind in TERMINAL_KINDS:
        return kind
    if kind == "server":
        return DEFAULT_SERVER_FACTOR
    if kind == "cloud_instance":
        return DEFAULT_CLOUD_FACTOR
    if kind == "storage":
        medium = media if isinstance(media, str) else "ssd"
        return f"storage-{medium}" if per_medium else f"storage-{medium}-tb-year"
    if kind == "network":
        way = access if isinstance(access, str) else "fixed"
        return f"network-{way}-{'fra' if location == 'FRA' else 'eu'}-gb"
    return None


def storage_rows_per_medium(media: Iterable[Any], known: Any) -> bool:
    """Whether ``known`` (factor ids) has a ``storage-<media>`` row for each of the storage
    items' ``media`` (a missing medium is ``ssd``)."""
    if known is None:
        return False
    ids = set(known)
    return all(f"storage-{m if isinstance(m, str) else 'ssd'}" in ids for m in media)
