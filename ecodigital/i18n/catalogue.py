"""The catalogues themselves: loading, lookup, plurals, and sentences kept for later.

See :mod:`ecodigital.i18n` for how the catalogue is organised.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any, Final

from ecodigital.i18n.numbers import format_count, format_number

__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "LANG_VARIABLE",
    "Catalogue",
    "Count",
    "Msg",
    "and_more",
    "catalogue",
    "label",
    "placeholders",
    "plural_form",
    "resolve_lang",
    "text",
    "warning_codes",
    "warning_text",
]

LANGUAGES: Final = ("fr", "en")
DEFAULT_LANG: Final = "fr"
#: The environment variable that chooses the language when no --lang is given.
LANG_VARIABLE: Final = "ECODIGITAL_LANG"
_PLURAL_FORMS: Final = frozenset({"one", "other"})


def resolve_lang(lang: str | None = None) -> str:
    """``lang`` if given, else ``$ECODIGITAL_LANG``, else French; unknown values give French."""
    chosen = lang or os.environ.get(LANG_VARIABLE) or DEFAULT_LANG
    return chosen if chosen in LANGUAGES else DEFAULT_LANG


@dataclass(frozen=True)
class Msg:
    """A sentence to show later, in a language not chosen yet: a key and its parameters.

    Library code raises errors and returns warnings with these; the CLI (or a
    renderer) turns them into words with :meth:`render`.
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        """The sentence in ``lang`` (parameters that are a ``Msg`` are put in words first)."""
        params = {
            name: value.render(lang) if isinstance(value, Msg) else value
            for name, value in self.params.items()
        }
        return text(self.key, lang, **params)


