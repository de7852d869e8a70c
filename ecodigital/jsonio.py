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
    """JSON for people and programs: indented, UTF-8 text, no NaN, a final newline."""
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
