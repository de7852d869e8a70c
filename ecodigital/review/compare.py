"""Compare applications: one row per submitted note or dossier, on the same basis.

Files are read one at a time and only their row is kept, so memory stays
bounded whatever the batch. Every text taken from a file is untrusted: it is
cut to a length, stripped of control characters (no terminal escape codes)
and rendered escaped by :mod:`ecodigital.review.report`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import EcodigitalError, UnreadableFile
from ecodigital.i18n import Msg
from ecodigital.review.flags import (
    OUTLIER_Z,
    Flag,
    Reference,
    payload_flags,
    robust_z_scores,
    tier_gwp,
)
from ecodigital.review.readers import DEFAULT_LIMITS, ReadLimits, read_submission

if TYPE_CHECKING:
    from ecodigital.assessment.results import Results

__all__ = [
    "MAX_AUTO_JOBS",
    "MIN_PARALLEL_FILES",
    "SORT_KEYS",
    "ApplicationRow",
    "FinanceVerdict",
    "automatic_jobs",
    "available_cpus",
    "compare_files",
    "financing_verdict",
    "iter_rows",
    "read_row",
    "row_from_payload",
    "sort_rows",
]

MAX_TEXT: Final = 200
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """Untrusted text made printable: control and bidi characters replaced, length cut."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _CONTROL.sub("\ufffd", value.replace("\t", " ").replace("\n", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FinanceVerdict:
    """The financing check's verdict: ``ok``, ``fail`` or ``not_available``."""

    status: str
    eligible_cost_eur: Decimal | None = None
    source: str | None = None  # "results": the check the note or the dossier's assessment carries


NOT_AVAILABLE: Final = FinanceVerdict("not_available")


def financing_verdict(results: Results) -> FinanceVerdict:
    """The financing verdict of an application, as its results carry it.

    A note made with a budget carries the financing check
    (``results.finance``): ``ok`` or ``fail`` and the total eligible cost. A
    submitted dossier is assessed with its check. Otherwise ``not_available``.
    """
    finance = results.finance
    if finance is None:
        return NOT_AVAILABLE
    eligible = finance.report.figures.total_eligible_cost_eur
    return FinanceVerdict("ok" if finance.passed else "fail", eligible, "results")


