"""A variant's comparison with the baseline, its ranges taken in one pass: the same bits.

``compare`` takes every P5/P50/P95 and mean of a comparison in one quantile
call over all the draws it needs. ``old_compare`` below is the code it
replaces, kept verbatim (one ``np.quantile`` per range): on paired draws of
every shape the comparisons meet (unknown totals, a baseline of zero, NaN
draws, no draws), both give the same records, key for key and bit for bit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ecodigital.engine.scenarios import compare
from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS


def old_compare(
    name: str,
    base: dict[str, dict[str, Any]],
    base_draws: np.ndarray | None,
    variant: dict[str, dict[str, Any]],
    variant_draws: np.ndarray | None,
    user_years: float,
) -> dict[str, Any]:
    criteria = {}
    for c, criterion in enumerate(CRITERIA):
        before, after = base[criterion]["value"], variant[criterion]["value"]
        change = after - before if before is not None and after is not None else None
        record: dict[str, Any] = {
            "unit": CRITERION_UNITS[criterion],
            "baseline": before,
            "baseline_complete": bool(base[criterion]["complete"]),
            "value": after,
            "complete": bool(variant[criterion]["complete"]),
            "change": change,
            "change_pct": 100 * change / before if change is not None and before else None,
        }
        if base_draws is not None and variant_draws is not None and after is not None:
            b, v = base_draws[:, c], variant_draws[:, c]
            record["baseline_range"] = _old_stats(b) if before is not None else None
            record["range"] = _old_stats(v)
            if change is not None:
                record["change_range"] = _old_stats(v - b)
                with np.errstate(divide="ignore", invalid="ignore"):
                    pct = np.where(b != 0, 100 * (v - b) / b, np.nan)
                record["change_pct_range"] = _old_stats(pct) if np.isfinite(pct).all() else None
        criteria[criterion] = record
    return {"name": name, "criteria": criteria, "user_years": user_years}


def _old_stats(values: np.ndarray) -> tuple[float, float, float, float]:
    p5, p50, p95 = np.quantile(values, (0.05, 0.5, 0.95))
    return float(p5), float(p50), float(p95), float(values.mean())


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN, floats to the bit, dict keys in the same order."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict) and list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
        )
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a.hex() == b.hex()
    return type(a) is type(b) and a == b


def _totals(values: list[float | None]) -> dict[str, dict[str, Any]]:
    return {
        criterion: {"value": value, "complete": value is not None and i % 3 != 0}
        for i, (criterion, value) in enumerate(zip(CRITERIA, values, strict=True))
    }


@pytest.mark.parametrize("draws", [1, 2, 7, 1000])
def test_compare_is_the_one_range_at_a_time_comparison(draws: int) -> None:
    rng = np.random.default_rng(draws)
    n = len(CRITERIA)
    base_draws = rng.lognormal(0.0, 0.4, (draws, n)) * rng.uniform(1, 1e4, n)
    # a variant that scales some criteria, moves others, leaves one unchanged
    variant_draws = base_draws * rng.uniform(0.5, 1.2, n) + rng.normal(0, 1, (draws, n))
    variant_draws[:, 1] = base_draws[:, 1]
    base_draws[:, 2] = 0.0  # a baseline of zero: no % change range
    base_draws[0, 3] = 0.0  # one draw of zero: neither
    variant_draws[-1, 4] = np.nan  # a NaN draw: ranges of NaN
    base_point = [float(x) for x in base_draws.mean(axis=0)]
    variant_point = [float(x) for x in variant_draws.mean(axis=0)]
    base_point[5] = None  # type: ignore[call-overload]  # unknown in the baseline
    variant_point[6] = None  # type: ignore[call-overload]  # unknown in the variant
    base, variant = _totals(base_point), _totals(variant_point)
    for b, v in ((base_draws, variant_draws), (None, variant_draws), (base_draws, None)):
        new = compare("x", base, b, variant, v, 12.5)
        old = old_compare("x", base, b, variant, v, 12.5)
        assert _same(new, old)
    records = compare("x", base, base_draws, variant, variant_draws, 12.5)["criteria"]
    assert all(math.isfinite(x) for x in records[CRITERIA[0]]["change_pct_range"])
    assert records[CRITERIA[2]]["change_pct_range"] is None  # no % of a zero baseline
    assert all(math.isnan(x) for x in records[CRITERIA[4]]["range"])


def test_compare_of_the_baseline_with_itself() -> None:
    draws = np.random.default_rng(1).normal(100.0, 10.0, (1000, len(CRITERIA)))
    base = _totals([float(x) for x in draws.mean(axis=0)])
    new = compare("baseline", base, draws, base, draws, 1.0)
    assert _same(new, old_compare("baseline", base, draws, base, draws, 1.0))
    assert new["criteria"][CRITERIA[0]]["change_range"] == (0.0, 0.0, 0.0, 0.0)
