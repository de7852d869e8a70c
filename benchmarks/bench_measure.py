"""Benchmarks of ``ecodigital measure`` and ``ecodigital measurements summarize``.

    python benchmarks/bench_measure.py [--rows 1000000] [--work-s 10]

1. ``measurements summarize`` on a generated CodeCarbon 3.x CSV of ``--rows``
   runs (target: under 3 s for 1,000,000 rows), timed as a user runs it: a new
   process, start-up included.
2. ``measure``'s overhead on a CPU-bound command of a fixed amount of work
   (about ``--work-s`` seconds alone): wall and CPU time with and without it.

Generated files go to ``benchmarks/out/`` (not committed).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
FIXTURE = ROOT / "tests" / "measure" / "data" / "v3" / "emissions.csv"
PYTHON = sys.executable


def make_csv(path: Path, rows: int) -> None:
    """``rows`` runs of 12 projects, the fixture's last row as a template."""
    header, *lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    fields = lines[-1].split(",")
    columns = header.split(",")
    at = {
        name: columns.index(name)
        for name in ("project_name", "run_id", "duration", "energy_consumed", "emissions")
    }
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        for i in range(rows):
            fields[at["project_name"]] = f"job-{i % 12}"
            fields[at["run_id"]] = f"{i:08x}-0000-4000-8000-000000000000"
            fields[at["duration"]] = f"{10 + i % 3600}.5"
            fields[at["energy_consumed"]] = f"{(1 + i % 997) * 1e-5:.8g}"
            fields[at["emissions"]] = f"{(1 + i % 997) * 5.6e-7:.8g}"
            handle.write(",".join(fields) + "\n")


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of all child processes), exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, code


def bench_summarize(rows: int) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"emissions-{rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        make_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {path.name}: {size_mb:.0f} MB in {time.perf_counter() - start:.1f} s")
    command = [
        PYTHON,
        "-m",
        "ecodigital",
        "measurements",
        "summarize",
        str(path),
        "--format",
        "csv",
    ]
    results = [timed(command) for _ in range(3)]
    assert all(code == 0 for _, _, code in results)
    print(
        f"measurements summarize, {rows:,} rows (target < 3 s, start-up included): "
        f"wall best {min(w for w, _, _ in results):.2f} s, "
        f"CPU best {min(c for _, c, _ in results):.2f} s "
        f"(runs: {', '.join(f'{w:.2f}' for w, _, _ in results)} s)"
    )


BURN = "n = {n}\nx = 0\nfor i in range(n):\n    x += i * i\n"


def bench_overhead(work_s: float) -> None:
    # calibrate a fixed amount of work of about work_s seconds
    probe = 5_000_000
    wall, _, _ = timed([PYTHON, "-c", BURN.format(n=probe)])
    startup, _, _ = timed([PYTHON, "-c", "pass"])
    n = int(probe * work_s / max(wall - startup, 1e-3))
    burn = [PYTHON, "-c", BURN.format(n=n)]
    with tempfile.TemporaryDirectory() as folder:
        measured = [PYTHON, "-m", "ecodigital", "measure", "-o", folder, "--", *burn]
        alone = [timed(burn) for _ in range(2)]
        under = [timed(measured) for _ in range(2)]
    wall_a, cpu_a = min(w for w, _, _ in alone), min(c for _, c, _ in alone)
    wall_m, cpu_m = min(w for w, _, _ in under), min(c for _, c, _ in under)
    print(f"CPU-bound command, {n:,} iterations (best of 2, default --interval 15):")
    print(f"  alone:          wall {wall_a:6.2f} s   CPU {cpu_a:6.2f} s")
    print(f"  under measure:  wall {wall_m:6.2f} s   CPU {cpu_m:6.2f} s")
    print(f"  overhead:       wall {wall_m - wall_a:+6.2f} s   CPU {cpu_m - cpu_a:+6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work-s", type=float, default=10.0)
    args = parser.parse_args()
    os.chdir(ROOT)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    bench_summarize(args.rows)
    bench_overhead(args.work_s)


if __name__ == "__main__":
    main()
