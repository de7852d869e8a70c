"""The emission-factor database: the bundled, versioned datasets and user layers.

The reference datasets live in the top-level ``emission_factors/`` folder (in
the wheel: ``ecodigital/_data/emission_factors``), one subfolder per version
(``2026.1``, ``2026.2``...): CSV tables sharing one header, with units in the
column names, a ``manifest.yaml`` naming the dataset, its version and date, and
the electricity snapshot of every country (``grid.csv``, see
:mod:`ecodigital.factors.grid`). Every version keeps shipping, so that a note
made with an older one recomputes with the figures it was made with; the
newest is the default. A user's CSV (``--factors PATH``, a file or a folder of
files) is layered over a dataset by id, cell by cell; every overridden cell is
recorded so that results say which rows were bent and by what.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.errors import InputError
from ecodigital.factors.versions import reference_data_dir, reference_versions
from ecodigital.fileio import INPUT_LIMITS, read_input_text
from ecodigital.i18n import Msg
from ecodigital.vocabulary import CRITERIA, CRITERION_COLUMN_SUFFIXES, ITEM_KINDS, PHASES

if TYPE_CHECKING:
    import pandas as pd

    from ecodigital.factors.grid import GridSnapshot

__all__ = [
    "BASES",
    "FACTOR_COLUMNS",
    "IMPACT_COLUMNS",
    "PARAMETER_COLUMNS",
    "FactorTable",
    "Override",
    "impact_column",
    "load_factors",
    "load_reference_factors",
    "reference_bases",
    "reference_data_dir",
    "reference_versions",
    "with_rows",
]

#: What the impact values of a row are counted per (see docs/factors.md).
BASES = ("device", "hour", "tb_year", "tb", "drive", "gb", "kwh", "year", "pue")
FACTOR_KINDS = (*ITEM_KINDS, "electricity", "datacenter")


def impact_column(criterion: str, phase: str) -> str:
    """Name of the column holding ``criterion`` for ``phase``: ``gwp_use_kgco2e``."""
    return f"{criterion}_{phase}_{CRITERION_COLUMN_SUFFIXES[criterion]}"


IMPACT_COLUMNS = tuple(impact_column(c, p) for c in CRITERIA for p in PHASES)
PARAMETER_COLUMNS = (
    "lifetime_years",
    "power_w",
    "power_w_low",
    "power_w_high",
    "hours_per_day",
    "days_per_year",
    "hours_per_year",
    "pue",
    "drive_capacity_tb",
    "uncertainty_low",
    "uncertainty_high",
)
NUMERIC_COLUMNS = (*IMPACT_COLUMNS, *PARAMETER_COLUMNS)
TEXT_COLUMNS = ("source", "source_title", "source_url", "source_year", "licence", "notes")
FACTOR_COLUMNS = ("id", "kind", "label", "basis", *NUMERIC_COLUMNS, *TEXT_COLUMNS)

#: Columns a bundled table may leave out: those added by a later dataset version
#: (a column a table does not have is unknown for all its rows).
OPTIONAL_REFERENCE_COLUMNS = frozenset(
    {*IMPACT_COLUMNS, "power_w_low", "power_w_high", "drive_capacity_tb"}
)

#: Largest factor file read (``ECODIGITAL_MAX_FACTORS_MB`` raises it).
MAX_FACTOR_BYTES = INPUT_LIMITS["factors"]


@dataclass(frozen=True)
class Override:
    """One cell of the reference dataset replaced by a user's file."""

    factor_id: str
    column: str
    reference: Any
    value: Any
    file: str


@dataclass
class FactorTable:
    """Factor rows indexed by id, with where they came from."""

    frame: pd.DataFrame
    name: str
    version: str
    date: str
    overrides: list[Override] = field(default_factory=list)
    user_files: list[str] = field(default_factory=list)
    #: The dataset's electricity snapshot of every country (``None`` for a bare table).
    grid: GridSnapshot | None = None

    def ids(self) -> list[str]:
        return [str(i) for i in self.frame.index]

    def row(self, factor_id: str) -> pd.Series:
        if factor_id not in self.frame.index:
            raise KeyError(factor_id)
        return self.frame.loc[[factor_id]].iloc[0]


@lru_cache(maxsize=4)
def _cached_reference(folder: str) -> FactorTable:
    return _through_cache(Path(folder), Path(__file__).parent / "__pycache__")


