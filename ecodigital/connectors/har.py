"""HAR files (HTTP Archive 1.2): a portal's page weight, and the network traffic it makes.

A browser's HAR file lists every request of the pages it recorded
(``log.pages``, ``log.entries`` with their ``pageref``). For each page view:

- **transferred bytes**: per request, the request's ``headersSize`` +
  ``bodySize`` and the response's ``_transferSize`` (Chromium's own count of
  the bytes received, compression and headers included) or, without it, the
  response's ``headersSize`` + ``bodySize``; fields at ``-1`` (unknown) count
  for nothing and are reported;
- **requests**, **cached requests** (status 304, ``_fromCache``, or a
  ``bodySize`` of 0 for a body that has a size, as HAR 1.2 writes a cache
  hit), **third-party requests** (another host than the page's first
  request) and the **content bytes** (the uncompressed ``content.size``).

With a number of page views a year, the mean bytes per view give a network
item: ``gb_per_year = bytes per view x views per year / 10^9`` (decimal GB,
as the per-GB factors), ``quality: measured``. The page-weight table is for
the eco-design section of the note; no grade is computed from it (the
tables of the known page grades are not freely licensed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from ecodigital.connectors.model import ImportedItem, ImportResult, PageWeight, Trace
from ecodigital.errors import InputError
from ecodigital.i18n import Msg, text
from ecodigital.notices import Notice

__all__ = [
    "BYTES_PER_GB",
    "page_weight_csv",
    "page_weight_lines",
    "page_weights",
    "read_har",
]

BYTES_PER_GB: Final = 1e9
_FIELDS: Final = ("log.entries[].response._transferSize", "log.pages[].id")


def read_har(
    path: Path,
    views_per_year: float | None,
    access: str = "fixed",
    item_id: str | None = None,
) -> ImportResult:
    """The page weights of a HAR file and, given the views a year, its network item."""
    from ecodigital.connectors.files import read_json
    from ecodigital.connectors.model import slug

    data = read_json(path)
    pages, unknown_sizes = page_weights(data, str(path))
    result = ImportResult(fmt="har", source=path.name, page_weight=pages,
                          rows_read=sum(p.requests for p in pages))  # fmt: skip
    if unknown_sizes:
        result.notices.append(
            Notice(
                code="HAR_SIZE_UNKNOWN",
                message=f"{unknown_sizes} request(s) of the HAR file give no size: counted as 0",
                params={"n": unknown_sizes, "file": path.name},
            )
        )
    if views_per_year is None:
        return result
    per_view = sum(p.transferred_bytes for p in pages) / len(pages)
    gb_per_year = per_view * views_per_year / BYTES_PER_GB
    name = item_id or f"trafic-{slug(path.stem, 'portail')}"
    fields: dict[str, Any] = {
        "id": slug(name),
        "kind": "network",
        "access": access,
        "gb_per_year": gb_per_year,
        "quality": "measured",
    }
    # bytes a view (the mean of the views recorded) x views a year, for the trace
    trace = Trace(path.name, (), _FIELDS, f"{per_view:.0f} B x {views_per_year:g}")
    result.items.append(ImportedItem(fields, trace))
    return result


def page_weights(data: Any, where: str) -> tuple[list[PageWeight], int]:
    """One :class:`PageWeight` per page of a HAR document, and the requests of unknown size."""
    log = data.get("log") if isinstance(data, Mapping) else None
    if not isinstance(log, Mapping) or not isinstance(log.get("entries"), list):
        raise InputError(where, "log.entries", Msg("connectors.input.not_har"),
                         Msg("connectors.input.har_fix"))  # fmt: skip
    entries = [e for e in log["entries"] if isinstance(e, Mapping)]
    pages = [p for p in log.get("pages") or [] if isinstance(p, Mapping) and "id" in p]
    if not entries:
        raise InputError(
            where,
            "log.entries",
            Msg("connectors.input.no_request"),
            Msg("connectors.input.record_again"),
        )
    groups: dict[str, list[Mapping[str, Any]]] = {str(p["id"]): [] for p in pages}
    for entry in entries:
        ref = str(entry.get("pageref", ""))
        groups.setdefault(ref if ref in groups else (next(iter(groups), "")), []).append(entry)
    titles = {str(p["id"]): str(p.get("title") or p["id"]) for p in pages}
    weights = []
    unknown = 0
    for page_id, page_entries in groups.items():
        if not page_entries:
            continue
        first_host = _host(page_entries[0])
        transferred = content = cached = third = 0
        for entry in page_entries:
            size, missing = _transferred(entry)
            transferred += size
            unknown += missing
            body = _int(_get(entry, "response", "content", "size"))
            content += max(body, 0)
            if _from_cache(entry, body):
                cached += 1
            if _host(entry) != first_host:
                third += 1
        name = page_id or "page"
        weights.append(
            PageWeight(
                name,
                titles.get(page_id, name),
                len(page_entries),
                transferred,
                content,
                cached,
                third,
            )
        )
    return weights, unknown


def _get(entry: Mapping[str, Any], *keys: str) -> Any:
    node: Any = entry
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return -1
    return int(value)


def _transferred(entry: Mapping[str, Any]) -> tuple[int, int]:
    """Bytes a request moved over the network, and 1 when a size was unknown."""
    missing = 0
    total = 0
    for part in ("headersSize", "bodySize"):
        value = _int(_get(entry, "request", part))
        total += max(value, 0)
    transfer = _int(_get(entry, "response", "_transferSize"))
    if transfer >= 0:
        return total + transfer, missing
    for part in ("headersSize", "bodySize"):
        value = _int(_get(entry, "response", part))
        if value < 0:
            missing = 1
        total += max(value, 0)
    return total, missing


def _from_cache(entry: Mapping[str, Any], body: int) -> bool:
    """Served from the cache: a 304, Chromium's ``_fromCache``, or no body bytes for a body."""
    if _int(_get(entry, "response", "status")) == 304 or entry.get("_fromCache"):
        return True
    return _int(_get(entry, "response", "bodySize")) == 0 and body > 0


def _host(entry: Mapping[str, Any]) -> str:
    url = _get(entry, "request", "url")
    return urlsplit(url).hostname or "" if isinstance(url, str) else ""


def page_weight_lines(pages: Sequence[PageWeight], lang: str) -> list[str]:
    """The page-weight table for a terminal, in ``lang``."""
    from ecodigital.i18n.format import format_number

    lines = [text("connectors.har.title", lang, n=len(pages))]
    header = [text(f"connectors.har.{c}", lang) for c in
              ("page", "requests", "transferred", "content", "cached", "third_party")]  # fmt: skip
    rows = [header]
    for page in pages:
        rows.append([
            page.title[:60],
            str(page.requests),
            format_number(page.transferred_bytes / 1000, lang),
            format_number(page.content_bytes / 1000, lang),
            f"{round(100 * page.cache_share)} %",
            str(page.third_party_requests),
        ])  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                       strict=True)]  # fmt: skip
        lines.append("  " + "  ".join(cells))
    return lines


def page_weight_csv(pages: Sequence[PageWeight]) -> str:
    """The page-weight table as CSV (column names with their units)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["page", "title", "requests", "transferred_bytes", "content_bytes",
                     "cached_requests", "cache_share", "third_party_requests"])  # fmt: skip
    for page in pages:
        writer.writerow([page.page, page.title, page.requests, page.transferred_bytes,
                         page.content_bytes, page.cached_requests, f"{page.cache_share:.4f}",
                         page.third_party_requests])  # fmt: skip
    return buffer.getvalue()
