"""Every command speaks one language: French by default, English with --lang en.

Each command is run with ``--help`` and with a bad input, under the default
language and under English (``--lang en`` where the command has it,
``ECODIGITAL_LANG=en`` otherwise); the detector of ``tests/language.py``
(itself tested in ``tests/i18n/test_language_detector.py``) must find no
sentence of the other language in what the command prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from language import english_lines, french_lines
from support import base_dossier, write_yaml

from ecodigital.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def command_of(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


ALL_COMMANDS = list(commands(cli))


def speaks(
    path: tuple[str, ...], args: list[str], lang: str, tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """The exit code and what the command prints (stdout and stderr) in ``lang``."""
    takes_lang = any(p.name == "lang" for p in command_of(path).params)
    env = {"ECODIGITAL_LANG": None}
    if lang == "en" and not takes_lang:
        env = {"ECODIGITAL_LANG": "en"}
    elif lang == "en":
        args = ["--lang", "en", *args]
    monkeypatch.chdir(tmp)
    result = CliRunner().invoke(cli, [*path, *args], env=env, prog_name="ecodigital")
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def assert_speaks(output: str, lang: str) -> None:
    other = english_lines(output) if lang == "fr" else french_lines(output)
    assert other == [], f"{len(other)} line(s) not in {lang}:\n" + "\n".join(other)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "ecodigital")
def test_help_speaks_one_language(
    path: tuple[str, ...], lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = speaks(path, ["--help"], lang, tmp_path, monkeypatch)
    assert code == 0, output
    assert output.startswith("Utilisation :" if lang == "fr" else "Usage:"), output
    example = "Exemple" if lang == "fr" else "Example"
    assert example in output or isinstance(command_of(path), click.Group), output
    assert_speaks(output, lang)


# --------------------------------------------------------------------------- bad inputs


def _bad_dossier(tmp: Path) -> str:
    data = base_dossier()
    data["inventory"][0]["kind"] = "ordinateur portable"
    return str(write_yaml(tmp / "bad.yaml", data))


def _no_budget(tmp: Path) -> str:
    return str(write_yaml(tmp / "no-budget.yaml", base_dossier()))


def _not_csv(tmp: Path) -> str:
    path = tmp / "emissions.csv"
    path.write_text("name,value\nx,1\n", encoding="utf-8")
    return str(path)


def _a_file(tmp: Path) -> str:
    path = tmp / "a-file"
    path.write_text("x", encoding="utf-8")
    return str(path)


#: For each command, the arguments of a mistake a user makes (files made in ``tmp``).
BAD_INPUTS: dict[tuple[str, ...], Callable[[Path], list[str]]] = {
    (): lambda tmp: ["asess", "dossier.yaml"],
    ("assess",): lambda tmp: [_bad_dossier(tmp)],
    ("compare",): lambda tmp: [],
    ("demo",): lambda tmp: ["-o", str(tmp), "--draws", "0"],
    ("docs",): lambda tmp: ["dosier-inexistant"],
    ("export",): lambda tmp: [_bad_dossier(tmp), "--to", "pcr-si", "-o", str(tmp / "x.json")],
    ("factors",): lambda tmp: ["lister"],
    ("factors", "list"): lambda tmp: ["--kind", "ordinateur"],
    ("factors", "search"): lambda tmp: [],
    ("factors", "show"): lambda tmp: ["serveur-moyen"],
    ("finance",): lambda tmp: [_no_budget(tmp)],
    ("import",): lambda tmp: [_a_file(tmp), "--from", "glpi", "-o", "a.yaml", "--into", "b.yaml"],
    ("init",): lambda tmp: [_a_file(tmp)],
    ("measure",): lambda tmp: ["--country", "France", "--", "true"],
    ("measurements",): lambda tmp: ["resume"],
    ("measurements", "summarize"): lambda tmp: [_not_csv(tmp)],
    ("note",): lambda tmp: [str(EXAMPLE), "-o", str(tmp / "note.txt")],
    ("rgesn",): lambda tmp: [str(EXAMPLE), "--export", "a.csv", "--import", "b.csv"],
    ("scenarios",): lambda tmp: [str(tmp / "missing.yaml")],
    ("schema",): lambda tmp: ["-o", _a_file(tmp)],
    ("sign",): lambda tmp: [_a_file(tmp)],  # no key given
    ("suivi",): lambda tmp: [str(tmp / "missing.html"), str(tmp / "missing.yaml")],
    ("validate",): lambda tmp: [_bad_dossier(tmp)],
    # review/ words its own messages; a usage error here, as for compare
    ("verify",): lambda tmp: [],
}


def test_every_command_has_a_bad_input() -> None:
    assert sorted(BAD_INPUTS) == sorted(ALL_COMMANDS)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "ecodigital")
def test_bad_input_speaks_one_language(
    path: tuple[str, ...], lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = speaks(path, BAD_INPUTS[path](tmp_path), lang, tmp_path, monkeypatch)
    assert code == 2, output  # bad input, not a bug (3) nor a missing tool (4)
    prefix = "Erreur :" if lang == "fr" else "Error:"
    assert prefix in output, output
    assert_speaks(output, lang)
