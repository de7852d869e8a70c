"""Verify a note: its digest, and its results recomputed from the dossier it embeds.

The digest shows whether the payload was changed after the note was written;
it is not a signature (anyone can recompute it). The recomputation is the real
check: the embedded dossier is assessed again with the bundled reference
factors, and every total, tier and phase figure is compared with the note's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import catalogue
from ecodigital.review.flags import number
from ecodigital.review.readers import DEFAULT_LIMITS, ReadLimits, read_note_payload

if TYPE_CHECKING:
    from ecodigital.dossier.load import LoadedDossier
    from ecodigital.factors.database import FactorTable

__all__ = [
    "RELATIVE_TOLERANCE",
    "Difference",
    "VerifyReport",
    "compare_results",
    "loaded_from_payload",
    "verify_lines",
    "verify_note",
]

#: Largest relative difference between a note's figure and the recomputed one.
RELATIVE_TOLERANCE: Final = 1e-6


@dataclass(frozen=True)
class Difference:
    """One figure of the note that the recomputation does not give."""

    figure: str  # e.g. "totals.gwp", "by_tier.network.gwp", "by_phase.use.pe"
    note: float | None
    recomputed: float | None

    @property
    def relative(self) -> float | None:
        if self.note is None or self.recomputed is None:
            return None
        scale = max(abs(self.note), abs(self.recomputed))
        return abs(self.note - self.recomputed) / scale if scale else 0.0


@dataclass
class VerifyReport:
    """What ``ecodigital verify`` found."""

    path: str
    kind: str
    digest_ok: bool
    dataset_declared: str
    dataset_used: str
    dataset_shipped: bool
    differences: list[Difference] = field(default_factory=list)
    declared_overrides: int = 0
    overrides_explain: bool | None = None
    figures_checked: int = 0

    @property
    def holds(self) -> bool:
        return self.digest_ok and not self.differences


def loaded_from_payload(dossier: Mapping[str, Any], where: Path) -> LoadedDossier:
    """The embedded dossier validated again (a CSV inventory comes back inline)."""
    from ecodigital.dossier.load import parse_dossier_text

    data = dict(dossier)
    if "inventory_source" in data:
        data.pop("inventory_source")
        items = []
        for record in data.get("inventory") or []:
            if not isinstance(record, Mapping):
                continue
            item = {k: v for k, v in record.items() if v is not None}
            first, last = item.pop("first_year", None), item.pop("last_year", None)
            if first is not None or last is not None:
                item["years"] = [int(first or 1), int(last or 10**6)]
            items.append(item)
        data["inventory"] = items
    # JSON is YAML: the dossier goes through the very loader and checks of a file.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return parse_dossier_text(text, where)


def _figures(results: Mapping[str, Any]) -> dict[str, float | None]:
    """The figures compared: totals, by tier and by phase, every criterion."""
    figures: dict[str, float | None] = {}
    totals = results.get("totals")
    if isinstance(totals, Mapping):
        for criterion, figure in totals.items():
            if isinstance(figure, Mapping):
                figures[f"totals.{criterion}"] = number(figure.get("value"))
    for group, key in (("by_tier", "tier"), ("by_phase", "phase")):
        records = results.get(group)
        for record in records if isinstance(records, list) else []:
            if isinstance(record, Mapping):
                name = f"{group}.{record.get(key)}.{record.get('criterion')}"
                figures[name] = number(record.get("value"))
    return figures


def compare_results(
    note: Mapping[str, Any], recomputed: Mapping[str, Any], tolerance: float = RELATIVE_TOLERANCE
) -> tuple[list[Difference], int]:
    """Every figure that differs beyond ``tolerance`` (relative), and how many were compared."""
    mine, theirs = _figures(note), _figures(recomputed)
    differences = []
    for name in sorted(set(mine) | set(theirs)):
        a, b = mine.get(name), theirs.get(name)
        if a is None and b is None:
            continue
        if a is None or b is None or not math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-12):
            differences.append(Difference(name, a, b))
    return differences, len(set(mine) | set(theirs))


def _recompute(loaded: LoadedDossier, factors: FactorTable) -> dict[str, Any]:
    from ecodigital.assessment import assess_loaded
    from ecodigital.report.data import assessment_data

    return assessment_data(assess_loaded(loaded, factors), include_rows=False)


def _with_overrides(factors: FactorTable, overrides: Any) -> int:
    """Apply a note's declared overrides to ``factors``; how many applied."""
    count = 0
    frame = factors.frame
    for override in overrides if isinstance(overrides, list) else []:
        if not isinstance(override, Mapping):
            continue
        factor_id, column = override.get("factor_id"), override.get("column")
        value = number(override.get("value"))
        if factor_id in frame.index and column in frame.columns and value is not None:
            frame.at[factor_id, column] = value
            frame.at[factor_id, "origin"] = "user"
            count += 1
    return count


