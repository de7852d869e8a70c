"""The ``ecodigital`` command line: parse, call one function, render.

Heavy libraries (pandas, pydantic, WeasyPrint...) are imported inside the
commands, so ``ecodigital --help`` stays fast. Every ecodigital error becomes
a one-line message here, with exit code 2 for bad input and 1 for a failed
check; no traceback reaches a user. Help texts and messages come from the
catalogue of the language chosen (:mod:`ecodigital.cliwords`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ecodigital import __version__
from ecodigital.cliwords import (
    Command,
    Group,
    Option,
    argument,
    current_lang,
    lang_of_args,
    name_keys,
    option,
    speaking,
)
from ecodigital.i18n import text
from ecodigital.vocabulary import DEFAULT_DRAWS, DEFAULT_SEED

__all__ = ["cli", "main"]

LANG_OPTION = option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default=lambda: os.environ.get("ECODIGITAL_LANG", "fr"),
    show_default=True,
)
OUTPUT_OPTION = option("-o", "--output", type=click.Path(path_type=Path))
FORCE_OPTION = option("--force", is_flag=True)
FACTORS_OPTION = option("--factors", "factors_path", type=click.Path(path_type=Path))
DRAWS_OPTION = option(
    "--draws", type=click.IntRange(1, 1_000_000), default=DEFAULT_DRAWS, show_default=True
)
SEED_OPTION = option("--seed", type=click.IntRange(0), default=DEFAULT_SEED, show_default=True)
DETERMINISTIC_OPTION = option("--deterministic", is_flag=True)
DOSSIER_ARGUMENT = argument("dossier", type=click.Path(path_type=Path))


def _fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def _error_line(key: str, lang: str, **params: object) -> str:
    return f"{text('error.prefix', lang)} {text(key, lang, **params)}"


class _Root(Group):
    """The ``ecodigital`` group: chooses the language, turns errors into one line, in one place."""

    def main(self, args: Any = None, *rest: Any, **extra: Any) -> Any:
        words = list(sys.argv[1:] if args is None else args)
        with speaking(lang_of_args(words)):  # --help and click's own errors too
            return super().main(words, *rest, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        from ecodigital.errors import EXIT_INTERNAL_ERROR, EXIT_INTERRUPTED, EcodigitalError

        lang = current_lang()
        try:
            return super().invoke(ctx)
        except EcodigitalError as exc:
            _fail(exc.line(lang), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail(_error_line("cli.error.interrupted", lang), EXIT_INTERRUPTED)
        except BrokenPipeError:  # pragma: no cover - e.g. `ecodigital ... | head`
            sys.exit(0)
        except Exception as exc:
            if os.environ.get("ECODIGITAL_DEBUG"):
                raise
            detail = {"name": type(exc).__name__, "detail": exc}
            _fail(_error_line("cli.error.internal", lang, **detail), EXIT_INTERNAL_ERROR)


class _Scoped(Command):
    """A command that records the inputs it reads, so that no output replaces one."""

    def invoke(self, ctx: click.Context) -> Any:
        from ecodigital.fileio import allow_outside, run_scope

        with run_scope():
            allow_outside(ctx.meta.get(_OUTSIDE, ()))
            return super().invoke(ctx)


Group.command_class = _Scoped


def _check_output(path: Path, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output that is an input, not a regular file or, without --force, a file."""
    from ecodigital.fileio import check_output

    check_output(path, force, inputs)


def _write_output(
    path: Path, content: str | bytes | Iterable[str], force: bool, inputs: tuple[Path, ...] = ()
) -> None:
    """Write an output file atomically, never over an input or, without --force, a file."""
    from ecodigital.fileio import write_output

    write_output(path, content, force, inputs)


def _echo_output(
    content: str | Iterable[str],
    output: Path | None,
    force: bool,
    inputs: tuple[Path, ...] = (),
) -> None:
    """``content`` (or its chunks, as they come) on stdout, or written to ``output`` (whose
    path is then said on stderr)."""
    if output is None:
        for chunk in [content] if isinstance(content, str) else content:
            click.echo(chunk, nl=False)
    else:
        _write_output(output, content, force, inputs)
        click.echo(f"{output}", err=True)


