"""The footprint engine: items and factors in, one tidy long table out.

Pure and vectorised: this module reads no file and imports neither click, nor
jinja2, nor matplotlib. Every view of the results (totals, tiers, phases,
years, per user) is a group-by of the long table it returns.

Method (per item, per active horizon year; ``units = quantity × allocation ×``
the item's own size, e.g. vCPUs or TB × replicas):

* embodied phases (manufacturing, distribution, end of life):
  - ``device`` factors (whole-life impacts per device) and ``tb`` factors
    (whole-life impacts per TB): ``units × F / lifetime_years``;
  - ``drive`` factors (whole-life impacts per drive): ``units / drive_capacity_tb
    × F / lifetime_years``, ``units`` being TB;
  - ``hour`` factors (per vCPU-hour or per GB-of-RAM-hour): ``units × F × h``,
    ``h`` the running ``hours_per_year``, or all 8760 calendar hours for a
    cloud instance billed ``reserved`` or ``dedicated``;
  - ``tb_year``, ``gb`` and ``year`` factors: ``units × F``;
* use phase:
  - terminals: ``units × power_w × hours_per_day × days_per_year / 1000`` kWh;
  - servers and custom items: ``units × power_w × hours_per_year / 1000 × pue`` kWh;
  - cloud: ``units × power_w (per vCPU or per GB) × hours_per_year / 1000 × pue`` kWh;
  - storage: ``units × power_w (per TB) × 8760 / 1000 × pue`` kWh;
  - energy × the grid factor of the item's location (per criterion);
  - ``gb`` and ``year`` factors give the use phase directly: ``units × F_use``.

An item declared per user (``quantity_per_user``) has, each year, ``users ×
quantity_per_user`` units (``users`` from ``users_per_year``); every other item
the same units every active year.

A factor cell left blank is unknown: the value is NaN, never zero.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from ecodigital.engine.choice import (
    CLOUD_MEMORY_FACTOR,
    DEFAULT_PUE_FACTOR,
    default_factor_id,
    required_bases,
    storage_rows_per_medium,
)
from ecodigital.engine.longtable import LONG_COLUMNS, ItemArrays
from ecodigital.notices import Notice
from ecodigital.vocabulary import (
    CRITERIA,
    CRITERION_COLUMN_SUFFIXES,
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
    "CLOUD_BILLINGS",
    "DEFAULT_PUE_FACTOR",
    "KWH_PER_WH",
    "LONG_COLUMNS",
    "EngineResult",
    "FactorChoices",
    "compute_impacts",
    "default_factor_ids",
    "embodied_scale",
    "factor_choices",
    "provider_key",
    "pue_rows",
    "required_bases",
]

KWH_PER_WH: Final = 1 / 1000
#: Factor row giving the default PUE of cloud hosting (the former when absent).
DEFAULT_CLOUD_PUE_FACTOR: Final = "datacenter-pue-cloud"
#: Factor row giving the default PUE of colocation outside the countries with their own row.
COLOCATION_PUE_FACTOR: Final = "datacenter-pue-colocation"
#: Factor row giving the default PUE of an on-premises server room.
ON_PREMISES_PUE_FACTOR: Final = "datacenter-pue-on-premises"
#: Cloud providers with a PUE row ``datacenter-pue-cloud-<key>``, and the words naming them.
PROVIDER_ALIASES: Final = {
    "aws": ("aws", "amazon"),
    "gcp": ("gcp", "google"),
    "azure": ("azure", "microsoft"),
    "ovhcloud": ("ovh", "ovhcloud"),
}
#: How a cloud instance is billed: per running hour, or reserved for all hours.
CLOUD_BILLINGS: Final = ("on_demand", "reserved", "dedicated")
#: Billings whose embodied impact is amortised over every calendar hour.
_CALENDAR_BILLINGS: Final = ("reserved", "dedicated")

_USE = PHASES.index("use")

#: Bases whose use phase is electricity a storage medium draws all year.
_STORAGE_BASES: Final = ("tb_year", "tb", "drive")


#: ``None`` as a numpy object scalar, for ``np.where`` on object arrays.
_NONE: Final = np.array(None, dtype=object)


@dataclass
class EngineResult:
    """What the engine returns: the per-item arrays of the long table and how it got there.

    ``arrays`` holds each item's annual values per phase and criterion, their
    qualities and years (:class:`~ecodigital.engine.longtable.ItemArrays`);
    ``rows`` is the long table they expand to, built on first use.
    ``year_weights`` (items × horizon years) multiplies each item's annual
    values: 1 in its active years, 0 outside them, and the year's users for an
    item declared per user.
    """

    arrays: ItemArrays
    components: pd.DataFrame
    warnings: list[Notice]
    horizon_years: int
    year_weights: np.ndarray | None = None
    _rows: pd.DataFrame | None = field(default=None, init=False, repr=False)

    @property
    def rows(self) -> pd.DataFrame:
        """The long table (one row per item, active year, phase and criterion)."""
        if self._rows is None:
            self._rows = self.arrays.long_table()
        return self._rows


def default_factor_ids(items: pd.DataFrame, known: Any = None) -> pd.Series:
    """The factor id of each item (:func:`default_factor_id`), worked out once for each
    distinct combination of the columns it depends on.

    ``known`` (the ids of the factor table) picks the storage rows of the
    dataset: ``storage-<media>`` when it has them, ``storage-<media>-tb-year``
    (dataset 2026.1) otherwise.
    """
    return factor_choices(items).ids_of_items(known, items.index)


@dataclass(frozen=True)
class FactorChoices:
    """The distinct combinations of the item fields that choose a factor row (kind, media,
    access, in France or not, the factor named), and each item's combination."""

    fields: tuple[np.ndarray, ...]
    combination: np.ndarray
    storage_media: np.ndarray

    @property
    def kinds(self) -> np.ndarray:
        """The kind of each combination."""
        return self.fields[0]

    def ids(self, known: Any = None) -> np.ndarray:
        """The factor id of each combination (objects; see :func:`default_factor_ids`)."""
        per_medium = storage_rows_per_medium(self.storage_media, known)
        chosen = [
            default_factor_id(k, m, a, "FRA" if fra else None, f, per_medium=per_medium)
            for k, m, a, fra, f in zip(*self.fields, strict=True)
        ]
        return np.array(chosen, dtype=object)

    def ids_of_items(self, known: Any, index: pd.Index) -> pd.Series:
        """The factor id of each item, as :func:`default_factor_ids` gives it."""
        return pd.Series(self.ids(known)[self.combination], index=index, dtype="object")


