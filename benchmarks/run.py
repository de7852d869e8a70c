"""The performance table: every workload of the targets, whole process.

Run:  python benchmarks/run.py [--runs 3] [--only assess-100k ...]

Each workload is the real command in a subprocess; its figures are the median
wall time of the runs (three by default; one for the workloads that take
seconds, ``repeats``) and the largest peak resident set size (the child's
``ru_maxrss``). A run that passes its time limit is stopped and shown as
``> limit``, so that the whole table takes under three minutes. Inventories
are generated in a scratch folder (a mix of laptops, smartphones, servers,
cloud instances, storage and network items). The last lines give the size of
a 100,000-item ``--format json`` and the throughput of a Boavizta-equivalent
workload.

That workload is one server of Boavizta's ``platform_compute_medium``
archetype with its embodied and use impacts over its whole four-year life.
ecodigital assesses 100,000 such servers, one per CSV row (its ``server-medium``
factor row, taken from that archetype), with ``assess --deterministic``: the
servers a second of the whole command (start-up, CSV reading, computation and
table included) and of the pipeline alone in a warm process
(``ecodigital.assessment.run``, without imports nor rendering). Boavizta API
computes one server at a time as a library: a ``DeviceServer`` built from the
archetype, then ``compute_impacts`` over its life, as its
``GET /v1/server/?archetype=`` does (without its verbose part). The ratio
divides ecodigital's servers a second by Boavizta's. ``boaviztapi`` is never
a dependency of ecodigital (it pins its own pydantic and FastAPI): it is used
when the interpreter running this script can import it, or from another one
given with
``--boavizta-python PATH``, for example a virtual environment made for it::

    python3 -m venv /tmp/boavenv && /tmp/boavenv/bin/pip install boaviztapi
    python benchmarks/run.py --only help --boavizta-python /tmp/boavenv/bin/python

Without either, the Boavizta line says that it is not measured.

The commands run as an installed package does: with its bytecode compiled
(``pip install`` compiles it) and the message catalogues cached. A
``PYTHONDONTWRITEBYTECODE`` in the environment is therefore not passed on, and
the package is compiled and run once before anything is timed.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_core import SERVER_LIFETIME_YEARS, write_inventory, write_servers  # noqa: E402

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


#: Servers in the inventory of the Boavizta-equivalent workload.
SERVERS = 100_000
BOAVIZTA_ARCHETYPE = "platform_compute_medium"
#: Times Boavizta's servers a second (three batches of ``argv[2]`` seconds, the median)
#: in whichever interpreter has ``boaviztapi``; prints its version and the rate as JSON.
BOAVIZTA_SCRIPT = """\
import copy, json, statistics, sys, time
from importlib.metadata import version
from boaviztapi.compute.impacts_computation import compute_impacts
from boaviztapi.data.archetype import get_server_archetype
from boaviztapi.models.device.server import DeviceServer

archetype = get_server_archetype(sys.argv[1])
if not archetype:
    sys.exit(f"boaviztapi {version('boaviztapi')} has no server archetype {sys.argv[1]}")

def server_impacts():
    # a server of its own: the model writes into the archetype it is given
    server = DeviceServer(archetype=copy.deepcopy(archetype))
    return compute_impacts(server, duration=server.usage.hours_life_time.value)

server_impacts()  # the first one loads Boavizta's data
rates = []
for _ in range(3):
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < float(sys.argv[2]):
        server_impacts()
        count += 1
    rates.append(count / elapsed)
print(json.dumps({"version": version("boaviztapi"), "per_s": statistics.median(rates)}))
"""
#: Median seconds of ``assessment.run`` (as ``assess --deterministic`` calls it) of the
#: dossier ``argv[1]`` over ``argv[2]`` runs, after one run that imports and loads the factors.
PIPELINE_SCRIPT = """\
import statistics, sys, time
from ecodigital.assessment import Options, run

options = Options(deterministic=True, scenarios=False, finance=False)
run(sys.argv[1], options)
walls = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    run(sys.argv[1], options)
    walls.append(time.perf_counter() - start)
