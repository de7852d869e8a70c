"""``ecodigital suivi`` end to end: a note, three years of actuals (one with a real
CodeCarbon run), the report's gaps, drift flags and indicators checked by hand, and
``ecodigital verify`` on the report: it holds, and bent figures are caught."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import opened_files

from ecodigital.assessment.results import Results
from ecodigital.cli import cli
from ecodigital.suivi.report import verify_suivi_digest

ROOT = Path(__file__).parents[2]
DOSSIER = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
CRITERIA = ("adpe", "ap", "gwp", "ir", "pe", "pm", "water", "water_consumption")

# 2026: exactly the forecast (users as planned, nothing bought): every gap is 0.
# 2027: 40 % more agents' devices (40 laptops and 40 monitors planned, 16 more of each).
# 2028: the 16 extra devices retired, the app servers measured by a real CodeCarbon
#       run, and 2 000 users counted instead of the 9 000 planned.
ACTUALS = """\
format: ecodigital-suivi/1
years:
  - year: 2026
    users: {count: 500, method: accounts}
    institutions: 10
    expenses:
      - {label: Développement du portail, amount_eur: "60000.00"}
  - year: 2027
    users: {count: 4000, method: accounts}
    institutions: 3
    equipment:
      - {item: agents-laptops, kind: laptop, bought: 16}
      - {item: agents-monitors, kind: monitor, bought: 16}
  - year: 2028
    users: {count: 2000, method: procedures_completed}
    equipment:
      - {item: agents-laptops, retired: 16}
      - {item: agents-monitors, retired: 16}
    measurements:
      - {item: app-servers, files: [mesures], per: hour, hours_per_year: 17520}
"""


def _codecarbon_run(folder: Path) -> None:
    """A real, offline CodeCarbon run of a short command, written by ``ecodigital measure``."""
    command = [sys.executable, "-c", "import time; time.sleep(2.5)"]
    subprocess.run(
        [
            *(sys.executable, "-m", "ecodigital", "measure", "-o", str(folder)),
            *("--country", "FRA", "--interval", "1", "--label", "app-servers", "--", *command),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )


def _measured_kwh_per_hour(csv_path: Path) -> float:
    """Energy over hours of the runs in CodeCarbon's CSV, a run counted with its last row."""
    last: dict[str, dict[str, str]] = {}
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            last[row["run_id"]] = row
    energy_kwh = sum(float(row["energy_consumed"]) for row in last.values())
    hours = sum(float(row["duration"]) for row in last.values()) / 3600
    return energy_kwh / hours


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("suivi")
    note = folder / "note.md"
    result = CliRunner().invoke(cli, ["note", str(DOSSIER), "-o", str(note), "--draws", "200"])
    assert result.exit_code == 0, result.output
    _codecarbon_run(folder / "mesures")
    actuals = folder / "suivi.yaml"
    actuals.write_text(ACTUALS, encoding="utf-8")
    report = folder / "suivi.md"
    for written in (report, folder / "suivi.html"):
        result = CliRunner(env={"ECODIGITAL_LANG": None}).invoke(
            cli, ["suivi", str(note), str(actuals), "-o", str(written)]
        )
        assert result.exit_code == 0, result.output
    payload = json.loads((folder / "suivi.json").read_text(encoding="utf-8"))
    forecast = Results.from_json(json.loads((folder / "note.json").read_text())["results"])
    return {
        "folder": folder,
        "note": note,
        "actuals": actuals,
        "payload": payload,
        "forecast": forecast,
        "markdown": report.read_text(encoding="utf-8"),
        "reports": {"md": report, "html": folder / "suivi.html", "json": folder / "suivi.json"},
    }


def _year(made: dict[str, object], year: int) -> dict[str, object]:
    payload = made["payload"]
    assert isinstance(payload, dict)
    (found,) = [y for y in payload["follow_up"]["years"] if y["year"] == year]
    return found  # type: ignore[no-any-return]


