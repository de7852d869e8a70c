"""Where the time of the example's note goes: each stage of `ecodigital note`, by format.

Run from the repository root:  python benchmarks/bench_note.py [--runs 3]

Each run is a fresh process doing what the command does (imports included, the
note not written), timed stage by stage: imports, the assessment (Monte Carlo,
scenarios and levers), the note's content and payload, the charts, the HTML, and
for the PDF WeasyPrint's import, layout and writing. Figures are the medians of
the runs; the whole process's wall time against the targets of
``benchmarks/run.py`` (PDF 4 s, HTML 1.5 s) is measured there, with the
interpreter's start.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
TARGETS = {"pdf": 4.0, "html": 1.5}

#: One run, in a fresh interpreter: prints the seconds of each stage as JSON.
STAGES = r"""
import json, sys, time
from pathlib import Path
fmt, example = sys.argv[1], Path(sys.argv[2])
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
from ecodigital.assessment import run
from ecodigital.report.build import fewer_collections, prepare_note
from ecodigital.report.html import build_charts, render_html
from ecodigital.report.payload import html_payload_block
mark("imports")
with fewer_collections():
    results = run(example)
    mark("assessment")
    note = prepare_note(results)
    mark("content and payload")
    charts = build_charts(note.context, note.results)
    mark("charts")
    block = html_payload_block(note.payload) if fmt == "html" else ""
    html = render_html(note.context, charts, block, note.template_dirs)
    mark("html")
    if fmt == "pdf":
        from ecodigital.report.pdf import _fetcher, _weasyprint
        weasyprint = _weasyprint()
        mark("weasyprint import")
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher(weasyprint))
        rendered = document.render()
        mark("pdf layout")
        from ecodigital.report.payload import PDF_ATTACHMENT, canonical_json
        attachment = weasyprint.Attachment(
            string=canonical_json(note.payload), name=PDF_ATTACHMENT, relationship="Data"
        )
        rendered.write_pdf(pdf_variant="pdf/a-3a", attachments=[attachment], custom_metadata=True)
        mark("pdf writing")
print(json.dumps([(name, t - marks[i][1]) for i, (name, t) in enumerate(marks[1:])]))
"""


def stages(fmt: str) -> list[tuple[str, float]]:
    out = subprocess.run(
        [sys.executable, "-c", STAGES, fmt, str(EXAMPLE)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return [(str(name), float(seconds)) for name, seconds in json.loads(out.stdout)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for fmt, target in TARGETS.items():
        runs = [stages(fmt) for _ in range(args.runs)]
        names = [name for name, _ in runs[0]]
        medians = [statistics.median(run[i][1] for run in runs) for i in range(len(names))]
        print(
            f"{fmt}: {sum(medians):.2f} s in the stages below (whole-process target {target:g} s)"
        )
        for name, seconds in zip(names, medians, strict=True):
            print(f"  {name:22} {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
