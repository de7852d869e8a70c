"""members and allocation_key: every mistake is one line naming the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import base_dossier, write_yaml

from ecodigital.cli import cli

COMMUNES = [
    {"name": "Commune A", "type": "commune", "population": 300, "users": 10, "share": 0.3},
    {"name": "Commune B", "type": "commune", "population": 700, "users": 30, "share": 0.7},
]


def dossier_with(**top: Any) -> dict[str, Any]:
    dossier = base_dossier()
    dossier.update(top)
    return dossier


def validate(tmp_path: Path, data: dict[str, Any], *args: str) -> tuple[int, str, Path]:
    path = write_yaml(tmp_path / "d.yaml", data)
    result = CliRunner().invoke(cli, ["validate", str(path), *args])
    return result.exit_code, result.output, path


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (
            {"allocation_key": "population"},
            "allocation_key: allocation_key est donné sans members : il n'y a personne entre qui "
            "répartir. Correction : ajoutez la liste members",
        ),
        (
            {"members": COMMUNES},
            "allocation_key: members est donné sans allocation_key : la clé de répartition "
            "manque. Correction : ajoutez « allocation_key: population »",
        ),
        (
            {
                "members": [COMMUNES[0], {"name": "Commune B", "type": "commune"}],
                "allocation_key": "population",
            },
            "members[1].population: le membre « Commune B » n'a pas de population, que la clé "
            "« population » demande. Correction : donnez population à chaque membre",
        ),
        (
            {"members": [{**COMMUNES[0], "share": 0.4}, COMMUNES[1]], "allocation_key": "explicit"},
            "members: les parts explicites des membres font 1.1 au lieu de 1. Correction : corrigez "
            "les champs share",
        ),
        (
            {"members": [{**c, "users": 0} for c in COMMUNES], "allocation_key": "users"},
            "members: les valeurs users des membres font 0 au total",
        ),
        (
            {
                "members": [COMMUNES[0], {**COMMUNES[1], "name": "commune a"}],
                "allocation_key": "equal",
            },
            "members[1].name: le membre « commune a » figure deux fois",
        ),
    ],
)
def test_a_bad_members_section_is_one_french_line(
    tmp_path: Path, top: dict[str, Any], expected: str
) -> None:
    code, output, path = validate(tmp_path, dossier_with(**top))
    assert code == 2, output
    assert output.count("\n") == 1, output
    assert output.startswith(f"Erreur : {path}:"), output
    assert expected in output.replace("\u202f", " ").replace("\u00a0", " "), output


def test_a_bad_siren_names_the_field(tmp_path: Path) -> None:
    members = [{**COMMUNES[0], "siren": "1234"}, COMMUNES[1]]
    code, output, _ = validate(
        tmp_path, dossier_with(members=members, allocation_key="equal"), "--lang", "en"
    )
    assert code == 2, output
    assert "members[0].siren" in output, output


@pytest.mark.parametrize("key", ["population", "users", "equal", "explicit"])
def test_every_key_validates(tmp_path: Path, key: str) -> None:
    members = [{**COMMUNES[0], "siren": "200012345"}, COMMUNES[1]]
    code, output, _ = validate(tmp_path, dossier_with(members=members, allocation_key=key))
    assert code == 0, output


def test_shares_by_each_key(tmp_path: Path) -> None:
    from ecodigital.assessment import Options, run

    expected = {
        "population": [0.3, 0.7],  # 300 / 1000 and 700 / 1000
        "users": [0.25, 0.75],  # 10 / 40 and 30 / 40
        "equal": [0.5, 0.5],
        "explicit": [0.3, 0.7],
    }
    for key, shares in expected.items():
        data = dossier_with(members=COMMUNES, allocation_key=key)
        path = write_yaml(tmp_path / f"{key}.yaml", data)
        mutual = run(path, Options(deterministic=True)).mutualisation
        assert mutual is not None
        assert [m.share for m in mutual.members] == pytest.approx(shares, rel=1e-15)
        assert mutual.total_cost is None and all(m.cost is None for m in mutual.members)
