"""The typed result of an assessment: every figure the tool vouches for, and nothing else.

:func:`ecodigital.assessment.run` returns one :class:`Results`, a tree of frozen
dataclasses. Every output — the terminal table, JSON, CSV, the note in HTML,
PDF, ODT and Markdown, its charts, the comparison of notes — formats the
figures it finds here and computes none. A :class:`Figure` is the one thing a
renderer formats: a value with its unit, whether it is complete (a sum with
unknown parts is a lower bound, shown "≥"), how many parts are unknown, the
shares of its value by data quality, its share of the total when it is part of
a breakdown, and its P5/P50/P95 range when the Monte Carlo propagation ran.
Unknown is ``None``, never zero.

The JSON form (:meth:`Results.to_json`, format ``ecodigital-assessment/3``) is
derived from these types, and so is its published JSON Schema
(:func:`results_json_schema`, ``ecodigital schema --results``):

* breakdowns are objects keyed by tier, phase or calendar year, then by
  criterion (``by_tier.terminals.gwp``);
* items are columns (``items.ids``, ``items.columns.gwp.values``...); in each
  column the unknown counts and the qualities are written as the most common
  one and the items that differ (:class:`SparseCounts`,
  :class:`SparseQualities`), and the items' shares of the total are left out
  (each is its value over ``totals.<criterion>.value``, computed again on
  reading), so that a 100,000-item inventory stays a few tens of megabytes;
* amounts of money are decimal strings (``"160000.00"``).

:meth:`Results.from_json` also reads ``ecodigital-assessment/2`` (notes
written before /3: every item column one entry per item, shares included),
and :func:`per_item_json` writes either format with one entry per item, so
that ``verify`` compares a note item by item in the note's own layout.

A figure is named by its path (:func:`figure_at`): ``totals.gwp``,
``by_tier[terminals].gwp``, ``items[agents-laptops].gwp``,
``scenarios.levers[2].criteria.gwp.change_pct``. The HTML note carries each
figure's path (``data-figure``), so a reader can tie the text to the data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from ecodigital.notices import Notice
from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS, QUALITIES

if TYPE_CHECKING:
    from ecodigital.dossier.model import Dossier
    from ecodigital.engine.longtable import ItemArrays
    from ecodigital.finance.check import FinanceReport

__all__ = [
    "LEGACY_RESULTS_FORMAT",
    "READABLE_RESULTS_FORMATS",
    "RESULTS_FORMAT",
    "Beneficiary",
    "CountsAt",
    "Dataset",
    "Driver",
    "Drivers",
    "Electricity",
    "FactorUsed",
    "Figure",
    "Financing",
    "Gap",
    "Indicators",
    "Inputs",
    "ItemColumn",
    "ItemColumnJson",
    "ItemTable",
    "ItemTableJson",
    "LongTable",
    "MeasurementResult",
    "MemberShare",
    "Mutualisation",
    "Override",
    "Project",
    "QualitiesAt",
    "Range",
    "RangeColumn",
    "ResourceLine",
    "Results",
    "Rgesn",
    "RgesnFamily",
    "Scenarios",
    "Sci",
    "SciYear",
    "SparseCounts",
    "SparseQualities",
    "Tool",
    "Uncertainty",
    "Variant",
    "figure_at",
    "finite_or_none",
    "iter_figures",
    "parse_path",
    "per_item_json",
    "results_json_schema",
    "value_at",
]

RESULTS_FORMAT: Final = "ecodigital-assessment/3"
#: The format of notes written before /3: item columns one entry per item, shares included.
LEGACY_RESULTS_FORMAT: Final = "ecodigital-assessment/2"
#: The formats :meth:`Results.from_json` reads.
READABLE_RESULTS_FORMATS: Final = (LEGACY_RESULTS_FORMAT, RESULTS_FORMAT)


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Range:
    """P5, P50 and P95 of a figure over the Monte Carlo draws, and their mean."""

    p5: float
    p50: float
    p95: float
    mean: float

    def __post_init__(self) -> None:
        if not self.p5 <= self.p50 <= self.p95:
            raise ValueError(f"P5 <= P50 <= P95 does not hold: {self.p5}, {self.p50}, {self.p95}")


@dataclass(frozen=True)
class Figure:
    """One figure a reader sees.

    ``value`` is ``None`` when nothing of it is known. ``complete`` is False
    when some of its parts are unknown (``unknown`` counts them): the value is
    then the sum of the known parts, a lower bound. ``quality`` gives the share
    of the value obtained each way (``measured``, ``estimated-by-codecarbon``,
    ``modelled``, ``declared``); it is empty for a source figure (a factor) and
    for an unknown value. ``share`` is the figure's share of the total of the
    same criterion, in a breakdown. ``range`` holds its Monte Carlo statistics.
    """

    value: float | None
    unit: str
    complete: bool = True
    unknown: int = 0
    quality: dict[str, float] = field(default_factory=dict)
    share: float | None = None
    range: Range | None = None

    @property
    def lower_bound(self) -> bool:
        """A partial sum: shown as "≥ value"."""
        return self.value is not None and not self.complete


# --------------------------------------------------------------------------- the project


@dataclass(frozen=True)
class Tool:
    name: str
    version: str


@dataclass(frozen=True)
class Beneficiary:
    name: str
    type: str


@dataclass(frozen=True)
class Project:
    """The project as assessed: who, where, when, how many users."""

    name: str
    beneficiary: Beneficiary
    country: str
    start_year: int
    duration_years: int
    horizon_years: int
    users_per_year: tuple[float, ...]
    institutions: int | None
    description: str | None = None

    @property
    def years(self) -> tuple[int, ...]:
        """The calendar years of the horizon."""
        return tuple(range(self.start_year, self.start_year + self.horizon_years))


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Override:
    """One reference factor value replaced by a user's file."""

    factor_id: str
    column: str
    reference: float | str | None
    value: float | str | None
    file: str


