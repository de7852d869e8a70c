"""What an import returns: items with their trace, rows it could not map, and notices.

Pure data, no file access: every reader of :mod:`ecodigital.connectors`
(GLPI, OCS, NumEcoEval, Boavizta, HAR, BoAmps) maps a file's rows to these,
and :mod:`ecodigital.connectors.dossier` writes them into a dossier.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ecodigital.i18n import Msg, text
from ecodigital.notices import Notice

__all__ = [
    "ImportResult",
    "ImportedItem",
    "PageWeight",
    "Trace",
    "Unmapped",
    "line_ranges",
    "slug",
    "unique_ids",
]

_SLUG_MAX: Final = 60


@dataclass(frozen=True)
class Trace:
    """Where an imported item comes from: the file, its lines, the fields read, the value."""

    file: str
    lines: tuple[int, ...] = ()
    fields: tuple[str, ...] = ()
    value: str | None = None

    def describe(self, lang: str) -> str:
        """One line for a person: file, lines, fields (and the value matched)."""
        parts = [self.file]
        if self.lines:
            parts.append(
                text(
                    "connectors.trace.lines", lang, n=len(self.lines), lines=line_ranges(self.lines)
                )
            )
        if self.fields:
            names = ", ".join(
                f"« {name} »" if lang == "fr" else f'"{name}"' for name in self.fields
            )
            parts.append(text("connectors.trace.fields", lang, n=len(self.fields), fields=names))
        if self.value is not None:
            parts.append(text("connectors.trace.value", lang, value=self.value))
        return text("connectors.trace.source", lang, where=", ".join(parts))


@dataclass(frozen=True)
class ImportedItem:
    """A dossier item (its fields, as the dossier format writes them) and its trace."""

    fields: dict[str, Any]
    trace: Trace


@dataclass(frozen=True)
class Unmapped:
    """A row that could not be mapped: where, what was not understood, and the fix."""

    trace: Trace
    problem: Msg
    fix: Msg

    def describe(self, lang: str) -> str:
        where = self.trace.file + (f":{line_ranges(self.trace.lines)}" if self.trace.lines else "")
        return (
            f"{where}: {self.problem.render(lang)}. "
            f"{text('error.fix', lang)} {self.fix.render(lang)}"
        )


@dataclass(frozen=True)
class PageWeight:
    """One page view of a HAR file: what the browser transferred for it."""

    page: str
    title: str
    requests: int
    transferred_bytes: int
    content_bytes: int
    cached_requests: int
    third_party_requests: int

    @property
    def cache_share(self) -> float:
        return self.cached_requests / self.requests if self.requests else 0.0


@dataclass
class ImportResult:
    """Everything an import found in one file."""

    fmt: str
    source: str
    items: list[ImportedItem] = field(default_factory=list)
    measurements: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    page_weight: list[PageWeight] = field(default_factory=list)
    rows_read: int = 0
    project: dict[str, Any] = field(default_factory=dict)


def line_ranges(lines: Sequence[int]) -> str:
    """``2-5, 9, 12-13`` for lines 2, 3, 4, 5, 9, 12, 13."""
    ordered = sorted(set(lines))
    parts: list[str] = []
    start = previous = None
    for line in ordered:
        if start is None:
            start = previous = line
        elif previous is not None and line == previous + 1:
            previous = line
        else:
            parts.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = previous = line
    if start is not None:
        parts.append(f"{start}" if start == previous else f"{start}-{previous}")
    return ", ".join(parts)


def slug(name: str, fallback: str = "item") -> str:
    """A dossier id from a name: lower case ASCII letters, digits, ``.``, ``_`` and ``-``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", ascii_name.lower()).strip("-._")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:_SLUG_MAX].strip("-._")
    return cleaned or fallback


def unique_ids(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Slugs of ``names``, made unique (``-2``, ``-3``...) among themselves and ``taken``."""
    used = set(taken)
    result = []
    for name in names:
        base = slug(name)
        candidate, number = base, 2
        while candidate in used:
            candidate = f"{base}-{number}"
            number += 1
        used.add(candidate)
        result.append(candidate)
    return result
