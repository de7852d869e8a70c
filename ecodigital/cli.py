"""The ``ecodigital`` command line: parse, call one function, render.

Heavy libraries (pandas, pydantic, matplotlib...) are imported inside the
commands, so ``ecodigital --help`` stays fast. Every ecodigital error becomes
a one-line message here, with exit code 2 for bad input and 1 for a failed
check; no traceback reaches a user.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ecodigital import __version__

__all__ = ["cli", "main"]

EXIT_INTERNAL_ERROR = 3

LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default=lambda: os.environ.get("ECODIGITAL_LANG", "fr"),
    show_default="fr, or $ECODIGITAL_LANG",
    help="Language of the output.",
)


DRAWS_OPTION = click.option(
    "--draws",
    type=click.IntRange(1, 1_000_000),
    default=1000,
    show_default=True,
    help="Monte Carlo draws for the P5-P95 ranges.",
)
SEED_OPTION = click.option(
    "--seed",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Seed of the draws: the same seed gives the same ranges, to the bit.",
)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """Turns library errors into one-line messages, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        from ecodigital.errors import EcodigitalError

        try:
            return super().invoke(ctx)
        except EcodigitalError as exc:
            _fail(exc.message(), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:  # pragma: no cover - e.g. `ecodigital ... | head`
            sys.exit(0)
        except Exception as exc:
            if os.environ.get("ECODIGITAL_DEBUG"):
                raise
            _fail(
                f"internal error ({type(exc).__name__}: {exc}). This is a bug in ecodigital; "
                "run again with ECODIGITAL_DEBUG=1 to see the traceback and report it",
                EXIT_INTERNAL_ERROR,
            )


def _write_output(
    path: Path, text: str | bytes, force: bool, inputs: tuple[Path, ...] = ()
) -> None:
    """Write an output file atomically, never over an input or, without --force, a file."""
    from ecodigital.errors import InputError
    from ecodigital.fileio import write_atomic

    resolved = path.resolve()
    if any(resolved == Path(i).resolve() for i in inputs):
        raise InputError(str(path), None, "is one of the input files", "choose another -o path")
    if path.exists() and not force:
        raise InputError(
            str(path), None, "already exists", "choose another -o path or add --force to replace it"
        )
    if path.exists() and path.is_dir():
        raise InputError(str(path), None, "is a folder", "give a file path to -o")
    write_atomic(path, text)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ecodigital")
def cli() -> None:
    """Responsible-digital assessment of public digital projects.

    Describe a project in a dossier (YAML), then estimate its life-cycle
    footprint with sourced emission factors.

    \b
    Start here:
      ecodigital init mon-projet          # a commented starter dossier
      ecodigital validate mon-projet/dossier.yaml
      ecodigital assess mon-projet/dossier.yaml
    """


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
def validate(dossier: Path) -> None:
    """Check a dossier and say what is wrong, or OK with counts.

    \b
    Example:
      ecodigital validate examples/guichet-mutualise/dossier.yaml
    """
    from ecodigital.dossier.validate import validate_dossier

    summary = validate_dossier(dossier)
    click.echo(summary)


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--factors",
    "factors_path",
    type=click.Path(path_type=Path),
    help="A CSV file or folder of factor rows layered over the bundled ones (by id).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table: readable summary; json: every figure; csv: the long table.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@DRAWS_OPTION
@SEED_OPTION
@click.option("--deterministic", is_flag=True, help="Point figures only, no ranges.")
@click.option("--drivers", is_flag=True, help="Rank the inputs that drive the result.")
@LANG_OPTION
def assess(
    dossier: Path,
    factors_path: Path | None,
    output_format: str,
    output: Path | None,
    force: bool,
    draws: int,
    seed: int,
    deterministic: bool,
    drivers: bool,
    lang: str,
) -> None:
    """Estimate a dossier's footprint by tier, phase, criterion and year.

    \b
    Examples:
      ecodigital assess dossier.yaml
      ecodigital assess dossier.yaml --format json -o resultats.json
      ecodigital assess dossier.yaml --format csv -o lignes.csv
      ecodigital assess dossier.yaml --factors mes-facteurs.csv --lang en
      ecodigital assess dossier.yaml --drivers --draws 5000 --seed 7
    """
    from ecodigital.assessment import assess_dossier
    from ecodigital.report.render import render_assessment

    if drivers and deterministic:
        raise click.UsageError("--drivers needs the Monte Carlo draws: remove --deterministic")
    assessment = assess_dossier(dossier, factors_path)
    uncertainty = ranked = None
    if not deterministic and output_format != "csv":
        from ecodigital.whatif import assess_uncertainty

        uncertainty, ranked = assess_uncertainty(assessment, draws, seed, drivers=drivers)
    text = render_assessment(
        assessment, output_format, lang, uncertainty=uncertainty, drivers=ranked
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        inputs = tuple(p for p in (dossier, assessment.dossier.inventory_path) if p)
        _write_output(output, text, force, inputs)
        click.echo(f"{output}", err=True)


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--factors",
    "factors_path",
    type=click.Path(path_type=Path),
    help="A CSV file or folder of factor rows layered over the bundled ones (by id).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: readable comparison; json: every figure.",
)
@DRAWS_OPTION
@SEED_OPTION
@click.option("--deterministic", is_flag=True, help="Point figures only, no ranges.")
@LANG_OPTION
def scenarios(
    dossier: Path,
    factors_path: Path | None,
    output_format: str,
    draws: int,
    seed: int,
    deterministic: bool,
    lang: str,
) -> None:
    """Compare the dossier's scenarios and standard levers with the baseline.

    \b
    Examples:
      ecodigital scenarios dossier.yaml
      ecodigital scenarios dossier.yaml --format json --draws 5000 --seed 3
    """
    from ecodigital.report.scenarios import render_scenarios
    from ecodigital.whatif import compare_scenarios

    data = compare_scenarios(
        dossier, factors_path, draws=draws, seed=seed, deterministic=deterministic
    )
    click.echo(render_scenarios(data, output_format, lang), nl=False)


@cli.group()
def factors() -> None:
    """Browse the emission-factor database and its sources.

    \b
    Examples:
      ecodigital factors list --kind laptop
      ecodigital factors show server-medium
      ecodigital factors search réseau
    """


@factors.command("list")
@click.option("--kind", help="Only rows for this kind (laptop, server, network...).")
@click.option(
    "--factors", "factors_path", type=click.Path(path_type=Path), help="Layer a user file."
)
def factors_list(kind: str | None, factors_path: Path | None) -> None:
    """List factor rows: id, kind, basis, gwp per phase and source.

    \b
    Example:
      ecodigital factors list --kind laptop
    """
    from ecodigital.factors.browse import list_factors

    click.echo(list_factors(kind, factors_path), nl=False)


@factors.command("show")
@click.argument("factor_id")
@click.option(
    "--factors", "factors_path", type=click.Path(path_type=Path), help="Layer a user file."
)
def factors_show(factor_id: str, factors_path: Path | None) -> None:
    """Show every value of one factor row, with its source.

    \b
    Example:
      ecodigital factors show server-medium
    """
    from ecodigital.factors.browse import show_factor

    click.echo(show_factor(factor_id, factors_path), nl=False)


@factors.command("search")
@click.argument("text")
def factors_search(text: str) -> None:
    """Find factor rows whose id, label, source or notes contain TEXT.

    \b
    Example:
      ecodigital factors search boavizta
    """
    from ecodigital.factors.browse import search_factors

    click.echo(search_factors(text), nl=False)


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def schema(output: Path | None, force: bool) -> None:
    """Print the JSON Schema of the dossier format ecodigital/1.

    \b
    Example (editor completion in VS Code with the YAML extension):
      ecodigital schema -o ecodigital-1.schema.json
      # then, first line of dossier.yaml:
      # yaml-language-server: $schema=ecodigital-1.schema.json
    """
    from ecodigital.dossier.schema import dossier_json_schema

    text = dossier_json_schema()
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text, force)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@LANG_OPTION
def init(directory: Path, lang: str) -> None:
    """Write a commented starter dossier in DIRECTORY (never overwrites).

    \b
    Example:
      ecodigital init mon-projet && ecodigital validate mon-projet/dossier.yaml
    """
    from ecodigital.dossier.starter import write_starter

    written = write_starter(directory, lang)
    click.echo(f"{written}")


def main() -> None:
    """Console entry point."""
    cli(prog_name="ecodigital")
