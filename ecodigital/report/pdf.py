"""The PDF note: the HTML note laid out by WeasyPrint as a PDF/A-3b document.

PDF/A-3 allows embedded files: the payload is attached as
``ecodigital-payload.json`` (relationship "Data"), so the figures travel
with the document an instructor receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecodigital.errors import PdfUnavailable

__all__ = ["render_pdf"]


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PdfUnavailable(
            f"cannot write PDF: WeasyPrint or a system library it needs is missing ({first_line}). "
            "Install Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0) "
            "or use --format html"
        ) from None
    return weasyprint


def render_pdf(html: str, payload: Mapping[str, Any], context: Mapping[str, Any]) -> bytes:
    """The PDF/A-3b bytes of ``html``, with the payload as an embedded file."""
    from ecodigital.report.payload import PDF_ATTACHMENT, canonical_json

    weasyprint = _weasyprint()
    attachment = weasyprint.Attachment(
        string=canonical_json(payload),
        name=PDF_ATTACHMENT,
        description="ecodigital note payload: dossier, results, factor dataset, tool, SHA-256",
        relationship="Data",
    )
    document = weasyprint.HTML(string=html, base_url=None)
    pdf: bytes = document.write_pdf(
        pdf_variant="pdf/a-3b",
        attachments=[attachment],
        custom_metadata=True,
    )
    return pdf
