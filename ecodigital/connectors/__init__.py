"""Open connectors: read and write the formats of the field.

Imports (``ecodigital import FILE --from FORMAT``) map another tool's file to
dossier items, each with a trace of where it comes from; exports
(``ecodigital export DOSSIER|NOTE --to FORMAT``) write a dossier's or a note's
inputs and results in another tool's format. One module per format, its
mapping functions pure and its file reading at the edge:

========================  ======  ======  ==========================================
format                    import  export  module
========================  ======  ======  ==========================================
``numecoeval``            yes     yes     :mod:`~ecodigital.connectors.numecoeval`
``boavizta``              yes     yes     :mod:`~ecodigital.connectors.boavizta`
``glpi``, ``ocs``         yes             :mod:`~ecodigital.connectors.inventory`
``har``                   yes             :mod:`~ecodigital.connectors.har`
``boamps``                yes             :mod:`~ecodigital.connectors.boamps`
``pcr-si``                        yes     :mod:`~ecodigital.connectors.pcrsi`
``impact-framework``              yes     :mod:`~ecodigital.connectors.impact_framework`
========================  ======  ======  ==========================================

Exports read computed figures through :mod:`ecodigital.connectors.results`
only. ``docs/formats.md`` says, for each format, its version, its source,
what maps to what and what is lost in each direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ecodigital.connectors.model import ImportResult
    from ecodigital.connectors.results import ResultFigures
    from ecodigital.i18n import Msg

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "Export",
    "ImportOptions",
    "export_files",
    "read_import",
]

IMPORT_FORMATS: Final = ("numecoeval", "boavizta", "glpi", "ocs", "har", "boamps")
EXPORT_FORMATS: Final = ("numecoeval", "pcr-si", "impact-framework", "boavizta")


@dataclass(frozen=True)
class ImportOptions:
    """How to read an imported file."""

    fmt: str
    mapping: Path | None = None
    views_per_year: float | None = None
    access: str = "fixed"
    item_id: str | None = None
    #: First year of the dossier the items go into (NumEcoEval's dates to active years).
    start_year: int | None = None
    #: BoAmps: runs of the measured task a year.
    runs_per_year: float | None = None


def read_import(path: Path, options: ImportOptions) -> ImportResult:
    """Read ``path`` in ``options.fmt`` and map it to items (nothing is written)."""
    fmt = options.fmt
    if fmt in ("glpi", "ocs"):
        from ecodigital.connectors.inventory import read_inventory

        return read_inventory(path, fmt, options.mapping)
    if fmt == "numecoeval":
        from ecodigital.connectors.numecoeval import read_numecoeval

        return read_numecoeval(path, options.mapping, options.start_year)
    if fmt == "boavizta":
        from ecodigital.connectors.boavizta import read_boavizta

        return read_boavizta(path, options.mapping)
    if fmt == "har":
        from ecodigital.connectors.har import read_har

        return read_har(path, options.views_per_year, options.access, options.item_id)
    if fmt == "boamps":
        from ecodigital.connectors.boamps import read_boamps

        return read_boamps(path, options.runs_per_year, options.item_id)
    raise ValueError(f"unknown import format {fmt!r}")


@dataclass
class Export:
    """What an export writes: files by name (one, or a folder's), and what did not travel."""

    files: dict[str, str]
    folder: bool
    left_out: list[Msg] = field(default_factory=list)


def export_files(
    source: Path,
    fmt: str,
    output_name: str,
    factors_path: Path | None = None,
    mapping: Path | None = None,
) -> Export:
    """The files of ``source`` (a dossier or a note) in ``fmt``; ``output_name`` names one file."""
    from ecodigital.connectors.results import load_results
    from ecodigital.i18n import Msg

    figures = load_results(source, factors_path)
    export = _export(figures, fmt, output_name, mapping)
    if figures.digest_ok is False:
        export.left_out.insert(0, Msg("connectors.export.digest_mismatch", {"source": str(source)}))
    return export


def _export(figures: ResultFigures, fmt: str, output_name: str, mapping: Path | None) -> Export:
    from ecodigital.i18n import Msg

    if fmt == "impact-framework":
        from ecodigital.connectors.impact_framework import manifest_yaml

        return Export({output_name: manifest_yaml(figures)}, folder=False)
    if fmt == "pcr-si":
        from ecodigital.connectors.pcrsi import omitted as pcr_omitted
        from ecodigital.connectors.pcrsi import response_json

        left = [
            Msg(
                "connectors.export.pcr_partial" if o.partial else "connectors.export.pcr_unknown",
                {"where": o.where, "phase": o.phase, "criterion": o.criterion},
            )
            for o in pcr_omitted(figures)
        ]
        return Export({output_name: response_json(figures)}, folder=False, left_out=left)
    if fmt == "numecoeval":
        from ecodigital.connectors.numecoeval import export_csvs

        files, left = export_csvs(figures, mapping)
        return Export(files, folder=True, left_out=left)
    if fmt == "boavizta":
        from ecodigital.connectors.boavizta import export_requests

        text, left = export_requests(figures, mapping)
        return Export({output_name: text}, folder=False, left_out=left)
    raise ValueError(f"unknown export format {fmt!r}")
