"""The Jinja2 environments of the note: sandboxed, escaping by default.

Every template, bundled or from ``--template-dir``, is rendered in an
:class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: a template can read the
context it is given and nothing else (no attribute tricks, no mutation). The
dossier's text is only ever data in that context, never template source, so a
project called ``{{ 7*7 }}`` is printed as written.

HTML templates autoescape. Markdown templates escape every printed value with
:func:`escape_markdown` (Jinja's ``finalize`` hook), so Markdown syntax comes
only from the template itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

__all__ = ["MarkdownSafe", "escape_markdown", "note_environment"]

#: Characters with a meaning in CommonMark (or in the HTML it may contain).
_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>#|~&!{}])")
_ASCII_SPACE: Final = re.compile(r"[ \t\r\n\f\v]+")
_LIST_START: Final = re.compile(r"^(\s*)([-+]|\d+)([.)]?\s)")


class MarkdownSafe(str):
    """Text already written as Markdown by ecodigital (not escaped again)."""

    __slots__ = ()


def escape_markdown(value: Any) -> str:
    """``value`` as inert Markdown text: special characters backslash-escaped,
    line breaks folded into spaces (so a value cannot start a block or break a table).

    >>> escape_markdown("<script>*x*</script> | [a](b)")
    '\\\\<script\\\\>\\\\*x\\\\*\\\\</script\\\\> \\\\| \\\\[a\\\\](b)'
    """
    if value is None:
        return ""
    if isinstance(value, MarkdownSafe):
        return str(value)
    # Fold ASCII whitespace only: no-break spaces in French numbers stay.
    text = _ASCII_SPACE.sub(" ", str(value)).strip(" ")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # A leading "-", "+" or "1." would start a list: escape its marker.
    return _LIST_START.sub(_escape_list_marker, text, count=1)


def _escape_list_marker(match: re.Match[str]) -> str:
    indent, marker, rest = match.groups()
    if marker.isdigit():
        return f"{indent}{marker}\\{rest}" if rest[0] in ".)" else match.group(0)
    return f"{indent}\\{marker}{rest}"


def note_environment(kind: str, template_dirs: Sequence[Path] = ()) -> Any:
    """The environment for ``kind`` ("html" or "md") templates; user folders come first."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ecodigital.resources import data_dir

    folders = [str(Path(d)) for d in template_dirs] + [str(data_dir("templates") / "note")]
    loader = ChoiceLoader([FileSystemLoader(folder) for folder in folders])
    if kind == "html":
        env = ImmutableSandboxedEnvironment(
            loader=loader,
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    else:
        env = ImmutableSandboxedEnvironment(
            loader=loader,
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            finalize=escape_markdown,
        )
    return env


#: Largest ``messages/<lang>.yaml`` read from a user template folder.
MAX_MESSAGES_BYTES: Final = 1024 * 1024


def read_template_messages(folder: Path, lang: str) -> dict[str, Any]:
    """The note words a user template folder overrides (``messages/<lang>.yaml``), if any."""
    import yaml

    from ecodigital.errors import InputError
    from ecodigital.fileio import read_text_limited

    path = folder / "messages" / f"{lang}.yaml"
    if not path.is_file():
        return {}
    text = read_text_limited(path, max_bytes=MAX_MESSAGES_BYTES, what="messages file")
    try:
        extra = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(str(path), None, f"is not valid YAML ({exc})") from None
    if not isinstance(extra, dict):
        raise InputError(str(path), None, "is not a mapping of message keys to text")
    return {str(key): value for key, value in extra.items()}
