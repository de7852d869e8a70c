"""Write RGESN answers back into a dossier, changing those answers and nothing else.

The dossier is read with ruamel.yaml in round-trip mode and each answer is
edited in place: a field that keeps its value is not touched, a changed
field keeps its quoting (a ``"quoted"`` text stays quoted), a new field takes
the quoting of its neighbours, and a new answer is inserted in criterion
order, on one line like the others.

ruamel.yaml may still lay out other parts of a file its own way when it
writes it back (a long line folded, a comment moved). So the new text is not
taken as it is: it is compared line by line with the file as read, and only
the changes inside the answers that were edited (or, for a new answer, inside
the block of answers) are kept; every other line is the file's own, byte for
byte, with its line endings and byte-order mark. The result is validated as
a dossier, and checked to hold exactly the intended answers, before it
replaces the file through :func:`ecodigital.fileio.write_atomic`, which
keeps the file's mode and, for a symbolic link, writes to its target.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = ["ANSWER_KEYS", "RoundTripDossier", "normalise_answer"]

ANSWER_KEYS: Final = ("status", "justification", "action", "due", "owner")
_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_BOM: Final = "\ufeff"


def normalise_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an answer that have a value: texts stripped, dates as dates."""
    out: dict[str, Any] = {}
    for key in ANSWER_KEYS:
        value = answer.get(key)
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            value = value.strip()
            if key == "due" and value:
                with contextlib.suppress(ValueError):
                    value = dt.date.fromisoformat(value)
        if value == "":
            continue
        out[key] = value if isinstance(value, dt.date) else str(value).strip()
    return out


def _split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their own endings (``\\r\\n``, ``\\n`` or ``\\r``)."""
    lines = _LINE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _read_dossier(path: Path) -> tuple[str, bool]:
    """The dossier's text as written (line endings kept) and whether it starts with a BOM."""
    from ecodigital.fileio import read_input_bytes

    data = read_input_bytes(path, "dossier")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            str(path),
            None,
            Msg("rgesn.file.not_utf8", {"byte": exc.start}),
            Msg("rgesn.file.not_utf8_fix"),
        ) from None
    bom = text.startswith(_BOM)
    return (text[1:] if bom else text), bom