@dataclass(frozen=True)
class Dataset:
    """The factor dataset the figures were computed with, and what a user changed in it."""

    name: str
    version: str
    date: str
    user_files: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class FactorUsed:
    """A factor row the figures used, with its source (``origin`` ``user`` for a user's row)."""

    id: str
    kind: str
    label: str
    basis: str
    source: str
    source_title: str | None
    source_url: str | None
    source_year: str
    licence: str
    origin: str
    values: dict[str, float]
    # the row's parameters: factors.database.PARAMETER_COLUMNS, in its order
    lifetime_years: float | None = None
    power_w: float | None = None
    power_w_low: float | None = None
    power_w_high: float | None = None
    hours_per_day: float | None = None
    days_per_year: float | None = None
    hours_per_year: float | None = None
    pue: float | None = None
    drive_capacity_tb: float | None = None
    uncertainty_low: float | None = None
    uncertainty_high: float | None = None


@dataclass(frozen=True)
class Electricity:
    """The grid factors of a country, per kWh and per criterion (``None``: not given)."""

    country: str
    factor_id: str | None
    per_kwh: dict[str, Figure]
    source: str
    year: str
    origin: str


@dataclass(frozen=True)
class MeasurementResult:
    """A measured item: what the measurements say, beside what the model gives.

    Energies are per year after allocation and PUE; ``codecarbon_gwp`` is
    CodeCarbon's own emission figure scaled the same way, so that it differs
    from ``use_gwp`` only by the grid factor.
    """

    item: str
    per: str
    files: tuple[str, ...]
    runs: int
    duration_h: float
    energy_kwh: float
    emissions_kgco2e: float | None
    energy_kwh_per_unit: float
    units_per_year: float
    pue_included: bool
    quality: str
    cpu_methods: tuple[str, ...]
    countries: tuple[str, ...]
    location: str
    grid_gwp_kgco2e_per_kwh: float
    allocation_x_pue: float | None
    use_energy: Figure
    modelled_energy: Figure
    measured_to_modelled: float | None
    use_gwp: Figure
    modelled_gwp: Figure
    codecarbon_gwp: Figure
    codecarbon_intensity_kgco2e_per_kwh: float | None


# --------------------------------------------------------------------------- items


@dataclass(frozen=True)
class RangeColumn:
    """Monte Carlo statistics of one criterion, item by item."""

    p5: tuple[float | None, ...]
    p50: tuple[float | None, ...]
    p95: tuple[float | None, ...]
    mean: tuple[float | None, ...]


@dataclass(frozen=True)
class ItemColumn:
    """One criterion over the horizon, item by item (the fields of a :class:`Figure`).

    ``quality`` is the one quality of the item's value, or the shares of its
    value by quality when they are mixed (a measured use phase beside a
    modelled manufacturing, for example).
    """

    unit: str
    values: tuple[float | None, ...]
    unknown: tuple[int, ...]
    quality: tuple[str | dict[str, float] | None, ...]
    share: tuple[float | None, ...]
    range: RangeColumn | None = None


@dataclass(frozen=True)
class ItemTable:
    """Every inventory item, in inventory order: id, kind, tier, the factor row that prices
    it, and a column per criterion (a :class:`SummedColumns` when the pipeline made it)."""

    ids: tuple[str, ...]
    kinds: tuple[str, ...]
    tiers: tuple[str, ...]
    factors: tuple[str, ...]
    columns: Mapping[str, ItemColumn]

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def _position(self) -> dict[str, int]:
        return {item: i for i, item in enumerate(self.ids)}

    def position(self, item: str) -> int:
        """Where ``item`` is in the table (KeyError when it is not)."""
        return self._position[item]

    def figure(self, item: str | int, criterion: str) -> Figure:
        """The figure of one item and criterion over the horizon."""
        i = item if isinstance(item, int) else self.position(item)
        if isinstance(self.columns, SummedColumns):
            return self.columns.figure(i, criterion)
        column = self.columns[criterion]
        return _item_figure(
            column.values[i],
            column.unit,
            column.unknown[i],
            column.quality[i],
            column.share[i],
            column.range,
            i,
        )

    def ranked(self, criterion: str = "gwp", top: int | None = None) -> list[int]:
        """Positions of the items from the largest ``criterion`` value down (unknown last)."""
        import numpy as np

        if isinstance(self.columns, SummedColumns):
            values = self.columns.value_array(criterion)
        else:
            values = np.array(self.columns[criterion].values, dtype=float)  # None -> NaN
        unknown = np.isnan(values)
        # a stable sort: known before unknown, larger first, inventory order among equals
        order: list[int] = np.lexsort((-np.where(unknown, 0.0, values), unknown)).tolist()
        return order if top is None else order[:top]