def test_the_year_as_planned_has_no_gap_and_no_drift(made: dict[str, object]) -> None:
    year = _year(made, 2026)
    for criterion in CRITERIA:
        comparison = year["criteria"][criterion]
        assert comparison["actual"]["value"] == pytest.approx(
            comparison["forecast"]["value"], rel=1e-12
        )
        assert comparison["gap"]["value"] == pytest.approx(0, abs=1e-9)
        assert comparison["drift"] is False
        # devices and users were reported (as planned): re-run alone, each changes nothing
        assert {e["cause"] for e in comparison["explained"]} == {"devices", "users"}
        assert all(e["change"]["value"] == 0 for e in comparison["explained"])


def test_forty_percent_more_devices(made: dict[str, object]) -> None:
    forecast = made["forecast"]
    assert isinstance(forecast, Results)
    ids = list(forecast.items.ids)
    year = _year(made, 2027)
    for criterion in CRITERIA:
        column = forecast.items.columns[criterion].values
        # Laptops and monitors are active all 5 horizon years with a constant
        # quantity, so each year holds a fifth of their total; 16 more of each
        # on 40 planned is 40 % more of that year's share.
        laptops = column[ids.index("agents-laptops")] or 0.0
        monitors = column[ids.index("agents-monitors")] or 0.0
        expected = 0.4 * (laptops + monitors) / 5
        comparison = year["criteria"][criterion]
        assert comparison["gap"]["value"] == pytest.approx(expected, rel=1e-9)
        causes = {e["cause"]: e["change"]["value"] for e in comparison["explained"]}
        assert causes["devices"] == pytest.approx(expected, rel=1e-9)
        assert causes["users"] == 0  # users as planned
    gwp = year["criteria"]["gwp"]
    # 1 985.95 + 219.09 kgCO2e stays under the forecast P95 (about 2 440 kgCO2e).
    assert gwp["drift"] is False


def test_measured_energy_from_a_real_codecarbon_run(made: dict[str, object]) -> None:
    forecast = made["forecast"]
    assert isinstance(forecast, Results)
    folder = made["folder"]
    assert isinstance(folder, Path)
    (planned,) = forecast.measurements
    new_kwh_per_hour = _measured_kwh_per_hour(folder / "mesures" / "emissions.csv")
    grid = next(e for e in forecast.electricity if e.country == "FRA")
    year = _year(made, 2028)
    # Only the app servers' use changes (the extra devices are retired, the users
    # do not scale any item): (new − planned kWh per hour) × 17 520 h × allocation
    # × PUE × the French grid's factor per kWh, for every criterion.
    assert planned.allocation_x_pue == pytest.approx(0.5 * 1.5)
    delta_kwh = (new_kwh_per_hour - planned.energy_kwh_per_unit) * 17520 * 0.75
    for criterion in CRITERIA:
        per_kwh = grid.per_kwh[criterion].value
        comparison = year["criteria"][criterion]
        if per_kwh is None:
            # water has no factor per kWh: the use phase is unknown, never zero, so
            # the measured energy cannot move it and the figure stays a lower bound
            assert comparison["gap"]["value"] == 0
            assert comparison["actual"]["complete"] is False
            continue
        assert comparison["gap"]["value"] == pytest.approx(delta_kwh * per_kwh, rel=1e-6)
        causes = {e["cause"]: e["change"]["value"] for e in comparison["explained"]}
        assert causes["measured_energy"] == pytest.approx(delta_kwh * per_kwh, rel=1e-6)
        assert causes["users"] == pytest.approx(0, abs=1e-12)
        assert causes["devices"] == pytest.approx(0, abs=1e-12)
    # Per user-year: the year's GWP over 2 000 users instead of 9 000.
    gwp = year["criteria"]["gwp"]
    intensity = year["intensity"]
    assert intensity["forecast"]["value"] == pytest.approx(gwp["forecast"]["value"] / 9000)
    assert intensity["actual"]["value"] == pytest.approx(gwp["actual"]["value"] / 2000)
    assert intensity["drift"] is True  # 4.5 times the forecast, far above its P95


