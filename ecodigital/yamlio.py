"""Strict YAML for every file a user writes: dossiers, rules files, scenarios, measurements.

One loader, with the same guards on every path (``assess``, ``validate``,
``finance``, ``note``...):

- the document is composed once and checked before any Python object is
  built: nesting deeper than :data:`MAX_DEPTH` levels, more than
  :data:`MAX_EXPANDED_NODES` values once anchors and aliases are expanded
  (a "billion laughs"), a recursive alias, and a key given twice in one
  mapping (with both line numbers: YAML would silently keep the last);
- a NUL byte or a byte that is not UTF-8 is reported with its line and
  column (by :func:`ecodigital.fileio.decode_text`);
- syntax errors name the line and column.

:func:`where` finds the line of a field for error messages, and
:func:`suggest` the "did you mean" of a misspelt name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "YamlDocument",
    "closest",
    "load_yaml",
    "read_yaml",
    "suggest",
    "where",
]

#: Deepest nesting of mappings and lists accepted (a dossier needs 6).
MAX_DEPTH: Final = 64
#: Largest number of values a document may expand to through anchors and aliases.
MAX_EXPANDED_NODES: Final = 2_000_000
_MERGE_KEY: Final = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class YamlDocument:
    """A checked YAML document: its data and its node tree (for line numbers)."""

    path: Path
    data: Any
    root: Any

    def where(self, loc: Sequence[str | int]) -> str:
        """``file:line`` of the field at ``loc`` (or of its nearest parent)."""
        return where(self.path, self.root, loc)


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path | str, kind: str) -> YamlDocument:
    """Read (:func:`ecodigital.fileio.read_input_text`) and load the YAML file ``path``."""
    from ecodigital.fileio import read_input_text

    path = Path(path)
    return load_yaml(read_input_text(path, kind), path)


def load_yaml(text: str, path: Path | str) -> YamlDocument:
    """Compose ``text``, check it (depth, aliases, duplicate keys), then build its data.

    ``path`` names the document in errors.
    """
    import yaml

    path = Path(path)
    if "\x00" in text:
        from ecodigital.fileio import decode_text

        decode_text(text.encode("utf-8"), str(path))  # raises with the NUL's position
    loader = _loader_class()(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(path, exc) from None
        except yaml.YAMLError:
            raise _other_error(path) from None
        if root is None:
            return YamlDocument(path, None, None)
        _check_nodes(path, root)
        try:
            data = loader.construct_document(root)
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(path, exc) from None
        except yaml.YAMLError:
            raise _other_error(path) from None
    finally:
        loader.dispose()
    return YamlDocument(path, data, root)


#: PyYAML's problems (its words, C and Python parsers) -> the key of ours.
_YAML_PROBLEMS: Final = (
    ("mapping values are not allowed", "colon"),
    ("cannot start any token", "token"),
    ("could not find expected ':'", "missing_colon"),
    ("did not find expected key", "indent"),
    ("did not find expected '-' indicator", "list_indent"),
    ("expected ',' or ']'", "bracket"),
    ("expected ',' or '}'", "brace"),
    ("found undefined alias", "alias"),
    ("end of stream", "end"),
)


def _other_error(path: Path) -> InputError:
    return InputError(
        str(path),
        None,
        Msg("input.yaml.error", {"problem": Msg("input.yaml.problem.other")}),
        Msg("input.yaml.syntax_fix"),
    )


def _syntax_error(path: Path, exc: Any) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    where_text = f"{path}:{mark.line + 1}" if mark is not None else str(path)
    words = f"{exc.problem or ''} {exc.context or ''}"
    name = next((key for found, key in _YAML_PROBLEMS if found in words), "other")
    if name == "end" and "quoted" in words:
        name = "quote"
    return InputError(
        where_text,
        None,
        Msg(
            "input.yaml.syntax",
            {
                "problem": Msg(f"input.yaml.problem.{name}"),
                "column": mark.column + 1 if mark is not None else "?",
            },
        ),
        Msg("input.yaml.syntax_fix"),
    )


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_nodes(path: Path, root: Any) -> None:
    """Depth, expanded size, recursive aliases and duplicate keys, without recursion."""
    import yaml

    in_progress = -1
    height: dict[int, int] = {}
    size: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if not done:
            if key in height:
                continue  # shared through an alias: counted once, expanded in size
            height[key] = in_progress
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in height)
            if isinstance(node, yaml.MappingNode):
                _check_duplicates(path, node)
            continue
        if any(height.get(id(child)) == in_progress for child in children):
            raise InputError(
                f"{path}:{node.start_mark.line + 1}",
                None,
                Msg("input.yaml.recursive"),
                Msg("input.yaml.aliases_fix"),
            )
        height[key] = 1 + max((height[id(child)] for child in children), default=0)
        if height[key] > MAX_DEPTH:
            raise InputError(
                f"{path}:{node.start_mark.line + 1}",
                None,
                Msg("input.yaml.too_deep", {"limit": MAX_DEPTH}),
                Msg("input.yaml.too_deep_fix"),
            )
        size[key] = min(1 + sum(size[id(child)] for child in children), MAX_EXPANDED_NODES + 1)
    if size[id(root)] > MAX_EXPANDED_NODES:
        raise InputError(
            str(path),
            None,
            Msg("input.yaml.aliases", {"limit": float(MAX_EXPANDED_NODES)}),
            Msg("input.yaml.aliases_fix"),
        )


def _check_duplicates(path: Path, node: Any) -> None:
    import yaml

    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_KEY:
            continue
        line = key.start_mark.line + 1
        name = f"{key.tag}\x00{key.value}"
        if name in seen:
            raise InputError(
                f"{path}:{line}",
                None,
                Msg("input.yaml.duplicate", {"key": key.value, "first": seen[name], "line": line}),
                Msg("input.yaml.duplicate_fix"),
            )
        seen[name] = line


def where(path: Path | str, root: Any, loc: Sequence[str | int]) -> str:
    """``file:line`` of the YAML node at ``loc`` (or its nearest parent); ``file`` if none."""
    import yaml

    node = root
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((kv for kv in node.value if getattr(kv[0], "value", None) == part), None)
            if pair is None:
                break
            line = pair[0].start_mark.line + 1
            node = pair[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return f"{path}:{line}" if line else str(path)


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The choice closest to ``value`` (case-insensitive), if one is close enough."""
    by_folded = {choice.casefold(): choice for choice in choices}
    matches = difflib.get_close_matches(str(value).casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None


def suggest(value: object, choices: Iterable[str]) -> Msg | str:
    """`` (did you mean "x"?)`` for the closest choice (in the reader's language), or ``""``."""
    match = closest(value, choices)
    return Msg("input.did_you_mean", {"match": match}) if match else ""