_OUTSIDE = "ecodigital.allow_outside"


def _allow_outside(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> None:
    ctx.meta[_OUTSIDE] = value  # given to the run's scope when the command starts


ALLOW_OUTSIDE_OPTION = option(
    "--allow-outside",
    type=click.Path(path_type=Path, file_okay=False),
    multiple=True,
    expose_value=False,
    callback=_allow_outside,
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
    label = text("cli.progress.monte_carlo", current_lang())

    def update(done: int, total: int) -> None:
        if total < PROGRESS_MIN_ITEMS:
            return
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
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


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ecodigital", cls=Option)
def cli() -> None:
    pass


@cli.command()
@DOSSIER_ARGUMENT
@FACTORS_OPTION
@LANG_OPTION
def validate(dossier: Path, factors_path: Path | None, lang: str) -> None:
    from ecodigital.assessment.validate import validate_dossier

    click.echo(validate_dossier(dossier, factors_path).render(lang))


@cli.command()
@DOSSIER_ARGUMENT
@FACTORS_OPTION
@option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@OUTPUT_OPTION
@FORCE_OPTION
@DRAWS_OPTION
@SEED_OPTION
@DETERMINISTIC_OPTION
@ALLOW_OUTSIDE_OPTION
@option("--drivers", is_flag=True)
@option("--rows", is_flag=True)
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
    from ecodigital.assessment import Options, run
    from ecodigital.report.render import render_assessment

    if drivers and deterministic:
        raise click.UsageError(text("cli.usage.drivers_deterministic", lang))
    if rows and output_format != "json":
        raise click.UsageError(text("cli.usage.rows_json", lang))
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
    if output_format == "csv" and results.inputs is not None:
        # the long table a slice of items at a time: millions of rows are never held whole
        _echo_output(results.inputs.table.csv_chunks(), output, force, _inputs(results))
        return
    content = render_assessment(results, output_format, lang, rows=rows)
    _echo_output(content, output, force, _inputs(results))


@cli.command()
@DOSSIER_ARGUMENT
@option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
)
@option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
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
    from ecodigital.assessment import Options, run
    from ecodigital.errors import CheckFailed, InputError
    from ecodigital.finance.render import render_finance
    from ecodigital.finance.run import NO_BUDGET, NO_BUDGET_FIX
    from ecodigital.i18n import Msg

    results = run(
        dossier,
        Options(rules_path=rules_path, deterministic=True, drivers=False, scenarios=False),
    )
    if results.finance is None:
        raise InputError(str(dossier), "budget", NO_BUDGET, NO_BUDGET_FIX)
    report = results.finance.report
    _echo_output(render_finance(report, output_format, lang), output, force, _inputs(results))
    if not report.passed:
        failed = [result.id for result in report.failed]
        raise CheckFailed(Msg("cli.error.finance_failed", {"n": len(failed), "rules": failed}))


@cli.command()
@DOSSIER_ARGUMENT
@FACTORS_OPTION
@option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@OUTPUT_OPTION
@FORCE_OPTION
@DRAWS_OPTION
@SEED_OPTION
@ALLOW_OUTSIDE_OPTION
@DETERMINISTIC_OPTION
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
    _echo_output(render_scenarios(results, output_format, lang), output, force, _inputs(results))


@cli.group()
def factors() -> None:
    pass


@factors.command("list")
@option("--kind")
@FACTORS_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
@LANG_OPTION
def factors_list(
    kind: str | None, factors_path: Path | None, output: Path | None, force: bool, lang: str
) -> None:
    from ecodigital.factors.browse import list_factors

    _echo_output(
        list_factors(kind, factors_path, lang), output, force, _factor_inputs(factors_path)
    )


@factors.command("show")
@argument("factor_id")
@FACTORS_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
@LANG_OPTION
def factors_show(
    factor_id: str, factors_path: Path | None, output: Path | None, force: bool, lang: str
) -> None:
    from ecodigital.factors.browse import show_factor

    content = show_factor(factor_id, factors_path, lang)
    _echo_output(content, output, force, _factor_inputs(factors_path))


@factors.command("search")
@argument("text")
@OUTPUT_OPTION
@FORCE_OPTION
@LANG_OPTION
def factors_search(text: str, output: Path | None, force: bool, lang: str) -> None:
    from ecodigital.factors.browse import search_factors

    _echo_output(search_factors(text, lang), output, force)


def _factor_inputs(factors_path: Path | None) -> tuple[Path, ...]:
    return (factors_path,) if factors_path is not None else ()


@cli.command()
@option("--results", "of_results", is_flag=True)
@OUTPUT_OPTION
@FORCE_OPTION
def schema(of_results: bool, output: Path | None, force: bool) -> None:
    if of_results:
        from ecodigital.assessment.results import results_json_schema
        from ecodigital.jsonio import dumps

        content = dumps(results_json_schema())
    else:
        from ecodigital.dossier.schema import dossier_json_schema

        content = dossier_json_schema()
    _echo_output(content, output, force)


@cli.command()
@argument("directory", type=click.Path(path_type=Path))
@option("--guided", is_flag=True)
@LANG_OPTION
def init(directory: Path, guided: bool, lang: str) -> None:
    from ecodigital.dossier.starter import starter_target, write_starter

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
@argument("topic", required=False)
@LANG_OPTION
def docs(topic: str | None, lang: str) -> None:
    import shutil

    from ecodigital.docs import find_page, render_listing, render_page

    if topic is None:
        click.echo(render_listing(lang), nl=False)
        return
    page = find_page(topic)
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    content = render_page(page, width)
    if sys.stdout.isatty():
        click.echo_via_pager(content)
    else:
        click.echo(content, nl=False)


@cli.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@option("--country", default="FRA", show_default=True)
@option("--pue", type=float)
@option("--interval", type=float, default=15.0, show_default=True)
@option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("measures"),
    show_default=True,
)
@option("--label", default="ecodigital", show_default=True)
@option("--duration")
@option(
    "--tracking-mode",
    type=click.Choice(["machine", "process"]),
    default="machine",
    show_default=True,
)
@option("--experiment-id")
@LANG_OPTION
@argument("command", nargs=-1, type=click.UNPROCESSED)
def measure(
    country: str,
    pue: float | None,
    interval: float,
    output_dir: Path,
    label: str,
    duration: str | None,
    tracking_mode: str,
    experiment_id: str | None,
    lang: str,
    command: tuple[str, ...],
) -> None:
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
            line = format_progress(elapsed, total, energy, lang)
            click.echo("\r" + line, nl=False, err=True)

    outcome = run_measure(options, progress=progress)
    if progress is not None:
        click.echo("", err=True)
    click.echo(describe_outcome(outcome, lang), err=True)
    sys.exit(outcome.exit_code)


