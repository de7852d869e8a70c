"""The Jinja2 environments of the note: sandboxed, escaping by default.

Every template, bundled or from ``--template-dir``, is rendered in an
:class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: a template can read the
context it is given and nothing else (no attribute tricks, no mutation). The
dossier's text is only ever data in that context, never template source, so a
project called ``{{ 7*7 }}`` is printed as written.

Templates are read as inputs of the run (regular files, 1 MB at most, never
overwritten by the note), names cannot leave their folder, and a template
that extends, includes or imports itself, directly or through others, is a
template error. The PDF renderer then fetches nothing but ``data:`` URIs and
the bundled files (:mod:`ecodigital.report.pdf`).

HTML templates autoescape. Markdown templates escape every printed value with
:func:`escape_markdown` (Jinja's ``finalize`` hook), so Markdown syntax comes
only from the template itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

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


class _CheckedLoader:
    """Templates read through :func:`ecodigital.fileio.read_input_text`, extends cycles refused.

    Each folder is searched in order (user folders first, then the bundled
    one). A template name may not leave its folder, each file is read as an
    input of the run (a regular file, 1 MB at most), and a template whose
    ``extends``, ``include`` or ``import`` chain comes back to itself is a
    template error, not an endless recursion.
    """

    def __init__(self, folders: Sequence[str]) -> None:
        self.folders = list(folders)
        self._references: dict[str, tuple[str, ...]] = {}
        #: Each template's syntax tree, parsed for the cycle check and compiled from it
        #: (parsing it a second time cost a tenth of a second per note).
        self.parsed: dict[str, Any] = {}

    def source(self, environment: Any, name: str) -> tuple[str, str, Any]:
        import os

        from jinja2 import TemplateNotFound
        from jinja2.loaders import split_template_path

        from ecodigital.fileio import read_input_text

        pieces = split_template_path(name)  # refuses "..": no name leaves its folder
        for folder in self.folders:
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue  # a FIFO or a folder of that name is refused by the reader
            text = read_input_text(path, "template")
            mtime = os.path.getmtime(path)
            if name.endswith(".j2"):  # templates (not note.css) may refer to others
                self._remember(environment, name, text)
            return text, path, lambda path=path, mtime=mtime: os.path.getmtime(path) == mtime
        raise TemplateNotFound(name)

    def _remember(self, environment: Any, name: str, text: str) -> None:
        from jinja2.meta import find_referenced_templates

        if name in self._references:
            return
        tree = environment.parse(text)
        names = tuple(find_referenced_templates(tree))
        if None in names:
            raise InputError(
                self._where(name), None, Msg("input.template_dynamic"), Msg("input.template_fix")
            )
        self._references[name] = tuple(str(n) for n in names)
        self.parsed[name] = tree
        for child in self._references[name]:
            if child not in self._references:
                environment.loader.get_source(environment, child)  # reads and remembers it
        self._check_cycle(name)

    def _where(self, name: str) -> str:
        import os

        return next(
            (
                os.path.join(folder, name)
                for folder in self.folders
                if os.path.lexists(os.path.join(folder, name))
            ),
            name,
        )

    def _check_cycle(self, start: str) -> None:
        path = [start]
        seen: set[str] = set()

        def visit(name: str) -> None:
            for child in self._references.get(name, ()):
                if child == start or child in path:
                    chain = " -> ".join([*path, child])
                    raise InputError(
                        self._where(start),
                        None,
                        Msg("input.template_cycle", {"chain": chain}),
                        Msg("input.template_fix"),
                    )
                if child in seen:
                    continue
                seen.add(child)
                path.append(child)
                visit(child)
                path.pop()

        visit(start)


def note_environment(kind: str, template_dirs: Sequence[Path] = ()) -> Any:
    """The environment for ``kind`` ("html" or "md") templates; user folders come first."""
    from jinja2 import BaseLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ecodigital.resources import data_dir

    folders = [str(Path(d)) for d in template_dirs] + [str(data_dir("templates") / "note")]
    checked = _CheckedLoader(folders)

    class Loader(BaseLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            return checked.source(environment, template)

        def load(self, environment: Any, name: str, globals: Any = None) -> Any:
            source, filename, uptodate = self.get_source(environment, name)
            tree = checked.parsed.pop(name, None)  # compiled once: the tree is not kept
            code = environment.compile(tree if tree is not None else source, name, filename)
            return environment.template_class.from_code(
                environment, code, environment.make_globals(globals), uptodate
            )

    loader = Loader()
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
    from ecodigital.errors import InputError
    from ecodigital.fileio import read_text_limited
    from ecodigital.i18n import Msg
    from ecodigital.yamlio import load_yaml

    path = folder / "messages" / f"{lang}.yaml"
    if not path.is_file():
        return {}
    text = read_text_limited(path, max_bytes=MAX_MESSAGES_BYTES, what="messages file")
    # a user template is hostile: the guarded loader (depth, aliases, duplicate keys)
    extra = load_yaml(text, path).data or {}
    if not isinstance(extra, dict):
        raise InputError(
            str(path), None, Msg("note.error.messages"), Msg("note.error.messages_fix")
        )
    return {str(key): value for key, value in extra.items()}
