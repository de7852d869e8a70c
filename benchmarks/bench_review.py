"""Benchmark ``ecodigital compare``: 500 HTML notes and 100 PDF notes, time and peak memory.

Run from the repository root:  python benchmarks/bench_review.py [--html 500] [--pdf 100]

The notes are written once from the example dossier (one HTML, one PDF), then
copied with varied payloads (users, figures, names) and valid digests: HTML
copies get a new payload block; PDF copies reuse the PDF with its embedded
payload swapped by pypdf. Targets: 500 HTML notes < 10 s, 100 PDF notes < 30 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecodigital.assessment import run  # noqa: E402
from ecodigital.jsonio import canonical_json  # noqa: E402
from ecodigital.report.build import prepare_note, render_note  # noqa: E402
from ecodigital.report.payload import (  # noqa: E402
    PDF_ATTACHMENT,
    compute_digest,
    html_payload_block,
)
from ecodigital.review.compare import automatic_jobs, compare_files  # noqa: E402

EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


def _variant(payload: dict, index: int) -> dict:
    copy = json.loads(canonical_json(payload))
    scale = 0.5 + (index % 17) / 8
    for project in (copy["dossier"]["project"], copy["results"]["project"]):
        project["name"] = f"Projet {index}"
        project["users_per_year"] = [u * (1 + index % 5) for u in project["users_per_year"]]
    copy["results"]["totals"]["gwp"]["value"] *= scale
    copy["digest"]["value"] = compute_digest(copy)
    return copy


def make_notes(folder: Path, html: int, pdf: int) -> tuple[list[Path], list[Path]]:
    note = prepare_note(run(EXAMPLE), lang="fr")
    page = str(render_note(note, "html", folder / "n.html")[folder / "n.html"])
    block = html_payload_block(note.payload)
    head, tail = page.split(block)
    html_paths = []
    for index in range(html):
        path = folder / f"note-{index:04d}.html"
        path.write_text(head + html_payload_block(_variant(note.payload, index)) + tail, "utf-8")
        html_paths.append(path)
    pdf_paths = []
    if pdf:
        from pypdf import PdfReader, PdfWriter

        source = folder / "source.pdf"
        source.write_bytes(render_note(note, "pdf", source)[source])  # type: ignore[arg-type]
        for index in range(pdf):
            writer = PdfWriter(clone_from=PdfReader(source))
            writer.add_attachment(PDF_ATTACHMENT, canonical_json(_variant(note.payload, index)))
            # The clone keeps the original attachment; drop it so the note has one.
            names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
            del names[0:2]
            path = folder / f"note-{index:04d}.pdf"
            with path.open("wb") as handle:
                writer.write(handle)
            pdf_paths.append(path)
    return html_paths, pdf_paths


def bench(label: str, paths: list[Path], target_s: float) -> None:
    """Time one run in one process and one as ``compare`` runs (its automatic processes),
    then measure peak Python memory of one process (tracemalloc slows it)."""
    start = time.perf_counter()
    rows = compare_files(paths, jobs=1)
    serial = time.perf_counter() - start
    jobs = automatic_jobs(len(paths))
    start = time.perf_counter()
    parallel_rows = compare_files(paths)
    elapsed = time.perf_counter() - start
    assert [r.as_dict() for r in parallel_rows] == [r.as_dict() for r in rows]
    tracemalloc.start()
    compare_files(paths, jobs=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    errors = sum(1 for row in rows if row.error)
    flagged = sum(1 for row in rows if "DIGEST_MISMATCH" in row.flag_codes)
    size = sum(p.stat().st_size for p in paths) / 1e6
    verdict = "OK" if elapsed < target_s else "SLOWER THAN TARGET"
    print(
        f"{label}: {len(paths)} notes ({size:.0f} MB) in {elapsed:.2f} s with {jobs} process(es) "
        f"({elapsed / len(paths) * 1000:.1f} ms/note), {serial:.2f} s in one "
        f"({serial / len(paths) * 1000:.1f} ms/note), same rows; peak Python memory "
        f"{peak / 1e6:.1f} MB, {errors} errors, {flagged} digest mismatches; "
        f"target < {target_s:g} s: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=int, default=500)
    parser.add_argument("--pdf", type=int, default=100)
    args = parser.parse_args()
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the clones' trailer size warnings
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        html_paths, pdf_paths = make_notes(Path(tmp), args.html, args.pdf)
        print(f"notes written in {time.perf_counter() - start:.1f} s")
        compare_files(html_paths[:1])  # warm the imports and the reference dataset
        if html_paths:
            bench("HTML", html_paths, 10.0)
        if pdf_paths:
            bench("PDF", pdf_paths, 30.0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {rss:.0f} MB (includes writing the notes)")


if __name__ == "__main__":
    main()
