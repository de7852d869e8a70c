"""The ``ecodigital`` command line: parse, call one function, render.

Heavy libraries (pandas, pydantic, matplotlib...) are imported inside the
commands, so ``ecodigital --help`` stays fast. Every ecodigital error becomes
a one-line message here, with exit code 2 for bad input and 1 for a failed
check; no traceback reaches a user.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ecodigital import __version__

__all__ = ["cli", "main"]

LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default=lambda: os.environ.get("ECODIGITAL_LANG", "fr"),
    show_default="fr, or $ECODIGITAL_LANG",
    help="Language of the output.",
)


OUTPUT_OPTION = click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write to this file."
)
FORCE_OPTION = click.option("--force", is_flag=True, help="Replace the output file if it exists.")
FACTORS_OPTION = click.option(
    "--factors",
    "factors_path",
    type=click.Path(path_type=Path),
    help="A CSV file or folder of factor rows layered over the bundled ones (by id).",
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
    click.echo(message, err=True)
    sys.exit(code)


def _chosen_lang(args: Sequence[str]) -> str:
    """The --lang given on the command line, else $ECODIGITAL_LANG, else French."""
    from ecodigital.i18n import resolve_lang

    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return resolve_lang(chosen)


class _Group(click.Group):
    """Turns library errors into one-line messages, in one place."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["ecodigital.args"] = list(args)  # for the language of an error message
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from ecodigital.errors import EXIT_INTERNAL_ERROR, EXIT_INTERRUPTED, EcodigitalError
        from ecodigital.fileio import run_scope

        args = ctx.meta.get("ecodigital.args", [])
        try:
            with run_scope():  # the inputs this command reads, never overwritten
                return super().invoke(ctx)
        except EcodigitalError as exc:
            _fail(exc.line(_chosen_lang(args)), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("Error: interrupted", EXIT_INTERRUPTED)
        except BrokenPipeError:  # pragma: no cover - e.g. `ecodigital ... | head`
            sys.exit(0)
        except Exception as exc:
            if os.environ.get("ECODIGITAL_DEBUG"):
                raise
            _fail(
                f"Error: internal error ({type(exc).__name__}: {exc}). This is a bug in "
                "ecodigital; run again with ECODIGITAL_DEBUG=1 to see the traceback and report it",
                EXIT_INTERNAL_ERROR,
            )


def _check_output(path: Path, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output that is an input, not a regular file or, without --force, a file."""
    from ecodigital.fileio import check_output

    check_output(path, force, inputs)


def _write_output(
    path: Path, text: str | bytes, force: bool, inputs: tuple[Path, ...] = ()
) -> None:
    """Write an output file atomically, never over an input or, without --force, a file."""
    from ecodigital.fileio import write_output

    write_output(path, text, force, inputs)


def _allow_outside(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> None:
    from ecodigital.fileio import allow_outside

    allow_outside(value)


ALLOW_OUTSIDE_OPTION = click.option(
    "--allow-outside",
    type=click.Path(path_type=Path, file_okay=False),
    multiple=True,
    expose_value=False,
    callback=_allow_outside,
    help="Also read the dossier's measurement files in this folder (repeatable); "
    "by default they must be in the dossier's folder.",
)


#: Inventories at least this large get a progress bar on a terminal.
PROGRESS_MIN_ITEMS = 5_000


@contextlib.contextmanager
def _progress_bar(
    _dossier: Path, skip: bool = False
) -> Iterator[Callable[[int, int], None] | None]:
    """A Monte Carlo progress bar on stderr, on a terminal and for large inventories only."""
    if skip or not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < PROGRESS_MIN_ITEMS:
            return
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(
                length=total, label="Monte Carlo", file=sys.stderr
            )
            bar.__enter__()
            state["shown"] = 0
        bar.update(done - state["shown"])
        state["shown"] = done

    try:
        yield update
    finally:
        bar = state.get("bar")
        if bar is not None:
            bar.update(bar.length - state["shown"])
            bar.__exit__(None, None, None)


def _inputs(results: Any) -> tuple[Path, ...]:
    """The files an assessment read: no output may replace one of them."""
    return tuple(Path(f) for f in results.inputs.files) if results.inputs is not None else ()


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
      ecodigital note mon-projet/dossier.yaml -o note.pdf
      ecodigital demo                      # the whole pipeline on an example

    \b
    By role:
      applicants   init, validate, assess, scenarios, finance, rgesn, note
      IT teams     measure, measurements summarize, import
      instructors  compare, verify, export
    Every command answers in French by default (--lang en, or ECODIGITAL_LANG=en).
    """


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@FACTORS_OPTION
def validate(dossier: Path, factors_path: Path | None) -> None:
    """Check a dossier and say what is wrong, or OK with counts.

    \b
    Examples:
      ecodigital validate examples/guichet-mutualise/dossier.yaml
      ecodigital validate dossier.yaml --factors mes-facteurs.csv
    """
    from ecodigital.assessment.validate import validate_dossier

    summary = validate_dossier(dossier, factors_path)
    click.echo(summary)


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@FACTORS_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table: readable summary; json: every figure; csv: the long table.",
)
@OUTPUT_OPTION
@FORCE_OPTION
@DRAWS_OPTION
@SEED_OPTION
@click.option("--deterministic", is_flag=True, help="Point figures only, no ranges.")
@ALLOW_OUTSIDE_OPTION
@click.option("--drivers", is_flag=True, help="Rank the inputs that drive the result.")
@click.option("--rows", is_flag=True, help="With --format json: add the long table.")
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
    rows: bool,
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
    from ecodigital.assessment import Options, run
    from ecodigital.report.render import render_assessment

    if drivers and deterministic:
        raise click.UsageError("--drivers needs the Monte Carlo draws: remove --deterministic")
    if rows and output_format != "json":
        raise click.UsageError("--rows adds the long table to --format json")
    with _progress_bar(dossier, deterministic or output_format == "csv") as progress:
        results = run(
            dossier,
            Options(
                factors_path=factors_path,
                draws=draws,
                seed=seed,
                deterministic=deterministic or output_format == "csv",
                drivers=drivers,
                scenarios=False,
                finance=False,
                progress=progress,
            ),
        )
    text = render_assessment(results, output_format, lang, rows=rows)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text, force, _inputs(results))
        click.echo(f"{output}", err=True)


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="Rules file of another call (YAML); default: FEDER Bourgogne-Franche-Comté "
    "2021-2027, OS 1.2 e-government.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: readable verdict; json: every figure and rule result.",
)
@OUTPUT_OPTION
@FORCE_OPTION
@LANG_OPTION
def finance(
    dossier: Path,
    rules_path: Path | None,
    output_format: str,
    output: Path | None,
    force: bool,
    lang: str,
) -> None:
    """Check a dossier's budget against a call's financing rules.

    Exit code 0 when every rule passes (warnings allowed), 1 when a rule
    fails, 2 when the dossier or the rules file is not valid.

    \b
    Examples:
      ecodigital finance dossier.yaml
      ecodigital finance dossier.yaml --lang en
      ecodigital finance dossier.yaml --format json -o financement.json
      ecodigital finance dossier.yaml --rules autre-appel.yaml
    """
    from ecodigital.assessment import Options, run
    from ecodigital.errors import CheckFailed, InputError
    from ecodigital.finance.render import render_finance
    from ecodigital.finance.run import NO_BUDGET_FIX

    results = run(
        dossier,
        Options(rules_path=rules_path, deterministic=True, drivers=False, scenarios=False),
    )
    if results.finance is None:
        raise InputError(str(dossier), "budget", "is missing", NO_BUDGET_FIX)
    report = results.finance.report
    text = render_finance(report, output_format, lang)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text, force, _inputs(results))
        click.echo(f"{output}", err=True)
    if not report.passed:
        failed = ", ".join(result.id for result in report.failed)
        raise CheckFailed(f"{len(report.failed)} financing rule(s) not met: {failed}")


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@FACTORS_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: readable comparison; json: every figure.",
)
@OUTPUT_OPTION
@FORCE_OPTION
@DRAWS_OPTION
@SEED_OPTION
@ALLOW_OUTSIDE_OPTION
@click.option("--deterministic", is_flag=True, help="Point figures only, no ranges.")
@LANG_OPTION
def scenarios(
    dossier: Path,
    factors_path: Path | None,
    output_format: str,
    output: Path | None,
    force: bool,
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
    from ecodigital.assessment import Options, run
    from ecodigital.report.scenarios import render_scenarios

    with _progress_bar(dossier, deterministic) as progress:
        results = run(
            dossier,
            Options(
                factors_path=factors_path,
                draws=draws,
                seed=seed,
                deterministic=deterministic,
                drivers=False,
                finance=False,
                progress=progress,
            ),
        )
    text = render_scenarios(results, output_format, lang)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text, force, _inputs(results))
        click.echo(f"{output}", err=True)


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
@click.option(
    "--results",
    "of_results",
    is_flag=True,
    help="The schema of assess --format json (ecodigital-assessment/2) instead.",
)
@OUTPUT_OPTION
@FORCE_OPTION
def schema(of_results: bool, output: Path | None, force: bool) -> None:
    """Print the JSON Schema of the dossier format ecodigital/1 (or of the results).

    \b
    Examples (editor completion in VS Code with the YAML extension):
      ecodigital schema -o ecodigital-1.schema.json
      # then, first line of dossier.yaml:
      # yaml-language-server: $schema=ecodigital-1.schema.json
      ecodigital schema --results -o ecodigital-assessment-2.schema.json
    """
    if of_results:
        from ecodigital.assessment.results import results_json_schema
        from ecodigital.jsonio import dumps

        text = dumps(results_json_schema())
    else:
        from ecodigital.dossier.schema import dossier_json_schema

        text = dossier_json_schema()
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text, force)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--guided",
    is_flag=True,
    help="Ask a few plain questions and write the dossier from the answers.",
)
@LANG_OPTION
def init(directory: Path, guided: bool, lang: str) -> None:
    """Write a commented starter dossier in DIRECTORY (never overwrites).

    The starter has an example of every kind of item, a financing plan, the
    applicant's section, an RGESN block, levers and scenarios: as it is, it
    validates, assesses, passes "ecodigital finance" and makes a note.

    \b
    Examples:
      ecodigital init mon-projet && ecodigital validate mon-projet/dossier.yaml
      ecodigital init --guided mon-projet
      ecodigital init my-project --lang en
    """
    from ecodigital.dossier.starter import starter_target, write_starter
    from ecodigital.i18n import text

    answers = None
    if guided:
        from ecodigital.dossier.guided import ask_answers
        from ecodigital.errors import EXIT_INTERRUPTED

        starter_target(directory)  # refuse before the questions, not after them

        def ask(prompt: str, default: str) -> str:
            return str(click.prompt(prompt, default=default, show_default=True))

        try:
            answers = ask_answers(ask, click.echo, lang)
        except (click.Abort, EOFError, KeyboardInterrupt):
            click.echo("", err=True)
            click.echo(text("guided.aborted", lang), err=True)
            sys.exit(EXIT_INTERRUPTED)
        click.echo("")
    written = write_starter(directory, lang, answers)
    if guided:
        click.echo(text("starter.written", lang, path=written))
        click.echo(text("starter.next_steps", lang, path=written))
    else:
        click.echo(f"{written}")


