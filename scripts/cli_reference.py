#!/usr/bin/env python3
"""Write docs/cli.md, the command-line reference, from the commands' own --help.

    python scripts/cli_reference.py          # rewrite docs/cli.md
    python scripts/cli_reference.py --check  # exit 1 if docs/cli.md is not up to date

The reference is the English help (``ECODIGITAL_LANG=en``), 100 columns wide,
so that it does not depend on the terminal it is made in.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"
WIDTH = 100


def reference() -> str:
    os.environ["ECODIGITAL_LANG"] = "en"
    sys.path.insert(0, str(ROOT))
    import click

    from ecodigital.cli import cli

    out = [
        "# Command-line reference",
        "",
        "Every command's `--help`, as `ecodigital` prints it in English (`--lang en`; French is",
        "the default). This page is written by `scripts/cli_reference.py` from the commands",
        "themselves and checked in CI: do not edit it by hand.",
        "",
    ]

    def walk(command: click.Command, name: str, parent: click.Context | None) -> None:
        settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
        ctx = click.Context(command, info_name=name, parent=parent, **settings)
        title = ctx.command_path
        out.extend([f"## `{title}`", "", "```text", command.get_help(ctx).rstrip(), "```", ""])
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                child = command.get_command(ctx, sub)
                if child is not None and not child.hidden:
                    walk(child, sub, ctx)

    walk(cli, "ecodigital", None)
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    text = reference()
    if "--check" in sys.argv[1:]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/cli_reference.py")
            return 1
        print(f"{TARGET.relative_to(ROOT)} is up to date")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(TARGET.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
