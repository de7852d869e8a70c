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
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ecodigital.assessment.results import Dataset, FactorUsed, Figure, Results, Rgesn

__all__ = [
    "FLAG_CODES",
    "LIFETIME_RATIO",
    "OUTLIER_MIN_BATCH",
    "OUTLIER_Z",
    "RGESN_MIN_COVERAGE",
    "Flag",
    "Reference",
    "allocation_zero",
    "dataset_outdated",
    "digest_mismatch",
    "explain",
    "factor_overridden",
    "flag_text",
    "lifetime_far",
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

_FACTOR_NUMBERS: Final = (
    "lifetime_years", "power_w", "hours_per_day", "days_per_year", "hours_per_year", "pue",
    "uncertainty_low", "uncertainty_high",
)  # fmt: skip

#: Every flag code, in report order (their words are the catalogue's ``flag.<code>``).
FLAG_CODES: Final = (
    "FACTOR_OVERRIDDEN", "TIER_MISSING", "ALLOCATION_ZERO", "LIFETIME_FAR", "NO_MEASUREMENT",
    "DATASET_OUTDATED", "DIGEST_MISMATCH", "INTENSITY_OUTLIER", "DUPLICATE",
    "RGESN_FEW_ANSWERS",
)  # fmt: skip


@dataclass(frozen=True)
class Flag:
    """One flag: its stable code and the details that explain it (plain data)."""

    code: str
    details: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "details": list(self.details), "params": dict(self.params)}


def explain(code: str, lang: str = "fr") -> tuple[str, str]:
    """(title, meaning) of a flag code in ``lang``."""
    from ecodigital.i18n import catalogue

    words = catalogue(lang)
    return words.text(f"flag.{code}.title"), words.text(f"flag.{code}.meaning")


def flag_text(flag: Flag, lang: str = "fr") -> str:
    """``CODE: title (details)`` as one line."""
    title = explain(flag.code, lang)[0]
    return f"{flag.code}: {title}" + (f" ({'; '.join(flag.details)})" if flag.details else "")


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
) -> list[Flag]:
    """Every per-note flag of a payload and its results (the batch outlier test is separate)."""
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
