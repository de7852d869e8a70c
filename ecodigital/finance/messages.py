# ruff: noqa: E501  (a catalogue of sentences, one a line, reads best unwrapped)
"""The words of the financing check, in French (the default) and English.

Rule ids and figure names stay in English everywhere (they are a contract);
the sentences a person reads are looked up here by ``rule.key`` and language.
Placeholders are filled by :mod:`ecodigital.finance.render`: ``*_eur`` as
amounts, ``*_percent`` as rates, lists joined.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FIGURE_LABELS", "MESSAGES", "RULE_TITLES", "STATUS_WORDS", "text"]

STATUS_WORDS: Final = {
    "pass": {"fr": "conforme", "en": "pass"},
    "fail": {"fr": "NON CONFORME", "en": "FAIL"},
    "warning": {"fr": "à vérifier", "en": "warning"},
    "not_applicable": {"fr": "sans objet", "en": "n/a"},
}

RULE_TITLES: Final = {
    "beneficiary-type": {"fr": "Type de porteur éligible", "en": "Eligible beneficiary type"},
    "ineligible-expenses": {
        "fr": "Dépenses inéligibles écartées",
        "en": "Ineligible expenses left out",
    },
    "vat": {"fr": "TVA", "en": "VAT"},
    "indirect-costs": {"fr": "Coûts indirects (forfait)", "en": "Indirect costs (flat rate)"},
    "eligible-cost": {"fr": "Coût total éligible", "en": "Total eligible cost"},
    "grant-rate": {"fr": "Taux de subvention {grant_name}", "en": "{grant_name} grant rate"},
    "grant-floor": {"fr": "Subvention {grant_name} minimale", "en": "Minimum {grant_name} grant"},
    "public-aid-rate": {"fr": "Taux d'aide publique", "en": "Public aid rate"},
    "plan-balanced": {"fr": "Plan de financement équilibré", "en": "Balanced financing plan"},
    "simplified-costs": {"fr": "Options de coûts simplifiés", "en": "Simplified cost options"},
    "indicator-rco14": {"fr": "Indicateur RCO 14", "en": "Indicator RCO 14"},
    "indicator-rcr11": {"fr": "Indicateur RCR 11", "en": "Indicator RCR 11"},
    "horizontal-principles": {"fr": "Principes horizontaux", "en": "Horizontal principles"},
    "personal-data": {"fr": "Données personnelles", "en": "Personal data"},
    "open-source-licence": {"fr": "Licence libre", "en": "Open-source licence"},
    "open-standards": {"fr": "Standards ouverts", "en": "Open standards"},
}

FIGURE_LABELS: Final = {
    "total_expenses_excl_vat_eur": {
        "fr": "Dépenses prévues (HT)",
        "en": "Planned expenses (excl. VAT)",
    },
    "eligible_direct_base_eur": {
        "fr": "Dépenses directes éligibles (assiette)",
        "en": "Eligible direct costs (base)",
    },
    "flat_rate_eur": {
        "fr": "Coûts indirects, forfait {flat_rate_percent}",
        "en": "Indirect costs, {flat_rate_percent} flat rate",
    },
    "total_eligible_cost_eur": {"fr": "Coût total éligible", "en": "Total eligible cost"},
    "total_cost_eur": {"fr": "Coût total de l'opération", "en": "Total cost of the operation"},
    "total_resources_eur": {"fr": "Total des ressources", "en": "Total resources"},
    "grant_eur": {"fr": "{grant_name} demandé", "en": "{grant_name} requested"},
    "max_grant_eur": {
        "fr": "{grant_name} maximal permis par ce budget",
        "en": "Largest {grant_name} this budget allows",
    },
    "public_aid_eur": {"fr": "Aide publique totale", "en": "Total public aid"},
    "eligible_direct_base_needed_eur": {
        "fr": "Assiette minimale pour atteindre le plancher",
        "en": "Smallest base that reaches the floor",
    },
    "of_eligible": {"fr": "du coût éligible", "en": "of the eligible cost"},
    "key_figures": {"fr": "Chiffres clés", "en": "Key figures"},
    "rules": {"fr": "Règles", "en": "Rules"},
    "rules_file": {"fr": "Règles", "en": "Rules"},
    "financing_check": {"fr": "Contrôle du plan de financement", "en": "Financing plan check"},
    "why": {"fr": "Pourquoi", "en": "Why"},
    "fix": {"fr": "À faire", "en": "To do"},
    "verdict_pass": {
        "fr": "Verdict : le plan respecte les règles ({n_pass} conformes, {n_warning} à vérifier, {n_na} sans objet).",
        "en": "Verdict: the plan meets the rules ({n_pass} pass, {n_warning} warnings, {n_na} n/a).",
    },
    "verdict_fail": {
        "fr": "Verdict : {n_fail} règle(s) non respectée(s) ({n_pass} conformes, {n_warning} à vérifier, {n_na} sans objet).",
        "en": "Verdict: {n_fail} rule(s) not met ({n_pass} pass, {n_warning} warnings, {n_na} n/a).",
    },
    "none": {"fr": "aucun", "en": "none"},
    "not_given": {"fr": "non renseigné", "en": "not given"},
}

# Keys are "rule-id.outcome". Sentences say what was found and, for fixes, what to do.
MESSAGES: Final[dict[str, dict[str, str]]] = {
    "beneficiary-type.pass": {
        "fr": "Le type de porteur « {beneficiary_type} » est éligible à cet appel.",
        "en": 'The beneficiary type "{beneficiary_type}" is eligible for this call.',
    },
    "beneficiary-type.fail": {
        "fr": "Le type de porteur « {beneficiary_type} » n'est pas éligible à cet appel.",
        "en": 'The beneficiary type "{beneficiary_type}" is not eligible for this call.',
    },
    "beneficiary-type.fix": {
        "fr": "Vérifiez project.beneficiary.type ; types éligibles : {eligible_types}.",
        "en": "Check project.beneficiary.type; eligible types: {eligible_types}.",
    },
    "ineligible-expenses.pass": {
        "fr": "Toutes les dépenses sont d'une catégorie éligible.",
        "en": "Every expense is in an eligible category.",
    },
    "ineligible-expenses.warning": {
        "fr": "{count} ligne(s) d'une catégorie inéligible, soit {excluded_eur} HT, hors du coût éligible : {excluded_lines}.",
        "en": "{count} line(s) in an ineligible category, {excluded_eur} excl. VAT, left out of the eligible cost: {excluded_lines}.",
    },
    "ineligible-expenses.fix": {
        "fr": "Elles restent dans le coût total : financez-les par vos propres ressources (autofinancement), pas par le {grant_name}.",
        "en": "They stay in the total cost: pay for them from your own resources (self-financing), not from the {grant_name} grant.",
    },
    "vat.none": {
        "fr": "Aucune TVA n'est indiquée.",
        "en": "No VAT is given.",
    },
    "vat.pass_when_not_recoverable": {
        "fr": "TVA éligible seulement si elle n'est pas récupérable : {vat_eligible_eur} retenus sur {total_vat_eur} de TVA ; {vat_left_out_of_plan_eur} de TVA récupérable hors du plan.",
        "en": "VAT is eligible only when it is not recoverable: {vat_eligible_eur} counted out of {total_vat_eur} of VAT; {vat_left_out_of_plan_eur} of recoverable VAT left out of the plan.",
    },
    "vat.pass_never": {
        "fr": "La TVA n'est jamais éligible à cet appel : {total_vat_eur} de TVA hors du coût éligible.",
        "en": "VAT is never eligible in this call: {total_vat_eur} of VAT left out of the eligible cost.",
    },
    "vat.pass_always": {
        "fr": "La TVA est éligible à cet appel, récupérable ou non : {vat_eligible_eur} retenus.",
        "en": "VAT is eligible in this call, recoverable or not: {vat_eligible_eur} counted.",
    },
    "vat.unstated": {
        "fr": "TVA indiquée sans dire si elle est récupérable : traitée comme non récupérable (donc payée par vous) pour {unstated_lines}.",
        "en": "VAT given without saying whether it is recoverable: treated as not recoverable (so paid by you) for {unstated_lines}.",
    },
    "vat.unstated_fix": {
        "fr": "Ajoutez vat_recoverable: true ou false à ces lignes (demandez à votre service financier).",
        "en": "Add vat_recoverable: true or false to those lines (ask your finance department).",
    },
    "indirect-costs.pass": {
        "fr": "Forfait de {flat_rate_percent} sur {eligible_direct_base_eur} de dépenses directes éligibles : {flat_rate_eur} (arrondi au centime inférieur).",
        "en": "{flat_rate_percent} flat rate on {eligible_direct_base_eur} of eligible direct costs: {flat_rate_eur} (rounded down to the cent).",
    },
    "indirect-costs.none": {
        "fr": "Cet appel ne prévoit pas de forfait de coûts indirects.",
        "en": "This call has no indirect-cost flat rate.",
    },
    "indirect-costs.overheads": {
        "fr": "Frais généraux réels déclarés ({real_overhead_eur} : {real_overhead_lines}) alors que le forfait de {flat_rate_percent} ({flat_rate_eur}) couvre déjà les coûts indirects.",
        "en": "Real overheads declared ({real_overhead_eur}: {real_overhead_lines}) while the {flat_rate_percent} flat rate ({flat_rate_eur}) already covers indirect costs.",
    },
    "indirect-costs.overheads_fix": {
        "fr": "Retirez ces lignes du budget : le forfait est ajouté automatiquement au coût.",
        "en": "Remove those lines from the budget: the flat rate is added to the cost automatically.",
    },
    "eligible-cost.pass": {
        "fr": "Assiette {eligible_direct_base_eur} + forfait {flat_rate_eur} = {total_eligible_cost_eur}.",
        "en": "Base {eligible_direct_base_eur} + flat rate {flat_rate_eur} = {total_eligible_cost_eur}.",
    },
    "eligible-cost.zero": {
        "fr": "Aucune dépense éligible : le coût éligible est nul.",
        "en": "No eligible expense: the eligible cost is zero.",
    },
    "eligible-cost.zero_fix": {
        "fr": "Ajoutez les dépenses éligibles du projet (investissement, prestations, hébergement, abonnements, communication).",
        "en": "Add the project's eligible expenses (investment, external services, hosting, subscriptions, communication).",
    },
    "grant-rate.pass": {
        "fr": "{grant_eur} demandés, soit {grant_rate_percent} du coût éligible ({total_eligible_cost_eur}) ; maximum {max_rate_percent}.",
        "en": "{grant_eur} requested, {grant_rate_percent} of the eligible cost ({total_eligible_cost_eur}); at most {max_rate_percent}.",
    },
    "grant-rate.fail": {
        "fr": "{grant_eur} demandés, soit {grant_rate_percent} du coût éligible ({total_eligible_cost_eur}) : plus que le maximum de {max_rate_percent}.",
        "en": "{grant_eur} requested, {grant_rate_percent} of the eligible cost ({total_eligible_cost_eur}): more than the maximum of {max_rate_percent}.",
    },
    "grant-rate.fix": {
        "fr": "Demandez au plus {max_grant_eur} de {grant_name} ({excess_eur} de moins) et reportez la différence sur d'autres ressources.",
        "en": "Ask for at most {max_grant_eur} of {grant_name} ({excess_eur} less) and move the difference to other resources.",
    },
    "grant-rate.no_cost": {
        "fr": "Pas de coût éligible, pas de subvention : rien à comparer.",
        "en": "No eligible cost and no grant: nothing to compare.",
    },
    "grant-rate.no_cost_grant": {
        "fr": "{grant_eur} de {grant_name} demandés sans aucun coût éligible.",
        "en": "{grant_eur} of {grant_name} requested with no eligible cost at all.",
    },
    "grant-rate.zero_fix": {
        "fr": "Ajoutez les dépenses éligibles du projet.",
        "en": "Add the project's eligible expenses.",
    },
    "grant-floor.pass": {
        "fr": "{grant_eur} demandés, au moins le plancher de {min_grant_eur}.",
        "en": "{grant_eur} requested, at least the floor of {min_grant_eur}.",
    },
    "grant-floor.fail": {
        "fr": "{grant_eur} demandés : moins que le plancher de {min_grant_eur}.",
        "en": "{grant_eur} requested: less than the floor of {min_grant_eur}.",
    },
    "grant-floor.fix_ask_more": {
        "fr": "Ce budget permet de demander jusqu'à {max_grant_eur} : demandez au moins {min_grant_eur} et réduisez d'autant l'autofinancement.",
        "en": "This budget allows up to {max_grant_eur}: ask for at least {min_grant_eur} and reduce self-financing by as much.",
    },
    "grant-floor.fix_bigger_base": {
        "fr": "Ce budget ne permet que {max_grant_eur}. Pour atteindre {min_grant_eur}, il faut un coût éligible d'au moins {eligible_cost_needed_eur}, soit {eligible_direct_base_needed_eur} de dépenses directes éligibles ({base_missing_eur} de plus), ou regrouper le projet avec d'autres.",
        "en": "This budget allows only {max_grant_eur}. To reach {min_grant_eur} the eligible cost must be at least {eligible_cost_needed_eur}, that is {eligible_direct_base_needed_eur} of eligible direct costs ({base_missing_eur} more), or join the project with others.",
    },
    "public-aid-rate.pass": {
        "fr": "Aide publique {public_aid_eur}, soit {public_aid_rate_percent} du coût éligible ; maximum {max_rate_percent}.",
        "en": "Public aid {public_aid_eur}, {public_aid_rate_percent} of the eligible cost; at most {max_rate_percent}.",
    },
    "public-aid-rate.fail": {
        "fr": "Aide publique {public_aid_eur}, soit {public_aid_rate_percent} du coût éligible : plus que le maximum de {max_rate_percent}.",
        "en": "Public aid {public_aid_eur}, {public_aid_rate_percent} of the eligible cost: more than the maximum of {max_rate_percent}.",
    },
    "public-aid-rate.fix": {
        "fr": "Réduisez les financements publics de {excess_eur} (ou augmentez les financements privés d'autant).",
        "en": "Reduce public funding by {excess_eur} (or raise private funding by as much).",
    },
    "public-aid-rate.no_cost": {
        "fr": "Pas de coût éligible : le taux d'aide publique ne peut pas être calculé.",
        "en": "No eligible cost: the public aid rate cannot be computed.",
    },
    "public-aid-rate.zero_fix": {
        "fr": "Ajoutez les dépenses éligibles du projet.",
        "en": "Add the project's eligible expenses.",
    },
    "plan-balanced.pass": {
        "fr": "Ressources {total_resources_eur} = coût total {total_cost_eur} (forfait de coûts indirects compris), au centime près.",
        "en": "Resources {total_resources_eur} = total cost {total_cost_eur} (indirect-cost flat rate included), to the cent.",
    },
    "plan-balanced.short": {
        "fr": "Ressources {total_resources_eur} pour un coût total de {total_cost_eur} (forfait de {flat_rate_eur} compris) : il manque {gap_eur}.",
        "en": "Resources {total_resources_eur} for a total cost of {total_cost_eur} ({flat_rate_eur} flat rate included): {gap_eur} short.",
    },
    "plan-balanced.short_fix": {
        "fr": "Ajoutez {gap_eur} aux ressources (par exemple à l'autofinancement).",
        "en": "Add {gap_eur} to the resources (for example to self-financing).",
    },
    "plan-balanced.over": {
        "fr": "Ressources {total_resources_eur} pour un coût total de {total_cost_eur} (forfait de {flat_rate_eur} compris) : {gap_eur} de trop.",
        "en": "Resources {total_resources_eur} for a total cost of {total_cost_eur} ({flat_rate_eur} flat rate included): {gap_eur} too much.",
    },
    "plan-balanced.over_fix": {
        "fr": "Retirez {gap_eur} des ressources (par exemple de l'autofinancement) : une opération ne peut pas être surfinancée.",
        "en": "Remove {gap_eur} from the resources (for example from self-financing): an operation cannot be over-financed.",
    },
    "simplified-costs.pass": {
        "fr": "Coût total {total_cost_eur}, au-dessus de {threshold_eur} : les dépenses réelles sont admises (RPDC art. 53(2)).",
        "en": "Total cost {total_cost_eur}, above {threshold_eur}: real costs are allowed (CPR Art. 53(2)).",
    },
    "simplified-costs.state_aid": {
        "fr": "Opération relevant des aides d'État : l'obligation de coûts simplifiés (RPDC art. 53(2)) ne s'applique pas.",
        "en": "Operation under State aid: the simplified-cost requirement (CPR Art. 53(2)) does not apply.",
    },
    "simplified-costs.warning": {
        "fr": "Coût total {total_cost_eur}, au plus {threshold_eur} : le {grant_name} doit alors prendre la forme d'options de coûts simplifiés (coûts unitaires, montants forfaitaires, taux forfaitaires), sauf aide d'État (RPDC art. 53(2)).",
        "en": "Total cost {total_cost_eur}, at most {threshold_eur}: the {grant_name} support must then take the form of simplified cost options (unit costs, lump sums, flat rates), unless under State aid (CPR Art. 53(2)).",
    },
    "simplified-costs.fix": {
        "fr": "Demandez à l'autorité de gestion quelle option de coûts simplifiés s'applique ; si l'opération relève des aides d'État, écrivez budget.state_aid: true.",
        "en": "Ask the managing authority which simplified cost option applies; if the operation is under State aid, write budget.state_aid: true.",
    },
    "indicator-rco14.pass": {
        "fr": "{institutions} institution(s) publique(s) soutenue(s) (project.institutions).",
        "en": "{institutions} public institution(s) supported (project.institutions).",
    },
    "indicator-rco14.fail": {
        "fr": "Cible RCO 14 absente ou nulle (project.institutions : {institutions}).",
        "en": "RCO 14 target missing or zero (project.institutions: {institutions}).",
    },
    "indicator-rco14.fix": {
        "fr": "Indiquez dans project.institutions le nombre d'institutions publiques soutenues (le porteur et, pour un projet mutualisé, chaque membre).",
        "en": "Give in project.institutions the number of public institutions supported (the beneficiary and, for a shared project, each member).",
    },
    "indicator-rcr11.pass": {
        "fr": "Usagers par an : {users_per_year} (jusqu'à {max_users_per_year}, project.users_per_year).",
        "en": "Users a year: {users_per_year} (up to {max_users_per_year}, project.users_per_year).",
    },
    "indicator-rcr11.fail": {
        "fr": "Cible RCR 11 nulle : aucun usager prévu (project.users_per_year).",
        "en": "RCR 11 target is zero: no users planned (project.users_per_year).",
    },
    "indicator-rcr11.fix": {
        "fr": "Indiquez dans project.users_per_year le nombre d'usagers attendus chaque année.",
        "en": "Give in project.users_per_year the number of users expected each year.",
    },
    "horizontal-principles.pass": {
        "fr": "Contribution décrite pour : {required}.",
        "en": "Contribution described for: {required}.",
    },
    "horizontal-principles.fail": {
        "fr": "Contribution non décrite pour : {missing}.",
        "en": "Contribution not described for: {missing}.",
    },
    "horizontal-principles.fix": {
        "fr": "Décrivez en quelques phrases, dans la section applicant du dossier, la contribution du projet à : {missing}.",
        "en": "Describe in a few sentences, in the dossier's applicant section, the project's contribution to: {missing}.",
    },
    "personal-data.pass": {
        "fr": "Protection des données renseignée ({required}).",
        "en": "Data protection filled in ({required}).",
    },
    "personal-data.fail": {
        "fr": "Champs de protection des données manquants : {missing}.",
        "en": "Missing data protection fields: {missing}.",
    },
    "personal-data.fix": {
        "fr": "Renseignez applicant.personal_data : {missing}.",
        "en": "Fill in applicant.personal_data: {missing}.",
    },
    "personal-data.outside_eu": {
        "fr": "Données personnelles hébergées hors de l'Union européenne.",
        "en": "Personal data hosted outside the European Union.",
    },
    "personal-data.outside_eu_fix": {
        "fr": "Justifiez le transfert (RGPD chap. V) ou choisissez un hébergement dans l'UE.",
        "en": "Justify the transfer (GDPR Chapter V) or choose hosting in the EU.",
    },
    "open-source-licence.pass": {
        "fr": "Licence {licence} approuvée par l'OSI.",
        "en": "Licence {licence} is OSI-approved.",
    },
    "open-source-licence.missing": {
        "fr": "Aucune licence indiquée pour le logiciel produit.",
        "en": "No licence given for the software produced.",
    },
    "open-source-licence.missing_fix": {
        "fr": "Indiquez applicant.licence, identifiant SPDX d'une licence libre (par exemple EUPL-1.2).",
        "en": "Give applicant.licence, the SPDX identifier of an open-source licence (for example EUPL-1.2).",
    },
    "open-source-licence.not_osi": {
        "fr": "« {name} » n'est pas un identifiant SPDX de licence approuvée par l'OSI.",
        "en": '"{name}" is not the SPDX identifier of an OSI-approved licence.',
    },
    "open-source-licence.not_osi_fix": {
        "fr": "Choisissez une licence libre et écrivez son identifiant SPDX (EUPL-1.2, MIT, Apache-2.0...).",
        "en": "Choose an open-source licence and write its SPDX identifier (EUPL-1.2, MIT, Apache-2.0...).",
    },
    "open-source-licence.not_osi_fix_suggest": {
        "fr": "Vouliez-vous dire « {suggestion} » ? Écrivez l'identifiant SPDX exact.",
        "en": 'Did you mean "{suggestion}"? Write the exact SPDX identifier.',
    },
    "open-source-licence.deprecated": {
        "fr": "« {name} » est un identifiant SPDX obsolète (licence approuvée par l'OSI).",
        "en": '"{name}" is a deprecated SPDX identifier (of an OSI-approved licence).',
    },
    "open-source-licence.deprecated_fix": {
        "fr": "Écrivez {replacement}.",
        "en": "Write {replacement}.",
    },
    "open-standards.pass": {
        "fr": "Standards ouverts : {open_standards}.",
        "en": "Open standards: {open_standards}.",
    },
    "open-standards.missing": {
        "fr": "Aucun standard ou connecteur ouvert indiqué.",
        "en": "No open standard or connector given.",
    },
    "open-standards.fix": {
        "fr": "Listez dans applicant.open_standards les standards ouverts utilisés (OpenAPI 3.1, GeoJSON...).",
        "en": "List in applicant.open_standards the open standards used (OpenAPI 3.1, GeoJSON...).",
    },
}


def text(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    """The ``lang`` sentence for ``key`` (English when missing, the key as a last resort)."""
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]
