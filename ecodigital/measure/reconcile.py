"""Measured and modelled use energy of each measured item, side by side.

A measurement replaces the modelled use energy of its item in the engine;
this module puts the two back beside each other for the reports, and warns
when they are far apart.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

from ecodigital.notices import Notice

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.measure.link import MeasuredItem

__all__ = ["RECONCILE_FACTOR", "reconcile"]

#: Measured and modelled figures further apart than this factor are reported.
RECONCILE_FACTOR: Final = 2.0


def reconcile(
    measured: list[MeasuredItem], components: pd.DataFrame, grid: pd.DataFrame
) -> tuple[list[dict[str, Any]], list[Notice]]:
    """Measured and modelled use energy (kWh/year) and gwp of each measured item, side by side.

    Both are after allocation and PUE. A warning ``MEASURED_VS_MODELLED`` is
    given when they differ by more than a factor of :data:`RECONCILE_FACTOR`.
    CodeCarbon's own emission figure is scaled like the energy (allocation, PUE)
    so that the two gwp figures differ only by the grid factor.
    """
    records: list[dict[str, Any]] = []
    warnings: list[Notice] = []
    for m in measured:
        parts = components[components["id"].astype(str) == m.item]
        used_kwh = float(parts["energy_kwh_per_year"].sum())
        modelled = parts["modelled_energy_kwh_per_year"].to_numpy(dtype=float)
        modelled_kwh = float(modelled.sum()) if not any(map(math.isnan, modelled)) else math.nan
        scale = used_kwh / m.energy_kwh_per_year if m.energy_kwh_per_year else math.nan
        location = str(parts["location"].iat[0])
        grid_gwp = float(grid["gwp_per_kwh"].to_numpy(dtype=float)[grid.index.get_loc(location)])
        ratio = used_kwh / modelled_kwh if modelled_kwh and not math.isnan(modelled_kwh) else None
        modelled_origin = parts["origin"].iat[0]
        record = {
            **m.as_dict(),
            "location": location,
            "grid_gwp_kgco2e_per_kwh": grid_gwp,
            "allocation_x_pue": scale,
            "use_energy_kwh_per_year": used_kwh,
            "modelled_energy_kwh_per_year": None if math.isnan(modelled_kwh) else modelled_kwh,
            "modelled_quality": "declared" if modelled_origin == "user" else "modelled",
            "measured_to_modelled": ratio,
            "gwp_kgco2e_per_year": used_kwh * grid_gwp,
            "modelled_gwp_kgco2e_per_year": None
            if math.isnan(modelled_kwh)
            else modelled_kwh * grid_gwp,
            "codecarbon_gwp_kgco2e_per_year": m.codecarbon_emissions_kgco2e_per_year * scale,
            "codecarbon_intensity_kgco2e_per_kwh": m.emissions_kgco2e / m.energy_kwh
            if m.energy_kwh
            else None,
        }
        records.append(record)
        if ratio is not None and not 1 / RECONCILE_FACTOR <= ratio <= RECONCILE_FACTOR:
            warnings.append(
                Notice(
                    code="MEASURED_VS_MODELLED",
                    message=f"{m.item}: measured use {used_kwh:.4g} kWh/year, modelled "
                    f"{modelled_kwh:.4g} kWh/year (x{ratio:.2g}); check the power, hours and "
                    "allocation given, and what the measure covers",
                    items=(m.item,),
                    params={
                        "measured_kwh": float(f"{used_kwh:.3g}"),
                        "modelled_kwh": float(f"{modelled_kwh:.3g}"),
                        "ratio": float(f"{ratio:.3g}"),
                    },
                )
            )
    return records, warnings