def _item_figure(
    value: float | None,
    unit: str,
    unknown: int,
    quality: ItemQuality,
    share: float | None,
    ranges: RangeColumn | None,
    i: int,
) -> Figure:
    stats = None
    if ranges is not None:
        p5, p50, p95, mean = ranges.p5[i], ranges.p50[i], ranges.p95[i], ranges.mean[i]
        if p5 is not None and p50 is not None and p95 is not None and mean is not None:
            stats = Range(p5, p50, p95, mean)
    return Figure(
        value=value,
        unit=unit,
        complete=unknown == 0,
        unknown=unknown,
        quality={} if quality is None else {quality: 1.0} if isinstance(quality, str) else quality,
        share=share,
        range=stats,
    )


class SummedColumns(Mapping[str, ItemColumn]):
    """The columns of an :class:`ItemTable` as the pipeline sums them: arrays of items ×
    criteria, an :class:`ItemColumn` of tuples made only when a reader asks for it.

    The terminal table ranks the items and shows a few, and the JSON writes each column
    whole, straight from the arrays: a million items make no tens of millions of Python
    objects. ``values`` is each item's sum (NaN: unknown), ``unknown`` its count of unknown
    rows; ``quality`` the code of its quality: a position in
    :data:`~ecodigital.vocabulary.QUALITIES`, -1 for none (an unknown value), or
    ``len(QUALITIES) + k`` for the shares ``mixed[k]`` of a value made of several.
    ``totals`` are the totals of the criteria (an item's share is its value over its
    criterion's), ``ranges`` the Monte Carlo statistics of the criteria that have them.
    """

    def __init__(
        self,
        values: Any,
        unknown: Any,
        quality: Any,
        mixed: Sequence[dict[str, float]],
        totals: Mapping[str, float | None],
        ranges: Mapping[str, RangeColumn] | None = None,
    ) -> None:
        self._criteria = {criterion: c for c, criterion in enumerate(CRITERIA)}
        self._values, self._unknown, self._quality = values, unknown, quality
        self._mixed = list(mixed)
        self._totals = dict(totals)
        self._ranges = dict(ranges or {})
        self._made: dict[str, ItemColumn] = {}

    def __iter__(self) -> Iterator[str]:
        return iter(self._criteria)

    def __len__(self) -> int:
        return len(self._criteria)

    def __getitem__(self, criterion: str) -> ItemColumn:
        if criterion not in self._made:
            c = self._criteria[criterion]
            values = self._values[:, c]
            total = self._totals[criterion]
            self._made[criterion] = ItemColumn(
                unit=CRITERION_UNITS[criterion],
                values=_optional(values),
                unknown=tuple(self._unknown[:, c].tolist()),
                quality=tuple(self._qualities(c)),
                share=_optional(values / total) if total else (None,) * len(values),
                range=self._ranges.get(criterion),
            )
        return self._made[criterion]

    def value_array(self, criterion: str) -> Any:
        """The values of ``criterion`` as float64, NaN where unknown."""
        return self._values[:, self._criteria[criterion]]

    def figure(self, i: int, criterion: str) -> Figure:
        """Item ``i``'s figure of ``criterion``, as :meth:`ItemTable.figure` gives it."""
        c = self._criteria[criterion]
        number = float(self._values[i, c])
        value = None if math.isnan(number) else number
        total = self._totals[criterion]
        share = None if value is None or not total else _finite(value / total)
        quality = self._quality_of(int(self._quality[i, c]))
        return _item_figure(
            value,
            CRITERION_UNITS[criterion],
            int(self._unknown[i, c]),
            dict(quality) if isinstance(quality, dict) else quality,
            share,
            self._ranges.get(criterion),
            i,
        )

    def json_column(self, criterion: str) -> dict[str, Any]:
        """The JSON of one column (see :func:`_items_json`), the same as the tuples'."""
        c = self._criteria[criterion]
        ranges = self._ranges.get(criterion)
        return {
            "unit": CRITERION_UNITS[criterion],
            "values": list(_optional(self._values[:, c])),
            "unknown": _sparse_codes(self._unknown[:, c], int, 0),
            "quality": _sparse_codes(self._quality[:, c], self._quality_of, None),
            "range": None if ranges is None else _range_json(ranges),
        }

    def _quality_of(self, code: int) -> ItemQuality:
        if code < 0:
            return None
        return QUALITIES[code] if code < len(QUALITIES) else self._mixed[code - len(QUALITIES)]

    def _qualities(self, c: int) -> list[ItemQuality]:
        import numpy as np

        codes = self._quality[:, c]
        names: list[ItemQuality] = [None, *QUALITIES]
        out = [names[code + 1] if code < len(QUALITIES) else None for code in codes.tolist()]
        # the shares of a mixed value: a dict of its own for every item
        for i in np.flatnonzero(codes >= len(QUALITIES)).tolist():
            out[i] = dict(self._mixed[int(codes[i]) - len(QUALITIES)])
        return out


def _finite(number: float) -> float | None:
    return None if math.isnan(number) else number


