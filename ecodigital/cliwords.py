"""The command line's words: help texts and click's own messages, from the catalogue.

Every help text, option description and metavar lives in the ``cli`` namespace
of the catalogues (``ecodigital/i18n/fr.yaml`` and ``en.yaml``), not in the
code: a command's help is ``cli.cmd.<path>.help`` (``cli.cmd.factors.list.help``),
an option's ``cli.cmd.<path>.opt.<name>``, or ``cli.opt.<name>`` for an option
many commands share (``--lang``, ``--force``...). The language is chosen once
per run from the command line (``--lang``), else ``$ECODIGITAL_LANG``, else
French, before anything is parsed, so that ``--help`` and click's usage errors
are in that language too.

click words its own messages ("Usage:", "Missing argument", "No such
option"...) through :func:`gettext.gettext`; the modules of click are given a
lookup into ``cli.click``, whose English entries are click's messages exactly
as click writes them, so that the French entry of the same key replaces it.
Outside an ``ecodigital`` run the lookup gives click's text unchanged.

Only the standard library, click and :mod:`ecodigital.i18n` are imported, so
``ecodigital --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, Final, TypeVar

import click

from ecodigital.i18n import catalogue, resolve_lang

__all__ = [
    "CLICK_MESSAGES",
    "Argument",
    "Command",
    "Group",
    "Option",
    "argument",
    "current_lang",
    "lang_of_args",
    "name_keys",
    "option",
    "speaking",
]

_LANG: ContextVar[str | None] = ContextVar("ecodigital_lang", default=None)


def lang_of_args(args: Sequence[str]) -> str:
    """The ``--lang`` given in ``args`` (before any ``--``), else $ECODIGITAL_LANG, else French."""
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return resolve_lang(chosen)


def current_lang() -> str:
    """The language of this run (set by :func:`speaking`), else the environment's."""
    return _LANG.get() or resolve_lang()


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Word help texts and click's messages in ``lang`` within this block."""
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


# --------------------------------------------------------------------------- catalogue lookups


def _entry(key: str | None, lang: str) -> Any:
    if key is None:
        return None
    entries = catalogue(lang)
    return entries.raw(key) if key in entries else None


class _Worded:
    """``help`` read from the catalogue key ``words_key`` in the language of the run."""

    words_key: str | None = None
    _help: str | None = None
    #: What follows ``words_key`` in the key of the help text (commands: ``.help``).
    _help_suffix = ".help"

    def _words_key(self) -> str | None:
        return self.words_key

    @property
    def help(self) -> str | None:
        base = self._words_key()
        key = f"{base}{self._help_suffix}" if base else None
        words = _entry(key, current_lang())
        if not isinstance(words, str):
            return self._help
        # the catalogue writes click's "keep these lines" mark as a line holding \b
        return words.replace("\\b\n", "\b\n")

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


def _metavar(name: str) -> str:
    """A metavar (``DOSSIER``, ``PATH``...) in the language of the run, when it has words."""
    words = _entry(f"cli.metavar.{name}", current_lang())
    return words if isinstance(words, str) else name


class _Formatter(click.HelpFormatter):
    """Headings punctuated as the language writes them ("Options :" in French)."""

    def write_heading(self, heading: str) -> None:
        colon = _entry("note.colon", current_lang())
        self.write(f"{'':>{self.current_indent}}{heading}{colon or ':'}\n")


class _Context(click.Context):
    formatter_class = _Formatter


