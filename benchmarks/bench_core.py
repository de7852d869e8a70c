"""Benchmark of the core: start-up and assessing large CSV inventories.

Run:  python benchmarks/bench_core.py [--sizes 10000 50000 100000]

Targets: ``ecodigital --help`` (and a command's ``--help``, in French and in
English, its words read from the catalogue) under 0.1 s; ``assess --deterministic`` of a
100,000-row CSV inventory under 3 s wall on a 2-core machine, memory growing
linearly. ``assess`` with its default 1,000 Monte Carlo draws is timed too
(its own targets are in bench_uncertainty.py).
Each figure is the best of several runs of the real command in a subprocess;
peak memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

KINDS = [
    ("laptop", "{q},{a},,7,220,,,,,,"),
    ("smartphone", "{q},{a},,,,,,,,,"),
    ("server", "{q},{a},,,,,,,,,"),
    ("cloud_instance", "{q},{a},,,,4,16,,,,"),
    ("storage", "{q},{a},,,,,,2,3,hdd,"),
    ("network", "{q},{a},,,,,,,,,1000"),
]
HEADER = (
    "id,kind,quantity,allocation,lifetime_years,hours_per_day,days_per_year,"
    "vcpu,memory_gb,capacity_tb,replicas,media,gb_per_year"
)


def write_inventory(folder: Path, rows: int) -> Path:
    rng = random.Random(rows)
    lines = [HEADER]
    for i in range(rows):
        kind, template = KINDS[i % len(KINDS)]
        q = rng.randint(1, 50)
        a = round(rng.uniform(0.01, 1), 3)
        lines.append(f"item-{i},{kind}," + template.format(q=q, a=a))
    return write_csv_dossier(folder, lines, "Benchmark", 3, [1000, 2000, 3000, 4000, 5000])


def write_csv_dossier(
    folder: Path, lines: list[str], name: str, duration_years: int, users: list[int]
) -> Path:
    """``lines`` (the header first) as ``folder/inventory.csv``, and the dossier that
    reads it, ``folder/dossier.yaml``: its horizon one year per entry of ``users``."""
    (folder / "inventory.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    dossier = folder / "dossier.yaml"
    dossier.write_text(
        "format: ecodigital/1\n"
        "project:\n"
        f"  name: {name}\n"
        "  beneficiary: {name: Bench, type: region}\n"
        "  start_year: 2026\n"
        f"  duration_years: {duration_years}\n"
        f"  horizon_years: {len(users)}\n"
        f"  users_per_year: [{', '.join(map(str, users))}]\n"
        "inventory: {csv: inventory.csv}\n",
        encoding="utf-8",
    )
    return dossier


#: The server of Boavizta's ``platform_compute_medium`` archetype, as ecodigital has it.
SERVER_FACTOR = "server-medium"
SERVER_LIFETIME_YEARS = 4  # the archetype's hours_life_time, 35,040 h


def write_servers(folder: Path, rows: int) -> Path:
    """A dossier of ``rows`` servers, one per row, each assessed over its whole life:
    its embodied impacts (amortised over its lifetime, which is the horizon) and its
    use, the item Boavizta API computes for a server archetype."""
    lines = ["id,kind,quantity,allocation,factor,lifetime_years"]
    lines += (f"server-{i},server,1,1,{SERVER_FACTOR},{SERVER_LIFETIME_YEARS}" for i in range(rows))
    years = SERVER_LIFETIME_YEARS
    return write_csv_dossier(folder, lines, "Servers", years, [1000] * years)


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of ``command``."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "w = time.perf_counter() - t\n"
        "if r.returncode: sys.exit(r.returncode)\n"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *command], capture_output=True, text=True, check=True
    )
    wall, rss = out.stdout.split()
    return float(wall), float(rss)


def best(command: list[str], repeat: int) -> tuple[float, float]:
    results = [run(command) for _ in range(repeat)]
    return min(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--draws-up-to", type=int, default=10_000, help="also time Monte Carlo up to this size"
    )
    args = parser.parse_args()
    ecodigital = [sys.executable, "-m", "ecodigital"]
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    script = Path(sys.executable).with_name("ecodigital")
    program = [str(script)] if script.exists() else ecodigital  # what a user runs
    for args_help in (["--help"], ["validate", "--help"], ["note", "--help"],
                      ["note", "--help", "--lang", "en"]):  # fmt: skip
        wall, rss = best([*program, *args_help], 7)
        shown = " ".join(args_help)
        print(f"ecodigital {shown}: {wall:.3f} s wall, {rss:.0f} MiB peak  (target < 0.1 s)")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.sizes:
            folder = Path(tmp) / str(rows)
            folder.mkdir()
            dossier = write_inventory(folder, rows)
            command = [*ecodigital, "assess", str(dossier), "--deterministic"]
            wall, rss = best(command, args.repeat)
            target = "  (target < 3 s)" if rows == 100_000 else ""
            print(
                f"assess --deterministic {rows:>7,} CSV rows: {wall:.2f} s wall, "
                f"{rss:.0f} MiB peak, {rows / wall:,.0f} rows/s{target}"
            )
            if rows <= args.draws_up_to:
                wall, rss = best([*ecodigital, "assess", str(dossier)], 1)
                print(
                    f"assess (1,000 draws)   {rows:>7,} CSV rows: {wall:.2f} s wall, "
                    f"{rss:.0f} MiB peak"
                )


if __name__ == "__main__":
    main()
