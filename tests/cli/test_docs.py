"""ecodigital docs: the pages of docs/ as plain text, from the package, paged on a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.docs import find_page, markdown_to_text, render_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))


def test_listing_names_every_page_in_french():
    result = CliRunner().invoke(cli, ["docs"])
    assert result.exit_code == 0
    assert result.output.startswith(f"{len(PAGES)} pages de documentation (en anglais) :\n")
    for name in PAGES:
        assert f"\n  {name} " in result.output
    assert "  dossier      The dossier format ecodigital/1\n" in result.output
    assert "Pour en lire une : ecodigital docs NOM" in result.output
    english = CliRunner().invoke(cli, ["docs", "--lang", "en"])
    assert english.output.startswith(f"{len(PAGES)} documentation pages:\n")


def test_a_page_is_plain_text_when_not_a_terminal():
    result = CliRunner().invoke(cli, ["docs", "rgesn"])
    assert result.exit_code == 0
    assert result.output == render_page(find_page("rgesn"), 100)
    assert result.output.startswith("RGESN 2024 SELF-ASSESSMENT\n==========================\n")
    assert "`" not in result.output and "**" not in result.output


def test_topic_by_prefix_and_with_suggestions():
    runner = CliRunner()
    assert runner.invoke(cli, ["docs", "fin"]).output.startswith("FINANCING CHECK")
    assert runner.invoke(cli, ["docs", "docs/dossier.md"]).output.startswith("THE DOSSIER FORMAT")
    close = runner.invoke(cli, ["docs", "dossir"])
    assert close.exit_code == 2
    assert (
        "« dossir » n'est pas une page de la documentation : vouliez-vous dire « dossier » ?"
        in (close.output)
    )
    vague = runner.invoke(cli, ["docs", "m", "--lang", "en"])  # measure or methodology?
    assert vague.exit_code == 2
    assert (
        '"m" is not a documentation page. Fix: choose among cli, dossier, factors' in vague.output
    )
    assert "measure, methodology" in vague.output


def test_markdown_to_text():
    source = "\n".join(
        [
            "# Title",
            "",
            "Read [the format](dossier.md), [uncertainty.md](uncertainty.md#drivers),",
            "`docs/finance.md`, **bold**, *stress* and [CodeCarbon](https://codecarbon.io).",
            "![A chart](chart.png)",
            "",
            "## Section",
            "```yaml",
            "a: 1",
            "```",
            "| field | meaning |",
            "|---|---|",
            "| `id` | the id |",
        ]
    )
    assert markdown_to_text(source, 80) == "\n".join(
        [
            "TITLE",
            "=====",
            "",
            "Read the format (ecodigital docs dossier), ecodigital docs uncertainty,",
            '"ecodigital docs finance", bold, stress and CodeCarbon (https://codecarbon.io).',
            "[A chart]",
            "",
            "Section",
            "-------",
            "    a: 1",
            "  field  meaning",
            "  -----  -------",
            "  id     the id",
            "",
        ]
    )
    # a table wider than the terminal becomes one block per row
    wide = "| a | b |\n|---|---|\n| x | " + "word " * 30 + "|"
    lines = markdown_to_text(wide, 40).splitlines()
    assert lines[0] == "- x"
    assert lines[1].startswith("    b: word word") and all(len(line) <= 40 for line in lines)


@pytest.mark.slow
def test_paged_on_a_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, PAGER="sed s/^/PAGED:/", ECODIGITAL_LANG="fr")
    child = pexpect.spawn(
        sys.executable, ["-m", "ecodigital", "docs", "warnings"], env=env, encoding="utf-8",
        timeout=60,
    )  # fmt: skip
    child.expect_exact("PAGED:WARNING CODES")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.slow
def test_the_wheel_ships_the_pages(tmp_path):
    """Build the wheel as CI does, then read a page from the unpacked wheel alone."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("ecodigital-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = sorted(
            Path(name).stem
            for name in archive.namelist()
            if name.startswith("ecodigital/_data/docs/") and name.endswith(".md")
        )
        archive.extractall(tmp_path / "unpacked")
    assert shipped == PAGES
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import ecodigital.docs as d; "
        "assert d.__file__.startswith(sys.argv[1]), d.__file__; "
        "print(d.render_page(d.find_page('dossier')), end='')"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "unpacked")],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert shown == render_page(find_page("dossier"))