class _HelpOption:
    """``--help`` worded in the language of each run (click keeps the option it made first)."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        help_option = super().get_help_option(ctx)  # type: ignore[misc]
        if help_option is not None:
            help_option.help = _gettext("Show this message and exit.")
        return help_option  # type: ignore[no-any-return]


class Command(_HelpOption, _Worded, click.Command):
    """A command whose help comes from the catalogue."""

    context_class = _Context

    def get_short_help_str(self, limit: int = 45) -> str:
        words = _entry(f"{self.words_key}.short" if self.words_key else None, current_lang())
        return words if isinstance(words, str) else super().get_short_help_str(limit)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [_metavar("OPTIONS") if piece == "[OPTIONS]" else piece for piece in pieces]


class Group(_HelpOption, _Worded, click.Group):
    """A group of commands whose help comes from the catalogue."""

    command_class = Command
    context_class = _Context

    def get_short_help_str(self, limit: int = 45) -> str:
        words = _entry(f"{self.words_key}.short" if self.words_key else None, current_lang())
        return words if isinstance(words, str) else super().get_short_help_str(limit)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        words = {"[OPTIONS]": _metavar("OPTIONS"), "COMMAND [ARGS]...": _metavar("COMMAND_ARGS")}
        return [words.get(piece, piece) for piece in super().collect_usage_pieces(ctx)]


Group.group_class = Group


class _WordedParam(_Worded):
    """A parameter's key: its command's own if the catalogue has one, else the shared one."""

    words_keys: tuple[str, str] | None = None

    def _words_key(self) -> str | None:
        if self.words_keys is None:
            return None
        own, shared = self.words_keys
        return own if own in catalogue(current_lang()) else shared


class Option(_WordedParam, click.Option):
    """An option whose help, default shown and metavar come from the catalogue."""

    _help_suffix = ""

    def get_help_extra(self, ctx: click.Context) -> Any:
        extra = super().get_help_extra(ctx)
        base = self._words_key()
        shown = _entry(f"{base}_default" if base else None, current_lang())
        if isinstance(shown, str):
            extra["default"] = shown
        return extra

    def make_metavar(self, ctx: click.Context) -> str:
        metavar = super().make_metavar(ctx)
        base, dots = (metavar[:-3], "...") if metavar.endswith("...") else (metavar, "")
        return _metavar(base.replace(" ", "_")) + dots


class Argument(_WordedParam, click.Argument):
    """A positional argument whose help and metavar come from the catalogue."""

    _help_suffix = ""

    def make_metavar(self, ctx: click.Context) -> str:
        metavar = super().make_metavar(ctx)
        optional = metavar.startswith("[") and metavar.endswith("]")
        core = metavar.strip("[]")
        base, dots = (core[:-3], "...") if core.endswith("...") else (core, "")
        worded = _metavar(base) + dots
        return f"[{worded}]" if optional else worded


_F = TypeVar("_F", bound=Callable[..., Any])


def option(*decls: str, **attrs: Any) -> Callable[[_F], _F]:
    """``click.option`` whose words come from the catalogue."""
    return click.option(*decls, cls=Option, **attrs)


def argument(*decls: str, **attrs: Any) -> Callable[[_F], _F]:
    """``click.argument`` whose words come from the catalogue."""
    return click.argument(*decls, cls=Argument, **attrs)


def name_keys(root: click.Group) -> None:
    """Give every command and parameter under ``root`` its catalogue key.

    A parameter takes its command's own key (``cli.cmd.<path>.opt.<name>``)
    when the catalogue has one, else the shared ``cli.opt.<name>`` (chosen
    when its words are first read, so that no catalogue is loaded here).
    """

    def visit(command: click.Command, key: str) -> None:
        if isinstance(command, _Worded):
            command.words_key = key
        for param in command.params:
            if isinstance(param, Option | Argument) and param.name:
                param.words_keys = (f"{key}.opt.{param.name}", f"cli.opt.{param.name}")
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                visit(sub, f"{key}.{name}")

    visit(root, "cli.cmd")


# --------------------------------------------------------------------------- click's own words


#: click's messages (its English text, as it writes it) -> their key in ``cli.click``; the
#: English catalogue holds the same text (a test checks it), the French one its words.
CLICK_MESSAGES: Final = {
    "Usage:": "usage",
    "Options": "options",
    "Commands": "commands",
    "Positional arguments": "positional",
    "Show this message and exit.": "help_option",
    "Show the version and exit.": "version_option",
    "default: {default}": "default",
    "env var: {var}": "env_var",
    "(dynamic)": "dynamic",
    "required": "required",
    "Error: {message}": "error",
    "Try '{command} {option}' for help.": "try_help",
    "Aborted!": "aborted",
    "Missing command.": "missing_command",
    "Missing argument": "missing_argument",
    "Missing option": "missing_option",
    "Missing parameter": "missing_parameter",
    "Missing {param_type}": "missing_param_type",
    "No such option {name!r}.": "no_such_option",
    "No such command {name!r}.": "no_such_command",
    "Did you mean {possibility}?": "did_you_mean",
    "Invalid value for {param_hint}: {message}": "invalid_value_for",
    "Invalid value: {message}": "invalid_value",
    "Got unexpected extra argument ({args})": "extra_arguments",
    "Option {name!r} does not take a value.": "option_no_value",
    "Option {name!r} requires an argument.": "option_requires",
    "{value!r} is not {choice}.": "not_choice",
    "{value} is not in the range {range}.": "not_in_range",
    "{value!r} is not a valid {number_type}.": "not_number",
    "{value!r} is not a valid UUID.": "not_uuid",
    "{value!r} is not a valid boolean. Recognized values: {states}": "not_boolean",
    "file": "word_file",
    "directory": "word_directory",
    "path": "word_path",
    "{name} {filename!r} does not exist.": "path_missing",
    "{name} {filename!r} is a file.": "path_is_file",
    "{name} {filename!r} is a directory.": "path_is_directory",
    "{name} {filename!r} is not readable.": "path_unreadable",
    "{name} {filename!r} is not writable.": "path_unwritable",
    "Could not open file {filename!r}: {message}": "cannot_open",
    "Error: invalid input": "invalid_input",
    "Repeat for confirmation": "repeat",
    "Error: The two entered values do not match.": "no_match",
    "Choose from:\n\t{choices}": "choose_from",
}


def _click_key(message: str) -> str | None:
    name = CLICK_MESSAGES.get(message)
    return f"cli.click.{name}" if name else None


def _gettext(message: str) -> str:
    lang = _LANG.get()
    if lang is None or lang == "en":
        return message
    key = _click_key(message)
    entry = _entry(key, lang)
    if isinstance(entry, Mapping):
        return str(entry["one"])
    return entry if isinstance(entry, str) else message


def _ngettext(singular: str, plural: str, n: int) -> str:
    lang = _LANG.get()
    if lang is None or lang == "en":
        return singular if n == 1 else plural
    entry = _entry(_click_key(singular), lang)
    if not isinstance(entry, Mapping):
        return singular if n == 1 else plural
    # the French rule: 0 and 1 take the singular
    return str(entry["one"] if abs(n) < 2 else entry["other"])


def _teach_click() -> None:
    """Route the messages of click's modules through :func:`_gettext`."""
    for name in (
        "click.core",
        "click.decorators",
        "click.exceptions",
        "click.formatting",
        "click.parser",
        "click.types",
        "click.termui",
    ):
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


_teach_click()
