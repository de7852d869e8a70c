"""Time the example's note: PDF (target < 10 s) and HTML (target < 3 s).

Run from the repository root:  python benchmarks/bench_note.py
Each figure is the best of three runs of the whole command's work (assess,
build the context and payload, render), without writing the file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecodigital.assessment import run  # noqa: E402
from ecodigital.report.build import prepare_note, render_note  # noqa: E402

EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
TARGETS = {"pdf": 10.0, "html": 3.0, "md": 3.0, "odt": 3.0}


def best_of(fmt: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        note = prepare_note(run(EXAMPLE))
        render_note(note, fmt, Path(f"note.{fmt}"))
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    failed = False
    for fmt, target in TARGETS.items():
        seconds = best_of(fmt)
        ok = seconds < target
        failed |= not ok
        print(f"{fmt:5} {seconds:6.2f} s  (target < {target:g} s) {'ok' if ok else 'TOO SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
