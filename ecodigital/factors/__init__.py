"""The emission-factor database: bundled reference rows, user layers, grid factors."""

from ecodigital.factors.database import FactorTable, load_factors, load_reference_factors

__all__ = ["FactorTable", "load_factors", "load_reference_factors"]
