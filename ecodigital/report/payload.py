"""The machine-readable payload every note carries, and how to read it back.

The payload is ``{format, digest, dossier, results, factors_dataset, tool}``.
``digest`` is the SHA-256 of the canonical JSON of the four data members
(``{dossier, results, factors_dataset, tool}``): keys sorted, no insignificant
whitespace, UTF-8, no NaN. Instructors' tools recompute it to check that a
note's figures were not edited after it was produced.

Where it is stored:

- HTML: ``<script type="application/json" id="ecodigital-payload">``;
- PDF: an embedded file ``ecodigital-payload.json`` of the PDF/A-3 document;
- ODT: the package member ``ecodigital/payload.json``;
- Markdown: a sidecar file with the same name and the ``.json`` suffix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital import __version__

if TYPE_CHECKING:
    from ecodigital.assessment import Assessment

__all__ = [
    "HTML_SCRIPT_ID",
    "ODT_MEMBER",
    "PAYLOAD_FORMAT",
    "PDF_ATTACHMENT",
    "build_payload",
    "canonical_json",
    "compute_digest",
    "extract_payload",
    "html_payload_block",
    "jsonable",
    "sidecar_path",
    "verify_digest",
]

PAYLOAD_FORMAT: Final = "ecodigital-note-payload/1"
DIGEST_MEMBERS: Final = ("dossier", "results", "factors_dataset", "tool")
HTML_SCRIPT_ID: Final = "ecodigital-payload"
PDF_ATTACHMENT: Final = "ecodigital-payload.json"
ODT_MEMBER: Final = "ecodigital/payload.json"


def jsonable(value: Any) -> Any:
    """``value`` with only JSON types: dates as ISO text, numpy scalars as Python, NaN as None."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes of ``value``: sorted keys, compact separators, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def compute_digest(payload: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the payload's data members."""
    members = {key: payload.get(key) for key in DIGEST_MEMBERS}
    return hashlib.sha256(canonical_json(members)).hexdigest()


def verify_digest(payload: Mapping[str, Any]) -> bool:
    """Whether the payload's recorded digest matches its data members."""
    digest = payload.get("digest")
    if not isinstance(digest, Mapping) or digest.get("algorithm") != "sha256":
        return False
    return bool(digest.get("value") == compute_digest(payload))


def _dossier_data(assessment: Assessment) -> dict[str, Any]:
    """The dossier as written, with a CSV inventory inlined so the payload stands alone."""
    loaded = assessment.dossier
    dossier: dict[str, Any] = jsonable(loaded.raw)
    if loaded.inventory_path is not None:
        records = jsonable(loaded.items.to_dict(orient="records"))
        dossier["inventory"] = [
            {key: value for key, value in record.items() if value is not None} for record in records
        ]
        dossier["inventory_source"] = Path(loaded.inventory_path).name
    _inline_measurements(dossier, assessment)
    return dossier


#: What a measurement's summary keeps of its files (see dossier.model.MeasurementSummary).
_SUMMARY_KEYS = (
    "energy_kwh_per_unit", "quality", "pue_included", "runs", "duration_h", "energy_kwh",
    "emissions_kgco2e", "cpu_methods", "countries",
)  # fmt: skip


def _inline_measurements(dossier: dict[str, Any], assessment: Assessment) -> None:
    """Replace each measurement's files by what they said, so the payload stands alone."""
    measured = {str(m["item"]): m for m in assessment.measurements}
    for measurement in dossier.get("measurements") or []:
        record = measured.get(str(measurement.get("item")))
        if record is None or "files" not in measurement:
            continue
        measurement.pop("files")
        measurement["summary"] = jsonable({key: record[key] for key in _SUMMARY_KEYS})


def build_payload(assessment: Assessment, results: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a note: dossier, results, factor dataset, tool, and their digest."""
    dataset = results["factors_dataset"]
    payload: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "dossier": _dossier_data(assessment),
        "results": jsonable(results),
        "factors_dataset": jsonable(
            {"name": dataset["name"], "version": dataset["version"], "date": dataset["date"]}
        ),
        "tool": {"name": "ecodigital", "version": __version__},
    }
    payload["digest"] = {"algorithm": "sha256", "value": compute_digest(payload)}
    return payload


# --------------------------------------------------------------------------- embedding


def html_payload_block(payload: Mapping[str, Any]) -> str:
    """The ``<script type="application/json">`` element holding ``payload``.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no dossier text can
    close the element or be read as markup; the JSON value is unchanged.
    """
    text = canonical_json(payload).decode("utf-8")
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{HTML_SCRIPT_ID}">{text}</script>'


def sidecar_path(markdown_path: Path) -> Path:
    """The payload file beside a Markdown note (``note.md`` -> ``note.json``)."""
    return Path(markdown_path).with_suffix(".json")


def extract_payload(path: str | Path) -> dict[str, Any]:
    """Read back the payload of a note in PDF, HTML, ODT or Markdown (its sidecar).

    The file is treated as untrusted: the reading, with its size, depth, ZIP
    and PDF limits, is :func:`ecodigital.review.readers.read_note_payload`,
    shared with ``ecodigital compare`` and ``ecodigital verify``.
    """
    from ecodigital.review.readers import read_note_payload

    return read_note_payload(path)[1]
