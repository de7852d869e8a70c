"""Write RGESN answers back into a dossier without losing its comments or layout.

The dossier is read and written with ruamel.yaml in round-trip mode, so
comments, key order, quoting and flow mappings survive; only the answers that
change are touched. The result is validated as a dossier before it replaces
the file (atomically), so a bad answer never corrupts a dossier.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecodigital.errors import InputError

__all__ = ["RoundTripDossier"]

_ANSWER_KEYS = ("status", "justification", "action", "due", "owner")


class RoundTripDossier:
    """A dossier file open for editing its ``rgesn.answers``."""

    def __init__(self, path: Path) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        from ecodigital.dossier.load import MAX_DOSSIER_BYTES
        from ecodigital.fileio import read_text_limited

        self.path = Path(path)
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096
        self.yaml.indent(mapping=2, sequence=4, offset=2)
        text = read_text_limited(self.path, max_bytes=MAX_DOSSIER_BYTES, what="dossier")
        try:
            self.document = self.yaml.load(text)
        except YAMLError as exc:
            raise InputError(str(self.path), None, f"YAML error: {exc}") from None
        if not isinstance(self.document, dict):
            raise InputError(
                str(self.path), None, "is not a dossier", 'start from "ecodigital init"'
            )

    def answers(self) -> dict[str, dict[str, Any]]:
        """The current answers as plain dictionaries."""
        rgesn = self.document.get("rgesn") or {}
        answers = rgesn.get("answers") or {}
        return {str(k): dict(v) for k, v in answers.items() if isinstance(v, Mapping)}

    def _answers_node(self) -> Any:
        from ruamel.yaml.comments import CommentedMap

        if self.document.get("rgesn") is None:
            self.document["rgesn"] = CommentedMap()
        rgesn = self.document["rgesn"]
        if rgesn.get("answers") is None:
            rgesn["answers"] = CommentedMap()
        return rgesn["answers"]

    def set_answer(self, criterion_id: str, answer: Mapping[str, Any]) -> None:
        """Record ``answer`` (status, justification, action, due, owner) for a criterion."""
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        node = CommentedMap()
        for key in _ANSWER_KEYS:
            value = answer.get(key)
            if value is None or value == "":
                continue
            node[key] = value if isinstance(value, dt.date) else str(value)
        node.fa.set_flow_style()
        answers = self._answers_node()
        existing = next((k for k in answers if str(k) == criterion_id), None)
        if existing is None:
            answers[DoubleQuotedScalarString(criterion_id)] = node
        else:
            answers[existing] = node

    def text(self) -> str:
        buffer = io.StringIO()
        self.yaml.dump(self.document, buffer)
        return buffer.getvalue()

    def save(self) -> None:
        """Validate the edited dossier, then replace the file atomically."""
        from ecodigital.dossier.load import parse_dossier_text
        from ecodigital.fileio import write_atomic

        text = self.text()
        parse_dossier_text(text, self.path)
        write_atomic(self.path, text)