def _through_cache(root: Path, cache: Path) -> FactorTable:
    """The bundled dataset in ``root``, through a cache in the folder ``cache``.

    Checking and parsing the tables cell by cell is most of what loading them costs,
    for every command; the table read is kept beside this module's bytecode, named by
    the dataset's version and the digest of its files, of the code that reads them and
    of the versions of the libraries that hold it, so that any change reads the files
    again. It is written only where Python would write its bytecode (not with
    ``PYTHONDONTWRITEBYTECODE``), and a cache that cannot be read or written is simply
    not used.
    """
    import pickle
    import sys

    cached = cache / f"factors-{root.name}-{_reference_digest(root)}.pickle"
    try:
        table = pickle.loads(cached.read_bytes())
        if isinstance(table, FactorTable):
            return table
    except Exception:  # a cache that cannot be read: the files are read again
        pass
    table = _read_reference(root)
    if not sys.dont_write_bytecode:
        _write_cache(cached, table)
    return table


def _reference_digest(root: Path) -> str:
    """The digest of a dataset's folder and files, of the modules that read them and of
    the versions of pandas and numpy (their pickles may change between versions)."""
    import hashlib

    import numpy as np
    import pandas as pd

    from ecodigital import __version__
    from ecodigital.factors import grid

    digest = hashlib.blake2b(digest_size=12)
    # the folder too: the table names its files
    for part in (str(root.resolve()), __version__, pd.__version__, np.__version__):
        digest.update(part.encode() + b"\0")
    files = sorted(p for p in root.iterdir() if p.is_file())
    for path in (*files, Path(__file__), Path(grid.__file__)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _write_cache(cached: Path, table: FactorTable) -> None:
    import contextlib
    import os
    import pickle
    import tempfile

    with contextlib.suppress(OSError, pickle.PicklingError, TypeError):
        cached.parent.mkdir(exist_ok=True)
        for old in cached.parent.glob(cached.name.rsplit("-", 1)[0] + "-*.pickle"):
            old.unlink(missing_ok=True)  # the dataset's caches made by earlier code
        handle, name = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(table, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, cached)


def _read_reference(root: Path) -> FactorTable:
    from ecodigital.factors.grid import read_grid_snapshot
    from ecodigital.yamlio import read_yaml

    manifest_path = root / "manifest.yaml"
    manifest = read_yaml(manifest_path, "manifest").data
    frames = []
    for name in manifest["files"]:
        frames.append(_read_factor_csv(root / name, full_header=True))
    import pandas as pd

    frame = pd.concat(frames)
    duplicated = frame.index[frame.index.duplicated()]
    if len(duplicated):
        raise InputError(
            str(root),
            Msg("factors.input.id", {"id": str(duplicated[0])}),
            Msg("factors.input.in_two_files"),
            Msg("factors.input.in_two_files_fix"),
        )
    frame["origin"] = "reference"
    return FactorTable(
        frame=frame,
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        date=str(manifest["date"]),
        grid=read_grid_snapshot(root / str(manifest["grid"])),
    )


def reference_bases(version: str | None = None) -> dict[str, str]:
    """Every row id of a shipped dataset (the newest unless ``version``) and its basis.

    Read with the csv module alone (no pandas): what ``validate`` needs to
    check a dossier's factor ids. The shipped tables are checked whole by
    :func:`load_reference_factors`, which every other command reads.
    """
    import csv

    from ecodigital.yamlio import read_yaml

    root = reference_data_dir(version)
    manifest = read_yaml(root / "manifest.yaml", "manifest").data
    bases: dict[str, str] = {}
    for name in manifest["files"]:
        text = read_input_text(root / str(name), "factors")
        for row in csv.DictReader(io.StringIO(text)):
            bases[str(row["id"]).strip()] = str(row["basis"]).strip()
    return bases


def load_reference_factors(version: str | None = None) -> FactorTable:
    """A bundled dataset, the newest unless ``version`` names another one.

    Cached; callers receive their own copy of the rows (the grid snapshot is
    shared: it is never modified).
    """
    cached = _cached_reference(str(reference_data_dir(version)))
    return FactorTable(
        frame=cached.frame.copy(),
        name=cached.name,
        version=cached.version,
        date=cached.date,
        grid=cached.grid,
    )


def load_factors(user_path: str | Path | None = None, version: str | None = None) -> FactorTable:
    """A reference dataset (the newest by default), with the user's rows layered over it."""
    table = load_reference_factors(version)
    if user_path is None:
        return table
    path = Path(user_path)
    if path.is_dir():
        files = sorted(path.glob("*.csv"))
        if not files:
            raise InputError(
                str(path), None, Msg("factors.input.no_csv"), Msg("factors.input.no_csv_fix")
            )
    else:
        files = [path]
    for file in files:
        _layer(table, _read_factor_csv(file, full_header=False), str(file))
    return table


def _layer(table: FactorTable, user: pd.DataFrame, file: str) -> None:
    import pandas as pd

    frame = table.frame
    for factor_id, row in user.iterrows():
        given = {column: value for column, value in row.items() if _is_given(value)}
        if factor_id in frame.index:
            for column, value in given.items():
                reference = frame.at[factor_id, column]
                if not _same(reference, value):
                    table.overrides.append(
                        Override(
                            str(factor_id), str(column), _plain(reference), _plain(value), file
                        )
                    )
                    frame.at[factor_id, column] = value
            frame.at[factor_id, "origin"] = "user"
        else:
            missing = [c for c in ("kind", "basis", "source") if c not in given]
            if missing:
                raise InputError(
                    file,
                    Msg("factors.input.id_column", {"id": factor_id, "column": missing[0]}),
                    Msg("factors.input.new_row_needs"),
                    Msg("factors.input.new_row_needs_fix", {"columns": missing}),
                )
            if (
                not any(_is_given(given.get(impact_column("gwp", p))) for p in PHASES)
                and given["basis"] != "pue"
            ):
                raise InputError(
                    file,
                    Msg("factors.input.id", {"id": factor_id}),
                    Msg("factors.input.no_gwp"),
                    Msg("factors.input.no_gwp_fix"),
                )
            new = pd.Series(given, name=factor_id).reindex(frame.columns)
            new["origin"] = "user"
            table.frame = frame = pd.concat(
                [frame, new.to_frame().T.astype(frame.dtypes.to_dict())]
            ).rename_axis(str(frame.index.name))
    table.user_files.append(file)


def with_rows(table: FactorTable, rows: list[dict[str, Any]], file: str) -> FactorTable:
    """A copy of ``table`` with ``rows`` (``{"id": ..., column: value}``) layered over it,
    as a user's factor file would be (every changed cell recorded as an override)."""
    import pandas as pd

    copy = dataclasses.replace(
        table,
        frame=table.frame.copy(),
        overrides=list(table.overrides),
        user_files=list(table.user_files),
    )
    if rows:
        user = pd.DataFrame.from_records(rows).set_index("id")
        _layer(copy, user, file)
    return copy


def _is_given(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        return value == value  # not NaN
    return bool(value != "")


def _same(a: Any, b: Any) -> bool:
    if not _is_given(a):
        return not _is_given(b)
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return bool(a == b)


def _plain(value: Any) -> Any:
    if not _is_given(value):
        return None
    return value.item() if hasattr(value, "item") else value


#: Bounds of a factor row's numbers (``docs/limits.md``): ``(low, low included, high)``.
#: Within them the engine cannot overflow, nor divide by a zero lifetime.
MAX_IMPACT_PER_UNIT = 1e9
NUMBER_BOUNDS: dict[str, tuple[float, bool, float]] = {
    **{column: (0.0, True, MAX_IMPACT_PER_UNIT) for column in IMPACT_COLUMNS},
    "lifetime_years": (0.01, True, 50.0),
    "power_w": (0.0, True, 1e7),
    "power_w_low": (0.0, True, 1e7),
    "power_w_high": (0.0, True, 1e7),
    "drive_capacity_tb": (0.0, False, 1000.0),
    "hours_per_day": (0.0, True, 24.0),
    "days_per_year": (0.0, True, 366.0),
    "hours_per_year": (0.0, True, 8784.0),
    "pue": (1.0, True, 5.0),
    "uncertainty_low": (0.0, False, 1.0),
    "uncertainty_high": (1.0, True, 1000.0),
}


def _check_bounds(path: Path, column: str, cells: Any, numbers: Any) -> None:
    """Non-finite numbers and numbers outside :data:`NUMBER_BOUNDS`, with their cell."""
    import numpy as np

    from ecodigital.i18n import Msg

    values = np.asarray(numbers, dtype=float)
    low, inclusive, high = NUMBER_BOUNDS[column]
    with np.errstate(invalid="ignore"):
        infinite = np.isinf(values)
        outside = ~infinite & ((values < low if inclusive else values <= low) | (values > high))
    for bad, problem in ((infinite, "input.value.not_finite"), (outside, "input.factor_bound")):
        if bad.any():
            row = int(bad.nonzero()[0][0])
            words = "input.value.words.greater_than" + ("_equal" if inclusive else "")
            raise InputError(
                str(path),
                Msg("input.cell", {"row": row + 2, "column": column}),
                Msg(
                    problem,
                    {"value": cells[row], "low": low, "high": high, "words": Msg(words)},
                ),
                Msg("input.factor_bound_fix"),
            )


def _read_factor_csv(path: Path, *, full_header: bool) -> pd.DataFrame:
    """Read one factor CSV, check its header and cells, index it by id."""
    import pandas as pd

    text = read_input_text(path, "factors")
    if not text.strip():
        raise InputError(str(path), None, Msg("dossier.csv.empty"), Msg("factors.input.empty_fix"))
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            str(path),
            None,
            Msg("dossier.csv.unreadable", {"reason": str(exc)}),
            Msg("factors.input.unreadable_fix"),
        ) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    unknown = [c for c in raw.columns if c not in FACTOR_COLUMNS]
    if unknown:
        from ecodigital.yamlio import suggest

        raise InputError(
            str(path),
            Msg("input.column", {"column": unknown[0]}),
            Msg(
                "dossier.csv.unknown_column",
                {"suggestion": suggest(unknown[0], FACTOR_COLUMNS)},
            ),
            Msg("factors.input.columns_fix"),
        )
    if full_header:
        expected = [c for c in FACTOR_COLUMNS if c in raw.columns]
        missing = [c for c in FACTOR_COLUMNS if c not in raw.columns]
        if list(raw.columns) != expected or not OPTIONAL_REFERENCE_COLUMNS.issuperset(missing):
            raise InputError(
                str(path),
                None,
                Msg("factors.input.reference_header"),
                Msg("factors.input.columns_fix"),
            )
    if "id" not in raw.columns:
        raise InputError(
            str(path),
            Msg("input.column", {"column": "id"}),
            Msg("dossier.csv.missing_column"),
            Msg("dossier.csv.missing_column_fix", {"name": "id"}),
        )
    import numpy as np

    # every cell stripped, and every number parsed in one call (a table has few rows and
    # many columns: one pandas operation per column was most of the time of reading it)
    cells = {
        str(column): np.array([str(cell).strip() for cell in raw[column].tolist()], dtype=object)
        for column in raw.columns
    }
    numeric = [column for column in NUMERIC_COLUMNS if column in cells]
    rows = len(raw)
    flat = [cell if cell != "" else None for column in numeric for cell in cells[column]]
    parsed = pd.to_numeric(pd.Series(flat, dtype=object), errors="coerce")
    numbers_of = dict(
        zip(numeric, parsed.to_numpy(dtype=float).reshape(len(numeric), rows), strict=True)
    )
    for column in numeric:
        given = cells[column] != ""
        numbers = numbers_of[column]
        bad = given & np.isnan(numbers)
        if bad.any():
            row = int(bad.nonzero()[0][0])
            raise InputError(
                str(path),
                Msg("input.cell", {"row": row + 2, "column": column}),
                Msg("dossier.not_number", {"value": str(cells[column][row])}),
                Msg("factors.input.number_fix"),
            )
        with np.errstate(invalid="ignore"):
            negative = numbers < 0
        if negative.any():
            row = int(negative.nonzero()[0][0])
            raise InputError(
                str(path),
                Msg("input.cell", {"row": row + 2, "column": column}),
                Msg("factors.input.negative"),
                Msg("factors.input.negative_fix"),
            )
        _check_bounds(path, column, cells[column], numbers)
    for column, allowed in (("basis", BASES), ("kind", FACTOR_KINDS)):
        if column in cells:
            bad = (cells[column] != "") & ~np.isin(cells[column], allowed)
            if bad.any():
                row = int(bad.nonzero()[0][0])
                raise InputError(
                    str(path),
                    Msg("input.cell", {"row": row + 2, "column": column}),
                    Msg(
                        "dossier.not_allowed",
                        {"value": str(cells[column][row]), "suggestion": ""},
                    ),
                    Msg("dossier.choices_fix", {"choices": list(allowed)}),
                )
    ids = cells["id"]
    empty_id = ids == ""
    if empty_id.any():
        row = int(empty_id.nonzero()[0][0])
        raise InputError(
            str(path),
            Msg("input.cell", {"row": row + 2, "column": "id"}),
            Msg("dossier.empty"),
            Msg("factors.input.id_fix"),
        )
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        row = int(duplicated.nonzero()[0][0])
        raise InputError(
            str(path),
            Msg("input.cell", {"row": row + 2, "column": "id"}),
            Msg("dossier.csv.duplicate_id", {"value": str(ids[row])}),
            Msg("dossier.duplicate_id_fix"),
        )
    absent = np.full(rows, np.nan)
    data: dict[str, Any] = {}
    for column in FACTOR_COLUMNS[1:]:
        if column in NUMERIC_COLUMNS:
            data[column] = numbers_of.get(column, absent)
        else:
            data[column] = pd.Series(cells.get(column, absent), dtype="object")
    frame = pd.DataFrame(data)
    frame.index = pd.Index(raw["id"].str.strip(), name="id")
    result: pd.DataFrame = frame
    return result
