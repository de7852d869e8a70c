"""The RGESN progress score: a pure function of the answers.

score = Σ weights of validated criteria ÷ Σ weights of (validated + not
validated) × 100. Criteria answered "non applicable", "to assess" or not at all
are left out of both sums; with nothing validated or not validated there is no
score (``None``), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ecodigital.rgesn.criteria import FAMILIES, Criterion, load_criteria

__all__ = ["FamilyScore", "RgesnScore", "progress_score", "score_answers"]


def progress_score(validated_weight: float, not_validated_weight: float) -> float | None:
    """Weighted progress score in %, or ``None`` when no criterion counts.

    >>> progress_score(3.0, 1.0)
    75.0
    >>> progress_score(0.0, 0.0) is None
    True
    """
    denominator = validated_weight + not_validated_weight
    if denominator <= 0:
        return None
    return validated_weight / denominator * 100


@dataclass
class FamilyScore:
    """Counts and score of one family (or of the whole reference)."""

    family: str
    counts: dict[str, int] = field(default_factory=dict)
    validated_weight: float = 0.0
    not_validated_weight: float = 0.0

    @property
    def score(self) -> float | None:
        return progress_score(self.validated_weight, self.not_validated_weight)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, criterion: Criterion, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1
        if status == "conforme":
            self.validated_weight += criterion.weight
        elif status == "non_conforme":
            self.not_validated_weight += criterion.weight


@dataclass
class RgesnScore:
    """The overall score and one :class:`FamilyScore` per family."""

    overall: FamilyScore
    families: list[FamilyScore]

    @property
    def score(self) -> float | None:
        return self.overall.score


def _status(answer: object) -> str:
    """The status of an answer given as a mapping or a model (``unanswered`` if none)."""
    if answer is None:
        return "unanswered"
    if isinstance(answer, Mapping):
        return str(answer.get("status") or "unanswered")
    return str(getattr(answer, "status", None) or "unanswered")


def score_answers(answers: Mapping[str, object]) -> RgesnScore:
    """Score ``answers`` ({criterion id: answer with a ``status``}) over the 78 criteria."""
    overall = FamilyScore("all")
    families = {name: FamilyScore(name) for name in FAMILIES}
    for criterion in load_criteria():
        status = _status(answers.get(criterion.id))
        overall.add(criterion, status)
        families[criterion.family].add(criterion, status)
    return RgesnScore(overall, [families[name] for name in FAMILIES])
