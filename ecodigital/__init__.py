"""ecodigital: responsible-digital assessment of public digital projects.

The package is organised by concern: ``dossier`` (the input model), ``factors``
(the emission-factor database), ``engine`` (the pure computation) and a thin
``cli``. Importing the package imports nothing heavy.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
