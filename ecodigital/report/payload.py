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

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.jsonio import canonical_json, jsonable

if TYPE_CHECKING:
    from ecodigital.assessment.results import Results

__all__ = [
    "HTML_SCRIPT_ID",
    "ODT_MEMBER",
    "PAYLOAD_FORMAT",
    "PDF_ATTACHMENT",
    "build_payload",
    "canonical_json",
    "compute_digest",
    "html_payload_block",
    "sidecar_path",
    "verify_digest",
]

PAYLOAD_FORMAT: Final = "ecodigital-note-payload/2"
DIGEST_MEMBERS: Final = ("dossier", "results", "factors_dataset", "tool")
HTML_SCRIPT_ID: Final = "ecodigital-payload"
PDF_ATTACHMENT: Final = "ecodigital-payload.json"
ODT_MEMBER: Final = "ecodigital/payload.json"


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


def build_payload(results: Results) -> dict[str, Any]:
    """The payload of a note: dossier, results, factor dataset, tool, and their digest."""
    if results.inputs is None:
        raise ValueError("these results keep no dossier to embed")
    dataset = results.factors_dataset
    payload: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "dossier": jsonable(results.inputs.standalone),
        "results": results.to_json(rows=True),
        "factors_dataset": {"name": dataset.name, "version": dataset.version, "date": dataset.date},
        "tool": {"name": results.tool.name, "version": results.tool.version},
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
