"""The examples in the package's docstrings run, and say what they show."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ecodigital"


def _module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_docstring_example_runs() -> None:
    attempted = 0
    failed = []
    for name in _module_names():
        if name == "ecodigital.__main__":
            continue
        module = importlib.import_module(name)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
        attempted += result.attempted
        if result.failed:
            failed.append(f"{name}: {result.failed} of {result.attempted}")
    assert failed == []
    assert attempted >= 20  # the examples exist: a check that sees none would pass anything
