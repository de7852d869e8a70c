"""The performance table: every workload of the targets, whole process.

Run:  python benchmarks/run.py [--runs 3] [--only assess-100k ...]

Each workload is the real command in a subprocess; its figures are the median
wall time of the runs (three by default; one for the workloads that take
seconds, ``repeats``) and the largest peak resident set size (the child's
``ru_maxrss``). A run that passes its time limit is stopped and shown as
``> limit``, so that the whole table takes under three minutes. Inventories
are generated in a scratch folder (a mix of laptops, smartphones, servers,
cloud instances, storage and network items). The last lines give the size of
a 100,000-item ``--format json`` and, when ``boaviztapi`` happens to be
installed (it is never a dependency), the throughput of a Boavizta-equivalent
workload beside ecodigital's.

The commands run as an installed package does: with its bytecode compiled
(``pip install`` compiles it) and the message catalogues cached. A
``PYTHONDONTWRITEBYTECODE`` in the environment is therefore not passed on, and
the package is compiled and run once before anything is timed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_core import write_inventory  # noqa: E402

EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
CLI = [sys.executable, "-m", "ecodigital"]
# the environment of an installed package: bytecode and catalogue caches written and read
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Workload:
    name: str
    label: str
    rows: int | None  # a generated inventory of this many rows, else the example
    args: tuple[str, ...]
    target_s: float
    target_mib: float | None = None
    repeats: int | None = None  # None: the --runs of the command line
    limit_s: float = 60.0


WORKLOADS = (
    Workload("assess-100k", "assess 100,000-row CSV, --deterministic, table", 100_000,
             ("assess", "{dossier}", "--deterministic"), 1.0, 400),
    Workload("assess-10k-mc", "assess 10,000 rows with 1,000 draws", 10_000,
             ("assess", "{dossier}"), 2.5, repeats=1),
    Workload("assess-100k-mc", "assess 100,000 rows with 1,000 draws", 100_000,
             ("assess", "{dossier}"), 20.0, 2048, repeats=1, limit_s=40.0),
    Workload("assess-1m", "assess 1,000,000 rows --deterministic", 1_000_000,
             ("assess", "{dossier}", "--deterministic"), 10.0, 3072, repeats=1, limit_s=30.0),
    Workload("note-pdf", "note of the example, PDF", None,
             ("note", "{dossier}", "-o", "{out}/note.pdf", "--force"), 4.0, repeats=1),
    Workload("note-html", "note of the example, HTML", None,
             ("note", "{dossier}", "-o", "{out}/note.html", "--force"), 1.5),
    Workload("validate", "validate of the example", None, ("validate", "{dossier}"), 0.3),
    Workload("help", "--help", None, ("--help",), 0.1),
    Workload("verify-pdf", "verify the example's PDF note", None,
             ("verify", "{out}/verified.pdf"), 5.0),
    Workload("verify-html", "verify the example's HTML note (and its visible figures)", None,
             ("verify", "{out}/verified.html"), 5.0),
)  # fmt: skip


def measure(command: list[str], limit_s: float) -> tuple[float, float] | None:
    """Wall seconds and peak RSS (MiB) of one run of ``command`` in a fresh process;
    ``None`` if it ran past ``limit_s`` (it is then stopped)."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,\n"
        "                       stderr=subprocess.PIPE, timeout=float(sys.argv[1]))\n"
        "except subprocess.TimeoutExpired:\n"
        "    print('timeout'); sys.exit(0)\n"
        "w = time.perf_counter() - t\n"
        "if r.returncode: sys.stderr.write(r.stderr.decode()); sys.exit(r.returncode)\n"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(limit_s), *command],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    if out.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr}")
    if out.stdout.strip() == "timeout":
        return None
    wall, rss = out.stdout.split()
    return float(wall), float(rss)


def json_size(folder: Path) -> float:
    """MB of ``assess --format json`` (no --rows) of the 100,000-row inventory."""
    dossier = folder / "100000" / "dossier.yaml"
    out = folder / "r.json"
    subprocess.run(
        [*CLI, "assess", str(dossier), "--deterministic", "--format", "json", "-o", str(out)],
        check=True,
        capture_output=True,
        env=ENV,
    )
    return out.stat().st_size / 1e6


def boavizta_ratio() -> str:
    """Items a second: Boavizta's server impacts (if installed) against ecodigital's."""
    try:
        from boaviztapi.model.device.server import DeviceServer  # type: ignore[import-not-found]
        from boaviztapi.service.impacts_computation import compute_impacts  # type: ignore
    except ImportError:
        return "boaviztapi is not installed: the Boavizta-equivalent throughput is not measured"
    start = time.perf_counter()
    count = 200
    for _ in range(count):
        compute_impacts(DeviceServer.from_archetype("platform_compute_medium"))
    boavizta = count / (time.perf_counter() - start)
    return f"Boavizta API as a library: {boavizta:,.0f} servers/s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="workload names: " + ", ".join(
        w.name for w in WORKLOADS))  # fmt: skip
    parser.add_argument(
        "--limit",
        type=float,
        help="stop each run after this many seconds "
        "instead of the workload's own limit (say 600 for the 10⁶-row figure)",
    )
    args = parser.parse_args()
    chosen = [w for w in WORKLOADS if not args.only or w.name in args.only]
    failed = False
    compileall.compile_dir(ROOT / "ecodigital", quiet=1)  # as pip install does
    subprocess.run([*CLI, "--help"], check=True, capture_output=True, env=ENV)  # catalogues
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in sorted({w.rows for w in chosen if w.rows} | {100_000}):
            (folder / str(size)).mkdir()
            write_inventory(folder / str(size), size)
        for fmt in sorted(
            {w.name[len("verify-") :] for w in chosen if w.name.startswith("verify-")}
        ):
            out = folder / f"verified.{fmt}"
            subprocess.run(
                [*CLI, "note", str(EXAMPLE), "-o", str(out)],
                check=True,
                capture_output=True,
                env=ENV,
            )
        print(f"{'workload':<52} {'wall':>8} {'target':>8} {'peak RSS':>10} {'target':>9}")
        for workload in chosen:
            dossier = folder / str(workload.rows) / "dossier.yaml" if workload.rows else EXAMPLE
            command = [
                *CLI,
                *(a.format(dossier=dossier, out=folder) for a in workload.args),
            ]
            mib_target = f"{workload.target_mib:,.0f} MiB" if workload.target_mib else "—"
            runs = []
            for _ in range(workload.repeats or args.runs):
                run = measure(command, args.limit or workload.limit_s)
                if run is None:
                    break
                runs.append(run)
            if len(runs) < (workload.repeats or args.runs):
                failed = True
                limit = f"> {args.limit or workload.limit_s:.0f}s"
                print(
                    f"{workload.label:<52} {limit:>8} {workload.target_s:7.2f}s "
                    f"{'unknown':>11} {mib_target:>9}  MISSED (stopped)"
                )
                continue
            wall = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            ok = wall <= workload.target_s and (
                workload.target_mib is None or rss <= workload.target_mib
            )
            failed |= not ok
            print(
                f"{workload.label:<52} {wall:7.2f}s {workload.target_s:7.2f}s "
                f"{rss:7.0f} MiB {mib_target:>9}  {'ok' if ok else 'MISSED'}"
            )
        json_mb = json_size(folder)
        print(
            f"assess --format json of 100,000 items (no --rows): {json_mb:.1f} MB (target < 50 MB)"
        )
        failed |= json_mb >= 50
        print(boavizta_ratio())
    print(json.dumps({"all_targets_met": not failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