def _flatten(tree: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and not _is_plural(value):
            _flatten(value, f"{name}.", out)
        else:
            out[name] = value


def _is_plural(value: Mapping[str, Any]) -> bool:
    return bool(value) and set(value) <= _PLURAL_FORMS and "other" in value


class Catalogue:
    """The entries of one language, by dotted key."""

    def __init__(self, lang: str, tree: Mapping[str, Any]) -> None:
        self.lang = lang
        self._tree = tree
        self._entries: dict[str, Any] = {}
        _flatten(tree, "", self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def raw(self, key: str) -> Any:
        """The entry as written (text, list, or ``{one, other}``); KeyError when missing."""
        return self._entries[key]

    def section(self, prefix: str) -> dict[str, Any]:
        """The subtree under ``prefix`` (a copy, nested as written), for templates."""
        import copy

        node: Any = self._tree
        for part in prefix.split("."):
            node = node[part]
        return dict(copy.deepcopy(node))

    def text(self, key: str, /, **params: object) -> str:
        """The sentence of ``key`` filled with ``params`` (see the module docstring)."""
        entry = self._entries[key]
        if isinstance(entry, Mapping):
            entry = entry["one"] if _takes_singular(params.get("n"), self.lang) else entry["other"]
        if not isinstance(entry, str):
            raise TypeError(f"catalogue entry {key!r} is not text")
        if not params:
            # a template filled later by its caller; a literal brace is written doubled
            return entry if "{{" not in entry and "}}" not in entry else entry.format()
        return entry.format(**{name: _shown(value, self.lang) for name, value in params.items()})


def plural_form(entry: Any, n: object, lang: str) -> Any:
    """The form of a ``{one, other}`` entry for ``n`` in ``lang`` (any other entry as it is)."""
    if isinstance(entry, Mapping) and _is_plural(entry):
        return entry["one"] if _takes_singular(n, lang) else entry["other"]
    return entry


def _takes_singular(n: object, lang: str) -> bool:
    if not isinstance(n, int | float) or isinstance(n, bool):
        return False
    return abs(n) < 2 if lang == "fr" else n == 1


class Count(int):
    """A whole number shown in a message with the language's thousands separator
    (``62 914 560`` in French, ``62,914,560`` in English); other integers (years,
    line numbers, seeds) are shown as they are."""

    __slots__ = ()


def _shown(value: object, lang: str) -> object:
    if isinstance(value, Count):
        return format_count(value, lang)
    if isinstance(value, float):
        return format_number(value, lang, trim=True)
    if isinstance(value, list | tuple):
        return ", ".join(str(_shown(item, lang)) for item in value)
    return value


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (read once per process)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return Catalogue(lang, _read_tree(Path(__file__).with_name(f"{lang}.yaml")))


def _read_tree(path: Path) -> Any:
    """The YAML catalogue at ``path``, through a cache in ``__pycache__`` as Python's own.

    Parsing the YAML (and importing PyYAML) is most of what ``ecodigital
    --help`` costs; the tree is kept as JSON beside the compiled modules,
    named by the length and CRC-32 of the YAML's bytes, so that an edited
    catalogue is always read again. The cache is written only where Python
    would write its bytecode (not with ``PYTHONDONTWRITEBYTECODE``), and a
    cache that cannot be read or written is simply not used.

    The name detects a change, as Python's own bytecode check does; it is no
    defence, for whoever can write the catalogue can write the code. zlib is
    loaded already, where hashlib's OpenSSL would add a tenth of ``--help``'s
    time.
    """
    import json
    import sys
    import zlib

    data = path.read_bytes()
    digest = f"{len(data)}-{zlib.crc32(data):08x}"
    cached = path.parent / "__pycache__" / f"{path.stem}.catalogue-{digest}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    tree = yaml.load(data.decode("utf-8"), Loader=loader)
    if not sys.dont_write_bytecode:
        _write_cache(cached, tree)
    return tree


def _write_cache(cached: Path, tree: Any) -> None:
    import contextlib
    import json
    import tempfile

    with contextlib.suppress(OSError, TypeError, ValueError):
        cached.parent.mkdir(exist_ok=True)
        for old in cached.parent.glob(cached.name.split("-", 1)[0] + "-*.json"):
            old.unlink(missing_ok=True)  # the caches of earlier versions of the catalogue
        handle, name = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(tree, out, ensure_ascii=False)
        os.replace(name, cached)


def text(key: str, lang: str, /, **params: object) -> str:
    """The sentence of ``key`` in ``lang``, filled with ``params``."""
    return catalogue(lang).text(key, **params)


def placeholders(entry: Any) -> frozenset[str]:
    """The ``{names}`` an entry uses (every form of a plural)."""
    forms = entry.values() if isinstance(entry, Mapping) else [entry]
    names: set[str] = set()
    for form in forms:
        if isinstance(form, str):
            names.update(name for _, name, _, _ in Formatter().parse(form) if name)
    return frozenset(names)


# --------------------------------------------------------------------------- shorthands


def label(key: str, lang: str = DEFAULT_LANG) -> str:
    """The word for a vocabulary key (a tier, phase, criterion, quality...); the key if none."""
    entries = catalogue(lang)
    return entries.text(f"label.{key}") if f"label.{key}" in entries else key


def and_more(n: int, lang: str = DEFAULT_LANG) -> str:
    """ "and N more", singular for one."""
    return text("label.and_more", lang, n=n)


def warning_text(code: str, params: Mapping[str, object], lang: str = DEFAULT_LANG) -> str:
    """A warning's sentence in ``lang``, filled with its parameters (phases in words)."""
    values = dict(params)
    entries = catalogue(lang)
    if "n" not in values and isinstance(values.get("count"), int):
        values["n"] = values["count"]  # a warning's count chooses its plural
    if "phase" in values:
        values["phase"] = label(str(values["phase"]), lang).lower()
    # a reason given by its code (``not_number``) is put in words
    if isinstance(values.get("reason"), str) and f"reason.{values['reason']}" in entries:
        values["reason"] = entries.text(f"reason.{values['reason']}")
    key = f"warning.{code}"
    if key not in entries:
        raise KeyError(f"warning code {code!r} has no sentence in the {lang} catalogue")
    return entries.text(key, **values)


def warning_codes() -> tuple[str, ...]:
    """Every warning code with a sentence in the catalogue."""
    return tuple(catalogue(DEFAULT_LANG).section("warning"))
