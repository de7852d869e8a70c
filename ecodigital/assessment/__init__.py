"""The assessment pipeline: a dossier in, everything the tool vouches for out."""

from ecodigital.assessment.point import Assessment, assess_dossier, assess_loaded, check_factor_ids
from ecodigital.assessment.variants import assess_uncertainty, compare_assessed, compare_scenarios

__all__ = [
    "Assessment",
    "assess_dossier",
    "assess_loaded",
    "assess_uncertainty",
    "check_factor_ids",
    "compare_assessed",
    "compare_scenarios",
]