def _optional(values: Any) -> tuple[float | None, ...]:
    """Floats, with ``None`` where a value is NaN (unknown)."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    out: list[float | None] = array.tolist()
    # one vectorised test, then a write per unknown cell only
    for position in np.flatnonzero(np.isnan(array)).tolist():
        out[position] = None
    return tuple(out)


def _range_json(ranges: RangeColumn) -> dict[str, list[float | None]]:
    return {
        "p5": list(ranges.p5),
        "p50": list(ranges.p50),
        "p95": list(ranges.p95),
        "mean": list(ranges.mean),
    }


# the JSON form of the items (ecodigital-assessment/3): a column's unknown counts and
# qualities as the most common one and the items that differ; no shares (value / total)

#: One item's quality: a name, the shares of its value by quality when mixed, or null.
ItemQuality = str | dict[str, float] | None
#: A count, or an item's position in ``items.ids``.
_Natural = Annotated[int, Field(ge=0)]


@dataclass(frozen=True)
class CountsAt:
    """The items (positions in ``items.ids``, ascending) whose count is ``value``."""

    value: _Natural
    at: tuple[_Natural, ...]


@dataclass(frozen=True)
class SparseCounts:
    """One count per item: ``default`` for every item but those listed in ``others``."""

    default: _Natural
    others: tuple[CountsAt, ...] = ()


@dataclass(frozen=True)
class QualitiesAt:
    """The items (positions in ``items.ids``, ascending) whose quality is ``value``."""

    value: ItemQuality
    at: tuple[_Natural, ...]


@dataclass(frozen=True)
class SparseQualities:
    """One quality per item: ``default`` for every item but those listed in ``others``."""

    default: ItemQuality
    others: tuple[QualitiesAt, ...] = ()


@dataclass(frozen=True)
class ItemColumnJson:
    """One criterion item by item, as written: each item's value (null: unknown), how many
    of its parts are unknown and its quality; and, for ``gwp`` with the Monte Carlo
    propagation, its range. An item's share of the total is its value over
    ``totals.<criterion>.value`` (null when either is null or the total is 0)."""

    unit: str
    values: tuple[float | None, ...]
    unknown: SparseCounts
    quality: SparseQualities
    range: RangeColumn | None = None


@dataclass(frozen=True)
class ItemTableJson:
    """Every inventory item, in inventory order, as written: id, kind, tier, the factor row
    that prices it, and a column per criterion."""

    ids: tuple[str, ...]
    kinds: tuple[str, ...]
    tiers: tuple[str, ...]
    factors: tuple[str, ...]
    columns: dict[str, ItemColumnJson]


def _quality_shares(quality: str | dict[str, float] | None) -> dict[str, float]:
    if quality is None:
        return {}
    return {quality: 1.0} if isinstance(quality, str) else dict(quality)


class LongTable:
    """The long table of the engine (one value per item, year, phase and criterion).

    It is not part of the JSON unless asked for (``--rows``); ``assess
    --format csv`` writes it. The renderers only call its methods. It is held
    as the engine's per-item arrays and expanded only when read: whole for
    :meth:`records`, a slice of items at a time for :meth:`csv_chunks`.
    """

    #: Items expanded at a time when the table is written as CSV (32 rows an item-year).
    CSV_ITEMS_PER_CHUNK: Final = 4_000

    def __init__(self, arrays: ItemArrays) -> None:
        self._arrays = arrays

    def __len__(self) -> int:
        return self._arrays.row_count

    def csv_chunks(self) -> Iterator[str]:
        """The table as CSV, a slice of items at a time (the header with the first slice),
        with the engine's columns and 12 significant figures."""
        from ecodigital.engine.longtable import LONG_COLUMNS

        for position, frame in enumerate(self._arrays.chunks(self.CSV_ITEMS_PER_CHUNK)):
            yield str(
                frame[list(LONG_COLUMNS)].to_csv(
                    index=False, header=position == 0, float_format="%.12g"
                )
            )

    def to_csv(self) -> str:
        """The table as CSV, with the engine's columns and 12 significant figures."""
        return "".join(self.csv_chunks())

    def records(self) -> list[dict[str, Any]]:
        """The table as JSON-ready records (unknown values as ``None``)."""
        import numpy as np

        from ecodigital.engine.longtable import LONG_COLUMNS

        frame = self._arrays.long_table()
        columns: list[list[Any]] = []
        for name in LONG_COLUMNS:
            column = frame[name]
            if name == "value":
                values = column.to_numpy(dtype=float)
                columns.append([None if np.isnan(v) else float(v) for v in values])
            elif name == "year":
                columns.append([int(year) for year in column.to_numpy()])
            else:
                columns.append(column.astype(str).tolist())
        return [dict(zip(LONG_COLUMNS, row, strict=True)) for row in zip(*columns, strict=True)]


# --------------------------------------------------------------------------- per functional unit


@dataclass(frozen=True)
class SciYear:
    """SCI of one year: (operational + embodied) ÷ that year's users."""

    users: float
    operational: Figure
    embodied: Figure
    value: Figure


@dataclass(frozen=True)
class Sci:
    """Software Carbon Intensity per user-year (ISO/IEC 21031): (E × I + M) / R."""

    value: Figure
    operational: Figure
    embodied: Figure
    by_year: dict[str, SciYear]
    functional_unit: str = "user-year"
    formula: str = "(E x I + M) / R"


@dataclass(frozen=True)
class Indicators:
    """The call's indicators: RCO 14 (institutions) and RCR 11 (users of the last year)."""

    rco14_institutions: int | None
    rcr11_users: float
    rcr11_year: int
    gwp_per_rcr11_user: Figure


# --------------------------------------------------------------------------- uncertainty


@dataclass(frozen=True)
class Uncertainty:
    """How the ranges were drawn."""

    draws: int
    seed: int
    correlation: str
    inputs: dict[str, int]
    method: str = "monte-carlo"
    statistics: str = "P5, P50, P95 (linear interpolation between draws) and mean"


