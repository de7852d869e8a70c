"""Read CodeCarbon's ``emissions.csv`` files (2.x and 3.x) into one row per run.

CodeCarbon 2.x writes 32 columns (31 before ``experiment_id`` appeared), 3.x
adds water, utilisation and WUE columns; only ``duration`` (s), ``emissions``
(kgCO2e) and ``energy_consumed`` (kWh) are required here. A file is read with
pandas in one pass, reading only the columns used. Rows of one run are
cumulative (CodeCarbon appends one at every ``flush()``): the row with the
longest duration is the run's total.

Rows that cannot be used are skipped with a warning that says how many and why;
a file with no usable row is an error.
"""

from __future__ import annotations

import difflib
import io
import itertools
import warnings as py_warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import InputError
from ecodigital.fileio import INPUT_LIMITS
from ecodigital.i18n import Msg, text
from ecodigital.notices import Notice

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_CSV_BYTES",
    "REQUIRED_COLUMNS",
    "RUN_COLUMNS",
    "Runs",
    "read_emissions_csv",
    "read_emissions_files",
    "resolve_csv_path",
]

#: Largest CSV read by default (a million CodeCarbon 3.x rows take about 420 MB);
#: ``ECODIGITAL_MAX_MEASUREMENT_MB`` raises it.
MAX_CSV_BYTES: Final = INPUT_LIMITS["measurement"]
REQUIRED_COLUMNS: Final = ("duration", "emissions", "energy_consumed")
#: Text columns read, as categories (few distinct values) except the run id.
_CATEGORY_COLUMNS: Final = (
    "project_name", "experiment_id", "country_iso_code", "codecarbon_version", "tracking_mode",
)  # fmt: skip
_TEXT_COLUMNS: Final = ("run_id", *_CATEGORY_COLUMNS)
_NUMBER_COLUMNS: Final = (
    "duration", "emissions", "energy_consumed", "cpu_energy", "gpu_energy", "ram_energy", "pue",
)  # fmt: skip
#: Our names (with units) for CodeCarbon's columns.
_RENAMES: Final = {
    "duration": "duration_s",
    "emissions": "emissions_kgco2e",
    "energy_consumed": "energy_kwh",
    "cpu_energy": "cpu_energy_kwh",
    "gpu_energy": "gpu_energy_kwh",
    "ram_energy": "ram_energy_kwh",
    "country_iso_code": "country",
}
#: Columns of :attr:`Runs.frame`, one row per run.
RUN_COLUMNS: Final = (
    "file", "project_name", "experiment_id", "run_id", "duration_s", "energy_kwh",
    "emissions_kgco2e", "cpu_energy_kwh", "gpu_energy_kwh", "ram_energy_kwh", "country",
    "codecarbon_version", "tracking_mode", "pue",
)  # fmt: skip
_HEAD_BYTES: Final = 64 * 1024
#: Bounds of one run's row (``docs/limits.md``): ten years, and 10^9 kWh or kgCO2e.
MAX_RUN_SECONDS: Final = 10 * 366 * 24 * 3600.0
MAX_RUN_KWH: Final = 1e9
MAX_RUN_KGCO2E: Final = 1e9


@dataclass
class Runs:
    """Runs read from one or more CodeCarbon files, and what was skipped."""

    frame: pd.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def resolve_csv_path(path: Path) -> Path:
    """``path`` itself, or ``path/emissions.csv`` when ``path`` is a measure folder."""
    if path.is_dir():
        inner = path / "emissions.csv"
        if not inner.is_file():
            raise InputError(
                str(path), None, Msg("measure.input.folder_no_csv"), Msg("measure.input.csv_fix")
            )
        return inner
    return path


def read_emissions_files(paths: list[Path]) -> Runs:
    """Read several CodeCarbon files into one table of runs (a run seen twice counts once)."""
    import pandas as pd

    parts = [read_emissions_csv(path) for path in paths]
    if len(parts) == 1:
        return parts[0]
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    for column in ("project_name", "experiment_id", "country", "codecarbon_version"):
        frame[column] = frame[column].astype("category")
    frame = _last_row_per_run(frame)
    return Runs(frame, [w for p in parts for w in p.warnings], [f for p in parts for f in p.files])