def factor_choices(items: pd.DataFrame) -> FactorChoices:
    """The distinct combinations of the fields that choose the items' factor rows."""
    kind = items["kind"].to_numpy(dtype=object)
    media = items["media"].to_numpy(dtype=object)
    columns = (
        kind,
        media,
        items["access"].to_numpy(dtype=object),
        items["location"].to_numpy(dtype=object) == "FRA",
        items["factor"].to_numpy(dtype=object),
    )
    first, inverse = distinct_rows(columns)
    return FactorChoices(
        tuple(c[first] for c in columns), inverse, pd.unique(media[kind == "storage"])
    )


def distinct_rows(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The first position of each distinct combination of ``columns`` (equal lengths;
    missing values are one value) and the combination of every position."""
    combined = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column)
        combined = combined * (len(uniques) + 1) + codes
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def compute_impacts(
    items: pd.DataFrame,
    factors: pd.DataFrame,
    grid: pd.DataFrame,
    *,
    horizon_years: int,
    use_energy_override: pd.DataFrame | None = None,
    users_per_year: Sequence[float] | None = None,
    factor_ids: pd.Series | None = None,
) -> EngineResult:
    """Compute the long table of impacts.

    ``items``: one row per item with the columns of the dossier's items table
    (NaN where not given). ``factors``: factor rows indexed by id (the bundled
    columns plus ``origin``). ``grid``: per country, ``<criterion>_per_kwh``
    columns in the criterion's unit per kWh. ``use_energy_override``: optional
    measured energy per item (columns ``item``, ``energy_kwh_per_year``,
    ``pue_included``, ``quality``) that replaces the modelled use energy.
    ``users_per_year``: the users of each horizon year, needed by items
    declared per user (``quantity_per_user``). ``factor_ids``: the items'
    factor ids (:func:`default_factor_ids` with the factor table's ids), when
    the caller has them already.
    Factor ids must exist and fit the item kinds (the caller checks them with
    the dossier's file and field names).
    """
    warnings: list[Notice] = []
    items = _with_item_columns(items.reset_index(drop=True))
    weights = year_weights(items, horizon_years, users_per_year)
    if factor_ids is None:
        factor_ids = default_factor_ids(items, factors.index)
    components, factorized = _expand_components(items, factor_ids, factors)
    _apply_defaults(components, factors, warnings, factorized)

    model = component_model(components, factors, grid, factorized)
    units = components["units"].to_numpy(dtype=float)
    parameters = {name: components[name].to_numpy(dtype=float) for name in USE_PARAMETERS}
    values = embodied_values(
        model, units, parameters["lifetime_years"], parameters["hours_per_year"]
    )
    all_phases_in_use = np.asarray(model.row_included.any(axis=(1, 2)))[model.row]
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
    # qualities as their codes in QUALITIES (-1 for a name that is none of them)
    quality = np.where(
        components["origin"].to_numpy() == "user",
        _QUALITY_CODE["declared"],
        _QUALITY_CODE["modelled"],
    ).astype(np.int8)
    quality_by_phase = np.repeat(quality[:, None], len(PHASES), axis=1)
    if "quality" in components.columns:
        # measured (or declared) data volumes make the per-GB use figure measured (or declared)
        given = components["quality"].to_numpy(dtype=object)
        stated = pd.notna(given) & model.direct_use
        quality_by_phase[stated, _USE] = _quality_codes(given[stated])
    if use_energy_override is not None and len(use_energy_override):
        energy, quality_by_phase = _apply_measured(
            components, energy, quality_by_phase, use_energy_override, warnings
        )
        components["energy_kwh_per_year"] = energy
    # measured energy is taken as certain by the Monte Carlo propagation
    components["energy_measured"] = ~np.isin(
        quality_by_phase[:, _USE], (_QUALITY_CODE["modelled"], _QUALITY_CODE["declared"])
    )
    add_use_impacts(values, model, energy)

    item_values, item_quality = _sum_components(components, values, quality_by_phase, len(items))
    _warn_unknown_phases(items, item_values, components, warnings)
    return EngineResult(
        arrays=_item_arrays(items, item_values, item_quality, weights),
        components=components,
        warnings=warnings,
        horizon_years=horizon_years,
        year_weights=weights,
    )


#: Item columns the engine reads that older items tables may lack (text, then numbers).
_OPTIONAL_TEXT_COLUMNS: Final = ("hosting", "provider", "billing", "tier")
_OPTIONAL_NUMBER_COLUMNS: Final = ("quantity_per_user", "drive_capacity_tb")


def _with_item_columns(items: pd.DataFrame) -> pd.DataFrame:
    """The items table with every optional column the engine reads (None or NaN)."""
    missing = [c for c in (*_OPTIONAL_TEXT_COLUMNS, *_OPTIONAL_NUMBER_COLUMNS) if c not in items]
    if not missing:
        return items
    items = items.copy()
    for column in missing:
        if column in _OPTIONAL_TEXT_COLUMNS:
            items[column] = pd.Series([None] * len(items), index=items.index, dtype=object)
        else:
            items[column] = np.nan
    return items


def year_weights(
    items: pd.DataFrame, horizon_years: int, users_per_year: Sequence[float] | None = None
) -> np.ndarray:
    """Items × horizon years: 1 in an item's active years (the year's users for an item
    declared per user), 0 outside them."""
    first = items["first_year"].fillna(1).to_numpy(dtype=np.int64)
    last = items["last_year"].fillna(horizon_years).to_numpy(dtype=np.int64)
    years = np.arange(1, horizon_years + 1)
    weights = ((years[None, :] >= first[:, None]) & (years[None, :] <= last[:, None])).astype(float)
    per_user = (
        items["quantity_per_user"].notna().to_numpy() if "quantity_per_user" in items else None
    )
    if per_user is not None and per_user.any():
        if users_per_year is None or len(users_per_year) != horizon_years:
            raise ValueError("items declared per user need users_per_year for every horizon year")
        users = np.asarray(users_per_year, dtype=float)
        weights[per_user] = weights[per_user] * users[None, :]
    return weights


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
    all-phase per-GB figure already includes (counted as zero). Both are kept
    once per distinct factor row (``row_impacts``, ``row_included``, the last
    row all NaN for a component without one) and ``row`` gives each
    component's: a million components share a few rows. ``intensity``
    the grid factor of the component's location per criterion, per kWh;
    ``calendar_hours`` marks hourly factors amortised over every hour of the
    year (reserved or dedicated cloud); ``drive_capacity_tb`` the capacity of
    one drive for factors counted per drive (NaN otherwise).
    """

    kind: np.ndarray
    basis: np.ndarray
    row: np.ndarray
    row_impacts: np.ndarray
    row_included: np.ndarray
    direct_use: np.ndarray
    intensity: np.ndarray
    calendar_hours: np.ndarray
    drive_capacity_tb: np.ndarray

    @property
    def impacts(self) -> np.ndarray:
        """Components × phases × criteria: the factor row's values."""
        result: np.ndarray = self.row_impacts[self.row]
        return result

    @property
    def included_in_use(self) -> np.ndarray:
        """Components × phases × criteria: the phases an all-phase figure includes."""
        result: np.ndarray = self.row_included[self.row]
        return result

    def take(self, index: np.ndarray | slice) -> ComponentModel:
        """The model of a subset of the components."""
        return ComponentModel(
            self.kind[index],
            self.basis[index],
            self.row[index],
            self.row_impacts,
            self.row_included,
            self.direct_use[index],
            self.intensity[index],
            self.calendar_hours[index],
            self.drive_capacity_tb[index],
        )


class _Factorized:
    """The components' text columns the engine looks up, each factorized once (codes and
    distinct values): none of them changes once the components are made."""

    def __init__(self, components: pd.DataFrame) -> None:
        self._components = components
        self._made: dict[str, tuple[np.ndarray, Any]] = {}

    def __call__(self, column: str) -> tuple[np.ndarray, Any]:
        if column not in self._made:
            values = self._components[column].to_numpy(dtype=object)
            self._made[column] = pd.factorize(values)
        return self._made[column]


class RowLookup:
    """``frame.reindex(keys)`` column by column, each distinct key looked up once.

    A key ``frame`` lacks (or a missing key) gives NaN, as ``reindex`` does;
    a column ``frame`` lacks gives NaN everywhere.
    """

    def __init__(
        self, frame: pd.DataFrame, keys: Any, factorized: tuple[Any, Any] | None = None
    ) -> None:
        # ``factorized``: the keys' codes and distinct values, when the caller has them
        codes, uniques = factorized or pd.factorize(np.asarray(keys, dtype=object))
        self._codes = codes
        self._rows = frame.reindex(pd.Index(uniques, dtype=object))

    @property
    def codes(self) -> np.ndarray:
        """Each key's distinct row (-1 for a missing key: the last row of :meth:`rows`)."""
        return self._codes

    def rows(self, columns: Sequence[str]) -> np.ndarray:
        """Distinct keys × ``columns`` as float64, and a last row of NaN (missing keys)."""
        small = np.full((len(self._rows) + 1, len(columns)), np.nan)
        for j, column in enumerate(columns):
            if column in self._rows.columns:
                small[:-1, j] = self._rows[column].to_numpy(dtype=float)
        return small

    def __call__(self, column: str, dtype: Any = None) -> np.ndarray:
        if column not in self._rows.columns:
            return np.full(len(self._codes), np.nan, dtype=dtype)
        values = self._rows[column].to_numpy(dtype=dtype)
        # a missing key (code -1) takes the NaN appended last
        result: np.ndarray = np.append(values, np.array([np.nan], dtype=values.dtype))[self._codes]
        return result


def impact_column(criterion: str, phase: str) -> str:
    """The factor column of ``criterion`` in ``phase``: ``gwp_use_kgco2e``."""
    return f"{criterion}_{phase}_{CRITERION_COLUMN_SUFFIXES[criterion]}"


def component_model(
    components: pd.DataFrame,
    factors: pd.DataFrame,
    grid: pd.DataFrame,
    factorized: _Factorized | None = None,
) -> ComponentModel:
    """Gather the fixed inputs of the formulas from the components, factors and grid."""
    factorized = factorized or _Factorized(components)
    looked_up = RowLookup(factors, None, factorized("factor_id"))
    basis = components["basis"].to_numpy()
    columns = [impact_column(criterion, phase) for phase in PHASES for criterion in CRITERIA]
    row = looked_up.codes
    row_impacts = looked_up.rows(columns).reshape(-1, len(PHASES), len(CRITERIA))
    # the basis of each distinct row (of its first component; none for the NaN row)
    row_basis = np.full(len(row_impacts), None, dtype=object)
    used, first = np.unique(row, return_index=True)
    row_basis[used] = basis[first]
    all_phases_in_use = _all_phases_in_use(row_impacts, row_basis)
    # an all-phase total given under "use" includes the other phases: nothing to add
    included = all_phases_in_use[:, None, None] & ~np.isnan(row_impacts[:, _USE : _USE + 1, :])
    included = included & (np.arange(len(PHASES)) != _USE)[None, :, None]
    grid_rows = RowLookup(grid, None, factorized("location"))
    intensity = np.stack(
        [grid_rows(f"{criterion}_per_kwh", dtype=float) for criterion in CRITERIA], axis=-1
    )
    drive = components["drive_capacity_tb"].to_numpy(dtype=float)
    drive = np.where(np.isnan(drive), looked_up("drive_capacity_tb", dtype=float), drive)
    kind = components["kind"].to_numpy(dtype=object)
    calendar = (kind == "cloud_instance") & np.isin(
        components["billing"].to_numpy(dtype=object), _CALENDAR_BILLINGS
    )
    return ComponentModel(
        kind=kind,
        basis=basis,
        row=row,
        row_impacts=row_impacts,
        row_included=included,
        direct_use=np.isin(basis, ("gb", "year")),
        intensity=intensity,
        calendar_hours=calendar,
        drive_capacity_tb=np.where(basis == "drive", drive, np.nan),
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


def embodied_scale(
    model: ComponentModel,
    units: Any,
    lifetime_years: Any,
    hours_per_year: Any,
    factor_ratio: Any = 1.0,
) -> np.ndarray:
    """What multiplies a component's factor-row values to give its annual embodied impacts.

    ``units / lifetime_years`` for ``device`` and ``tb`` factors, ``units /
    drive_capacity_tb / lifetime_years`` for ``drive`` factors, ``units × h`` for
    ``hour`` factors (all 8760 hours for reserved or dedicated cloud), ``units``
    otherwise; times ``factor_ratio``. Arrays broadcast over a leading draws axis.
    """
    basis = model.basis
    hours = np.where(model.calendar_hours, HOURS_PER_YEAR, hours_per_year)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(
            np.isin(basis, ("device", "tb")),
            units / lifetime_years,
            np.where(
                basis == "drive",
                units / model.drive_capacity_tb / lifetime_years,
                np.where(basis == "hour", units * hours, units),
            ),
        )
    result: np.ndarray = scale * factor_ratio
    return result


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
    shape ``(..., n, phases, criteria)`` in each criterion's unit per year:
    the factor row's values times :func:`embodied_scale`.
    """
    scale = embodied_scale(model, units, lifetime_years, hours_per_year, factor_ratio)
    impacts = model.impacts  # one gather of the rows' values
    if np.ndim(scale) == 1:
        values: np.ndarray = np.multiply(impacts, scale[:, None, None], out=impacts)
    else:
        values = impacts * scale[..., None, None]
    for row in np.flatnonzero(np.asarray(model.row_included.any(axis=(1, 2)))).tolist():
        # an all-phase row: the phases its figure includes count zero
        of_row = model.row == row
        values[..., of_row, :, :] = np.where(
            model.row_included[row], 0.0, values[..., of_row, :, :]
        )
    np.copyto(values[..., _USE, :], np.nan, where=~model.direct_use[:, None])
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
        np.where(np.isin(model.basis, _STORAGE_BASES), HOURS_PER_YEAR, hours_per_year),
    )
    energy = units * power_w * operating_hours * KWH_PER_WH * pue
    return np.where(model.direct_use, np.nan, energy)


def add_use_impacts(
    values: np.ndarray, model: ComponentModel, energy_kwh: Any, intensity_ratio: Any = 1.0
) -> None:
    """Fill the use phase of energy-based components: energy (kWh) × grid factor, in place.

    ``intensity_ratio`` multiplies the grid factor (1 in the deterministic case).
    """
    ratio = np.asarray(intensity_ratio)
    # times one, the very factors: no copy of them (a million components' worth)
    intensity = (
        model.intensity if ratio.ndim == 0 and ratio == 1.0 else model.intensity * ratio[..., None]
    )
    use = np.asarray(energy_kwh)[..., None] * intensity
    np.copyto(values[..., _USE, :], use, where=~model.direct_use[:, None])


def _all_phases_in_use(impacts: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Per-GB rows whose source gives only an all-phase total (stored under ``use``).

    ``impacts``: components × phases × criteria, the factor rows' values.
    """
    gwp = impacts[:, :, CRITERIA.index("gwp")]
    embodied = [PHASES.index(phase) for phase in EMBODIED_PHASES]
    no_split = np.isnan(gwp[:, embodied]).all(axis=1)
    has_use = ~np.isnan(gwp[:, _USE])
    result: np.ndarray = (basis == "gb") & no_split & has_use
    return result


def _expand_components(
    items: pd.DataFrame, factor_ids: pd.Series, factors: pd.DataFrame
) -> tuple[pd.DataFrame, _Factorized]:
    """One component per item, two for a cloud instance (vCPU and memory), and their text
    columns' codes (made on first use).

    The items come first, in order (component ``i`` is item ``i``), then the
    memory of each cloud instance.
    """
    n = len(items)
    kind = items["kind"].to_numpy(dtype=object)
    cloud = np.flatnonzero(kind == "cloud_instance")
    item_index = np.concatenate([np.arange(n), cloud])
    components = (
        items.take(item_index).reset_index(drop=True) if len(cloud) else items.copy(deep=False)
    )
    memory = np.arange(len(item_index)) >= n
    components["item_index"] = item_index
    components["factor_id"] = np.where(
        memory, CLOUD_MEMORY_FACTOR, factor_ids.to_numpy(dtype=object)[item_index]
    )
    component = np.full(len(item_index), "", dtype=object)
    component[(kind == "cloud_instance")[item_index]] = "vcpu"
    component[memory] = "memory"
    components["component"] = component
    # an item declared per user counts its units per user (the year's users weigh them)
    per_user = components["quantity_per_user"].to_numpy(dtype=float)
    quantity = components["quantity"].to_numpy(dtype=float)
    components["quantity"] = np.where(np.isnan(per_user), quantity, quantity * per_user)
    components["size"] = component_size(
        components["kind"].to_numpy(dtype=object),
        components["component"].to_numpy(dtype=object),
        *(components[name].to_numpy(dtype=float) for name in SIZE_PARAMETERS),
    )
    components["units"] = (
        components["quantity"].to_numpy(dtype=float)
        * components["allocation"].to_numpy(dtype=float)
        * components["size"].to_numpy(dtype=float)
    )
    factorized = _Factorized(components)
    looked_up = RowLookup(factors, None, factorized("factor_id"))
    components["basis"] = looked_up("basis")
    components["origin"] = looked_up("origin")
    return components, factorized


#: Bases priced with an energy (its use phase is electricity × the grid).
_ENERGY_BASES: Final = ("device", "hour", *_STORAGE_BASES)

_DEFAULTED_PARAMETERS: Final = {
    # parameter: (warning code, kinds it applies to, bases it applies to, fallback)
    "lifetime_years": (
        "DEFAULT_LIFETIME",
        (*TERMINAL_KINDS, "server", "storage", "custom"),
        ("device", "tb", "drive"),
        None,
    ),
    "power_w": (
        "DEFAULT_POWER",
        (*TERMINAL_KINDS, "server", "cloud_instance", "storage", "custom"),
        _ENERGY_BASES,
        None,
    ),
    "hours_per_day": ("DEFAULT_USE_PROFILE", TERMINAL_KINDS, _ENERGY_BASES, None),
    "days_per_year": ("DEFAULT_USE_PROFILE", TERMINAL_KINDS, _ENERGY_BASES, None),
    "hours_per_year": (
        "DEFAULT_HOURS",
        ("server", "cloud_instance", "custom"),
        _ENERGY_BASES,
        HOURS_PER_YEAR,
    ),
}


def _apply_defaults(
    components: pd.DataFrame,
    factors: pd.DataFrame,
    warnings: list[Notice],
    factorized: _Factorized | None = None,
) -> None:
    """Fill parameters the dossier left out from the factor rows, and say so."""
    factorized = factorized or _Factorized(components)
    looked_up = RowLookup(factors, None, factorized("factor_id"))
    kinds = components["kind"].to_numpy(dtype=object)
    kind_in = _membership(kinds, factorized("kind"))
    basis_in = _membership(components["basis"].to_numpy(dtype=object), factorized("basis"))
    primary = components["component"].to_numpy(dtype=object) != "memory"
    ids = components["id"].to_numpy()
    no_power = np.zeros(len(components), dtype=bool)
    per_unit_kind = kind_in(("cloud_instance", "storage"))
    for parameter, (code, applies, bases, fallback) in _DEFAULTED_PARAMETERS.items():
        given = components[parameter].to_numpy(dtype=float)
        applicable = kind_in(applies) & basis_in(bases)
        # power of cloud and storage components is per unit (vCPU, GB, TB): always the factor's
        per_unit = per_unit_kind & (parameter == "power_w")
        row_value = looked_up(parameter, dtype=float)
        default = (
            row_value if fallback is None else np.where(np.isnan(row_value), fallback, row_value)
        )
        missing = applicable & (np.isnan(given) | per_unit)
        filled = np.where(missing, default, given)
        offset = f"{parameter}_offset"  # a what-if's change to the default (see apply_changes)
        if offset in components.columns:
            filled = filled + np.where(
                missing, np.nan_to_num(components[offset].to_numpy(float)), 0
            )
        components[parameter] = np.where(applicable, filled, np.nan)
        # which values are the factor row's (their uncertainty is the row's default spread)
        components[f"{parameter}_from_factor"] = missing & ~np.isnan(row_value)
        unknown = missing & np.isnan(default)
        if parameter == "power_w":
            no_power = unknown & primary
        reported = missing & ~per_unit & primary & ~unknown
        if reported.any():
            warnings.append(
                Notice(
                    code=code,
                    message=f"{parameter} not given: the factor row's default was used",
                    items=tuple(ids[reported].tolist()),
                    params={"parameter": parameter},
                )
            )
    if no_power.any():
        warnings.append(
            Notice(
                code="USE_POWER_UNKNOWN",
                message="power_w not given and the factor row has none: the use phase is "
                "unknown, not zero",
                items=tuple(dict.fromkeys(ids[no_power].tolist())),
            )
        )
    components["use_power_unknown"] = no_power
    _apply_default_pue(components, factors, warnings, kind_in, basis_in)
    _warn_cloud_billing(components, warnings)
    location_in = _membership(components["location"].to_numpy(dtype=object), factorized("location"))
    outside_eu = kind_in(("network",)) & ~location_in(EU27)
    if outside_eu.any():
        warnings.append(
            Notice(
                code="NETWORK_PROXY",
                message="no network factor for this location: the EU factor was used",
                items=tuple(ids[outside_eu].tolist()),
            )
        )


def _membership(
    values: np.ndarray, factorized: tuple[Any, Any] | None = None
) -> Callable[[Collection[Any]], np.ndarray]:
    """``np.isin(values, names)`` for many ``names``, each distinct value tested once
    (``factorized``: the values' codes and distinct values, when the caller has them)."""
    codes, uniques = factorized or pd.factorize(values)
    table = np.asarray(uniques, dtype=object)

    def isin(names: Collection[Any]) -> np.ndarray:
        wanted = set(names)
        hit = np.array([u in wanted for u in table] + [False], dtype=bool)
        result: np.ndarray = hit[codes]  # a missing value (code -1) is in no set
        return result

    return isin


def provider_key(provider: Any) -> str | None:
    """The key of a cloud provider named in free text (``"AWS eu-west-3"`` -> ``"aws"``)."""
    if not isinstance(provider, str):
        return None
    words = set("".join(ch if ch.isalnum() else " " for ch in provider.casefold()).split())
    for key, aliases in PROVIDER_ALIASES.items():
        if words & set(aliases):
            return key
    return None


def hosting_of(components: pd.DataFrame) -> np.ndarray:
    """Each component's hosting type: given, else cloud for cloud instances and items with a
    provider, colocation otherwise."""
    provider = components["provider"]
    has_provider = (provider.notna() & (provider.astype(str).str.strip() != "")).to_numpy()
    cloud = (components["kind"] == "cloud_instance").to_numpy() | has_provider
    default = np.where(cloud, "cloud", "colocation").astype(object)
    given = components["hosting"]
    result: np.ndarray = np.where(given.notna().to_numpy(), given.to_numpy(dtype=object), default)
    return result


def pue_rows(components: pd.DataFrame, factors: pd.DataFrame) -> np.ndarray:
    """The PUE factor row of each component, from its hosting type, provider and location.

    The first of these rows that the factor table has with a ``pue`` value:
    cloud: ``datacenter-pue-cloud-<provider>``, ``datacenter-pue-cloud``;
    colocation: ``datacenter-pue-<iso3>``, ``datacenter-pue-colocation``;
    on premises: ``datacenter-pue-on-premises``, then the colocation rows;
    and last ``datacenter-pue-fra`` (the only PUE row of dataset 2026.1 but cloud's).
    """
    has_pue = set(factors.index[factors["pue"].notna()]) if "pue" in factors else set()
    # one choice per distinct (kind, hosting, provider, location): few, whatever the inventory
    columns = (
        components["kind"].to_numpy(dtype=object),
        components["hosting"].to_numpy(dtype=object),
        components["provider"].to_numpy(dtype=object),
        components["location"].to_numpy(dtype=object),
    )
    first, codes = distinct_rows(columns)
    distinct = pd.DataFrame(
        {
            name: column[first]
            for name, column in zip(
                ("kind", "hosting", "provider", "location"), columns, strict=True
            )
        }
    )
    places = hosting_of(distinct)
    providers = distinct["provider"].fillna("").to_numpy(dtype=object)
    countries = distinct["location"].astype(str).to_numpy(dtype=object)
    chosen = []
    for place, provider_text, iso3 in zip(places, providers, countries, strict=True):
        provider = provider_key(provider_text)
        colocation = [f"datacenter-pue-{iso3.lower()}", COLOCATION_PUE_FACTOR]
        candidates = {
            "cloud": [f"datacenter-pue-cloud-{provider}", DEFAULT_CLOUD_PUE_FACTOR],
            "on_premises": [ON_PREMISES_PUE_FACTOR, *colocation],
        }.get(place, colocation)
        chosen.append(next((c for c in (*candidates, DEFAULT_PUE_FACTOR) if c in has_pue), None))
    result: np.ndarray = np.array(chosen, dtype=object)[codes]
    return result


def _apply_default_pue(
    components: pd.DataFrame,
    factors: pd.DataFrame,
    warnings: list[Notice],
    kind_in: Callable[[Collection[Any]], np.ndarray],
    basis_in: Callable[[Collection[Any]], np.ndarray],
) -> None:
    """Give data-centre components without a PUE the one of where they are hosted
    (``kind_in`` and ``basis_in``: the components' :func:`_membership` of kinds and bases)."""
    tier = components["tier"].to_numpy(dtype=object)
    custom = kind_in(("custom",))
    datacenter = kind_in(("server", "cloud_instance", "storage")) | (
        custom & (tier == "datacenter")
    )
    energy_based = basis_in(_ENERGY_BASES)
    pue_given = components["pue"].to_numpy(dtype=float)
    missing_pue = datacenter & energy_based & np.isnan(pue_given)
    pue_row = np.full(len(components), None, dtype=object)
    if missing_pue.any():
        needed = components.loc[missing_pue, ["kind", "hosting", "provider", "location"]]
        pue_row[missing_pue] = pue_rows(needed, factors)
    default_pue = RowLookup(factors, pue_row)("pue", dtype=float)
    keep = datacenter | (custom & ~np.isnan(pue_given))
    components["pue"] = np.where(keep, np.where(missing_pue, default_pue, pue_given), np.nan)
    components["pue_from_factor"] = pue_row
    # an item whose power is unknown has no use energy the PUE would change: not reported
    primary = (components["component"].to_numpy(dtype=object) != "memory") & ~components[
        "use_power_unknown"
    ].to_numpy(dtype=bool)
    ids = components["id"].to_numpy()
    for row_id in pd.unique(pue_row[primary & pd.notna(pue_row)]):
        reported = primary & (pue_row == row_id)
        value = float(cast(float, factors.at[row_id, "pue"]))
        warnings.append(
            Notice(
                code="DEFAULT_PUE",
                message=f"pue not given: the default data-centre PUE {value:g} ({row_id}) was used",
                items=tuple(ids[reported].tolist()),
                params={"pue": value, "factor": str(row_id)},
            )
        )


def _warn_cloud_billing(components: pd.DataFrame, warnings: list[Notice]) -> None:
    """Name, for each cloud instance, the hours its embodied impact is charged for."""
    cloud = (components["kind"].to_numpy(dtype=object) == "cloud_instance") & (
        components["component"].to_numpy(dtype=object) != "memory"
    )
    if not cloud.any():
        return
    billing = components["billing"].to_numpy(dtype=object)
    absent = pd.isna(billing)
    ids = components["id"].to_numpy()
    for mode in CLOUD_BILLINGS:
        chosen = cloud & np.where(absent, mode == "on_demand", billing == mode)
        if not chosen.any():
            continue
        default = bool(absent[chosen].any())
        hours = "all 8760 calendar hours" if mode in _CALENDAR_BILLINGS else "running hours only"
        warnings.append(
            Notice(
                code="CLOUD_BILLING",
                message=f"cloud embodied impact charged for {hours} (billing {mode}"
                + (", the default" if default else "")
                + ")",
                items=tuple(ids[chosen].tolist()),
                params={"billing": mode, "default": default},
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
        quality[i, _USE] = _QUALITY_CODE[str(row.quality)]
        same_item = memory & (ids == item)
        energy[same_item] = 0.0
        quality[same_item, _USE] = _QUALITY_CODE[str(row.quality)]
    return energy, quality


def _sum_components(
    components: pd.DataFrame, values: np.ndarray, quality: np.ndarray, n_items: int
) -> tuple[np.ndarray, np.ndarray]:
    """Add the components of each item (NaN in any part makes the sum unknown)."""
    item_index = components["item_index"].to_numpy()
    # components 0 to n - 1 are the items in order, then one memory part per cloud instance
    assert np.array_equal(item_index[:n_items], np.arange(n_items))
    totals = values[:n_items]  # a view: the values are not used again
    totals[item_index[n_items:]] += values[n_items:]
    return totals, quality[:n_items].copy()  # the item's own component's quality


def _warn_unknown_phases(
    items: pd.DataFrame, values: np.ndarray, components: pd.DataFrame, warnings: list[Notice]
) -> None:
    """UNKNOWN_PHASE for every phase whose gwp the factor rows leave unknown.

    An item whose use phase is unknown only because no power was given is
    named by USE_POWER_UNKNOWN instead.
    """
    gwp = CRITERIA.index("gwp")
    no_power = np.zeros(len(items), dtype=bool)
    flagged = components["item_index"].to_numpy()[components["use_power_unknown"].to_numpy()]
    no_power[flagged] = True
    for p, phase in enumerate(PHASES):
        unknown = np.isnan(values[:, p, gwp])
        if p == _USE:
            unknown &= ~no_power
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


#: The code of each quality in QUALITIES.
_QUALITY_CODE: Final = {name: code for code, name in enumerate(QUALITIES)}


def _quality_codes(names: np.ndarray) -> np.ndarray:
    """Codes of quality names in QUALITIES, -1 for a name that is none of them."""
    return np.array([_QUALITY_CODE.get(str(name), -1) for name in names], dtype=np.int8)


def _item_arrays(
    items: pd.DataFrame, values: np.ndarray, quality: np.ndarray, weights: np.ndarray
) -> ItemArrays:
    """The per-item arrays of the long table (codes for kinds, tiers and qualities)."""
    # a per-user item keeps its rows in a year without users (value zero, not absent)
    first = items["first_year"].fillna(1).to_numpy(dtype=np.int64)
    last = items["last_year"].fillna(weights.shape[1]).to_numpy(dtype=np.int64)
    years = np.arange(1, weights.shape[1] + 1)
    active = (years[None, :] >= first[:, None]) & (years[None, :] <= last[:, None])
    # each distinct kind's code and tier once (-1: none of the vocabulary's)
    codes, distinct = pd.factorize(items["kind"].to_numpy(dtype=object))
    kinds = list(distinct)
    kind_codes = _codes_of(kinds, ITEM_KINDS)[codes]
    tier_codes = _codes_of([TIER_BY_KIND.get(kind) for kind in kinds], TIERS)[codes]
    if "tier" in items.columns and "custom" in kinds:
        # a custom item is in the tier it names
        custom = codes == kinds.index("custom")
        named = pd.factorize(items["tier"].to_numpy(dtype=object)[custom])
        tier_codes[custom] = _codes_of(list(named[1]), TIERS)[named[0]]
    return ItemArrays(
        ids=items["id"].astype(str).to_numpy(dtype=object),
        kind=kind_codes,
        tier=tier_codes,
        values=values,
        quality=quality.astype(np.int8),
        active=active,
        weights=weights,
    )


def _codes_of(values: Sequence[Any], names: Sequence[str]) -> np.ndarray:
    """The position of each of ``values`` in ``names`` (-1 when not there) as int8, and a
    last -1 for a missing value (code -1 of a factorization)."""
    position = {name: code for code, name in enumerate(names)}
    return np.array(
        [position.get(v, -1) if isinstance(v, str) else -1 for v in values] + [-1], dtype=np.int8
    )