def test_exactly_the_expected_drift_flags_and_indicators(made: dict[str, object]) -> None:
    payload = made["payload"]
    assert isinstance(payload, dict)
    follow_up = payload["follow_up"]
    assert follow_up["drifts"] == ["2028:gwp_per_user_year"]
    assert follow_up["rco14_forecast"] == 14
    assert follow_up["rco14_to_date"] == 13  # 10 + 3; 2028 reports none
    assert follow_up["rcr11_year"] == 2028
    assert follow_up["rcr11_to_date"] == 2000
    assert follow_up["user_years_to_date"] == 500 + 4000 + 2000
    assert _year(made, 2026)["expenses_eur"] == "60000.00"
    assert _year(made, 2027)["expenses_eur"] is None  # none reported: unknown, not 0


def test_the_report_embeds_a_verifiable_payload_naming_the_forecast(
    made: dict[str, object],
) -> None:
    payload = made["payload"]
    assert isinstance(payload, dict)
    note_payload = json.loads(Path(str(made["note"])).with_suffix(".json").read_text())
    assert verify_suivi_digest(payload)
    assert payload["forecast"] == note_payload
    assert payload["follow_up"]["forecast_digest"] == note_payload["digest"]["value"]
    edited = json.loads(json.dumps(payload))
    edited["follow_up"]["rco14_to_date"] = 14
    assert not verify_suivi_digest(edited)


