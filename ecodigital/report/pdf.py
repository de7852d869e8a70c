"""The PDF note: the HTML note laid out by WeasyPrint as a tagged PDF/A-3a document.

PDF/A-3 allows embedded files: the payload is attached as
``ecodigital-payload.json`` (relationship "Data"), so the figures travel
with the document an instructor receives. Level A ("accessible") makes the
PDF tagged: its structure tree gives headings, paragraphs, lists, tables
with their header cells and figures with their alternative text (each
chart's description), and the document's language, so that a screen reader
reads the note in order (the structure PDF/UA asks for).

The sandbox of the templates goes up to the PDF: WeasyPrint fetches only
``data:`` URIs and the package's own template files (never the network, never
another local file), and the only embedded file is the payload: attachments
a template asks for (``<link rel=attachment>``, ``<a rel=attachment>``) are
dropped before the PDF is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from ecodigital.errors import PdfUnavailable

__all__ = ["render_pdf", "url_allowed"]


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        from ecodigital.i18n import Msg

        raise PdfUnavailable(Msg("note.error.no_pdf", {"reason": first_line})) from None
    return weasyprint


def url_allowed(url: str) -> bool:
    """Whether the PDF renderer may fetch ``url``: a ``data:`` URI or a bundled template file."""
    from ecodigital.resources import data_dir

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    root = os.path.realpath(data_dir("templates"))
    target = os.path.realpath(unquote(parts.path))
    return os.path.commonpath([root, target]) == root


def _fetcher(weasyprint: Any) -> Any:
    urls = weasyprint.urls

    def refuse(url: str) -> None:
        if not url_allowed(url):
            # WeasyPrint skips a resource whose fetch fails, with a warning
            raise ValueError(f"ecodigital fetches only data: URIs and its own files, not {url}")

    if hasattr(urls, "URLFetcher"):

        class PackageFetcher(urls.URLFetcher):  # type: ignore[misc, name-defined]
            def fetch(self, url: str, headers: Any = None) -> Any:
                refuse(url)
                return super().fetch(url, headers)

        return PackageFetcher(timeout=1, allowed_protocols=("data", "file"))

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # WeasyPrint before 68
        refuse(url)
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch


def render_pdf(html: str, payload: Mapping[str, Any], context: Mapping[str, Any]) -> bytes:
    """The tagged PDF/A-3a bytes of ``html``, with the payload as its one embedded file."""
    import logging

    from ecodigital.report.payload import PDF_ATTACHMENT, canonical_json

    weasyprint = _weasyprint()
    attachment = weasyprint.Attachment(
        string=canonical_json(payload),
        name=PDF_ATTACHMENT,
        description="ecodigital note payload: dossier, results, factor dataset, tool, SHA-256",
        relationship="Data",
    )
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # a refused URL is expected, not news for the user
    try:
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher(weasyprint))
        rendered = document.render()
        rendered.metadata.attachments = []
        for page in rendered.pages:
            page.links = [link for link in page.links if link[0] != "attachment"]
        pdf: bytes = rendered.write_pdf(
            pdf_variant="pdf/a-3a",
            attachments=[attachment],
            custom_metadata=True,
        )
    finally:
        logger.setLevel(level)
    return pdf
