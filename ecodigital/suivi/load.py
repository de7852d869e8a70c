"""Read an actuals file (``ecodigital-suivi/1``) into a validated model and its measurements.

The YAML goes through the strict loader of :mod:`ecodigital.yamlio`, the model
through pydantic, and every error is an :class:`InputError` naming the file,
the line, the field path and the fix, worded like a dossier's. Measurement
files are confined to the actuals file's folder (``--allow-outside`` does not
widen it), must be regular files within the measurement size limit, and are
read with :mod:`ecodigital.measure.read`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import InputError
from ecodigital.fileio import MIB, confine, read_input_text
from ecodigital.i18n import Msg
from ecodigital.suivi.model import FORMAT, Actuals
from ecodigital.yamlio import load_yaml, where

if TYPE_CHECKING:
    from ecodigital.measure.read import Runs

__all__ = [
    "MAX_SUIVI_BYTES",
    "LoadedActuals",
    "load_actuals",
    "parse_actuals_text",
    "parse_embedded_actuals",
]

#: Largest actuals YAML read (the measurement files have their own limit).
MAX_SUIVI_BYTES: Final = 10 * MIB


@dataclass(frozen=True)
class YearMeasurements:
    """The CodeCarbon runs of one measurement of a year, and their energy in kWh."""

    item: str
    runs: Runs = field(repr=False)
    #: Sum of ``energy_consumed`` over the runs (a run's last row), kWh; NaN if none gives it.
    energy_kwh: float


@dataclass(frozen=True)
class LoadedActuals:
    """A validated actuals file and the measurements read, per reported year."""

    path: Path
    model: Actuals
    #: Calendar year -> the measurement files read for it, in the file's order (a
    #: measurement given by its summary has no file and is not listed).
    measurements: dict[int, tuple[YearMeasurements, ...]]


def load_actuals(path: str | Path) -> LoadedActuals:
    """Load and validate the actuals file at ``path`` and read its measurement files."""
    path = Path(path)
    return parse_actuals_text(read_input_text(path, "file", max_bytes=MAX_SUIVI_BYTES), path)


def _parse_yaml(text: str, path: Path) -> tuple[dict[str, Any], Any]:
    document = load_yaml(text, path)
    raw, root = document.data, document.root
    if not isinstance(raw, dict):
        raise InputError(
            str(path), None, Msg("suivi.input.not_suivi"), Msg("suivi.input.format_fix")
        )
    fmt = raw.get("format")
    if fmt != FORMAT:
        raise InputError(
            where(path, root, ("format",)) if fmt is not None else str(path),
            "format",
            Msg("input.format_unsupported", {"value": str(fmt)})
            if fmt is not None
            else Msg("dossier.required"),
            Msg("suivi.input.format_fix"),
        )
    return raw, root


def parse_actuals_text(text: str, path: Path, *, read_files: bool = True) -> LoadedActuals:
    """Validate actuals ``text``; ``path`` names it in errors and anchors measurement files.

    With ``read_files=False`` (actuals embedded in a submitted report) a measurement that
    names files is refused before anything is opened: a report carries what they said.
    """
    from pydantic import ValidationError

    from ecodigital.dossier.wording import input_error

    raw, root = _parse_yaml(text, path)
    try:
        model = Actuals.model_validate(raw)
    except ValidationError as exc:
        raise input_error(exc, path, raw, root) from None
    if not read_files:
        _refuse_files(model, path)
    measurements: dict[int, tuple[YearMeasurements, ...]] = {}
    for y, year in enumerate(model.years):
        read = []
        for m, measurement in enumerate(year.measurements):
            if measurement.files is None:  # given by its summary
                continue
            files = measurement.files
            paths = [
                _measurement_path(path, root, ("years", y, "measurements", m, "files", f), name)
                for f, name in enumerate(files)
            ]
            read.append(_read_runs(measurement.item, paths))
        measurements[year.year] = tuple(read)
    return LoadedActuals(path, model, measurements)


def parse_embedded_actuals(data: Any, path: Path) -> LoadedActuals:
    """The standalone actuals a follow-up report embeds, validated as a file's (JSON is YAML),
    opening no file: one that names measurement files is refused."""
    import json

    if not isinstance(data, dict):
        raise InputError(
            str(path), None, Msg("suivi.input.not_suivi"), Msg("suivi.input.format_fix")
        )
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return parse_actuals_text(text, path, read_files=False)


def _refuse_files(model: Actuals, path: Path) -> None:
    from ecodigital.review.compare import clean_text

    for y, year in enumerate(model.years):
        for m, measurement in enumerate(year.measurements):
            if measurement.files is not None:
                raise InputError(
                    str(path),
                    f"years[{y}].measurements[{m}].files",
                    Msg(
                        "suivi.input.embedded_files",
                        {"name": clean_text(measurement.files[0], 120) or "?"},
                    ),
                    Msg("suivi.input.embedded_files_fix"),
                )


def _measurement_path(path: Path, root: Any, loc: tuple[str | int, ...], name: str) -> Path:
    from ecodigital.dossier.wording import format_loc
    from ecodigital.measure.read import resolve_csv_path

    target = confine(
        path.parent,
        name,
        where=where(path, root, loc),
        field_name=format_loc(loc) or "files",
        allow_outside=False,
    )
    return resolve_csv_path(target)


def _read_runs(item: str, paths: list[Path]) -> YearMeasurements:
    from ecodigital.measure.read import read_emissions_files

    runs = read_emissions_files(paths)
    # energy_consumed is a required column: a run with it blank stays unknown (NaN).
    total = float(runs.frame["energy_kwh"].sum(min_count=1))
    return YearMeasurements(item, runs, total)