@dataclass
class ApplicationRow:
    """One application of the comparison (plain data; None where unknown)."""

    file: str
    kind: str | None = None
    applicant: str | None = None
    project: str | None = None
    beneficiary_type: str | None = None
    horizon_years: int | None = None
    user_years: float | None = None
    gwp_kgco2e: float | None = None
    gwp_low_kgco2e: float | None = None
    gwp_high_kgco2e: float | None = None
    gwp_per_user_year_kgco2e: float | None = None
    gwp_per_keur_kgco2e: float | None = None
    eligible_cost_eur: Decimal | None = None
    embodied_share: float | None = None
    terminals_share: float | None = None
    datacenter_share: float | None = None
    network_share: float | None = None
    measured_share: float | None = None
    modelled_share: float | None = None
    declared_share: float | None = None
    rgesn_score: float | None = None
    #: Share of the applicable RGESN criteria answered (the score rests on them).
    rgesn_coverage: float | None = None
    finance_verdict: str = "not_available"
    factors_dataset_version: str | None = None
    digest_ok: bool | None = None
    intensity_z: float | None = None
    flags: list[Flag] = field(default_factory=list)
    error: str | None = None
    #: SHA-256 of the canonical embedded dossier (sorted keys, compact JSON): finds duplicates.
    dossier_sha256: str | None = None

    @property
    def flag_codes(self) -> list[str]:
        return [flag.code for flag in self.flags]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data (amounts in EUR as text, flags as their dicts)."""
        data = {key: getattr(self, key) for key in COLUMNS}
        data["eligible_cost_eur"] = (
            None if self.eligible_cost_eur is None else str(self.eligible_cost_eur)
        )
        data["flags"] = [flag.as_dict() for flag in self.flags]
        return data


#: Columns of the comparison, in order (units in the names).
COLUMNS: Final = (
    "file", "kind", "applicant", "project", "beneficiary_type", "horizon_years", "user_years",
    "gwp_kgco2e", "gwp_low_kgco2e", "gwp_high_kgco2e", "gwp_per_user_year_kgco2e",
    "gwp_per_keur_kgco2e", "eligible_cost_eur", "embodied_share", "terminals_share",
    "datacenter_share", "network_share", "measured_share", "modelled_share", "declared_share",
    "rgesn_score", "rgesn_coverage", "finance_verdict", "factors_dataset_version", "digest_ok",
    "intensity_z", "flags", "error",
)  # fmt: skip

SORT_KEYS: Final = tuple(c for c in COLUMNS if c not in ("flags",))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def read_results(payload: Mapping[str, Any], file: str) -> Results:
    """The typed results of a payload; an unreadable file when they are not valid."""
    from ecodigital.assessment.results import READABLE_RESULTS_FORMATS, RESULTS_FORMAT, Results

    results = payload.get("results")
    if not isinstance(results, Mapping):
        raise UnreadableFile(file, "results", Msg("review.read.no_results"))
    if results.get("format") not in READABLE_RESULTS_FORMATS:
        raise UnreadableFile(
            file,
            "results.format",
            Msg(
                "review.read.results_format",
                {"found": clean_text(results.get("format"), 60), "format": RESULTS_FORMAT},
            ),
            Msg("review.read.results_format_fix"),
        )
    try:
        return Results.from_json(results)
    except ValueError as exc:
        raise UnreadableFile(
            file,
            "results",
            Msg("review.read.results_invalid", {"reason": clean_text(str(exc), 200)}),
        ) from None


def row_from_payload(
    file: str, kind: str, payload: Mapping[str, Any], reference: Reference
) -> ApplicationRow:
    """The comparison row of one payload, with its per-note flags."""
    results = read_results(payload, file)
    project = results.project
    gwp = results.totals["gwp"]
    tiers = tier_gwp(results.by_tier)
    tier_total = sum(tiers.values()) or None
    quality = gwp.quality
    sci = results.sci
    verdict = financing_verdict(results)
    row = ApplicationRow(
        file=clean_text(file, 400) or "?",
        kind=kind,
        applicant=clean_text(project.beneficiary.name),
        project=clean_text(project.name),
        beneficiary_type=clean_text(project.beneficiary.type, 40),
        horizon_years=project.horizon_years,
        user_years=results.user_years,
        gwp_kgco2e=gwp.value,
        gwp_per_user_year_kgco2e=results.per_user_year["gwp"].value,
        eligible_cost_eur=verdict.eligible_cost_eur,
        embodied_share=_share(sci.embodied.value, gwp.value),
        terminals_share=_share(tiers.get("terminals"), tier_total),
        datacenter_share=_share(tiers.get("datacenter"), tier_total),
        network_share=_share(tiers.get("network"), tier_total),
        measured_share=sum(quality.get(q, 0.0) for q in ("measured", "estimated-by-codecarbon"))
        if quality
        else None,
        modelled_share=quality.get("modelled", 0.0) if quality else None,
        declared_share=quality.get("declared", 0.0) if quality else None,
        rgesn_score=results.rgesn.score if results.rgesn is not None else None,
        rgesn_coverage=results.rgesn.coverage if results.rgesn is not None else None,
        finance_verdict=verdict.status,
        factors_dataset_version=clean_text(results.factors_dataset.version, 40),
    )
    if gwp.range is not None:
        row.gwp_low_kgco2e, row.gwp_high_kgco2e = gwp.range.p5, gwp.range.p95
    if gwp.value is not None and verdict.eligible_cost_eur:
        row.gwp_per_keur_kgco2e = gwp.value / (float(verdict.eligible_cost_eur) / 1000)
    from_dossier = kind == "dossier"
    row.flags = payload_flags(payload, results, reference, check_digest=not from_dossier)
    row.digest_ok = None if from_dossier else "DIGEST_MISMATCH" not in row.flag_codes
    return row


def dossier_digest(payload: Mapping[str, Any]) -> str | None:
    """SHA-256 of the payload's dossier as canonical JSON, or None when it has none.

    The same dossier submitted twice, or under two file names, gives the same digest.
    """
    import hashlib
    import json

    dossier = payload.get("dossier")
    if not isinstance(dossier, Mapping):
        return None
    text = json.dumps(dossier, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_duplicate_flags(rows: Sequence[ApplicationRow]) -> None:
    """Flag ``DUPLICATE`` on every row whose dossier is also another row's, naming the others."""
    by_digest: dict[str, list[ApplicationRow]] = {}
    for row in rows:
        if row.dossier_sha256 is not None:
            by_digest.setdefault(row.dossier_sha256, []).append(row)
    for same in by_digest.values():
        if len(same) < 2:
            continue
        for row in same:
            others = tuple(other.file for other in same if other is not row)
            row.flags.append(Flag("DUPLICATE", others, {"same_dossier_as": list(others)}))


#: Most processes an automatic ``jobs`` starts (never more than the CPUs this process may use).
MAX_AUTO_JOBS: Final = 4
#: Fewest files for an automatic ``jobs`` to start processes (starting them costs more below).
MIN_PARALLEL_FILES: Final = 32
#: Files handed to a process at a time.
CHUNK_FILES: Final = 8


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system says, else all)."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def automatic_jobs(files: int) -> int:
    """How many processes read ``files`` files: one for a small batch, else up to
    :data:`MAX_AUTO_JOBS`, never more than the CPUs available."""
    if files < MIN_PARALLEL_FILES:
        return 1
    return max(1, min(MAX_AUTO_JOBS, available_cpus()))


