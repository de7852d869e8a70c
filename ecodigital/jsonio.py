"""JSON as ecodigital writes it: one sanitiser and one canonical form for every output.

:func:`jsonable` turns a value into JSON types only (dates as ISO text, amounts
of money as decimal strings, numpy scalars as Python numbers, NaN and
infinities as ``null``); :func:`canonical_json` is the byte form a note's
digest is computed over (keys sorted, no insignificant whitespace, UTF-8).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["canonical_json", "dumps", "jsonable"]


def jsonable(value: Any) -> Any:
    """``value`` with only JSON types.

    >>> jsonable({"a": float("nan"), "b": Decimal("1.50"), "c": dt.date(2026, 1, 2)})
    {'a': None, 'b': '1.50', 'c': '2026-01-02'}
    """
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes of ``value``: sorted keys, compact separators, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def dumps(value: Any) -> str:
    """JSON for people and programs: UTF-8 text, no NaN, a final newline; objects and
    arrays indented by two spaces, but an array of numbers, strings, booleans and nulls
    on one line (the 100,000 values of an item column are one line, not 100,000).

    >>> print(dumps({"years": [2026, 2027], "items": [{"id": "a"}], "none": {}}), end="")
    {
      "years": [2026, 2027],
      "items": [
        {
          "id": "a"
        }
      ],
      "none": {}
    }
    """
    out: list[str] = []
    _indented(value, 0, out)
    out.append("\n")
    return "".join(out)


_SCALARS = (str, int, float, bool)
_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


def _indented(node: Any, level: int, out: list[str]) -> None:
    if isinstance(node, Mapping):
        if not node:
            out.append("{}")
            return
        inner = "\n" + "  " * (level + 1)
        out.append("{")
        for n, (key, item) in enumerate(node.items()):
            out.append(f"{',' if n else ''}{inner}{_key(key)}: ")
            _indented(item, level + 1, out)
        out.append("\n" + "  " * level + "}")
    elif isinstance(node, list | tuple):
        # the exact types first: one pass in C over 100,000 values
        if set(map(type, node)) <= _SCALAR_TYPES or all(
            item is None or isinstance(item, _SCALARS) for item in node
        ):
            out.append(
                json.dumps(node, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
            )
            return
        inner = "\n" + "  " * (level + 1)
        out.append("[")
        for n, item in enumerate(node):
            out.append(f"{',' if n else ''}{inner}")
            _indented(item, level + 1, out)
        out.append("\n" + "  " * level + "]")
    else:
        out.append(json.dumps(node, ensure_ascii=False, allow_nan=False))


def _key(key: Any) -> str:
    """An object key as :func:`json.dumps` writes it (a number or a boolean as text)."""
    if isinstance(key, str):
        return json.dumps(key, ensure_ascii=False)
    if not (key is None or isinstance(key, _SCALARS)):
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
    return json.dumps(json.dumps(key, allow_nan=False))
