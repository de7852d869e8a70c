"""Words shown to users, in French (the default) and English.

Codes and field names stay in English everywhere (they are a contract); what a
person reads is looked up here by key and language.
"""

from __future__ import annotations

from typing import Final

__all__ = ["LANGUAGES", "and_more", "label", "warning_codes", "warning_text"]

LANGUAGES: Final = ("fr", "en")

_LABELS: Final[dict[str, dict[str, str]]] = {
    # tiers, phases, criteria, qualities
    "terminals": {"fr": "Terminaux", "en": "Terminals"},
    "network": {"fr": "Réseaux", "en": "Networks"},
    "datacenter": {"fr": "Centres de données", "en": "Data centres"},
    "manufacturing": {"fr": "Fabrication", "en": "Manufacturing"},
    "distribution": {"fr": "Distribution", "en": "Distribution"},
    "use": {"fr": "Utilisation", "en": "Use"},
    "end_of_life": {"fr": "Fin de vie", "en": "End of life"},
    "gwp": {"fr": "Changement climatique", "en": "Climate change"},
    "adpe": {
        "fr": "Épuisement des ressources abiotiques (minéraux et métaux)",
        "en": "Abiotic resource depletion (minerals and metals)",
    },
    "pe": {"fr": "Énergie primaire", "en": "Primary energy"},
    "water": {"fr": "Consommation d'eau", "en": "Water use"},
    "gwp_short": {"fr": "Changement climatique", "en": "Climate change"},
    "adpe_short": {"fr": "Ressources abiotiques", "en": "Abiotic resources"},
    "pe_short": {"fr": "Énergie primaire", "en": "Primary energy"},
    "water_short": {"fr": "Eau", "en": "Water"},
    "partial_note": {
        "fr": "≥ : somme partielle, donc minorant : la source ne donne pas certaines phases (voir UNKNOWN_PHASE)",
        "en": "≥: partial sum, so a lower bound: the source gives no figure for some phases (see UNKNOWN_PHASE)",
    },
    "items": {"fr": "éléments", "en": "items"},
    "measured": {"fr": "mesuré", "en": "measured"},
    "estimated-by-codecarbon": {"fr": "estimé par CodeCarbon", "en": "estimated by CodeCarbon"},
    "modelled": {"fr": "modélisé", "en": "modelled"},
    "declared": {"fr": "déclaré", "en": "declared"},
    # table headings
    "horizon": {"fr": "Horizon", "en": "Horizon"},
    "years": {"fr": "ans", "en": "years"},
    "year": {"fr": "Année", "en": "Year"},
    "user_years": {"fr": "utilisateurs-années", "en": "user-years"},
    "factors": {"fr": "Facteurs", "en": "Factors"},
    "totals": {"fr": "Total sur l'horizon", "en": "Total over the horizon"},
    "by_tier": {"fr": "Par tiers (changement climatique)", "en": "By tier (climate change)"},
    "by_phase": {"fr": "Par phase (changement climatique)", "en": "By phase (climate change)"},
    "by_year": {"fr": "Par année (changement climatique)", "en": "By year (climate change)"},
    "per_user_year": {"fr": "Par utilisateur-année", "en": "Per user-year"},
    "sci": {
        "fr": "SCI par utilisateur-année (ISO/IEC 21031)",
        "en": "SCI per user-year (ISO/IEC 21031)",
    },
    "top_items": {
        "fr": "Principaux contributeurs (changement climatique)",
        "en": "Largest contributors (climate change)",
    },
    "warnings": {"fr": "Hypothèses et avertissements", "en": "Assumptions and warnings"},
    "criterion": {"fr": "Critère", "en": "Criterion"},
    "value": {"fr": "Valeur", "en": "Value"},
    "share": {"fr": "Part", "en": "Share"},
    "quality": {"fr": "Qualité", "en": "Quality"},
    "item": {"fr": "Élément", "en": "Item"},
    "not_available": {"fr": "non disponible", "en": "not available"},
    "partial": {"fr": "partiel, minorant", "en": "partial, lower bound"},
    "unknown": {"fr": "inconnu", "en": "unknown"},
    "none": {"fr": "aucun", "en": "none"},
    "and_more": {"fr": "et {n} autres", "en": "and {n} more"},
    "and_more_one": {"fr": "et 1 autre", "en": "and 1 more"},
    # measured items
    "measured_vs_modelled": {
        "fr": "Mesuré et modélisé (électricité de la phase d'utilisation, par an)",
        "en": "Measured and modelled (use-phase electricity, per year)",
    },
    "measured_short": {"fr": "mesuré", "en": "measured"},
    "modelled_short": {"fr": "modélisé", "en": "modelled"},
    "gwp_use_year": {"fr": "utilisation par an", "en": "use per year"},
    "grid_of": {"fr": "réseau", "en": "grid"},
    "runs": {"fr": "exécutions", "en": "runs"},
    # uncertainty, drivers and scenarios
    "ranges_note": {
        "fr": "[P5 – P95] : intervalle à 90 % de {draws} tirages Monte-Carlo (graine {seed}) ; la valeur est le calcul déterministe",
        "en": "[P5 – P95]: 90 % interval of {draws} Monte Carlo draws (seed {seed}); the value is the deterministic figure",
    },
    "drivers": {
        "fr": "Principaux facteurs d'incertitude (changement climatique, total en {unit})",
        "en": "Main drivers of uncertainty (climate change, total in {unit})",
    },
    "driver": {"fr": "Donnée d'entrée", "en": "Input"},
    "variance_share": {"fr": "Part de variance", "en": "Share of variance"},
    "at_p5": {"fr": "Total si P5", "en": "Total at P5"},
    "at_p95": {"fr": "Total si P95", "en": "Total at P95"},
    "input_factor": {"fr": "facteur", "en": "factor"},
    "input_grid": {"fr": "électricité", "en": "electricity"},
    "input_default": {"fr": "défaut", "en": "default"},
    "input_range": {"fr": "plage", "en": "range"},
    "unranked": {
        "fr": "{n} plages d'éléments propagées mais non classées une à une",
        "en": "{n} item ranges propagated but not ranked one by one",
    },
    "baseline": {"fr": "Situation de référence", "en": "Baseline"},
    "scenario": {"fr": "Scénario", "en": "Scenario"},
    "levers": {
        "fr": "Leviers standard non encore étudiés dans le dossier",
        "en": "Standard levers the dossier does not study yet",
    },
    "change": {"fr": "Écart", "en": "Change"},
    "per_user_year_short": {"fr": "par utilisateur-année", "en": "per user-year"},
    "lever_longer_life": {
        "fr": "Allonger de 2 ans la durée de vie des terminaux",
        "en": "Keep terminals 2 years longer",
    },
    "lever_location": {
        "fr": "Héberger les centres de données en {country} (électricité la moins carbonée de l'UE)",
        "en": "Host data-centre items in {country} (the lowest-carbon electricity in the EU)",
    },
    "lever_pue": {"fr": "Hébergement à PUE 1,2", "en": "Hosting at PUE 1.2"},
    "lever_less_data": {
        "fr": "Réduire de 30 % les données transférées",
        "en": "Transfer 30 % less data",
    },
    "lever_fewer_terminals": {
        "fr": "Réduire de 20 % le nombre de terminaux",
        "en": "Use 20 % fewer terminals",
    },
}