@cli.group()
def measurements() -> None:
    pass


@measurements.command("summarize")
@argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@OUTPUT_OPTION
@FORCE_OPTION
@LANG_OPTION
def measurements_summarize(
    files: tuple[Path, ...], output_format: str, output: Path | None, force: bool, lang: str
) -> None:
    from ecodigital.i18n import warning_text
    from ecodigital.measure.read import read_emissions_files
    from ecodigital.measure.summarize import render_summary

    runs = read_emissions_files(list(files))
    _echo_output(render_summary(runs, output_format, lang), output, force, tuple(runs.files))
    if output_format != "table":
        for warning in runs.warnings:
            words = warning_text(warning.code, warning.params, lang)
            click.echo(text("cli.warning", lang, code=warning.code, message=words), err=True)


@cli.command()
@DOSSIER_ARGUMENT
@option("-o", "--output", type=click.Path(path_type=Path), required=True)
@option("--format", "output_format", type=click.Choice(["pdf", "html", "odt", "md"]))
@LANG_OPTION
@option("--template-dir", type=click.Path(path_type=Path))
@FACTORS_OPTION
@option("--rules", "rules_path", type=click.Path(path_type=Path))
@FORCE_OPTION
@DRAWS_OPTION
@SEED_OPTION
@option("--factors-dataset", "dataset_version")
@ALLOW_OUTSIDE_OPTION
@DETERMINISTIC_OPTION
@option("--strict", is_flag=True)
def note(
    dossier: Path,
    output: Path,
    output_format: str | None,
    lang: str,
    template_dir: Path | None,
    factors_path: Path | None,
    dataset_version: str | None,
    rules_path: Path | None,
    force: bool,
    draws: int,
    seed: int,
    deterministic: bool,
    strict: bool,
) -> None:
    from ecodigital.assessment import Options, run
    from ecodigital.errors import CheckFailed
    from ecodigital.i18n import Msg
    from ecodigital.report.build import (
        fewer_collections,
        note_format,
        note_gaps,
        prepare_note,
        render_note,
    )
    from ecodigital.report.payload import sidecar_path

    fmt = note_format(output, output_format)
    targets = [output, sidecar_path(output)] if fmt == "md" else [output]
    for target in targets:  # before the work, not after it
        _check_output(target, force, (dossier,))
    factors = None
    if dataset_version is not None:
        from ecodigital.errors import InputError
        from ecodigital.factors.database import load_factors
        from ecodigital.factors.versions import reference_versions

        versions = reference_versions()
        if dataset_version not in versions:
            shipped = {"version": dataset_version, "shipped": ", ".join(versions)}
            raise InputError(
                "--factors-dataset",
                None,
                Msg("verify.error.dataset", shipped),
                Msg("verify.error.dataset_fix", {"shipped": versions[-1]}),
            )
        factors = load_factors(factors_path, dataset_version)
    with fewer_collections():
        with _progress_bar(dossier, deterministic) as progress:
            results = run(
                dossier,
                Options(
                    factors_path=factors_path,
                    factors=factors,
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
    gaps = note_gaps(results)
    for gap in gaps:
        click.echo(text("cli.note.gap", lang, message=gap.render(lang)), err=True)
    if strict and gaps:
        raise CheckFailed(Msg("cli.note.strict", {"n": len(gaps)}))


@cli.command()
@DOSSIER_ARGUMENT
@option("--export", "export", type=click.Path(path_type=Path))
@option("--import", "import_", type=click.Path(path_type=Path))
@FORCE_OPTION
@LANG_OPTION
def rgesn(
    dossier: Path,
    export: Path | None,
    import_: Path | None,
    force: bool,
    lang: str,
) -> None:
    from ecodigital.errors import InputError
    from ecodigital.i18n import Msg

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
@option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(path_type=Path),
    default=Path("ecodigital-demo"),
    show_default=True,
)
@FORCE_OPTION
@LANG_OPTION
@DRAWS_OPTION
@SEED_OPTION
@DETERMINISTIC_OPTION
def demo(
    output_dir: Path, force: bool, lang: str, draws: int, seed: int, deterministic: bool
) -> None:
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
@argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
)
@option(
    "--sort",
    "sort_key",
)
@option("--strict", is_flag=True)
@option("--jobs", type=click.IntRange(min=0), default=0, show_default=True)
@FORCE_OPTION
@LANG_OPTION
def compare(
    files: tuple[Path, ...],
    output: Path | None,
    sort_key: str | None,
    strict: bool,
    jobs: int,
    force: bool,
    lang: str,
) -> None:
    from ecodigital.errors import InputError
    from ecodigital.i18n import Msg
    from ecodigital.review.compare import SORT_KEYS, compare_files
    from ecodigital.review.report import render_comparison

    if sort_key is not None and sort_key.lstrip("-") not in SORT_KEYS:
        raise InputError(
            None,
            "--sort",
            Msg("compare.usage.sort", {"key": sort_key}),
            Msg("compare.usage.sort_fix", {"keys": ", ".join(SORT_KEYS)}),
        )
    fmt = "table"
    if output is not None:
        fmt = _COMPARE_FORMATS.get(output.suffix.lower(), "")
        if not fmt:
            raise InputError(
                str(output),
                None,
                Msg("compare.usage.extension", {"suffix": output.suffix}),
                Msg("compare.usage.extension_fix"),
            )
        _check_output(output, force, files)

    def progress(rows: Any) -> Any:
        if not sys.stderr.isatty() or len(files) < 2:
            return rows
        return _progress_rows(rows, len(files), lang)

    rows = compare_files(
        list(files), sort=sort_key, strict=strict, jobs=jobs or None, progress=progress, lang=lang
    )
    content = render_comparison(rows, fmt, lang)
    if output is None:
        click.echo(content, nl=False)
    else:
        _write_output(output, content, force, files)
        click.echo(f"{output}", err=True)
    errors = [row for row in rows if row.error]
    if errors and output is not None:
        click.echo(text("compare.unread", lang, n=len(errors), total=len(rows)), err=True)
        for row in errors:
            click.echo(f"  {row.error}", err=True)


