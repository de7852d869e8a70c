"""The fixed vocabulary of the dossier format and of results.

One place for the names that files, tables and reports share, so that a kind,
a tier or a phase is spelled the same everywhere.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BENEFICIARY_TYPES",
    "CRITERIA",
    "CRITERION_COLUMN_SUFFIXES",
    "CRITERION_UNITS",
    "DATACENTER_KINDS",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "EMBODIED_PHASES",
    "HOSTING_TYPES",
    "HOURS_PER_YEAR",
    "IMPACT_COLUMN_PARTS",
    "ITEM_KINDS",
    "PHASES",
    "QUALITIES",
    "TERMINAL_KINDS",
    "TIERS",
    "TIER_BY_KIND",
]

TERMINAL_KINDS: Final = (
    "smartphone",
    "laptop",
    "desktop",
    "monitor",
    "tablet",
    "tv",
    "box",
    "printer",
)
DATACENTER_KINDS: Final = ("server", "cloud_instance", "storage")
ITEM_KINDS: Final = (*TERMINAL_KINDS, *DATACENTER_KINDS, "network", "custom")

#: The three tiers of the ADEME–Arcep method.
TIERS: Final = ("terminals", "network", "datacenter")
#: The four life-cycle phases.
PHASES: Final = ("manufacturing", "distribution", "use", "end_of_life")
#: The phases of a device's embodied impact, shared over its lifetime.
EMBODIED_PHASES: Final = tuple(phase for phase in PHASES if phase != "use")
#: Hours in a (non-leap) year: what an always-on device runs.
HOURS_PER_YEAR: Final = 8760.0
#: Monte Carlo draws and seed when none are given: the same dossier gives the same ranges.
DEFAULT_DRAWS: Final = 1000
DEFAULT_SEED: Final = 0
#: Impact criteria and their units. ``gwp``, ``adpe``, ``ap``, ``pm`` and ``ir``
#: are the indicators the ADEME method for digital services requires (EF 3.0
#: characterisation); ``water`` is the water indicator of ADEME's terminal data
#: and ``water_consumption`` the physical water consumed (withdrawn and not
#: returned), two methods that are never added together (docs/methodology.md).
CRITERION_UNITS: Final = {
    "gwp": "kgCO2e",
    "adpe": "kgSbeq",
    "pe": "MJ",
    "water": "m3",
    "ap": "mol H+ eq",
    "pm": "disease incidence",
    "ir": "kBq U235 eq",
    "water_consumption": "m3",
}
CRITERIA: Final = tuple(CRITERION_UNITS)
#: The unit of each criterion as it ends a column name (``gwp_use_kgco2e``).
CRITERION_COLUMN_SUFFIXES: Final = {
    "gwp": "kgco2e",
    "adpe": "kgsbeq",
    "pe": "mj",
    "water": "m3",
    "ap": "molhpeq",
    "pm": "disease_incidence",
    "ir": "kbqu235eq",
    "water_consumption": "m3",
}
#: The factor-table column of each criterion and phase (``gwp_use_kgco2e``), and back.
IMPACT_COLUMN_PARTS: Final = {
    f"{criterion}_{phase}_{suffix}": (criterion, phase)
    for criterion, suffix in CRITERION_COLUMN_SUFFIXES.items()
    for phase in PHASES
}
#: How a figure was obtained.
QUALITIES: Final = ("measured", "estimated-by-codecarbon", "modelled", "declared")

#: Where a data-centre item runs: the choice of its default PUE.
HOSTING_TYPES: Final = ("on_premises", "colocation", "cloud")

TIER_BY_KIND: Final = {
    **dict.fromkeys(TERMINAL_KINDS, "terminals"),
    **dict.fromkeys(DATACENTER_KINDS, "datacenter"),
    "network": "network",
}

BENEFICIARY_TYPES: Final = (
    "commune",
    "epci",
    "syndicat",
    "departement",
    "region",
    "etablissement_public",
    "gip",
    "sem",
    "spl",
    "association",
    "chambre_consulaire",
    "organisme_professionnel",
    "pme",
    "autre",
)

#: The 27 member states of the European Union (ISO 3166-1 alpha-3).
EU27: Final = frozenset(
    {
        "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE",
    }
)  # fmt: skip
