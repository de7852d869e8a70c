"""ecodigital init: a starter that works as it is, and --guided under a real pseudo-terminal."""

from __future__ import annotations

import os
import stat
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.dossier.load import load_dossier
from ecodigital.dossier.starter import StarterAnswers, budget_figures, render_starter

ROOT = Path(__file__).resolve().parents[2]


def _init(tmp_path: Path, *args: str) -> Path:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "x"), *args])
    assert result.exit_code == 0, result.output
    return tmp_path / "x" / "dossier.yaml"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_starter_has_every_section_and_kind(tmp_path, lang):
    path = _init(tmp_path, "--lang", lang)
    model = load_dossier(path).model
    kinds = [item.kind for item in model.inventory]
    assert set(kinds) >= {"laptop", "monitor", "server", "cloud_instance", "storage", "network",
                          "smartphone", "custom"}  # fmt: skip
    # citizens' devices: a small share of someone else's device
    assert [item.allocation for item in model.inventory if item.kind == "smartphone"] == [0.0018]
    assert model.budget is not None and len(model.budget.expenses) == 5
    assert model.applicant is not None and model.applicant.personal_data is not None
    assert model.rgesn is not None and len(model.rgesn.answers) == 5
    assert model.levers and model.scenarios
    assert path.read_text(encoding="utf-8").startswith(
        "# Dossier ecodigital" if lang == "fr" else "# ecodigital dossier"
    )


def test_starter_budget_by_hand():
    """The default plan, computed by hand.

    146 000 EUR excluding VAT split 120/8/9/6/3 out of 146: 120 000, 8 000, 9 000,
    6 000, 3 000; VAT 20 %: 24 000, 1 600, 1 800, 1 200, 600; only the hardware's
    1 600 is recoverable, so the eligible base is 146 000 + 27 600 = 173 600; the
    7 % flat rate is 12 152, the eligible (and total) cost 185 752. FEDER at most
    60 % = 111 451.20 (the 100 % public-aid cap less the State's 30 000 leaves
    155 752, which does not bind); the default asks 111 000 (rounded down to the
    thousand), and self-financing is 185 752 - 111 000 - 30 000 = 44 752.
    """
    text = render_starter(StarterAnswers(start_year=2027), "fr")
    data = yaml.safe_load(text)
    amounts = [(e["amount"], e["vat"]) for e in data["budget"]["expenses"]]
    assert amounts == [(120000, 24000), (8000, 1600), (9000, 1800), (6000, 1200), (3000, 600)]
    assert data["budget"]["resources"] == [
        {"source": "feder", "amount": 111000},
        {"source": "etat", "amount": 30000, "label": "DETR 2027"},
        {"source": "autofinancement", "amount": "44 752,00"},
    ]
    figures = budget_figures(Decimal(146000), Decimal(30000)).figures
    assert figures.total_eligible_cost_eur == Decimal("185752.00")
    assert figures.max_grant_eur == Decimal("111451.20")
    assert "59,76\u202f% du coût éligible" in text


def test_budget_split_gives_the_rest_to_the_first_line():
    # 100 001 x 8/146 = 5 479.5 -> 5 479; 9/146 -> 6 164; 6/146 -> 4 109; 3/146 -> 2 054;
    # 120/146 -> 82 192; the lines add to 99 998, so development takes 3 more: 82 195.
    lines = budget_figures(Decimal(100001)).lines
    assert [amount for amount, _ in lines.values()] == [82195, 5479, 6164, 4109, 2054]
    assert lines["hardware"][1] == Decimal("1095.80")


@pytest.mark.slow
def test_init_note_finance_as_it_is(tmp_path):
    """The issue's check: init x && note x/dossier.yaml -o n.pdf && finance x/dossier.yaml."""
    runner = CliRunner()
    path = _init(tmp_path)
    pdf = tmp_path / "n.pdf"
    note = runner.invoke(cli, ["note", str(path), "-o", str(pdf), "--draws", "200", "--strict"])
    assert note.exit_code == 0, note.output
    assert note.stderr == ""  # no warning of any kind, a missing section included
    assert pdf.read_bytes().startswith(b"%PDF-")
    finance = runner.invoke(cli, ["finance", str(path)])
    assert finance.exit_code == 0, finance.output
    assert "Verdict : le plan respecte les règles (15 conformes, 1 à vérifier" in finance.output
    assess = runner.invoke(cli, ["assess", str(path), "--deterministic", "--format", "json"])
    assert assess.exit_code == 0
    assert '"MISSING' not in assess.output


