"""`ecodigital import --from glpi|ocs`: asset exports to items, unknown models listed with their fix."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from ecodigital.cli import cli

HEADER = ["Nom", "Entité", "Statut", "Fabricant", "Type", "Modèle", "Lieu", "Numéro de série"]
#: (manufacturer, type, model, count, kind the bundled mapping gives)
KNOWN = [
    ("Dell", "Portable", "Latitude 5420", 60, "laptop"),
    ("HP", "Portable", "EliteBook 840 G8", 40, "laptop"),
    ("Dell", "Poste fixe", "OptiPlex 7090", 50, "desktop"),
    ("Lenovo", "", "ThinkCentre M70q", 20, "desktop"),
    ("Dell", "", "P2422H", 70, "monitor"),
    ("Apple", "", "iPhone 13", 25, "smartphone"),
    ("Samsung", "", "Galaxy Tab A8", 10, "tablet"),
    ("Dell", "", "PowerEdge R650", 5, "server"),
]
UNKNOWN = [f"Station ZX-{number:02d}" for number in range(1, 21)]


def write_glpi_export(path: Path) -> dict[str, list[int]]:
    """300 assets: 280 of 8 known models, then 20 of models no rule knows; lines by model."""
    rows = []
    for maker, kind, model, count, _ in KNOWN:
        rows += [(maker, kind, model)] * count
    for index, model in enumerate(UNKNOWN):
        rows.insert(15 * index + 7, ("Acme", "Autre", model))  # spread among the others
    assert len(rows) == 300
    lines: dict[str, list[int]] = {}
    text = [";".join(HEADER)]
    for number, (maker, kind, model) in enumerate(rows, start=2):
        lines.setdefault(model, []).append(number)
        text.append(";".join([f"PC-{number:04d}", "CC Haut-Doubs", "En service", maker, kind,
                              model, "Mairie", f"SN{number:06d}"]))  # fmt: skip
    path.write_text("\ufeff" + "\r\n".join(text) + "\r\n", encoding="utf-8")  # GLPI: BOM, CRLF
    return lines


def test_glpi_export_of_300_assets_lists_the_20_unknown_models_and_writes_the_others(
    tmp_path: Path,
) -> None:
    export = tmp_path / "parc-glpi.csv"
    lines = write_glpi_export(export)
    target = tmp_path / "dossier.yaml"
    result = CliRunner().invoke(cli, ["import", str(export), "--from", "glpi", "-o", str(target)])
    # some rows were not mapped: the others are written and the exit code is 1
    assert result.exit_code == 1, result.output
    listed = [line for line in result.output.splitlines() if "inconnu de la table" in line]
    assert len(listed) == 20
    for model, line in zip(UNKNOWN, listed, strict=True):
        number = lines[model][0]
        assert line.startswith(f"parc-glpi.csv:{number}: modèle « {model} »"), line
        assert (
            f'Correction : ajoutez à un fichier --mapping la règle « models: [{{match: "{model}", kind: laptop}}] »'
            in line
        )
    assert "20 valeurs non reconnues (20 lignes)" in result.output

    text = target.read_text(encoding="utf-8")
    dossier = yaml.safe_load(text)
    items = {item["id"]: item for item in dossier["inventory"]}
    # one item per known model, its quantity the number of its rows
    assert sorted((i["kind"], i["quantity"]) for i in items.values()) == sorted(
        (kind, count) for *_, count, kind in KNOWN
    )
    assert sum(i["quantity"] for i in items.values()) == 280
    assert items["server-poweredge-r650"]["factor"] == "server-medium"
    # every item keeps its trace: file, lines and column, as a comment on its id line
    # The 60 Latitude rows are the first 64 data lines (2-65) less the unknown models
    # inserted at list positions 7, 22, 37 and 52, that is lines 9, 24, 39 and 54.
    assert [lines[model][0] for model in UNKNOWN[:4]] == [9, 24, 39, 54]
    comment = re.search(r"- id: laptop-latitude-5420  # (.*)", text)
    assert comment is not None
    assert comment.group(1) == (
        "source : parc-glpi.csv, lignes 2-8, 10-23, 25-38, 40-53, 55-65 (60), "
        "champ « Modèle », valeur « Latitude 5420 »"
    )
    # the dossier is valid and assessable as written
    assert CliRunner().invoke(cli, ["validate", str(target)]).exit_code == 0


def test_a_mapping_file_maps_what_the_bundled_one_does_not(tmp_path: Path) -> None:
    export = tmp_path / "parc.csv"
    write_glpi_export(export)
    rules = tmp_path / "modeles.yaml"
    rules.write_text('models:\n  - {match: "station zx-*", kind: desktop}\n', encoding="utf-8")
    target = tmp_path / "dossier.yaml"
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(export),
            "--from",
            "glpi",
            "--mapping",
            str(rules),
            "-o",
            str(target),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    # 8 known models and the 20 models of the rule: one item per model
    assert "28 items imported from parc.csv (300 lines read)" in result.output
    items = yaml.safe_load(target.read_text(encoding="utf-8"))["inventory"]
    desktops = [i for i in items if i["kind"] == "desktop"]
    assert sum(i["quantity"] for i in desktops) == 50 + 20 + 20


def test_show_mapping_prints_the_rules_with_a_user_file_first(tmp_path: Path) -> None:
    rules = tmp_path / "modeles.yaml"
    rules.write_text('models:\n  - {match: "zx*", kind: tablet}\n', encoding="utf-8")
    shown = CliRunner().invoke(cli, ["import", "--show-mapping", "glpi", "--mapping", str(rules)])
    assert shown.exit_code == 0
    data = yaml.safe_load(shown.output)
    assert data["models"][0] == {"match": "zx*", "kind": "tablet", "from": "user"}
    assert {"match": "latitude*", "kind": "laptop", "from": "bundled"} in data["models"]
    assert data["columns"]["model"][0] == "Modèle"


def test_a_bad_mapping_rule_is_refused_with_its_place(tmp_path: Path) -> None:
    rules = tmp_path / "modeles.yaml"
    rules.write_text('models:\n  - {match: "zx*", kind: laptob}\n', encoding="utf-8")
    shown = CliRunner().invoke(cli, ["import", "--show-mapping", "glpi", "--mapping", str(rules)])
    assert shown.exit_code == 2
    assert (
        f"Erreur : {rules}: models[0].kind: « laptob » n'est pas un type d'élément connu (vouliez-vous dire « laptop » ?)"
        in shown.output
    )


def test_ocs_export_with_bios_field_names_and_into_keeps_the_dossier_comments(
    tmp_path: Path,
) -> None:
    export = tmp_path / "ocs.csv"
    export.write_text(
        "NAME,SMANUFACTURER,SMODEL,TYPE\n"
        "pc-1,LENOVO,ThinkPad T14 Gen 2,Notebook\n"
        "pc-2,LENOVO,ThinkPad T14 Gen 2,Notebook\n"
        "pc-3,Inconnu,20XW0027FR,Notebook\n",
        encoding="utf-8",
    )
    target = tmp_path / "dossier.yaml"
    start = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert start.exit_code == 0
    before = target.read_text(encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(export), "--from", "ocs", "--into", str(target)]
    )
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    # every comment line of the starter is still there
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == [
        line
        for line in after.splitlines()
        if line.lstrip().startswith("#") and "source :" not in line
    ]
    items = yaml.safe_load(after)["inventory"]
    # the model rule knows ThinkPads; the third row's model is unknown but its type says laptop
    assert [(i["id"], i["kind"], i["quantity"]) for i in items[-2:]] == [
        ("laptop-thinkpad-t14-gen-2", "laptop", 2),
        ("laptop-notebook", "laptop", 1),
    ]
    assert "champ « TYPE », valeur « Notebook »" in after
    again = CliRunner().invoke(cli, ["import", str(export), "--from", "ocs", "--into", str(target)])
    assert again.exit_code == 2
    assert "inventory : id « laptop-thinkpad-t14-gen-2 »: est déjà dans le dossier" in again.output
    assert target.read_text(encoding="utf-8") == after
