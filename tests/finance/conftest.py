"""Fixtures of the financing-check tests (helpers live in tests/finance_support.py)."""

from finance_support import write_dossier

__all__ = ["write_dossier"]