@dataclass(frozen=True)
class Driver:
    """An uncertain input, its share of the output's variance and the tornado's ends."""

    key: str
    kind: str
    label: str
    distribution: str
    low: float
    high: float
    mode: float | None
    baseline: float
    items: int
    share: float
    spearman: float
    input_p5: float
    input_p95: float
    output_at_p5: float
    output_at_p95: float


@dataclass(frozen=True)
class Drivers:
    """The inputs that drive the horizon total of one criterion."""

    criterion: str
    unit: str
    draws: int
    deterministic: float | None
    unranked_item_inputs: int
    inputs: tuple[Driver, ...]
    output: str = "total over the horizon"
    estimator: str = "squared Spearman rank correlation with the output, normalised to sum to 1"


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Gap:
    """A variant against the baseline on one criterion, each figure with its paired range."""

    baseline: Figure
    value: Figure
    change: Figure
    change_pct: Figure
    per_user_year: Figure
    change_per_user_year: Figure


@dataclass(frozen=True)
class Variant:
    """A scenario of the dossier, or a standard lever (``lever`` is its code)."""

    name: str
    lever: str | None
    params: dict[str, float | str]
    items: tuple[str, ...]
    criteria: dict[str, Gap]


@dataclass(frozen=True)
class Scenarios:
    """The dossier's scenarios and the standard levers it does not study, on paired draws."""

    draws: int | None
    seed: int | None
    baseline: dict[str, Figure]
    scenarios: tuple[Variant, ...]
    levers: tuple[Variant, ...]


# --------------------------------------------------------------------------- financing, RGESN


@dataclass(frozen=True)
class ResourceLine:
    """One line of the financing plan, as the dossier declares it."""

    source: str
    label: str | None
    amount: Decimal


@dataclass(frozen=True)
class Financing:
    """The financing check of the dossier's budget under a call's rules, and its resources."""

    passed: bool
    report: FinanceReport
    resources: tuple[ResourceLine, ...] = ()


@dataclass(frozen=True)
class RgesnFamily:
    score: float | None
    counts: dict[str, int]


@dataclass(frozen=True)
class Rgesn:
    """The RGESN progress score and how much of the reference it rests on.

    ``answered`` counts the criteria with a verdict (validated or not),
    ``applicable`` those not declared "non applicable"; ``coverage`` is their
    ratio. A score on few answers says little: compare notes by both.
    """

    reference: str
    score: float | None
    answered: int
    applicable: int
    coverage: float | None
    counts: dict[str, int]
    families: dict[str, RgesnFamily]
    previous_score: float | None = None
    target_score: float | None = None


# --------------------------------------------------------------------------- mutualisation


@dataclass(frozen=True)
class MemberShare:
    """One member of a mutualised project: its share, its footprint and its part of the cost.

    ``key_value`` is the member's value of the allocation key (``None`` for
    equal shares); ``footprint`` holds one figure per criterion, the total
    times ``share``; ``cost`` its part of the financing plan, to the cent
    (``None`` when the dossier has no budget).
    """

    name: str
    type: str
    siren: str | None
    key_value: float | None
    share: float
    footprint: dict[str, Figure]
    cost: Decimal | None


@dataclass(frozen=True)
class Mutualisation:
    """How a mutualised project is shared between its members (``assessment.mutual``)."""

    key: str
    members: tuple[MemberShare, ...]
    total_cost: Decimal | None


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, eq=False)
class Inputs:
    """What the figures were computed from (never in the JSON; the note embeds the dossier).

    ``standalone`` is the dossier as a note embeds it: its CSV inventory
    inlined and its measurement files replaced by what they said, so that it
    can be assessed again with no other file; it is made when first asked for
    (a large inventory costs time, and only a note needs it). ``files`` are
    every file read.
    """

    path: str
    dossier: Dossier
    make_standalone: Callable[[], dict[str, Any]]
    files: tuple[str, ...]
    table: LongTable

    @cached_property
    def standalone(self) -> dict[str, Any]:
        return self.make_standalone()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        # never serialised nor validated: the JSON leaves the inputs out
        from pydantic_core import core_schema

        return core_schema.any_schema()


# --------------------------------------------------------------------------- the tree


_NOT_IN_JSON: Final = Field(exclude=True)
_LONG_COLUMN_NAMES: Final = (
    "item", "kind", "tier", "phase", "criterion", "year", "value", "unit", "quality",
)  # fmt: skip


