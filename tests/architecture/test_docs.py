"""The pages that describe the commands cannot go stale: they are made from the commands."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_the_commands_help(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ECODIGITAL_LANG", "en")
    reference = _script("cli_reference").reference()
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == reference, (
        "docs/cli.md is out of date: run python scripts/cli_reference.py"
    )
    for command in ("assess", "note", "verify", "measurements summarize", "factors show"):
        assert f"## `ecodigital {command}`" in reference
