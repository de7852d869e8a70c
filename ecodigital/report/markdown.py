"""The Markdown note, with its payload in a sidecar ``.json`` file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["render_markdown"]


def render_markdown(
    context: Mapping[str, Any], sidecar_name: str, template_dirs: Sequence[Path] = ()
) -> str:
    """The note as Markdown (CommonMark with GitHub tables); every value escaped."""
    from ecodigital.report.templating import MarkdownSafe, note_environment

    env = note_environment("md", template_dirs)
    # The messages catalogue is written as Markdown text by the template's
    # authors; everything else (the dossier's text above all) is escaped.
    messages = {
        key: MarkdownSafe(value) if isinstance(value, str) else value
        for key, value in context["t"].items()
    }
    text = env.get_template("note.md.j2").render(
        **{**context, "t": messages}, sidecar_name=sidecar_name
    )
    # Collapse the blank lines that optional blocks leave behind.
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
