"""The 78 criteria of RGESN 2024 (Arcep, Arcom, ADEME, DINUM, CNIL, Inria, May 2024).

``criteria.csv`` beside this module holds, for each criterion, its id, family,
priority, difficulty, weight and applicability as published, and a short label
in French and English written for ecodigital (not the official question texts,
which users should read in the reference itself).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

__all__ = [
    "FAMILIES",
    "FAMILY_LABELS",
    "PRIORITY_LABELS",
    "REFERENCE",
    "STATUSES",
    "Criterion",
    "load_criteria",
]

#: The reference and version the criteria come from.
REFERENCE: Final = "RGESN 2024"

#: The nine families, in the reference's order.
FAMILIES: Final = (
    "Stratégie",
    "Spécifications",
    "Architecture",
    "UX/UI",
    "Contenus",
    "Frontend",
    "Backend",
    "Hébergement",
    "Algorithmie",
)
FAMILY_LABELS: Final = {
    "Stratégie": {"fr": "Stratégie", "en": "Strategy"},
    "Spécifications": {"fr": "Spécifications", "en": "Specifications"},
    "Architecture": {"fr": "Architecture", "en": "Architecture"},
    "UX/UI": {"fr": "UX/UI", "en": "UX/UI"},
    "Contenus": {"fr": "Contenus", "en": "Content"},
    "Frontend": {"fr": "Frontend", "en": "Frontend"},
    "Backend": {"fr": "Backend", "en": "Backend"},
    "Hébergement": {"fr": "Hébergement", "en": "Hosting"},
    "Algorithmie": {"fr": "Algorithmie", "en": "Algorithms"},
}
PRIORITY_LABELS: Final = {
    "Prioritaire": {"fr": "prioritaire", "en": "priority"},
    "Recommandé": {"fr": "recommandé", "en": "recommended"},
    "Modéré": {"fr": "modéré", "en": "moderate"},
}
#: Answer statuses, as written in a dossier.
STATUSES: Final = ("conforme", "non_conforme", "non_applicable", "a_evaluer")


@dataclass(frozen=True)
class Criterion:
    """One RGESN criterion's metadata (weight: 1.5 priority, 1.25 recommended, 1.0 moderate)."""

    id: str
    family: str
    priority: str
    difficulty: str
    weight: float
    applicability: str
    label_fr: str
    label_en: str

    def label(self, lang: str = "fr") -> str:
        return self.label_fr if lang == "fr" else self.label_en

    @property
    def sort_key(self) -> tuple[int, int]:
        family, number = self.id.split(".")
        return int(family), int(number)


@cache
def load_criteria() -> tuple[Criterion, ...]:
    """The 78 criteria, in the reference's order (read once, from package data)."""
    text = (resources.files("ecodigital.rgesn") / "criteria.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    criteria = [
        Criterion(
            id=row["id"],
            family=row["family"],
            priority=row["priority"],
            difficulty=row["difficulty"],
            weight=float(row["weight"]),
            applicability=row["applicability"],
            label_fr=row["label_fr"],
            label_en=row["label_en"],
        )
        for row in rows
    ]
    return tuple(sorted(criteria, key=lambda c: c.sort_key))


def criteria_by_id() -> dict[str, Criterion]:
    """``{id: Criterion}``."""
    return {c.id: c for c in load_criteria()}