def read_emissions_csv(path: Path, *, max_bytes: int | None = None) -> Runs:
    """Read one CodeCarbon CSV (2.x or 3.x, UTF-8 with or without BOM) into runs."""

    from ecodigital.fileio import read_input_bytes

    path = resolve_csv_path(Path(path))
    name = str(path)
    data = read_input_bytes(path, "measurement", max_bytes=max_bytes)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    header = _read_header(name, data)
    columns = [c.strip() for c in header.split(",")]
    _check_columns(name, columns)
    wanted = [c for c in columns if c in _TEXT_COLUMNS or c in _NUMBER_COLUMNS]
    raw, bad_lines = _parse(name, data, columns, wanted)
    if raw.empty and not bad_lines:
        raise InputError(name, None, Msg("measure.input.no_rows"), Msg("measure.input.no_rows_fix"))
    frame, skipped = _clean_rows(raw, name)
    if bad_lines:
        skipped.insert(0, (bad_lines, "wrong_fields"))
    total = len(raw) + bad_lines
    if frame.empty:
        reasons = [Msg("measure.input.skipped", {"n": n, "reason": Msg(f"reason.{why}")})
                   for n, why in skipped]  # fmt: skip
        raise InputError(
            name,
            None,
            Msg(
                "measure.input.no_usable_row",
                {"total": total, "n": total, "reasons": _Joined("", {"parts": reasons})},
            ),
            Msg("measure.input.check_file"),
        )
    warnings = [
        Notice(
            code="MEASURE_ROWS_SKIPPED",
            message=f"{name}: {count} of {total} rows skipped because "
            + text(f"reason.{reason}", "en"),
            params={"file": name, "count": count, "total": total, "reason": reason},
        )
        for count, reason in skipped
    ]
    frame.insert(0, "file", name)
    frame = _last_row_per_run(frame[list(RUN_COLUMNS)])
    warnings += _mixed(frame, name)
    return Runs(frame, warnings, [path])


#: Files larger than this are parsed in parallel chunks (pandas' tokenizer releases the GIL).
PARALLEL_BYTES: Final = 64 * 1024 * 1024


