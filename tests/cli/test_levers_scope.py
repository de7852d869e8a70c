"""The standard levers change only what the applicant controls, and say when data is personal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import base_dossier, write_yaml

from ecodigital.assessment import Options, run
from ecodigital.countries import country_name
from ecodigital.report.note.scenarios import lever_name
from ecodigital.vocabulary import EU27


def levers(tmp_path: Path, **extra: Any) -> dict[str, Any]:
    data = base_dossier()
    data["inventory"] = [
        {"id": "postes-agents", "kind": "laptop", "quantity": 10, "allocation": 0.5},
        {
            "id": "telephones-usagers",
            "kind": "smartphone",
            "owner": "users",
            "quantity": 500,
            "allocation": 0.002,
        },
        {"id": "serveur", "kind": "server", "location": "FRA"},
        {"id": "trafic", "kind": "network", "gb_per_year": 100},
    ]
    data.update(extra)
    results = run(write_yaml(tmp_path / "d.yaml", data), Options(deterministic=True))
    assert results.scenarios is not None
    return {lever.lever: lever for lever in results.scenarios.levers}


def test_terminal_levers_leave_the_users_own_devices_alone(tmp_path: Path) -> None:
    found = levers(tmp_path)
    assert found["longer_life"].items == ("postes-agents",)
    assert found["fewer_terminals"].items == ("postes-agents",)
    # hosting and the data the service sends are the applicant's to change
    assert found["location"].items == ("serveur",)
    assert found["less_data"].items == ("trafic",)


def test_a_dossier_of_users_devices_only_gets_no_terminal_lever(tmp_path: Path) -> None:
    data = base_dossier()
    data["inventory"] = [{"id": "telephones", "kind": "smartphone", "owner": "users"}]
    results = run(write_yaml(tmp_path / "d.yaml", data), Options(deterministic=True))
    assert results.scenarios is not None
    assert {lever.lever for lever in results.scenarios.levers} <= {"less_data", "pue", "location"}
    found = {lever.lever for lever in results.scenarios.levers}
    assert not {"longer_life", "fewer_terminals"} & found


def test_the_location_lever_stays_in_the_eu_and_flags_personal_data(tmp_path: Path) -> None:
    plain = levers(tmp_path)["location"]
    assert plain.params["country"] in EU27
    assert "personal_data" not in plain.params
    assert "données personnelles" not in lever_name(plain, "fr")
    personal = levers(tmp_path, applicant={"personal_data": {"dpo": True}})["location"]
    assert personal.params["personal_data"] == "yes"
    name = lever_name(personal, "fr")
    assert name.startswith("Héberger les centres de données dans le pays de l'UE")
    # the country by its name, in the note's language
    assert f"({country_name(personal.params['country'], 'fr')})" in name
    assert "données personnelles : le pays proposé est dans l'UE (RGPD)" in name
    assert "délégué à la protection des données" in name
    assert "personal data: the country proposed is in the EU (GDPR)" in lever_name(personal, "en")
