"""The French words applicants write for kinds and keys, and the kind's name in their language.

A dossier's keys and kinds are English identifiers (they are a contract), but
an applicant who writes ``kind: ordinateur portable`` or ``quantité: 40``
means ``laptop`` and ``quantity``: the loader does not guess, it refuses the
value and suggests the identifier in the error (``vouliez-vous dire
« laptop » ?``). The words are compared without case, accents or separators,
so ``Écran``, ``ecran`` and ``écrans`` all find ``monitor``.

>>> suggestion_for("Ordinateur portable", ["laptop", "desktop"])
'laptop'
>>> suggestion_for("quantité", ["id", "kind", "quantity"])
'quantity'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Final

from ecodigital.i18n import Msg, label

__all__ = ["KEY_ALIASES", "KIND_ALIASES", "KindName", "folded", "suggest", "suggestion_for"]

#: French (and common) words for the kinds of items.
KIND_ALIASES: Final = {
    "ordinateur portable": "laptop",
    "portable": "laptop",
    "pc portable": "laptop",
    "ordinateur": "laptop",
    "notebook": "laptop",
    "ordinateur fixe": "desktop",
    "ordinateur de bureau": "desktop",
    "poste fixe": "desktop",
    "poste de travail": "desktop",
    "pc fixe": "desktop",
    "pc": "desktop",
    "unite centrale": "desktop",
    "ecran": "monitor",
    "moniteur": "monitor",
    "tablette": "tablet",
    "telephone": "smartphone",
    "telephone portable": "smartphone",
    "telephone mobile": "smartphone",
    "mobile": "smartphone",
    "ordiphone": "smartphone",
    "television": "tv",
    "televiseur": "tv",
    "tele": "tv",
    "box internet": "box",
    "routeur": "box",
    "imprimante": "printer",
    "serveur": "server",
    "instance cloud": "cloud_instance",
    "cloud": "cloud_instance",
    "machine virtuelle": "cloud_instance",
    "vm": "cloud_instance",
    "stockage": "storage",
    "disque": "storage",
    "sauvegarde": "storage",
    "reseau": "network",
    "trafic": "network",
    "donnees transferees": "network",
    "autre": "custom",
    "autre equipement": "custom",
}

#: French words for the keys of a dossier (items, project, budget...): the key, or the keys
#: it may mean depending on where it is written.
KEY_ALIASES: Final[dict[str, str | tuple[str, ...]]] = {
    "identifiant": "id",
    "type": "kind",
    "genre": "kind",
    "categorie": "category",
    "quantite": "quantity",
    "qte": "quantity",
    "nombre": "quantity",
    "part": "allocation",
    "repartition": "allocation",
    "affectation": "allocation",
    "duree de vie": "lifetime_years",
    "duree vie": "lifetime_years",
    "lifetime": "lifetime_years",
    "heures par jour": "hours_per_day",
    "jours par an": "days_per_year",
    "puissance": "power_w",
    "power": "power_w",
    "heures par an": "hours_per_year",
    "pays": ("location", "country"),
    "lieu": "location",
    "localisation": "location",
    "facteur": "factor",
    "annees": "years",
    "capacite": "capacity_tb",
    "replicas": "replicas",
    "copies": "replicas",
    "support": "media",
    "media": "media",
    "acces": "access",
    "volume": "gb_per_year",
    "donnees": "gb_per_year",
    "go par an": "gb_per_year",
    "fournisseur": "provider",
    "hebergeur": "provider",
    "memoire": "memory_gb",
    "ram": "memory_gb",
    "processeurs": "vcpu",
    "cpu": "vcpu",
    "tiers": "tier",
    "nom": ("name", "label"),
    "projet": "project",
    "porteur": "beneficiary",
    "beneficiaire": "beneficiary",
    "annee de debut": "start_year",
    "annee debut": "start_year",
    "debut": "start_year",
    "duree": "duration_years",
    "horizon": "horizon_years",
    "usagers": "users_per_year",
    "usagers par an": "users_per_year",
    "utilisateurs": "users_per_year",
    "utilisateurs par an": "users_per_year",
    "inventaire": "inventory",
    "materiel": "inventory",
    "mesures": "measurements",
    "leviers": "levers",
    "scenarios": "scenarios",
    "depenses": "expenses",
    "ressources": "resources",
    "financements": "resources",
    "montant": "amount",
    "tva": "vat",
    "tva recuperable": "vat_recoverable",
    "libelle": "label",
    "financeur": "source",
    "licence": "licence",
    "license": "licence",
}


def folded(text: object) -> str:
    """``text`` without case, accents, plural ``s`` or separators, for comparing words."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words)


_FOLDED_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    **{folded(word): (target,) for word, target in KIND_ALIASES.items()},
    **{
        folded(word): (target,) if isinstance(target, str) else target
        for word, target in KEY_ALIASES.items()
    },
}


def suggestion_for(value: object, choices: Iterable[str]) -> str | None:
    """The choice ``value`` means: a French word for it, a spelling of it, or the closest one."""
    from ecodigital.yamlio import closest

    choices = list(choices)
    key = folded(value)
    target = next((t for t in _FOLDED_ALIASES.get(key, ()) if t in choices), None)
    if target is not None:
        return target
    by_folded = {folded(choice): choice for choice in choices}
    if key in by_folded:
        return by_folded[key]
    return closest(value, choices)


def suggest(value: object, choices: Iterable[str]) -> Msg | str:
    """`` (did you mean "x"?)`` in the reader's language, or ``""`` when nothing is close."""
    match = suggestion_for(value, choices)
    return Msg("input.did_you_mean", {"match": match}) if match else ""


class KindName(Msg):
    """A kind of item in the reader's words, with its identifier (``key`` is the kind)."""

    def render(self, lang: str) -> str:
        words = label(f"kind_{self.key}", lang)
        return f"{words} ({self.key})" if words != self.key else self.key
