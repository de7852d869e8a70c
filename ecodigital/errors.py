"""The one error hierarchy of ecodigital, and its exit codes.

Library code raises these; ``cli.py`` turns them into a one-line message and an
exit code in a single place. A good message says where (file and field path),
what is wrong, and what to do. Problems and fixes are given either as text or
as a :class:`~ecodigital.i18n.Msg` (a catalogue key and its parameters), which
is put into words in the language the user chose.

::

    EcodigitalError            exit 2  anything reported to a user in one line
    ├── InputError             exit 2  bad input: file, field, what is wrong, the fix
    │   ├── UnreadableFile     exit 2  a submitted note or dossier that cannot be read safely
    │   └── OutputError        exit 2  an output that cannot be written where asked
    ├── CheckFailed            exit 1  a check ran and did not pass
    └── ToolUnavailable        exit 4  a tool or library the command needs is missing or failed
        ├── MeasureError       exit 4  CodeCarbon could not start or write its file
        └── PdfUnavailable     exit 4  WeasyPrint or the system libraries it needs are missing

Inside the models' validators, :class:`FieldProblem` (a ``ValueError``, as
pydantic wants) carries the problem and its fix; the dossier loader turns it
into an :class:`InputError` with the file, the line and the field.

Any other exception is a bug in ecodigital: the CLI reports it with exit
code 3 (:data:`EXIT_INTERNAL_ERROR`), and shows the traceback only with
``ECODIGITAL_DEBUG=1``. ``ecodigital measure`` passes the measured command's
own exit code through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ecodigital.i18n import Msg

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CHECK_FAILED",
    "EXIT_INTERNAL_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TOOL_UNAVAILABLE",
    "CheckFailed",
    "EcodigitalError",
    "FieldProblem",
    "InputError",
    "MeasureError",
    "OutputError",
    "PdfUnavailable",
    "ToolUnavailable",
    "UnreadableFile",
]

EXIT_OK: Final = 0
EXIT_CHECK_FAILED: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL_ERROR: Final = 3
EXIT_TOOL_UNAVAILABLE: Final = 4
#: Ctrl-C, as shells report a process ended by SIGINT.
EXIT_INTERRUPTED: Final = 130


def _words(value: str | Msg, lang: str) -> str:
    return value if isinstance(value, str) else value.render(lang)


class EcodigitalError(Exception):
    """Base class of every error ecodigital reports to a user."""

    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, problem: str | Msg = "") -> None:
        self.problem = problem
        super().__init__(_words(problem, "en") if problem else "")

    def message(self, lang: str = "fr") -> str:
        """The one-line message in ``lang``."""
        return _words(self.problem, lang) if self.problem else str(self)

    def line(self, lang: str = "fr") -> str:
        """The message as the CLI prints it: ``Erreur : ...`` (``Error: ...`` in English)."""
        from ecodigital.i18n import text

        return f"{text('error.prefix', lang)} {self.message(lang)}"


class InputError(EcodigitalError):
    """Bad input: a file, a field in it, what is wrong and how to fix it.

    >>> str(InputError("d.yaml", "inventory[0].quantity", "must be > 0, got -1", "give 1 or more"))
    'd.yaml: inventory[0].quantity: must be > 0, got -1. Fix: give 1 or more'
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        file: str | None,
        field: str | Msg | None,
        problem: str | Msg,
        fix: str | Msg | None = None,
    ) -> None:
        self.file = file
        self.field = field
        self.fix = fix
        super().__init__(problem)
        self.args = (self.message("en"),)

    def message(self, lang: str = "fr") -> str:
        field = _words(self.field, lang) if self.field is not None else None
        where = ": ".join(part for part in (self.file, field) if part)
        problem = _words(self.problem, lang)
        text = f"{where}: {problem}" if where else problem
        if self.fix:
            text = f"{text.rstrip('.')}. {self._fix_word(lang)} {_words(self.fix, lang)}"
        return text

    def __str__(self) -> str:
        return self.message("en")

    def _fix_word(self, lang: str) -> str:
        from ecodigital.i18n import text

        return text("error.fix", lang)


class UnreadableFile(InputError):
    """A submitted file that cannot be read safely (one file of a batch)."""


class OutputError(InputError):
    """An output that cannot be written where asked (permission, disk full, not a file)."""


class FieldProblem(ValueError):
    """A validator's problem with a value, and how to fix it (read by the dossier loader)."""

    def __init__(
        self,
        problem: str | Msg,
        fix: str | Msg | None = None,
        loc: tuple[str | int, ...] = (),
    ) -> None:
        super().__init__(_words(problem, "en"))
        self.problem = problem
        self.fix = fix
        #: Where the problem is, when a model-level check finds it (pydantic gives none).
        self.loc = loc


class CheckFailed(EcodigitalError):
    """A check ran and did not pass (exit code 1)."""

    exit_code = EXIT_CHECK_FAILED


class ToolUnavailable(EcodigitalError):
    """A tool or library the command needs is missing or failed (exit code 4)."""

    exit_code = EXIT_TOOL_UNAVAILABLE


class MeasureError(ToolUnavailable):
    """CodeCarbon could not start or write its file."""


class PdfUnavailable(ToolUnavailable):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""
