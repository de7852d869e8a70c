"""``ecodigital demo``: the whole pipeline on the bundled example dossier.

The example (``examples/guichet-mutualise``) ships inside the wheel as package
data (``ecodigital/_data/examples``), so the demo runs from an installed
package as well as from a checkout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ecodigital.errors import InputError
from ecodigital.i18n import Msg, text

__all__ = ["EXAMPLE", "example_dossier", "run_demo"]

EXAMPLE = "guichet-mutualise"


def example_dossier() -> Path:
    """The bundled example dossier."""
    from ecodigital.resources import data_dir

    return data_dir("examples") / EXAMPLE / "dossier.yaml"


def run_demo(
    output_dir: Path,
    *,
    lang: str = "fr",
    force: bool = False,
    draws: int = 1000,
    seed: int = 0,
    deterministic: bool = False,
) -> Iterator[str]:
    """Validate and assess the example and write its notes; yields what it did, line by line.

    ``draws``, ``seed`` and ``deterministic`` are those of ``ecodigital note``.
    """
    from ecodigital.assessment import Options, run
    from ecodigital.assessment.validate import validate_dossier
    from ecodigital.errors import PdfUnavailable
    from ecodigital.fileio import write_output
    from ecodigital.report.build import prepare_note, render_note
    from ecodigital.report.table import assessment_table

    dossier = example_dossier()
    output_dir = Path(output_dir)
    targets = [output_dir / "note.pdf", output_dir / "note.html"]
    if not force:
        for target in targets:
            if target.exists():
                raise InputError(str(target), None, Msg("output.exists"), Msg("demo.exists_fix"))
    yield text("demo.validate", lang, summary=validate_dossier(dossier).render(lang))
    # one assessment (and one Monte Carlo run) for the table and the notes
    results = run(dossier, Options(draws=draws, seed=seed, deterministic=deterministic))
    note = prepare_note(results, lang=lang)
    yield text("demo.assess", lang)
    table = assessment_table(results, lang)
    yield from ("   " + line if line else "" for line in table.splitlines()[:8])
    written = []
    for target in targets:
        fmt = target.suffix.lstrip(".")
        try:
            files = render_note(note, fmt, target)
        except PdfUnavailable as exc:
            yield f"   {exc.message(lang)}"
            continue
        for path, content in files.items():
            write_output(path, content, force=True)  # existence was checked above
            written.append(path)
    yield text("demo.note", lang)
    yield from (f"   {path}" for path in written)
    if written:
        yield text("demo.open", lang, html=written[-1], pdf=written[0])
