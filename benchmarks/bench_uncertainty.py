"""Benchmark of the Monte Carlo propagation: items x draws, time and peak memory.

Run:  python benchmarks/bench_uncertainty.py [--sizes 10000 100000] [--draws 1000]

Targets (2-core machine): 10,000 items x 1,000 draws under 10 s and 2 GB;
100,000 items x 1,000 draws must finish. Each size runs in its own process so
that the peak resident set size is that size's own; the time covers the
propagation and the summary statistics (the deterministic engine run, about
a second for 100,000 items, is reported apart). Every item kind is present,
and one item in ten gives a range, so every path of the code is exercised.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

KINDS = ("laptop", "smartphone", "monitor", "server", "cloud_instance", "storage", "network")


def child(size: int, draws: int) -> None:
    import numpy as np
    import pandas as pd

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    sys.path[:0] = [root, os.path.join(root, "tests")]  # a checkout, installed or not
    from support import grid_frame, items_frame

    from ecodigital.engine import compute_impacts
    from ecodigital.engine.drivers import rank_drivers
    from ecodigital.engine.propagation import propagate
    from ecodigital.factors.database import load_reference_factors

    rng = np.random.default_rng(size)
    kinds = np.array(KINDS)[np.arange(size) % len(KINDS)]
    rows = []
    for i, kind in enumerate(kinds):
        row: dict[str, object] = {
            "id": f"item-{i}",
            "kind": kind,
            "quantity": float(rng.integers(1, 50)),
            "allocation": float(rng.uniform(0.01, 1)),
            "location": "FRA" if i % 3 else "DEU",
        }
        if kind == "cloud_instance":
            row.update(vcpu=4.0, memory_gb=16.0)
        elif kind == "storage":
            row.update(capacity_tb=2.0, replicas=3.0, media="hdd")
        elif kind == "network":
            row.update(gb_per_year=1000.0)
        rows.append(row)
    items = items_frame(rows)
    laptops = np.flatnonzero(kinds == "laptop")[::2]
    items.loc[laptops, "hours_per_day"] = np.sqrt(4 * 8)
    ranges = pd.DataFrame(
        {
            "item": laptops,
            "field": "hours_per_day",
            "distribution": "lognormal",
            "low": 4.0,
            "mode": np.nan,
            "high": 8.0,
        }
    )
    factors = load_reference_factors().frame
    grid = grid_frame(FRA=0.0519, DEU=0.381)
    start = time.perf_counter()
    result = compute_impacts(items, factors, grid, horizon_years=5)
    engine = time.perf_counter() - start
    start = time.perf_counter()
    propagation = propagate(
        result, items, factors, grid, [1000.0] * 5, ranges=ranges, draws=draws, seed=0
    )
    propagation.as_dict()
    rank_drivers(propagation)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{engine:.2f} {wall:.2f} {peak:.0f} {len(ranges)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.draws)
        return
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--draws", str(args.draws)],
            capture_output=True,
            text=True,
            check=True,
        )
        engine, wall, peak, ranged = out.stdout.split()
        target = "  (target < 10 s, < 2 GB)" if size == 10_000 else ""
        print(
            f"{size:>7,} items x {args.draws:,} draws ({int(ranged):,} item ranges): "
            f"{float(wall):.2f} s Monte Carlo + drivers, engine {float(engine):.2f} s, "
            f"{float(peak):,.0f} MiB peak{target}"
        )


if __name__ == "__main__":
    main()