def _progress_rows(rows: Any, total: int, lang: str) -> Any:
    label = text("compare.progress", lang)
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        for row in rows:
            yield row
            bar.update(1)


@cli.command()
@argument("note", type=click.Path(path_type=Path))
@option(
    "--factors-dataset",
    "dataset_version",
)
@option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@option("--trust", "trust_path", type=click.Path(path_type=Path))
@option("--signature", "signature_path", type=click.Path(path_type=Path))
@option("--require-signature", "require_signature", is_flag=True)
@LANG_OPTION
def verify(
    note: Path,
    dataset_version: str | None,
    output_format: str,
    trust_path: Path | None,
    signature_path: Path | None,
    require_signature: bool,
    lang: str,
) -> None:
    from ecodigital.review.verify_follow_up import SignatureRequest, report_lines, verify_file

    signature = SignatureRequest(signature_path, trust_path, required=require_signature)
    report = verify_file(note, dataset_version=dataset_version, signature=signature)
    if output_format == "json":
        import json

        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in report_lines(report, lang):
            click.echo(line)
    if not report.holds:
        sys.exit(1)


@cli.command()
@argument("note", type=click.Path(path_type=Path))
@option("--key", "key_path", type=click.Path(path_type=Path))
@option("--cert", "cert_path", type=click.Path(path_type=Path))
@option("--pkcs12", "pkcs12_path", type=click.Path(path_type=Path))
@OUTPUT_OPTION
@FORCE_OPTION
@LANG_OPTION
def sign(
    note: Path,
    key_path: Path | None,
    cert_path: Path | None,
    pkcs12_path: Path | None,
    output: Path | None,
    force: bool,
    lang: str,
) -> None:
    from ecodigital.signature.sign import (
        PASSPHRASE_VARIABLE,
        load_credentials,
        sign_note,
        signed_lines,
    )

    def passphrase(path: str) -> bytes | None:
        given = os.environ.get(PASSPHRASE_VARIABLE)
        if given is not None:
            return given.encode("utf-8")
        if not sys.stdin.isatty():
            return None
        asked = click.prompt(text("sign.prompt", lang, path=path), hide_input=True)
        return str(asked).encode("utf-8")

    credentials = load_credentials(
        key=key_path, cert=cert_path, pkcs12=pkcs12_path, passphrase=passphrase
    )
    given = tuple(p for p in (key_path, cert_path, pkcs12_path) if p is not None)
    signed = sign_note(note, credentials, output=output, force=force, inputs=given)
    click.echo(f"{signed.path}")
    for line in signed_lines(signed, lang):
        click.echo(line, err=True)


