"""The RGESN 2024 self-assessment: criteria, progress score, questionnaire, spreadsheets."""

from ecodigital.rgesn.criteria import FAMILIES, Criterion, load_criteria
from ecodigital.rgesn.score import FamilyScore, RgesnScore, score_answers

__all__ = ["FAMILIES", "Criterion", "FamilyScore", "RgesnScore", "load_criteria", "score_answers"]
