"""The mistakes applicants make, each answered in French with its fix (exit 2, one line).

Each case is one mistake seen when a new user wrote a dossier: a country name
or a two-letter code, a share written in percent, French words for kinds and
keys, French number notation and Excel's encoding in a CSV, a row with one
field too many, and the validation library's own words, which never reach a
user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import base_dossier, write_yaml

from ecodigital.cli import cli


def validate(path: Path) -> tuple[int, str]:
    result = CliRunner(env={"ECODIGITAL_LANG": None}).invoke(cli, ["validate", str(path)])
    return result.exit_code, result.output


def assert_says(path: Path, problem: str, fix: str) -> None:
    code, output = validate(path)
    assert code == 2, output
    assert output.startswith("Erreur : "), output
    assert output.count("\n") == 1, output
    assert problem in output, output
    assert f"Correction : {fix}" in output, output
    for raw in ("Input should", "Value error", "validation error", "pydantic"):
        assert raw not in output


def dossier_with(tmp_path: Path, item: dict[str, Any] | None = None, **project: Any) -> Path:
    data = base_dossier(**project)
    if item is not None:
        data["inventory"][0] = {"id": "postes", **item}
    return write_yaml(tmp_path / "dossier.yaml", data)


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ("France", "écrivez FRA (France)"),
        ("FR", "écrivez FRA (France)"),
        ("fra", "écrivez FRA (France)"),
        ("Allemagne", "écrivez DEU (Allemagne)"),
        ("BE", "écrivez BEL (Belgique)"),
    ],
)
def test_a_country_name_or_two_letter_code_gets_its_alpha_3_code(
    tmp_path: Path, written: str, fix: str
) -> None:
    assert_says(
        dossier_with(tmp_path, country=written),
        f"project.country: « {written} » n'est pas un code pays ISO 3166-1 alpha-3",
        fix,
    )


def test_an_item_location_is_a_country_code_too(tmp_path: Path) -> None:
    item = {"kind": "server", "location": "Suède"}
    assert_says(
        dossier_with(tmp_path, item),
        "inventory[0].location: « Suède » n'est pas un code pays ISO 3166-1 alpha-3",
        "écrivez SWE (Suède)",
    )


def test_hosting_location_takes_the_same_country_codes_or_a_zone(tmp_path: Path) -> None:
    data = base_dossier()
    for accepted in ("FRA", "DEU", "UE", "hors_UE", "FR"):
        data["applicant"] = {"personal_data": {"hosting_location": accepted}}
        path = write_yaml(tmp_path / "dossier.yaml", data)
        assert validate(path)[0] == 0, accepted
    data["applicant"] = {"personal_data": {"hosting_location": "Allemagne"}}
    assert_says(
        write_yaml(tmp_path / "dossier.yaml", data),
        "applicant.personal_data.hosting_location: « Allemagne » n'est pas un lieu d'hébergement",
        "écrivez DEU",
    )
    data["applicant"] = {"personal_data": {"hosting_location": "Union européenne"}}
    assert_says(write_yaml(tmp_path / "dossier.yaml", data), "n'est pas un lieu", "écrivez UE")


# --------------------------------------------------------------------------- shares and words


def test_a_share_written_in_percent_is_detected(tmp_path: Path) -> None:
    assert_says(
        dossier_with(tmp_path, {"kind": "laptop", "allocation": 20}),
        "inventory[0].allocation: doit être au plus 1, reçu 20",
        "allocation est une part entre 0 et 1 : pour 20 %, écrivez 0.2",
    )


def test_a_share_written_with_a_percent_sign_is_detected(tmp_path: Path) -> None:
    assert_says(
        dossier_with(tmp_path, {"kind": "laptop", "allocation": "25 %"}),
        "inventory[0].allocation: « 25 % » n'est pas un nombre",
        "allocation est une part entre 0 et 1 : pour 25 %, écrivez 0.25",
    )


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("ordinateur portable", "laptop"),
        ("Ordinateur fixe", "desktop"),
        ("écran", "monitor"),
        ("écrans", "monitor"),
        ("serveur", "server"),
        ("téléphone", "smartphone"),
        ("stockage", "storage"),
    ],
)
def test_a_french_word_for_a_kind_suggests_the_kind(
    tmp_path: Path, written: str, kind: str
) -> None:
    assert_says(
        dossier_with(tmp_path, {"kind": written}),
        f"inventory[0].kind: « {written} » n'est pas un type d'élément connu "
        f"(vouliez-vous dire « {kind} » ?)",
        "les types sont laptop, desktop",
    )


@pytest.mark.parametrize(
    ("written", "key"),
    [("quantité", "quantity"), ("durée de vie", "lifetime_years"), ("puissance", "power_w")],
)
def test_a_french_word_for_a_key_suggests_the_key(tmp_path: Path, written: str, key: str) -> None:
    assert_says(
        dossier_with(tmp_path, {"kind": "laptop", written: 3}),
        f"inventory[0].{written}: clé « {written} » inconnue (vouliez-vous dire « {key} » ?)",
        "retirez-la ou corrigez son nom (les clés sont en anglais ; voir ecodigital docs dossier)",
    )


def test_a_french_word_for_a_project_key_suggests_the_key(tmp_path: Path) -> None:
    data = base_dossier()
    data["project"]["pays"] = data["project"].pop("country")
    assert_says(
        write_yaml(tmp_path / "dossier.yaml", data),
        "project.pays: clé « pays » inconnue (vouliez-vous dire « country » ?)",
        "retirez-la ou corrigez son nom",
    )


# --------------------------------------------------------------------------- numbers in YAML


def test_french_notation_in_a_yaml_number_says_how_to_write_it(tmp_path: Path) -> None:
    assert_says(
        dossier_with(tmp_path, {"kind": "network", "gb_per_year": "2 500,5"}),
        "inventory[0].gb_per_year: « 2 500,5 » est écrit comme un texte, pas comme un nombre",
        "écrivez 2500.5 : en YAML, un nombre n'a ni espace ni virgule",
    )


# --------------------------------------------------------------------------- CSV inventories


def csv_dossier(tmp_path: Path, content: bytes | str) -> Path:
    data = content.encode("utf-8") if isinstance(content, str) else content
    (tmp_path / "inventaire.csv").write_bytes(data)
    dossier = base_dossier()
    dossier["inventory"] = {"csv": "inventaire.csv"}
    return write_yaml(tmp_path / "dossier.yaml", dossier)


def assessed_quantities(path: Path) -> list[float]:
    from ecodigital.dossier.load import load_dossier

    return [float(q) for q in load_dossier(path).items["quantity"]]


def test_french_number_notation_is_read_in_csv_cells(tmp_path: Path) -> None:
    # a French spreadsheet: ";" between cells, "," before decimals, spaces between thousands
    path = csv_dossier(tmp_path, "id;kind;quantity;allocation\npostes;laptop;2 500;0,25\n")
    assert validate(path)[0] == 0
    assert assessed_quantities(path) == [2500.0]
    # a narrow no-break space, as LibreOffice writes it, and a comma file with quoted cells
    path = csv_dossier(tmp_path, 'id,kind,quantity,allocation\npostes,laptop,"1\u202f250","2,5"\n')
    code, output = validate(path)
    assert code == 2  # 2,5 is read as 2.5: more than a share of 1
    assert "ligne 2, colonne « allocation »: doit être au plus 1, reçu 2.5" in output
    path = csv_dossier(tmp_path, 'id,kind,quantity\npostes,laptop,"1\u202f250"\n')
    assert validate(path)[0] == 0
    assert assessed_quantities(path) == [1250.0]


def test_an_ambiguous_number_in_a_comma_file_is_refused_with_its_fix(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, 'id,kind,quantity\npostes,laptop,"2,500"\n')
    assert_says(
        path,
        "ligne 2, colonne « quantity »: « 2,500 » est ambigu",
        "écrivez 2500 ou 2.5, ou enregistrez le fichier avec le séparateur ;",
    )


def test_a_cp1252_csv_says_how_to_save_it_again(tmp_path: Path) -> None:
    path = csv_dossier(
        tmp_path,
        b"id;kind;description\npostes;laptop;Portables de l'accueil, mairie\n"
        + "Écrans\n".encode("cp1252"),
    )
    assert_says(
        path,
        "n'est pas du texte UTF-8 : octet 0xC9 ligne 3, colonne 1, qui se lit « É » en Windows-1252",
        "enregistrez-le en UTF-8 (dans LibreOffice ou Excel, « CSV UTF-8 »",
    )


def test_a_row_with_one_field_too_many_is_said_as_such(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id;kind;quantity\npostes;laptop;40\necrans;monitor;40;0,25\n")
    assert_says(
        path,
        "inventaire.csv: ligne 3: a 4 champs alors que l'en-tête en a 3",
        "retirez le séparateur en trop, ou mettez la valeur qui le contient entre guillemets "
        "(séparateur du fichier : « ; »)",
    )


def test_a_percent_in_a_csv_share_is_detected(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id;kind;allocation\npostes;laptop;25 %\n")
    assert_says(
        path,
        "ligne 2, colonne « allocation »: « 25 % » n'est pas un nombre",
        "allocation est une part entre 0 et 1 : pour 25 %, écrivez 0.25",
    )


def test_a_french_kind_in_a_csv_suggests_the_kind(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id;kind\npostes;ordinateur portable\n")
    assert_says(
        path,
        "ligne 2, colonne « kind »: « ordinateur portable » n'est pas un type d'élément connu "
        "(vouliez-vous dire « laptop » ?)",
        "les types sont",
    )


def test_a_french_header_suggests_the_column(tmp_path: Path) -> None:
    path = csv_dossier(tmp_path, "id;kind;quantité\npostes;laptop;2\n")
    assert_says(
        path,
        "colonne « quantité »: colonne inconnue (vouliez-vous dire « quantity » ?)",
        "les en-têtes sont les noms des champs, en anglais",
    )


# --------------------------------------------------------------------------- no library words


@pytest.mark.parametrize(
    ("section", "value", "problem", "fix"),
    [
        ("rgesn", {"assessed_on": "31/03/2026"}, "rgesn.assessed_on: doit être une date, pas un texte",
         "écrivez la date AAAA-MM-JJ, par exemple 2026-06-30"),
        ("applicant", {"personal_data": {"dpo": "peut-être"}},
         "applicant.personal_data.dpo: doit être true ou false, pas un texte",
         "écrivez true (oui) ou false (non)"),
        ("applicant", {"open_standards": "OpenAPI"},
         "applicant.open_standards: doit être une liste, pas un texte",
         "écrivez une liste : une ligne « - valeur » par élément, ou [a, b]"),
        ("applicant", ["EUPL-1.2"], "applicant: doit être un bloc de clés, pas une liste",
         "écrivez des lignes « clé: valeur » en retrait sous ce champ"),
    ],
)  # fmt: skip
def test_the_validation_library_never_speaks(
    tmp_path: Path, section: str, value: Any, problem: str, fix: str
) -> None:
    data = base_dossier()
    data[section] = value
    assert_says(write_yaml(tmp_path / "dossier.yaml", data), problem, fix)


def test_a_yaml_syntax_error_is_said_in_words(tmp_path: Path) -> None:
    path = tmp_path / "dossier.yaml"
    path.write_text("format: ecodigital/1\nproject:\n  name: Portail: démarches\n", "utf-8")
    assert_says(
        path,
        "dossier.yaml:3: erreur de syntaxe YAML : deux-points inattendu : une valeur qui "
        "contient « : » doit être entre guillemets",
        "vérifiez l'indentation et les guillemets",
    )