def verify_note(
    path: str | Path,
    *,
    dataset_version: str | None = None,
    tolerance: float = RELATIVE_TOLERANCE,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> VerifyReport:
    """Check a note's digest and recompute its results from its embedded dossier."""
    from ecodigital.factors.database import load_reference_factors, reference_versions
    from ecodigital.review.flags import digest_mismatch

    path = Path(path)
    kind, payload = read_note_payload(path, limits)
    declared = payload["factors_dataset"]
    declared_version = str(declared.get("version"))[:40]
    versions = reference_versions()
    if dataset_version is not None and dataset_version not in versions:
        raise InputError(
            "--factors-dataset",
            None,
            f"version {dataset_version!r} is not shipped with this ecodigital "
            f"(it ships {', '.join(versions)})",
            f"use --factors-dataset {versions[-1]} or leave it out",
        )
    # recompute with the dataset the note names when this ecodigital still ships it
    chosen = dataset_version or (declared_version if declared_version in versions else None)
    reference = load_reference_factors(chosen)
    shipped = declared.get("name") == reference.name and declared_version == reference.version
    where = Path(f"{path} (embedded dossier)")
    loaded = loaded_from_payload(payload["dossier"], where)
    results = payload["results"]
    differences, checked = compare_results(results, _recompute(loaded, reference), tolerance)
    report = VerifyReport(
        path=str(path),
        kind=kind,
        digest_ok=digest_mismatch(payload) is None,
        dataset_declared=f"{str(declared.get('name'))[:80]} {declared_version}",
        dataset_used=f"{reference.name} {reference.version}",
        dataset_shipped=shipped,
        differences=differences,
        figures_checked=checked,
    )
    dataset = results.get("factors_dataset")
    overrides = dataset.get("overrides") if isinstance(dataset, Mapping) else None
    if differences and overrides:
        bent = load_reference_factors(reference.version)
        report.declared_overrides = _with_overrides(bent, overrides)
        again, _ = compare_results(results, _recompute(loaded, bent), tolerance)
        report.overrides_explain = not again
    return report


def _value(value: float | None) -> str:
    return "—" if value is None else f"{value:.6g}"


def verify_lines(
    report: VerifyReport, lang: str = "fr", tolerance: float = RELATIVE_TOLERANCE
) -> list[str]:
    """What ``ecodigital verify`` prints, one line each."""
    from ecodigital.review.compare import clean_text

    t = catalogue(lang).section("verify")
    lines = [t["digest_ok"] if report.digest_ok else t["digest_bad"]]
    lines.append(
        t["dataset"].format(declared=clean_text(report.dataset_declared), used=report.dataset_used)
    )
    if not report.dataset_shipped:
        lines.append(t["not_shipped"])
    if report.differences:
        lines.append(
            t["differ"].format(
                n=len(report.differences), count=report.figures_checked, tol=tolerance
            )
        )
        for d in report.differences:
            relative = f" ({d.relative:.2e})" if d.relative is not None else ""
            row = t["row"].format(
                figure=clean_text(d.figure),
                note=_value(d.note),
                recomputed=_value(d.recomputed),
                relative=relative,
            )
            lines.append(row)
        if report.overrides_explain is True:
            lines.append(t["explained"].format(n=report.declared_overrides))
        elif report.overrides_explain is False:
            lines.append(t["unexplained"].format(n=report.declared_overrides))
    else:
        lines.append(t["same"].format(count=report.figures_checked, tol=tolerance))
    lines.append(
        (t["holds"] if report.holds else t["fails"]).format(path=clean_text(report.path, 400))
    )
    return lines