class RoundTripDossier:
    """A dossier file open for editing its ``rgesn.answers``."""

    def __init__(self, path: Path) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        self.path = Path(path)
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096
        self.yaml.indent(mapping=2, sequence=4, offset=2)
        self._raw, self._bom = _read_dossier(self.path)
        self._lines = _split_lines(self._raw)
        normalised = "".join(line.rstrip("\r\n") + "\n" for line in self._lines)
        try:
            self.document = self.yaml.load(normalised)
        except YAMLError as exc:
            raise InputError(
                str(self.path), None, Msg("rgesn.file.yaml", {"why": str(exc)})
            ) from None
        if not isinstance(self.document, dict):
            raise InputError(
                str(self.path),
                None,
                Msg("rgesn.file.not_dossier"),
                Msg("rgesn.file.not_dossier_fix"),
            )
        self._touched: dict[str, dict[str, Any]] = {}
        self._extents = self._answer_extents()

    # ------------------------------------------------------------------ reading

    def answers(self) -> dict[str, dict[str, Any]]:
        """The current answers as plain dictionaries."""
        rgesn = self.document.get("rgesn") or {}
        answers = rgesn.get("answers") or {} if isinstance(rgesn, Mapping) else {}
        return {str(k): dict(v) for k, v in answers.items() if isinstance(v, Mapping)}

    def _answer_extents(self) -> dict[str, tuple[int, int]] | None:
        """Line ranges ``[start, end)`` of the answers as read; None unless they are a block."""
        from ruamel.yaml.comments import CommentedMap

        rgesn = self.document.get("rgesn")
        answers = rgesn.get("answers") if isinstance(rgesn, CommentedMap) else None
        if not isinstance(answers, CommentedMap) or not answers or answers.fa.flow_style():
            return None
        if rgesn.fa.flow_style():
            return None
        extents: dict[str, tuple[int, int]] = {}
        for key in answers:
            line, column = answers.lc.key(key)
            end = line + 1
            last = end
            while end < len(self._lines):
                text = self._lines[end].rstrip("\r\n")
                if text.strip():
                    if len(text) - len(text.lstrip(" ")) <= column:
                        break
                    last = end + 1
                end += 1
            extents[str(key)] = (line, last)
        return extents

    # ------------------------------------------------------------------ editing

    def _answers_node(self) -> Any:
        from ruamel.yaml.comments import CommentedMap

        if self.document.get("rgesn") is None:
            self.document["rgesn"] = CommentedMap()
        rgesn = self.document["rgesn"]
        if rgesn.get("answers") is None:
            rgesn["answers"] = CommentedMap()
        return rgesn["answers"]

    def set_answer(self, criterion_id: str, answer: Mapping[str, Any]) -> bool:
        """Make the criterion's answer ``answer``; whether anything changed.

        Fields that keep their value are left as written; a changed field keeps
        its quoting; a field given empty is removed.
        """
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        wanted = normalise_answer(answer)
        answers = self._answers_node()
        existing = next((k for k in answers if str(k) == criterion_id), None)
        node = answers[existing] if existing is not None else None
        if isinstance(node, Mapping) and normalise_answer(node) == wanted:
            return False
        if not isinstance(node, CommentedMap):
            node = CommentedMap()
            node.fa.set_flow_style()
            if existing is None:
                answers.insert(
                    _position(answers, criterion_id), DoubleQuotedScalarString(criterion_id), node
                )
            else:
                answers[existing] = node
        for key in ANSWER_KEYS:
            if key not in wanted:
                if key in node:
                    del node[key]
                continue
            value = wanted[key]
            if key in node:
                if normalise_answer({key: node[key]}).get(key) != value:
                    node[key] = _styled(key, value, node[key], node, answers)
            else:
                before = sum(1 for k in ANSWER_KEYS[: ANSWER_KEYS.index(key)] if k in node)
                node.insert(before, key, _styled(key, value, None, node, answers))
        self._touched[criterion_id] = wanted
        return True

    # ------------------------------------------------------------------ writing

    def _dumped(self) -> str:
        buffer = io.StringIO()
        self.yaml.dump(self.document, buffer)
        return buffer.getvalue()

    def text(self) -> str:
        """The dossier's new text: the file as read, but for the answers changed."""
        dumped = _split_lines(self._dumped())
        original = [line.rstrip("\r\n") for line in self._lines]
        if self._extents is None:
            return "".join(line.rstrip("\r\n") + self._newline() for line in dumped)
        touched = [self._extents[i] for i in self._touched if i in self._extents]
        points = self._insertion_points()
        matcher = difflib.SequenceMatcher(
            None, original, [line.rstrip("\r\n") for line in dumped], autojunk=False
        )
        out: list[str] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out.extend(self._lines[i1:i2])
                continue
            keep = any(i1 < end and start < max(i2, i1 + 1) for start, end in touched)
            keep = keep or any(i1 <= point <= i2 for point in points)
            if keep:
                out.extend(line.rstrip("\r\n") + self._newline() for line in dumped[j1:j2])
            else:
                out.extend(self._lines[i1:i2])
        return "".join(out)

    def _insertion_points(self) -> list[int]:
        """The line before which each new answer goes: after the answer it follows as read."""
        assert self._extents is not None
        points = []
        order = [str(key) for key in self._answers_node()]
        for criterion_id in self._touched:
            if criterion_id in self._extents:
                continue
            before = [k for k in order[: order.index(criterion_id)] if k in self._extents]
            if before:
                points.append(self._extents[before[-1]][1])
            else:
                points.append(min(start for start, _ in self._extents.values()))
        return points

    def _newline(self) -> str:
        endings = [line[len(line.rstrip("\r\n")) :] for line in self._lines]
        crlf = sum(1 for e in endings if e == "\r\n")
        return "\r\n" if crlf > len(endings) / 2 else "\n"

    @property
    def changed(self) -> list[str]:
        """The criteria whose answer was changed, in the order they were set."""
        return list(self._touched)

    def save(self) -> None:
        """Validate the edited dossier, then replace the file (keeping its mode and link)."""
        from ecodigital.dossier.load import parse_dossier_text
        from ecodigital.fileio import write_atomic

        text = self.text()
        loaded = parse_dossier_text(text.replace("\r\n", "\n"), self.path)
        if not self._holds(loaded.model, text):
            # The merge of lines lost something: write ruamel's whole text instead.
            text = "".join(
                line.rstrip("\r\n") + self._newline() for line in _split_lines(self._dumped())
            )
            parse_dossier_text(text.replace("\r\n", "\n"), self.path)
        write_atomic(self.path, (_BOM if self._bom else "") + text)

    def _holds(self, model: Any, text: str) -> bool:
        """Whether the new text holds every intended answer and the untouched ones as read."""
        got = {
            k: normalise_answer(v.model_dump())
            for k, v in (model.rgesn.answers if model.rgesn else {}).items()
        }
        wanted = {k: normalise_answer(v) for k, v in self.answers().items()}
        return got == wanted


def _position(answers: Mapping[Any, Any], criterion_id: str) -> int:
    """Where a new answer goes: after the last one that comes before it in the reference."""

    def key(value: str) -> tuple[int, ...]:
        try:
            return tuple(int(part) for part in value.split("."))
        except ValueError:
            return (10**6,)

    new = key(criterion_id)
    position = 0
    for index, existing in enumerate(answers):
        if key(str(existing)) < new:
            position = index + 1
    return position


def _text_style(values: Any) -> type | None:
    """The quoting type of the first quoted text among ``values``, if any."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    for value in values:
        if isinstance(value, DoubleQuotedScalarString | SingleQuotedScalarString):
            return type(value)
    return None


def _styled(
    key: str, value: Any, old: Any, node: Mapping[str, Any], answers: Mapping[Any, Any]
) -> Any:
    """``value`` quoted as ``old`` was; a new text as the answer's (or the file's) other texts."""
    from ruamel.yaml.scalarstring import ScalarString

    if isinstance(value, dt.date):
        return value
    if isinstance(old, ScalarString):
        return type(old)(value)
    if key == "status":
        return value  # a code: plain, unless it was quoted
    texts = [v for k, v in node.items() if k not in ("status", "due")]
    style = _text_style(texts)
    if style is None and not texts:
        style = _text_style(
            v
            for other in answers.values()
            if isinstance(other, Mapping)
            for k, v in other.items()
            if k not in ("status", "due")
        )
    return style(value) if style is not None else value
