"""What every section of the note shares: its words, and figures that know where they come from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from string import Formatter
from typing import Any, Final

from ecodigital.assessment.results import Results
from ecodigital.report.views import Sentence, Shown, render, show

__all__ = ["Page", "load_messages"]

_FIELD: Final = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def load_messages(lang: str, template_dirs: Sequence[Path] = ()) -> dict[str, Any]:
    """The note's words in ``lang`` (the catalogue's ``note.*``), overlaid by
    ``messages/<lang>.yaml`` of any user template folder."""
    from ecodigital.i18n import catalogue
    from ecodigital.report.templating import read_template_messages

    messages: dict[str, Any] = catalogue(lang).section("note")
    for folder in template_dirs:
        messages.update(read_template_messages(Path(folder), lang))
    return messages


class Page:
    """The results, the language and the words a section is written with."""

    def __init__(self, results: Results, lang: str, t: Mapping[str, Any]) -> None:
        self.results = results
        self.lang = lang
        self.t = t

    def fig(self, path: str, view: str = "value") -> Shown:
        """The value at ``path`` written in ``view``, with its path."""
        return show(self.results, path, view, self.lang)

    def value(self, value: Any, view: str, path: str | None = None) -> Shown:
        """A value at hand written in ``view`` (``path``: where the results hold it)."""
        return Shown(render(value, view, self.lang), path, view)

    def words(self, key: str) -> str:
        return str(self.t[key])

    def fill(self, key: str, **params: Any) -> Sentence:
        """The sentence ``key`` with its ``{fields}`` filled; figures keep their paths."""
        template = self.words(key)
        names = {name for _, name, _, _ in Formatter().parse(template) if name}
        missing = names - set(params)
        if missing:
            raise KeyError(f"note message {key!r} needs {sorted(missing)}")
        parts: list[str | Shown] = []
        position = 0
        for match in _FIELD.finditer(template):
            parts.append(template[position : match.start()])
            value = params[match.group(1)]
            parts.append(value if isinstance(value, Shown) else str(value))
            position = match.end()
        parts.append(template[position:])
        return Sentence(tuple(part for part in parts if part != ""))
