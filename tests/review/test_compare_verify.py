"""The spec's first check: notes from varied dossiers, one edited, one with a bent factor;
compare and verify flag exactly those."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import EXAMPLE_DATACENTRE_ADDED_KG

from ecodigital.cli import cli
from ecodigital.review.compare import compare_files
from ecodigital.review.verify import verify_note

#: The example measures its app servers; "unmeasured" is the example without its measurements.
#: "bent" (the same dossier noted with a factor file) and "edited" (plain's note edited by hand)
#: embed plain's dossier: the three are the same application, hence DUPLICATE. Every one answers
#: 18 of the 75 applicable RGESN criteria (24 %, under one half), hence RGESN_FEW_ANSWERS.
FEW = "RGESN_FEW_ANSWERS"
EXPECTED = {
    "plain": {"DUPLICATE", FEW},
    "users": {FEW},
    "nonetwork": {"TIER_MISSING", FEW},
    "bent": {"FACTOR_OVERRIDDEN", "DUPLICATE", FEW},
    "edited": {"DIGEST_MISMATCH", "DUPLICATE", FEW},
    "unmeasured": {"NO_MEASUREMENT", FEW},
}


def test_compare_flags_exactly_the_edited_and_the_bent_notes(notes):
    rows = compare_files([notes[key] for key in EXPECTED])
    assert [row.error for row in rows] == [None] * len(EXPECTED)
    flags = {key: set(row.flag_codes) for key, row in zip(EXPECTED, rows, strict=True)}
    assert flags == EXPECTED
    by_key = dict(zip(EXPECTED, rows, strict=True))
    bent = next(f for f in by_key["bent"].flags if f.code == "FACTOR_OVERRIDDEN")
    assert bent.details == ("laptop gwp_manufacturing_kgco2e -50 %",)
    assert by_key["nonetwork"].flags[0].details == ("network",)
    assert [row.digest_ok for row in rows] == [True, True, True, True, False, True]


#: The example's total gwp with every figure modelled (its measurements left out): dataset
#: 2026.1's 10 422.71 kgCO2e plus what 2026.2 adds to its data-centre items (by hand in
#: support.EXAMPLE_DATACENTRE_ADDED_KG: distribution, end of life, unrounded factors).
MODELLED_KG = 10422.7073465056 + EXAMPLE_DATACENTRE_ADDED_KG
#: Its app servers' use phase over 5 years, modelled: 2 x 320 W x 8760 h x 0.5 x PUE 1.5
#: = 4 204.8 kWh a year x 0.0519 kgCO2e/kWh x 5 years; and as measured by CodeCarbon:
#: 394.92 kWh a year x 0.5 x 1.5 = 296.19 kWh a year x 0.0519 x 5 years.
APP_USE_MODELLED_KG = 4204.8 * 0.0519 * 5
APP_USE_MEASURED_KG = 394.9202243491888 * 0.5 * 1.5 * 0.0519 * 5
PLAIN_KG = MODELLED_KG - APP_USE_MODELLED_KG + APP_USE_MEASURED_KG


def test_compare_reads_the_figures_of_each_note(notes):
    plain, users, nonetwork, bent, unmeasured = compare_files(
        [notes[k] for k in ("plain", "users", "nonetwork", "bent", "unmeasured")]
    )
    assert unmeasured.gwp_kgco2e == pytest.approx(MODELLED_KG)
    assert plain.gwp_kgco2e == pytest.approx(PLAIN_KG, rel=1e-9)
    assert plain.user_years == 37500
    assert plain.gwp_per_user_year_kgco2e == pytest.approx(PLAIN_KG / 37500)
    assert users.user_years == 43800
    assert users.gwp_per_user_year_kgco2e == pytest.approx(users.gwp_kgco2e / 43800)
    assert nonetwork.network_share is None
    assert nonetwork.terminals_share + nonetwork.datacenter_share == pytest.approx(1.0)
    assert plain.terminals_share + plain.datacenter_share + plain.network_share == pytest.approx(
        1.0
    )
    # (40 agents' laptops x 25 % + 4,000 citizens' laptops x 0.18 %) x (170 - 85) kgCO2e:
    # one 5-year life each over the 5-year horizon.
    assert plain.gwp_kgco2e - bent.gwp_kgco2e == pytest.approx(
        (40 * 0.25 + 4000 * 0.0018) * 85, rel=1e-9
    )
    assert bent.declared_share > 0
    assert plain.rgesn_score == pytest.approx(65.0)
    assert plain.factors_dataset_version == "2026.2"
    # the note carries its financing check: eligible cost 286 824,20 EUR (docs/finance.md)
    assert plain.finance_verdict == "ok"
    assert plain.gwp_per_keur_kgco2e == pytest.approx(PLAIN_KG / 286.8242, rel=1e-9)


def test_verify_holds_on_untouched_notes(notes):
    # every value of the results is compared: thousands of them, the network tier's too
    checked = {}
    for key in ("plain", "users", "nonetwork"):
        report = verify_note(notes[key])
        assert report.holds, (key, report.differences)
        checked[key] = report.figures_checked
    assert checked["plain"] > 4000
    assert checked["nonetwork"] < checked["plain"]


def test_verify_lists_the_edited_figure(notes):
    report = verify_note(notes["edited"])
    assert not report.holds
    assert not report.digest_ok
    assert [d.figure for d in report.differences] == ["totals.gwp.value"]
    # the edit lowered the total by one tonne
    assert report.differences[0].note == pytest.approx(PLAIN_KG - 1000)
    assert report.differences[0].recomputed == pytest.approx(PLAIN_KG)


def test_verify_recomputes_with_the_factor_values_a_note_declares(notes):
    # the bent note was made with a user file setting the laptop's manufacturing gwp to 85
    report = verify_note(notes["bent"])
    assert report.digest_ok
    assert report.holds, report.differences
    assert report.declared_overrides == 1


@pytest.mark.parametrize(
    ("key", "code", "needle"),
    [
        ("plain", 0, "la note tient"),
        ("edited", 1, "NE CORRESPOND PAS"),
        ("bent", 0, "que la note déclare modifiée"),
    ],
)
def test_verify_command_exit_codes(notes, key, code, needle):
    result = CliRunner().invoke(cli, ["verify", str(notes[key])])
    assert result.exit_code == code, result.output
    assert needle in result.output


def test_verify_command_unreadable_input_exits_2(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>no data</p>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(page), "--lang", "en"])
    assert result.exit_code == 2
    assert "holds no ecodigital payload" in result.output
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 2


def test_verify_refuses_a_dataset_version_not_shipped(notes):
    result = CliRunner().invoke(cli, ["verify", str(notes["plain"]), "--factors-dataset", "2019.1"])
    assert result.exit_code == 2
    assert "n'est pas livrée" in result.output


def test_verify_recomputes_with_the_current_dataset_and_says_so(notes, tmp_path):
    from ecodigital.report.payload import compute_digest, html_payload_block

    payload = json.loads(notes["plain"].with_suffix(".html").read_text(encoding="utf-8").split(
        'id="ecodigital-payload">')[1].split("</script>")[0])  # fmt: skip
    payload["factors_dataset"]["version"] = "2025.9"
    payload["digest"]["value"] = compute_digest(payload)
    page = tmp_path / "old.html"
    # the note as the reader sees it, with only its data block rewritten
    text = notes["plain"].with_suffix(".html").read_text(encoding="utf-8")
    head, rest = text.split('<script type="application/json" id="ecodigital-payload">', 1)
    page.write_text(
        head + html_payload_block(payload) + rest.split("</script>", 1)[1], encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["verify", str(page), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "not shipped with this ecodigital: recomputed with the current one" in result.output
    (row,) = compare_files([page])
    assert row.flag_codes == ["DATASET_OUTDATED", FEW]


@pytest.mark.slow
def test_pdf_note_compares_and_verifies(notes, pdf_note):
    rows = compare_files([pdf_note, notes["plain"]])
    assert rows[0].kind == "pdf"
    assert rows[0].flag_codes == [FEW]
    assert rows[0].user_years == 3600
    assert verify_note(pdf_note).holds


def test_compare_command_writes_only_its_output(notes, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inputs = [str(notes[key]) for key in EXPECTED]
    before = set(Path(tmp_path).rglob("*"))
    for name in ("c.html", "c.csv", "c.json", "c.xlsx"):
        result = CliRunner().invoke(cli, ["compare", *inputs, "-o", name, "--lang", "en"])
        assert result.exit_code == 0, result.output
    after = set(Path(tmp_path).rglob("*"))
    assert after - before == {tmp_path / n for n in ("c.html", "c.csv", "c.json", "c.xlsx")}
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [set(f["code"] for f in r["flags"]) for r in data["rows"]] == list(EXPECTED.values())
    result = CliRunner().invoke(cli, ["compare", *inputs, "-o", "c.csv"])
    assert result.exit_code == 2 and "existe déjà" in result.output


def test_compare_table_and_sort(notes):
    result = CliRunner().invoke(
        cli, ["compare", *map(str, notes.values()), "--sort", "-gwp_per_user_year_kgco2e"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["n°", "Projet", "Porteur"]
    assert "DIGEST_MISMATCH" in result.output
    bad = CliRunner().invoke(cli, ["compare", str(notes["plain"]), "--sort", "colour"])
    assert bad.exit_code == 2 and "« colour » n'est pas une colonne" in bad.output
