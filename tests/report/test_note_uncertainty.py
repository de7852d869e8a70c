"""The note's ranges, drivers and scenarios: the same figures as the engine, in order."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import note_of, payload_of

from ecodigital.cli import cli
from ecodigital.i18n.format import format_change_pct, format_number, format_range
from ecodigital.report.build import render_note

from .conftest import EXAMPLE, TODAY

DRAWS, SEED = 200, 3


def _plain(text: str) -> str:
    """Note text with its no-break spaces and word joiners as plain spaces (or nothing)."""
    return text.replace("\u2060", "").replace("\u00a0", " ").replace("\\[", "[").replace("\\]", "]")


def _markdown(**options: Any) -> str:
    note = note_of(EXAMPLE, lang="fr", today=TODAY, **options)
    return _plain(str(render_note(note, "md", Path("n.md"))[Path("n.md")]))


def _stats(per_draw: Any) -> dict[str, float]:
    import numpy as np

    p5, p95 = np.quantile(per_draw, (0.05, 0.95))
    return {"p5": float(p5), "p95": float(p95)}


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    """The example's ranges and drivers computed here, straight from the engine's draws."""
    from ecodigital.assessment.point import assess_dossier
    from ecodigital.engine.aggregate import totals
    from ecodigital.engine.drivers import rank_drivers
    from ecodigital.engine.propagation import propagate
    from ecodigital.vocabulary import CRITERIA, TIERS

    assessment = assess_dossier(EXAMPLE)
    propagation = propagate(
        assessment.result,
        assessment.dossier.items,
        assessment.factors.frame,
        assessment.grid,
        assessment.users_per_year,
        ranges=assessment.dossier.ranges,
        draws=DRAWS,
        seed=SEED,
    )
    gwp = propagation.cube[..., CRITERIA.index("gwp")]  # draws, tiers, years, phases
    user_years = sum(assessment.users_per_year)
    return {
        "total": _stats(gwp.sum(axis=(1, 2, 3))),
        "per_user": _stats(gwp.sum(axis=(1, 2, 3)) / user_years),
        "network": _stats(gwp[:, TIERS.index("network")].sum(axis=(1, 2))),
        "value": totals(assessment.rows)["gwp"]["value"],
        "horizon": assessment.dossier.horizon_years,
        "drivers": rank_drivers(propagation),
    }


@pytest.fixture(scope="module")
def markdown() -> str:
    return _markdown(draws=DRAWS, seed=SEED)


def _row(text: str, first_cell: str, containing: str = "") -> list[str]:
    """The cells of the first table row of ``text`` starting with ``first_cell``."""
    line = next(
        line
        for line in text.splitlines()
        if line.startswith(f"| {first_cell} |") and containing in line
    )
    return [cell.strip() for cell in line.strip("|").split("|")]


def _number(text: str) -> float:
    """A French number of the note (``1 370``, ``0,211``, ``−4,0``) as a float."""
    return float(text.replace("\u202f", "").replace("−", "-").replace(",", ".").strip())


def test_note_ranges_are_those_of_the_engine_draws_with_the_same_seed(markdown, reference):
    totals = reference["total"]
    per_user = sci = reference["per_user"]
    value = reference["value"]
    horizon = reference["horizon"]

    def interval(stats: dict[str, Any], unit: str, shown: str, point: float, scale=1.0) -> str:
        bounds = format_range(stats["p5"] / scale, stats["p95"] / scale, unit, point, "fr")
        return f"{bounds.strip('[]')} {shown}"

    rows = {
        "Changement climatique, total sur l'horizon": interval(totals, "kgCO2e", "tCO2e", value),
        "Changement climatique, moyenne par an": interval(
            totals, "kgCO2e", "tCO2e/an", value / horizon, horizon
        ),
        "Changement climatique par utilisateur-année": interval(
            per_user, "kgCO2e/user-year", "kgCO2e/utilisateur-année", 0.25
        ),
    }
    for label, expected in rows.items():
        assert _row(markdown, label)[2] == expected
    # SCI equals the footprint per user-year: no row of its own, one sentence with its range
    assert "| SCI par utilisateur-année" not in markdown
    sci_range = interval(sci, "kgCO2e/user-year", "kgCO2e/utilisateur-année", 0.25)
    sci_sentence = next(line for line in markdown.splitlines() if "Le score SCI" in line)
    low, high = sci_range.split(" kgCO2e")[0].split(" – ")
    assert f"[{low} –" in sci_sentence.replace("\u2060", "") and f"{high}]" in sci_sentence
    # the results tables: a tier, a phase and a year, from the same data
    network = reference["network"]
    # criteria down, tiers across: the climate row's second tier column is the network
    by_tier = markdown.split("### Par tiers", 1)[1]
    assert _row(by_tier, "Climat")[2].endswith(
        format_range(network["p5"], network["p95"], "kgCO2e", 324.0, "fr")
    )
    sentence = (
        f"intervalle à 90 % de {format_number(DRAWS, 'fr')} tirages Monte-Carlo (graine {SEED})"
    )
    assert markdown.count(sentence) == 2  # summary and results


def test_every_range_shown_is_in_order_around_its_value(markdown):
    ranges = re.findall(
        # units may hold spaces ("mol H+ eq", "kBq U235 eq"); the value is the number before them
        r"(≥ )?(?<![\w+])([−\d\u202f,]+) ([^\s|\[]+(?: [^\s|\[\d]\S*| U235)*) "
        r"\[([−\d\u202f,]+(?: %)?) – ([−\d\u202f,]+(?: %)?)\]",
        markdown,
    )
    assert len(ranges) > 40
    for _, value, _unit, low, high in ranges:
        if "%" in low:
            assert _number(low.rstrip(" %")) <= _number(high.rstrip(" %"))
            continue
        assert _number(low) <= _number(high), (value, low, high)
        assert _number(low) <= _number(value) <= _number(high), (value, low, high)
    for figure in ("total sur l'horizon", "moyenne par an", "par utilisateur-année"):
        cells = _row(markdown, f"Changement climatique, {figure}".replace(", par", " par"))
        value = cells[1].strip("*").removeprefix("≥ ").split(" ")[0]
        low, _, high = cells[2].split(" ", 3)[:3]
        assert _number(low) <= _number(value) <= _number(high)


def test_deterministic_note_shows_no_range_and_says_so(tmp_path):
    out = tmp_path / "note.md"
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(out), "--deterministic"])
    assert result.exit_code == 0, result.output
    text = _plain(out.read_text(encoding="utf-8"))
    assert "Aucune plage d'incertitude n'a été calculée pour cette note" in text
    assert "Intervalle P5 – P95" not in text
    assert not re.search(r"\[[−\d]", text)  # no "[7,89 – 11,6]" anywhere
    assert "Non calculé : la note a été établie sans tirages Monte-Carlo" in text
    assert "### Scénarios étudiés" in text  # scenarios still compared, as point values
    results = payload_of(out)["results"]
    assert results["uncertainty"] is None and results["drivers"] is None
    assert results["scenarios"]["draws"] is None


def test_cli_options_reach_the_payload(tmp_path):
    out = tmp_path / "note.md"
    args = ["note", str(EXAMPLE), "-o", str(out), "--draws", "50", "--seed", "9"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    results = payload_of(out)["results"]
    assert (results["uncertainty"]["draws"], results["uncertainty"]["seed"]) == (50, 9)
    assert (results["scenarios"]["draws"], results["scenarios"]["seed"]) == (50, 9)
    assert results["drivers"]["draws"] == 50


def test_drivers_table_and_tornado_chart(reference):
    from ecodigital.report.html import build_charts

    note = note_of(EXAMPLE, lang="en", today=TODAY, draws=DRAWS, seed=SEED)
    drivers = note.context["drivers"]
    expected = reference["drivers"]["inputs"][:5]
    assert [r["at_p5_kgco2e"] for r in drivers["rows"]] == [r["output_at_p5"] for r in expected]
    assert len(drivers["rows"]) == 5
    names = [r["input"] for r in drivers["rows"]]
    # the factor named by its label in the note's language, not by its id
    assert 'Emission factor "Laptop"' in names
    chart = build_charts(note.context, note.results)["tornado"]
    assert chart.svg.startswith('<svg aria-hidden="true"')
    assert chart.title.startswith("Total over the horizon with each input at its P5")
    assert chart.alt.startswith("Tornado chart: for each of the 5 main inputs")
    for name in names:
        assert name in chart.alt
    first = expected[0]
    low, high = (format_number(first[k] / 1000, "en") for k in ("output_at_p5", "output_at_p95"))
    assert f"{names[0]}: {low} – {high} tCO2e" in chart.alt
    html = str(render_note(note, "html", Path("n.html"))[Path("n.html")])
    from markupsafe import escape

    assert f'aria-label="{escape(chart.alt)}"' in html


def test_scenario_change_in_the_note_matches_the_scenario_computation(markdown):
    from ecodigital.assessment import Options, run

    results = run(EXAMPLE, Options(draws=DRAWS, seed=SEED, drivers=False, finance=False))
    assert results.scenarios is not None
    scenario = results.scenarios.scenarios[0]
    assert scenario.name == "Allonger la durée de vie des postes à 7 ans"
    gwp = scenario.criteria["gwp"]
    # the change of a laptop lifetime 5 -> 7 years, computed from the two totals
    assert gwp.change_pct.value == pytest.approx(100 * (gwp.value.value / gwp.baseline.value - 1))
    cells = _row(markdown, scenario.name)
    assert gwp.change_pct.range is not None
    bounds = (gwp.change_pct.range.p5, gwp.change_pct.range.p95)
    low, high = (format_change_pct(v, "fr") for v in bounds)
    assert cells[3] == f"{format_change_pct(gwp.change_pct.value, 'fr')} [{low} – {high}]"
    levers = {lever.lever for lever in results.scenarios.levers}
    assert "longer_life" in levers
    assert "Allonger de 2 ans la durée de vie des terminaux" in markdown


def test_a_dossier_without_scenarios_has_no_scenario_section(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    dossier = tmp_path / "dossier.yaml"
    dossier.write_text(text[: text.index("\n# --- Scénarios")] + "\n", encoding="utf-8")
    # a copy: measurement files must be inside the dossier's folder (a symlink out is refused)
    shutil.copytree(EXAMPLE.parent / "measures", tmp_path / "measures")
    note = note_of(dossier, today=TODAY, draws=DRAWS, seed=SEED)
    assert note.context["scenarios"]["provided"]  # the standard levers are still compared
    assert not note.context["scenarios"]["has_scenarios"]
    assert note.results.scenarios is not None and note.results.scenarios.scenarios == ()
    markdown = str(render_note(note, "md", Path("n.md"))[Path("n.md")])
    assert "Scénarios étudiés" not in markdown
    assert "Leviers standard" in markdown