@dataclass(frozen=True)
class Results:
    """Everything an assessment gives, as the reports show it."""

    __pydantic_config__ = ConfigDict(arbitrary_types_allowed=True)

    format: str
    tool: Tool
    project: Project
    factors_dataset: Dataset
    totals: dict[str, Figure]
    per_year: dict[str, Figure]
    per_user_year: dict[str, Figure]
    user_years: float
    by_tier: dict[str, dict[str, Figure]]
    by_phase: dict[str, dict[str, Figure]]
    by_year: dict[str, dict[str, Figure]]
    by_tier_phase: dict[str, dict[str, dict[str, Figure]]]
    by_year_tier: dict[str, dict[str, dict[str, Figure]]]
    items: ItemTable
    sci: Sci
    indicators: Indicators
    electricity: tuple[Electricity, ...]
    factors_used: tuple[FactorUsed, ...]
    measurements: tuple[MeasurementResult, ...]
    warnings: tuple[Notice, ...]
    uncertainty: Uncertainty | None = None
    drivers: Drivers | None = None
    scenarios: Scenarios | None = None
    finance: Financing | None = None
    rgesn: Rgesn | None = None
    mutualisation: Mutualisation | None = None
    inputs: Annotated[SkipJsonSchema[Inputs | None], _NOT_IN_JSON] = None

    def to_json(self, *, rows: bool = False) -> dict[str, Any]:
        """The results as JSON-ready data, format ``ecodigital-assessment/3`` (``rows``: with
        the long table)."""
        body: dict[str, Any] = _adapter().dump_python(self, mode="json", exclude={"items"})
        data = {
            name: _items_json(self.items) if name == "items" else body[name]
            for name in self.__dataclass_fields__
            if name == "items" or name in body
        }
        data["format"] = RESULTS_FORMAT
        if rows:
            if self.inputs is None:
                raise ValueError("these results keep no long table")
            data["rows"] = self.inputs.table.records()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Results:
        """Results read back from their JSON, ``ecodigital-assessment/3`` or /2 (``rows`` are
        ignored); ValueError when invalid.

        The items' shares, which /3 leaves out, are computed again as the pipeline does
        (value / total of the criterion), so the results are those that were written.
        """
        body = {key: value for key, value in data.items() if key != "rows"}
        legacy = body.get("format") == LEGACY_RESULTS_FORMAT
        if not legacy:
            body["items"] = _items_from_json(body.get("items"))
        results: Results = _validated(_adapter(), body, ())
        if legacy:
            _check_lengths(results.items)
        items = results.items if legacy else _with_shares(results.items, results.totals)
        return replace(results, format=RESULTS_FORMAT, items=items)

    def figure(self, path: str) -> Figure:
        """The figure at ``path`` (see :func:`value_at`)."""
        return figure_at(self, path)


_ADAPTERS: dict[type, Any] = {}


def _adapter(of: type = Results) -> Any:
    if of not in _ADAPTERS:
        from pydantic import TypeAdapter

        # the financing's types are imported when first needed (the terminal table does
        # without them); pydantic resolves the annotations' names in this frame too
        from ecodigital.finance.check import FinanceReport  # noqa: F401

        _ADAPTERS[of] = TypeAdapter(of)
    return _ADAPTERS[of]


def _validated(adapter: Any, data: Any, at: tuple[str, ...]) -> Any:
    """``data`` validated by a pydantic adapter; ValueError naming the first wrong field."""
    from pydantic import ValidationError

    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in (*at, *first["loc"]))
        raise ValueError(f"{where}: {first['msg']}") from None


# --------------------------------------------------------------------------- the items' JSON


def _items_json(table: ItemTable) -> dict[str, Any]:
    """The JSON of the items (``ecodigital-assessment/3``): see :class:`ItemTableJson`."""
    columns = table.columns
    if isinstance(columns, SummedColumns):
        written = {criterion: columns.json_column(criterion) for criterion in columns}
    else:
        written = {criterion: _column_json(column) for criterion, column in columns.items()}
    return {
        "ids": list(table.ids),
        "kinds": list(table.kinds),
        "tiers": list(table.tiers),
        "factors": list(table.factors),
        "columns": written,
    }


def _column_json(column: ItemColumn) -> dict[str, Any]:
    ranges = column.range
    return {
        "unit": column.unit,
        "values": list(column.values),
        "unknown": _sparse(column.unknown, 0),
        "quality": _sparse(column.quality, None),
        "range": None if ranges is None else _range_json(ranges),
    }


def _sparse(values: Sequence[Any], empty: Any) -> dict[str, Any]:
    """``{"default": the most common value, "others": [{"value", "at"}...]}``.

    On a tie the value met first is the default; the other values follow in the order
    they are first met, each with its positions in ascending order. A dict (the shares of
    a mixed quality) is grouped with the dicts equal to it.
    """
    positions: dict[Any, list[int]] = {}
    first: dict[Any, Any] = {}
    for i, value in enumerate(values):
        key = tuple(sorted(value.items())) if isinstance(value, dict) else value
        found = positions.get(key)
        if found is None:
            positions[key] = [i]
            first[key] = value
        else:
            found.append(i)
    if not positions:
        return {"default": empty, "others": []}
    default = max(positions, key=lambda key: len(positions[key]))  # the first of the largest
    return {
        "default": first[default],
        "others": [
            {"value": first[key], "at": at} for key, at in positions.items() if key != default
        ],
    }


def _sparse_codes(codes: Any, value_of: Callable[[int], Any], empty: Any) -> dict[str, Any]:
    """:func:`_sparse` of the values ``value_of(code)`` of integer ``codes`` (one per item;
    equal codes, equal values), grouped by code in a few passes over the array."""
    import numpy as np

    if not len(codes):
        return {"default": empty, "others": []}
    first_code = codes[0]
    if (codes == first_code).all():
        return {"default": value_of(int(first_code)), "others": []}
    distinct, first, inverse, counts = np.unique(
        codes, return_index=True, return_inverse=True, return_counts=True
    )
    met = np.argsort(first)  # the values in the order they are first met
    default = int(met[np.argmax(counts[met])])  # the first of the largest
    # each value's positions, ascending: the items sorted by value, stably
    by_value = np.argsort(inverse.reshape(-1), kind="stable")
    ends = np.cumsum(counts)
    return {
        "default": value_of(int(distinct[default])),
        "others": [
            {
                "value": value_of(int(distinct[g])),
                "at": by_value[ends[g] - counts[g] : ends[g]].tolist(),
            }
            for g in met.tolist()
            if g != default
        ],
    }


