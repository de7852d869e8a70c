"""Which inputs drive the result: shares of variance and tornado-chart data.

Pure and vectorised, over the draws of :func:`~ecodigital.engine.propagation.propagate`.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ecodigital.engine.propagation import (
    Propagation,
    UncertainInput,
    evaluate,
    percentile_value,
)
from ecodigital.vocabulary import CRITERIA, CRITERION_UNITS

__all__ = ["rank_drivers"]


def rank_drivers(propagation: Propagation, top: int = 10, criterion: str = "gwp") -> dict[str, Any]:
    """The inputs that drive the horizon total of ``criterion``, and tornado-chart data.

    Share of variance: the squared Spearman rank correlation between each
    input's draws and the total's draws, normalised to sum to one over the
    inputs. For a monotonic model of independent inputs (the draws of distinct
    inputs are independent here) it estimates each input's first-order share
    of the variance of the output's ranks. Values below the sampling noise
    (about 1/draws for rho squared) are not meaningful.

    Tornado: the total with one input at its P5 and then its P95, every other
    input at its deterministic value (one evaluation of the model per bar end).
    """
    c = CRITERIA.index(criterion)
    output = propagation.totals()[:, c]
    x = propagation.input_draws
    varying = (np.ptp(x, axis=0) > 0) if x.size else np.zeros(0, dtype=bool)
    rho = np.zeros(x.shape[1])
    if len(output) > 2 and np.ptp(output) > 0 and varying.any():
        ranks_y = _ranks(output)
        ranks_x = np.apply_along_axis(_ranks, 0, x[:, varying])
        rho[varying] = _pearson(ranks_x, ranks_y)
    squared = rho**2
    total = squared.sum()
    shares = squared / total if total > 0 else squared
    order = [int(i) for i in np.argsort(-shares, kind="stable") if shares[i] > 0][:top]
    chosen = [propagation.inputs[i] for i in order]
    lows, highs, deterministic = _tornado(propagation, chosen, c)
    return {
        "criterion": criterion,
        "output": "total over the horizon",
        "unit": CRITERION_UNITS[criterion],
        "estimator": "squared Spearman rank correlation with the output, normalised to sum to 1",
        "draws": propagation.draws,
        "deterministic": deterministic,
        "unranked_item_inputs": propagation.unranked_item_inputs,
        "inputs": [
            {
                **spec.as_dict(),
                "share": float(shares[i]),
                "spearman": float(rho[i]),
                "input_p5": percentile_value(spec, 0.05),
                "input_p95": percentile_value(spec, 0.95),
                "output_at_p5": float(low),
                "output_at_p95": float(high),
            }
            for i, spec, low, high in zip(order, chosen, lows, highs, strict=True)
        ],
    }


def _ranks(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(len(values))
    return ranks


def _pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=0)
    y = y - y.mean()
    return np.asarray((x * y[:, None]).sum(axis=0) / np.sqrt((x**2).sum(axis=0) * (y**2).sum()))


def _tornado(
    propagation: Propagation, chosen: list[UncertainInput], criterion: int
) -> tuple[list[float], list[float], float | None]:
    """Totals with each chosen input at its P5 then P95; the last: all at baseline."""
    plan = propagation.plan
    if plan is None:
        raise ValueError("the propagation keeps no plan to evaluate the tornado on")
    rows = 2 * len(chosen) + 1
    shared = np.ones((rows, len(plan.shared)))
    index = {spec.key: q for q, spec in enumerate(plan.shared)}
    perturbed: dict[str, list[tuple[int, int, float]]] = {}
    for j, spec in enumerate(chosen):
        for k, u in enumerate((0.05, 0.95)):
            value = percentile_value(spec, u)
            if spec.key in index:
                shared[2 * j + k, index[spec.key]] = value
            else:
                row = plan.ranges.index[
                    (plan.ranges["item_id"] == spec.key.split(":")[1])
                    & (plan.ranges["field"] == spec.key.split(":")[2])
                ][0]
                field_name = str(plan.ranges.at[row, "field"])
                item = int(cast(int, plan.ranges.at[row, "item"]))
                perturbed.setdefault(field_name, []).append((2 * j + k, item, value))

    def values(first: int, stop: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out = {}
        for name, changes in perturbed.items():
            inside = [(r, i, v) for r, i, v in changes if first <= i < stop]
            if not inside:
                continue
            positions = np.array(sorted({i - first for _, i, _ in inside}))
            drawn = np.broadcast_to(
                plan.base[name][np.searchsorted(plan.comp_item, positions + first)],
                (rows, len(positions)),
            ).copy()
            for r, i, v in inside:
                drawn[r, np.searchsorted(positions, i - first)] = v
            out[name] = (positions, drawn)
        return out

    sums = evaluate(plan, shared, values)
    totals = sums.cube.sum(axis=(1, 2, 3))[:, criterion]
    known = sums.known[..., criterion].sum() > 0
    return (
        [float(v) for v in totals[0:-1:2]],
        [float(v) for v in totals[1:-1:2]],
        float(totals[-1]) if known else None,
    )