@cli.command()
@click.argument("topic", required=False)
@LANG_OPTION
def docs(topic: str | None, lang: str) -> None:
    """List the documentation pages, or show one (TOPIC: its name, or its start).

    Pages are shown as plain text, through a pager when the output is a terminal.

    \b
    Examples:
      ecodigital docs
      ecodigital docs dossier
      ecodigital docs fin          # the only page starting "fin": finance
      ecodigital docs rgesn > rgesn.txt
    """
    import shutil

    from ecodigital.docs import find_page, render_listing, render_page

    if topic is None:
        click.echo(render_listing(lang), nl=False)
        return
    page = find_page(topic)
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    text = render_page(page, width)
    if sys.stdout.isatty():
        click.echo_via_pager(text)
    else:
        click.echo(text, nl=False)


@cli.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option(
    "--country",
    default="FRA",
    show_default=True,
    help="ISO 3166-1 alpha-3 code of the grid (upper case), checked against CodeCarbon's data.",
)
@click.option(
    "--pue",
    type=float,
    help="PUE of the data centre, applied by CodeCarbon (the energy then includes it).",
)
@click.option(
    "--interval",
    type=float,
    default=15.0,
    show_default=True,
    help="Seconds between measures; a row is written at every interval.",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("measures"),
    show_default=True,
    help="Folder of emissions.csv and the sidecars (rows are appended).",
)
@click.option(
    "--label",
    default="ecodigital",
    show_default=True,
    help="Name of what is measured (CodeCarbon's project_name); runs with one label are grouped.",
)
@click.option("--duration", help="Watch the whole machine this long (2h, 90m, 1h30m), no command.")
@click.option(
    "--tracking-mode",
    type=click.Choice(["machine", "process"]),
    default="machine",
    show_default=True,
    help="machine: the whole machine; process: the command and its children only.",
)
@click.option("--experiment-id", help="A UUID to group runs under (default: derived from --label).")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def measure(
    country: str,
    pue: float | None,
    interval: float,
    output_dir: Path,
    label: str,
    duration: str | None,
    tracking_mode: str,
    experiment_id: str | None,
    command: tuple[str, ...],
) -> None:
    """Measure a command's (or the machine's) electricity with CodeCarbon, offline.

    Runs COMMAND under CodeCarbon's offline tracker (never a network call),
    writes CodeCarbon's emissions.csv in the output folder, a row at every
    interval, and beside it a JSON sidecar saying how the CPU, RAM and GPU power
    were obtained. The command's exit code is passed through; Ctrl-C and
    SIGTERM are passed on to the command and the run's last row is written.

    \b
    Examples:
      ecodigital measure -- python nightly_import.py
      ecodigital measure --label export-pdf --interval 5 -o measures -- ./export.sh
      ecodigital measure --duration 2h --label web-frontend
      ecodigital measurements summarize measures/emissions.csv
    """
    from ecodigital.measure.run import (
        MeasureOptions,
        describe_outcome,
        format_progress,
        parse_duration,
    )
    from ecodigital.measure.run import measure as run_measure

    options = MeasureOptions(
        country=country,
        output_dir=output_dir,
        command=command,
        duration_s=parse_duration(duration) if duration is not None else None,
        interval_s=interval,
        pue=pue,
        label=label,
        tracking_mode=tracking_mode,
        experiment_id=experiment_id,
    )
    progress = None
    if options.duration_s is not None and sys.stderr.isatty():

        def progress(elapsed: float, total: float, energy: float | None) -> None:
            click.echo("\r" + format_progress(elapsed, total, energy), nl=False, err=True)

    outcome = run_measure(options, progress=progress)
    if progress is not None:
        click.echo("", err=True)
    click.echo(describe_outcome(outcome), err=True)
    sys.exit(outcome.exit_code)