def test_init_never_overwrites(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    existing = folder / "dossier.yaml"
    existing.write_text("mine\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["init", str(folder)], ["init", "--guided", str(folder)]):
        result = runner.invoke(cli, args, input="\n" * 20)
        assert result.exit_code == 2
        assert "existe déjà ; ecodigital init ne remplace jamais un fichier" in result.output
        assert "(1/14)" not in result.output  # refused before any question
    assert existing.read_text(encoding="utf-8") == "mine\n"
    existing.unlink()
    existing.symlink_to(tmp_path / "elsewhere.yaml")  # a dangling link is taken too
    assert runner.invoke(cli, ["init", str(folder)]).exit_code == 2
    assert not (tmp_path / "elsewhere.yaml").exists()


def test_init_refuses_a_file_as_folder(tmp_path):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(target), "--lang", "en"])
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_starter_mode_follows_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = _init(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def _guided(tmp_path: Path, answers: list[str], lang: str = "fr") -> tuple[Path, str]:
    result = CliRunner().invoke(
        cli,
        ["init", "--guided", str(tmp_path / "g"), "--lang", lang],
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "g" / "dossier.yaml", result.output


def test_guided_without_agents_and_cloud_only(tmp_path):
    answers = ["Téléservices", "Syndicat mixte du numérique", "syndicat", "2028", "4",
               "0", "cloud", "BEL", "12000", "250 000", "0", ""]  # fmt: skip
    path, output = _guided(tmp_path, answers)
    assert "(7/14)" not in output and "(8/14)" not in output  # no agents, no kind or share
    model = load_dossier(path).model
    assert model.project.name == "Téléservices"
    assert model.project.beneficiary.type == "syndicat"
    assert model.project.horizon_years == 5
    # 12 000 users: 12 000 / 6 and 12 000 x 2 / 3 the first two years
    assert model.project.users_per_year == [2000, 8000, 12000, 12000, 12000]
    kinds = [item.kind for item in model.inventory]
    assert "server" not in kinds and "monitor" not in kinds and kinds.count("laptop") == 1
    cloud = next(item for item in model.inventory if item.kind == "cloud_instance")
    assert cloud.location == "BEL"
    # one country convention: the hosting country's code, in the EU
    assert model.applicant.personal_data.hosting_location == "BEL"
    assert model.applicant.personal_data.hosting_zone == "UE"
    assert [s.name for s in model.scenarios] == ["Hébergement à PUE 1,2"]
    finance = CliRunner().invoke(cli, ["finance", str(path)])
    assert finance.exit_code == 0, finance.output


def test_guided_in_english_says_the_fix(tmp_path):
    answers = ["", "", "town hall", "commune", "", "31", "5", "12", "desk", "desktop", "0.4",
               "40", "both", "fr", "FRA", "10,000", "146,000", "0", "200,000", ""]  # fmt: skip
    path, output = _guided(tmp_path, answers, "en")
    assert '"town hall" is not a type of applicant: choose among commune, epci' in output
    assert '"31" does not fit: write a whole number from 1 to 30.' in output
    assert '"desk" does not fit: answer laptop, desktop.' in output
    assert '"0.4": less than 1 %? For 40 %, write 40' in output
    assert 'For France, write FRA (3-letter ISO code), not "fr".' in output
    # 146 000 with no other public money: at most 60 % of 185 752 = 111 451.20
    assert "At most €111,451.20 for this budget" in output
    model = load_dossier(path).model
    laptops = [item for item in model.inventory if item.kind == "desktop"]
    assert [(i.quantity, i.allocation) for i in laptops] == [(12, 0.4)]
    assert [r.source for r in model.budget.resources] == ["feder", "autofinancement"]
    assert model.budget.resources[0].amount == Decimal(111000)


def test_guided_refuses_a_budget_below_the_grant_floor(tmp_path):
    answers = ["", "", "", "", "", "", "", "", "", "", "", "50 000", "146 000", "", ""]
    _, output = _guided(tmp_path, answers)
    # 50 000 split 120/8/9/6/3 of 146: 41 095 + 3 (the rest), 2 739, 3 082, 2 054, 1 027;
    # non-recoverable VAT 20 % of 47 261 (all but hardware) = 9 452.20; base 59 452.20;
    # flat rate 7 % = 4 161.65 (rounded down); eligible 63 613.85; 60 % = 38 168.31, under
    # 75 000. The floor needs an eligible cost of 75 000 / 60 % = 125 000.
    assert (
        "Avec ce budget, le FEDER maximal serait de 38\u202f168,31\u202f€, sous le plancher de "
        "75\u202f000,00\u202f€ de l'appel : il faut un coût éligible d'au moins 125\u202f000,00\u202f€."
    ) in output


# --------------------------------------------------------------------------- real terminal


@pytest.mark.slow
def test_guided_under_a_pseudo_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if k != "ECODIGITAL_LANG"}
    env["COLUMNS"] = "200"
    child = pexpect.spawn(
        sys.executable, ["-m", "ecodigital", "init", "--guided", str(tmp_path / "p")],
        env=env, encoding="utf-8", timeout=60, dimensions=(40, 200),
    )  # fmt: skip

    def answer(prompt: str, reply: str) -> None:
        child.expect_exact(prompt)
        child.expect_exact("]: ")
        child.sendline(reply)

    answer("(1/14) Nom du projet [Portail de démarches en ligne", "Guichet unique")
    answer("(2/14) Nom du porteur", "Commune de Belleville")
    answer("(3/14) Type de porteur [commune", "mairie")  # an alias of commune
    answer("(4/14) Première année du projet", "2027")
    answer("(5/14) Durée de l'opération financée, en années [3", "")
    answer("(6/14) Nombre d'ordinateurs d'agents", "2 500,5")
    child.expect_exact("« 2 500,5 » ne convient pas : écrivez un nombre entier de 0 à 100 000.")
    answer("(6/14) Nombre d'ordinateurs d'agents", "8")
    answer("(7/14) Ces ordinateurs sont-ils portables ou fixes ? [portable", "fixe")
    answer("(8/14) Part du temps", "50 %")
    answer("(9/14) Où le service est-il hébergé", "salle")
    answer("(10/14) Pays de l'hébergement", "France")
    child.expect_exact("Pour la France, écrivez FRA (code ISO à 3 lettres), pas « France ».")
    answer("(10/14) Pays de l'hébergement", "fra")
    answer("(11/14) Nombre d'usagers par an", "4 200")
    answer("(12/14) Total des dépenses prévues, en euros hors taxes [146 000", "180 000,00")
    answer("(13/14) Autres aides publiques", "20 000")
    answer("(14/14) FEDER demandé, en euros", "")
    child.expect_exact("Dossier écrit : ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    model = load_dossier(tmp_path / "p" / "dossier.yaml").model
    assert model.project.name == "Guichet unique"
    assert model.project.beneficiary.type == "commune"
    desktops = [i for i in model.inventory if i.kind == "desktop"]
    assert [(i.quantity, i.allocation) for i in desktops] == [(8, 0.5)]
    assert "cloud_instance" not in [i.kind for i in model.inventory]
    # 180 000 split 120/8/9/6/3 out of 146; the default FEDER is the largest the
    # rules allow, rounded down to the thousand.
    expected = budget_figures(Decimal(180000), Decimal(20000))
    grant = model.budget.resources[0]
    assert grant.source == "feder"
    assert grant.amount == (expected.figures.max_grant_eur // 1000) * 1000
    assert sum(r.amount for r in model.budget.resources) == expected.figures.total_cost_eur


@pytest.mark.slow
def test_guided_ctrl_c_writes_nothing(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        sys.executable, ["-m", "ecodigital", "init", "--guided", str(tmp_path / "p")],
        encoding="utf-8", timeout=60,
    )  # fmt: skip
    child.expect_exact("(1/14)")
    child.expect_exact("]: ")
    child.sendintr()
    child.expect_exact("Arrêté : aucun fichier écrit.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 or child.signalstatus is not None
    assert not (tmp_path / "p" / "dossier.yaml").exists()
