"""Mutualisation: each member's share of every figure and of the cost adds up to the total."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ecodigital.assessment import Options, Results, run
from ecodigital.assessment.mutual import allocate_cents
from ecodigital.assessment.results import value_at
from ecodigital.cli import cli
from ecodigital.report.views import render
from ecodigital.vocabulary import CRITERIA

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "epci-communes" / "dossier.yaml"

#: Populations of the example's 5 communes: 4200 + 2600 + 1500 + 1100 + 600 = 10 000.
POPULATIONS = (4200, 2600, 1500, 1100, 600)
#: Cost of the financing plan: FEDER 110 000 + self-financing 81 316 = 191 316.00 EUR.
#: Each commune's part is exact to the cent (population / 10 000 has two decimals):
#: 191 316 × 0.42 = 80 352.72, × 0.26 = 49 742.16, × 0.15 = 28 697.40,
#: × 0.11 = 21 044.76, × 0.06 = 11 478.96; their sum is 191 316.00.
COSTS = ("80352.72", "49742.16", "28697.40", "21044.76", "11478.96")


@pytest.fixture(scope="module")
def example() -> Results:
    return run(EXAMPLE, Options(draws=200, seed=1))


def test_the_example_shares_follow_the_population(example: Results) -> None:
    mutual = example.mutualisation
    assert mutual is not None
    assert mutual.key == "population"
    assert [m.key_value for m in mutual.members] == [float(p) for p in POPULATIONS]
    assert [m.share for m in mutual.members] == pytest.approx([0.42, 0.26, 0.15, 0.11, 0.06])
    assert [m.cost for m in mutual.members] == [Decimal(c) for c in COSTS]
    assert mutual.total_cost == Decimal("191316.00")
    assert sum(m.cost for m in mutual.members if m.cost is not None) == mutual.total_cost


def test_every_criterion_shares_add_up_to_the_total(example: Results) -> None:
    mutual = example.mutualisation
    assert mutual is not None
    for c in CRITERIA:
        total = example.totals[c]
        assert total.value is not None
        parts = [m.footprint[c] for m in mutual.members]
        assert math.fsum(p.value for p in parts if p.value is not None) == pytest.approx(
            total.value, rel=1e-12, abs=0
        )
        for member, part in zip(mutual.members, parts, strict=True):
            # the member's figure is its share of the total, range included, same completeness
            assert part.value == pytest.approx(member.share * total.value, rel=1e-15)
            assert part.unit == total.unit
            assert (part.complete, part.unknown) == (total.complete, total.unknown)
            assert part.quality == total.quality
            assert part.range is not None and total.range is not None
            assert part.range.p5 == pytest.approx(member.share * total.range.p5, rel=1e-15)
            assert part.range.p95 == pytest.approx(member.share * total.range.p95, rel=1e-15)
        assert math.fsum(p.range.p95 for p in parts if p.range) == pytest.approx(
            total.range.p95 if total.range else math.nan, rel=1e-12
        )
    # the example has unknown parts (water, the data-centre items): still a lower bound per member
    assert not mutual.members[0].footprint["water"].complete


def test_cents_left_over_go_to_the_largest_remainders() -> None:
    # 100.00 EUR in three equal parts: 3333.33... cents each, floors 3333 × 3 = 9999;
    # the one cent left goes to the first member (equal remainders: first in the list)
    assert allocate_cents(Decimal("100.00"), [Fraction(1)] * 3) == (
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33"),
    )  # fmt: skip
    # 0.05 EUR split 1 : 2 is 1.67 and 3.33 cents: floors 1 and 3, the cent left to the 0.67
    assert allocate_cents(Decimal("0.05"), [Fraction(1), Fraction(2)]) == (
        Decimal("0.02"), Decimal("0.03"),
    )  # fmt: skip
    # a key of 0.1, 0.2, 0.7 (floats that are not exact) still gives the cost to the cent
    parts = allocate_cents(Decimal("1000.01"), [Fraction(0.1), Fraction(0.2), Fraction(0.7)])
    assert sum(parts) == Decimal("1000.01")
    assert parts == (Decimal("100.00"), Decimal("200.00"), Decimal("700.01"))


def test_a_dossier_without_members_has_no_mutualisation(tmp_path: Path) -> None:
    from support import base_dossier, write_yaml

    results = run(write_yaml(tmp_path / "d.yaml", base_dossier()), Options(deterministic=True))
    assert results.mutualisation is None
    assert results.to_json()["mutualisation"] is None


def test_the_json_carries_the_shares_and_reads_back(example: Results) -> None:
    data = example.to_json()
    member = data["mutualisation"]["members"][0]
    assert member["name"] == "Commune d'Exemple-sur-Loue"
    assert member["cost"] == "80352.72"
    assert member["footprint"]["gwp"]["unit"] == "kgCO2e"
    assert Results.from_json(data).mutualisation == example.mutualisation


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_note_shows_every_member_and_each_figure_is_its_field(
    example: Results, lang: str
) -> None:
    from ecodigital.report.build import prepare_note, render_note
    from tests.assessment.test_results import _Figures

    note = prepare_note(example, lang=lang)
    html = str(render_note(note, "html", Path("n.html"))[Path("n.html")])
    assert 'id="mutualisation"' in html
    parser = _Figures()
    parser.feed(html)
    found = [f for f in parser.found if f[0].startswith("mutualisation.")]
    # 5 members × (key value, share, gwp, cost, 8 criteria) and the total cost
    assert len(found) == 5 * (4 + len(CRITERIA)) + 1
    wrong = [(p, v, t) for p, v, t in found if render(value_at(example, p), v, lang) != t]
    assert wrong == []
    assert "mutualisation.members[4].footprint.pm" in {p for p, _, _ in found}
    for member in example.mutualisation.members if example.mutualisation else ():
        assert member.name.replace("'", "&#39;") in html


def test_markdown_note_and_assess_show_the_members(tmp_path: Path) -> None:
    out = tmp_path / "note.md"
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(out), "--draws", "100"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "## Mutualisation : part de chaque membre" in text
    # numbers are grouped and joined to their unit by narrow no-break spaces (U+202F)
    assert "| Commune de Spécimen | commune | 1\u202f100 | 11\u202f% |" in text
    assert "21\u202f044,76\u202f€ |" in text
    assert "| **Total** | | | | 558 kgCO2e" in text
    assert "191\u202f316\u202f€ |" in text

    result = CliRunner().invoke(cli, ["assess", str(EXAMPLE), "--draws", "100"])
    assert result.exit_code == 0, result.output
    assert "Mutualisation : part de chaque membre" in result.output
    assert "Commune d'Essai-la-Côte" in result.output


def test_verify_holds_on_a_note_with_members_and_catches_a_changed_share(tmp_path: Path) -> None:
    from support import payload_of

    note = tmp_path / "note.html"
    result = CliRunner().invoke(cli, ["note", str(EXAMPLE), "-o", str(note), "--draws", "100"])
    assert result.exit_code == 0, result.output
    assert payload_of(note)["results"]["mutualisation"]["members"][3]["cost"] == "21044.76"
    result = CliRunner().invoke(cli, ["verify", str(note), "--lang", "en"])
    assert result.exit_code == 0, result.output

    # the recomputation compares the members' section too: a share of the cost changed and
    # sealed again (a valid digest) is caught as that one field
    from ecodigital.report.payload import compute_digest, html_payload_block
    from ecodigital.review.verify import verify_note

    payload = payload_of(note)
    payload["results"]["mutualisation"]["members"][3]["cost"] = "1044.76"
    payload["digest"]["value"] = compute_digest(payload)
    forged = tmp_path / "forged.html"
    forged.write_text(
        f"<!DOCTYPE html><title>x</title>{html_payload_block(payload)}", encoding="utf-8"
    )
    report = verify_note(forged)
    assert report.digest_ok
    assert not report.holds
    assert [d.figure for d in report.differences] == ["mutualisation.members[3].cost"]


def test_a_hostile_member_name_stays_text(tmp_path: Path) -> None:
    from support import base_dossier, write_yaml

    name = "<script>alert(1)</script> | **x** {{ 7*7 }}"
    dossier = base_dossier()
    dossier["members"] = [
        {"name": name, "type": "commune"},
        {"name": "Commune B", "type": "commune"},
    ]
    dossier["allocation_key"] = "equal"
    path = write_yaml(tmp_path / "d.yaml", dossier)
    for suffix in ("html", "md"):
        out = tmp_path / f"note.{suffix}"
        result = CliRunner().invoke(cli, ["note", str(path), "-o", str(out), "--draws", "50"])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in text
        if suffix == "html":
            assert "&lt;script&gt;alert(1)&lt;/script&gt; | **x** {{ 7*7 }}" in text
        else:
            row = next(line for line in text.splitlines() if "alert(1)" in line)
            # the pipe is escaped, so the row keeps its six cells (seven unescaped pipes)
            assert len(re.findall(r"(?<!\\)\|", row)) == 7, row


@given(
    cents=st.integers(min_value=0, max_value=10**14),
    weights=st.lists(
        st.floats(min_value=0, max_value=1e8, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=40,
    ).filter(lambda ws: sum(ws) > 0),
)
def test_cents_always_add_up_and_stay_within_a_cent(cents: int, weights: list[float]) -> None:
    total = Decimal(cents) / 100
    exact = [Fraction(w) for w in weights]
    parts = allocate_cents(total, exact)
    assert sum(parts, Decimal(0)) == total
    whole = sum(exact, Fraction(0))
    for part, weight in zip(parts, exact, strict=True):
        # each part is its exact share rounded down, or up by the one cent it was given
        gap = Fraction(part) - Fraction(cents, 100) * weight / whole
        assert Fraction(-1, 100) < gap < Fraction(1, 100)
        assert part >= 0