@cli.group()
def measurements() -> None:
    """Read CodeCarbon measurement files (emissions.csv, 2.x or 3.x).

    \b
    Examples:
      ecodigital measurements summarize measures/emissions.csv
      ecodigital measurements summarize a/emissions.csv b/emissions.csv --format json
    """


@measurements.command("summarize")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: readable; csv: one row per group; json: groups and warnings.",
)
@OUTPUT_OPTION
@FORCE_OPTION
def measurements_summarize(
    files: tuple[Path, ...], output_format: str, output: Path | None, force: bool
) -> None:
    """Runs, duration, energy and CodeCarbon emissions per project and experiment.

    FILES are CodeCarbon CSV files, or folders written by "ecodigital measure".
    Energy per run and per hour are shown as min, median and max.

    \b
    Examples:
      ecodigital measurements summarize measures/emissions.csv
      ecodigital measurements summarize measures --format csv -o resume.csv
    """
    from ecodigital.measure.read import read_emissions_files
    from ecodigital.measure.summarize import render_summary

    runs = read_emissions_files(list(files))
    text = render_summary(runs, output_format)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text, force, tuple(runs.files))
        click.echo(f"{output}", err=True)
    if output_format != "table":
        for warning in runs.warnings:
            click.echo(f"Warning [{warning.code}] {warning.message}", err=True)


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="The note file to write."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["pdf", "html", "odt", "md"]),
    help="Format of the note; default from the extension of -o.",
)
@LANG_OPTION
@click.option(
    "--template-dir",
    type=click.Path(path_type=Path),
    help="A folder of templates overriding the bundled ones (rendered in a sandbox).",
)
@FACTORS_OPTION
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="The programme's financing rules file, for the financing summary.",
)
@click.option("--force", is_flag=True, help="Replace the output file(s) if they exist.")
@DRAWS_OPTION
@SEED_OPTION
@ALLOW_OUTSIDE_OPTION
@click.option("--deterministic", is_flag=True, help="Point figures only, no ranges or drivers.")
def note(
    dossier: Path,
    output: Path,
    output_format: str | None,
    lang: str,
    template_dir: Path | None,
    factors_path: Path | None,
    rules_path: Path | None,
    force: bool,
    draws: int,
    seed: int,
    deterministic: bool,
) -> None:
    """Write the responsible-digital note of a dossier (PDF, HTML, ODT or Markdown).

    The note carries its data (dossier, results, factor dataset, tool version
    and their SHA-256 digest): embedded in the PDF, HTML and ODT, and in a
    .json file beside a Markdown note. Every figure shows its P5-P95 range
    from --draws Monte Carlo draws (seed --seed), with the inputs that drive
    the result and the dossier's scenarios; --deterministic leaves them out.

    \b
    Examples:
      ecodigital note dossier.yaml -o note.pdf
      ecodigital note dossier.yaml -o note.html --lang en
      ecodigital note dossier.yaml -o note.md     # also writes note.json
      ecodigital note dossier.yaml -o note.pdf --draws 5000 --seed 7
    """
    from ecodigital.assessment import Options, run
    from ecodigital.report.build import note_format, prepare_note, render_note
    from ecodigital.report.payload import sidecar_path

    fmt = note_format(output, output_format)
    targets = [output, sidecar_path(output)] if fmt == "md" else [output]
    for target in targets:  # before the work, not after it
        _check_output(target, force, (dossier,))
    with _progress_bar(dossier, deterministic) as progress:
        results = run(
            dossier,
            Options(
                factors_path=factors_path,
                rules_path=rules_path,
                draws=draws,
                seed=seed,
                deterministic=deterministic,
                progress=progress,
            ),
        )
    note = prepare_note(results, lang=lang, template_dir=template_dir)
    files = render_note(note, fmt, output)
    inputs = _inputs(results)
    for path in files:
        _check_output(path, force, inputs)
    for path, content in files.items():
        _write_output(path, content, force=True, inputs=inputs)
        click.echo(f"{path}")


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--export",
    "export",
    type=click.Path(path_type=Path),
    help="Write every criterion and its answer to FILE (.csv, .xlsx or .ods).",
)
@click.option(
    "--import",
    "import_",
    type=click.Path(path_type=Path),
    help="Write the answers of FILE (.csv, .xlsx or .ods) that changed into the dossier.",
)
@click.option("--force", is_flag=True, help="Replace the exported file if it exists.")
@LANG_OPTION
def rgesn(
    dossier: Path,
    export: Path | None,
    import_: Path | None,
    force: bool,
    lang: str,
) -> None:
    """Fill in the RGESN 2024 self-assessment of a dossier, family by family.

    Answers are written back into the dossier, keeping its comments and
    layout. Already answered criteria are skipped, so you can stop and resume.
    A spreadsheet export (French headers, ";" and UTF-8 for Excel and
    LibreOffice, or English with --lang en) can be filled in by a team and
    imported back: only the answers that changed are written.

    \b
    Examples:
      ecodigital rgesn dossier.yaml
      ecodigital rgesn dossier.yaml --export rgesn.csv
      ecodigital rgesn dossier.yaml --export rgesn.xlsx --lang en
      ecodigital rgesn dossier.yaml --import rgesn.ods
    """
    from ecodigital.errors import InputError
    from ecodigital.i18n import Msg, text

    if export and import_:
        raise InputError(
            None, "--export/--import", Msg("rgesn.cli.both"), Msg("rgesn.cli.both_fix")
        )
    if export:
        from ecodigital.fileio import check_output
        from ecodigital.rgesn.csvio import export_answers
        from ecodigital.rgesn.sheets import sheet_format

        check_output(export, force, (dossier,))  # never over the dossier, --force included
        fmt = sheet_format(export)
        _write_output(export, export_answers(dossier, fmt, lang), force, (dossier,))
        click.echo(f"{export}")
        return
    if import_:
        from ecodigital.rgesn.csvio import import_answers

        result = import_answers(dossier, import_, lang)
        if result.changed:
            message = text(
                "rgesn.cli.imported",
                lang,
                path=dossier,
                n=len(result.changed),
                ids=", ".join(result.changed),
                unchanged=result.unchanged,
            )
        else:
            message = text(
                "rgesn.cli.imported_none", lang, path=dossier, unchanged=result.unchanged
            )
        click.echo(message)
        return
    from ecodigital.rgesn.questionnaire import run_questionnaire

    def ask(prompt: str, choices: Sequence[str] | None, default: str | None) -> str:
        kind = click.Choice(list(choices)) if choices else click.STRING
        return str(click.prompt(prompt, type=kind, default=default, show_default=False))

    run_questionnaire(dossier, ask, click.echo, lang)


