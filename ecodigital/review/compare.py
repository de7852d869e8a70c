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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import EcodigitalError
from ecodigital.review.flags import (
    OUTLIER_Z,
    Flag,
    Reference,
    number,
    payload_flags,
    robust_z_scores,
    tier_gwp,
)
from ecodigital.review.readers import (
    DEFAULT_LIMITS,
    ReadLimits,
    UnreadableFile,
    read_submission,
)

__all__ = [
    "SORT_KEYS",
    "ApplicationRow",
    "FinanceVerdict",
    "compare_files",
    "financing_verdict",
    "iter_rows",
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
    source: str | None = None  # "note" (the payload's results) or "computed"


NOT_AVAILABLE: Final = FinanceVerdict("not_available")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def financing_verdict(results: Mapping[str, Any], dossier: Mapping[str, Any]) -> FinanceVerdict:
    """The financing verdict of an application, from the one place it can be found.

    1. The payload's ``results["finance"]`` when the note carries it: ``ok``
       (or ``passed``) and the eligible cost from ``figures.total_eligible_cost_eur``
       (or ``eligible_cost_eur``).
    2. Otherwise, when :mod:`ecodigital.finance` is installed and the dossier
       has a ``budget``, the check is run now on the embedded dossier with the
       default rules.
    3. Otherwise ``not_available``.
    """
    finance = results.get("finance")
    if isinstance(finance, Mapping):
        ok = finance.get("ok", finance.get("passed"))
        figures = _mapping(finance.get("figures"))
        eligible = _decimal(
            figures.get("total_eligible_cost_eur", finance.get("eligible_cost_eur"))
        )
        if isinstance(ok, bool):
            return FinanceVerdict("ok" if ok else "fail", eligible, "note")
    if not isinstance(dossier.get("budget"), Mapping):
        return NOT_AVAILABLE
    try:
        from ecodigital.finance.run import check_loaded
        from ecodigital.review.verify import loaded_from_payload

        report = check_loaded(loaded_from_payload(dossier, Path("dossier")))
        if report is None:
            return NOT_AVAILABLE
        return FinanceVerdict(
            "ok" if report.passed else "fail",
            _decimal(report.figures.total_eligible_cost_eur),
            "computed",
        )
    except (ImportError, AttributeError, TypeError, ValueError, EcodigitalError):
        return NOT_AVAILABLE


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
    finance_verdict: str = "not_available"
    factors_dataset_version: str | None = None
    digest_ok: bool | None = None
    intensity_z: float | None = None
    flags: list[Flag] = field(default_factory=list)
    error: str | None = None

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
    "rgesn_score", "finance_verdict", "factors_dataset_version", "digest_ok", "intensity_z",
    "flags", "error",
)  # fmt: skip