_WARNINGS: Final[dict[str, dict[str, str]]] = {
    "DEFAULT_LIFETIME": {
        "fr": "Durée de vie non renseignée : valeur par défaut du facteur utilisée",
        "en": "Lifetime not given: the factor row's default was used",
    },
    "DEFAULT_POWER": {
        "fr": "Puissance non renseignée : valeur par défaut du facteur utilisée",
        "en": "Power not given: the factor row's default was used",
    },
    "DEFAULT_USE_PROFILE": {
        "fr": "Profil d'usage ({parameter}) non renseigné : valeur par défaut du facteur utilisée",
        "en": "Use profile ({parameter}) not given: the factor row's default was used",
    },
    "DEFAULT_HOURS": {
        "fr": "Heures de fonctionnement non renseignées : valeur par défaut utilisée",
        "en": "Operating hours not given: the default was used",
    },
    "DEFAULT_PUE": {
        "fr": "PUE non renseigné : PUE par défaut {pue} ({factor}) utilisé",
        "en": "PUE not given: the default PUE {pue} ({factor}) was used",
    },
    "NETWORK_PROXY": {
        "fr": "Pas de facteur réseau pour ce pays : facteur européen utilisé",
        "en": "No network factor for this location: the EU factor was used",
    },
    "UNKNOWN_PHASE": {
        "fr": "La source ne donne pas la phase « {phase} » : impact inconnu, non compté comme nul",
        "en": "The source gives no {phase} phase: impact unknown, not counted as zero",
    },
    "ALL_PHASES_IN_USE": {
        "fr": "Facteur réseau « toutes phases » par Go : présenté en phase d'utilisation, il inclut fabrication et fin de vie des équipements réseau",
        "en": "All-phase network factor per GB: shown under use, it includes manufacturing and end of life of network equipment",
    },
    "GRID_FROM_CODECARBON": {
        "fr": "Électricité de {countries} : mix pays de CodeCarbon (changement climatique seulement)",
        "en": "Electricity of {countries}: CodeCarbon's country mix (climate change only)",
    },
    "MEASURED_VS_MODELLED": {
        "fr": "Mesure et modèle diffèrent de plus d'un facteur 2 (mesuré {measured_kwh} kWh/an, "
        "modélisé {modelled_kwh} kWh/an) : vérifier puissance, heures, allocation et le "
        "périmètre de la mesure",
        "en": "Measured and modelled differ by more than a factor of 2 (measured {measured_kwh} "
        "kWh/year, modelled {modelled_kwh} kWh/year): check power, hours, allocation and what "
        "the measure covers",
    },
    "MEASURE_CPU_ESTIMATED": {
        "fr": "Puissance CPU non lue sur le matériel ({methods}) : l'énergie « mesurée » est "
        "le modèle de CodeCarbon",
        "en": "CPU power not read from hardware ({methods}): the measured energy is "
        "CodeCarbon's model",
    },
    "MEASURE_NO_SIDECAR": {
        "fr": "{count} exécution(s) sur {runs} sans fichier annexe : méthode de mesure inconnue, "
        "chiffre qualifié « estimé par CodeCarbon »",
        "en": "{count} of {runs} runs have no sidecar: how power was obtained is unknown, "
        "labelled estimated by CodeCarbon",
    },
    "MEASURE_INCOMPLETE_RUN": {
        "fr": "{count} exécution(s) interrompue(s) sans ligne finale : énergie arrêtée à la "
        "dernière ligne écrite",
        "en": "{count} run(s) ended without their final row: their energy stops at the last "
        "row written",
    },
    "MEASURE_ROWS_SKIPPED": {
        "fr": "{file} : {count} ligne(s) sur {total} ignorée(s) ({reason})",
        "en": "{file}: {count} of {total} rows skipped because {reason}",
    },
    "MEASURE_MIXED_COUNTRIES": {
        "fr": "{file} : exécutions de plusieurs pays ({countries}) ; seule l'énergie est utilisée",
        "en": "{file}: runs from several countries ({countries}); only the energy is used",
    },
    "MEASURE_MIXED_VERSIONS": {
        "fr": "{file} : exécutions de plusieurs versions de CodeCarbon ({versions}) aux "
        "modèles différents",
        "en": "{file}: runs from several CodeCarbon versions ({versions}) with different models",
    },
    "DEFAULT_SPREAD": {
        "fr": "Facteurs sans incertitude renseignée ({factors}) : rapports P5/P95 par défaut {low}–{high} utilisés",
        "en": "Factors without uncertainty ({factors}): default P5/P95 ratios {low}-{high} used",
    },
    "FACTOR_OVERRIDDEN": {
        "fr": "Facteurs de référence remplacés par un fichier utilisateur : {factors}",
        "en": "Reference factors replaced by a user file: {factors}",
    },
}


def label(key: str, lang: str = "fr") -> str:
    """The ``lang`` word for ``key`` (the key itself when there is none)."""
    entry = _LABELS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def warning_text(code: str, params: dict[str, object], lang: str = "fr", default: str = "") -> str:
    """A warning's sentence in ``lang``, filled with its parameters."""
    entry = _WARNINGS.get(code)
    if entry is None:
        return default or code
    from ecodigital.report.format import format_number

    def shown(value: object) -> object:
        if isinstance(value, list | tuple):
            return ", ".join(map(str, value))
        if isinstance(value, float):
            return format_number(value, lang, digits=3)
        return value

    values = {key: shown(value) for key, value in params.items()}
    if "phase" in values:
        values["phase"] = label(str(values["phase"]), lang).lower()
    try:
        return entry[lang].format(**values)
    except (KeyError, IndexError):
        return entry[lang]


def and_more(n: int, lang: str = "fr") -> str:
    """ "and N more", singular for one."""
    return label("and_more_one", lang) if n == 1 else label("and_more", lang).format(n=n)


def warning_codes() -> tuple[str, ...]:
    """Every warning code with a translated sentence."""
    return tuple(_WARNINGS)
