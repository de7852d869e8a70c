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

The bundled templates are compiled once, not at every note: their code is kept
in this module's ``__pycache__``, as Python keeps a module's bytecode (and only
where Python would write it), named by the digest of everything the code
depends on. A template of a user's folder is always compiled from its text.
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

    def __init__(self, folders: Sequence[str], options: str = "") -> None:
        self.folders = list(folders)
        self._references: dict[str, tuple[str, ...]] = {}
        #: Each template's syntax tree, parsed for the cycle check and compiled from it
        #: (parsing it a second time cost a tenth of a second per note).
        self.parsed: dict[str, Any] = {}
        #: The code of bundled templates read from their cache, and where to keep the
        #: code of those compiled in this run (see :class:`_CompiledCache`).
        self.compiled: dict[str, Any] = {}
        self.to_cache: dict[str, _CompiledCache] = {}
        self._options = options
        self._bundled = [_is_bundled(folder) for folder in self.folders]

    def source(self, environment: Any, name: str) -> tuple[str, str, Any]:
        import os

        from jinja2 import TemplateNotFound
        from jinja2.loaders import split_template_path

        from ecodigital.fileio import read_input_text

        pieces = split_template_path(name)  # refuses "..": no name leaves its folder
        for folder, bundled in zip(self.folders, self._bundled, strict=True):
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue  # a FIFO or a folder of that name is refused by the reader
            text = read_input_text(path, "template")
            mtime = os.path.getmtime(path)
            if name.endswith(".j2"):  # templates (not note.css) may refer to others
                cache = _CompiledCache(path, text, self._options) if bundled else None
                self._remember(environment, name, text, cache)
            return text, path, lambda path=path, mtime=mtime: os.path.getmtime(path) == mtime
        raise TemplateNotFound(name)

    def _remember(
        self, environment: Any, name: str, text: str, cache: _CompiledCache | None = None
    ) -> None:
        from jinja2.meta import find_referenced_templates

        if name in self._references:
            return
        cached = cache.read() if cache is not None else None
        if cached is not None:
            self._references[name], self.compiled[name] = cached
        else:
            tree = environment.parse(text)
            names = tuple(find_referenced_templates(tree))
            if None in names:
                raise InputError(
                    self._where(name),
                    None,
                    Msg("input.template_dynamic"),
                    Msg("input.template_fix"),
                )
            self._references[name] = tuple(str(n) for n in names)
            self.parsed[name] = tree
            if cache is not None:
                self.to_cache[name] = cache
        for child in self._references[name]:
            if child not in self._references:
                environment.loader.get_source(environment, child)  # reads and remembers it
        self._check_cycle(name)

    def references(self, name: str) -> tuple[str, ...]:
        """The templates ``name`` extends, includes or imports."""
        return self._references[name]

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
    if kind == "html":
        options: dict[str, Any] = {"autoescape": True}
    else:
        options = {"autoescape": False, "keep_trailing_newline": True, "finalize": escape_markdown}
    options.update(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    checked = _CheckedLoader(folders, _options_key(ImmutableSandboxedEnvironment, options))

    class Loader(BaseLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            return checked.source(environment, template)

        def load(self, environment: Any, name: str, globals: Any = None) -> Any:
            source, filename, uptodate = self.get_source(environment, name)
            code = checked.compiled.pop(name, None)
            if code is None:
                tree = checked.parsed.pop(name, None)  # compiled once: the tree is not kept
                code = environment.compile(tree if tree is not None else source, name, filename)
                cache = checked.to_cache.pop(name, None)
                if cache is not None:
                    cache.write(checked.references(name), code)
            return environment.template_class.from_code(
                environment, code, environment.make_globals(globals), uptodate
            )

    return ImmutableSandboxedEnvironment(loader=Loader(), **options)


def _options_key(environment_class: type, options: dict[str, Any]) -> str:
    """What, beside a template's text, its compiled code depends on."""
    import sys

    import jinja2

    named = {key: getattr(value, "__qualname__", value) for key, value in options.items()}
    return repr(
        (jinja2.__version__, sys.implementation.cache_tag, environment_class.__qualname__, named)
    )


def _bundled_root() -> str:
    """The folder of the templates shipped with ecodigital."""
    import os

    from ecodigital.resources import data_dir

    return os.path.realpath(data_dir("templates"))


def _cache_folder() -> Path:
    """Where the bundled templates' code is kept: beside this module's bytecode."""
    return Path(__file__).parent / "__pycache__"


def _is_bundled(folder: str) -> bool:
    """Whether ``folder`` holds templates shipped with ecodigital (never a user's)."""
    import os

    root = _bundled_root()
    return os.path.commonpath([root, os.path.realpath(folder)]) == root


class _CompiledCache:
    """The compiled code of one bundled template, kept in this module's ``__pycache__``.

    Not beside the template: the wheel copies the template folders as they are,
    and would ship a checkout's cache with them. The file is named after the
    template and by the digest of its path and text and of the environment's
    options, Jinja's version and Python's bytecode tag: an edited template, an
    upgrade or another Python compiles again. It holds what the loader needs
    without parsing: the names the template refers to (for the cycle check) and
    its code. Written only where Python would write bytecode (not with
    ``PYTHONDONTWRITEBYTECODE``); a cache that cannot be read or written is
    simply not used.
    """

    def __init__(self, path: str, text: str, options: str) -> None:
        import hashlib
        import os

        key = "\0".join((path, options, text)).encode("utf-8", "surrogatepass")
        digest = hashlib.blake2b(key, digest_size=12).hexdigest()
        name = os.path.relpath(os.path.realpath(path), _bundled_root())
        self._stem = "template-" + name.replace(os.sep, "-") + "-"
        self.path = _cache_folder() / f"{self._stem}{digest}.jinja"

    def read(self) -> tuple[tuple[str, ...], Any] | None:
        import marshal
        from types import CodeType

        try:
            references, code = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(code, CodeType) or not isinstance(references, tuple):
            return None
        if not all(isinstance(name, str) for name in references):
            return None
        return references, code

    def write(self, references: tuple[str, ...], code: Any) -> None:
        import contextlib
        import marshal
        import os
        import sys
        import tempfile

        if sys.dont_write_bytecode:
            return
        with contextlib.suppress(OSError, ValueError):
            self.path.parent.mkdir(exist_ok=True)
            for old in self.path.parent.glob(f"{self._stem}*.jinja"):
                old.unlink(missing_ok=True)  # the code of earlier versions of the template
            handle, name = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(marshal.dumps((references, code)))
                os.replace(name, self.path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(name)


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