@cli.command()
@argument("note", type=click.Path(path_type=Path))
@argument("actuals", type=click.Path(path_type=Path))
@OUTPUT_OPTION
@LANG_OPTION
@FORCE_OPTION
def suivi(note: Path, actuals: Path, output: Path | None, lang: str, force: bool) -> None:
    from ecodigital.report.payload import sidecar_path
    from ecodigital.suivi.report import render_suivi
    from ecodigital.suivi.run import follow_up_note

    suffix = output.suffix.lower().lstrip(".") if output is not None else "md"
    fmt = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
    if fmt not in {"html", "md", "json"}:
        _fail(_error_line("suivi.error.format", lang, suffix=suffix), 2)
    report = follow_up_note(note, actuals)
    content = render_suivi(report.follow_up, report.payload, fmt, lang)
    if output is not None and fmt == "md":
        _write_output(
            sidecar_path(output),
            render_suivi(report.follow_up, report.payload, "json"),
            force,
            (note, actuals),
        )
    _echo_output(content, output, force, (note, actuals))


# --------------------------------------------------------------------------- connectors

_IMPORT_FORMATS = ("numecoeval", "boavizta", "glpi", "ocs", "har", "boamps")
_EXPORT_FORMATS = ("numecoeval", "pcr-si", "impact-framework", "boavizta")


