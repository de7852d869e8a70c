"""Flags raised on an application, with stable codes explained in French and English.

Each check is a pure function of a payload (and of the reference dataset's
numbers, passed in as plain data), so it can be tested by hand. Codes are a
contract: reports, CSV and JSON carry them unchanged; only the words around
them are translated.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from ecodigital.i18n import Msg

if TYPE_CHECKING:
    from ecodigital.assessment.results import Dataset, FactorUsed, Figure, Results, Rgesn

__all__ = [
    "FLAG_CODES",
    "INTENSITY_TOLERANCE",
    "LIFETIME_RATIO",
    "NEGATIVE_SHOWN",
    "OUTLIER_MIN_BATCH",
    "OUTLIER_Z",
    "RGESN_MIN_COVERAGE",
    "SERVICE_KIND",
    "Flag",
    "IntensityBand",
    "Quantity",
    "Reference",
    "allocation_zero",
    "dataset_outdated",
    "digest_mismatch",
    "explain",
    "factor_overridden",
    "flag_lines",
    "flag_text",
    "intensity_absurd",
    "intensity_bands",
    "intensity_out_of_band",
    "lifetime_far",
    "negative_figure",
    "no_measurement",
    "payload_flags",
    "rgesn_few_answers",
    "robust_z_scores",
    "tier_missing",
]

#: A declared lifetime is "far" when it is more than this many times longer or shorter.
LIFETIME_RATIO: Final = 2.0
#: Robust z-score beyond which a per-user intensity is an outlier of its batch.
OUTLIER_Z: Final = 3.5
#: Fewest notes with a per-user intensity for the outlier test to run.
OUTLIER_MIN_BATCH: Final = 5
#: MAD of a normal sample, scaled to estimate its standard deviation.
MAD_TO_SIGMA: Final = 1.4826
#: Relative difference below which a factor value counts as the reference one.
FACTOR_TOLERANCE: Final = 1e-9
#: Share of the applicable RGESN criteria answered below which a score says little.
RGESN_MIN_COVERAGE: Final = 0.5
#: Tiers every application is expected to count.
EXPECTED_TIERS: Final = ("terminals", "network")
#: Relative difference beyond which a per-user-year figure is not what the note's items give.
INTENSITY_TOLERANCE: Final = 0.01
#: Negative figures named in a flag's details (the others are counted).
NEGATIVE_SHOWN: Final = 5
#: The band every note is screened with: a dossier does not say what kind of service it funds.
SERVICE_KIND: Final = "e_government"

_FACTOR_NUMBERS: Final = (
    "lifetime_years", "power_w", "hours_per_day", "days_per_year", "hours_per_year", "pue",
    "uncertainty_low", "uncertainty_high",
)  # fmt: skip

#: Every flag code, in report order (their words are the catalogue's ``flag.<code>``).
FLAG_CODES: Final = (
    "FACTOR_OVERRIDDEN", "TIER_MISSING", "ALLOCATION_ZERO", "LIFETIME_FAR", "NO_MEASUREMENT",
    "DATASET_OUTDATED", "DIGEST_MISMATCH", "INTENSITY_OUTLIER", "DUPLICATE",
    "RGESN_FEW_ANSWERS", "NEGATIVE_FIGURE", "INTENSITY_ABSURD", "INTENSITY_OUT_OF_BAND",
)  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    """A value and its unit in a flag's words, formatted in the reader's language."""

    value: float
    unit: str


@dataclass(frozen=True)
class Flag:
    """One flag: its stable code and the details that explain it (plain data).

    ``details`` are the same in every language (codes, ids, numbers); ``lines``,
    when a flag has them, are its details in words, put in the reader's
    language by :func:`flag_text`.
    """

    code: str
    details: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    lines: tuple[Msg, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "details": list(self.details), "params": dict(self.params)}


def explain(code: str, lang: str = "fr") -> tuple[str, str]:
    """(title, meaning) of a flag code in ``lang``."""
    from ecodigital.i18n import catalogue

    words = catalogue(lang)
    return words.text(f"flag.{code}.title"), words.text(f"flag.{code}.meaning")


def flag_lines(flag: Flag, lang: str = "fr") -> tuple[str, ...]:
    """The details of a flag in ``lang``: its lines in words, or its plain details."""
    if not flag.lines:
        return flag.details
    from ecodigital.i18n.format import format_quantity

    return tuple(
        Msg(
            line.key,
            {
                name: format_quantity(value.value, value.unit, lang)
                if isinstance(value, Quantity)
                else value
                for name, value in line.params.items()
            },
        ).render(lang)
        for line in flag.lines
    )


def flag_text(flag: Flag, lang: str = "fr") -> str:
    """``CODE: title (details)`` as one line."""
    title = explain(flag.code, lang)[0]
    details = flag_lines(flag, lang)
    return f"{flag.code}: {title}" + (f" ({'; '.join(details)})" if details else "")


@dataclass(frozen=True)
class Reference:
    """The numbers of the bundled factor dataset the checks need."""

    name: str
    version: str
    rows: Mapping[str, Mapping[str, float]]

    @classmethod
    def bundled(cls) -> Reference:
        from ecodigital.factors.database import NUMERIC_COLUMNS, load_reference_factors

        table = load_reference_factors()
        rows: dict[str, dict[str, float]] = {}
        for factor_id, row in table.frame[list(NUMERIC_COLUMNS)].iterrows():
            rows[str(factor_id)] = {
                str(c): float(v) for c, v in row.items() if isinstance(v, float) and v == v
            }
        return cls(table.name, table.version, rows)


@dataclass(frozen=True)
class IntensityBand:
    """A screening band of climate change per user-year for one kind of service.

    Below ``low`` or above ``high`` (kgCO2e per user-year) a note's figure is
    worth a second look; inside, nothing is said. ``sources`` names where the
    bounds come from (``intensity_bands.csv``, derived in docs/review.md).
    """

    service_kind: str
    low_kgco2e_per_user_year: float
    high_kgco2e_per_user_year: float
    sources: str


@lru_cache(maxsize=1)
def intensity_bands() -> dict[str, IntensityBand]:
    """The bands of ``intensity_bands.csv`` beside this module, by kind of service (read once)."""
    import csv
    from importlib import resources

    text = resources.files("ecodigital.review").joinpath("intensity_bands.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    bands: dict[str, IntensityBand] = {}
    for row in csv.DictReader(lines):
        band = IntensityBand(
            row["service_kind"],
            float(row["low_kgco2e_per_user_year"]),
            float(row["high_kgco2e_per_user_year"]),
            row["sources"],
        )
        if not 0 < band.low_kgco2e_per_user_year < band.high_kgco2e_per_user_year:
            raise ValueError(f"intensity_bands.csv: {band.service_kind}: needs 0 < low < high")
        bands[band.service_kind] = band
    return bands


# --------------------------------------------------------------------------- helpers


def number(value: Any) -> float | None:
    """``value`` as a finite float, or None (booleans and text are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _percent(new: float, old: float) -> str:
    if old == 0:
        return "ref 0"
    return f"{(new - old) / old * 100:+.0f} %"


def inventory(dossier: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The inventory items of a payload's dossier (inline or inlined from CSV)."""
    return [item for item in _list(dossier.get("inventory")) if isinstance(item, Mapping)]


# --------------------------------------------------------------------------- checks


def factor_overridden(
    dataset: Dataset, factors_used: Sequence[FactorUsed], reference: Reference
) -> Flag | None:
    """Factor values in the note that differ from the reference (declared or not)."""
    deviations: dict[tuple[str, str], float | None] = {}
    for override in dataset.overrides:
        key = (override.factor_id, override.column)
        new, old = number(override.value), number(override.reference)
        deviations[key] = (new - old) / old * 100 if new is not None and old else None
    for used in factors_used:
        ref = reference.rows.get(used.id)
        if ref is None:
            continue  # a row the user added: declared data, not an override
        values = {**used.values, **{k: getattr(used, k, None) for k in _FACTOR_NUMBERS}}
        for column, value in values.items():
            new, old = number(value), ref.get(column)
            if new is None or old is None:
                continue
            if abs(new - old) > FACTOR_TOLERANCE * max(abs(new), abs(old)):
                deviations[(used.id, column)] = (new - old) / old * 100 if old else None
    if not deviations:
        return None
    details = tuple(
        f"{fid} {column} " + (f"{dev:+.0f} %" if dev is not None else "changed")
        for (fid, column), dev in sorted(deviations.items())
    )
    params = {
        "deviations_percent": [
            {"factor_id": fid, "column": column, "deviation_percent": dev}
            for (fid, column), dev in sorted(deviations.items())
        ]
    }
    return Flag("FACTOR_OVERRIDDEN", details, params)


def tier_gwp(by_tier: Mapping[str, Mapping[str, Figure]]) -> dict[str, float]:
    """gwp (kgCO2e) of each tier with a known value."""
    return {
        tier: value
        for tier, figures in by_tier.items()
        if (value := figures["gwp"].value) is not None
    }


def tier_missing(by_tier: Mapping[str, Mapping[str, Figure]]) -> Flag | None:
    """Terminals or network with no footprint at all."""
    present = tier_gwp(by_tier)
    missing = tuple(tier for tier in EXPECTED_TIERS if not present.get(tier))
    return Flag("TIER_MISSING", missing, {"tiers": list(missing)}) if missing else None


def allocation_zero(dossier: Mapping[str, Any]) -> Flag | None:
    """Items allocated 0 (they count for nothing)."""
    items = tuple(
        str(item.get("id"))[:80]
        for item in inventory(dossier)
        if number(item.get("allocation")) == 0
    )
    return Flag("ALLOCATION_ZERO", items, {"items": list(items)}) if items else None


def lifetime_far(
    dossier: Mapping[str, Any], factor_of: Mapping[str, str], reference: Reference
) -> Flag | None:
    """Declared lifetimes more than :data:`LIFETIME_RATIO` times from the reference row's.

    ``factor_of`` gives the factor row each item was priced with.
    """
    details: list[str] = []
    for item in inventory(dossier):
        declared = number(item.get("lifetime_years"))
        factor_id = factor_of.get(str(item.get("id")))
        ref = reference.rows.get(factor_id or "", {}).get("lifetime_years")
        if declared is None or not ref or declared <= 0:
            continue
        if not 1 / LIFETIME_RATIO <= declared / ref <= LIFETIME_RATIO:
            details.append(f"{str(item.get('id'))[:80]}: {declared:g} y vs {ref:g} y")
    return Flag("LIFETIME_FAR", tuple(details)) if details else None


def no_measurement(gwp: Figure) -> Flag | None:
    """No gwp figure measured or estimated by CodeCarbon (``gwp``: the total's figure)."""
    shares = gwp.quality
    measured = sum(shares.get(q, 0.0) for q in ("measured", "estimated-by-codecarbon"))
    return None if measured > 0 else Flag("NO_MEASUREMENT")


def rgesn_few_answers(rgesn: Rgesn | None) -> Flag | None:
    """An RGESN score resting on fewer than half of the applicable criteria.

    A score is the share of validated criteria among those answered: 6 answers
    of 78 can score 79 % and rank above 23 answers at 65 %. The flag puts the
    coverage beside the score.

    >>> from ecodigital.assessment.results import Rgesn
    >>> rgesn_few_answers(Rgesn("RGESN 2024", 79.0, 6, 78, 6 / 78, {}, {})).details
    ('6/78',)
    >>> rgesn_few_answers(Rgesn("RGESN 2024", 65.0, 39, 78, 0.5, {}, {})) is None
    True
    """
    if rgesn is None or rgesn.coverage is None or rgesn.coverage >= RGESN_MIN_COVERAGE:
        return None
    counted = f"{rgesn.answered}/{rgesn.applicable}"
    return Flag(
        "RGESN_FEW_ANSWERS",
        (counted,),
        {"answered": rgesn.answered, "applicable": rgesn.applicable, "coverage": rgesn.coverage},
    )


def _any_negative_figure(results: Results) -> bool:
    """Whether a figure of the tree (as :func:`negative_figure` reads it) is below zero."""
    from ecodigital.assessment.results import Figure, Gap, Inputs, ItemTable, LongTable
    from ecodigital.finance.check import FinanceReport

    skipped = (ItemTable, LongTable, Inputs, FinanceReport)
    stack: list[Any] = [results]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is Figure:
            if (node.value is not None and node.value < 0) or (
                node.range is not None and node.range.p5 < 0
            ):
                return True
        elif kind is dict:
            stack.extend(node.values())
        elif kind is tuple:
            stack.extend(node)
        elif kind is Gap:
            stack += (node.baseline, node.value, node.per_user_year)  # a change may be negative
        elif kind in skipped or not hasattr(kind, "__dataclass_fields__"):
            continue
        else:
            stack.extend([getattr(node, name) for name in kind.__dataclass_fields__])
    return False


def negative_figure(results: Results) -> Flag | None:
    """Impact figures below zero: no criterion ecodigital counts can be negative.

    Every figure of the results is read (totals, breakdowns, per year and per
    user-year, SCI, members, scenarios' values, the items' columns, and the
    P5 of each range) but a scenario's change, which is negative when it saves.
    """
    from ecodigital.assessment.results import iter_figures

    found: list[tuple[str, float, str]] = []
    # iter_figures names every figure it walks; names are only needed when one is negative
    figures = iter_figures(results) if _any_negative_figure(results) else iter(())
    for path, figure in figures:
        if path.rpartition(".")[2].startswith("change"):
            continue
        low = figure.range.p5 if figure.range is not None else None
        value = figure.value if figure.value is not None and figure.value < 0 else low
        if value is not None and value < 0:
            found.append((path if value == figure.value else f"{path}.p5", value, figure.unit))
    for criterion, column in results.items.columns.items():
        lows = column.range.p5 if column.range is not None else (None,) * len(column.values)
        for item, value, low in zip(results.items.ids, column.values, lows, strict=True):
            if value is not None and value < 0:
                found.append((f"items[{item[:80]}].{criterion}", value, column.unit))
            elif low is not None and low < 0:
                found.append((f"items[{item[:80]}].{criterion}.p5", low, column.unit))
    if not found:
        return None
    shown = found[:NEGATIVE_SHOWN]
    lines = [
        Msg("flag.NEGATIVE_FIGURE.line", {"path": path, "value": Quantity(value, unit)})
        for path, value, unit in shown
    ]
    if len(found) > len(shown):
        lines.append(Msg("label.and_more", {"n": len(found) - len(shown)}))
    return Flag(
        "NEGATIVE_FIGURE",
        tuple(f"{path} = {value:.4g} {unit}" for path, value, unit in shown),
        {
            "count": len(found),
            "figures": [{"path": p, "value": v, "unit": u} for p, v, u in shown],
        },
        tuple(lines),
    )


def intensity_absurd(results: Results) -> Flag | None:
    """A per-user-year gwp that its own inventory cannot give.

    Zero while the inventory lists items, or more than
    :data:`INTENSITY_TOLERANCE` away from the items' gwp summed and divided by
    the user-years (an honest note gives the same number to rounding).
    """
    value = results.per_user_year["gwp"].value
    column = results.items.columns.get("gwp")
    known = [v for v in column.values if v is not None] if column is not None else []
    if value is None or not results.user_years:
        return None
    if value == 0 and len(results.items):
        count = len(results.items)
        return Flag(
            "INTENSITY_ABSURD",
            (f"0 kgCO2e/user-year, {count} items",),
            {"per_user_year_kgco2e": 0.0, "items": count},
            (Msg("flag.INTENSITY_ABSURD.zero", {"n": count}),),
        )
    if not known:
        return None
    expected = sum(known) / results.user_years
    if abs(value - expected) <= INTENSITY_TOLERANCE * max(abs(value), abs(expected)):
        return None
    unit = "kgCO2e/user-year"
    return Flag(
        "INTENSITY_ABSURD",
        (f"{value:.4g} vs {expected:.4g} {unit}",),
        {"per_user_year_kgco2e": value, "items_per_user_year_kgco2e": expected},
        (
            Msg(
                "flag.INTENSITY_ABSURD.items",
                {"note": Quantity(value, unit), "items": Quantity(expected, unit)},
            ),
        ),
    )


def intensity_out_of_band(results: Results, band: IntensityBand) -> Flag | None:
    """A per-user-year gwp outside the screening band of the service's kind.

    Only a positive figure is screened (a negative or zero one has its own
    flag); a lower bound (some parts unknown) is only said to be above.
    """
    figure = results.per_user_year["gwp"]
    value = figure.value
    low, high = band.low_kgco2e_per_user_year, band.high_kgco2e_per_user_year
    if value is None or value <= 0:
        return None
    if value > high:
        side = "above"
    elif value < low and figure.complete:
        side = "below"
    else:
        return None
    unit = "kgCO2e/user-year"
    bound = f"> {high:g}" if side == "above" else f"< {low:g}"
    return Flag(
        "INTENSITY_OUT_OF_BAND",
        (f"{value:.4g} {unit} {bound}",),
        {
            "per_user_year_kgco2e": value,
            "side": side,
            "service_kind": band.service_kind,
            "low_kgco2e_per_user_year": low,
            "high_kgco2e_per_user_year": high,
        },
        (
            Msg(
                f"flag.INTENSITY_OUT_OF_BAND.{side}",
                {
                    "value": Quantity(value, unit),
                    "low": Quantity(low, unit),
                    "high": Quantity(high, unit),
                    "band": Msg(f"flag.INTENSITY_OUT_OF_BAND.kind.{band.service_kind}"),
                },
            ),
        ),
    )


def _version_key(version: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return None


def dataset_outdated(payload: Mapping[str, Any], reference: Reference) -> Flag | None:
    """A factor dataset older than the bundled one, or another dataset altogether."""
    dataset = _mapping(payload.get("factors_dataset"))
    name, version = str(dataset.get("name")), str(dataset.get("version"))
    if name != reference.name:
        details = [f"{name[:80]} {version[:20]}"]
    else:
        declared, current = _version_key(version), _version_key(reference.version)
        if declared is not None and current is not None and declared >= current:
            return None
        details = [f"{version[:20]} < {reference.version}"]
    return Flag("DATASET_OUTDATED", tuple(details))


def digest_mismatch(payload: Mapping[str, Any]) -> Flag | None:
    """The recorded digest does not match the payload's data."""
    from ecodigital.report.payload import verify_digest

    try:
        holds = verify_digest(payload)
    except (TypeError, ValueError):  # data that canonical JSON refuses
        holds = False
    return None if holds else Flag("DIGEST_MISMATCH")


def payload_flags(
    payload: Mapping[str, Any],
    results: Results,
    reference: Reference,
    *,
    check_digest: bool = True,
    band: IntensityBand | None = None,
) -> list[Flag]:
    """Every per-note flag of a payload and its results (the batch outlier test is separate).

    ``band`` is the screening band of the per-user-year gwp; by default the
    bundled :data:`SERVICE_KIND` one.
    """
    dossier = _mapping(payload.get("dossier"))
    found = [
        digest_mismatch(payload) if check_digest else None,
        factor_overridden(results.factors_dataset, results.factors_used, reference),
        tier_missing(results.by_tier),
        allocation_zero(dossier),
        lifetime_far(
            dossier, dict(zip(results.items.ids, results.items.factors, strict=True)), reference
        ),
        no_measurement(results.totals["gwp"]),
        dataset_outdated(payload, reference),
        rgesn_few_answers(results.rgesn),
        negative_figure(results),
        intensity_absurd(results),
        intensity_out_of_band(results, band or intensity_bands()[SERVICE_KIND]),
    ]
    return [flag for flag in found if flag is not None]


def robust_z_scores(values: Sequence[float | None]) -> list[float | None]:
    """Robust z-score of each value's natural log: (ln x - median) / (1.4826 x MAD).

    None where the value is missing or not > 0, or for every value when fewer
    than :data:`OUTLIER_MIN_BATCH` are usable or their MAD is 0.

    >>> [round(z, 2) for z in robust_z_scores([1, 1, 1, 2, 4, 100])]
    [-0.67, -0.67, -0.67, 0.67, 2.02, 8.29]
    """
    logs = [math.log(v) if v is not None and v > 0 else None for v in values]
    usable = [v for v in logs if v is not None]
    if len(usable) < OUTLIER_MIN_BATCH:
        return [None] * len(values)
    median = statistics.median(usable)
    mad = statistics.median(abs(v - median) for v in usable) * MAD_TO_SIGMA
    if mad == 0:
        return [None] * len(values)
    return [None if v is None else (v - median) / mad for v in logs]