SORT_KEYS: Final = tuple(c for c in COLUMNS if c not in ("flags",))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _gwp_range(results: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """(P5, P95) of the total gwp over the horizon, when the note carries its Monte Carlo
    ranges (``results.uncertainty.totals.gwp``, written unless ``--deterministic``)."""
    uncertainty = _mapping(results.get("uncertainty"))
    gwp = _mapping(_mapping(uncertainty.get("totals")).get("gwp"))
    low, high = number(gwp.get("p5")), number(gwp.get("p95"))
    if low is None or high is None or low > high:
        return None, None
    return low, high


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def _rgesn_score(dossier: Mapping[str, Any]) -> float | None:
    answers = _mapping(_mapping(dossier.get("rgesn")).get("answers"))
    if not answers:
        return None
    from ecodigital.rgesn.score import score_answers

    return score_answers(answers).score


def row_from_payload(
    file: str, kind: str, payload: Mapping[str, Any], reference: Reference
) -> ApplicationRow:
    """The comparison row of one payload, with its per-note flags."""
    results = _mapping(payload.get("results"))
    dossier = _mapping(payload.get("dossier"))
    project = _mapping(dossier.get("project"))
    beneficiary = _mapping(project.get("beneficiary"))
    totals = _mapping(results.get("totals"))
    gwp = number(_mapping(totals.get("gwp")).get("value"))
    per_user = _mapping(_mapping(results.get("per_functional_unit")).get("per_user_year"))
    tiers = tier_gwp(results)
    tier_total = sum(tiers.values()) or None
    phases = {
        str(_mapping(r).get("phase")): number(_mapping(r).get("value"))
        for r in _list(results.get("by_phase"))
        if _mapping(r).get("criterion") == "gwp"
    }
    known_phases = sum(v for v in phases.values() if v is not None) or None
    embodied = known_phases - (phases.get("use") or 0.0) if known_phases is not None else None
    quality = _mapping(_mapping(results.get("quality_shares")).get("gwp"))
    raw_users = project.get("users_per_year")
    users = [number(u) for u in raw_users] if isinstance(raw_users, list) else []
    verdict = financing_verdict(results, dossier)
    row = ApplicationRow(
        file=clean_text(file, 400) or "?",
        kind=kind,
        applicant=clean_text(beneficiary.get("name")),
        project=clean_text(project.get("name")),
        beneficiary_type=clean_text(beneficiary.get("type"), 40),
        horizon_years=int(h) if (h := number(project.get("horizon_years"))) is not None else None,
        user_years=sum(u for u in users if u is not None) if users else None,
        gwp_kgco2e=gwp,
        gwp_per_user_year_kgco2e=number(_mapping(per_user.get("gwp")).get("value")),
        eligible_cost_eur=verdict.eligible_cost_eur,
        embodied_share=_share(embodied, known_phases),
        terminals_share=_share(tiers.get("terminals"), tier_total),
        datacenter_share=_share(tiers.get("datacenter"), tier_total),
        network_share=_share(tiers.get("network"), tier_total),
        measured_share=sum(
            number(quality.get(q)) or 0.0 for q in ("measured", "estimated-by-codecarbon")
        )
        if quality
        else None,
        modelled_share=number(quality.get("modelled")) or (0.0 if quality else None),
        declared_share=number(quality.get("declared")) or (0.0 if quality else None),
        rgesn_score=_rgesn_score(dossier),
        finance_verdict=verdict.status,
        factors_dataset_version=clean_text(
            _mapping(payload.get("factors_dataset")).get("version"), 40
        ),
    )
    row.gwp_low_kgco2e, row.gwp_high_kgco2e = _gwp_range(results)
    if gwp is not None and verdict.eligible_cost_eur:
        row.gwp_per_keur_kgco2e = gwp / (float(verdict.eligible_cost_eur) / 1000)
    from_dossier = kind == "dossier"
    row.flags = payload_flags(payload, reference, check_digest=not from_dossier)
    row.digest_ok = None if from_dossier else "DIGEST_MISMATCH" not in row.flag_codes
    return row


def iter_rows(
    paths: Iterable[Path],
    *,
    reference: Reference | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    strict: bool = False,
) -> Iterator[ApplicationRow]:
    """One row per file, read one at a time; an unreadable file gives a row with ``error``.

    With ``strict``, the first unreadable file's error is raised instead.
    """
    reference = reference or Reference.bundled()
    for path in paths:
        try:
            submission = read_submission(path, limits)
            yield row_from_payload(str(path), submission.kind, submission.payload, reference)
        except EcodigitalError as exc:
            if strict:
                raise
            yield ApplicationRow(file=clean_text(str(path), 400) or "?", error=exc.message())
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
                str(path), None, f"the payload holds unexpected values ({type(exc).__name__})"
            )
            if strict:
                raise error from None
            yield ApplicationRow(file=clean_text(str(path), 400) or "?", error=error.message())


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
    progress: Callable[[Iterator[ApplicationRow]], Iterable[ApplicationRow]] | None = None,
) -> list[ApplicationRow]:
    """The comparison rows of ``paths``, with batch flags, sorted by ``sort``."""
    rows_iter = iter_rows(paths, limits=limits, strict=strict)
    rows = list(progress(rows_iter) if progress is not None else rows_iter)
    add_outlier_flags(rows)
    return sort_rows(rows, sort)