@cli.command()
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(path_type=Path),
    default=Path("ecodigital-demo"),
    show_default=True,
    help="Folder for the demo's files.",
)
@click.option("--force", is_flag=True, help="Replace files of an earlier demo.")
@LANG_OPTION
@DRAWS_OPTION
@SEED_OPTION
@click.option("--deterministic", is_flag=True, help="Point figures only, no ranges or drivers.")
def demo(
    output_dir: Path, force: bool, lang: str, draws: int, seed: int, deterministic: bool
) -> None:
    """Run the whole pipeline on the bundled example: validate, assess, write the notes.

    \b
    Example:
      ecodigital demo -o /tmp/demo && xdg-open /tmp/demo/note.html
    """
    from ecodigital.demo import run_demo

    lines = run_demo(
        output_dir, lang=lang, force=force, draws=draws, seed=seed, deterministic=deterministic
    )
    for line in lines:
        click.echo(line)


_COMPARE_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
}


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the comparison to this .html, .csv, .json or .xlsx file (else a table).",
)
@click.option(
    "--sort",
    "sort_key",
    help="Sort by a column, e.g. gwp_per_user_year_kgco2e; prefix - for descending.",
)
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be read (exit 2).")
@ALLOW_OUTSIDE_OPTION
@FORCE_OPTION
@LANG_OPTION
def compare(
    files: tuple[Path, ...],
    output: Path | None,
    sort_key: str | None,
    strict: bool,
    force: bool,
    lang: str,
) -> None:
    """Compare applications: one row per note (PDF, HTML, ODT, Markdown) or dossier.

    Files are untrusted: each is read with size and structure limits, and one
    that cannot be read is reported in its row without stopping the others
    (unless --strict). Flags with stable codes point at figures to check; see
    docs/review.md. Exit code 0 when the comparison is written.

    \b
    Examples:
      ecodigital compare depot/*.pdf depot/*.html
      ecodigital compare depot/* -o comparaison.html
      ecodigital compare depot/* -o comparaison.xlsx --sort -gwp_per_user_year_kgco2e
    """
    from ecodigital.errors import InputError
    from ecodigital.review.compare import SORT_KEYS, compare_files
    from ecodigital.review.report import render_comparison

    if sort_key is not None and sort_key.lstrip("-") not in SORT_KEYS:
        raise InputError(
            None, "--sort", f"{sort_key!r} is not a column", f"use one of: {', '.join(SORT_KEYS)}"
        )
    fmt = "table"
    if output is not None:
        fmt = _COMPARE_FORMATS.get(output.suffix.lower(), "")
        if not fmt:
            raise InputError(
                str(output), None, "cannot tell the format from the extension",
                "name the file .html, .csv, .json or .xlsx",
            )  # fmt: skip
        _check_output(output, force, files)

    def progress(rows: Any) -> Any:
        if not sys.stderr.isatty() or len(files) < 2:
            return rows
        return _progress_rows(rows, len(files))

    rows = compare_files(list(files), sort=sort_key, strict=strict, progress=progress)
    content = render_comparison(rows, fmt, lang)
    if output is None:
        click.echo(content, nl=False)
    else:
        _write_output(output, content, force, files)
        click.echo(f"{output}", err=True)
    errors = [row for row in rows if row.error]
    if errors and output is not None:
        click.echo(f"{len(errors)} of {len(rows)} file(s) could not be read:", err=True)
        for row in errors:
            click.echo(f"  {row.error}", err=True)


