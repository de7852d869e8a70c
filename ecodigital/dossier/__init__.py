"""The dossier: the input model of a project and its loader."""

from ecodigital.dossier.load import LoadedDossier, load_dossier
from ecodigital.dossier.model import FORMAT, Dossier

__all__ = ["FORMAT", "Dossier", "LoadedDossier", "load_dossier"]
