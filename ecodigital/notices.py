"""Warnings returned as data: an assumption or default the tool applied, with a stable code.

Every layer that assumes something (the engine's defaults, the grid's source,
measurements, uncertainty) returns a :class:`Notice`; reports show each one,
in words chosen by its code (the catalogue's ``warning.<CODE>``), and
``docs/warnings.md`` explains every code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Notice"]


@dataclass(frozen=True)
class Notice:
    """An assumption or default applied, as data with a stable code.

    ``message`` is the English sentence for developers and logs; people read
    the catalogue's words for ``code``, filled with ``params``. ``items`` are
    the ids of the inventory items concerned.
    """

    code: str
    message: str
    items: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "items": list(self.items),
            "params": self.params,
        }
