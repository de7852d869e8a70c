"""The footprint engine: items and factors in, one tidy long table out.

Pure and vectorised: this module reads no file and imports neither click, nor
jinja2, nor matplotlib. Every view of the results (totals, tiers, phases,
years, per user) is a group-by of the long table it returns.

Method (per item, per active horizon year; ``units = quantity × allocation ×``
the item's own size, e.g. vCPUs or TB × replicas):

* embodied phases (manufacturing, distribution, end of life):
  - ``device`` factors (whole-life impacts per device): ``units × F / lifetime_years``;
  - ``hour`` factors (per vCPU-hour or per GB-of-RAM-hour): ``units × F × hours_per_year``;
  - ``tb_year``, ``gb`` and ``year`` factors: ``units × F``;
* use phase:
  - terminals: ``units × power_w × hours_per_day × days_per_year / 1000`` kWh;
  - servers: ``units × power_w × hours_per_year / 1000 × pue`` kWh;
  - cloud: ``units × power_w (per vCPU or per GB) × hours_per_year / 1000 × pue`` kWh;
  - storage: ``units × power_w (per TB) × 8760 / 1000 × pue`` kWh;
  - energy × the grid factor of the item's location (per criterion);
  - ``gb`` and ``year`` factors give the use phase directly: ``units × F_use``.

A factor cell left blank is unknown: the value is NaN, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from ecodigital.notices import Notice
from ecodigital.vocabulary import (
    CRITERIA,
    CRITERION_UNITS,
    EMBODIED_PHASES,
    EU27,
    HOURS_PER_YEAR,
    ITEM_KINDS,
    PHASES,
    QUALITIES,
    TERMINAL_KINDS,
    TIER_BY_KIND,
    TIERS,
)

__all__ = [
    "DEFAULT_PUE_FACTOR",
    "KWH_PER_WH",
    "LONG_COLUMNS",
    "EngineResult",
    "compute_impacts",
    "default_factor_ids",
    "required_bases",
]

KWH_PER_WH: Final = 1 / 1000
#: Factor row giving the default PUE of servers and storage.
DEFAULT_PUE_FACTOR: Final = "datacenter-pue-fra"
#: Factor row giving the default PUE of cloud instances (the former when absent).
DEFAULT_CLOUD_PUE_FACTOR: Final = "datacenter-pue-cloud"
#: Factor row giving the memory part of a cloud instance.
CLOUD_MEMORY_FACTOR: Final = "cloud-memory-gb-hour"
DEFAULT_SERVER_FACTOR: Final = "server-medium"
DEFAULT_CLOUD_FACTOR: Final = "cloud-vcpu-hour"

#: Columns of the long table, in order.
LONG_COLUMNS: Final = (
    "item", "kind", "tier", "phase", "criterion", "year", "value", "unit", "quality",
)  # fmt: skip

_USE = PHASES.index("use")

#: Bases each kind accepts.
_BASES_BY_KIND: Final = {
    **dict.fromkeys(TERMINAL_KINDS, ("device",)),
    "server": ("device",),
    "cloud_instance": ("hour",),
    "storage": ("tb_year",),
    "network": ("gb",),
    "custom": ("device", "year", "gb", "hour", "tb_year"),
}


#: ``None`` as a numpy object scalar, for ``np.where`` on object arrays.
_NONE: Final = np.array(None, dtype=object)


def required_bases(kind: str) -> tuple[str, ...]:
    """The factor bases an item of ``kind`` can be priced with."""
    return _BASES_BY_KIND[kind]


@dataclass
class EngineResult:
    """What the engine returns: the long table and how it got there."""

    rows: pd.DataFrame
    components: pd.DataFrame
    warnings: list[Notice]
    horizon_years: int


def default_factor_ids(items: pd.DataFrame) -> pd.Series:
    """The factor id each item uses when it names none (vectorised over the items)."""
    kind = items["kind"]
    ids = pd.Series(
        np.where(kind.isin(TERMINAL_KINDS).to_numpy(), kind.to_numpy(), _NONE),
        index=items.index,
        dtype="object",
    )
    ids[kind == "server"] = DEFAULT_SERVER_FACTOR
    ids[kind == "cloud_instance"] = DEFAULT_CLOUD_FACTOR
    storage = kind == "storage"
    media = items["media"].fillna("ssd")
    ids[storage] = "storage-" + media[storage] + "-tb-year"
    network = kind == "network"
    access = items["access"].fillna("fixed")
    region = np.where(items["location"] == "FRA", "fra", "eu")
    ids[network] = (
        "network-"
        + access[network].astype(str)
        + "-"
        + pd.Series(region, index=items.index)[network].astype(str)
        + "-gb"
    )
    chosen = items["factor"].where(items["factor"].notna(), ids)
    return chosen


def compute_impacts(
    items: pd.DataFrame,
    factors: pd.DataFrame,
    grid: pd.DataFrame,
    *,
    horizon_years: int,
    use_energy_override: pd.DataFrame | None = None,
) -> EngineResult:
    """Compute the long table of impacts.

    ``items``: one row per item with the columns of the dossier's items table
    (NaN where not given). ``factors``: factor rows indexed by id (the bundled
    columns plus ``origin``). ``grid``: per country, ``<criterion>_per_kwh``
    columns in the criterion's unit per kWh. ``use_energy_override``: optional
    measured energy per item (columns ``item``, ``energy_kwh_per_year``,
    ``pue_included``, ``quality``) that replaces the modelled use energy.
    Factor ids must exist and fit the item kinds (the caller checks them with
    the dossier's file and field names).
    """
    warnings: list[Notice] = []
    items = items.reset_index(drop=True)
    factor_ids = default_factor_ids(items)
    components = _expand_components(items, factor_ids, factors)
    _apply_defaults(components, factors, warnings)

    model = component_model(components, factors, grid)
    units = components["units"].to_numpy(dtype=float)
    parameters = {name: components[name].to_numpy(dtype=float) for name in USE_PARAMETERS}
    values = embodied_values(
        model, units, parameters["lifetime_years"], parameters["hours_per_year"]
    )
    all_phases_in_use = model.included_in_use.any(axis=(1, 2))
    if all_phases_in_use.any():
        warnings.append(
            Notice(
                code="ALL_PHASES_IN_USE",
                message="the source gives one all-phase figure per GB: it is shown under the use "
                "phase and includes manufacturing and end of life of the network equipment",
                items=tuple(dict.fromkeys(components["id"].to_numpy()[all_phases_in_use].tolist())),
            )
        )

    energy = use_energy_kwh(model, units, **parameters)
    components["energy_kwh_per_year"] = energy
    # kept beside the measured energy, so that reports can show both (reconciliation)
    components["modelled_energy_kwh_per_year"] = energy
    quality = np.where(components["origin"].to_numpy() == "user", "declared", "modelled")
    quality_by_phase = np.repeat(quality[:, None], len(PHASES), axis=1).astype(object)
    if "quality" in components.columns:
        # measured (or declared) data volumes make the per-GB use figure measured (or declared)
        given = components["quality"].to_numpy(dtype=object)
        stated = pd.notna(given) & model.direct_use
        quality_by_phase[stated, _USE] = given[stated]
    if use_energy_override is not None and len(use_energy_override):
        energy, quality_by_phase = _apply_measured(
            components, energy, quality_by_phase, use_energy_override, warnings
        )
        components["energy_kwh_per_year"] = energy
    # measured energy is taken as certain by the Monte Carlo propagation
    components["energy_measured"] = ~np.isin(quality_by_phase[:, _USE], ("modelled", "declared"))
    add_use_impacts(values, model, energy)

    item_values, item_quality = _sum_components(components, values, quality_by_phase, len(items))
    _warn_unknown_phases(items, item_values, warnings)
    rows = _long_table(items, item_values, item_quality, horizon_years)
    return EngineResult(
        rows=rows, components=components, warnings=warnings, horizon_years=horizon_years
    )


#: Item fields giving the size of a component, in the order of :func:`component_size`.
SIZE_PARAMETERS: Final = ("vcpu", "memory_gb", "capacity_tb", "replicas", "gb_per_year")
#: Parameters of the use-phase energy, in the order of :func:`use_energy_kwh`.
USE_PARAMETERS: Final = (
    "power_w", "pue", "hours_per_year", "hours_per_day", "days_per_year", "lifetime_years",
)  # fmt: skip


@dataclass(frozen=True)
class ComponentModel:
    """What no draw changes, per component (``n`` of them): kinds, bases, factor values.

    ``impacts`` holds the factor row's value per phase and criterion (NaN where
    the source gives none); ``included_in_use`` marks embodied phases that an
    all-phase per-GB figure already includes (counted as zero); ``intensity``
    the grid factor of the component's location per criterion, per kWh.
    """

    kind: np.ndarray
    basis: np.ndarray
    impacts: np.ndarray
    included_in_use: np.ndarray
    direct_use: np.ndarray
    intensity: np.ndarray

    def take(self, index: np.ndarray | slice) -> ComponentModel:
        """The model of a subset of the components."""
        return ComponentModel(
            self.kind[index],
            self.basis[index],
            self.impacts[index],
            self.included_in_use[index],
            self.direct_use[index],
            self.intensity[index],
        )


def component_model(
    components: pd.DataFrame, factors: pd.DataFrame, grid: pd.DataFrame
) -> ComponentModel:
    """Gather the fixed inputs of the formulas from the components, factors and grid."""
    looked_up = factors.reindex(components["factor_id"].to_numpy())
    basis = components["basis"].to_numpy()
    impacts = np.stack(
        [
            np.stack(
                [
                    looked_up[f"{criterion}_{phase}_{_suffix(criterion)}"].to_numpy(dtype=float)
                    for criterion in CRITERIA
                ],
                axis=-1,
            )
            for phase in PHASES
        ],
        axis=1,
    )
    all_phases_in_use = _all_phases_in_use(looked_up, basis)
    # an all-phase total given under "use" includes the other phases: nothing to add
    included = all_phases_in_use[:, None, None] & ~np.isnan(impacts[:, _USE : _USE + 1, :])
    included = included & (np.arange(len(PHASES)) != _USE)[None, :, None]
    grid_rows = grid.reindex(components["location"].to_numpy())
    intensity = (
        np.stack(
            [grid_rows[f"{criterion}_per_kwh"].to_numpy(dtype=float) for criterion in CRITERIA],
            axis=-1,
        )
        if len(grid_rows.columns)
        else np.full((len(components), len(CRITERIA)), np.nan)
    )
    return ComponentModel(
        kind=components["kind"].to_numpy(),
        basis=basis,
        impacts=impacts,
        included_in_use=included,
        direct_use=np.isin(basis, ("gb", "year")),
        intensity=intensity,
    )


def component_size(
    kind: np.ndarray,
    component: np.ndarray,
    vcpu: Any,
    memory_gb: Any,
    capacity_tb: Any,
    replicas: Any,
    gb_per_year: Any,
) -> Any:
    """The size of one unit of a component: vCPUs, GB of memory, TB x replicas, GB a year, or 1.

    Arrays broadcast over a leading draws axis (the last axis is the components).
    """
    size = np.where(kind == "cloud_instance", vcpu, 1.0)
    size = np.where(component == "memory", np.nan_to_num(memory_gb, nan=0.0), size)
    size = np.where(kind == "storage", capacity_tb * np.nan_to_num(replicas, nan=1.0), size)
    return np.where(kind == "network", gb_per_year, size)


def embodied_values(
    model: ComponentModel,
    units: Any,
    lifetime_years: Any,
    hours_per_year: Any,
    factor_ratio: Any = 1.0,
) -> np.ndarray:
    """Annual impacts per component, phase and criterion, use phase of energy-based rows NaN.

    ``units`` (dimensionless), ``lifetime_years`` (years), ``hours_per_year`` (h)
    and ``factor_ratio`` (a multiplier of every value of the factor row, 1 in
    the deterministic case) broadcast over a leading draws axis; the result has
    shape ``(..., n, phases, criteria)`` in each criterion's unit per year.
    """
    basis = model.basis
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(
            basis == "device",
            units / lifetime_years,
            np.where(basis == "hour", units * hours_per_year, units),
        )
    scale = scale * factor_ratio
    values: np.ndarray = model.impacts * scale[..., None, None]
    if model.included_in_use.any():
        values = np.where(model.included_in_use, 0.0, values)
    energy_based = ~model.direct_use[:, None]
    values[..., _USE, :] = np.where(energy_based, np.nan, values[..., _USE, :])
    return values


def use_energy_kwh(
    model: ComponentModel,
    units: Any,
    *,
    power_w: Any,
    pue: Any,
    hours_per_year: Any,
    hours_per_day: Any,
    days_per_year: Any,
    lifetime_years: Any = None,
) -> np.ndarray:
    """Modelled use-phase electricity per year, kWh (NaN where it cannot be modelled).

    ``units × power_w × operating hours / 1000 × pue``, the operating hours being
    ``hours_per_day × days_per_year`` for terminals, 8760 for storage and
    ``hours_per_year`` otherwise. Arrays broadcast over a leading draws axis.
    ``lifetime_years`` is accepted (and unused) so that the parameters of
    :data:`USE_PARAMETERS` can be passed together.
    """
    del lifetime_years
    pue = np.nan_to_num(pue, nan=1.0)
    is_terminal = np.isin(model.kind, TERMINAL_KINDS)
    operating_hours = np.where(
        is_terminal,
        hours_per_day * days_per_year,
        np.where(model.basis == "tb_year", HOURS_PER_YEAR, hours_per_year),
    )
    energy = units * power_w * operating_hours * KWH_PER_WH * pue
    return np.where(model.direct_use, np.nan, energy)


def add_use_impacts(
    values: np.ndarray, model: ComponentModel, energy_kwh: Any, intensity_ratio: Any = 1.0
) -> None:
    """Fill the use phase of energy-based components: energy (kWh) × grid factor, in place.

    ``intensity_ratio`` multiplies the grid factor (1 in the deterministic case).
    """
    use = np.asarray(energy_kwh)[..., None] * (
        model.intensity * np.asarray(intensity_ratio)[..., None]
    )
    energy_based = ~model.direct_use[:, None]
    values[..., _USE, :] = np.where(energy_based, use, values[..., _USE, :])


def _all_phases_in_use(impacts: pd.DataFrame, basis: np.ndarray) -> np.ndarray:
    """Per-GB rows whose source gives only an all-phase total (stored under ``use``)."""
    gwp_other = [f"gwp_{phase}_kgco2e" for phase in EMBODIED_PHASES]
    no_split = impacts[gwp_other].isna().all(axis=1).to_numpy()
    has_use = impacts["gwp_use_kgco2e"].notna().to_numpy()
    result: np.ndarray = (basis == "gb") & no_split & has_use
    return result


def _suffix(criterion: str) -> str:
    return {"gwp": "kgco2e", "adpe": "kgsbeq", "pe": "mj", "water": "m3"}[criterion]


def _expand_components(
    items: pd.DataFrame, factor_ids: pd.Series, factors: pd.DataFrame
) -> pd.DataFrame:
    """One component per item, two for a cloud instance (vCPU and memory)."""
    base = items.copy()
    base["item_index"] = np.arange(len(items))
    base["factor_id"] = factor_ids.to_numpy()
    kind = items["kind"].to_numpy()
    base["component"] = np.where(kind == "cloud_instance", "vcpu", "")
    parts = [base]
    cloud = base[kind == "cloud_instance"]
    if len(cloud):
        memory = cloud.copy()
        memory["factor_id"] = CLOUD_MEMORY_FACTOR
        memory["component"] = "memory"
        parts.append(memory)
    components = pd.concat(parts, ignore_index=True) if len(parts) > 1 else base
    components["size"] = component_size(
        components["kind"].to_numpy(),
        components["component"].to_numpy(),
        *(components[name].to_numpy(dtype=float) for name in SIZE_PARAMETERS),
    )
    components["units"] = components["quantity"] * components["allocation"] * components["size"]
    looked_up = factors.reindex(components["factor_id"].to_numpy())
    components["basis"] = looked_up["basis"].to_numpy()
    components["origin"] = looked_up["origin"].to_numpy()
    return components


_DEFAULTED_PARAMETERS: Final = {
    # parameter: (warning code, kinds it applies to, fallback when the factor has none)
    "lifetime_years": ("DEFAULT_LIFETIME", (*TERMINAL_KINDS, "server", "custom"), None),
    "power_w": ("DEFAULT_POWER", (*TERMINAL_KINDS, "server", "cloud_instance", "storage"), None),
    "hours_per_day": ("DEFAULT_USE_PROFILE", TERMINAL_KINDS, None),
    "days_per_year": ("DEFAULT_USE_PROFILE", TERMINAL_KINDS, None),
    "hours_per_year": ("DEFAULT_HOURS", ("server", "cloud_instance", "custom"), HOURS_PER_YEAR),
}


def _apply_defaults(
    components: pd.DataFrame, factors: pd.DataFrame, warnings: list[Notice]
) -> None:
    """Fill parameters the dossier left out from the factor rows, and say so."""
    looked_up = factors.reindex(components["factor_id"].to_numpy())
    kinds = components["kind"]
    primary = components["component"] != "memory"
    for parameter, (code, applies, fallback) in _DEFAULTED_PARAMETERS.items():
        given = components[parameter]
        applicable = kinds.isin(applies).to_numpy()
        # power of cloud and storage components is per unit (vCPU, GB, TB): always the factor's
        per_unit = kinds.isin(("cloud_instance", "storage")).to_numpy() & (parameter == "power_w")
        default = looked_up[parameter].to_numpy(dtype=float)
        if fallback is not None:
            default = np.where(np.isnan(default), fallback, default)
        missing = applicable & (given.isna().to_numpy() | per_unit)
        filled = np.where(missing, default, given.to_numpy(dtype=float))
        offset = f"{parameter}_offset"  # a what-if's change to the default (see apply_changes)
        if offset in components.columns:
            filled = filled + np.where(
                missing, np.nan_to_num(components[offset].to_numpy(float)), 0
            )
        components[parameter] = np.where(applicable, filled, np.nan)
        # which values are the factor row's (their uncertainty is the row's default spread)
        components[f"{parameter}_from_factor"] = missing & ~np.isnan(
            looked_up[parameter].to_numpy(dtype=float)
        )
        reported = missing & ~per_unit & primary.to_numpy()
        if reported.any():
            ids = tuple(components["id"].to_numpy()[reported].tolist())
            warnings.append(
                Notice(
                    code=code,
                    message=f"{parameter} not given: the factor row's default was used",
                    items=ids,
                    params={"parameter": parameter},
                )
            )
    datacenter = kinds.isin(("server", "cloud_instance", "storage")).to_numpy()
    cloud = (kinds == "cloud_instance").to_numpy()
    pue_given = components["pue"].to_numpy(dtype=float)
    pue_row = np.where(
        cloud & (DEFAULT_CLOUD_PUE_FACTOR in factors.index),
        DEFAULT_CLOUD_PUE_FACTOR,
        DEFAULT_PUE_FACTOR,
    )
    default_pue = factors["pue"].reindex(pue_row).to_numpy(dtype=float)
    missing_pue = datacenter & np.isnan(pue_given)
    components["pue"] = np.where(datacenter, np.where(missing_pue, default_pue, pue_given), np.nan)
    components["pue_from_factor"] = np.where(np.asarray(missing_pue, dtype=bool), pue_row, _NONE)
    primary_rows = primary.to_numpy()
    for row_id in np.unique(pue_row[missing_pue & primary_rows]):
        reported = missing_pue & primary_rows & (pue_row == row_id)
        value = float(cast(float, factors.at[row_id, "pue"]))
        warnings.append(
            Notice(
                code="DEFAULT_PUE",
                message=f"pue not given: the default data-centre PUE {value:g} ({row_id}) was used",
                items=tuple(components["id"].to_numpy()[reported].tolist()),
                params={"pue": value, "factor": str(row_id)},
            )
        )
    outside_eu = (kinds == "network").to_numpy() & ~components["location"].isin(EU27).to_numpy()
    if outside_eu.any():
        warnings.append(
            Notice(
                code="NETWORK_PROXY",
                message="no network factor for this location: the EU factor was used",
                items=tuple(components["id"].to_numpy()[outside_eu].tolist()),
            )
        )


def _apply_measured(
    components: pd.DataFrame,
    energy: np.ndarray,
    quality: np.ndarray,
    measured: pd.DataFrame,
    warnings: list[Notice],
) -> tuple[np.ndarray, np.ndarray]:
    """Replace the modelled use energy of measured items by the measured one.

    ``energy_kwh_per_year`` is what the measure covers in a year (kWh), before
    allocation and PUE: ``use kWh = measured kWh x allocation x pue`` where
    ``pue`` is the item's PUE unless the measure included it (1 for terminals).
    A measured cloud instance includes its memory, whose modelled part is dropped.
    """
    energy = energy.copy()
    quality = quality.copy()
    duplicated = measured["item"].duplicated()
    if duplicated.any():
        raise ValueError(f"item {measured['item'][duplicated].iat[0]!r} is measured twice")
    unknown_quality = ~measured["quality"].isin(QUALITIES)
    if unknown_quality.any():
        raise ValueError(f"unknown quality {measured['quality'][unknown_quality].iat[0]!r}")
    ids = components["id"].astype(str).to_numpy()
    primary = (components["component"] != "memory").to_numpy()
    memory = ~primary
    basis = components["basis"].to_numpy()
    for row in measured.itertuples(index=False):
        item = str(row.item)
        matches = np.flatnonzero(primary & (ids == item))
        if not len(matches):
            raise ValueError(f"measured item {item!r} is not in the inventory")
        i = int(matches[0])
        if basis[i] in ("gb", "year"):
            raise ValueError(
                f"item {item!r} is priced per {basis[i]}: its use phase is not electricity"
            )
        kwh = float(cast(float, row.energy_kwh_per_year))
        if not np.isfinite(kwh) or kwh < 0:
            raise ValueError(f"measured energy of {item!r} must be >= 0 kWh, got {kwh}")
        pue = float(cast(float, components["pue"].iat[i]))
        if np.isnan(pue) or bool(row.pue_included):
            pue = 1.0
        energy[i] = kwh * float(cast(float, components["allocation"].iat[i])) * pue
        quality[i, _USE] = row.quality
        same_item = memory & (ids == item)
        energy[same_item] = 0.0
        quality[same_item, _USE] = row.quality
    return energy, quality


def _sum_components(
    components: pd.DataFrame, values: np.ndarray, quality: np.ndarray, n_items: int
) -> tuple[np.ndarray, np.ndarray]:
    """Add the components of each item (NaN in any part makes the sum unknown)."""
    item_index = components["item_index"].to_numpy()
    if len(components) == n_items:
        order = np.argsort(item_index)
        return values[order], quality[order]
    totals = np.zeros((n_items, *values.shape[1:]))
    np.add.at(totals, item_index, values)
    item_quality = np.empty((n_items, quality.shape[1]), dtype=object)
    item_quality[item_index[::-1]] = quality[::-1]  # first component wins
    return totals, item_quality


def _warn_unknown_phases(items: pd.DataFrame, values: np.ndarray, warnings: list[Notice]) -> None:
    gwp = CRITERIA.index("gwp")
    for p, phase in enumerate(PHASES):
        unknown = np.isnan(values[:, p, gwp])
        if unknown.any():
            warnings.append(
                Notice(
                    code="UNKNOWN_PHASE",
                    message=f"the factor gives no gwp for the {phase} phase: it is unknown, "
                    "not counted as zero",
                    items=tuple(items["id"].to_numpy()[unknown].tolist()),
                    params={"phase": phase},
                )
            )


def _long_table(
    items: pd.DataFrame, values: np.ndarray, quality: np.ndarray, horizon_years: int
) -> pd.DataFrame:
    """Expand (item, phase, criterion) values over each item's active years."""
    n_items = len(items)
    first = items["first_year"].fillna(1).to_numpy(dtype=np.int64)
    last = items["last_year"].fillna(horizon_years).to_numpy(dtype=np.int64)
    years = np.arange(1, horizon_years + 1)
    active = (years[None, :] >= first[:, None]) & (years[None, :] <= last[:, None])
    item_k, year_k = np.nonzero(active)
    item_k = item_k.astype(np.int32)
    n_pc = len(PHASES) * len(CRITERIA)
    k = len(item_k)

    item_codes = np.repeat(item_k, n_pc)
    phase_codes = np.tile(np.repeat(np.arange(len(PHASES), dtype=np.int8), len(CRITERIA)), k)
    criterion_codes = np.tile(np.arange(len(CRITERIA), dtype=np.int8), len(PHASES) * k)
    value = values[item_k].reshape(k * n_pc)

    kind_codes = pd.Categorical(items["kind"], categories=ITEM_KINDS).codes.astype(np.int8)
    tiers = items["kind"].map(TIER_BY_KIND)
    if "tier" in items.columns:
        tiers = tiers.where(items["kind"] != "custom", items["tier"])
    tier_codes = pd.Categorical(tiers, categories=TIERS).codes.astype(np.int8)
    quality_codes = (
        pd.Categorical(quality.ravel(), categories=QUALITIES)
        .codes.astype(np.int8)
        .reshape(n_items, len(PHASES))
    )
    quality_k = np.repeat(quality_codes[item_k], len(CRITERIA), axis=1).reshape(k * n_pc)

    ids = items["id"].astype(str).to_numpy()
    return pd.DataFrame(
        {
            "item": _categorical(item_codes, ids),
            "kind": _categorical(kind_codes[item_codes], ITEM_KINDS),
            "tier": _categorical(tier_codes[item_codes], TIERS),
            "phase": _categorical(phase_codes, PHASES),
            "criterion": _categorical(criterion_codes, CRITERIA),
            "year": np.repeat((year_k + 1).astype(np.int16), n_pc),
            "value": value,
            "unit": _categorical(criterion_codes, [CRITERION_UNITS[c] for c in CRITERIA]),
            "quality": _categorical(quality_k, QUALITIES),
        },
        copy=False,
    )


def _categorical(codes: np.ndarray, categories: Any) -> pd.Categorical:
    """A categorical from codes the engine built itself (already in range)."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories), validate=False)
