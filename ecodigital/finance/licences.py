"""The OSI-approved licences shipped offline, as SPDX identifiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

__all__ = ["LicenceList", "osi_licences", "parse_licence_list"]


@dataclass(frozen=True)
class LicenceList:
    """Approved identifiers, and deprecated ones with their current replacements."""

    approved: frozenset[str]
    deprecated: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_licence_list(text: str) -> LicenceList:
    """Read the format of ``data/osi-licences.txt`` (comments start with ``#``)."""
    approved: set[str] = set()
    deprecated: dict[str, tuple[str, ...]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        old, arrow, new = line.partition("->")
        if arrow:
            deprecated[old.strip()] = tuple(new.split())
        else:
            approved.add(line)
    return LicenceList(frozenset(approved), deprecated)


@cache
def osi_licences() -> LicenceList:
    """The list shipped in the package (read once)."""
    from importlib import resources

    text = (resources.files("ecodigital.finance") / "data" / "osi-licences.txt").read_text(
        encoding="utf-8"
    )
    return parse_licence_list(text)