@cli.command("import")
@argument("file", required=False, type=click.Path(path_type=Path))
@option("--from", "fmt", type=click.Choice(_IMPORT_FORMATS))
@option("-o", "--output", type=click.Path(path_type=Path))
@option("--into", type=click.Path(path_type=Path))
@option("--replace", is_flag=True)
@option(
    "--mapping",
    type=click.Path(path_type=Path),
)
@option(
    "--show-mapping",
    "show_mapping",
    type=click.Choice(["glpi", "ocs", "numecoeval", "boavizta"]),
)
@option(
    "--views-per-year",
    type=click.FloatRange(min=0, min_open=True),
)
@option(
    "--access",
    type=click.Choice(["fixed", "mobile"]),
    default="fixed",
    show_default=True,
)
@option(
    "--runs-per-year",
    type=click.FloatRange(min=0, min_open=True),
)
@option("--id", "item_id")
@option(
    "--page-weight",
    type=click.Path(path_type=Path),
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
    from ecodigital.connectors import ImportOptions, read_import
    from ecodigital.errors import CheckFailed, InputError
    from ecodigital.i18n import Msg

    if show_mapping is not None:
        from ecodigital.connectors.mapping import mapping_yaml

        click.echo(mapping_yaml(show_mapping, mapping), nl=False)
        return
    if file is None or fmt is None:
        raise click.UsageError(text("cli.usage.import_needs", lang))
    if output is not None and into is not None:
        raise InputError(
            None, "-o/--into", Msg("cli.usage.import_choose"), Msg("cli.usage.import_choose_fix")
        )
    target = output or into
    if target is not None:
        _check_output(target, force or into is not None, (file,))
    from ecodigital.connectors.dossier import target_start_year

    start_year = target_start_year(target, into is not None, lang)
    if fmt == "har" and views_per_year is None and target is not None:
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
@argument("source", type=click.Path(path_type=Path))
@option("--to", "fmt", required=True, type=click.Choice(_EXPORT_FORMATS))
@option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
)
@FACTORS_OPTION
@option(
    "--mapping",
    type=click.Path(path_type=Path),
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
    from ecodigital.connectors import export_files

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


name_keys(cli)


def main() -> None:
    """Console entry point."""
    # numpy asks the kernel for huge pages behind its large arrays; an assessment's large
    # arrays live a moment each, and a fresh huge page costs more to fault in than the
    # address translations it saves (10^6 items: 4.3 s of system time, 1.9 s without).
    # Set before numpy is first imported; a setting of the user's own is kept.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    # importing pandas and pydantic and building the models makes hundreds of thousands of
    # long-lived objects, and a 100,000-row inventory as many short-lived ones: at the
    # default 700 allocations the cycle collector walked them all again and again to free
    # almost nothing (about 1 % of validate's and assess's instructions). It still runs.
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    try:
        cli(prog_name="ecodigital")
    except SystemExit as done:
        _leave(done)


def _leave(done: SystemExit) -> NoReturn:
    """End the process with ``done``'s exit code, without tearing the interpreter down.

    A finished command's objects (a 100,000-row inventory's frames, the imported
    libraries) would otherwise be freed one by one at exit: 85 ms of a 0.85 s
    assessment, for memory the system takes back at once. The output streams are
    flushed and the ``atexit`` functions run (temporary folders' clean-up among
    them) first. While another thread still runs, or when a stream cannot be
    flushed (a closed pipe), Python's own exit runs instead, as it would have.
    """
    import atexit

    threading = sys.modules.get("threading")
    code = done.code
    if code is None:
        code = 0
    if not isinstance(code, int) or (threading is not None and threading.active_count() > 1):
        raise done
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise done from None
    atexit._run_exitfuncs()
    os._exit(code)