def _items_from_json(data: Any) -> ItemTable:
    """The items of an ``ecodigital-assessment/3`` JSON, their shares not yet computed
    (``None``: see :func:`_with_shares`); ValueError when invalid."""
    return _table_of(_validated(_adapter(ItemTableJson), data, ("items",)))


def _table_of(wire: ItemTableJson) -> ItemTable:
    n = len(wire.ids)
    columns = {
        criterion: ItemColumn(
            unit=column.unit,
            values=column.values,
            unknown=_expanded(column.unknown, n, f"items.columns.{criterion}.unknown"),
            quality=_expanded(column.quality, n, f"items.columns.{criterion}.quality"),
            share=(None,) * len(column.values),
            range=column.range,
        )
        for criterion, column in wire.columns.items()
    }
    table = ItemTable(wire.ids, wire.kinds, wire.tiers, wire.factors, columns)
    _check_lengths(table)
    return table


def _expand(
    default: Any, others: Iterable[tuple[Any, Sequence[int]]], n: int, where: str
) -> tuple[Any, ...]:
    """One value per item: ``default``, but each ``(value, positions)`` of ``others`` at its
    positions; ValueError when a position is outside the items, listed twice or out of
    order."""
    out: list[Any] = (
        [dict(default) for _ in range(n)] if isinstance(default, dict) else [default] * n
    )
    listed = bytearray(n)
    for g, (value, at) in enumerate(others):
        previous = -1
        for i in at:
            if not previous < i < n or listed[i]:
                raise ValueError(
                    f"{where}.others[{g}].at: item {i} is outside the {n} items, "
                    "listed twice or out of order"
                )
            listed[i] = 1
            previous = i
            out[i] = dict(value) if isinstance(value, dict) else value
    return tuple(out)


def _expanded(sparse: SparseCounts | SparseQualities, n: int, where: str) -> tuple[Any, ...]:
    others: tuple[CountsAt | QualitiesAt, ...] = sparse.others
    return _expand(sparse.default, ((o.value, o.at) for o in others), n, where)


def _check_lengths(table: ItemTable) -> None:
    """ValueError unless every list of the items has one entry per item."""
    n = len(table.ids)
    lists: list[tuple[str, Sequence[Any]]] = [
        ("kinds", table.kinds),
        ("tiers", table.tiers),
        ("factors", table.factors),
    ]
    for criterion, column in table.columns.items():
        at = f"columns.{criterion}"
        lists += [(f"{at}.values", column.values), (f"{at}.unknown", column.unknown)]
        lists += [(f"{at}.quality", column.quality), (f"{at}.share", column.share)]
        if column.range is not None:
            for name in ("p5", "p50", "p95", "mean"):
                lists.append((f"{at}.range.{name}", getattr(column.range, name)))
    for name, values in lists:
        if len(values) != n:
            raise ValueError(f"items.{name}: {len(values)} entries for {n} items")


def _item_shares(values: Sequence[float | None], total: float | None) -> tuple[float | None, ...]:
    """Each item's share of ``total``, as the pipeline computes it (one IEEE division, so
    the very float); ``None`` for an unknown value, or for all when the total is 0 or
    unknown."""
    if not total:
        return (None,) * len(values)
    return tuple(None if value is None else value / total for value in values)


def _with_shares(table: ItemTable, totals: Mapping[str, Figure]) -> ItemTable:
    """``table`` with each item's share of the total of its criterion."""
    columns = {
        criterion: replace(
            column,
            share=_item_shares(
                column.values, totals[criterion].value if criterion in totals else None
            ),
        )
        for criterion, column in table.columns.items()
    }
    return replace(table, columns=columns)


def per_item_json(data: Mapping[str, Any], *, legacy: bool = False) -> dict[str, Any]:
    """A results JSON with one entry per item in every item column (ValueError when invalid).

    The unknown counts and qualities of ``ecodigital-assessment/3`` become a list over
    the items, each entry as the JSON writes it (nothing converted: ``verify`` compares
    what a note says); ``legacy`` also writes each item's share and the format name /2,
    the layout of a note written in ``ecodigital-assessment/2``, which is returned as it
    is. ``verify`` compares a note with the recomputed results this way, item by item.
    """
    out = dict(data)
    if out.get("format") == LEGACY_RESULTS_FORMAT:
        return out
    wire: ItemTableJson = _validated(_adapter(ItemTableJson), out.get("items"), ("items",))
    _table_of(wire)  # every position and length checked
    n = len(wire.ids)
    raw = out["items"]["columns"]
    totals = out.get("totals")
    columns: dict[str, Any] = {}
    for criterion, column in wire.columns.items():
        entry: dict[str, Any] = {"unit": raw[criterion]["unit"], "values": raw[criterion]["values"]}
        for name in ("unknown", "quality"):
            sparse = raw[criterion][name]
            at = (o.at for o in getattr(column, name).others)
            pairs = zip((o["value"] for o in sparse.get("others", ())), at, strict=True)
            entry[name] = list(_expand(sparse["default"], pairs, n, ""))
        if legacy:
            total = totals.get(criterion) if isinstance(totals, Mapping) else None
            value = total.get("value") if isinstance(total, Mapping) else None
            number = (
                value if isinstance(value, int | float) and not isinstance(value, bool) else None
            )
            entry["share"] = list(_item_shares(column.values, number))
        entry["range"] = raw[criterion].get("range")
        columns[criterion] = entry
    out["items"] = {**out["items"], "columns": columns}
    if legacy:
        out["format"] = LEGACY_RESULTS_FORMAT
    return out