def _parse(
    name: str, data: bytes, columns: list[str], wanted: list[str]
) -> tuple[pd.DataFrame, int]:
    """The wanted columns, and the count of lines pandas skipped as malformed.

    Only the wanted columns are parsed (the speed of ``summarize`` on big files
    depends on it). A line cut short (a kill during a write) reads as missing
    numbers and is skipped later; a header line repeated by joining files is
    found later from its values.
    """
    import pandas as pd

    with py_warnings.catch_warnings(record=True) as caught:
        py_warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            raw = None
            if len(data) > PARALLEL_BYTES:
                raw = _parse_in_chunks(data, columns, wanted)
            if raw is None:
                raw = pd.read_csv(io.BytesIO(data), encoding="utf-8", **_csv_options(wanted))
        except UnicodeDecodeError as exc:
            raise InputError(
                name,
                None,
                Msg("measure.input.not_utf8", {"byte": exc.start}),
                Msg("measure.input.csv_fix"),
            ) from None
        except (pd.errors.ParserError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(
                name,
                None,
                Msg("dossier.csv.unreadable", {"reason": first}),
                Msg("measure.input.csv_fix"),
            ) from None
    return raw, sum(str(w.message).count("Skipping line") for w in caught)


def _csv_options(wanted: list[str]) -> dict[str, Any]:
    return {
        "usecols": wanted,
        "index_col": False,
        "dtype": {
            c: "category" if c in _CATEGORY_COLUMNS else object
            for c in _TEXT_COLUMNS
            if c in wanted
        },
        "on_bad_lines": "warn",
        "skipinitialspace": True,
    }


def _parse_in_chunks(data: bytes, columns: list[str], wanted: list[str]) -> pd.DataFrame | None:
    """Parse a big file in one chunk per CPU (at most 4), split at line ends.

    Returns None when a chunk does not parse on its own (a quoted field holding
    a line break, say), so that the caller parses the file in one piece.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd
    from pandas.api.types import union_categoricals

    start = data.index(b"\n") + 1  # after the header line
    workers = max(1, min(4, os.cpu_count() or 1))
    cuts = [start]
    for k in range(1, workers):
        at = data.find(b"\n", start + (len(data) - start) * k // workers)
        if at < 0 or at + 1 <= cuts[-1]:
            break
        cuts.append(at + 1)
    cuts.append(len(data))
    options = {**_csv_options(wanted), "header": None, "names": columns}

    def parse(bounds: tuple[int, int]) -> pd.DataFrame:
        chunk = io.BytesIO(data[bounds[0] : bounds[1]])
        part: pd.DataFrame = pd.read_csv(chunk, encoding="utf-8", **options)
        return part

    try:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(parse, itertools.pairwise(cuts)))
    except (pd.errors.ParserError, ValueError):
        return None
    frame = pd.concat(parts, ignore_index=True)
    for column in _CATEGORY_COLUMNS:
        if column in frame.columns and len(parts) > 1:
            frame[column] = union_categoricals([p[column] for p in parts])
    return frame


def _read_header(name: str, data: bytes) -> str:
    """The first line of the file (read already, within its size limit)."""
    head = data[:_HEAD_BYTES]
    if not head.strip():
        raise InputError(name, None, Msg("dossier.empty"), Msg("measure.input.empty_fix"))
    if b"\x00" in head:
        raise InputError(name, None, Msg("measure.input.binary"), Msg("measure.input.csv_fix"))
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        return first.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            name, None, Msg("measure.input.not_utf8_header"), Msg("measure.input.csv_fix")
        ) from None


def _check_columns(name: str, columns: list[str]) -> None:
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise InputError(
            name,
            Msg("input.column", {"column": str(duplicated[0])}),
            Msg("measure.input.twice"),
            Msg("measure.input.header_fix"),
        )
    present = [c for c in REQUIRED_COLUMNS if c in columns]
    if not present:
        raise InputError(
            name,
            None,
            Msg("measure.input.not_codecarbon"),
            Msg("measure.input.csv_fix"),
        )
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            close = difflib.get_close_matches(column, columns, n=1, cutoff=0.6)
            hint = Msg("measure.input.renamed", {"found": close[0]}) if close else ""
            raise InputError(
                name,
                Msg("input.column", {"column": column}),
                Msg("measure.input.column_missing", {"hint": hint}),
                Msg("measure.input.restore_fix", {"column": column}),
            )


class _Joined(Msg):
    """Sentences joined with "; " in the reader's language."""

    def render(self, lang: str) -> str:
        parts = self.params.get("parts", ())
        assert isinstance(parts, list | tuple)
        return "; ".join(part.render(lang) for part in parts if isinstance(part, Msg))


def _clean_rows(raw: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Numbers as floats; rows that cannot be used dropped, with how many and why."""
    import numpy as np
    import pandas as pd

    frame = raw.copy()
    skipped: list[tuple[int, str]] = []
    keep = np.ones(len(frame), dtype=bool)
    duration_text = frame["duration"]
    if duration_text.dtype.kind not in "fiu":
        repeated = (duration_text.astype("string").str.strip() == "duration").to_numpy(
            dtype=bool, na_value=False
        )
        if repeated.any():
            _check_repeated_headers(frame.loc[repeated], name)
            skipped.append((int(repeated.sum()), "header_repeated"))
            keep &= ~repeated
    for column in _NUMBER_COLUMNS:
        if column in frame.columns and frame[column].dtype.kind not in "fiu":
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        if column in frame.columns:
            frame[column] = frame[column].astype("float64")
    required = frame[list(REQUIRED_COLUMNS)].to_numpy()
    not_number = np.isnan(required).any(axis=1) & keep
    if not_number.any():
        skipped.append((int(not_number.sum()), "not_number"))
        keep &= ~not_number
    not_finite = keep & ~np.isfinite(frame[list(REQUIRED_COLUMNS)].to_numpy()).all(axis=1)
    if not_finite.any():
        skipped.append((int(not_finite.sum()), "not_finite"))
        keep &= ~not_finite
    duration = frame["duration"].to_numpy()
    not_positive = keep & (duration <= 0)
    if not_positive.any():
        skipped.append((int(not_positive.sum()), "not_positive"))
        keep &= ~not_positive
    energy = frame["energy_consumed"].to_numpy()
    negative = keep & ((energy < 0) | (frame["emissions"].to_numpy() < 0))
    if negative.any():
        skipped.append((int(negative.sum()), "negative"))
        keep &= ~negative
    too_large = keep & (
        (duration > MAX_RUN_SECONDS)
        | (energy > MAX_RUN_KWH)
        | (frame["emissions"].to_numpy() > MAX_RUN_KGCO2E)
    )
    if too_large.any():
        skipped.append((int(too_large.sum()), "too_large"))
        keep &= ~too_large
    frame = frame.loc[keep].rename(columns=_RENAMES)
    for column in RUN_COLUMNS[1:]:
        if column not in frame.columns:
            frame[column] = np.nan
    for column in ("cpu_energy_kwh", "gpu_energy_kwh", "ram_energy_kwh", "pue"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("project_name", "experiment_id", "country", "codecarbon_version"):
        frame[column] = frame[column].astype("category")
    frame["run_id"] = frame["run_id"].astype(object)
    return frame.reset_index(drop=True), skipped


def _check_repeated_headers(headers: pd.DataFrame, name: str) -> None:
    """A header line in the middle of a file must be the same header, or columns shift."""
    for position, (index, row) in enumerate(headers.iterrows()):
        if any(str(row[c]).strip() != c for c in headers.columns):
            raise InputError(
                name,
                Msg("input.line", {"line": int(str(index)) + 2}),
                Msg("measure.input.other_header"),
                Msg("measure.input.other_header_fix"),
            )
        if position > 100:  # the same header over and over: the first ones tell
            return


def _last_row_per_run(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the longest row of each run (rows of a run are cumulative); no run id: each row."""
    if frame.empty:
        return frame
    with_id = frame["run_id"].notna().to_numpy()
    if with_id.all():
        repeated = frame["run_id"].duplicated(keep=False).to_numpy()
        if not repeated.any():
            return frame.reset_index(drop=True)
        import pandas as pd

        longest = frame.loc[repeated].groupby("run_id", sort=False)["duration_s"].idxmax()
        keep = ~repeated
        keep[frame.index.get_indexer(pd.Index(longest.to_numpy()))] = True
        return frame.loc[keep].reset_index(drop=True)
    import pandas as pd

    identified = _last_row_per_run(frame.loc[with_id]) if with_id.any() else frame.iloc[:0]
    return pd.concat([identified, frame.loc[~with_id]], ignore_index=True)


def _mixed(frame: pd.DataFrame, name: str) -> list[Notice]:
    """Warnings for runs of several countries or CodeCarbon versions in one file."""
    found: list[Notice] = []
    countries = sorted(str(c) for c in frame["country"].dropna().unique())
    if len(countries) > 1:
        counts = frame["country"].value_counts()
        found.append(
            Notice(
                code="MEASURE_MIXED_COUNTRIES",
                message=f"{name}: runs from {len(countries)} countries "
                + ", ".join(f"{c} ({int(counts[c])})" for c in countries)
                + "; CodeCarbon's emissions mix grids, ecodigital uses the energy only",
                params={"file": name, "countries": countries},
            )
        )
    versions = frame["codecarbon_version"].dropna()
    releases = sorted({".".join(str(v).split(".")[:2]) for v in versions.unique()})
    if len(releases) > 1:
        found.append(
            Notice(
                code="MEASURE_MIXED_VERSIONS",
                message=f"{name}: runs from CodeCarbon {', '.join(releases)}, whose CPU and RAM "
                "models differ; compare runs of one version",
                params={"file": name, "versions": releases},
            )
        )
    return found
