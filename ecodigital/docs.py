"""``ecodigital docs``: the pages of ``docs/`` as plain text, from the installed package.

The Markdown pages ship in the wheel (``ecodigital/_data/docs``), so an
applicant without the source tree can read, say, the dossier format where an
error message points to it (``ecodigital docs dossier``). Pages are shown as
plain text for a terminal: headings underlined, code blocks indented, inline
marks removed, links written as ``text (address)`` — a link to another page
as ``ecodigital docs NAME`` — and tables aligned, or written one record a
block when they are wider than the terminal.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = ["DocPage", "find_page", "list_pages", "render_listing", "render_page"]

#: Largest page read (the bundled pages are a few tens of kB).
MAX_PAGE_BYTES: Final = 1024 * 1024
_LINK: Final = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
_PAGE_LINK: Final = re.compile(r"^(?:docs/)?([a-z0-9-]+)\.md(#.*)?$")


@dataclass(frozen=True)
class DocPage:
    """One page: its topic name (the file name without ``.md``), title and file."""

    name: str
    title: str
    path: Path


def _docs_dir() -> Path:
    from ecodigital.resources import data_dir

    return data_dir("docs")


def list_pages(folder: Path | None = None) -> list[DocPage]:
    """Every page, by name."""
    pages = []
    for path in sorted((folder or _docs_dir()).glob("*.md")):
        if not path.is_file():
            continue
        title = path.stem
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("# "):
                    title = _inline(line[2:].strip())
                    break
        pages.append(DocPage(path.stem, title, path))
    return pages


def find_page(topic: str, folder: Path | None = None) -> DocPage:
    """The page named ``topic`` (or the only one it starts), else an error with a suggestion."""
    pages = {page.name: page for page in list_pages(folder)}
    wanted = topic.strip().lower().removesuffix(".md").removeprefix("docs/")
    if wanted in pages:
        return pages[wanted]
    starting = [name for name in pages if name.startswith(wanted)] if wanted else []
    if len(starting) == 1:
        return pages[starting[0]]
    close = difflib.get_close_matches(wanted, pages, n=1)
    names = sorted(pages)
    if close:
        raise InputError(
            None, "TOPIC", Msg("docs.unknown_close", {"topic": topic, "suggestion": close[0]})
        )
    raise InputError(
        None,
        "TOPIC",
        Msg("docs.unknown", {"topic": topic}),
        Msg("docs.unknown_fix", {"names": names}),
    )


def render_listing(lang: str = "fr", folder: Path | None = None) -> str:
    """The list of pages with their titles, and how to open one."""
    from ecodigital.i18n import text

    pages = list_pages(folder)
    width = max((len(page.name) for page in pages), default=0)
    lines = [text("docs.listing", lang, n=len(pages)), ""]
    lines += [f"  {page.name.ljust(width)}  {page.title}" for page in pages]
    lines += ["", text("docs.how", lang)]
    return "\n".join(lines) + "\n"


def render_page(page: DocPage, width: int = 100) -> str:
    """The page as plain text, tables fitted to ``width`` columns."""
    from ecodigital.fileio import read_text_limited

    source = read_text_limited(page.path, max_bytes=MAX_PAGE_BYTES, what="page")
    return markdown_to_text(source, width)


def markdown_to_text(source: str, width: int = 100) -> str:
    """Plain text of the Markdown ``source`` (the subset the pages use)."""
    out: list[str] = []
    lines = source.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            index += 1
            while index < len(lines) and not lines[index].startswith("```"):
                out.append(f"    {lines[index]}".rstrip())
                index += 1
            index += 1
            continue
        if line.lstrip().startswith("|"):
            table = []
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                table.append(lines[index])
                index += 1
            out.extend(_table(table, width))
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            title = _inline(heading.group(2))
            level = len(heading.group(1))
            if out and out[-1]:
                out.append("")
            out.append(title.upper() if level == 1 else title)
            if level <= 2:
                out.append(("=" if level == 1 else "-") * len(title))
        else:
            out.append(_inline(line))
        index += 1
    return "\n".join(out).rstrip() + "\n"


def _link(match: re.Match[str]) -> str:
    image, label, target = match.groups()
    if image:
        return f"[{label}]"
    page = _PAGE_LINK.match(target)
    if page:
        command = f"ecodigital docs {page.group(1)}"
        return command if _PAGE_LINK.match(label.strip("`")) else f"{label} ({command})"
    if target.startswith("#"):
        return label
    return f"{label} ({target})" if label != target else target


def _inline(text: str) -> str:
    text = _LINK.sub(_link, text)
    text = re.sub(r"`?docs/([a-z0-9-]+)\.md`?", r'"ecodigital docs \1"', text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", text)
    return text.replace("`", "")


def _cells(row: str) -> list[str]:
    body = row.strip().removeprefix("|").removesuffix("|")
    return [_inline(cell.strip()) for cell in re.split(r"(?<!\\)\|", body)]


def _aligned(row: list[str], widths: list[int]) -> str:
    return "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()


def _table(rows: list[str], width: int) -> list[str]:
    parsed = [_cells(row) for row in rows if not re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", row)]
    if not parsed:
        return []
    header, *body = parsed
    columns = max(len(row) for row in parsed)
    grid = [row + [""] * (columns - len(row)) for row in parsed]
    widths = [max(len(row[col]) for row in grid) for col in range(columns)]
    if sum(widths) + 2 * (columns - 1) + 2 <= width:
        lines = [_aligned(row, widths) for row in grid]
        lines.insert(1, "  " + "  ".join("-" * w for w in widths))
        return lines
    # Too wide for the terminal: one block per row, "header: value" wrapped.
    out: list[str] = []
    for row in body:
        row = row + [""] * (columns - len(row))
        out.extend(textwrap.wrap(row[0], width, initial_indent="- ", subsequent_indent="  "))
        for name, cell in zip(header[1:], row[1:], strict=False):
            if cell:
                out.extend(
                    textwrap.wrap(
                        f"{name}: {cell}", width, initial_indent="    ", subsequent_indent="      "
                    )
                )
    return out
