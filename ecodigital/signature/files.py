"""What a note's signature covers and where it goes: one definition, for signing and checking.

PDF note (``pades``)
    A PAdES signature (sub-filter ``ETSI.CAdES.detached``) inside the PDF,
    written as an incremental update to a copy of the note: ``note.pdf``
    gives ``note.signed.pdf``, whose first bytes are the note's, unchanged.
    The signature's byte range covers the whole file except the signature
    value itself.
HTML, ODT or JSON note (``detached``)
    A detached CMS signature (PKCS #7 ``SignedData``, DER) of the file's
    bytes, beside it: ``note.html`` gives ``note.html.p7s``. Any CMS tool
    checks it, for example ``openssl cms -verify -binary -inform DER -in
    note.html.p7s -content note.html -noverify``.
Markdown note (``manifest``)
    The note is two files, its text and its data (``note.md`` and
    ``note.json``), and one signature binds them: ``note.md.p7s`` is a CMS
    signature that carries a short manifest, the SHA-256 of each file by its
    role (:func:`markdown_manifest`). ``openssl cms -verify -inform DER -in
    note.md.p7s -noverify`` prints the manifest; ``sha256sum note.md
    note.json`` gives the same digests.

The file names are not signed: a note and its signature can be renamed
together (``x.html`` and ``x.html.p7s``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Final

__all__ = [
    "MANIFEST_FORMAT",
    "MANIFEST_ROLES",
    "MAX_MANIFEST_BYTES",
    "SIGNATURE_SUFFIX",
    "SIGNED_PDF_SUFFIX",
    "manifest_digests",
    "markdown_manifest",
    "signature_path",
    "signature_style",
    "signed_pdf_path",
]

#: What the signature file of a note is named after: the note's whole name, then this.
SIGNATURE_SUFFIX: Final = ".p7s"
#: ``note.pdf`` is signed into ``note.signed.pdf``.
SIGNED_PDF_SUFFIX: Final = ".signed.pdf"
#: The first line of the manifest a Markdown note's signature carries.
MANIFEST_FORMAT: Final = "ecodigital-signed-files/1"
#: The files of a Markdown note, in the manifest's order: its text, then its data.
MANIFEST_ROLES: Final = ("markdown", "sidecar")
#: A manifest is three short lines; anything longer is not one.
MAX_MANIFEST_BYTES: Final = 512

_MANIFEST_LINE: Final = re.compile(r"(?P<role>[a-z]+) sha256:(?P<digest>[0-9a-f]{64})")


def signature_style(kind: str) -> str:
    """How a note of ``kind`` (``pdf``, ``html``, ``odt``, ``md``, ``json``) is signed:
    ``pades``, ``manifest`` or ``detached``.

    >>> signature_style("pdf"), signature_style("md"), signature_style("odt")
    ('pades', 'manifest', 'detached')
    """
    return {"pdf": "pades", "md": "manifest"}.get(kind, "detached")


def signature_path(note: Path) -> Path:
    """The signature file beside a note that is not a PDF.

    >>> signature_path(Path("depot/note.html")).as_posix()
    'depot/note.html.p7s'
    """
    return note.with_name(note.name + SIGNATURE_SUFFIX)


def signed_pdf_path(note: Path) -> Path:
    """The signed copy of a PDF note.

    >>> signed_pdf_path(Path("note.pdf")).as_posix()
    'note.signed.pdf'
    """
    return note.with_name(note.stem + SIGNED_PDF_SUFFIX)


def markdown_manifest(markdown: bytes, sidecar: bytes) -> bytes:
    """The manifest a Markdown note's signature carries: the SHA-256 of its two files.

    >>> print(markdown_manifest(b"", b"{}").decode())  # doctest: +NORMALIZE_WHITESPACE
    ecodigital-signed-files/1
    markdown sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
    sidecar sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a
    """
    lines = [MANIFEST_FORMAT]
    for role, content in zip(MANIFEST_ROLES, (markdown, sidecar), strict=True):
        lines.append(f"{role} sha256:{hashlib.sha256(content).hexdigest()}")
    return ("\n".join(lines) + "\n").encode("ascii")


def manifest_digests(content: bytes) -> dict[str, str] | None:
    """The SHA-256 of each file a manifest names, by role, or ``None`` when ``content`` is not
    a manifest written by :func:`markdown_manifest` (nothing else is accepted)."""
    if len(content) > MAX_MANIFEST_BYTES or not content.endswith(b"\n"):
        return None
    try:
        lines = content.decode("ascii").split("\n")[:-1]
    except UnicodeDecodeError:
        return None
    if len(lines) != 1 + len(MANIFEST_ROLES) or lines[0] != MANIFEST_FORMAT:
        return None
    digests: dict[str, str] = {}
    for role, line in zip(MANIFEST_ROLES, lines[1:], strict=True):
        match = _MANIFEST_LINE.fullmatch(line)
        if match is None or match["role"] != role:
            return None
        digests[role] = match["digest"]
    return digests