def _progress_rows(rows: Any, total: int) -> Any:
    with click.progressbar(length=total, label="compare", file=sys.stderr) as bar:
        for row in rows:
            yield row
            bar.update(1)


@cli.command()
@click.argument("note", type=click.Path(path_type=Path))
@click.option(
    "--factors-dataset",
    "dataset_version",
    help="Recompute with this bundled factor dataset version (default: the note's, if shipped).",
)
@LANG_OPTION
def verify(note: Path, dataset_version: str | None, lang: str) -> None:
    """Check a note: its SHA-256 digest, and its results recomputed from its dossier.

    Exit code 0 when the note holds, 1 when it does not (each difference is
    listed), 2 when the file cannot be read.

    \b
    Examples:
      ecodigital verify note.pdf
      ecodigital verify note.html --lang en
      ecodigital verify note.md --factors-dataset 2026.1   # reads note.json
    """
    from ecodigital.review.verify import verify_lines, verify_note

    report = verify_note(note, dataset_version=dataset_version)
    for line in verify_lines(report, lang):
        click.echo(line)
    if not report.holds:
        sys.exit(1)


# --------------------------------------------------------------------------- connectors

_IMPORT_FORMATS = ("numecoeval", "boavizta", "glpi", "ocs", "har", "boamps")
_EXPORT_FORMATS = ("numecoeval", "pcr-si", "impact-framework", "boavizta")


