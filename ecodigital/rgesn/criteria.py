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
    "REFERENCE",
    "STATUSES",
    "Criterion",
    "family_label",
    "load_criteria",
    "priority_label",
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


def family_label(family: str, lang: str) -> str:
    """The name of an RGESN family (as the reference writes it) in ``lang``."""
    from ecodigital.i18n import catalogue

    return str(catalogue(lang).raw(f"rgesn.family.{family}"))


def priority_label(priority: str, lang: str) -> str:
    """An RGESN priority (as the reference writes it) in ``lang``."""
    from ecodigital.i18n import catalogue

    return str(catalogue(lang).raw(f"rgesn.priority.{priority}"))


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