def results_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``ecodigital-assessment/3`` (what :meth:`Results.to_json` gives)."""
    schema: dict[str, Any] = _adapter().json_schema(mode="serialization")
    # the items as written (ItemTableJson), not as held (ItemTable)
    items: dict[str, Any] = _adapter(ItemTableJson).json_schema(
        mode="serialization", ref_template="#/$defs/{model}"
    )
    defs = schema["$defs"]
    for name in ("ItemTable", "ItemColumn"):
        del defs[name]
    defs.update(items.pop("$defs"))
    defs["ItemTableJson"] = items
    schema["properties"]["items"] = {"$ref": "#/$defs/ItemTableJson"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://ecodigital.eu/schemas/ecodigital-assessment-3.json"
    schema["title"] = "ecodigital assessment results (ecodigital-assessment/3)"
    schema["description"] = (
        "Every figure of an assessment: value, unit, completeness, unknown parts, quality "
        "shares and P5/P50/P95 range. Unknown values are null, never zero."
    )
    schema.setdefault("properties", {})["rows"] = {
        "description": "The long table (with --rows): one value per item, year, phase and "
        "criterion; null when unknown.",
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "item": {"type": "string"},
                "kind": {"type": "string"},
                "tier": {"type": "string"},
                "phase": {"type": "string"},
                "criterion": {"type": "string"},
                "year": {"type": "integer"},
                "value": {"type": ["number", "null"]},
                "unit": {"type": "string"},
                "quality": {"type": "string"},
            },
            "required": list(_LONG_COLUMN_NAMES),
            "additionalProperties": False,
        },
    }
    schema["properties"]["format"] = {"const": RESULTS_FORMAT, "type": "string"}
    return schema


# --------------------------------------------------------------------------- paths

_SEGMENT: Final = re.compile(r"([A-Za-z0-9_]+)|\[([^\[\]]+)\]|\.")


def parse_path(path: str) -> list[str]:
    """The segments of a figure path: ``by_tier[network].gwp`` → ``['by_tier', 'network', 'gwp']``.

    A plain segment is letters, digits and ``_``; any other key (an item id, a
    position) goes in brackets.

    >>> parse_path("items[app.servers].gwp")
    ['items', 'app.servers', 'gwp']
    """
    segments: list[str] = []
    position = 0
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None:
            raise ValueError(f"not a figure path: {path!r}")
        plain, bracketed = match.groups()
        if plain is not None or bracketed is not None:
            segments.append(plain if plain is not None else bracketed)
        position = match.end()
    return segments


def value_at(results: Results, path: str) -> Any:
    """The value a path names (a :class:`Figure`, a number, a text...), or KeyError.

    Paths follow the tree: attributes and keys by name, items by id
    (``items[<id>].<criterion>``), positions in brackets
    (``scenarios.levers[0].criteria.gwp.change``).
    """
    node: Any = results
    segments = parse_path(path)
    index = 0
    while index < len(segments):
        segment = segments[index]
        if isinstance(node, ItemTable):
            if index + 2 != len(segments) or segments[index + 1] not in node.columns:
                raise KeyError(path)
            return node.figure(segment, segments[index + 1])
        if isinstance(node, Mapping):
            if segment not in node:
                raise KeyError(path)
            node = node[segment]
        elif isinstance(node, Sequence) and not isinstance(node, str):
            if not segment.isdigit() or int(segment) >= len(node):
                raise KeyError(path)
            node = node[int(segment)]
        elif hasattr(node, "__dataclass_fields__") and segment in node.__dataclass_fields__:
            node = getattr(node, segment)
        else:
            raise KeyError(path)
        index += 1
    return node


def figure_at(results: Results, path: str) -> Figure:
    """The :class:`Figure` a path names (see :func:`value_at`), or KeyError."""
    node = value_at(results, path)
    if not isinstance(node, Figure):
        raise KeyError(f"{path} is not a figure")
    return node


def iter_figures(results: Results) -> Iterator[tuple[str, Figure]]:
    """Every figure of the tree but the items', with its path (for tests and checks)."""
    from ecodigital.finance.check import FinanceReport

    def walk(node: Any, path: str) -> Iterator[tuple[str, Figure]]:
        if isinstance(node, Figure):
            yield path, node
        elif isinstance(node, ItemTable | LongTable | Inputs | FinanceReport):
            return
        elif isinstance(node, Mapping):
            for key, value in node.items():
                yield from walk(value, f"{path}[{key}]" if not _plain(key) else f"{path}.{key}")
        elif isinstance(node, tuple):
            for i, value in enumerate(node):
                yield from walk(value, f"{path}[{i}]")
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                yield from walk(getattr(node, name), f"{path}.{name}" if path else name)

    yield from walk(results, "")


def _plain(key: object) -> bool:
    return isinstance(key, str) and bool(re.fullmatch(r"[A-Za-z0-9_]+", key))


def finite_or_none(value: float | None) -> float | None:
    """``None`` for a missing, NaN or infinite value; the float otherwise."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
