"""`schema`, `init`, `--help`, and what the package promises about itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

import ecodigital
from ecodigital.cli import cli
from ecodigital.cliwords import speaking

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


def test_schema_is_a_json_schema_that_accepts_the_example_and_rejects_typos() -> None:
    import jsonschema

    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    # editors see YAML dates as strings: compare on the JSON view of the example
    example = json.loads(
        json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str)
    )
    assert list(validator.iter_errors(example)) == []
    example["inventory"][0]["quntity"] = 1
    assert any("quntity" in e.message for e in validator.iter_errors(example))
    assert schema["properties"]["project"]["$ref"].endswith("Project")


def test_init_writes_a_valid_commented_starter_and_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "projet"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0
    written = target / "dossier.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.count("#") > 10 and "format: ecodigital/1" in text
    assert runner.invoke(cli, ["validate", str(written)]).exit_code == 0
    written.write_text(text + "# my own note\n", encoding="utf-8")
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 2
    assert "existe déjà ; ecodigital init ne remplace jamais un fichier" in again.output
    assert written.read_text(encoding="utf-8").endswith("# my own note\n")
    english = runner.invoke(cli, ["init", str(tmp_path / "en"), "--lang", "en"])
    assert english.exit_code == 0
    assert "Online services portal" in (tmp_path / "en" / "dossier.yaml").read_text(
        encoding="utf-8"
    )


def test_every_command_has_help_with_an_example_and_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))

    def commands(group, prefix):  # type: ignore[no-untyped-def]
        for name, command in group.commands.items():
            full = f"{prefix} {name}"
            if hasattr(command, "commands"):
                yield from commands(command, full)
            yield full, command

    for name, command in commands(cli, "ecodigital"):
        for lang, example in (("fr", "Exemple"), ("en", "Example")):
            with speaking(lang):
                help_text = command.help or ""
            assert example in help_text or hasattr(command, "commands"), f"{name} has no example"
        assert name in readme or name in docs, f"{name} is not documented"


def test_every_command_and_option_has_its_words_in_the_catalogue() -> None:
    """Help texts live in the catalogues (cli.*), not in the code: none is missing."""
    import click

    from ecodigital.cliwords import Argument, Option

    def walk(command: click.Command) -> Any:
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    for lang in ("fr", "en"):
        with speaking(lang):
            for command in walk(cli):
                assert command.help, command.name
                for param in command.params:
                    if isinstance(param, Option | Argument):
                        assert param.help, f"{command.name} {param.name} has no help in {lang}"


def test_click_messages_translated_are_click_messages() -> None:
    """Each English entry of cli.click is click's message as click writes it."""
    from ecodigital.cliwords import CLICK_MESSAGES
    from ecodigital.i18n import catalogue

    english = catalogue("en")
    for message, name in CLICK_MESSAGES.items():
        entry = english.raw(f"cli.click.{name}")
        assert (entry["one"] if isinstance(entry, dict) else entry) == message
    assert sorted(CLICK_MESSAGES.values()) == sorted(
        key.removeprefix("cli.click.") for key in english if key.startswith("cli.click.")
    )


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, ecodigital.cli\n"
        "heavy = [m for m in ('pandas', 'numpy', 'pydantic', 'matplotlib', 'jinja2', 'codecarbon', 'yaml') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_engine_is_pure() -> None:
    code = (
        "import sys, ecodigital.engine\n"
        "bad = [m for m in ('click', 'jinja2', 'matplotlib', 'yaml', 'ecodigital.cli', 'ecodigital.dossier') "
        "if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_surface() -> None:
    import importlib

    for module_name in (
        "ecodigital", "ecodigital.engine", "ecodigital.dossier", "ecodigital.factors",
        "ecodigital.errors", "ecodigital.vocabulary",
    ):  # fmt: skip
        module = importlib.import_module(module_name)
        for name in module.__all__:
            assert hasattr(module, name), f"{module_name}.{name}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", ecodigital.__version__)


def test_version_and_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ecodigital", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"ecodigital, version {ecodigital.__version__}"


def test_licence_is_eupl() -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in licence
    assert 'license = "EUPL-1.2"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_warning_code_is_documented_and_translated() -> None:
    from ecodigital.i18n import warning_codes

    documented = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "docs" / "warnings.md").read_text(), re.M)
    )
    emitted = set()
    for path in (ROOT / "ecodigital").rglob("*.py"):
        emitted |= set(re.findall(r'code="([A-Z_]+)"', path.read_text(encoding="utf-8")))
        emitted |= set(re.findall(r"\(\"([A-Z_]+)\", \(", path.read_text(encoding="utf-8")))
    assert emitted, "no warning code found in the package"
    assert emitted <= documented, emitted - documented
    assert emitted <= set(warning_codes()), emitted - set(warning_codes())


def test_readme_test_command_is_the_one_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = 'python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]" && .venv/bin/python -m pytest'
    assert "sh scripts/install-system-deps.sh --test && " + command in ci
    assert "sh scripts/install-system-deps.sh --test && " + command.replace(" -q", "") in readme


def test_the_readme_shows_validate_and_its_errors_as_they_are_printed(tmp_path: Path) -> None:
    """The README's validate samples are the real output, in French and in English."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("$ ecodigital validate examples/") :]
    block = block[: block.index("```")]
    runner = CliRunner(env={"ECODIGITAL_LANG": None})
    samples = re.findall(r"^\$ ecodigital (validate .*)\n(.*)$", block, re.M)
    assert len(samples) == 3
    bad = tmp_path / "dossier.yaml"
    bad.write_text(
        "format: ecodigital/1\nproject:\n  name: X\n  beneficiary: {name: X, type: commune}\n"
        "  start_year: 2026\n  duration_years: 1\n  horizon_years: 1\n  users_per_year: [10]\n"
        "inventory:\n  - {id: postes, kind: ordinateur portable}\n",
        encoding="utf-8",
    )
    for command, shown in samples:
        args = command.split()
        args[1] = str(EXAMPLE) if args[1].startswith("examples/") else str(bad)
        result = runner.invoke(cli, args)
        printed = result.output.strip()
        printed = printed.replace(str(EXAMPLE), "examples/guichet-mutualise/dossier.yaml")
        printed = printed.replace(str(bad), "dossier.yaml")
        assert printed == shown
