"""The one error hierarchy of ecodigital.

Library code raises these; ``cli.py`` turns them into a one-line message and an
exit code in a single place. A good message says where (file and field path),
what is wrong, and what to do.
"""

from __future__ import annotations

__all__ = ["CheckFailed", "EcodigitalError", "InputError"]

EXIT_BAD_INPUT = 2
EXIT_CHECK_FAILED = 1


class EcodigitalError(Exception):
    """Base class of every error ecodigital reports to a user."""

    exit_code = EXIT_BAD_INPUT

    def message(self) -> str:
        return str(self)


class InputError(EcodigitalError):
    """Bad input: a file, a field in it, what is wrong and how to fix it.

    >>> str(InputError("d.yaml", "inventory[0].quantity", "must be > 0, got -1", "give 1 or more"))
    'd.yaml: inventory[0].quantity: must be > 0, got -1. Fix: give 1 or more'
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self, file: str | None, field: str | None, problem: str, fix: str | None = None
    ) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(self._format())

    def _format(self) -> str:
        where = ": ".join(part for part in (self.file, self.field) if part)
        text = f"{where}: {self.problem}" if where else self.problem
        if self.fix:
            text = f"{text.rstrip('.')}. Fix: {self.fix}"
        return text


class CheckFailed(EcodigitalError):
    """A check ran and did not pass (exit code 1)."""

    exit_code = EXIT_CHECK_FAILED