@cli.command("import")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--from", "fmt", type=click.Choice(_IMPORT_FORMATS), help="Format of FILE.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write a new dossier.")
@click.option(
    "--into", type=click.Path(path_type=Path), help="Add the items to this dossier (comments kept)."
)
@click.option("--replace", is_flag=True, help="With --into: replace items that have the same id.")
@click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    help="A YAML file of rules layered over the bundled mapping (its rules win).",
)
@click.option(
    "--show-mapping",
    "show_mapping",
    type=click.Choice(["glpi", "ocs", "numecoeval", "boavizta"]),
    help="Print the mapping of models and types to kinds and factors, and stop.",
)
@click.option(
    "--views-per-year",
    type=click.FloatRange(min=0, min_open=True),
    help="HAR: page views a year, to turn bytes per view into a network item.",
)
@click.option(
    "--access",
    type=click.Choice(["fixed", "mobile"]),
    default="fixed",
    show_default=True,
    help="HAR: the access network of the visitors.",
)
@click.option(
    "--runs-per-year",
    type=click.FloatRange(min=0, min_open=True),
    help="BoAmps: runs of the measured task a year.",
)
@click.option(
    "--id", "item_id", help="HAR, BoAmps: id of the item written (default from the file)."
)
@click.option(
    "--page-weight",
    type=click.Path(path_type=Path),
    help="HAR: write the page-weight table (CSV) for the note's eco-design section.",
)
@FORCE_OPTION
@LANG_OPTION
def import_(
    file: Path | None,
    fmt: str | None,
    output: Path | None,
    into: Path | None,
    replace: bool,
    mapping: Path | None,
    show_mapping: str | None,
    views_per_year: float | None,
    access: str,
    runs_per_year: float | None,
    item_id: str | None,
    page_weight: Path | None,
    force: bool,
    lang: str,
) -> None:
    """Import another tool's file as dossier items, each with its trace (file, line, field).

    Rows that cannot be mapped are listed with their fix; the mapped ones are
    still written and the exit code is then 1. The mapping of model names
    and types to kinds and factors is data: --show-mapping prints it,
    --mapping FILE overrides it. See docs/formats.md.

    \b
    Examples:
      ecodigital import parc-glpi.csv --from glpi -o dossier.yaml
      ecodigital import parc-ocs.csv --from ocs --into dossier.yaml --mapping modeles.yaml
      ecodigital import --show-mapping glpi
      ecodigital import portail.har --from har --views-per-year 120000 --into dossier.yaml
      ecodigital import numecoeval/ --from numecoeval --into dossier.yaml
      ecodigital import requetes-boavizta.json --from boavizta --into dossier.yaml
      ecodigital import rapport-boamps.json --from boamps --runs-per-year 50000 --into dossier.yaml
    """
    from ecodigital.connectors import ImportOptions, read_import
    from ecodigital.errors import CheckFailed, InputError
    from ecodigital.i18n import text

    if show_mapping is not None:
        from ecodigital.connectors.mapping import mapping_yaml

        click.echo(mapping_yaml(show_mapping, mapping), nl=False)
        return
    if file is None or fmt is None:
        raise click.UsageError("give FILE and --from FORMAT (or --show-mapping FORMAT)")
    if output is not None and into is not None:
        raise InputError(None, "-o/--into", "choose one", "-o writes a new dossier, --into adds")
    target = output or into
    if target is not None:
        _check_output(target, force or into is not None, (file,))
    from ecodigital.connectors.dossier import target_start_year

    start_year = target_start_year(target, into is not None, lang)
    if fmt == "har" and views_per_year is None and target is not None:
        from ecodigital.i18n import Msg

        raise InputError(str(file), "--views-per-year", Msg("connectors.har.needs_views"),
                         Msg("connectors.har.needs_views_fix"))  # fmt: skip
    options = ImportOptions(
        fmt, mapping, views_per_year, access, item_id, start_year, runs_per_year
    )
    result = read_import(file, options)
    if result.page_weight:
        from ecodigital.connectors.har import page_weight_csv, page_weight_lines

        for line in page_weight_lines(result.page_weight, lang):
            click.echo(line)
        if page_weight is not None:
            _write_output(page_weight, page_weight_csv(result.page_weight), force, (file,))
            click.echo(f"{page_weight}", err=True)
    for notice in result.notices:
        from ecodigital.i18n import warning_text

        click.echo(f"[{notice.code}] {warning_text(notice.code, notice.params, lang)}", err=True)
    if target is not None and (result.items or result.measurements):
        from ecodigital.connectors.dossier import dossier_with_imports

        written = dossier_with_imports(
            [result], target, into=into is not None, replace=replace, lang=lang
        )
        if into is not None:
            # the dossier edited in place (checked above): it keeps its mode and its link
            from ecodigital.fileio import write_atomic

            write_atomic(into, written)
        else:
            _write_output(target, written, force=True, inputs=(file,))
        counts = {"n": len(result.items), "source": result.source, "rows": result.rows_read}
        click.echo(text("connectors.import.written", lang, path=str(target), **counts))
    elif target is None and result.items:
        for imported in result.items:
            fields = imported.fields
            quantity = f"x{fields.get('quantity', 1):g}"
            trace = imported.trace.describe(lang)
            click.echo(f"{fields['id']}: {fields['kind']} {quantity} ({trace})")
    for unmapped in result.unmapped:
        click.echo(unmapped.describe(lang), err=True)
    if result.unmapped:
        rows = sum(len(u.trace.lines) or 1 for u in result.unmapped)
        raise CheckFailed(
            text("connectors.import.unmapped", lang, n=len(result.unmapped), rows=rows)
        )