def read_row(
    path: Path,
    reference: Reference,
    limits: ReadLimits = DEFAULT_LIMITS,
    strict: bool = False,
    lang: str = "fr",
) -> ApplicationRow:
    """The row of one file; an unreadable file gives a row with ``error`` worded in ``lang``
    (raised if ``strict``)."""
    try:
        submission = read_submission(path, limits)
        row = row_from_payload(str(path), submission.kind, submission.payload, reference)
        row.dossier_sha256 = dossier_digest(submission.payload)
        return row
    except EcodigitalError as exc:
        if strict:
            raise
        return ApplicationRow(file=clean_text(str(path), 400) or "?", error=exc.message(lang))
    except (
        TypeError,
        ValueError,
        KeyError,
        AttributeError,
        OverflowError,
        RecursionError,
    ) as exc:
        # A payload that parses but holds values of unexpected types.
        error = UnreadableFile(
            str(path),
            None,
            Msg("review.read.unexpected_values", {"kind": type(exc).__name__}),
            Msg("review.read.as_produced_fix"),
        )
        if strict:
            raise error from None
        return ApplicationRow(file=clean_text(str(path), 400) or "?", error=error.message(lang))


#: What each worker process reads with, set once when it starts (see :func:`_start_worker`).
_WORKER: dict[str, Any] = {}


def _start_worker(reference: Reference, limits: ReadLimits, lang: str) -> None:
    _WORKER.update(reference=reference, limits=limits, lang=lang)


def _worker_row(path: Path) -> ApplicationRow:
    return read_row(path, _WORKER["reference"], _WORKER["limits"], lang=_WORKER["lang"])


def iter_rows(
    paths: Iterable[Path],
    *,
    reference: Reference | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    strict: bool = False,
    jobs: int = 1,
    lang: str = "fr",
) -> Iterator[ApplicationRow]:
    """One row per file, in the order of ``paths``; an unreadable file gives a row with ``error``.

    With ``strict``, the first unreadable file's error is raised instead; errors are worded
    in ``lang``. With
    ``jobs`` above 1, files are read by that many processes, each row being the
    same pure function of its file as in one process; rows still come in the
    order of ``paths`` (a strict batch's first unreadable file is read again
    here, to raise its error).
    """
    reference = reference or Reference.bundled()
    if jobs <= 1:
        for path in paths:
            yield read_row(path, reference, limits, strict, lang)
        return
    import multiprocessing

    files = list(paths)
    context = multiprocessing.get_context()
    with context.Pool(jobs, initializer=_start_worker, initargs=(reference, limits, lang)) as pool:
        for path, row in zip(files, pool.imap(_worker_row, files, CHUNK_FILES), strict=True):
            if strict and row.error is not None:
                read_row(path, reference, limits, strict=True, lang=lang)
            yield row


def add_outlier_flags(rows: Sequence[ApplicationRow]) -> None:
    """Flag the per-user intensities far from the batch (robust z-score on the log)."""
    scores = robust_z_scores([row.gwp_per_user_year_kgco2e for row in rows])
    for row, z in zip(rows, scores, strict=True):
        row.intensity_z = z
        if z is not None and abs(z) > OUTLIER_Z:
            detail = f"z = {z:+.1f}"
            row.flags.append(Flag("INTENSITY_OUTLIER", details=(detail,), params={"z": z}))


def sort_rows(rows: list[ApplicationRow], key: str | None) -> list[ApplicationRow]:
    """Rows sorted by a column (``-column`` for descending); unknown values last."""
    if not key:
        return rows
    descending = key.startswith("-")
    column = key.lstrip("-")

    def value(row: ApplicationRow) -> tuple[int, Any]:
        item = getattr(row, column)
        if item is None:
            return (1, 0)
        if isinstance(item, str):
            return (0, item.casefold())
        return (0, item)

    known = [r for r in rows if getattr(r, column) is not None]
    unknown = [r for r in rows if getattr(r, column) is None]
    return sorted(known, key=value, reverse=descending) + unknown


def compare_files(
    paths: Sequence[Path],
    *,
    sort: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    strict: bool = False,
    jobs: int | None = None,
    progress: Callable[[Iterator[ApplicationRow]], Iterable[ApplicationRow]] | None = None,
    lang: str = "fr",
) -> list[ApplicationRow]:
    """The comparison rows of ``paths``, with batch flags, sorted by ``sort``; the errors of
    unreadable files are worded in ``lang``.

    ``jobs`` processes read the files (``None``: :func:`automatic_jobs`); the
    rows are the same whatever their number.
    """
    import gc

    workers = automatic_jobs(len(paths)) if jobs is None else max(1, jobs)
    # Each payload is tens of thousands of short-lived objects: the collector's full passes
    # over every module already loaded cost a tenth of the time. Frozen, they are skipped
    # (objects made during the batch are collected as usual); a caller's freeze is kept.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        rows_iter = iter_rows(paths, limits=limits, strict=strict, jobs=workers, lang=lang)
        rows = list(progress(rows_iter) if progress is not None else rows_iter)
    finally:
        if freeze:
            gc.unfreeze()
    add_outlier_flags(rows)
    add_duplicate_flags(rows)
    return sort_rows(rows, sort)
