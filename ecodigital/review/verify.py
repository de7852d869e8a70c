"""Verify a note: its digest, and every figure of its results recomputed from its dossier.

The digest shows whether the payload was changed after the note was written;
it is not a signature (anyone can recompute it). The recomputation is the real
check: the embedded dossier is assessed again through the one pipeline, with
the factor dataset the note declares, the factor values it declares changed,
and the Monte Carlo draws and seed it declares, and every field of the
results is compared with the note's — totals, breakdowns, items, ranges,
drivers, scenarios, the financing check and the RGESN score.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg, catalogue
from ecodigital.review.readers import (
    DEFAULT_LIMITS,
    ReadLimits,
    embedded_where,
    read_note_payload,
    refuse_named_files,
)
from ecodigital.review.visible import VISIBLE_FORMATS, Mismatch, visible_mismatches

if TYPE_CHECKING:
    from ecodigital.assessment.results import Results
    from ecodigital.dossier.load import LoadedDossier
    from ecodigital.review.signature import SignatureCheck

__all__ = [
    "RELATIVE_TOLERANCE",
    "Difference",
    "VerifyReport",
    "compare_json",
    "difference_lines",
    "loaded_from_payload",
    "verify_lines",
    "verify_note",
    "verify_note_payload",
    "visible_lines",
]

#: Largest relative difference between a note's number and the recomputed one. The
#: same inputs and draws give the same floats; the tolerance only absorbs the last bit.
RELATIVE_TOLERANCE: Final = 1e-9
#: Members of the results that describe the run rather than state a figure.
_NOT_COMPARED: Final = frozenset({"tool"})


@dataclass(frozen=True)
class Difference:
    """One field of the note's results that the recomputation does not give."""

    figure: str
    note: Any
    recomputed: Any

    @property
    def relative(self) -> float | None:
        if not (_is_number(self.note) and _is_number(self.recomputed)):
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
    #: Storage rows the note names as earlier versions did (``storage-ssd-tb-year`` for
    #: ``storage-ssd``): the same pricing, an older label.
    legacy_names: list[str] = field(default_factory=list)
    figures_checked: int = 0
    skipped: list[str] = field(default_factory=list)
    #: Figures the reader sees that the recomputed results do not give (HTML, Markdown,
    #: ODT, PDF).
    visible: list[Mismatch] = field(default_factory=list)
    visible_checked: int = 0
    #: The factor values the applicant declared: (factor, column, value, reference, source).
    overrides: list[tuple[str, str, Any, Any, str]] = field(default_factory=list)
    #: The applicant's signature, when it was looked for (:mod:`ecodigital.review.signature`).
    signature: SignatureCheck | None = None

    @property
    def holds(self) -> bool:
        signed_ok = self.signature is None or self.signature.ok
        return self.digest_ok and not self.differences and not self.visible and signed_ok

    @property
    def verdict(self) -> str:
        """``holds``, ``holds_own_factors`` (declared overrides) or ``fails``."""
        if not self.holds:
            return "fails"
        return "holds_own_factors" if self.declared_overrides else "holds"

    def to_json(self) -> dict[str, Any]:
        """The verdict and every check, for ``--format json``."""
        return {
            "file": self.path,
            "kind": self.kind,
            "document": "note",
            "verdict": self.verdict,
            "digest_ok": self.digest_ok,
            "dataset": {
                "declared": self.dataset_declared,
                "used": self.dataset_used,
                "shipped": self.dataset_shipped,
            },
            "overrides": [
                {"factor": f, "column": c, "value": v, "reference": r, "source": src}
                for f, c, v, r, src in self.overrides
            ],
            "recomputed": {
                "checked": self.figures_checked,
                "tolerance": RELATIVE_TOLERANCE,
                "differences": [
                    {
                        "field": d.figure,
                        "note": _jsonable(d.note),
                        "recomputed": _jsonable(d.recomputed),
                    }
                    for d in self.differences
                ],
                "skipped_rules": self.skipped,
                "legacy_storage_names": self.legacy_names,
            },
            "visible": {
                "checked": self.visible_checked,
                "mismatches": [
                    {
                        "location": m.location,
                        "page": m.page,
                        "part": m.part,
                        "shown": m.shown,
                        "expected": m.expected,
                    }
                    for m in self.visible
                ],
            },
            "signature": self.signature.to_json() if self.signature is not None else None,
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value if not (isinstance(value, float) and not math.isfinite(value)) else str(value)
    return str(value)[:200]


def loaded_from_payload(dossier: Mapping[str, Any], where: Path) -> LoadedDossier:
    """The embedded dossier validated again (a CSV inventory comes back inline).

    The dossier keeps the embedded one as its standalone form, so that a note
    written from it embeds the very dossier it was read from.
    """
    import dataclasses
    import json

    from ecodigital.dossier.load import parse_dossier_text

    data = dict(dossier)
    refuse_named_files(data, str(where))
    if "inventory_source" in data:
        data.pop("inventory_source")
        items = []
        for record in data.get("inventory") or []:
            if not isinstance(record, Mapping):
                continue
            item = {k: v for k, v in record.items() if v is not None}
            if "quantity_per_user" in item:
                # a CSV refuses both: earlier notes wrote the table's filler quantity 1 beside it
                item.pop("quantity", None)
            first, last = item.pop("first_year", None), item.pop("last_year", None)
            if first is not None or last is not None:
                item["years"] = [int(first or 1), int(last or 10**6)]
            items.append(item)
        data["inventory"] = items
    # JSON is YAML: the dossier goes through the very loader and checks of a file.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return dataclasses.replace(parse_dossier_text(text, where), embedded=dict(dossier))


def _with_legacy_storage_names(recomputed: Results, note: Results) -> tuple[Results, list[str]]:
    """The recomputed results with the storage rows named as the note names them, where
    it names them as earlier versions did, and those names.

    Earlier versions named a storage item's row ``storage-<media>-tb-year`` (dataset
    2026.1's) even where the dataset priced it with its per-drive row ``storage-<media>``:
    the figures are the same, only the label differs. Any other name that differs stays
    a difference.
    """
    import dataclasses

    ours, theirs = recomputed.items.factors, note.items.factors
    if len(ours) != len(theirs):
        return recomputed, []
    names = list(ours)
    legacy = []
    for i, (mine, written) in enumerate(zip(ours, theirs, strict=True)):
        if mine != written and mine.startswith("storage-") and written == f"{mine}-tb-year":
            names[i] = written
            legacy.append(written)
    if not legacy:
        return recomputed, []
    items = dataclasses.replace(recomputed.items, factors=tuple(names))
    return dataclasses.replace(recomputed, items=items), legacy


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _walk(note: Any, recomputed: Any, path: str) -> Iterator[tuple[str, Any, Any, bool]]:
    """``(path, note value, recomputed value, same)`` for every leaf of either tree."""
    if isinstance(note, Mapping) and isinstance(recomputed, Mapping):
        for key in sorted(set(note) | set(recomputed), key=str):
            child = f"{path}.{key}" if path else str(key)
            if key not in note or key not in recomputed:
                yield child, note.get(key), recomputed.get(key), False
            else:
                yield from _walk(note[key], recomputed[key], child)
    elif isinstance(note, list) and isinstance(recomputed, list):
        if len(note) != len(recomputed):
            yield f"{path}.length", len(note), len(recomputed), False
        for i, (a, b) in enumerate(zip(note, recomputed, strict=False)):
            yield from _walk(a, b, f"{path}[{i}]")
    elif _is_number(note) and _is_number(recomputed):
        same = math.isclose(note, recomputed, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-300)
        yield path, note, recomputed, same
    else:
        yield path, note, recomputed, note == recomputed


def compare_json(
    note: Mapping[str, Any], recomputed: Mapping[str, Any]
) -> tuple[list[Difference], int]:
    """Every field of the note's results that differs from the recomputed results, and how
    many fields were compared. Item columns are named by item id."""
    differences: list[Difference] = []
    checked = 0
    ids = _item_ids(note)
    for key in sorted(set(note) | set(recomputed)):
        if key in _NOT_COMPARED:
            continue
        for path, a, b, same in _walk(note.get(key), recomputed.get(key), key):
            checked += 1
            if not same:
                differences.append(Difference(_item_path(path, ids), a, b))
    return differences, checked


def _item_ids(results: Mapping[str, Any]) -> list[str]:
    items = results.get("items")
    ids = items.get("ids") if isinstance(items, Mapping) else None
    return [str(i) for i in ids] if isinstance(ids, list) else []


def _item_path(path: str, ids: list[str]) -> str:
    """``items.columns.gwp.values[3]`` → ``items[app-servers].gwp.value``."""
    if not path.startswith("items.columns."):
        return path
    rest = path[len("items.columns.") :]
    head, _, index = rest.rpartition("[")
    if not index.endswith("]") or not index[:-1].isdigit() or int(index[:-1]) >= len(ids):
        return path
    criterion, _, column = head.partition(".")
    column = "value" if column == "values" else column
    return f"items[{ids[int(index[:-1])]}].{criterion}.{column}"


def verify_note(
    path: str | Path,
    *,
    dataset_version: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> VerifyReport:
    """Check a note's digest and recompute all its results from its embedded dossier."""
    path = Path(path)
    kind, payload = read_note_payload(path, limits)
    return verify_note_payload(path, kind, payload, dataset_version=dataset_version, limits=limits)


def verify_note_payload(
    path: Path,
    kind: str,
    payload: Mapping[str, Any],
    *,
    dataset_version: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    check_visible: bool = True,
) -> VerifyReport:
    """:func:`verify_note` of a payload already read from ``path`` (a ``kind`` of file);
    ``check_visible=False`` for a note's payload embedded in another document."""
    from ecodigital.assessment import Options, run
    from ecodigital.assessment.declared import declared_factors
    from ecodigital.assessment.results import LEGACY_RESULTS_FORMAT, per_item_json
    from ecodigital.factors.database import load_reference_factors, reference_versions
    from ecodigital.review.compare import clean_text, read_results
    from ecodigital.review.flags import digest_mismatch

    note = read_results(payload, str(path))
    declared = payload.get("factors_dataset")
    declared = declared if isinstance(declared, Mapping) else {}
    declared_version = str(declared.get("version"))[:40]
    versions = reference_versions()
    if dataset_version is not None and dataset_version not in versions:
        raise InputError(
            "--factors-dataset",
            None,
            Msg(
                "verify.error.dataset",
                {"version": dataset_version, "shipped": ", ".join(versions)},
            ),
            Msg("verify.error.dataset_fix", {"shipped": versions[-1]}),
        )
    # recompute with the dataset the note names when this ecodigital still ships it
    chosen = dataset_version or (declared_version if declared_version in versions else None)
    reference = load_reference_factors(chosen)
    shipped = declared.get("name") == reference.name and declared_version == reference.version
    factors, declared_overrides = declared_factors(note, reference)
    loaded = loaded_from_payload(payload["dossier"], embedded_where(path))
    ranges = note.uncertainty
    options = Options(
        factors=factors,
        draws=ranges.draws if ranges is not None else 1,
        seed=ranges.seed if ranges is not None else 0,
        deterministic=ranges is None,
        drivers=note.drivers is not None,
        scenarios=note.scenarios is not None,
        finance=note.finance is not None,
    )
    recomputed, legacy_names = _with_legacy_storage_names(run(loaded, options), note)
    skipped = []
    # item by item, in the layout of the note's format (a note in /2 carries the shares)
    legacy = payload["results"].get("format") == LEGACY_RESULTS_FORMAT
    recomputed_json = per_item_json(
        recomputed.to_json(rows="rows" in payload["results"]), legacy=legacy
    )
    note_json = per_item_json(payload["results"])
    if (
        note.finance is not None
        and recomputed.finance is not None
        and note.finance.report.rules_id != recomputed.finance.report.rules_id
    ):
        # another call's rules: the financing check cannot be recomputed here
        skipped.append(clean_text(note.finance.report.rules_id, 80) or "?")
        note_json.pop("finance", None)
        recomputed_json.pop("finance", None)
    differences, checked = compare_json(note_json, recomputed_json)
    visible: list[Mismatch] = []
    visible_checked = 0
    fmt = _visible_format(path, kind) if check_visible else None
    if fmt is not None:
        visible, visible_checked, _lang = visible_mismatches(path, fmt, recomputed, limits)
    return VerifyReport(
        path=str(path),
        kind=kind,
        digest_ok=digest_mismatch(payload) is None,
        dataset_declared=f"{str(declared.get('name'))[:80]} {declared_version}",
        dataset_used=f"{reference.name} {reference.version}",
        dataset_shipped=shipped,
        differences=differences,
        legacy_names=legacy_names,
        declared_overrides=declared_overrides,
        figures_checked=checked,
        skipped=skipped,
        visible=visible,
        visible_checked=visible_checked,
        overrides=_declared(note),
    )


def _declared(note: Results) -> list[tuple[str, str, Any, Any, str]]:
    """Each factor value the note declares changed, with its reference and the source given."""
    sources = {used.id: used.source for used in note.factors_used}
    return [
        (o.factor_id, o.column, o.value, o.reference, sources.get(o.factor_id) or o.file)
        for o in note.factors_dataset.overrides
    ]


def _visible_format(path: Path, kind: str) -> str | None:
    """The format whose visible text is checked, or None (a JSON payload has none)."""
    if kind in VISIBLE_FORMATS:
        return kind
    if kind == "md" or path.suffix.lower() in (".md", ".markdown"):
        return "md"
    return None


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if _is_number(value):
        return f"{value:.6g}"
    return str(value)[:80]


#: Differences listed one by one at most; the rest are counted.
MAX_LISTED: Final = 40


def difference_lines(
    differences: list[Difference], checked: int, lang: str, scope: str = "verify"
) -> list[str]:
    """The recomputation's lines: that the ``checked`` values agree, or each difference
    (the words of the catalogue's ``scope``: ``verify`` for a note)."""
    from ecodigital.review.compare import clean_text

    words = catalogue(lang)
    tolerance = f"{RELATIVE_TOLERANCE:g}"
    if not differences:
        return [words.text(f"{scope}.same", count=checked, tol=tolerance)]
    lines = [words.text(f"{scope}.differ", n=len(differences), count=checked, tol=tolerance)]
    for difference in differences[:MAX_LISTED]:
        relative = f" ({difference.relative:.2e})" if difference.relative is not None else ""
        lines.append(
            words.text(
                f"{scope}.row",
                figure=clean_text(difference.figure),
                note=clean_text(_value(difference.note)),
                recomputed=clean_text(_value(difference.recomputed)),
                relative=relative,
            )
        )
    hidden = len(differences) - MAX_LISTED
    if hidden > 0:
        lines.append("  " + words.text("label.and_more", n=hidden))
    return lines


#: The catalogue row of a PDF's mismatch, by the part of the page it is in.
_PAGE_ROWS: Final = {"text": "row_page", "margins": "row_margin", "contents": "row_contents"}


def visible_lines(visible: list[Mismatch], checked: int, lang: str) -> list[str]:
    """The visible text's lines: that the ``checked`` figures are right, or each mismatch."""
    from ecodigital.review.compare import clean_text

    words = catalogue(lang)
    if not visible:
        return [words.text("verify_visible.same", count=checked)] if checked else []
    lines = [words.text("verify_visible.differ", n=len(visible), count=checked)]
    for mismatch in visible[:MAX_LISTED]:
        # a PDF's mismatch names its page, and what the page layout adds is named as such
        key = "row" if mismatch.page is None else _PAGE_ROWS[mismatch.part]
        lines.append(
            words.text(
                f"verify_visible.{key}",
                where=clean_text(mismatch.location) or "—",
                shown=clean_text(mismatch.shown) or "—",
                expected=clean_text(mismatch.expected) or "—",
                page=mismatch.page,
            )
        )
    hidden = len(visible) - MAX_LISTED
    if hidden > 0:
        lines.append("  " + words.text("label.and_more", n=hidden))
    return lines


def verify_lines(report: VerifyReport, lang: str = "fr") -> list[str]:
    """What ``ecodigital verify`` prints, one line each."""
    from ecodigital.review.compare import clean_text

    words = catalogue(lang)

    def say(key: str, **params: Any) -> str:
        return words.text(f"verify.{key}", **params)

    lines = [say("digest_ok" if report.digest_ok else "digest_bad")]
    lines.append(
        say("dataset", declared=clean_text(report.dataset_declared), used=report.dataset_used)
    )
    if not report.dataset_shipped:
        lines.append(say("not_shipped"))
    if report.declared_overrides:
        lines.append(say("overrides", n=report.declared_overrides))
    for rules in report.skipped:
        lines.append(say("finance_skipped", rules=rules))
    if report.legacy_names:
        names = ", ".join(sorted(set(report.legacy_names)))
        lines.append(say("legacy_names", n=len(report.legacy_names), names=clean_text(names)))
    lines += difference_lines(report.differences, report.figures_checked, lang)
    lines += visible_lines(report.visible, report.visible_checked, lang)
    for factor, column, value, reference, source in report.overrides[:MAX_LISTED]:
        lines.append(
            words.text(
                "verify_visible.override",
                factor=clean_text(factor),
                column=clean_text(column),
                value=clean_text(_value(value)),
                reference=clean_text(_value(reference)),
                source=clean_text(source) or "—",
            )
        )
    if report.signature is not None:
        from ecodigital.review.signature import signature_lines

        lines += signature_lines(report.signature, lang)
    key = {"holds": "verify.holds", "holds_own_factors": "verify_visible.holds_own",
           "fails": "verify.fails"}[report.verdict]  # fmt: skip
    lines.append(words.text(key, path=clean_text(report.path, 400)))
    return lines