print(statistics.median(walls))
"""


@dataclass(frozen=True)
class Throughput:
    who: str
    what: str  # what is timed and what it computes
    per_s: float  # servers a second


def ecodigital_throughput(folder: Path, runs: int) -> tuple[Throughput, Throughput]:
    """Servers a second of ``assess --deterministic`` of ``SERVERS`` server rows: the
    whole command (median wall of ``runs``), then the pipeline in a warm process."""
    from ecodigital.vocabulary import CRITERIA, PHASES

    (folder / "servers").mkdir()
    dossier = write_servers(folder / "servers", SERVERS)
    walls = []
    for _ in range(runs):
        run = measure([*CLI, "assess", str(dossier), "--deterministic"], 60.0)
        if run is None:
            raise SystemExit(f"assess of {SERVERS:,} servers took over 60 s")
        walls.append(run[0])
    out = subprocess.run(
        [sys.executable, "-c", PIPELINE_SCRIPT, str(dossier), str(runs)],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    whole = statistics.median(walls)
    pipeline = float(out.stdout)
    counted = (
        f"{len(CRITERIA)} criteria × {len(PHASES)} phases × {SERVER_LIFETIME_YEARS} years, "
        "point values"
    )
    return (
        Throughput(
            "ecodigital, whole process",
            f"assess --deterministic of {SERVERS:,} server rows in {whole:.2f} s: start-up, "
            f"CSV, computation and table; {counted}",
            SERVERS / whole,
        ),
        Throughput(
            "ecodigital, pipeline",
            f"ecodigital.assessment.run in a warm process, {pipeline:.2f} s: CSV and "
            f"computation, without imports nor rendering; {counted}",
            SERVERS / pipeline,
        ),
    )


def boavizta_throughput(python: str | None, seconds: float = 1.0) -> Throughput | str:
    """Boavizta API's servers a second, computed by ``python`` (else by this interpreter
    if it can import ``boaviztapi``), or the reason it is not measured."""
    if python is None:
        if importlib.util.find_spec("boaviztapi") is None:
            return (
                "boaviztapi is not installed (see --boavizta-python): "
                "the Boavizta-equivalent throughput is not measured"
            )
        python = sys.executable
    try:
        out = subprocess.run(
            [python, "-c", BOAVIZTA_SCRIPT, BOAVIZTA_ARCHETYPE, str(seconds)],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        return f"{python}: {error.strerror}: the Boavizta-equivalent throughput is not measured"
    if out.returncode:
        last = (out.stderr.strip().splitlines() or ["no message"])[-1]
        return f"{python}: {last}: the Boavizta-equivalent throughput is not measured"
    figures = json.loads(out.stdout)
    return Throughput(
        f"Boavizta API {figures['version']}",
        "as a library, one server at a time: a DeviceServer from the archetype, then "
        "compute_impacts; 3 criteria (gwp, adp, pe) × 2 phases (embedded, use), "
        "each with its min and max",
        figures["per_s"],
    )


def boavizta_lines(folder: Path, runs: int, python: str | None) -> list[str]:
    """The Boavizta-equivalent workload: each throughput, then the ratios."""
    whole, pipeline = ecodigital_throughput(folder, runs)
    boavizta = boavizta_throughput(python)
    lines = [
        f"Boavizta-equivalent workload: one {BOAVIZTA_ARCHETYPE} server, its embodied and "
        f"use impacts over its {SERVER_LIFETIME_YEARS}-year life"
    ]
    found = [whole, pipeline] if isinstance(boavizta, str) else [whole, pipeline, boavizta]
    lines += [f"  {t.who + ':':<28} {t.per_s:>9,.0f} servers/s  ({t.what})" for t in found]
    if isinstance(boavizta, str):
        return [*lines, f"  {boavizta}"]
    return [
        *lines,
        f"  {'ratio ecodigital ÷ Boavizta:':<28} {whole.per_s / boavizta.per_s:>9,.0f}× whole "
        f"process, {pipeline.per_s / boavizta.per_s:,.0f}× pipeline",
    ]


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
    parser.add_argument(
        "--boavizta-python",
        metavar="PATH",
        help="a Python interpreter that can import boaviztapi (say a virtual environment's "
        "bin/python), to time the Boavizta-equivalent workload there",
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
        print("\n".join(boavizta_lines(folder, args.runs, args.boavizta_python)))
    print(json.dumps({"all_targets_met": not failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