def test_french_first_and_english_with_lang_en(made: dict[str, object], tmp_path: Path) -> None:
    markdown = made["markdown"]
    assert isinstance(markdown, str)
    assert "RCO 14, institutions soutenues à ce jour : 13 (prévu : 14)" in markdown
    assert "Dérives (année:indicateur) : 2028:gwp_per_user_year" in markdown
    assert "## 2028 : usagers 2\u202f000 (démarches abouties) (prévus : 9\u202f000)" in markdown
    out = tmp_path / "suivi.html"
    result = CliRunner().invoke(
        cli, ["suivi", str(made["note"]), str(made["actuals"]), "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "RCO 14, institutions supported to date: 13 (forecast: 14)" in page
    assert "2028: users 2,000 (procedures completed) (forecast: 9,000)" in page
    assert 'id="ecodigital-payload"' in page


def test_a_note_that_does_not_hold_is_refused(made: dict[str, object], tmp_path: Path) -> None:
    note_payload = json.loads(Path(str(made["note"])).with_suffix(".json").read_text())
    note_payload["results"]["totals"]["gwp"]["value"] *= 0.5  # edited after it was written
    edited = tmp_path / "note.json"
    edited.write_text(json.dumps(note_payload), encoding="utf-8")
    result = CliRunner().invoke(cli, ["suivi", str(edited), str(made["actuals"])])
    assert result.exit_code == 1
    assert "la note prévisionnelle ne tient pas" in result.output


def test_an_item_the_note_does_not_have_is_one_line_exit_2(made: dict[str, object]) -> None:
    actuals = Path(str(made["folder"])) / "suivi-typo.yaml"  # beside the measurement folder
    actuals.write_text(
        ACTUALS.replace("item: agents-laptops, kind: laptop", "item: agent-laptops, kind: laptop"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["suivi", str(made["note"]), str(actuals)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Erreur : {actuals}: years[1].equipment[0].item: « agent-laptops »")
    assert "agents-laptops" in line  # the suggestion
    assert "Correction :" in line


def test_json_output_is_the_payload_and_pdf_is_refused(
    made: dict[str, object], tmp_path: Path
) -> None:
    out = tmp_path / "suivi.json"
    args = ["suivi", str(made["note"]), str(made["actuals"]), "-o"]
    result = CliRunner().invoke(cli, [*args, str(out)])
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["format"] == "ecodigital-suivi-payload/1"
    assert verify_suivi_digest(written)
    assert written["follow_up"] == made["payload"]["follow_up"]  # type: ignore[index]
    result = CliRunner().invoke(cli, [*args, str(tmp_path / "suivi.pdf")])
    assert result.exit_code == 2
    assert "pas en .pdf" in result.output
    assert not (tmp_path / "suivi.pdf").exists()


# --------------------------------------------------------------------------- verify


def _verify(path: Path, *more: str) -> Any:
    return CliRunner(env={"ECODIGITAL_LANG": None}).invoke(cli, ["verify", str(path), *more])


def _with_digest(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with its digest made again: SHA-256 of the sorted, compact UTF-8 JSON of
    its four data members, as docs/suivi.md defines it."""
    members = {key: payload[key] for key in ("forecast", "actuals", "follow_up", "tool")}
    text = json.dumps(members, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    payload["digest"] = {"algorithm": "sha256", "value": hashlib.sha256(text.encode()).hexdigest()}
    return payload


def _copy_payload(made: dict[str, object]) -> dict[str, Any]:
    return json.loads(json.dumps(made["payload"]))


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_verify_holds_on_the_report(made: dict[str, object], fmt: str) -> None:
    path = made["reports"][fmt]  # type: ignore[index]
    result = _verify(path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Empreinte SHA-256 : conforme aux données du rapport de suivi."
    assert f"  {path}#forecast : la note tient." in lines  # the embedded note, verified
    (recomputed,) = [line for line in lines if line.startswith("Suivi recalculé")]
    assert recomputed.endswith("concordent (tolérance relative 1e-09).")
    if fmt != "json":  # what a reader sees is checked too
        assert lines[-3].startswith("Texte visible : les ")
    assert lines[-2] == "Signature : aucune (la note n'est pas signée)."  # neutral
    assert lines[-1] == f"{path} : le rapport de suivi tient."


def test_a_bent_follow_up_figure_is_caught_with_its_field(
    made: dict[str, object], tmp_path: Path
) -> None:
    forecast = made["forecast"]
    assert isinstance(forecast, Results)
    ids = list(forecast.items.ids)
    column = forecast.items.columns["gwp"].values
    # 2027's gwp gap, as test_forty_percent_more_devices computes it: 16 more laptops and
    # monitors on 40 planned, a fifth of their horizon total each year.
    laptops = column[ids.index("agents-laptops")] or 0.0
    monitors = column[ids.index("agents-monitors")] or 0.0
    gap_kgco2e = 0.4 * (laptops + monitors) / 5
    payload = _copy_payload(made)
    years = payload["follow_up"]["years"]
    assert [y["year"] for y in years] == [2026, 2027, 2028]
    years[1]["criteria"]["gwp"]["gap"]["value"] = gap_kgco2e - 100  # 100 kgCO2e less
    bent = tmp_path / "suivi.json"
    bent.write_text(json.dumps(_with_digest(payload)), encoding="utf-8")
    result = _verify(bent, "--format", "json")
    assert result.exit_code == 1
    verdict = json.loads(result.output)
    assert (verdict["document"], verdict["verdict"]) == ("follow_up", "fails")
    assert verdict["digest_ok"] is True  # the digest was made again: only recomputing sees it
    assert verdict["forecast"]["verdict"] == "holds"
    (difference,) = verdict["recomputed"]["differences"]
    assert difference["field"] == "follow_up.years[1].criteria.gwp.gap.value"
    assert difference["report"] == pytest.approx(gap_kgco2e - 100, rel=1e-12)
    assert difference["recomputed"] == pytest.approx(gap_kgco2e, rel=1e-9)
    result = _verify(bent)
    assert result.exit_code == 1
    assert "  follow_up.years[1].criteria.gwp.gap.value : rapport " in result.output
    assert result.output.splitlines()[-1] == f"{bent} : le rapport de suivi NE tient PAS."


def test_an_edited_visible_figure_is_caught_with_its_section(
    made: dict[str, object], tmp_path: Path
) -> None:
    page = Path(made["reports"]["html"]).read_text(encoding="utf-8")  # type: ignore[index]
    shown = "RCO 14, institutions soutenues à ce jour : 13 (prévu : 14)"  # 10 + 3
    assert page.count(shown) == 1
    edited = tmp_path / "suivi.html"
    edited.write_text(page.replace(shown, shown.replace(": 13", ": 15")), encoding="utf-8")
    result = _verify(edited)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Empreinte SHA-256 : conforme aux données du rapport de suivi."
    # the section is the report's title, the dossier's project name
    section = "Suivi de l'opération : Guichet numérique mutualisé du Haut-Doubs"
    assert f"  section « {section} » : affiché 15, attendu 13" in lines
    assert lines[-1] == f"{edited} : le rapport de suivi NE tient PAS."


@pytest.mark.parametrize("where", ["ailleurs", "depot"])
def test_actuals_naming_a_file_are_refused_unopened(
    made: dict[str, object], tmp_path: Path, where: str
) -> None:
    """A file outside the report's folder, and one beside it (which confinement alone
    would let through): verify opens neither."""
    folder = made["folder"]
    assert isinstance(folder, Path)
    outside = tmp_path / where / "emissions.csv"  # a real CodeCarbon CSV, readable
    outside.parent.mkdir()
    shutil.copy(folder / "mesures" / "emissions.csv", outside)
    payload = _copy_payload(made)
    measured = payload["actuals"]["years"][2]["measurements"][0]
    assert "summary" in measured and "files" not in measured  # what the report carries
    payload["actuals"]["years"][2]["measurements"][0] = {
        "item": "app-servers",
        "files": [str(outside) if where == "ailleurs" else "emissions.csv"],
        "per": "hour",
        "hours_per_year": 17520,
    }
    report = tmp_path / "depot" / "suivi.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps(_with_digest(payload)), encoding="utf-8")
    with opened_files() as opened:
        result = _verify(report)
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Erreur : {report}#actuals: years[2].measurements[0].files: ")
    assert "n'ouvre aucun fichier nommé dans un document déposé" in line
    assert str(report.resolve()) in opened  # the hook saw the report opened...
    assert str(outside.resolve()) not in opened  # ...and never the file it names


def test_the_actuals_are_priced_with_the_factors_the_note_declares(tmp_path: Path) -> None:
    """A note made with a supplier's laptop footprint (250 kgCO2e to make one; the reference
    says 170) and a year exactly as planned: the actual is priced with the same declared
    factor, so every gap is 0. Priced with the reference row instead, the actual would be
    lower by 80 kgCO2e per laptop over its lifetime, spread over the years, and the gap
    would be negative."""
    own = tmp_path / "mine.csv"
    own.write_text(
        "id,gwp_manufacturing_kgco2e,source\nlaptop,250,Supplier EPD 2025\n", encoding="utf-8"
    )
    note = tmp_path / "note.md"
    runner = CliRunner(env={"ECODIGITAL_LANG": None})
    made = runner.invoke(
        cli, ["note", str(DOSSIER), "-o", str(note), "--draws", "50", "--factors", str(own)]
    )
    assert made.exit_code == 0, made.output
    actuals = tmp_path / "suivi.yaml"
    actuals.write_text(ACTUALS.split("  - year: 2027")[0], encoding="utf-8")
    report = tmp_path / "suivi.md"
    result = runner.invoke(cli, ["suivi", str(note), str(actuals), "-o", str(report)])
    assert result.exit_code == 0, result.output
    payload = json.loads((tmp_path / "suivi.json").read_text(encoding="utf-8"))
    (year,) = payload["follow_up"]["years"]
    for criterion in CRITERIA:
        comparison = year["criteria"][criterion]
        assert comparison["gap"]["value"] == pytest.approx(0, abs=1e-9), criterion
    # and the report verifies, its recomputation using the same declared factors
    checked = runner.invoke(cli, ["verify", str(report)])
    assert checked.exit_code == 0, checked.output


def test_a_signed_follow_up_report_holds_and_says_who_signed(
    made: dict[str, object], tmp_path: Path
) -> None:
    import datetime as dt
    import shutil

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    # a self-signed certificate: the signature holds, its name is checked by no authority
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Chargée de suivi")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(5)
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    key_file = tmp_path / "cle.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        + certificate.public_bytes(serialization.Encoding.PEM)  # the key's file holds both
    )
    report = tmp_path / "suivi.html"
    shutil.copy(made["reports"]["html"], report)  # type: ignore[index]
    signed = CliRunner().invoke(cli, ["sign", str(report), "--key", str(key_file)])
    assert signed.exit_code == 0, signed.output
    assert signed.stdout.strip() == f"{report}.p7s"
    result = _verify(report)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == f"{report} : le rapport de suivi tient."
    assert (
        "Signature : valide, certificat non vérifié auprès d'une autorité — signée par "
        "CN=Chargée de suivi." in lines
    )
    report.write_text(report.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = _verify(report)
    assert changed.exit_code == 1
    assert changed.output.splitlines()[-1] == f"{report} : le rapport de suivi NE tient PAS."