@cli.command("export")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--to", "fmt", required=True, type=click.Choice(_EXPORT_FORMATS), help="Format.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write (numecoeval: a folder for its CSV files).",
)
@FACTORS_OPTION
@click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    help="numecoeval, boavizta: a YAML file over the bundled mapping (types, archetypes).",
)
@FORCE_OPTION
@LANG_OPTION
def export(
    source: Path,
    fmt: str,
    output: Path,
    factors_path: Path | None,
    mapping: Path | None,
    force: bool,
    lang: str,
) -> None:
    """Export a dossier, or a note's payload, in another tool's format.

    SOURCE is a dossier (assessed now) or a note (PDF, HTML, ODT, Markdown
    with its .json), whose embedded results are exported as they are. What
    a format cannot carry is listed. See docs/formats.md.

    \b
    Examples:
      ecodigital export dossier.yaml --to impact-framework -o manifest.yaml
      ecodigital export dossier.yaml --to pcr-si -o pcr-si.json
      ecodigital export dossier.yaml --to numecoeval -o numecoeval/
      ecodigital export dossier.yaml --to boavizta -o boavizta-requests.json
      ecodigital export depot/note.pdf --to pcr-si -o note-pcr-si.json
    """
    from ecodigital.connectors import export_files
    from ecodigital.i18n import text

    if fmt != "numecoeval":
        _check_output(output, force, (source,))  # before the work, not after it
    result = export_files(source, fmt, output.name, factors_path, mapping)
    if result.folder:
        if output.exists() and not output.is_dir():
            _fail(text("connectors.export.not_a_folder", lang, path=str(output)), 2)
        for name in result.files:
            _check_output(output / name, force, (source,))
        for name, content in result.files.items():
            _write_output(output / name, content, force=True, inputs=(source,))
            click.echo(f"{output / name}")
    else:
        for content in result.files.values():
            _write_output(output, content, force, (source,))
        click.echo(f"{output}")
    for message in result.left_out:
        click.echo(message.render(lang), err=True)


def main() -> None:
    """Console entry point."""
    cli(prog_name="ecodigital")
