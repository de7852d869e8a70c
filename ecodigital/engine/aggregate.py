"""Views of the long table: every one is a group-by of it.

A sum over rows some of which are unknown (NaN) is reported as the sum of the
known rows with ``complete = False`` and the count of unknown rows, so that a
partial figure is always labelled as a lower bound; a sum with no known row is
``None`` (not available), never zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS

__all__ = ["EMBODIED", "sci_per_user", "summarize", "totals", "per_user_year"]

EMBODIED = ("manufacturing", "distribution", "end_of_life")


def summarize(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sum ``value`` by ``by`` + criterion, with the count of known and unknown rows."""
    keys = [*by, "criterion"]
    known = rows["value"].notna()
    grouped = (
        rows.assign(known=known.astype(np.int64), unknown=(~known).astype(np.int64))
        .groupby(keys, observed=True, sort=True)
        .agg(value=("value", "sum"), known_rows=("known", "sum"), unknown_rows=("unknown", "sum"))
        .reset_index()
    )
    grouped.loc[grouped["known_rows"] == 0, "value"] = np.nan
    grouped["unit"] = grouped["criterion"].map(CRITERION_UNITS).astype(str)
    grouped["complete"] = grouped["unknown_rows"] == 0
    return grouped


def _figure(value: float, unit: str, unknown_rows: int, known_rows: int) -> dict[str, Any]:
    available = known_rows > 0
    return {
        "value": float(value) if available else None,
        "unit": unit,
        "complete": bool(available and unknown_rows == 0),
        "unknown_rows": int(unknown_rows),
    }


def totals(rows: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Total per criterion over the whole horizon: ``{criterion: {value, unit, complete}}``."""
    table = summarize(rows, []).set_index("criterion")
    out = {}
    for criterion in CRITERIA:
        if criterion in table.index:
            r = table.loc[criterion]
            out[criterion] = _figure(r["value"], r["unit"], r["unknown_rows"], r["known_rows"])
        else:
            out[criterion] = _figure(np.nan, CRITERION_UNITS[criterion], 0, 0)
    return out


def per_user_year(rows: pd.DataFrame, users_per_year: Sequence[float]) -> dict[str, dict[str, Any]]:
    """Impact per user-year: horizon total ÷ the sum of users over the horizon."""
    user_years = float(sum(users_per_year))
    out = {}
    for criterion, figure in totals(rows).items():
        value = figure["value"]
        per = value / user_years if value is not None and user_years > 0 else None
        out[criterion] = {**figure, "value": per, "unit": f"{figure['unit']}/user-year"}
    out["user_years"] = {"value": user_years, "unit": "user-years", "complete": True}
    return out


def sci_per_user(rows: pd.DataFrame, users_per_year: Sequence[float]) -> dict[str, Any]:
    """Software Carbon Intensity per user and year, ISO/IEC 21031: (E × I + M) / R.

    ``E × I`` is the use-phase gwp (operational), ``M`` the embodied gwp
    (manufacturing, distribution, end of life, already amortised over the
    items' lives and scaled by allocation), ``R`` the users of that year.
    """
    gwp = rows[rows["criterion"] == "gwp"]
    operational = gwp["phase"] == "use"
    by_year = []
    horizon = len(users_per_year)
    for year in range(1, horizon + 1):
        in_year = gwp["year"] == year
        ei = gwp.loc[in_year & operational, "value"]
        m = gwp.loc[in_year & ~operational, "value"]
        users = float(users_per_year[year - 1])
        complete = bool(ei.notna().all() and m.notna().all())
        total = float(ei.sum() + m.sum())
        by_year.append(
            {
                "year": year,
                "operational_kgco2e": float(ei.sum()),
                "embodied_kgco2e": float(m.sum()),
                "users": users,
                "value": total / users if users > 0 else None,
                "unit": "kgCO2e/user",
                "complete": complete,
            }
        )
    total_users = float(sum(users_per_year))
    total_gwp = float(gwp["value"].sum())
    return {
        "functional_unit": "user-year",
        "formula": "(E x I + M) / R",
        "value": total_gwp / total_users if total_users > 0 else None,
        "unit": "kgCO2e/user-year",
        "complete": bool(gwp["value"].notna().all()),
        "operational_kgco2e": float(gwp.loc[operational, "value"].sum()),
        "embodied_kgco2e": float(gwp.loc[~operational, "value"].sum()),
        "by_year": by_year,
    }
