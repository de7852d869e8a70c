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
from collections.abc import Sequence
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


def _check_output(path: Path, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output path that is an input, a folder or, without --force, a file."""
    from ecodigital.errors import InputError

    resolved = path.resolve()
    if any(resolved == Path(i).resolve() for i in inputs):
        raise InputError(str(path), None, "is one of the input files", "choose another -o path")
    if path.exists() and not force:
        raise InputError(
            str(path), None, "already exists", "choose another -o path or add --force to replace it"
        )
    if path.exists() and path.is_dir():
        raise InputError(str(path), None, "is a folder", "give a file path to -o")


def _write_output(path: Path, text: str | bytes, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write an output file atomically, never over an input or, without --force, a file."""
    from ecodigital.fileio import write_atomic

    _check_output(path, force, inputs)
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
@LANG_OPTION
def assess(
    dossier: Path,
    factors_path: Path | None,
    output_format: str,
    output: Path | None,
    force: bool,
    lang: str,
) -> None:
    """Estimate a dossier's footprint by tier, phase, criterion and year.

    \b
    Examples:
      ecodigital assess dossier.yaml
      ecodigital assess dossier.yaml --format json -o resultats.json
      ecodigital assess dossier.yaml --format csv -o lignes.csv
      ecodigital assess dossier.yaml --factors mes-facteurs.csv --lang en
    """
    from ecodigital.assessment import assess_dossier
    from ecodigital.report.render import render_assessment

    assessment = assess_dossier(dossier, factors_path)
    text = render_assessment(assessment, output_format, lang)
    if output is None:
        click.echo(text, nl=False)
    else:
        inputs = tuple(p for p in (dossier, assessment.dossier.inventory_path) if p)
        _write_output(output, text, force, inputs)
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
    """List factor rows: id, kind, basis, gwp per phase and source."""
    from ecodigital.factors.browse import list_factors

    click.echo(list_factors(kind, factors_path), nl=False)


@factors.command("show")
@click.argument("factor_id")
@click.option(
    "--factors", "factors_path", type=click.Path(path_type=Path), help="Layer a user file."
)
def factors_show(factor_id: str, factors_path: Path | None) -> None:
    """Show every value of one factor row, with its source."""
    from ecodigital.factors.browse import show_factor

    click.echo(show_factor(factor_id, factors_path), nl=False)


@factors.command("search")
@click.argument("text")
def factors_search(text: str) -> None:
    """Find factor rows whose id, label, source or notes contain TEXT."""
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
@click.option(
    "--factors",
    "factors_path",
    type=click.Path(path_type=Path),
    help="A CSV file or folder of factor rows layered over the bundled ones (by id).",
)
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="The programme's financing rules file, for the financing summary.",
)
@click.option("--force", is_flag=True, help="Replace the output file(s) if they exist.")
def note(
    dossier: Path,
    output: Path,
    output_format: str | None,
    lang: str,
    template_dir: Path | None,
    factors_path: Path | None,
    rules_path: Path | None,
    force: bool,
) -> None:
    """Write the responsible-digital note of a dossier (PDF, HTML, ODT or Markdown).

    The note carries its data (dossier, results, factor dataset, tool version
    and their SHA-256 digest): embedded in the PDF, HTML and ODT, and in a
    .json file beside a Markdown note.

    \b
    Examples:
      ecodigital note dossier.yaml -o note.pdf
      ecodigital note dossier.yaml -o note.html --lang en
      ecodigital note dossier.yaml -o note.md     # also writes note.json
    """
    from ecodigital.report.build import build_note

    files, inputs = build_note(
        dossier,
        output,
        fmt=output_format,
        lang=lang,
        template_dir=template_dir,
        factors_path=factors_path,
        rules_path=rules_path,
    )
    for path in files:
        _check_output(path, force, tuple(inputs))
    for path, content in files.items():
        _write_output(path, content, force=True, inputs=tuple(inputs))
        click.echo(f"{path}")


@cli.command()
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--export",
    "export",
    nargs=2,
    type=(click.Choice(["csv"]), click.Path(path_type=Path)),
    help="Write every criterion and its answer to a CSV file: --export csv FILE.",
)
@click.option(
    "--import",
    "import_",
    nargs=2,
    type=(click.Choice(["csv"]), click.Path(path_type=Path)),
    help="Write the answers of a CSV file into the dossier: --import csv FILE.",
)
@click.option("--force", is_flag=True, help="Replace the exported file if it exists.")
@LANG_OPTION
def rgesn(
    dossier: Path,
    export: tuple[str, Path] | None,
    import_: tuple[str, Path] | None,
    force: bool,
    lang: str,
) -> None:
    """Fill in the RGESN 2024 self-assessment of a dossier, family by family.

    Answers are written back into the dossier, keeping its comments and
    layout. Already answered criteria are skipped, so you can stop and resume.

    \b
    Examples:
      ecodigital rgesn dossier.yaml
      ecodigital rgesn dossier.yaml --export csv rgesn.csv
      ecodigital rgesn dossier.yaml --import csv rgesn.csv
    """
    from ecodigital.errors import InputError

    if export and import_:
        raise InputError(None, "--export/--import", "choose one", "run the command twice")
    if export:
        from ecodigital.rgesn.csvio import export_csv

        _write_output(export[1], export_csv(dossier, lang), force, (dossier,))
        click.echo(f"{export[1]}")
        return
    if import_:
        from ecodigital.rgesn.csvio import import_csv

        count = import_csv(dossier, import_[1])
        click.echo(f"{dossier}: {count} answers imported")
        return
    from ecodigital.rgesn.questionnaire import run_questionnaire

    def ask(prompt: str, choices: Sequence[str] | None, default: str | None) -> str:
        kind = click.Choice(list(choices)) if choices else click.STRING
        return str(click.prompt(prompt, type=kind, default=default, show_choices=False))

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
def demo(output_dir: Path, force: bool, lang: str) -> None:
    """Run the whole pipeline on the bundled example: validate, assess, write the notes.

    \b
    Example:
      ecodigital demo -o /tmp/demo && xdg-open /tmp/demo/note.html
    """
    from ecodigital.demo import run_demo

    for line in run_demo(output_dir, lang=lang, force=force):
        click.echo(line)


_COMPARE_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json", ".xlsx": "xlsx"}


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
@click.option(
    "--strict", is_flag=True, help="Stop at the first file that cannot be read (exit 2)."
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
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


def main() -> None:
    """Console entry point."""
    cli(prog_name="ecodigital")
